"""Hand-made customers at the edges of each tier rule, and needs-analysis figures worked out by hand.

Tiers are judged on TODAY = 2026-08-15 with seed 000's default rules
(A: contact within 3 months and premium above 50,000.00; B: contact within
6 months and no policy; C: the latest policy more than 12 months old):

- 3 months before TODAY is 2026-05-15 (a contact that day counts, 05-14 does not);
- 6 months before is 2026-02-15 (counts; 02-14 does not);
- 12 months before is 2025-08-15: a policy of that day is not "more than 12
  months" old (not C), one of 2025-08-14 is (C);
- the annual premium sums the sales of 2025-08-16 .. 2026-08-15 (both included);
  a sale of 2025-08-15 is outside it.

Each customer (all the agent's): contact; sales (day premium); premium of the 12 months; latest
policy; tier by hand, and why::

    a_edge        05-15  2026-01-10 50,000.01                   50,000.01  2026-01-10  A
                  (a contact 3 months ago exactly; premium strictly above 50,000)
    a_late        05-14  2026-01-10 50,000.01                   50,000.01  2026-01-10  -
                  (3 months + 1 day; a policy: not B; a 7-month-old policy: not C)
    a_premium_eq  05-15  2026-01-10 50,000.00                   50,000.00  2026-01-10  -  (not above)
    a_two_sales   07-01  2025-08-16 30,000.00 + 03-01 20,000.01  50,000.01  2026-03-01  A
                  (the window's first day counts)
    a_window      07-01  2025-08-15 30,000.00 + 03-01 20,000.01  20,000.01  2026-03-01  -
                  (a sale 12 months ago exactly is outside the window)
    b_edge        02-15  —                                       0.00       —           B  (6 months exactly)
    b_late        02-14  —                                       0.00       —           -  (6 months + 1 day)
    b_policy      07-01  2025-10-01 1,000.00                    1,000.00   2025-10-01  -
                  (a policy: not B; 10 months old: not C)
    c_edge        —      2025-08-15 1,000.00                    0.00       2025-08-15  -
                  (12 months exactly is not "more than")
    c_over        —      2025-08-14 1,000.00                    0.00       2025-08-14  C  (12 months + 1 day)
    c_contacted   08-01  2025-03-01 80,000.00                   0.00       2025-03-01  C
                  (a contact, but nothing in 12 months, and a policy)
    by_quote      — (a quote of 2026-05-15: the contact)         0.00       —           B
    by_stage      — (a stage change of 2026-02-15)               0.00       —           B
    by_visit      — (a visit in the log of 2026-03-01)           0.00       —           B
    future        2026-08-16                                     0.00       —           -
                  (a contact after TODAY is no contact)

(contacts in 2026 unless a year is given; "-" is no tier)

Tenant-set rules change the outcome:

- tier_a_premium 50,000.00 → 40,000.00: a_premium_eq (50,000.00 > 40,000.00) becomes A;
- tier_a_months 3 → 4 (2026-04-15): a_late (2026-05-14) becomes A;
- tier_c_policy_months 12 → 6 (before 2026-02-15): a_edge (policy 2026-01-10, contact 05-15, 50,000.01)
  meets A and C: A wins (precedence A, B, C); a_late (not A any more on 3 months) becomes C;
  c_edge becomes C;
- tier_b_months 6 → 5 (2026-03-15): b_edge (2026-02-15) loses B; by_visit (03-01) loses B.

Counts with the default rules: A 2 (a_edge, a_two_sales), B 4 (b_edge, by_quote, by_stage,
by_visit), C 2 (c_over, c_contacted), no tier 7 — 15 customers, all the agent's.

Needs analysis (default budget 10–15 %; the tenant's products, in order: health, annuity,
employer_liability, group_annuity, single_premium_savings):

- income 300,000.00, cover health 2,000.00 + annuity 8,000.00:
  budget 30,000.00–45,000.00; existing 10,000.00; gap 30,000.00 − 10,000.00 = 20,000.00;
  three products without cover: 20,000.00 / 3 = 6,666.666… → 6,666.66 each (rounded down),
  2 fen left over to the first two: employer_liability 6,666.67, group_annuity 6,666.67,
  single_premium_savings 6,666.66 (sum 20,000.00).
- income 123,456.78: 10 % = 12,345.678 → 12,345.68; 15 % = 18,518.517 → 18,518.52;
  with the tenant's 12.5 %: 15,432.0975 → 15,432.10.
- income 0.30: 10 % = 0.03; 15 % = 0.045 → 0.05 (half up, not half even).
- income 100,000.00, cover health 20,000.00: budget 10,000.00–15,000.00; existing 20,000.00
  above the upper end; gap 0.00; the four products without cover listed at 0.00.
- income 100,000.00, cover 1,000.00 on each of the five products: existing 5,000.00;
  gap 10,000.00 − 5,000.00 = 5,000.00, shared among all five (each has cover): 1,000.00 each.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

from activities.models import Customer, CustomerStageChange, DailyLog, Quote, Visit
from salesops.org.models import Member, Product
from targets.models import SaleRecord
from targets.services.sales import sale_record_create

TODAY = date(2026, 8, 15)
_policy_numbers = count(1)

# name: (last_contact_on, [(sold_on, premium)], expected tier)
EDGE_CUSTOMERS: dict[str, tuple[date | None, list[tuple[date, str]], str]] = {
    "a_edge": (date(2026, 5, 15), [(date(2026, 1, 10), "50000.01")], "A"),
    "a_late": (date(2026, 5, 14), [(date(2026, 1, 10), "50000.01")], ""),
    "a_premium_eq": (date(2026, 5, 15), [(date(2026, 1, 10), "50000.00")], ""),
    "a_two_sales": (date(2026, 7, 1), [(date(2025, 8, 16), "30000.00"), (date(2026, 3, 1), "20000.01")], "A"),
    "a_window": (date(2026, 7, 1), [(date(2025, 8, 15), "30000.00"), (date(2026, 3, 1), "20000.01")], ""),
    "b_edge": (date(2026, 2, 15), [], "B"),
    "b_late": (date(2026, 2, 14), [], ""),
    "b_policy": (date(2026, 7, 1), [(date(2025, 10, 1), "1000.00")], ""),
    "c_edge": (None, [(date(2025, 8, 15), "1000.00")], ""),
    "c_over": (None, [(date(2025, 8, 14), "1000.00")], "C"),
    "c_contacted": (date(2026, 8, 1), [(date(2025, 3, 1), "80000.00")], "C"),
    "by_quote": (None, [], "B"),
    "by_stage": (None, [], "B"),
    "by_visit": (None, [], "B"),
    "future": (date(2026, 8, 16), [], ""),
}
DEFAULT_COUNTS = {"A": 2, "B": 4, "C": 2, "untiered": 7, "total": 15}

NEEDS_300K = {
    "income": "300000.00",
    "budget_low": "30000.00",
    "budget_high": "45000.00",
    "existing": "10000.00",
    "gap": "20000.00",
    "above_budget": False,
    "gaps": {"employer_liability": "6666.67", "group_annuity": "6666.67", "single_premium_savings": "6666.66"},
}


def make_customer(org, owner: Member, name: str, *, contact: date | None = None, phone: str = "") -> Customer:
    return Customer.objects.create(
        tenant=org.tenant,
        owner=owner,
        name=name,
        phone=phone,
        acquired_on=date(2025, 1, 1),
        stage_changed_on=date(2025, 1, 1),
        last_contact_on=contact,
    )


def sell(org, customer: Customer, day: date, premium: str, today: date = TODAY) -> SaleRecord:
    """Record a sale through the real service, then link it to the customer (as the funnel's signing does)."""
    sale = sale_record_create(
        tenant=org.tenant,
        actor=org.admin,
        policy_no=f"T-{org.tenant.slug}-{next(_policy_numbers)}",
        member_id=customer.owner_id,
        channel_code="agency",
        product_code="health",
        premium=Decimal(premium),
        policies=1,
        sold_on=day,
        customer_kind="new",
        payment_mode="regular",
        today=today,
    )
    SaleRecord.objects.filter(tenant=org.tenant, pk=sale.pk).update(customer=customer)
    return sale


def build_edge_customers(org, owner: Member | None = None) -> dict[str, Customer]:
    """The customers of the table above, owned by ``owner`` (the agent by default)."""
    owner = owner or org.agent
    customers = {}
    for name, (contact, sales, _tier) in EDGE_CUSTOMERS.items():
        customer = make_customer(org, owner, name, contact=contact)
        for day, premium in sales:
            sell(org, customer, day, premium)
        customers[name] = customer
    product = Product.objects.get(tenant=org.tenant, code="health")
    Quote.objects.create(
        tenant=org.tenant,
        customer=customers["by_quote"],
        product=product,
        premium=Decimal("5000.00"),
        quoted_on=date(2026, 5, 15),
    )
    CustomerStageChange.objects.create(
        tenant=org.tenant,
        customer=customers["by_stage"],
        from_stage="acquired",
        to_stage="needs_analysis",
        changed_on=date(2026, 2, 15),
    )
    log = DailyLog.objects.create(tenant=org.tenant, member=owner, date=date(2026, 3, 1), sales_interviews=1)
    Visit.objects.create(tenant=org.tenant, log=log, name="by_visit", kind="customer", customer=customers["by_visit"])
    return customers

"""Hand-made objection records for the objection tests, with the cost ranking worked out by hand.

Tenant ``acme`` (tests/factories.py) with its default library. Today is
Wednesday 15 Oct 2025 (``TODAY``). The period is September 2025.

Objections (default titles):
    A = 没钱，保费太贵了     B = 我再考虑考虑     C = 我已经有社保了     D = 我要和家人商量一下

Customers (owner, stage now, sale):
    c1  agent   signed            —
    c2  agent   objection         —
    c3  agent2  proposal          a linked sale (P-OBJ-1)   → signed by the sale
    c4  agent3  objection         —
    c5  agent4  needs_analysis    —
    c6  agent   service           —
    c7  agent4  objection         —, erased (its anonymous row still counts)

Signed = stage signed/service or a linked sale: c1, c3, c6.

Records (objection: customer on day):
    A: c1 09-02, c2 09-03, c2 09-10, c4 09-05, c5 09-06
    B: c2 09-04, c3 09-04, c6 09-08
    C: c4 09-07, c5 09-07, c7 09-09
    D: c1 08-20   (before September)
Tenant ``bolt`` records its A on its own customer on 09-02: never counted in acme.

Per objection: raised (records) / customers (distinct) / signed / lost = customers − signed.

Admin (the whole tenant), September:
    A: raised 5, customers {c1,c2,c4,c5} 4, signed {c1} 1, lost 3, lost share 3/4 = 0.7500
    C: raised 3, customers {c4,c5,c7} 3, signed 0, lost 3, share 1.0000
    B: raised 3, customers {c2,c3,c6} 3, signed {c3,c6} 2, lost 1, share 0.3333
    Ranked by lost: A and C tie on 3; A was raised more (5 > 3) → A, C, B. D is outside the period.
Admin, no period: D joins with raised 1, customers {c1} 1, signed 1, lost 0 → A, C, B, D.

Supervisor (team north-1: agent, agent2 → c1, c2, c3, c6), September:
    A: raised 3 (c1, c2, c2), customers 2, signed 1, lost 1
    B: raised 3 (c2, c3, c6), customers 3, signed 2, lost 1
    Tie on lost (1) and raised (3): by title, 我再考虑考虑 (我 U+6211) before 没钱… (没 U+6CA1) → B, A.

Agent (own book: c1, c2, c6), September:
    A: raised 3, customers 2 (c1, c2), signed 1, lost 1
    B: raised 2 (c2, c6), customers 2, signed 1 (c6), lost 1
    Tie on lost; A raised more → A, B.

Branch manager (north: agent, agent2, agent3 → c1, c2, c3, c4, c6), September:
    A: raised 4 (c1, c2, c2, c4), customers 3, signed 1, lost 2
    B: raised 3, customers 3, signed 2, lost 1
    C: raised 1 (c4), customers 1, signed 0, lost 1
    → A (2), then B and C on 1: B raised more → A, B, C.

Agent4 (c5, c7), September:
    C: raised 2 (c5, c7), customers 2, signed 0, lost 2
    A: raised 1 (c5), customers 1, signed 0, lost 1
    → C, A.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from activities.models.customers import Customer, CustomerObjection, Objection
from salesops.org.models import Channel, Product
from targets.models import SaleRecord
from tests.factories import OrgFixture

TODAY = date(2025, 10, 15)
SEPTEMBER = (date(2025, 9, 1), date(2025, 9, 30))
TITLES = {
    "A": "没钱，保费太贵了",
    "B": "我再考虑考虑",
    "C": "我已经有社保了",
    "D": "我要和家人商量一下",
}
# (customer, owner, stage, sold, erased)
CUSTOMERS = [
    ("c1", "agent", Customer.Stage.SIGNED, False, False),
    ("c2", "agent", Customer.Stage.OBJECTION, False, False),
    ("c3", "agent2", Customer.Stage.PROPOSAL, True, False),
    ("c4", "agent3", Customer.Stage.OBJECTION, False, False),
    ("c5", "agent4", Customer.Stage.NEEDS_ANALYSIS, False, False),
    ("c6", "agent", Customer.Stage.SERVICE, False, False),
    ("c7", "agent4", Customer.Stage.OBJECTION, False, True),
]
RECORDS = [
    ("A", "c1", date(2025, 9, 2)),
    ("A", "c2", date(2025, 9, 3)),
    ("A", "c2", date(2025, 9, 10)),
    ("A", "c4", date(2025, 9, 5)),
    ("A", "c5", date(2025, 9, 6)),
    ("B", "c2", date(2025, 9, 4)),
    ("B", "c3", date(2025, 9, 4)),
    ("B", "c6", date(2025, 9, 8)),
    ("C", "c4", date(2025, 9, 7)),
    ("C", "c5", date(2025, 9, 7)),
    ("C", "c7", date(2025, 9, 9)),
    ("D", "c1", date(2025, 8, 20)),
]
# Expected rows (title key, raised, customers, signed, lost), in ranked order, from the docstring.
EXPECTED = {
    "admin": [("A", 5, 4, 1, 3), ("C", 3, 3, 0, 3), ("B", 3, 3, 2, 1)],
    "supervisor": [("B", 3, 3, 2, 1), ("A", 3, 2, 1, 1)],
    "agent": [("A", 3, 2, 1, 1), ("B", 2, 2, 1, 1)],
    "branch_manager": [("A", 4, 3, 1, 2), ("B", 3, 3, 2, 1), ("C", 1, 1, 0, 1)],
    "agent4": [("C", 2, 2, 0, 2), ("A", 1, 1, 0, 1)],
}
EXPECTED_ADMIN_ALL_TIME = [*EXPECTED["admin"], ("D", 1, 1, 1, 0)]


@dataclass
class CostFacts:
    objections: dict[str, Objection]
    customers: dict[str, Customer]


def make_customer(org: OrgFixture, owner: str, name: str, *, stage: str = Customer.Stage.ACQUIRED, phone: str = ""):
    return Customer.objects.create(
        tenant=org.tenant,
        owner=org.members[owner],
        name=name,
        phone=phone,
        acquired_on=date(2025, 6, 1),
        stage=stage,
        stage_changed_on=date(2025, 8, 1),
    )


def library(org: OrgFixture) -> dict[str, Objection]:
    return {key: Objection.objects.get(tenant=org.tenant, title=title) for key, title in TITLES.items()}


def write_costs(org: OrgFixture, other_org: OrgFixture | None = None) -> CostFacts:
    """Write the customers and records of the docstring (and bolt's one record when ``other_org`` is given)."""
    objections = library(org)
    customers: dict[str, Customer] = {}
    for key, owner, stage, sold, erased in CUSTOMERS:
        customer = make_customer(org, owner, f"客户{key}", stage=stage)
        if sold:
            SaleRecord.objects.create(
                tenant=org.tenant,
                policy_no=f"P-OBJ-{key}",
                member=org.members[owner],
                channel=Channel.objects.get(tenant=org.tenant, code="agency"),
                product=Product.objects.get(tenant=org.tenant, code="health"),
                premium=Decimal("3000.00"),
                sold_on=date(2025, 9, 20),
                customer_kind=SaleRecord.CustomerKind.NEW,
                payment_mode=SaleRecord.PaymentMode.REGULAR,
                customer=customer,
            )
        if erased:
            customer.name = ""
            customer.erased_at = timezone.now()
            customer.save()
        customers[key] = customer
    CustomerObjection.objects.bulk_create(
        CustomerObjection(tenant=org.tenant, customer=customers[who], objection=objections[what], raised_on=day)
        for what, who, day in RECORDS
    )
    if other_org is not None:
        theirs = make_customer(other_org, "agent", "别家客户", stage=Customer.Stage.OBJECTION)
        CustomerObjection.objects.create(
            tenant=other_org.tenant,
            customer=theirs,
            objection=Objection.objects.get(tenant=other_org.tenant, title=TITLES["A"]),
            raised_on=date(2025, 9, 2),
        )
    return CostFacts(objections=objections, customers=customers)


def cost_rows(costs, objections: dict[str, Objection]) -> list[tuple]:
    """The costs as (title key, raised, customers, signed, lost) for comparing with ``EXPECTED``."""
    key_of = {objection.pk: key for key, objection in objections.items()}
    return [(key_of[cost.objection_id], cost.raised, cost.customers, cost.signed, cost.lost) for cost in costs]

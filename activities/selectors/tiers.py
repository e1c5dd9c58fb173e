"""The customer tiers A/B/C (seed 000 section 三.1, the RFM layering) on the tenant's customer rules.

The rules, with the tenant's thresholds (``CustomerPolicy``, seed 000's by
default), judged on a day ``today``:

- **A** (high value, 高价值客户): a contact within the last ``tier_a_months``
  months (3) AND an annual premium strictly above ``tier_a_premium``
  (50,000.00 yuan);
- **B** (potential, 潜力客户): a contact within the last ``tier_b_months``
  months (6) AND no policy at all (no sale record linked to the customer);
- **C** (existing, 存量客户): has a policy, and the latest one was written
  more than ``tier_c_policy_months`` months ago (12: "已成交1年以上");
- otherwise no tier (``""``).

When several rules hold (possible only with tenant-set thresholds, e.g. C
at 6 months), the first in the order A, B, C wins.

Definitions:

- *contact* is the latest of: the customer's ``last_contact_on``, the day
  of their latest visit in a work log, their latest funnel stage change,
  their latest quote — each only if on or before ``today``;
- "*within N months*": on or after the same calendar day N months before
  ``today`` (clamped to the month's end: 31 May − 3 months = 28/29 Feb),
  and on or before ``today``; so a contact exactly 3 months ago counts,
  3 months and 1 day ago does not;
- *annual premium*: the sum of the premium of the sale records linked to
  the customer, written in the 12 months up to ``today``: after the day 12
  months before ``today`` and on or before ``today`` (for 2026-11-22: from
  2025-11-23 to 2026-11-22, both included), every payment mode;
- "*more than N months ago*": strictly before the same calendar day N months
  before ``today``; a policy exactly 12 months old is not yet C.

The stored ``Customer.tier`` is recomputed nightly
(``activities.services.tiers.recompute_tiers``); the customer page judges
live with the same function.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models.customers import Customer, CustomerPolicy, CustomerStageChange, Quote
from activities.models.logs import Visit
from activities.selectors.customers import customer_scope_q
from salesops.org.models import Member, Tenant
from targets.models import SaleRecord

ZERO = Decimal("0.00")
TIERS = ("A", "B", "C")
UNTIERED = ""
# The seed's next step for each tier (seed 000 section 三.1).
NEXT_ACTIONS: dict[str, Promise] = {
    "A": gettext_lazy(
        "Assign the dedicated service team (专属服务团队: agent, underwriting, claims) "
        "with a health-management and asset-allocation plan."
    ),
    "B": gettext_lazy("Invite to a themed salon (沙龙邀约, e.g. a family risk talk) with a time-limited offer."),
    "C": gettext_lazy(
        "Birthday care and better claims service; ask for a referral (生日关怀/转介绍) with the referral reward."
    ),
}
NO_TIER_ACTION = gettext_lazy("Keep in touch: log each contact so that the customer can be tiered.")


def policy_for(tenant: Tenant) -> CustomerPolicy:
    """Return the tenant's customer rules, created with seed 000's defaults on first read."""
    policy, _created = CustomerPolicy.objects.get_or_create(tenant=tenant)
    return policy


def months_before(day: date, months: int) -> date:
    """Return the same calendar day ``months`` months before ``day``, clamped to that month's last day.

    As ``dateutil.relativedelta``: 2026-05-31 − 3 months = 2026-02-28; 2024-05-31 − 3 = 2024-02-29.
    """
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def premium_window(today: date) -> tuple[date, date]:
    """Return the first and last day of the 12 months up to ``today`` whose premium is the annual premium."""
    return months_before(today, 12) + timedelta(days=1), today


@dataclass(frozen=True)
class TierFacts:
    """What the rules read of one customer, as of a day."""

    contact_on: date | None = None
    premium_12m: Decimal = ZERO
    last_policy_on: date | None = None


@dataclass(frozen=True)
class Verdict:
    tier: str
    facts: TierFacts
    reason: str
    next_action: str


def tier_rule(facts: TierFacts, *, policy: CustomerPolicy, today: date) -> str:
    """Return the tier ``facts`` meet on ``today``: "A", "B", "C" or "" (the first rule met, in that order)."""
    contact = facts.contact_on if facts.contact_on is not None and facts.contact_on <= today else None
    if (
        contact is not None
        and contact >= months_before(today, policy.tier_a_months)
        and facts.premium_12m > policy.tier_a_premium
    ):
        return "A"
    if contact is not None and contact >= months_before(today, policy.tier_b_months) and facts.last_policy_on is None:
        return "B"
    if facts.last_policy_on is not None and facts.last_policy_on < months_before(today, policy.tier_c_policy_months):
        return "C"
    return UNTIERED


def contact_of(customer: Customer, *, today: date, other_contacts: Iterable[date | None] = ()) -> date | None:
    """Return the customer's latest contact on or before ``today``: ``last_contact_on`` or any of ``other_contacts``."""
    days = [day for day in (customer.last_contact_on, *other_contacts) if day is not None and day <= today]
    return max(days, default=None)


def tier_of(
    customer: Customer,
    *,
    policy: CustomerPolicy,
    today: date,
    premium_12m: Decimal,
    last_policy_on: date | None,
    other_contacts: Iterable[date | None] = (),
) -> str:
    """Return ``customer``'s tier on ``today``, from their contact, annual premium and latest policy.

    The contact is ``last_contact_on`` and, when given, ``other_contacts``
    (the latest visit, stage change and quote: ``tier_facts`` reads them).
    """
    facts = TierFacts(
        contact_on=contact_of(customer, today=today, other_contacts=other_contacts),
        premium_12m=premium_12m,
        last_policy_on=last_policy_on,
    )
    return tier_rule(facts, policy=policy, today=today)


@dataclass
class _Gathered:
    contacts: dict[int, list[date]] = field(default_factory=dict)
    premium_12m: dict[int, Decimal] = field(default_factory=dict)
    last_policy_on: dict[int, date] = field(default_factory=dict)


def _gather(tenant: Tenant, today: date, customer_ids: list[int] | None) -> _Gathered:
    """Read the facts of the tenant's customers (or of ``customer_ids``): four grouped queries, whatever the count."""
    gathered = _Gathered()
    narrow = Q() if customer_ids is None else Q(customer_id__in=customer_ids)
    window_from, _window_to = premium_window(today)
    sales = (
        SaleRecord.objects.filter(narrow, tenant=tenant, customer__isnull=False, sold_on__lte=today)
        .values("customer_id")
        .annotate(last=Max("sold_on"), premium=Sum("premium", filter=Q(sold_on__gte=window_from)))
        .order_by()
    )
    for row in sales:
        gathered.last_policy_on[row["customer_id"]] = row["last"]
        gathered.premium_12m[row["customer_id"]] = row["premium"] or ZERO
    contact_reads: tuple[Any, ...] = (
        Visit.objects.filter(narrow, tenant=tenant, customer__isnull=False, log__date__lte=today)
        .values("customer_id")
        .annotate(last=Max("log__date")),
        CustomerStageChange.objects.filter(narrow, tenant=tenant, changed_on__lte=today)
        .values("customer_id")
        .annotate(last=Max("changed_on")),
        Quote.objects.filter(narrow, tenant=tenant, quoted_on__lte=today)
        .values("customer_id")
        .annotate(last=Max("quoted_on")),
    )
    for rows in contact_reads:
        for row in rows.order_by():
            gathered.contacts.setdefault(row["customer_id"], []).append(row["last"])
    return gathered


def tier_facts(*, tenant: Tenant, customers: list[Customer], today: date) -> dict[int, TierFacts]:
    """Return the facts of ``customers`` (the tenant's) on ``today``, by customer id: four queries."""
    gathered = _gather(tenant, today, [customer.pk for customer in customers])
    return {customer.pk: _facts(customer, gathered, today) for customer in customers}


def _facts(customer: Customer, gathered: _Gathered, today: date) -> TierFacts:
    return TierFacts(
        contact_on=contact_of(customer, today=today, other_contacts=gathered.contacts.get(customer.pk, ())),
        premium_12m=gathered.premium_12m.get(customer.pk, ZERO),
        last_policy_on=gathered.last_policy_on.get(customer.pk),
    )


def tenant_tiers(*, tenant: Tenant, today: date, policy: CustomerPolicy) -> dict[int, tuple[str, str]]:
    """Return ``{customer id: (stored tier, tier on today)}`` for the tenant's book (erased left out): five queries."""
    gathered = _gather(tenant, today, None)
    book = Customer.objects.filter(tenant=tenant, erased_at__isnull=True).only("pk", "last_contact_on", "tier")
    return {
        customer.pk: (customer.tier, tier_rule(_facts(customer, gathered, today), policy=policy, today=today))
        for customer in book.order_by().iterator(chunk_size=5000)
    }


def _day(day: date | None) -> str:
    return day.isoformat() if day else _("none")


def tier_reason(tier: str, facts: TierFacts, *, policy: CustomerPolicy, today: date) -> str:
    """Say which rule ``tier`` met with these facts (or, for no tier, what the customer lacks)."""
    values = {
        "contact": _day(facts.contact_on),
        "policy": _day(facts.last_policy_on),
        "premium": f"{facts.premium_12m:,.2f}",
        "threshold": f"{policy.tier_a_premium:,.2f}",
        "a_months": policy.tier_a_months,
        "b_months": policy.tier_b_months,
        "c_months": policy.tier_c_policy_months,
    }
    if tier == "A":
        return (
            _(
                "A: last contact on %(contact)s, within %(a_months)d months, and a premium of %(premium)s yuan "
                "in the last 12 months, above %(threshold)s."
            )
            % values
        )
    if tier == "B":
        return _("B: last contact on %(contact)s, within %(b_months)d months, and no policy yet.") % values
    if tier == "C":
        return _("C: the latest policy was written on %(policy)s, more than %(c_months)d months ago.") % values
    return (
        _(
            "No tier: last contact %(contact)s, premium of the last 12 months %(premium)s yuan, latest policy "
            "%(policy)s. A needs a contact within %(a_months)d months and a premium above %(threshold)s; B a "
            "contact within %(b_months)d months and no policy; C a policy older than %(c_months)d months."
        )
        % values
    )


def next_action(tier: str) -> str:
    """Return the suggested next step for ``tier``, in the active language."""
    return str(NEXT_ACTIONS.get(tier, NO_TIER_ACTION))


def customer_verdict(
    *, tenant: Tenant, customer: Customer, today: date, policy: CustomerPolicy | None = None
) -> Verdict:
    """Judge one customer live on ``today``: the tier, the rule it met (why) and the next action."""
    policy = policy or policy_for(tenant)
    facts = tier_facts(tenant=tenant, customers=[customer], today=today)[customer.pk]
    tier = tier_rule(facts, policy=policy, today=today)
    return Verdict(
        tier=tier,
        facts=facts,
        reason=tier_reason(tier, facts, policy=policy, today=today),
        next_action=next_action(tier),
    )


@dataclass(frozen=True)
class TierCounts:
    a: int = 0
    b: int = 0
    c: int = 0
    untiered: int = 0

    @property
    def total(self) -> int:
        return self.a + self.b + self.c + self.untiered

    def as_dict(self) -> dict[str, int]:
        return {"A": self.a, "B": self.b, "C": self.c, "untiered": self.untiered, "total": self.total}


@dataclass(frozen=True)
class TierSummaryRow:
    key: int
    name: str
    unit: str
    employee_no: str
    counts: TierCounts


@dataclass(frozen=True)
class TierSummary:
    by: str
    rows: list[TierSummaryRow]
    totals: TierCounts
    computed_on: date | None


SUMMARY_GROUPINGS = ("owner", "unit")


def tier_summary(*, tenant: Tenant, actor: Member, by: str = "owner") -> TierSummary:
    """Count the stored tiers of ``actor``'s book per owner (agent) or per owner's unit: one GROUP BY.

    Erased customers are left out (they are out of the book and no longer tiered).
    """
    if by not in SUMMARY_GROUPINGS:
        raise ValueError(by)
    counts: dict[str, Any] = {
        "a": Count("id", filter=Q(tier="A")),
        "b": Count("id", filter=Q(tier="B")),
        "c": Count("id", filter=Q(tier="C")),
        "untiered": Count("id", filter=Q(tier="")),
        "computed_on": Max("tier_computed_on"),
    }
    book = Customer.objects.filter(customer_scope_q(actor), tenant=tenant, erased_at__isnull=True)
    if by == "owner":
        group = ["owner_id", "owner__display_name", "owner__employee_no", "owner__unit__name"]
        order = ["owner__unit__path", "owner__display_name", "owner_id"]
        keys = ("owner_id", "owner__display_name", "owner__unit__name", "owner__employee_no")
    else:
        group = ["owner__unit_id", "owner__unit__name", "owner__unit__path"]
        order = ["owner__unit__path", "owner__unit_id"]
        keys = ("owner__unit_id", "owner__unit__name", "owner__unit__name", "")
    fetched: list[dict[str, Any]] = list(book.values(*group).annotate(**counts).order_by(*order))
    rows = []
    for row in fetched:
        rows.append(
            TierSummaryRow(
                key=row[keys[0]],
                name=row[keys[1]],
                unit=row[keys[2]],
                employee_no=row[keys[3]] if keys[3] else "",
                counts=TierCounts(a=row["a"], b=row["b"], c=row["c"], untiered=row["untiered"]),
            )
        )
    totals = TierCounts(
        a=sum(row.counts.a for row in rows),
        b=sum(row.counts.b for row in rows),
        c=sum(row.counts.c for row in rows),
        untiered=sum(row.counts.untiered for row in rows),
    )
    computed = [row["computed_on"] for row in fetched if row["computed_on"] is not None]
    return TierSummary(by=by, rows=rows, totals=totals, computed_on=max(computed, default=None))

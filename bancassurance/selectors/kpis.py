"""Branch KPIs (seed 004's 闭环评估) from the sale records that name a branch, and the contacts' openings.

- **activity rate** (网点活动率) = branches with at least one policy in the
  period ÷ branches; judged against the tenant's three rising targets
  (30% / 60% / 100%): the page says which was reached and which is next;
- **policies per branch** (网均件数) = policies ÷ branches;
- **premium** and its **share** of the whole bank channel's premium (every
  branch of the tenant) in the period;
- **regular : single** (期交 : 趸交) premium as ``1 : x``, against the
  tenant's ``1 : 2`` (at most 2 yuan of single premium per yuan of regular);
- **opening volume** (开口量): the openings the branch people reported in
  the contacts of the period.

Everything is summed in SQL: one query for the sales by branch and payment
mode, one for the openings, one for the channel's premium; the grouping by
bank, staff member, stage or branch is done on those per-branch sums.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from bancassurance.models import BancassurancePolicy, BankBranch, BranchContact, Stage
from bancassurance.selectors.branches import branch_list
from dashboards.selectors.rollups import ratio
from salesops.org.models import Member, Tenant
from targets.models import SaleRecord
from targets.quarters import month_end

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
GROUPS = ("bank", "staff", "stage", "branch")


@dataclass
class BranchFigures:
    """One branch's results over a period."""

    policies: int = 0
    premium: Decimal = ZERO
    regular: Decimal = ZERO
    single: Decimal = ZERO
    openings: int = 0


@dataclass(frozen=True)
class Kpis:
    branches: int
    active_branches: int
    activity_rate: Decimal | None
    policies: int
    policies_per_branch: Decimal | None
    premium: Decimal
    premium_share: Decimal | None
    regular_premium: Decimal
    single_premium: Decimal
    single_per_regular: Decimal | None
    opening_volume: int

    def as_dict(self) -> dict:
        """Every figure by name, the ratio as written too (what the API and the tables show)."""
        return {**asdict(self), "regular_single_ratio": self.regular_single_ratio}

    @property
    def regular_single_ratio(self) -> str | None:
        """``"1 : 2.5"``; ``None`` when there is no regular premium to compare with."""
        if self.single_per_regular is None:
            return None
        return f"1 : {_plain(self.single_per_regular)}"


@dataclass(frozen=True)
class Targets:
    """Where the activity rate and the premium mix stand against the tenant's targets."""

    reached: int | None  # the highest activity target reached (percent), if any
    next: int | None  # the next one to reach
    ratio_target: Decimal  # single per regular, at most
    ratio_met: bool | None


@dataclass
class KpiReport:
    total: Kpis
    rows: list[dict] = field(default_factory=list)


def _plain(value: Decimal) -> str:
    """``2.50`` → ``2.5``, ``2.00`` → ``2``: the ratio as people write it."""
    text = format(value.quantize(CENT, ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def kpis_of(figures: Iterable[BranchFigures], channel_premium: Decimal) -> Kpis:
    """Sum per-branch figures into the KPIs (pure: the tests work these out by hand)."""
    figures = list(figures)
    branches = len(figures)
    policies = sum(f.policies for f in figures)
    premium = sum((f.premium for f in figures), ZERO)
    regular = sum((f.regular for f in figures), ZERO)
    single = sum((f.single for f in figures), ZERO)
    per_branch = ratio(policies, branches)
    single_per_regular = ratio(single, regular)
    return Kpis(
        branches=branches,
        active_branches=sum(1 for f in figures if f.policies > 0),
        activity_rate=ratio(sum(1 for f in figures if f.policies > 0), branches),
        policies=policies,
        policies_per_branch=None if per_branch is None else per_branch.quantize(CENT, ROUND_HALF_UP),
        premium=premium,
        premium_share=ratio(premium, channel_premium),
        regular_premium=regular,
        single_premium=single,
        single_per_regular=None if single_per_regular is None else single_per_regular.quantize(CENT, ROUND_HALF_UP),
        opening_volume=sum(f.openings for f in figures),
    )


def targets_of(kpis: Kpis, policy: BancassurancePolicy) -> Targets:
    steps = [policy.activity_target_1, policy.activity_target_2, policy.activity_target_3]
    percent = None if kpis.activity_rate is None else kpis.activity_rate * 100
    reached = [step for step in steps if percent is not None and percent >= step]
    ahead = [step for step in steps if percent is None or percent < step]
    return Targets(
        reached=max(reached) if reached else None,
        next=min(ahead) if ahead else None,
        ratio_target=policy.single_per_regular_target,
        ratio_met=None
        if kpis.single_per_regular is None
        else kpis.single_per_regular <= policy.single_per_regular_target,
    )


def branch_figures(
    *, tenant: Tenant, actor: Member | None, start: date, end: date, filters: dict | None = None
) -> list[tuple[BankBranch, BranchFigures]]:
    """Every branch in scope (and ``filters``) with its figures from ``start`` to ``end``; three queries."""
    branches = list(branch_list(tenant=tenant, actor=actor, filters=filters))
    figures = {branch.pk: BranchFigures() for branch in branches}
    sales = (
        SaleRecord.objects.filter(tenant=tenant, bank_branch__in=list(figures), sold_on__gte=start, sold_on__lte=end)
        .values("bank_branch_id", "payment_mode")
        .annotate(policies=Sum("policies"), premium=Sum("premium"))
        .order_by()
    )
    for row in sales:
        into = figures[row["bank_branch_id"]]
        into.policies += row["policies"]
        into.premium += row["premium"]
        if row["payment_mode"] == SaleRecord.PaymentMode.REGULAR:
            into.regular += row["premium"]
        else:
            into.single += row["premium"]
    openings = (
        BranchContact.objects.filter(
            tenant=tenant, branch__in=list(figures), contacted_on__gte=start, contacted_on__lte=end
        )
        .values("branch_id")
        .annotate(openings=Sum("openings"))
        .order_by()
    )
    for opened in openings:
        figures[opened["branch_id"]].openings = opened["openings"]
    return [(branch, figures[branch.pk]) for branch in branches]


def channel_premium(*, tenant: Tenant, start: date, end: date) -> Decimal:
    """The bank channel's premium in the period: every sale of the tenant that names a branch."""
    total = SaleRecord.objects.filter(
        tenant=tenant, bank_branch__isnull=False, sold_on__gte=start, sold_on__lte=end
    ).aggregate(total=Sum("premium"))["total"]
    return total or ZERO


def _group_key(by: str) -> Callable[[BankBranch], tuple]:
    """The key and label each branch falls under when the KPIs are grouped ``by``."""
    return {
        "bank": lambda b: (b.bank_id, b.bank.name),
        "staff": lambda b: (b.assigned_to_id, b.assigned_to.display_name if b.assigned_to else ""),
        "stage": lambda b: (b.stage, b.get_stage_display()),
        "branch": lambda b: (b.pk, b.name),
    }[by]


def grouped(rows: list[tuple[BankBranch, BranchFigures]], channel: Decimal, by: str) -> list[dict]:
    """The KPIs per bank, staff member, stage or branch of per-branch figures, in the branches' order."""
    key = _group_key(by)
    groups: dict[tuple, list[BranchFigures]] = defaultdict(list)
    for branch, figures in rows:
        groups[key(branch)].append(figures)
    return [
        {"id": group_id, "name": name, "kpis": kpis_of(members, channel)}
        for (group_id, name), members in groups.items()
    ]


def kpi_report(
    *, tenant: Tenant, actor: Member | None, start: date, end: date, filters: dict | None = None, by: str | None = None
) -> KpiReport:
    """The KPIs of the branches in scope, and per bank, staff member, stage or branch when ``by`` says."""
    rows = branch_figures(tenant=tenant, actor=actor, start=start, end=end, filters=filters)
    channel = channel_premium(tenant=tenant, start=start, end=end)
    total = kpis_of((figures for _branch, figures in rows), channel)
    return KpiReport(total=total, rows=grouped(rows, channel, by) if by else [])


def month_firsts(last: date, count: int) -> list[date]:
    """The first days of the ``count`` months up to the one holding ``last``, oldest first."""
    year, month = last.year, last.month
    firsts = []
    for _step in range(count):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def activity_trend(
    *, tenant: Tenant, actor: Member | None, last: date, months: int = 6, filters: dict | None = None
) -> list[tuple[date, int, int, Decimal | None]]:
    """Per month up to ``last``: (month's first day, branches, active branches, activity rate); two queries."""
    branch_ids = list(branch_list(tenant=tenant, actor=actor, filters=filters).values_list("pk", flat=True))
    return trend_of(tenant=tenant, branch_ids=branch_ids, last=last, months=months)


def trend_of(
    *, tenant: Tenant, branch_ids: list[int], last: date, months: int = 6
) -> list[tuple[date, int, int, Decimal | None]]:
    """``activity_trend`` of branches already chosen (a page that has them loaded); one query."""
    firsts = month_firsts(last, months)
    sold = (
        SaleRecord.objects.filter(
            tenant=tenant,
            bank_branch__in=branch_ids,
            sold_on__gte=firsts[0],
            sold_on__lte=month_end(last.year, last.month),
        )
        .annotate(month=TruncMonth("sold_on"))
        .values("month", "bank_branch_id")
        .annotate(policies=Sum("policies"))
        .order_by()
    )
    active: dict[date, int] = defaultdict(int)
    for row in sold:
        if row["policies"] > 0:
            active[row["month"]] += 1
    return [(first, len(branch_ids), active[first], ratio(active[first], len(branch_ids))) for first in firsts]


def stage_counts(*, tenant: Tenant, actor: Member | None, filters: dict | None = None) -> list[tuple[str, str, int]]:
    """Branches per lifecycle stage, in the stages' order: (stage, label, branches)."""
    return count_stages(branch_list(tenant=tenant, actor=actor, filters=filters))


def count_stages(branches: Iterable[BankBranch]) -> list[tuple[str, str, int]]:
    """``stage_counts`` of branches already loaded."""
    counts = Counter(branch.stage for branch in branches)
    return [(stage.value, str(stage.label), counts[stage.value]) for stage in Stage]

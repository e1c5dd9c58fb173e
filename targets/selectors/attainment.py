"""Attainment: target, actual, expected-to-date and deviation for a unit or agent.

For a unit the figures cover its whole subtree; for the quarter or one of
its months. Expected-to-date follows the plan's month targets: a month that
is over counts in full, the current month pro rata by days (today
included), a month not begun counts nothing. DESIGN.md "Targets":
attainment = actual / target, deviation = (actual − expected) / expected.

Targets come from the allocation rows, actuals from one GROUP BY over the
sale records; a drill-down of a unit and its children costs a few queries
whatever the size of the org.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum

from salesops.org.models import Member, OrgUnit, Tenant
from targets.models import Allocation, Plan, SaleRecord
from targets.quarters import FEN, month_end, month_start

RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class Attainment:
    scope: str  # "unit" or "member"
    id: int
    name: str
    kind: str  # the unit's kind, or "agent"
    tier: str
    target: Decimal
    actual: Decimal
    expected: Decimal

    @property
    def attainment(self) -> Decimal | None:
        return (self.actual / self.target).quantize(RATIO, ROUND_HALF_UP) if self.target else None

    @property
    def deviation(self) -> Decimal | None:
        return deviation_ratio(self.actual, self.expected)


def deviation_ratio(actual: Decimal, expected: Decimal) -> Decimal | None:
    """(actual − expected) / expected to four places; None when nothing was expected yet."""
    if not expected:
        return None
    return ((actual - expected) / expected).quantize(RATIO, ROUND_HALF_UP)


def expected_to_date(month_targets: dict[int, Decimal], *, year: int, as_of: date) -> Decimal:
    """Return the target due by ``as_of`` from per-month targets (pro rata inside the current month)."""
    expected = Decimal(0)
    for month, target in month_targets.items():
        first, last = month_start(year, month), month_end(year, month)
        if as_of >= last:
            expected += target
        elif as_of >= first:
            expected += target * Decimal(as_of.day) / Decimal(last.day)
    return expected.quantize(FEN, ROUND_HALF_UP)


def _period_months(plan: Plan, month: int | None) -> list[int]:
    return [month] if month else plan.months


def _sales_field(plan: Plan) -> str:
    return "premium" if plan.metric == Plan.Metric.PREMIUM else "policies"


def _actuals_by(plan: Plan, months: list[int], filters: Q, group: str) -> dict[int, Decimal]:
    start, end = month_start(plan.year, months[0]), month_end(plan.year, months[-1])
    rows = (
        SaleRecord.objects.filter(filters, tenant=plan.tenant_id, sold_on__gte=start, sold_on__lte=end)
        .values_list(group)
        .annotate(total=Sum(_sales_field(plan)))
        .order_by()
    )
    return {key: Decimal(total or 0) for key, total in rows}


def unit_drilldown(
    *, tenant: Tenant, plan: Plan, unit: OrgUnit, month: int | None, as_of: date, members: list[Member] | None = None
) -> list[Attainment]:
    """Return ``unit`` itself, then its child units (or, for a team, its agents), with their figures.

    ``members`` narrows a team's agents (an agent sees only their own row).
    """
    months = _period_months(plan, month)
    # Siblings in the order they were created ("/1/11/" sorts before "/1/2/" by path).
    child_units = list(OrgUnit.objects.filter(tenant=tenant, parent=unit).order_by("id"))
    unit_ids = [unit.pk] + [child.pk for child in child_units]

    # Targets: the month cells of the unit and its child units, and of the team's agents.
    cell_rows = (
        Allocation.objects.filter(tenant=tenant, plan=plan, month__in=months)
        .filter(Q(member__isnull=True, unit_id__in=unit_ids) | Q(member__isnull=False, unit_id=unit.pk))
        .values_list("unit_id", "member_id", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    unit_targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    agent_targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for unit_id, member_id, cell_month, total in cell_rows:
        if member_id is None:
            unit_targets[unit_id][cell_month] = total
        else:
            agent_targets[member_id][cell_month] = total

    # Actuals: one GROUP BY per unit of the member's team, rolled up the paths.
    by_team = _actuals_by(plan, months, Q(member__unit__path__startswith=unit.path), "member__unit_id")
    paths = dict(OrgUnit.objects.filter(tenant=tenant, path__startswith=unit.path).values_list("id", "path"))
    unit_actuals: dict[int, Decimal] = defaultdict(Decimal)
    for team_id, total in by_team.items():
        for unit_id in unit_ids:
            if f"/{unit_id}/" in paths.get(team_id, ""):
                unit_actuals[unit_id] += total

    def unit_row(target_unit: OrgUnit) -> Attainment:
        targets = unit_targets.get(target_unit.pk, {})
        return Attainment(
            scope="unit",
            id=target_unit.pk,
            name=target_unit.name,
            kind=target_unit.kind,
            tier="",
            target=sum(targets.values(), Decimal(0)),
            actual=unit_actuals.get(target_unit.pk, Decimal(0)),
            expected=expected_to_date(targets, year=plan.year, as_of=as_of),
        )

    rows = [unit_row(unit)] + [unit_row(child) for child in child_units if child.pk in unit_targets]
    if unit.kind == OrgUnit.Kind.TEAM:
        rows += _agent_rows(tenant=tenant, plan=plan, months=months, as_of=as_of, team=unit, members=members)
    return rows


def _agent_rows(*, tenant, plan, months, as_of, team, members) -> list[Attainment]:
    totals = Allocation.objects.filter(tenant=tenant, plan=plan, unit=team, member__isnull=False, month__isnull=True)
    if members is not None:
        totals = totals.filter(member__in=members)
    agents: dict[int, Allocation] = {
        row.member.pk: row
        for row in totals.select_related("member").order_by("member__display_name", "id")
        if row.member
    }
    cells = (
        Allocation.objects.filter(tenant=tenant, plan=plan, member_id__in=list(agents), month__in=months)
        .values_list("member_id", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for member_id, cell_month, total in cells:
        targets[member_id][cell_month] = total
    actuals = _actuals_by(plan, months, Q(member_id__in=list(agents)), "member_id")
    return [
        Attainment(
            scope="member",
            id=member_id,
            name=row.member.display_name if row.member else "",
            kind="agent",
            tier=row.tier,
            target=sum(targets[member_id].values(), Decimal(0)),
            actual=actuals.get(member_id, Decimal(0)),
            expected=expected_to_date(targets[member_id], year=plan.year, as_of=as_of),
        )
        for member_id, row in agents.items()
    ]


def member_attainment(*, tenant: Tenant, plan: Plan, member: Member, month: int | None, as_of: date) -> Attainment:
    """Return one agent's figures (zero target if the plan gives them none)."""
    months = _period_months(plan, month)
    cells = (
        Allocation.objects.filter(tenant=tenant, plan=plan, member=member, month__in=months)
        .values_list("month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    targets = dict(cells)
    actual = _actuals_by(plan, months, Q(member=member), "member_id").get(member.pk, Decimal(0))
    tier = (
        Allocation.objects.filter(tenant=tenant, plan=plan, member=member, month__isnull=True)
        .values_list("tier", flat=True)
        .first()
    )
    return Attainment(
        scope="member",
        id=member.pk,
        name=member.display_name,
        kind="agent",
        tier=tier or "",
        target=sum(targets.values(), Decimal(0)),
        actual=actual,
        expected=expected_to_date(targets, year=plan.year, as_of=as_of),
    )

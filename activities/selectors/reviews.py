"""The review rhythm (DESIGN.md "Activities"): the weekly work-log summary and the monthly activity-vs-results table.

Weekly (周看流程): per agent, the totals of the ISO week (Monday–Sunday) and
the process ratios appointments → interviews (sales interviews / phone
appointments) and interviews → policies (policies written that week / sales
interviews); a ratio is ``None`` when its denominator is 0.
Monthly (月看业绩): per agent of a unit's subtree, the month's activity totals
and points against the policies and premium written (``SaleRecord``).

Everything is summed in SQL, grouped by member: three or four queries
whatever the org's size; the functions here only shape the rows.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from activities.models import ITEMS
from activities.selectors.leaderboard import LOGGING_ROLES, activity_totals, points_for, points_of
from salesops.org.models import Member, OrgUnit, Tenant
from salesops.tenancy import member_scope_q
from targets.models import SaleRecord

ZERO = Decimal("0.00")


def ratio(numerator: int | Decimal, denominator: int | Decimal) -> float | None:
    """Return ``numerator / denominator`` rounded to 4 places, or None when dividing by 0."""
    if not denominator:
        return None
    return round(float(numerator) / float(denominator), 4)


def week_bounds(day: date) -> tuple[date, date]:
    """Return Monday and Sunday of ``day``'s ISO week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """Return the first and last day of the month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _members(*, tenant: Tenant, actor: Member, unit_or_member: OrgUnit | Member) -> list[dict[str, Any]]:
    """Return the active agents and supervisors of the unit's subtree (or the one member) that ``actor`` may see."""
    queryset = Member.objects.filter(member_scope_q(actor), tenant=tenant)
    if isinstance(unit_or_member, Member):
        queryset = queryset.filter(pk=unit_or_member.pk)
    else:
        queryset = queryset.filter(unit__path__startswith=unit_or_member.path, active=True, role__in=LOGGING_ROLES)
    rows = queryset.order_by("unit__path", "display_name", "id").values("id", "display_name", "unit__name")
    return [dict(row) for row in rows]


def _scope_q(unit_or_member: OrgUnit | Member) -> Q:
    # Narrows the fact tables to the asked subtree in SQL; the member list then keeps the actor's scope.
    if isinstance(unit_or_member, Member):
        return Q(member_id=unit_or_member.pk)
    return Q(member__unit__path__startswith=unit_or_member.path)


def sale_totals(*, tenant: Tenant, members_q: Q, start: date, end: date) -> dict[int, dict[str, Any]]:
    """Return per member id the policies and premium written between ``start`` and ``end`` (one GROUP BY)."""
    rows = (
        SaleRecord.objects.filter(members_q, tenant=tenant, sold_on__range=(start, end))
        .values("member_id")
        .annotate(policies=Coalesce(Sum("policies"), 0), premium=Coalesce(Sum("premium"), ZERO))
        .order_by()
    )
    return {row["member_id"]: {"policies": row["policies"], "premium": row["premium"]} for row in rows}


def weekly_summary(
    *, tenant: Tenant, actor: Member, unit_or_member: OrgUnit | Member, week_start: date
) -> dict[str, Any]:
    """Return the weekly work-log summary (周工作总结) of the week holding ``week_start``.

    ``unit_or_member`` comes from an ``access_*`` helper; the rows are still
    narrowed to ``actor``'s scope. Answers ``{start, end, rows, totals}``:
    each row ``{member, name, unit, <items>, days_logged, policies,
    appointment_to_interview, interview_to_policy}``; ``totals`` sums the rows
    with the same ratios (the team's funnel).
    """
    start, end = week_bounds(week_start)
    members = _members(tenant=tenant, actor=actor, unit_or_member=unit_or_member)
    scope = _scope_q(unit_or_member)
    logs = activity_totals(tenant=tenant, members_q=scope, start=start, end=end)
    sales = sale_totals(tenant=tenant, members_q=scope, start=start, end=end)
    rows = []
    for member in members:
        counts = logs.get(member["id"], {})
        row: dict[str, Any] = {
            "member": member["id"],
            "name": member["display_name"],
            "unit": member["unit__name"],
            **{item: counts.get(item) or 0 for item in ITEMS},
            "days_logged": counts.get("days_logged", 0),
            "policies": sales.get(member["id"], {}).get("policies", 0),
        }
        rows.append(with_ratios(row))
    return {
        "start": start,
        "end": end,
        "rows": rows,
        "totals": with_ratios(sum_rows(rows, ("days_logged", "policies"))),
    }


def with_ratios(row: dict[str, Any]) -> dict[str, Any]:
    """Add the process ratios to a row of totals."""
    row["appointment_to_interview"] = ratio(row["sales_interviews"], row["phone_appointments"])
    row["interview_to_policy"] = ratio(row["policies"], row["sales_interviews"])
    return row


def sum_rows(rows: list[dict[str, Any]], extra: tuple[str, ...]) -> dict[str, Any]:
    """Return the column sums of ``rows`` over the items and ``extra``."""
    return {key: sum((row[key] for row in rows), 0) for key in (*ITEMS, *extra)}


def monthly_table(*, tenant: Tenant, actor: Member, unit: OrgUnit, year: int, month: int) -> dict[str, Any]:
    """Return the month's activity against results for every agent of ``unit``'s subtree in ``actor``'s scope.

    Answers ``{start, end, points, rows, totals}``; each row ``{member, name,
    unit, <items>, days_logged, points, policies, premium}`` (premium a
    ``Decimal``). Four queries: points, members, log totals, sale totals.
    """
    start, end = month_bounds(year, month)
    points = points_for(tenant)
    members = _members(tenant=tenant, actor=actor, unit_or_member=unit)
    scope = _scope_q(unit)
    logs = activity_totals(tenant=tenant, members_q=scope, start=start, end=end)
    sales = sale_totals(tenant=tenant, members_q=scope, start=start, end=end)
    rows = []
    for member in members:
        counts = logs.get(member["id"], {})
        items = {item: counts.get(item) or 0 for item in ITEMS}
        sold = sales.get(member["id"], {})
        rows.append(
            {
                "member": member["id"],
                "name": member["display_name"],
                "unit": member["unit__name"],
                **items,
                "days_logged": counts.get("days_logged", 0),
                "points": points_of(items, points),
                "policies": sold.get("policies", 0),
                "premium": sold.get("premium", ZERO),
            }
        )
    totals = sum_rows(rows, ("days_logged", "points", "policies"))
    totals["premium"] = sum((row["premium"] for row in rows), ZERO)
    return {"start": start, "end": end, "points": points, "rows": rows, "totals": totals}

"""Points per work-log item and the hero board (英雄榜): who did the most, by team, branch and company.

Points of a member over a period are Σ item count × the tenant's points for
that item, summed in SQL. The board is ranked by points, then by sales
interviews (the item closest to a sale); members equal on both share a rank
(standard competition ranking: 1, 2, 2, 4) and are listed by member id, so
the order never depends on the database's whim.

Who sees which board: the hero board is public within the tenant's org tree
as far as the member belongs to it. A member may open the board of every unit
on their own path (their team, their branch, their company) and of every unit
their role scope holds (a supervisor's or manager's subtree, everything for a
tenant admin). Another tenant's units are never found (404).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from activities.models import ITEMS, ActivityPoints, DailyLog
from salesops.org.models import Member, OrgUnit, Tenant
from salesops.tenancy import unit_scope_q

SCOPES = ("team", "branch", "company")
PERIODS = ("week", "month")
# The members who keep a work log, and so appear on boards and reviews.
LOGGING_ROLES = (Member.Role.AGENT, Member.Role.SUPERVISOR)
SCOPE_KINDS = {"team": OrgUnit.Kind.TEAM, "branch": OrgUnit.Kind.BRANCH, "company": OrgUnit.Kind.COMPANY}


def default_points() -> dict[str, int]:
    """Return the model's default points per item (1/3/3/2/2)."""
    fields = {field.name: field for field in ActivityPoints._meta.concrete_fields}
    return {item: fields[item].get_default() for item in ITEMS}


def points_for(tenant: Tenant) -> dict[str, int]:
    """Return the tenant's points per item; the defaults when it has set none (nothing is written)."""
    row = ActivityPoints.objects.filter(tenant=tenant).values(*ITEMS).first()
    return dict(row) if row is not None else default_points()


def points_of(counts: dict[str, int], points: dict[str, int]) -> int:
    """Return Σ count × points over the items."""
    return sum((counts.get(item) or 0) * points[item] for item in ITEMS)


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """Return the first and last day of the ISO week (Monday–Sunday) or calendar month holding ``day``."""
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if period == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    raise ValueError(period)


def path_ids(unit: OrgUnit) -> list[int]:
    """Return the ids on ``unit``'s path, root first (``/1/4/9/`` → ``[1, 4, 9]``)."""
    return [int(part) for part in unit.path.strip("/").split("/") if part]


def board_unit(*, tenant: Tenant, actor: Member, scope: str, unit_id: Any = None) -> OrgUnit:
    """Return the unit whose board ``actor`` asks for.

    With ``unit_id``: that unit, if it is of the scope's kind and on the
    actor's path or in their scope — else 404 alike for missing, foreign and
    not-yours. Without: the unit of that kind on the actor's own path; a
    member outside any unit of that kind (a company manager asking for a
    team board) must name one.
    """
    kind = SCOPE_KINDS[scope]
    visible = OrgUnit.objects.filter(Q(pk__in=path_ids(actor.unit)) | unit_scope_q(actor), tenant=tenant, kind=kind)
    if unit_id not in (None, ""):
        try:
            return visible.get(pk=int(unit_id))
        except (OrgUnit.DoesNotExist, ValueError, TypeError) as error:
            raise Http404(_("Not found.")) from error
    own = visible.filter(pk__in=path_ids(actor.unit)).order_by("-path").first()
    if own is None:
        raise ValidationError({"unit": [_("You belong to no %(kind)s: choose one.") % {"kind": kind.label}]})
    return own


def rank_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort ``rows`` (points desc, sales interviews desc, member id asc) and give competition ranks."""
    rows = sorted(rows, key=lambda row: (-row["points"], -row["sales_interviews"], row["member"]))
    previous_key = None
    for position, row in enumerate(rows, start=1):
        key = (row["points"], row["sales_interviews"])
        if key != previous_key:
            rank = position
            previous_key = key
        row["rank"] = rank
    return rows


def activity_totals(*, tenant: Tenant, members_q: Q, start: date, end: date) -> dict[int, dict[str, int]]:
    """Return per member id the item totals and ``days_logged`` between ``start`` and ``end`` (one GROUP BY)."""
    rows: Any = (
        DailyLog.objects.filter(members_q, tenant=tenant, date__range=(start, end))
        .values("member_id")
        .annotate(**{item: Sum(item) for item in ITEMS}, days_logged=Count("id"))
        .order_by()
    )
    return {row["member_id"]: {key: row[key] for key in (*ITEMS, "days_logged")} for row in rows}


def leaderboard(
    *,
    tenant: Tenant,
    actor: Member,
    scope: str,
    unit: OrgUnit | None = None,
    period: str,
    start: date,
    limit: int | None = None,
) -> dict[str, Any]:
    """Return the hero board of ``unit``'s subtree (or the actor's own unit of ``scope``) for the period of ``start``.

    Rows ``{rank, member, name, unit, points, <items>, days_logged}`` of every
    active agent and supervisor in the subtree (zero points included), ranked
    as the module says; ``limit`` keeps the first rows. Four queries whatever
    the org's size: the unit, the points, the members, the log totals.
    """
    if scope not in SCOPES:
        raise ValidationError({"scope": [_("The scope is one of %(values)s.") % {"values": ", ".join(SCOPES)}]})
    if period not in PERIODS:
        raise ValidationError({"period": [_("The period is one of %(values)s.") % {"values": ", ".join(PERIODS)}]})
    if unit is None:
        unit = board_unit(tenant=tenant, actor=actor, scope=scope)
    first, last = period_bounds(period, start)
    points = points_for(tenant)
    members = list(
        Member.objects.filter(
            tenant=tenant, unit__path__startswith=unit.path, active=True, role__in=LOGGING_ROLES
        ).values("id", "display_name", "unit__name")
    )
    totals = activity_totals(
        tenant=tenant, members_q=Q(member__unit__path__startswith=unit.path), start=first, end=last
    )
    rows = []
    for member in members:
        counts = totals.get(member["id"], {})
        row = {item: counts.get(item) or 0 for item in ITEMS}
        rows.append(
            {
                "member": member["id"],
                "name": member["display_name"],
                "unit": member["unit__name"],
                **row,
                "days_logged": counts.get("days_logged", 0),
                "points": points_of(row, points),
            }
        )
    ranked = rank_rows(rows)
    if limit is not None:
        ranked = ranked[:limit]
    return {
        "scope": scope,
        "period": period,
        "start": first,
        "end": last,
        "unit": unit,
        "points": points,
        "rows": ranked,
    }

"""The supervisor's dashboard of a unit (a team, or a whole branch): the day, the week and the month.

Team today and the 111 checklist come from the facts of one day; the week's
funnel, the hero board and the month's activity-against-results per agent
come from the rollup tables. About a dozen queries whatever the unit's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import Combinable

from activities.models import ITEMS
from activities.selectors.duties import checklist_summaries, team_today
from activities.selectors.leaderboard import points_for, rank_rows
from dashboards.models import Alert, Grain, Rollup, Scope
from dashboards.selectors.alerts import alert_list
from salesops.org.models import Member, OrgUnit, Tenant

OPEN_STATUSES = (Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED)


def unit_alerts(
    *, tenant: Tenant, actor: Member, unit: OrgUnit, statuses: tuple[str, ...] = (), kinds: tuple[str, ...] = ()
) -> QuerySet[Alert]:
    """Return the alerts on members and units of ``unit``'s subtree that ``actor`` may see, newest first."""
    queryset = alert_list(tenant=tenant, actor=actor).filter(
        Q(member__unit__path__startswith=unit.path) | Q(unit__path__startswith=unit.path)
    )
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    return queryset


@dataclass(frozen=True, slots=True)
class Person:
    """A member as the team dashboard shows them.

    Plain fields from one ``values_list``: a branch's 2,000 agents as model
    instances with their units cost about 0.1 s a page (docs/benchmarks.md).
    """

    pk: int
    display_name: str
    role: str
    tier: str
    unit_name: str


def first_alerts(queryset: QuerySet[Alert], limit: int | None) -> tuple[list[Alert], int]:
    """Return the first ``limit`` alerts (all with ``None``) and how many there are in all."""
    if limit is None:
        alerts = list(queryset)
        return alerts, len(alerts)
    alerts = list(queryset[:limit])
    return alerts, queryset.count() if len(alerts) == limit else len(alerts)


def _weighted(weights: dict[str, int]) -> Combinable:
    """Σ item × weight over the five items, as SQL."""
    return sum((F(item) * weights[item] for item in ITEMS), Value(0))


def _state_order(row: dict[str, Any]) -> int:
    # Who needs a call first: not logged, then below the standard, then met.
    if not row["logged"]:
        return 0
    return 2 if row["met"] else 1


def team_dashboard(
    *, tenant: Tenant, actor: Member, unit: OrgUnit, day: date, alert_limit: int | None = None
) -> dict[str, Any]:
    """Return the figures of ``unit``'s dashboard on ``day``: its active agents and supervisors in the subtree.

    ``alert_limit``: read only the newest open alerts (the page's), with their count.
    """
    in_unit = Member.objects.filter(
        tenant=tenant,
        unit__path__startswith=unit.path,
        role__in=(Member.Role.AGENT, Member.Role.SUPERVISOR),
        active=True,
    )
    people = [
        Person(*row)
        for row in in_unit.order_by("unit__path", "display_name", "id").values_list(
            "pk", "display_name", "role", "tier", "unit__name"
        )
    ]
    agents = [person for person in people if person.role == Member.Role.AGENT]
    supervisors = [person for person in people if person.role == Member.Role.SUPERVISOR]
    # The agents again as a subquery: PostgreSQL joins it, where a list of 2,000
    # ids would cost Django more to compile than the query costs to run.
    agent_ids = in_unit.filter(role=Member.Role.AGENT).values("pk")
    today = team_today(tenant=tenant, supervisor=None, date=day, reports=agents, report_ids=agent_ids)
    today["members"].sort(key=_state_order)

    week_start = day - timedelta(days=day.weekday())
    month_start = day.replace(day=1)
    funnel = Rollup.objects.filter(
        tenant=tenant, scope=Scope.UNIT, subject_id=unit.pk, grain=Grain.WEEK, period_start=week_start
    ).values("phone_appointments", "sales_interviews", "policies").first() or {
        "phone_appointments": 0,
        "sales_interviews": 0,
        "policies": 0,
    }
    # Two queries, not one with an OR: each then looks every agent's row up by the
    # whole key. Activity and points are summed in SQL: a branch has 2,000 rows of each.
    points = points_for(tenant)
    member_rows = Rollup.objects.filter(tenant=tenant, scope=Scope.MEMBER, subject_id__in=agent_ids)
    weeks = {
        subject_id: (week_points, interviews)
        for subject_id, week_points, interviews in member_rows.filter(grain=Grain.WEEK, period_start=week_start)
        .annotate(points=_weighted(points))
        .values_list("subject_id", "points", "sales_interviews")
    }
    months = {
        subject_id: (activity, policies, premium)
        for subject_id, activity, policies, premium in member_rows.filter(grain=Grain.MONTH, period_start=month_start)
        .annotate(activity=_weighted({item: 1 for item in ITEMS}))
        .values_list("subject_id", "activity", "policies", "premium")
    }
    no_month = (0, 0, Decimal(0))
    month = [
        dict(zip(("member", "activity", "policies", "premium"), (agent, *months.get(agent.pk, no_month)), strict=True))
        for agent in agents
    ]
    board = rank_rows(
        [
            {
                "member": agent.pk,
                "name": agent.display_name,
                "unit": agent.unit_name,
                "points": weeks.get(agent.pk, (0, 0))[0],
                "sales_interviews": weeks.get(agent.pk, (0, 0))[1],
            }
            for agent in agents
        ]
    )
    alerts, alert_count = first_alerts(
        unit_alerts(tenant=tenant, actor=actor, unit=unit, statuses=OPEN_STATUSES), alert_limit
    )
    return {
        "agents": agents,
        "today": today,
        "not_logged": len(agents) - today["logged"],
        "checklists": checklist_summaries(tenant=tenant, supervisors=supervisors, date=day),
        "week_start": week_start,
        "month_start": month_start,
        "funnel": funnel,
        "month": month,
        "board": board,
        "alerts": alerts,
        "alert_count": alert_count,
    }

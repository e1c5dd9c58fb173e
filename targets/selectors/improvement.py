"""Reads of the improvement plans (seed 003, 末位改进): who is on one, and all a plan's page shows.

A member whose final score stays below the tenant's floor for months in a
row gets a plan (``targets/services/improvement``); their supervisor works
it with goals, weekly check-ins and the coaching sessions of the 111 log,
then closes it as improved or escalated.

Who sees a plan: the member themself (to read), the plan's supervisor, and
the leaders whose scope holds the member (a supervisor or manager their
subtree, a tenant admin everyone). Who works it: the plan's supervisor, and
a manager or tenant admin whose scope holds the member — never the member.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, DateField, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from activities.models import Duty
from dashboards.periods import Period
from salesops.org.models import Member, Tenant
from salesops.tenancy import get_in_scope_or_404, member_scope_q
from targets.models import ImprovementCheckIn, ImprovementPlan
from targets.selectors.incentive_policy import policy_for
from targets.selectors.scorecards import SCORED_ROLES, scorecards

Role = Member.Role
Status = ImprovementPlan.Status
# Besides the plan's own supervisor, who may work a plan of a member in their scope.
PLAN_MANAGERS = frozenset({Role.MANAGER, Role.TENANT_ADMIN})
# How many months of scores a plan's page shows since it opened (a plan left open for years stays readable).
SCORE_MONTHS_SHOWN = 12
LAST_DAY = date(9999, 12, 31)


def month_of(day: date) -> Period:
    return Period("month", day.year, day.month)


def previous_month(period: Period) -> Period:
    return month_of(period.start - timedelta(days=1))


def ended_months(today: date, count: int) -> list[Period]:
    """The last ``count`` months that have ended before ``today``'s month, oldest first."""
    months = [previous_month(month_of(today))]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return months[::-1]


def months_between(first: date, last: date) -> list[Period]:
    """The months from ``first``'s to ``last``'s, oldest first."""
    months = [month_of(first)]
    while months[-1].end < last:
        months.append(month_of(months[-1].end + timedelta(days=1)))
    return months


def final_scores(
    *, tenant: Tenant, members: Sequence[Member], period: Period, today: date
) -> dict[int, Decimal | None]:
    """Each member's final score of ``period`` (calibrated, else computed); ``None`` without one.

    A month that ended before the member was hired has no score, whatever
    target cells it may hold: a member is not judged on months they were
    not there.
    """
    scores: dict[int, Decimal | None] = {member.pk: None for member in members}
    hired = [member for member in members if not member.hired_on or member.hired_on <= period.end]
    for card in scorecards(tenant=tenant, members=hired, period=period, today=today):
        scores[card.member.pk] = card.final_score
    return scores


def plan_scope_q(actor: Member) -> Q:
    """The plans ``actor`` may read: of members in their scope, and the ones they run as supervisor."""
    scope = member_scope_q(actor, prefix="member__")
    if not scope:  # everyone (a tenant admin): ``Q() | q`` would narrow it to ``q``
        return scope
    return scope | Q(supervisor=actor)


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated ``COUNT(*)`` of ``queryset`` as an annotation (0 when nothing matches)."""
    counted = queryset.order_by().values("tenant").annotate(total=Count("pk")).values("total")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def coaching_of_plan_q() -> Q:
    """The coaching duties of a plan's time, as a Q correlated with the plan (``OuterRef``)."""
    return Q(
        tenant=OuterRef("tenant"),
        member=OuterRef("member"),
        kind=Duty.Kind.COACHING,
        date__gte=OuterRef("opened_on"),
        date__lte=Coalesce(OuterRef("closed_on"), Value(LAST_DAY), output_field=DateField()),
    )


def improvement_plan_list(*, tenant: Tenant, actor: Member, filters: dict | None = None) -> QuerySet[ImprovementPlan]:
    """Return the plans ``actor`` may read, open ones first, then newest; with their check-in and coaching counts.

    ``filters``: ``status`` (open / improved / escalated), ``member`` (id).
    """
    filters = filters or {}
    queryset = (
        ImprovementPlan.objects.filter(plan_scope_q(actor), tenant=tenant)
        .select_related("member__unit", "supervisor", "closed_by")
        .annotate(
            closed_rank=Case(When(status=Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()),
            check_in_count=_count(ImprovementCheckIn.objects.filter(tenant=OuterRef("tenant"), plan=OuterRef("pk"))),
            coaching_count=_count(Duty.objects.filter(coaching_of_plan_q())),
        )
        .order_by("closed_rank", "-opened_on", "member__display_name", "-id")
    )
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("member"):
        queryset = queryset.filter(member_id=filters["member"])
    return queryset


def access_improvement_plan_by_id(*, tenant: Tenant, actor: Member, id) -> ImprovementPlan:
    """Return a plan ``actor`` may read; 404 alike for missing, another tenant's, and out of scope."""
    return get_in_scope_or_404(improvement_plan_list(tenant=tenant, actor=actor), id)


def may_work_plan(*, tenant: Tenant, actor: Member, plan: ImprovementPlan) -> bool:
    """Whether ``actor`` may write on ``plan`` (goals, check-ins, closing): not the member themself."""
    if actor.pk == plan.member_id:
        return False
    if actor.pk == plan.supervisor_id:
        return True
    return (
        actor.role in PLAN_MANAGERS
        and Member.objects.filter(member_scope_q(actor), tenant=tenant, pk=plan.member_id).exists()
    )


def plan_candidates(*, tenant: Tenant, actor: Member) -> QuerySet[Member]:
    """The members ``actor`` may put on a plan by hand: scored, active, in scope, without an open plan."""
    return (
        Member.objects.filter(member_scope_q(actor), tenant=tenant, role__in=SCORED_ROLES, active=True)
        .exclude(pk=actor.pk)
        .exclude(pk__in=ImprovementPlan.objects.filter(tenant=tenant, status=Status.OPEN).values("member_id"))
        .select_related("unit")
        .order_by("unit__path", "display_name", "id")
    )


@dataclass(frozen=True)
class MonthScore:
    """A member's final score of a month, against the floor; a month under way has a live score."""

    period: str
    score: Decimal | None
    final: bool  # the month has ended
    below: bool | None  # below the floor (None without a score)


@dataclass(frozen=True)
class PlanDetail:
    plan: ImprovementPlan
    floor: Decimal
    trigger: list[MonthScore]  # the months that put the member on the plan, as scored then
    scores_since: list[MonthScore]  # each month since the plan opened, as scored now
    check_ins: list[ImprovementCheckIn]
    coaching: list[Duty]
    may_write: bool


def _month_score(period: str, score: Decimal | None, floor: Decimal, *, final: bool) -> MonthScore:
    return MonthScore(period, score, final, None if score is None else score < floor)


def scores_since(*, tenant: Tenant, plan: ImprovementPlan, floor: Decimal, today: date) -> list[MonthScore]:
    """The member's final score of each month from the plan's opening to its closing (or today), latest 12."""
    last = plan.closed_on or today
    months = months_between(plan.opened_on, max(last, plan.opened_on))[-SCORE_MONTHS_SHOWN:]
    shown = []
    for period in months:
        score = final_scores(tenant=tenant, members=[plan.member], period=period, today=today)[plan.member_id]
        shown.append(_month_score(period.key, score, floor, final=period.end < today))
    return shown


def coaching_sessions(*, tenant: Tenant, plan: ImprovementPlan) -> QuerySet[Duty]:
    """The 111 log's coaching sessions with the plan's member from its opening to its closing, newest first."""
    sessions = Duty.objects.filter(
        tenant=tenant, member_id=plan.member_id, kind=Duty.Kind.COACHING, date__gte=plan.opened_on
    )
    if plan.closed_on:
        sessions = sessions.filter(date__lte=plan.closed_on)
    return sessions.select_related("supervisor").order_by("-date", "id")


def check_in_list(*, tenant: Tenant, plan: ImprovementPlan) -> QuerySet[ImprovementCheckIn]:
    return ImprovementCheckIn.objects.filter(tenant=tenant, plan=plan).select_related("recorded_by").order_by("-week")


def plan_detail(*, tenant: Tenant, actor: Member, plan: ImprovementPlan, today: date) -> PlanDetail:
    """Everything a plan's page shows; ``plan`` came through ``access_improvement_plan_by_id``."""
    floor = policy_for(tenant).improvement_floor
    # The trigger's months were below the floor in force when the plan opened (it may have moved since).
    trigger = [MonthScore(entry["period"], Decimal(entry["score"]), True, True) for entry in plan.trigger or []]
    return PlanDetail(
        plan=plan,
        floor=floor,
        trigger=trigger,
        scores_since=scores_since(tenant=tenant, plan=plan, floor=floor, today=today),
        check_ins=list(check_in_list(tenant=tenant, plan=plan)),
        coaching=list(coaching_sessions(tenant=tenant, plan=plan)),
        may_write=may_work_plan(tenant=tenant, actor=actor, plan=plan),
    )

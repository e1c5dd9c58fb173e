"""Writes of the improvement plans (seed 003, 末位改进机制): opening them, working them, closing them.

The rule (``open_due_improvement_plans``, run by beat): a member of a scored
role whose final score — calibrated, else computed — was below the tenant's
floor (default 60.00) in each of the last ``improvement_months`` months
that have ended (default 2) gets a plan, unless one is already open. A
month without a score (no measure had data, or it ended before they were
hired) is not "below": it breaks the run. After a plan is closed, only the
months that begin after its closing day count towards the next one, so
the months that led to the first plan, or were worked under it, never open
a second.

Worked example (floor 60, two months, run on 1 December): scores 34.00 in
October and 41.00 in November → a plan with the trigger
``[{"period": "2026-10", "score": "34.00"}, {"period": "2026-11", "score": "41.00"}]``;
41.00 in October and 72.00 in November → no plan; no score in October
(joined 5 November) → no plan before January at the earliest.

Working a plan (the plan's supervisor, or a manager or tenant admin whose
scope holds the member; the member reads it but may not write): goals,
one check-in a week (its Monday; recording again replaces it), and closing
it as improved or escalated with an outcome.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from dashboards.periods import Period
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today
from salesops.tenancy import member_scope_q
from targets.models import ImprovementCheckIn, ImprovementPlan
from targets.selectors.improvement import PLAN_MANAGERS, ended_months, final_scores, may_work_plan
from targets.selectors.incentive_policy import policy_for
from targets.selectors.scorecards import SCORED_ROLES

Status = ImprovementPlan.Status
CLOSED = (Status.IMPROVED, Status.ESCALATED)
TEXT_MAX = 4000


def default_goals(*, tenant: Tenant, floor: Decimal, months: int) -> str:
    """The goals a plan opens with, in the tenant's language (the beat has no user to ask)."""
    with translation.override(tenant.language):
        return _(
            "Bring the monthly score back to %(floor)s or above within %(months)s months: "
            "a weekly check-in with the supervisor, and coaching sessions from the 111 log."
        ) % {"floor": number_format(floor, 2), "months": months}


def _trigger(months: list[Period], scores: list[Decimal]) -> list[dict[str, str]]:
    return [{"period": period.key, "score": f"{score:.2f}"} for period, score in zip(months, scores, strict=True)]


def _create_open_plan(*, tenant: Tenant, member: Member, **fields) -> ImprovementPlan | None:
    """Create an open plan; ``None`` when one is already open (the partial unique constraint, whoever won the race)."""
    try:
        with transaction.atomic():
            return ImprovementPlan.objects.create(
                tenant=tenant, member=member, supervisor_id=member.supervisor_id, status=Status.OPEN, **fields
            )
    except IntegrityError:
        if ImprovementPlan.objects.filter(tenant=tenant, member=member, status=Status.OPEN).exists():
            return None
        raise


def open_due_improvement_plans(*, tenant: Tenant, today: date) -> list[ImprovementPlan]:
    """Open a plan for every member below the floor in each of the last months that ended; return the new ones.

    Idempotent: a member with an open plan is skipped, and two runs at once
    meet at the one-open-plan constraint (each plan in its own savepoint).
    A few queries per month for the whole tenant.
    """
    policy = policy_for(tenant)
    floor, count = policy.improvement_floor, policy.improvement_months
    months = ended_months(today, count)
    with_open_plan = ImprovementPlan.objects.filter(tenant=tenant, status=Status.OPEN).values("member_id")
    members = list(
        Member.objects.filter(tenant=tenant, role__in=SCORED_ROLES, active=True)
        .exclude(pk__in=with_open_plan)
        .select_related("unit")
        .order_by("pk")
    )
    last_closed = dict(
        ImprovementPlan.objects.filter(tenant=tenant, status__in=CLOSED, member__in=members)
        .values_list("member_id")
        .annotate(last=Max("closed_on"))
        .order_by()
    )
    # Only months that begin after the member's last plan closed count.
    members = [m for m in members if last_closed.get(m.pk) is None or months[0].start > last_closed[m.pk]]
    scores: dict[int, list[Decimal]] = {member.pk: [] for member in members}
    # Latest month first: whoever is not below in it needs no older month read.
    for period in reversed(months):
        if not members:
            break
        month_scores = final_scores(tenant=tenant, members=members, period=period, today=today)
        still_below = []
        for member in members:
            score = month_scores[member.pk]
            if score is not None and score < floor:  # no score is not below: it breaks the run
                scores[member.pk].insert(0, score)
                still_below.append(member)
        members = still_below
    goals = default_goals(tenant=tenant, floor=floor, months=count)
    opened = []
    for member in members:
        plan = _create_open_plan(
            tenant=tenant, member=member, opened_on=today, trigger=_trigger(months, scores[member.pk]), goals=goals
        )
        if plan is not None:
            opened.append(plan)
    return opened


def _text(value: str | None, field: str, missing: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: [missing]})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: [_("Keep it under %(max)d characters.") % {"max": TEXT_MAX}]})
    return text


def _require_worker(*, tenant: Tenant, actor: Member, plan: ImprovementPlan) -> None:
    if not may_work_plan(tenant=tenant, actor=actor, plan=plan):
        raise PermissionDenied(_("Only the plan's supervisor or a manager over the member may work this plan."))


def _locked_open(*, tenant: Tenant, plan: ImprovementPlan, message: str) -> ImprovementPlan:
    """Lock the plan's row (one write at a time) and check it is still open."""
    locked = ImprovementPlan.objects.select_for_update().get(tenant=tenant, pk=plan.pk)
    if locked.status != Status.OPEN:
        raise ValidationError({"status": [message]})
    return locked


@transaction.atomic
def plan_open(
    *, tenant: Tenant, actor: Member, member_id: int | str | None, goals: str, today: date | None = None
) -> ImprovementPlan:
    """A manager or tenant admin puts a member in their scope on a plan by hand, with goals.

    The trigger holds the months (of the last ones that ended) in which the
    member was below the floor — none, when the manager acts on judgment.
    """
    if actor.role not in PLAN_MANAGERS:
        raise PermissionDenied(_("Only a manager may open an improvement plan by hand."))
    today = today or tenant_today(tenant)
    errors: dict[str, list[str]] = {}
    wanted = str(member_id) if member_id is not None else ""
    member = (
        Member.objects.filter(member_scope_q(actor), tenant=tenant, role__in=SCORED_ROLES, active=True)
        .exclude(pk=actor.pk)
        .filter(pk=int(wanted))
        .first()
        if wanted.isdigit() and len(wanted) < 19  # a bigint at most
        else None
    )
    if member is None:
        errors["member"] = [_("Choose an active member in your scope whose role has a scorecard.")]
    try:
        goals = _text(goals, "goals", _("Write the plan's goals."))
    except ValidationError as error:
        errors.update(error.message_dict)
    if member is None or errors:
        raise ValidationError(errors)
    policy = policy_for(tenant)
    months = ended_months(today, policy.improvement_months)
    below = []
    for period in months:
        score = final_scores(tenant=tenant, members=[member], period=period, today=today)[member.pk]
        if score is not None and score < policy.improvement_floor:
            below.append({"period": period.key, "score": f"{score:.2f}"})
    plan = _create_open_plan(tenant=tenant, member=member, opened_on=today, trigger=below, goals=goals)
    if plan is None:
        raise ValidationError({"member": [_("This member already has an open improvement plan.")]})
    return plan


@transaction.atomic
def plan_update_goals(*, tenant: Tenant, actor: Member, plan: ImprovementPlan, goals: str) -> ImprovementPlan:
    """Rewrite an open plan's goals."""
    _require_worker(tenant=tenant, actor=actor, plan=plan)
    goals = _text(goals, "goals", _("Write the plan's goals."))
    locked = _locked_open(tenant=tenant, plan=plan, message=_("This plan is closed: its goals no longer change."))
    locked.goals = goals
    locked.save(update_fields=["goals"])
    return locked


@transaction.atomic
def check_in_record(
    *,
    tenant: Tenant,
    actor: Member,
    plan: ImprovementPlan,
    week: date,
    on_track: bool,
    notes: str,
    today: date | None = None,
) -> ImprovementCheckIn:
    """Record the week's check-in (``week`` is any day of it; kept as its Monday); again replaces it."""
    _require_worker(tenant=tenant, actor=actor, plan=plan)
    today = today or tenant_today(tenant)
    errors: dict[str, list[str]] = {}
    monday = week - timedelta(days=week.weekday()) if isinstance(week, date) else None
    if monday is None:
        errors["week"] = [_("Enter the week as a date, e.g. its Monday.")]
    elif monday > today:
        errors["week"] = [_("This week has not begun yet.")]
    elif monday < plan.opened_on - timedelta(days=plan.opened_on.weekday()):
        errors["week"] = [_("This week is before the plan was opened.")]
    try:
        notes = _text(notes, "notes", _("Write what was discussed and agreed."))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    locked = _locked_open(tenant=tenant, plan=plan, message=_("This plan is closed: it takes no more check-ins."))
    check_in, _created = ImprovementCheckIn.objects.update_or_create(
        tenant=tenant,
        plan=locked,
        week=monday,
        defaults={"on_track": bool(on_track), "notes": notes, "recorded_by": actor},
    )
    return check_in


@transaction.atomic
def plan_close(
    *, tenant: Tenant, actor: Member, plan: ImprovementPlan, status: str, outcome: str, today: date | None = None
) -> ImprovementPlan:
    """Close an open plan as improved or escalated, with its outcome; it is closed today."""
    _require_worker(tenant=tenant, actor=actor, plan=plan)
    errors: dict[str, list[str]] = {}
    if status not in CLOSED:
        errors["status"] = [_("Close the plan as improved or escalated.")]
    try:
        outcome = _text(outcome, "outcome", _("Write the outcome: what improved, or why it goes up."))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    locked = _locked_open(tenant=tenant, plan=plan, message=_("This plan is already closed."))
    locked.status = status
    locked.outcome = outcome
    locked.closed_on = today or tenant_today(tenant)
    locked.closed_by = actor
    locked.save(update_fields=["status", "outcome", "closed_on", "closed_by"])
    return locked

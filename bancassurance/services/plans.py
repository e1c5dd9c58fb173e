"""Weekly plans: seed 004's PDCA loop for one bank-channel staff member's week.

- **Plan**: before or during the week, the contacts, events and policies
  the member means to reach, and how (``plan_notes``). The member writes
  their own; a manager may write one for a member in their scope.
- **Do**: counted, never typed: the contacts the member logged, the events
  they organised and the policies sold at their branches that week
  (``bancassurance.selectors.plans``).
- **Check** and **Act**: once the week has begun, what the gap was and why,
  and what changes next week. The review needs the check.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bancassurance.models import WeeklyPlan
from bancassurance.selectors.branches import require_bancassurance_reader
from bancassurance.selectors.compliance import week_of
from bancassurance.services.checks import text_errors
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today
from salesops.tenancy import member_scope_q

NOTES_MAX_LENGTH = 1000
PLANNED = ("contacts_planned", "events_planned", "policies_planned")
COUNT_MAX = 10000


def _planned_errors(errors: dict, planned: dict) -> None:
    for field in PLANNED:
        value = planned.get(field)
        if not isinstance(value, int) or isinstance(value, bool):
            errors[field] = [_("Enter a whole number.")]
        elif not 0 <= value <= COUNT_MAX:
            errors[field] = [_("Between 0 and %(max)d.") % {"max": COUNT_MAX}]


def _member_for(tenant: Tenant, actor: Member | None, member_id: int | None) -> Member | None:
    if member_id is None:
        return actor
    scope = member_scope_q(actor) if actor is not None else None
    queryset = Member.objects.filter(tenant=tenant, pk=member_id, active=True, role=Member.Role.BANK_STAFF)
    return (queryset.filter(scope) if scope is not None else queryset).first()


@transaction.atomic
def plan_create(
    *,
    tenant: Tenant,
    actor: Member | None,
    week_start: date,
    planned: dict,
    plan_notes: str = "",
    member_id: int | None = None,
) -> WeeklyPlan:
    """Make ``member``'s plan (the actor's own by default) for the week starting ``week_start`` (a Monday)."""
    require_bancassurance_reader(actor)
    plan_notes = (plan_notes or "").strip()
    errors: dict[str, list[str]] = {}
    member = _member_for(tenant, actor, member_id)
    if member is None or member.role != Member.Role.BANK_STAFF:
        errors["member"] = [_("A weekly plan is a bank-channel staff member's, in your scope.")]
    if week_start.weekday() != 0:
        errors["week_start"] = [_("A week starts on a Monday.")]
    elif week_start < week_of(tenant_today(tenant)):
        errors["week_start"] = [_("This week is over: plan this week or a later one.")]
    elif week_start > week_of(tenant_today(tenant)) + timedelta(weeks=8):
        errors["week_start"] = [_("Plan at most eight weeks ahead.")]
    _planned_errors(errors, planned)
    text_errors(errors, "plan_notes", plan_notes, NOTES_MAX_LENGTH)
    if not errors and WeeklyPlan.objects.filter(tenant=tenant, member=member, week_start=week_start).exists():
        errors["week_start"] = [_("There is a plan for this week already; change that one.")]
    if errors or member is None:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return WeeklyPlan.objects.create(
                tenant=tenant,
                member=member,
                week_start=week_start,
                plan_notes=plan_notes,
                **{field: planned[field] for field in PLANNED},
            )
    except IntegrityError as error:  # the same plan sent twice at once
        raise ValidationError({"week_start": [_("There is a plan for this week already; change that one.")]}) from error


@transaction.atomic
def plan_update(
    *,
    tenant: Tenant,
    actor: Member | None,
    plan: WeeklyPlan,
    planned: dict | None = None,
    plan_notes: str | None = None,
    check_notes: str | None = None,
    act_notes: str | None = None,
) -> WeeklyPlan:
    """Change the plan while its week runs, or review it (check and act) once the week has begun."""
    require_bancassurance_reader(actor)
    today = tenant_today(tenant)
    errors: dict[str, list[str]] = {}
    if planned is not None:
        planned = {field: planned.get(field, getattr(plan, field)) for field in PLANNED}
        if plan.week_start + timedelta(days=6) < today:
            errors["contacts_planned"] = [_("The week is over: its plan stays as it was; review it instead.")]
        else:
            _planned_errors(errors, planned)
    sent = {"plan_notes": plan_notes, "check_notes": check_notes, "act_notes": act_notes}
    texts = {field: value.strip() for field, value in sent.items() if value is not None}
    for field, value in texts.items():
        text_errors(errors, field, value, NOTES_MAX_LENGTH)
    reviewing = bool(texts.get("check_notes") or texts.get("act_notes"))
    if reviewing and plan.week_start > today:
        errors["check_notes"] = [_("A week is reviewed once it has begun.")]
    elif "act_notes" in texts and texts["act_notes"] and not (texts.get("check_notes") or plan.check_notes):
        errors["check_notes"] = [_("Say what the check found before what to change.")]
    if errors:
        raise ValidationError(errors)
    for field, value in {**(planned or {}), **texts}.items():
        setattr(plan, field, value)
    if reviewing:
        plan.reviewed_at = timezone.now()
    plan.save()
    return plan

"""Writes of the supervisor's "111" duties (DESIGN.md "Activities"), and the spot-check's proposed visit.

Rules (docs/activities.md "Supervisor morning review and the 111 duties"):

- only a leader (supervisor, manager, renewal lead, tenant admin) records a
  duty, for an active member of their own tenant in their scope (a direct
  report or anyone in their subtree), never for themself;
- a duty is dated today or earlier, never in the future;
- one duty of a kind per supervisor, member and day: recording it again
  replaces the first (outcome, notes, visit), so a double tap or a retry
  keeps one row;
- a tracking call or coaching session has the outcome ``done``;
- a spot-check names a visit from a log of that member dated before the
  duty's day, and has the outcome ``verified``, ``not_verified`` or
  ``unreachable``. ``not_verified`` flags that log for review; the other
  two leave the flag as it is (an unreachable customer proves nothing, and
  a flag is cleared by the review, not by a later call).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField
from django.http import Http404
from django.utils.translation import gettext as _

from activities.models import DailyLog, Duty, Visit
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today
from salesops.tenancy import member_scope_q

_notes_field = Duty._meta.get_field("notes")
assert isinstance(_notes_field, CharField) and _notes_field.max_length is not None
NOTES_MAX: int = _notes_field.max_length
SPOT_CHECK_OUTCOMES = (Duty.Outcome.VERIFIED, Duty.Outcome.NOT_VERIFIED, Duty.Outcome.UNREACHABLE)


def _led_member(*, tenant: Tenant, actor: Member, member_id) -> Member:
    """Return the active member ``member_id`` whom ``actor`` leads; 404 "Unknown member." otherwise."""
    try:
        member_pk = int(member_id)
    except (TypeError, ValueError) as error:
        raise Http404(_("Unknown member.")) from error
    member = (
        Member.objects.filter(member_scope_q(actor), tenant=tenant, pk=member_pk, active=True)
        .exclude(pk=actor.pk)
        .first()
    )
    if member is None:
        # Another tenant's member, one outside the actor's subtree and a missing id look alike.
        raise Http404(_("Unknown member."))
    return member


@transaction.atomic
def duty_record(
    *,
    tenant: Tenant,
    actor: Member,
    member_id,
    kind: str,
    date: date,
    outcome: str = "",
    notes: str = "",
    visit_id=None,
) -> Duty:
    """Record that ``actor`` did a duty of ``kind`` for member ``member_id`` on ``date`` (create or replace).

    Raise ``PermissionDenied`` for a member who leads no one, ``Http404`` for a
    member the actor does not lead, ``ValidationError`` with field errors for
    bad input; nothing is saved then.
    """
    if actor.tenant_id != tenant.pk or not actor.leads_others:
        raise PermissionDenied(_("Only a supervisor or manager records the 111 duties."))
    member = _led_member(tenant=tenant, actor=actor, member_id=member_id)
    errors: dict[str, list[str]] = {}
    if kind not in Duty.Kind.values:
        errors["kind"] = [_("The kind is one of %(kinds)s.") % {"kinds": ", ".join(Duty.Kind.values)}]
    if date > tenant_today(tenant):
        errors["date"] = [_("A duty cannot be recorded for a day in the future.")]
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        errors["notes"] = [_("The notes are longer than %(max)s characters.") % {"max": NOTES_MAX}]
    outcome = outcome or (Duty.Outcome.DONE if kind != Duty.Kind.SPOT_CHECK else "")
    visit = None
    if kind == Duty.Kind.SPOT_CHECK:
        if outcome not in SPOT_CHECK_OUTCOMES:
            errors["outcome"] = [
                _("A spot-check's outcome is one of %(outcomes)s.") % {"outcomes": ", ".join(SPOT_CHECK_OUTCOMES)}
            ]
        if visit_id in (None, ""):
            errors["visit"] = [_("Name the visit you called back.")]
        else:
            visit = _spot_check_visit(tenant=tenant, member=member, visit_id=visit_id, date=date)
            if visit is None:
                errors["visit"] = [_("Choose a visit this member logged before the day of the spot-check.")]
    elif kind in Duty.Kind.values:
        if outcome != Duty.Outcome.DONE:
            errors["outcome"] = [_("A tracking call or coaching session has the outcome %(done)s.") % {"done": "done"}]
        if visit_id not in (None, ""):
            errors["visit"] = [_("Only a spot-check names a visit.")]
    if errors:
        raise ValidationError(errors)

    # Lock the day's row if it exists, else insert it; a racing insert waits on the unique constraint.
    duty, created = Duty.objects.select_for_update().get_or_create(
        tenant=tenant,
        supervisor=actor,
        member=member,
        kind=kind,
        date=date,
        defaults={"outcome": outcome, "notes": notes, "visit": visit},
    )
    if not created and (duty.outcome, duty.notes, duty.visit_id) != (outcome, notes, visit and visit.pk):
        duty.outcome, duty.notes, duty.visit = outcome, notes, visit
        duty.save(update_fields=["outcome", "notes", "visit"])
    if visit is not None and outcome == Duty.Outcome.NOT_VERIFIED:
        DailyLog.objects.filter(tenant=tenant, pk=visit.log_id).update(flagged=True)
    return duty


def _spot_check_visit(*, tenant: Tenant, member: Member, visit_id, date: date) -> Visit | None:
    """Return visit ``visit_id`` if it is in a log of ``member`` dated before ``date``."""
    try:
        visit_pk = int(visit_id)
    except (TypeError, ValueError):
        return None
    return (
        Visit.objects.filter(tenant=tenant, pk=visit_pk, log__tenant=tenant, log__member=member, log__date__lt=date)
        .select_related("log")
        .first()
    )


def spot_check_proposal(*, tenant: Tenant, supervisor: Member, date: date, seed=None) -> Visit | None:
    """Propose a visit for ``supervisor``'s spot-check on ``date``: one of yesterday's visits of a direct report.

    Picked at random but stable: the choice is seeded with the supervisor and
    the day (or ``seed``), so reloading the page proposes the same customer.
    Visits this supervisor already spot-checked are skipped; None when no
    visit is left.
    """
    visits = list(
        Visit.objects.filter(
            tenant=tenant,
            log__tenant=tenant,
            log__date=date - timedelta(days=1),
            log__member__supervisor=supervisor,
            log__member__active=True,
        )
        .exclude(
            pk__in=Duty.objects.filter(
                tenant=tenant, supervisor=supervisor, kind=Duty.Kind.SPOT_CHECK, visit__isnull=False
            ).values("visit_id")
        )
        .select_related("log__member")
        .order_by("id")
    )
    if not visits:
        return None
    chooser = random.Random(seed if seed is not None else f"{supervisor.pk}:{date.isoformat()}")
    return chooser.choice(visits)

"""The bank channel's work at a branch: contacts with its people and the events held there.

- A contact names a person on *this* branch's roster, on a day they were
  there (not before they joined, not after they left), never in the future.
- An event is held at a branch the actor looks after (another tenant's or
  another staff member's branch is a 404 before this is reached), never in
  the future; it cannot count more leads than attendees.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bancassurance.models import (
    BankBranch,
    BranchContact,
    BranchEvent,
    BranchStaff,
    ContactKind,
    CustomerTier,
    EventKind,
)
from bancassurance.selectors.branches import require_bancassurance_reader
from bancassurance.services.checks import text_errors
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today

NOTES_MAX_LENGTH = 1000
COUNT_MAX = 100000


def _count_errors(errors: dict, field: str, value) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        errors[field] = [_("Enter a whole number.")]
    elif value < 0:
        errors[field] = [_("Cannot be negative.")]
    elif value > COUNT_MAX:
        errors[field] = [_("At most %(max)d.") % {"max": COUNT_MAX}]


def _date_errors(errors: dict, field: str, day: date, today: date) -> None:
    if day > today:
        errors[field] = [_("The date cannot be in the future.")]


@transaction.atomic
def contact_log(
    *,
    tenant: Tenant,
    actor: Member | None,
    branch: BankBranch,
    staff_id: int | None,
    contacted_on: date,
    kind: str,
    openings: int = 0,
    notes: str = "",
) -> BranchContact:
    """Log a contact with a person on ``branch``'s roster."""
    require_bancassurance_reader(actor)
    notes = (notes or "").strip()
    errors: dict[str, list[str]] = {}
    staff = BranchStaff.objects.filter(tenant=tenant, branch=branch, pk=staff_id).first() if staff_id else None
    if staff is None:
        errors["staff"] = [_("Choose a person on this branch's roster.")]
    if kind not in ContactKind.values:
        errors["kind"] = [_("Choose visit, phone, message or coaching.")]
    _count_errors(errors, "openings", openings)
    text_errors(errors, "notes", notes, NOTES_MAX_LENGTH)
    _date_errors(errors, "contacted_on", contacted_on, tenant_today(tenant))
    if staff is not None and "contacted_on" not in errors:
        if contacted_on < staff.joined_on:
            errors["contacted_on"] = [
                _("%(name)s joined the branch on %(date)s.") % {"name": staff.name, "date": staff.joined_on}
            ]
        elif staff.left_on is not None and contacted_on > staff.left_on:
            errors["contacted_on"] = [
                _("%(name)s left the branch on %(date)s.") % {"name": staff.name, "date": staff.left_on}
            ]
    if errors or staff is None:
        raise ValidationError(errors)
    return BranchContact.objects.create(
        tenant=tenant,
        branch=branch,
        staff=staff,
        contacted_on=contacted_on,
        kind=kind,
        openings=openings,
        notes=notes,
        contacted_by=actor,
    )


@transaction.atomic
def event_record(
    *,
    tenant: Tenant,
    actor: Member | None,
    branch: BankBranch,
    kind: str,
    held_on: date,
    customer_tier: str,
    attendees: int,
    leads: int,
    policies: int,
    notes: str = "",
) -> BranchEvent:
    """Record an event held at ``branch``: who came (by customer tier), the leads and the policies."""
    require_bancassurance_reader(actor)
    notes = (notes or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in EventKind.values:
        errors["kind"] = [_("Choose one of the event kinds.")]
    if customer_tier not in CustomerTier.values:
        errors["customer_tier"] = [_("Choose one of the customer tiers.")]
    for field, value in (("attendees", attendees), ("leads", leads), ("policies", policies)):
        _count_errors(errors, field, value)
    if not errors.keys() & {"attendees", "leads"} and leads > attendees:
        errors["leads"] = [_("There cannot be more leads than attendees.")]
    text_errors(errors, "notes", notes, NOTES_MAX_LENGTH)
    _date_errors(errors, "held_on", held_on, tenant_today(tenant))
    if errors:
        raise ValidationError(errors)
    return BranchEvent.objects.create(
        tenant=tenant,
        branch=branch,
        kind=kind,
        held_on=held_on,
        customer_tier=customer_tier,
        attendees=attendees,
        leads=leads,
        policies=policies,
        notes=notes,
        organised_by=actor,
    )

"""The branch roster: people join and leave, and those who left stay in the history.

Nobody is deleted: a person who leaves gets ``left_on``, so the contacts
logged with them stay readable and last month's compliance still counts
them. A person's role changing (a teller promoted to wealth manager) is a
leave and a join, so each role's history stays true.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bancassurance.models import BankBranch, BranchStaff, StaffRole
from bancassurance.selectors.branches import require_bancassurance_reader
from bancassurance.services.checks import text_errors
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today

NAME_MAX_LENGTH = 50
PHONE_MAX_LENGTH = 40
NOTES_MAX_LENGTH = 500


@transaction.atomic
def staff_add(
    *,
    tenant: Tenant,
    actor: Member | None,
    branch: BankBranch,
    name: str,
    role: str,
    phone: str = "",
    notes: str = "",
    joined_on: date | None = None,
) -> BranchStaff:
    """Put a person on the branch's roster from ``joined_on`` (today by default)."""
    require_bancassurance_reader(actor)
    name, phone, notes = (name or "").strip(), (phone or "").strip(), (notes or "").strip()
    joined_on = joined_on or tenant_today(tenant)
    errors: dict[str, list[str]] = {}
    text_errors(errors, "name", name, NAME_MAX_LENGTH, required=True)
    text_errors(errors, "phone", phone, PHONE_MAX_LENGTH)
    text_errors(errors, "notes", notes, NOTES_MAX_LENGTH)
    if role not in StaffRole.values:
        errors["role"] = [_("Choose branch head, wealth manager or teller.")]
    if joined_on > tenant_today(tenant):
        errors["joined_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return BranchStaff.objects.create(
        tenant=tenant, branch=branch, name=name, role=role, phone=phone, notes=notes, joined_on=joined_on
    )


@transaction.atomic
def staff_update(
    *,
    tenant: Tenant,
    actor: Member | None,
    staff: BranchStaff,
    phone: str | None = None,
    notes: str | None = None,
    left_on: date | None = None,
) -> BranchStaff:
    """Change a person's contact or notes, or record that they left on ``left_on`` (once)."""
    require_bancassurance_reader(actor)
    errors: dict[str, list[str]] = {}
    if phone is not None:
        phone = phone.strip()
        text_errors(errors, "phone", phone, PHONE_MAX_LENGTH)
    if notes is not None:
        notes = notes.strip()
        text_errors(errors, "notes", notes, NOTES_MAX_LENGTH)
    if left_on is not None:
        if staff.left_on is not None:
            errors["left_on"] = [_("This person left the branch on %(date)s.") % {"date": staff.left_on.isoformat()}]
        elif left_on > tenant_today(tenant):
            errors["left_on"] = [_("The date cannot be in the future.")]
        elif left_on < staff.joined_on:
            errors["left_on"] = [_("A person cannot leave before they joined (%(date)s).") % {"date": staff.joined_on}]
        elif staff.contacts.filter(tenant=tenant, contacted_on__gt=left_on).exists():
            errors["left_on"] = [_("Contacts with this person are logged after that date.")]
    if errors:
        raise ValidationError(errors)
    if phone is not None:
        staff.phone = phone
    if notes is not None:
        staff.notes = notes
    if left_on is not None:
        staff.left_on = left_on
    staff.save(update_fields=["phone", "notes", "left_on"])
    return staff

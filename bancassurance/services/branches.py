"""Writes to banks and branches: creation, the profile, the stage and its history, the assignment.

Every service takes the tenant and the acting member. References are
validated *within the tenant*: a bank or a member of another tenant is
reported exactly like one that does not exist. Adding banks and branches
is a tenant admin's (they are reference data sale imports name by code);
assigning a branch to bank staff is for those who set company policy; the
profile and the stage are kept by whoever looks after the branch.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bancassurance.models import Bank, BankBranch, BranchStageChange, Stage
from bancassurance.profile import profile_errors
from bancassurance.selectors.branches import require_bancassurance_manager, require_bancassurance_reader
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today
from salesops.org.services import code_and_name_errors, require_tenant_admin

NOTE_MAX_LENGTH = 200


def _require_tenant_admin(actor: Member | None) -> None:
    require_tenant_admin(actor, _("Only a tenant admin may change banks and bank branches."))


def _save_new(instance):
    try:
        with transaction.atomic():  # a savepoint, so the outer transaction survives a clash
            instance.save()
    except IntegrityError as error:
        # A concurrent request took the code first.
        raise ValidationError({"code": [_("This code is already in use.")]}) from error
    return instance


def _bank_staff(tenant: Tenant, member_id: int | None) -> tuple[Member | None, list[str]]:
    """The active bank-channel staff member ``member_id`` names in the tenant, or the error."""
    if member_id is None:
        return None, []
    member = Member.objects.filter(tenant=tenant, pk=member_id, active=True).first()
    if member is None:
        return None, [_("Unknown member.")]
    if member.role != Member.Role.BANK_STAFF:
        return None, [_("A branch is assigned to bank-channel staff.")]
    return member, []


def _stage_errors(stage: str) -> list[str]:
    return [] if stage in Stage.values else [_("Choose one of the stages.")]


@transaction.atomic
def bank_create(*, tenant: Tenant, actor: Member | None, code: str, name: str) -> Bank:
    """Add a partner bank (``ICBC`` 工商银行) to the tenant."""
    _require_tenant_admin(actor)
    code, name = (code or "").strip(), (name or "").strip()
    errors = code_and_name_errors(Bank, tenant=tenant, code=code, name=name)
    if errors:
        raise ValidationError(errors)
    return _save_new(Bank(tenant=tenant, code=code, name=name))


@transaction.atomic
def bank_branch_create(
    *,
    tenant: Tenant,
    actor: Member | None,
    bank_id: int,
    code: str,
    name: str,
    stage: str = Stage.START_UP,
    assigned_to_id: int | None = None,
    profile: dict | None = None,
) -> BankBranch:
    """Add a branch (网点) of one of the tenant's banks; its stage history starts today."""
    _require_tenant_admin(actor)
    code, name = (code or "").strip(), (name or "").strip()
    errors = code_and_name_errors(BankBranch, tenant=tenant, code=code, name=name)
    bank = Bank.objects.filter(tenant=tenant, pk=bank_id).first() if bank_id is not None else None
    if bank is None:
        errors["bank"] = [_("Unknown bank.")]
    if stage_errors := _stage_errors(stage):
        errors["stage"] = stage_errors
    assigned_to, assigned_errors = _bank_staff(tenant, assigned_to_id)
    if assigned_errors:
        errors["assigned_to"] = assigned_errors
    if problems := profile_errors(profile or {}):
        errors["profile"] = problems
    if errors:
        raise ValidationError(errors)
    branch = _save_new(
        BankBranch(
            tenant=tenant, bank=bank, code=code, name=name, stage=stage, assigned_to=assigned_to, profile=profile or {}
        )
    )
    BranchStageChange.objects.create(
        tenant=tenant, branch=branch, stage=stage, changed_on=tenant_today(tenant), changed_by=actor
    )
    return branch


@transaction.atomic
def branch_update(
    *, tenant: Tenant, actor: Member | None, branch: BankBranch, name: str | None = None, profile: dict | None = None
) -> BankBranch:
    """Change a branch's name or profile (the profile's keys sent replace those kept; the others stay)."""
    require_bancassurance_reader(actor)
    errors: dict[str, list[str]] = {}
    if name is not None:
        name = name.strip()
        if not name:
            errors["name"] = [_("This field is required.")]
        elif len(name) > 100:
            errors["name"] = [_("A name has at most 100 characters.")]
    if profile is not None and (problems := profile_errors(profile)):
        errors["profile"] = problems
    if errors:
        raise ValidationError(errors)
    if name is not None:
        branch.name = name
    if profile is not None:
        branch.profile = {**branch.profile, **profile}
    branch.save(update_fields=["name", "profile", "updated_at"])
    return branch


@transaction.atomic
def branch_assign(
    *, tenant: Tenant, actor: Member | None, branch: BankBranch, assigned_to_id: int | None
) -> BankBranch:
    """Give the branch to a bank-channel staff member (``None``: to nobody)."""
    require_bancassurance_manager(actor)
    assigned_to, errors = _bank_staff(tenant, assigned_to_id)
    if errors:
        raise ValidationError({"assigned_to": errors})
    branch.assigned_to = assigned_to
    branch.save(update_fields=["assigned_to", "updated_at"])
    return branch


@transaction.atomic
def branch_stage_change(
    *,
    tenant: Tenant,
    actor: Member | None,
    branch: BankBranch,
    stage: str,
    changed_on: date | None = None,
    note: str = "",
) -> BranchStageChange:
    """Move the branch to ``stage`` from ``changed_on`` (today by default), keeping the change in its history.

    The date may not be in the future nor before the branch's last change,
    so the history reads in order; moving to the stage it is in is refused.
    """
    require_bancassurance_reader(actor)
    branch = BankBranch.objects.select_for_update().get(tenant=tenant, pk=branch.pk)
    today = tenant_today(tenant)
    changed_on = changed_on or today
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if stage_errors := _stage_errors(stage):
        errors["stage"] = stage_errors
    elif stage == branch.stage:
        errors["stage"] = [_("The branch is in this stage already.")]
    last = BranchStageChange.objects.filter(tenant=tenant, branch=branch).order_by("-changed_on", "-id").first()
    if changed_on > today:
        errors["changed_on"] = [_("The date cannot be in the future.")]
    elif last is not None and changed_on < last.changed_on:
        errors["changed_on"] = [
            _("The branch's last stage change was on %(date)s; a change cannot come before it.")
            % {"date": last.changed_on.isoformat()}
        ]
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [_("A note has at most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    branch.stage = stage
    branch.save(update_fields=["stage", "updated_at"])
    return BranchStageChange.objects.create(
        tenant=tenant, branch=branch, stage=stage, changed_on=changed_on, changed_by=actor, note=note
    )

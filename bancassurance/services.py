"""Writes to banks and their branches. Every service takes the tenant and the acting member.

Issue 3 needs only enough to name a branch on a sale record; profiles,
staff rosters, contacts and events come with the bancassurance issue.
References are validated *within the tenant*: a bank of another tenant is
reported exactly like one that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bancassurance.models import Bank, BankBranch
from salesops.org.models import Member, Tenant
from salesops.org.services import code_and_name_errors, require_tenant_admin


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
def bank_branch_create(*, tenant: Tenant, actor: Member | None, bank_id: int, code: str, name: str) -> BankBranch:
    """Add a branch (网点) of one of the tenant's banks; imports name it by ``code``."""
    _require_tenant_admin(actor)
    code, name = (code or "").strip(), (name or "").strip()
    errors = code_and_name_errors(BankBranch, tenant=tenant, code=code, name=name)
    bank = Bank.objects.filter(tenant=tenant, pk=bank_id).first() if bank_id is not None else None
    if bank is None:
        errors["bank"] = [_("Unknown bank.")]
    if errors:
        raise ValidationError(errors)
    return _save_new(BankBranch(tenant=tenant, bank=bank, code=code, name=name))

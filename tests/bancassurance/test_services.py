"""Banks and branches: the minimal writes sale records need (bancassurance/services.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from bancassurance.models import BankBranch
from bancassurance.services import bank_branch_create, bank_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_admin_adds_a_bank_and_its_branch(org):
    bank = bank_create(tenant=org.tenant, actor=org.admin, code="ICBC", name="工商银行")
    branch = bank_branch_create(tenant=org.tenant, actor=org.admin, bank_id=bank.pk, code="ICBC-310100", name="陆家嘴")
    assert (branch.tenant, branch.bank, branch.code) == (org.tenant, bank, "ICBC-310100")


@pytest.mark.parametrize("role", ["manager", "supervisor", "agent", "bank"])
def test_only_a_tenant_admin_may_add_banks(org, role):
    with pytest.raises(PermissionDenied):
        bank_create(tenant=org.tenant, actor=org.members[role], code="ICBC", name="工商银行")


def test_another_tenants_bank_is_unknown_and_codes_are_per_tenant(org, other_org):
    # Given tenant B's bank ICBC
    foreign = bank_create(tenant=other_org.tenant, actor=None, code="ICBC", name="工商银行")
    # Then tenant A may use the same code, but not tenant B's bank
    bank_create(tenant=org.tenant, actor=None, code="ICBC", name="工商银行")
    with pytest.raises(ValidationError) as raised:
        bank_branch_create(tenant=org.tenant, actor=None, bank_id=foreign.pk, code="ICBC-1", name="某网点")
    assert raised.value.message_dict == {"bank": ["Unknown bank."]}
    assert not BankBranch.objects.exists()


def test_bad_codes_and_names_are_refused_field_by_field(org):
    bank_create(tenant=org.tenant, actor=None, code="ICBC", name="工商银行")
    with pytest.raises(ValidationError) as raised:
        bank_create(tenant=org.tenant, actor=None, code="ICBC", name=" ")
    assert raised.value.message_dict == {"code": ["This code is already in use."], "name": ["This field is required."]}
    with pytest.raises(ValidationError) as raised:
        bank_create(tenant=org.tenant, actor=None, code="工 行", name="工商银行")
    assert list(raised.value.message_dict) == ["code"]

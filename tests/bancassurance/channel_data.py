"""Bank-channel test data, written through the real services (sales, branches, roster, contacts)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from bancassurance.services import bank_branch_create, bank_create
from bancassurance.services.field_work import contact_log
from bancassurance.services.roster import staff_add
from salesops.org.models import Member
from targets.services.sales import sale_record_create

_serial = itertools.count(1)


def make_bank(org, code="ICBC", name="工商银行"):
    return bank_create(tenant=org.tenant, actor=None, code=code, name=name)


def make_branch(org, bank, code: str, *, staff: Member | None = None, name: str | None = None, stage="start_up"):
    return bank_branch_create(
        tenant=org.tenant,
        actor=None,
        bank_id=bank.pk,
        code=code,
        name=name or f"{code}支行",
        stage=stage,
        assigned_to_id=staff.pk if staff else None,
    )


def bank_sale(org, branch, day: date, premium: str, *, mode="single", policies=1, member=None):
    """A bancassurance sale at ``branch`` (credited to the org's agent unless said)."""
    return sale_record_create(
        tenant=org.tenant,
        actor=None,
        policy_no=f"BA{next(_serial):06d}-{org.tenant.slug}",
        member_id=(member or org.agent).pk,
        channel_code="bancassurance",
        product_code="single_premium_savings" if mode == "single" else "annuity",
        premium=Decimal(premium),
        policies=policies,
        sold_on=day,
        customer_kind="new",
        payment_mode=mode,
        bank_branch_id=branch.pk,
        today=max(day, date.today()),
    )


def person(org, branch, role: str, joined_on: date, name: str | None = None):
    return staff_add(
        tenant=org.tenant,
        actor=None,
        branch=branch,
        name=name or f"{role}-{next(_serial)}",
        role=role,
        joined_on=joined_on,
    )


def contact(org, branch, staff, day: date, *, openings=0, actor=None):
    return contact_log(
        tenant=org.tenant,
        actor=actor,
        branch=branch,
        staff_id=staff.pk,
        contacted_on=day,
        kind="visit",
        openings=openings,
    )

"""Renewal cases and advisors for tests, written through the real services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from renewals.models import RenewalCase, StaffProfile
from renewals.services.cases import CaseFields, case_create
from tests.factories import OrgFixture, add_member


def add_advisor(org: OrgFixture, name: str, *, group_a: bool = False, capacity: int | None = None):
    """Add an advisor to the renewals team, reporting to its lead, with a profile."""
    member = add_member(
        org.tenant,
        f"{org.tenant.slug}-{name}",
        "renewal_advisor",
        org.units["renewals"],
        supervisor=org.members["renewal_lead"],
    )
    org.members[name] = member
    StaffProfile.objects.create(tenant=org.tenant, member=member, serves_group_a=group_a, capacity=capacity)
    return member


def make_case(
    org: OrgFixture,
    policy_no: str,
    *,
    due_on: date,
    group: str = "B",
    product_type: str = "auto",
    premium: str = "5000.00",
    advisor=None,
    assigned_at: datetime | None = None,
) -> RenewalCase:
    case = case_create(
        tenant=org.tenant,
        actor=None,
        fields=CaseFields(
            policy_no=policy_no,
            customer=f"客户{policy_no}",
            product_type=product_type,
            premium=Decimal(premium),
            due_on=due_on,
            group=group,
        ),
        advisor_id=advisor.pk if advisor else None,
    )
    if assigned_at is not None:
        RenewalCase.objects.filter(pk=case.pk).update(assigned_at=assigned_at)
        case.refresh_from_db()
    return case


def hours_ago(hours: float, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=hours)

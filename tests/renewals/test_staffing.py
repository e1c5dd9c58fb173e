"""Staffing by hand: 1 advisor per 1,500 pending, 1 coordinator per 5 advisors, data and training 1 per 20 staff."""

from datetime import date

import pytest

from renewals.models import RenewalCase, RenewalPolicy, StaffProfile
from renewals.selectors.cases import policy_for
from renewals.staffing import needed, staffing
from tests.renewals.renewal_data import add_advisor


@pytest.mark.parametrize(
    ("pending", "expected"),
    [
        (7600, (6, 2, 1)),  # 7,600 ÷ 1,500 = 5.07 → 6 advisors; 6 ÷ 5 → 2 coordinators; 8 staff ÷ 20 → 1 each
        (0, (0, 0, 0)),
        (1, (1, 1, 1)),
        (1500, (1, 1, 1)),
        (1501, (2, 1, 1)),
        (37_500, (25, 5, 2)),  # 25 + 5 = 30 staff → 2 data, 2 training
        (45_001, (31, 7, 2)),  # 38 staff → 2 each
        (60_001, (41, 9, 3)),  # 50 staff → 3 each
    ],
)
def test_needed_by_the_seed_ratios(org, pending, expected):
    assert needed(pending, policy_for(org.tenant)) == expected


def test_the_ratios_are_the_tenants(org):
    RenewalPolicy.objects.filter(tenant=org.tenant).update(cases_per_advisor=1000, advisors_per_coordinator=4)
    assert needed(7600, policy_for(org.tenant)) == (8, 2, 1)


def _bulk_cases(org, count, status="pending", prefix="P"):
    RenewalCase.objects.bulk_create(
        RenewalCase(
            tenant=org.tenant,
            policy_no=f"{prefix}{i}",
            customer="客户",
            product_type="auto",
            premium="1000.00",
            due_on=date(2026, 12, 1),
            status=status,
            renewed_premium="1000.00" if status == "renewed" else None,
        )
        for i in range(count)
    )


def test_staffing_counts_open_cases_and_the_staff_on_hand(org, other_org, api_client_for):
    _bulk_cases(org, 7600)
    _bulk_cases(org, 300, status="renewed", prefix="R")  # closed: not pending
    _bulk_cases(other_org, 5000)  # another tenant's
    add_advisor(org, "a2")
    coordinator = add_advisor(org, "c1")
    StaffProfile.objects.filter(member=coordinator).update(position="coordinator")
    StaffProfile.objects.create(tenant=org.tenant, member=org.renewal_lead, position="trainer")
    figures = staffing(tenant=org.tenant, policy=policy_for(org.tenant))
    assert (figures.pending, figures.advisors_needed, figures.coordinators_needed, figures.support_needed) == (
        7600,
        6,
        2,
        2,
    )
    # advisor (no profile) + a2 are advisors; c1 a coordinator; the lead doubles as trainer.
    assert (figures.advisors_now, figures.coordinators_now, figures.analysts_now, figures.trainers_now) == (2, 1, 0, 1)

    response = api_client_for(org.renewal_lead).get("/api/v1/renewals/staffing/")
    assert response.status_code == 200
    body = response.json()
    assert {
        k: body[k] for k in ["pending", "advisors_needed", "coordinators_needed", "support_needed", "advisors_now"]
    } == {
        "pending": 7600,
        "advisors_needed": 6,
        "coordinators_needed": 2,
        "support_needed": 2,
        "advisors_now": 2,
    }
    other = api_client_for(other_org.renewal_lead).get("/api/v1/renewals/staffing/").json()
    assert (other["pending"], other["advisors_needed"]) == (5000, 4)


@pytest.mark.parametrize("role", ["advisor", "agent", "supervisor", "bank"])
def test_staffing_is_for_those_who_manage_renewals(org, api_client_for, role):
    assert api_client_for(org.members[role]).get("/api/v1/renewals/staffing/").status_code == 403

"""Auto-assignment with loads worked out by hand (renewals/assignment.py's rule)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from renewals.models import RenewalCase, StaffProfile
from renewals.services.assign import cases_assign
from tests.renewals.renewal_data import add_advisor, make_case

TODAY = date(2026, 11, 22)


def due(days: int) -> date:
    return TODAY + timedelta(days=days)


@pytest.fixture
def team(org):
    """X serves group A (capacity 3, holding one high case: load 3); Y group B only (capacity 2, empty);
    Z group B only (capacity 1, holding one low case: full)."""
    x = add_advisor(org, "x", group_a=True, capacity=3)
    y = org.advisor
    StaffProfile.objects.create(tenant=org.tenant, member=y, capacity=2)
    z = add_advisor(org, "z", capacity=1)
    make_case(org, "X-OLD", due_on=due(3), group="A", product_type="health", advisor=x)  # 50+30+15 = 95: weight 3
    make_case(org, "Z-OLD", due_on=due(100), product_type="auto", advisor=z)  # 0+0+10 = 10: weight 1
    return x, y, z


def test_assignment_respects_skills_and_capacity_and_balances_load(org, team):
    x, y, z = team
    make_case(org, "A1", due_on=due(10), group="A", product_type="life")  # 40+30+15 = 85
    make_case(org, "A2", due_on=due(40), group="A", product_type="auto")  # 20+30+10 = 60
    make_case(org, "A3", due_on=due(100), group="A", product_type="other")  # 0+30+0 = 30
    make_case(org, "B1", due_on=due(-1), product_type="health")  # 60+15 = 75
    make_case(org, "B2", due_on=due(20), product_type="auto")  # 30+10 = 40
    make_case(org, "B3", due_on=due(70), product_type="other")  # 10
    make_case(org, "B4", due_on=due(95), product_type="property")  # 5

    result = cases_assign(tenant=org.tenant, actor=org.renewal_lead, today=TODAY)

    # In priority order: A1 → X (the only A advisor; load 3 → 6); B1 → Y (load 0 < X's 6; → 3);
    # A2 → X (its last room; load 9); B2 → Y (X and Z full; → 5, full); A3: X full;
    # B3, B4: everyone full.
    advisors = dict(RenewalCase.objects.filter(tenant=org.tenant).values_list("policy_no", "advisor_id"))
    assert {no: advisors[no] for no in ["A1", "A2", "B1", "B2", "A3", "B3", "B4"]} == {
        "A1": x.pk,
        "A2": x.pk,
        "B1": y.pk,
        "B2": y.pk,
        "A3": None,
        "B3": None,
        "B4": None,
    }
    assert result.assigned == 4
    assert [(row["policy_no"], row["reason"]) for row in result.unassigned] == [
        ("A3", "group_a_full"),
        ("B3", "all_full"),
        ("B4", "all_full"),
    ]
    assert result.unassigned[0]["message"] == "Every advisor serving group A is at capacity."
    # Nobody is over capacity.
    for advisor, capacity in [(x, 3), (y, 2), (z, 1)]:
        assert RenewalCase.objects.filter(tenant=org.tenant, advisor=advisor).count() == capacity
    assert RenewalCase.objects.filter(tenant=org.tenant, advisor__isnull=False, assigned_at__isnull=True).count() == 0


def test_equal_loads_go_to_fewer_open_cases_then_the_lower_id(org):
    StaffProfile.objects.create(tenant=org.tenant, member=org.advisor, capacity=10)
    second = add_advisor(org, "second", capacity=10)
    # Advisor: one medium case (weight 2); second: two low cases (weight 1 + 1): equal loads of 2.
    make_case(org, "OLD-1", due_on=due(20), product_type="other", advisor=org.advisor)  # 30: medium
    make_case(org, "OLD-2", due_on=due(100), product_type="other", advisor=second)  # 0: low
    make_case(org, "OLD-3", due_on=due(100), product_type="other", advisor=second)
    make_case(org, "NEW-1", due_on=due(100), product_type="auto")  # 10: low
    make_case(org, "NEW-2", due_on=due(100), product_type="other")  # 0: low
    cases_assign(tenant=org.tenant, actor=org.renewal_lead, today=TODAY)
    advisors = dict(RenewalCase.objects.filter(tenant=org.tenant).values_list("policy_no", "advisor_id"))
    # NEW-1: loads 2 and 2, open 1 < 2 → advisor (load 3). NEW-2: second has load 2 < 3 → second.
    assert (advisors["NEW-1"], advisors["NEW-2"]) == (org.advisor.pk, second.pk)


def test_a_case_without_any_a_advisor_says_so(org):
    make_case(org, "A-ONLY", due_on=due(10), group="A")
    result = cases_assign(tenant=org.tenant, actor=org.renewal_lead, today=TODAY)
    assert result.assigned == 0
    assert [(row["policy_no"], row["reason"]) for row in result.unassigned] == [("A-ONLY", "no_group_a_advisor")]


def test_no_active_advisor(org):
    org.advisor.active = False
    org.advisor.save()
    make_case(org, "B-ONLY", due_on=due(10))
    result = cases_assign(tenant=org.tenant, actor=org.renewal_lead, today=TODAY)
    assert [row["reason"] for row in result.unassigned] == ["no_advisor"]


def test_another_tenants_advisors_and_cases_are_never_touched(org, other_org):
    make_case(other_org, "THEIRS", due_on=due(5))
    make_case(org, "OURS", due_on=due(5))
    result = cases_assign(tenant=org.tenant, actor=org.renewal_lead, today=TODAY)
    assert result.assigned == 1
    assert RenewalCase.objects.get(tenant=org.tenant, policy_no="OURS").advisor_id == org.advisor.pk
    assert RenewalCase.objects.get(tenant=other_org.tenant, policy_no="THEIRS").advisor_id is None


@pytest.mark.parametrize("role", ["advisor", "agent", "supervisor", "branch_manager"])
def test_only_renewal_managers_assign(org, role):
    make_case(org, "B-1", due_on=due(5))
    with pytest.raises(PermissionDenied):
        cases_assign(tenant=org.tenant, actor=org.members[role], today=TODAY)
    assert RenewalCase.objects.get(tenant=org.tenant, policy_no="B-1").advisor_id is None

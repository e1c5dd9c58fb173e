"""The case, follow-up and assignment endpoints: the pipeline's rules, bad input, tenant and role scope."""

from datetime import timedelta

import pytest

from renewals.models import FollowUp, RenewalCase, StaffProfile
from salesops.org.selectors import tenant_today
from tests.renewals.renewal_data import add_advisor, make_case

CASES = "/api/v1/renewals/cases/"


def new_case(org, advisor=None, **extra):
    body = {
        "policy_no": "RN-1",
        "customer": "王先生",
        "product_type": "health",
        "premium": "3600.00",
        "due_on": (tenant_today(org.tenant) + timedelta(days=10)).isoformat(),
        "group": "B",
        **extra,
    }
    if advisor is not None:
        body["advisor"] = advisor.pk
    return body


def test_the_lead_creates_a_case_with_its_priority(org, api_client_for):
    response = api_client_for(org.renewal_lead).post(CASES, new_case(org, org.advisor), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    # 10 days to due: 40; group B: 0; health: 15.
    assert (body["priority"], body["status"], body["advisor"], body["premium"]) == (
        55,
        "pending",
        org.advisor.pk,
        "3600.00",
    )
    assert body["last_follow_up_at"] is None


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"premium": "0"}, "premium", "The premium must be above zero."),
        ({"premium": "12.345"}, "premium", None),
        ({"product_type": "boat"}, "product_type", None),
        ({"group": "C"}, "group", None),
        ({"customer": ""}, "customer", None),
    ],
)
def test_bad_cases_are_refused_by_field(org, api_client_for, extra, field, message):
    response = api_client_for(org.renewal_lead).post(CASES, new_case(org, **extra), format="json")
    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    assert not RenewalCase.objects.filter(tenant=org.tenant).exists()


def test_a_past_due_date_is_allowed_and_comes_first(org, api_client_for):
    past = (tenant_today(org.tenant) - timedelta(days=3)).isoformat()
    response = api_client_for(org.renewal_lead).post(CASES, new_case(org, due_on=past), format="json")
    assert response.status_code == 201
    assert response.json()["priority"] == 60 + 15


def test_unknown_and_foreign_advisors_and_skills(org, other_org, api_client_for):
    client = api_client_for(org.renewal_lead)
    for advisor_id in [other_org.advisor.pk, org.agent.pk, 999999]:
        response = client.post(CASES, {**new_case(org), "advisor": advisor_id}, format="json")
        assert response.json() == {"advisor": ["Unknown advisor."]}
    response = client.post(CASES, new_case(org, org.advisor, group="A"), format="json")
    assert response.json() == {"advisor": ["This advisor does not serve group A (high net worth) customers."]}
    StaffProfile.objects.create(tenant=org.tenant, member=org.advisor, capacity=1)
    make_case(org, "HELD", due_on=tenant_today(org.tenant), advisor=org.advisor)
    response = client.post(CASES, new_case(org, org.advisor), format="json")
    assert response.json() == {"advisor": ["This advisor is at capacity (1 open cases)."]}
    assert RenewalCase.objects.filter(tenant=org.tenant).count() == 1


def test_follow_ups_move_the_case_one_step_at_a_time(org, api_client_for):
    case = make_case(org, "RN-1", due_on=tenant_today(org.tenant), advisor=org.advisor)
    client = api_client_for(org.advisor)
    url = f"{CASES}{case.pk}/follow-ups/"

    skip = client.post(url, {"channel": "phone", "outcome": "renewed", "renewed_premium": "3800.00"}, format="json")
    assert skip.status_code == 400
    assert skip.json() == {"outcome": ["A case goes pending → contacted → quoted → renewed; record Contacted first."]}
    assert FollowUp.objects.filter(tenant=org.tenant).count() == 0

    assert client.post(url, {"channel": "phone", "outcome": "no_answer"}, format="json").status_code == 201
    assert client.post(url, {"channel": "wechat", "outcome": "contacted"}, format="json").status_code == 201
    assert (
        client.post(url, {"channel": "visit", "outcome": "quoted", "notes": "报价3800"}, format="json").status_code
        == 201
    )
    assert client.post(url, {"channel": "phone", "outcome": "quoted"}, format="json").status_code == 201
    no_premium = client.post(url, {"channel": "phone", "outcome": "renewed"}, format="json")
    assert no_premium.json() == {"renewed_premium": ["This field is required."]}
    done = client.post(url, {"channel": "phone", "outcome": "renewed", "renewed_premium": "3800.00"}, format="json")
    assert done.status_code == 201
    case.refresh_from_db()
    assert (case.status, case.renewed_premium, case.quotes) == ("renewed", 3800, 2)
    assert case.closed_at is not None and case.last_follow_up_at is not None
    listed = client.get(url).json()
    assert listed["count"] == 5
    assert listed["results"][0]["outcome"] == "renewed"
    closed = client.post(url, {"channel": "phone", "outcome": "contacted"}, format="json")
    assert closed.json() == {"non_field_errors": ["This case is closed; it takes no more follow-ups."]}


def test_lost_needs_a_reason_from_the_tenants_list(org, api_client_for):
    case = make_case(org, "RN-1", due_on=tenant_today(org.tenant), advisor=org.advisor)
    client = api_client_for(org.advisor)
    url = f"{CASES}{case.pk}/"
    assert client.patch(url, {"status": "lost"}, format="json").json() == {
        "lost_reason": ["A lost case needs its reason."]
    }
    assert client.patch(url, {"status": "lost", "lost_reason": "bribe"}, format="json").json() == {
        "lost_reason": ["Unknown lost reason."]
    }
    response = client.patch(url, {"status": "lost", "lost_reason": "competitor"}, format="json")
    assert (response.status_code, response.json()["lost_reason"], response.json()["status"]) == (
        200,
        "competitor",
        "lost",
    )
    back = client.patch(url, {"status": "pending"}, format="json")
    assert back.json() == {"status": ["This case is closed (Lost); it cannot change status."]}


def test_follow_up_dates(org, api_client_for):
    case = make_case(org, "RN-1", due_on=tenant_today(org.tenant), advisor=org.advisor)
    yesterday = (tenant_today(org.tenant) - timedelta(days=1)).isoformat()
    response = api_client_for(org.advisor).post(
        f"{CASES}{case.pk}/follow-ups/",
        {"channel": "phone", "outcome": "contacted", "next_action_on": yesterday},
        format="json",
    )
    assert response.json() == {"next_action_on": ["The next action cannot be in the past."]}
    case.refresh_from_db()
    assert case.status == "pending"


def test_an_advisor_sees_only_their_own_cases(org, api_client_for):
    other = add_advisor(org, "other")
    mine = make_case(org, "MINE", due_on=tenant_today(org.tenant), advisor=org.advisor)
    theirs = make_case(org, "THEIRS", due_on=tenant_today(org.tenant), advisor=other)
    make_case(org, "NOBODY", due_on=tenant_today(org.tenant))
    client = api_client_for(org.advisor)
    assert [row["policy_no"] for row in client.get(CASES).json()["results"]] == ["MINE"]
    assert client.get(f"{CASES}{theirs.pk}/").status_code == 404
    assert (
        client.post(
            f"{CASES}{theirs.pk}/follow-ups/", {"channel": "phone", "outcome": "contacted"}, format="json"
        ).status_code
        == 404
    )
    # An advisor moves their case but does not re-assign it, nor create or assign cases.
    assert client.patch(f"{CASES}{mine.pk}/", {"advisor": other.pk}, format="json").status_code == 403
    assert client.post(CASES, new_case(org, policy_no="NEW"), format="json").status_code == 403
    assert client.post("/api/v1/renewals/assign/").status_code == 403
    lead = api_client_for(org.renewal_lead)
    assert sorted(row["policy_no"] for row in lead.get(CASES).json()["results"]) == ["MINE", "NOBODY", "THEIRS"]
    assert lead.patch(f"{CASES}{mine.pk}/", {"advisor": other.pk}, format="json").json()["advisor"] == other.pk


@pytest.mark.parametrize("role", ["agent", "supervisor", "branch_manager", "bank"])
def test_other_roles_have_no_renewals(org, api_client_for, role):
    make_case(org, "RN-1", due_on=tenant_today(org.tenant))
    client = api_client_for(org.members[role])
    assert client.get(CASES).status_code == 403
    assert client.post(CASES, new_case(org, policy_no="X"), format="json").status_code == 403


def test_another_tenants_cases_are_invisible(org, other_org, api_client_for):
    theirs = make_case(other_org, "RN-1", due_on=tenant_today(other_org.tenant), advisor=other_org.advisor)
    make_case(org, "RN-1", due_on=tenant_today(org.tenant))  # the same number is another tenant's own case
    for member in [org.admin, org.manager, org.renewal_lead]:
        client = api_client_for(member)
        assert [row["id"] for row in client.get(CASES).json()["results"]] != [theirs.pk]
        assert client.get(f"{CASES}{theirs.pk}/").status_code == 404
        assert client.patch(f"{CASES}{theirs.pk}/", {"status": "contacted"}, format="json").status_code == 404
        assert (
            client.post(
                f"{CASES}{theirs.pk}/follow-ups/", {"channel": "phone", "outcome": "contacted"}, format="json"
            ).status_code
            == 404
        )
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_assign_endpoint(org, api_client_for):
    make_case(org, "RN-1", due_on=tenant_today(org.tenant))
    make_case(org, "RN-A", due_on=tenant_today(org.tenant), group="A")
    body = api_client_for(org.renewal_lead).post("/api/v1/renewals/assign/").json()
    assert body["assigned"] == 1
    assert [(row["policy_no"], row["reason"]) for row in body["unassigned"]] == [("RN-A", "no_group_a_advisor")]


def test_advisor_profiles_and_rules(org, other_org, api_client_for):
    lead = api_client_for(org.renewal_lead)
    response = lead.patch(
        f"/api/v1/renewals/advisors/{org.advisor.pk}/", {"serves_group_a": True, "capacity": 2}, format="json"
    )
    assert response.json() == {"member": org.advisor.pk, "position": "advisor", "serves_group_a": True, "capacity": 2}
    assert lead.patch(f"/api/v1/renewals/advisors/{other_org.advisor.pk}/", {"capacity": 2}, format="json").json() == {
        "member": ["Unknown member."]
    }
    advisors = lead.get("/api/v1/renewals/advisors/").json()
    assert [(a["id"], a["serves_group_a"], a["capacity"]) for a in advisors] == [(org.advisor.pk, True, 2)]
    # The rules are the company's: the lead may read, not change them.
    assert lead.get("/api/v1/renewals/policy/").json()["follow_up_hours"] == 48
    assert lead.patch("/api/v1/renewals/policy/", {"follow_up_hours": 24}, format="json").status_code == 403
    admin = api_client_for(org.admin)
    assert admin.patch("/api/v1/renewals/policy/", {"follow_up_hours": 0}, format="json").status_code == 400
    assert (
        admin.patch("/api/v1/renewals/policy/", {"follow_up_hours": 24}, format="json").json()["follow_up_hours"] == 24
    )
    assert api_client_for(other_org.admin).get("/api/v1/renewals/policy/").json()["follow_up_hours"] == 48
    reasons = [r["code"] for r in lead.get("/api/v1/renewals/lost-reasons/").json()]
    assert reasons == ["price", "competitor", "coverage", "service", "no_need", "unreachable", "other"]
    assert (
        admin.post("/api/v1/renewals/lost-reasons/", {"code": "price", "name": "x"}, format="json").status_code == 400
    )
    assert (
        admin.post("/api/v1/renewals/lost-reasons/", {"code": "moved", "name": "搬迁"}, format="json").status_code
        == 201
    )

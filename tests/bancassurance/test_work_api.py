"""Contacts, events, weekly plans, compliance, KPIs and standards through the API: scope and bad input."""

from datetime import date, timedelta

import pytest

from bancassurance.models import BranchContact, BranchEvent, WeeklyPlan
from bancassurance.selectors.compliance import week_of
from salesops.org.selectors import tenant_today
from tests.bancassurance.channel_data import bank_sale, contact, make_bank, make_branch, person
from tests.factories import add_member

pytestmark = pytest.mark.django_db
API = "/api/v1/bancassurance/"
JOINED = date(2026, 1, 5)


@pytest.fixture
def channel(org, other_org):
    bank = make_bank(org)
    colleague = add_member(org.tenant, "acme-bank2", "bank_staff", org.units["bank"])
    mine = make_branch(org, bank, "ICBC-1", staff=org.bank)
    theirs = make_branch(org, bank, "ICBC-2", staff=colleague)
    foreign = make_branch(other_org, make_bank(other_org), "ICBC-1", staff=other_org.bank)
    return {
        "mine": mine,
        "theirs": theirs,
        "foreign": foreign,
        "colleague": colleague,
        "teller": person(org, mine, "teller", JOINED, name="小王"),
        "their_teller": person(org, theirs, "teller", JOINED),
        "foreign_teller": person(other_org, foreign, "teller", JOINED),
    }


def test_a_contact_is_logged_with_the_branchs_own_people_only(org, channel, api_client_for):
    client = api_client_for(org.bank)
    url = f"{API}branches/{channel['mine'].pk}/contacts/"
    response = client.post(
        url,
        {"staff": channel["teller"].pk, "date": "2026-11-10", "kind": "phone", "openings": 4, "notes": "推荐年金"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert {k: response.json()[k] for k in ("staff", "date", "kind", "openings", "staff_name")} == {
        "staff": channel["teller"].pk,
        "date": "2026-11-10",
        "kind": "phone",
        "openings": 4,
        "staff_name": "小王",
    }
    # A person of another branch, of another tenant, a future date, a negative count: 400, nothing saved
    for staff in (channel["their_teller"], channel["foreign_teller"]):
        response = client.post(url, {"staff": staff.pk, "date": "2026-11-10"}, format="json")
        assert response.json() == {"staff": ["Choose a person on this branch's roster."]}
    response = client.post(url, {"staff": channel["teller"].pk, "date": "2099-11-10", "openings": -2}, format="json")
    assert set(response.json()) == {"contacted_on", "openings"}
    assert BranchContact.objects.count() == 1
    assert [row["notes"] for row in client.get(url).json()["results"]] == ["推荐年金"]


def test_an_event_in_another_tenants_or_colleagues_branch_is_refused_and_nothing_is_saved(org, channel, api_client_for):
    client = api_client_for(org.bank)
    event = {
        "kind": "micro_salon",
        "date": "2026-11-12",
        "customer_tier": "mass",
        "attendees": 12,
        "leads": 5,
        "policies": 2,
    }
    for branch in (channel["foreign"], channel["theirs"]):
        response = client.post(f"{API}events/", {**event, "branch": branch.pk}, format="json")
        assert (response.status_code, response.json()) == (400, {"branch": ["Unknown branch."]})
    response = client.post(
        f"{API}events/", {**event, "branch": channel["mine"].pk, "leads": 13, "date": "2099-01-01"}, format="json"
    )
    assert response.json() == {
        "leads": ["There cannot be more leads than attendees."],
        "held_on": ["The date cannot be in the future."],
    }
    response = client.post(f"{API}events/", {**event, "branch": channel["mine"].pk, "policies": -1}, format="json")
    assert response.json() == {"policies": ["Cannot be negative."]}
    assert not BranchEvent.objects.exists()

    response = client.post(f"{API}events/", {**event, "branch": channel["mine"].pk}, format="json")
    assert response.status_code == 201
    assert {k: response.json()[k] for k in event} == event
    # The colleague does not see it; the company manager does
    assert api_client_for(channel["colleague"]).get(f"{API}events/").json()["count"] == 0
    assert api_client_for(org.manager).get(f"{API}events/?customer_tier=mass").json()["count"] == 1
    assert api_client_for(org.manager).get(f"{API}events/?customer_tier=high_net_worth").json()["count"] == 0


def test_a_weekly_plan_counts_what_the_week_came_to(org, channel, api_client_for):
    client = api_client_for(org.bank)
    monday = week_of(tenant_today(org.tenant))
    response = client.post(
        f"{API}plans/",
        {"week_start": monday.isoformat(), "contacts_planned": 4, "events_planned": 1, "policies_planned": 3},
        format="json",
    )
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    # This week: two contacts and an event by the staff member, one by the colleague at their branch,
    # and a sale of 2 policies at the staff member's branch
    contact(org, channel["mine"], channel["teller"], monday, actor=org.bank)
    contact(org, channel["mine"], channel["teller"], monday, actor=org.bank)
    contact(org, channel["theirs"], channel["their_teller"], monday, actor=channel["colleague"])
    client.post(
        f"{API}events/",
        {"branch": channel["mine"].pk, "kind": "morning_meeting", "date": monday.isoformat(), "customer_tier": "mass",
         "attendees": 6, "leads": 0, "policies": 0},
        format="json",
    )  # fmt: skip
    bank_sale(org, channel["mine"], monday, "20000.00", policies=2)

    body = client.get(f"{API}plans/{plan_id}/").json()
    assert (body["contacts"], body["events"], body["policies"]) == (2, 1, 2)
    assert (body["contacts_completion"], body["events_completion"], body["policies_completion"]) == (
        "0.5000",
        "1.0000",
        "0.6667",
    )
    # Check and act, once the week has begun
    response = client.patch(f"{API}plans/{plan_id}/", {"act_notes": "加强柜员话术"}, format="json")
    assert response.json() == {"check_notes": ["Say what the check found before what to change."]}
    response = client.patch(
        f"{API}plans/{plan_id}/", {"check_notes": "理财经理请假两天", "act_notes": "加强柜员话术"}, format="json"
    )
    assert response.json()["reviewed_at"] is not None
    # The colleague cannot see it; the manager can
    assert api_client_for(channel["colleague"]).get(f"{API}plans/{plan_id}/").status_code == 404
    assert api_client_for(org.manager).get(f"{API}plans/").json()["count"] == 1


def test_bad_plans_are_refused_and_nothing_is_saved(org, channel, api_client_for):
    client = api_client_for(org.bank)
    monday = week_of(tenant_today(org.tenant))
    plan = {"contacts_planned": 4, "events_planned": 1, "policies_planned": 3}
    this_week, tuesday = monday.isoformat(), (monday + timedelta(days=1)).isoformat()
    not_theirs = {"member": ["A weekly plan is a bank-channel staff member's, in your scope."]}
    cases = [
        ({**plan, "week_start": tuesday}, {"week_start": ["A week starts on a Monday."]}),
        (
            {**plan, "week_start": (monday - timedelta(weeks=1)).isoformat()},
            {"week_start": ["This week is over: plan this week or a later one."]},
        ),
        ({**plan, "week_start": this_week, "contacts_planned": -1}, {"contacts_planned": ["Between 0 and 10000."]}),
        ({**plan, "week_start": this_week, "member": org.agent.pk}, not_theirs),
        ({**plan, "week_start": this_week, "member": channel["colleague"].pk}, not_theirs),
    ]
    for body, errors in cases:
        response = client.post(f"{API}plans/", body, format="json")
        assert (response.status_code, response.json()) == (400, errors)
    assert not WeeklyPlan.objects.exists()
    assert client.post(f"{API}plans/", {**plan, "week_start": monday.isoformat()}, format="json").status_code == 201
    again = client.post(f"{API}plans/", {**plan, "week_start": monday.isoformat()}, format="json")
    assert again.json() == {"week_start": ["There is a plan for this week already; change that one."]}
    # A company manager may plan for a staff member
    response = api_client_for(org.manager).post(
        f"{API}plans/", {**plan, "week_start": monday.isoformat(), "member": channel["colleague"].pk}, format="json"
    )
    assert response.json()["member"] == channel["colleague"].pk


def test_the_kpi_endpoint_answers_api_md_fields_in_scope(org, channel, api_client_for):
    bank_sale(org, channel["mine"], date(2026, 10, 3), "1000000.00", mode="regular")
    bank_sale(org, channel["mine"], date(2026, 10, 4), "2500000.00")
    bank_sale(org, channel["theirs"], date(2026, 10, 5), "500000.00")
    response = api_client_for(org.bank).get(f"{API}kpis/?from=2026-10-01&to=2026-10-31")
    body = response.json()
    assert {k: body[k] for k in ("branches", "active_branches", "activity_rate", "policies_per_branch", "premium",
                                 "regular_single_ratio", "opening_volume")} == {
        "branches": 1,
        "active_branches": 1,
        "activity_rate": "1.0000",
        "policies_per_branch": "2.00",
        "premium": "3500000.00",
        "regular_single_ratio": "1 : 2.5",
        "opening_volume": 0,
    }  # fmt: skip
    assert body["premium_share"] == "0.8750"  # 3,500,000 of the channel's 4,000,000
    assert body["targets"] == {"reached": 100, "next": None, "ratio_target": "2.00", "ratio_met": False}
    rows = api_client_for(org.manager).get(f"{API}kpis/?from=2026-10-01&to=2026-10-31&by=branch").json()["rows"]
    assert [(row["name"], row["kpis"]["premium"]) for row in rows] == [
        ("ICBC-1支行", "3500000.00"),
        ("ICBC-2支行", "500000.00"),
    ]
    bad = api_client_for(org.manager).get(f"{API}kpis/?from=2026-10-31&to=2026-10-01&by=planet")
    assert set(bad.json()) == {"by"}
    bad = api_client_for(org.manager).get(f"{API}kpis/?from=2026-10-31&to=2026-10-01")
    assert bad.json() == {"to": ["The end comes before the start."]}


def test_the_compliance_endpoint_lists_branches_falling_short_first(org, channel, api_client_for):
    head = person(org, channel["theirs"], "head", JOINED)
    contact(org, channel["theirs"], head, date(2026, 11, 3))
    body = api_client_for(org.manager).get(f"{API}compliance/?week=2026-11-04").json()
    assert body["week_start"] == "2026-11-02"
    assert [(row["code"], row["met"], row["people"], row["rate"]) for row in body["results"]] == [
        ("ICBC-1", 0, 1, "0.0000"),
        ("ICBC-2", 1, 2, "0.5000"),
    ]
    assert [r["code"] for r in api_client_for(org.bank).get(f"{API}compliance/?week=2026-11-04").json()["results"]] == [
        "ICBC-1"
    ]


def test_the_standards_are_the_company_managers_to_set(org, channel, api_client_for):
    assert api_client_for(org.bank).get(f"{API}standards/").json()["wealth_manager_days_per_week"] == 5
    assert (
        api_client_for(org.bank).patch(f"{API}standards/", {"teller_contacts_per_week": 2}, format="json").status_code
        == 403
    )
    client = api_client_for(org.manager)
    assert client.patch(f"{API}standards/", {"activity_target_1": 70}, format="json").json() == {
        "activity_target_2": ["The three activity targets must rise: first ≤ second ≤ third."]
    }
    assert client.patch(f"{API}standards/", {"wealth_manager_days_per_week": 8}, format="json").status_code == 400
    response = client.patch(
        f"{API}standards/", {"teller_contacts_per_week": 2, "single_per_regular_target": "2.5"}, format="json"
    )
    assert (response.json()["teller_contacts_per_week"], response.json()["single_per_regular_target"]) == (2, "2.50")

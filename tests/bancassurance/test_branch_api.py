"""The branch endpoints: scope by role and tenant, the profile, the stage history, the roster."""

from datetime import date, timedelta

import pytest

from bancassurance.models import BankBranch, BranchStaff, BranchStageChange
from salesops.org.selectors import tenant_today
from tests.bancassurance.channel_data import make_bank, make_branch, person
from tests.factories import add_member

pytestmark = pytest.mark.django_db
BRANCHES = "/api/v1/bancassurance/branches/"


@pytest.fixture
def channel(org, other_org):
    """Two of org's bank staff with a branch each, and a branch of the other tenant."""
    bank = make_bank(org)
    colleague = add_member(org.tenant, "acme-bank2", "bank_staff", org.units["bank"])
    mine = make_branch(org, bank, "ICBC-1", staff=org.bank)
    theirs = make_branch(org, bank, "ICBC-2", staff=colleague)
    foreign = make_branch(other_org, make_bank(other_org), "ICBC-1", staff=other_org.bank)
    return {"mine": mine, "theirs": theirs, "foreign": foreign, "colleague": colleague}


def _codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_bank_staff_see_their_branches_managers_the_company_admins_all(org, channel, api_client_for):
    assert _codes(api_client_for(org.bank).get(BRANCHES)) == ["ICBC-1"]
    assert _codes(api_client_for(channel["colleague"]).get(BRANCHES)) == ["ICBC-2"]
    assert _codes(api_client_for(org.manager).get(BRANCHES)) == ["ICBC-1", "ICBC-2"]
    assert _codes(api_client_for(org.admin).get(BRANCHES)) == ["ICBC-1", "ICBC-2"]
    # A branch's manager leads no bank staff: no branches
    assert _codes(api_client_for(org.branch_manager).get(BRANCHES)) == []


@pytest.mark.parametrize("role", ["agent", "supervisor", "renewal_lead", "advisor"])
def test_other_roles_get_403(org, channel, api_client_for, role):
    client = api_client_for(org.members[role])
    assert client.get(BRANCHES).status_code == 403
    assert client.get("/api/v1/bancassurance/kpis/").status_code == 403
    assert client.get("/api/v1/bancassurance/events/").status_code == 403
    assert client.get(f"{BRANCHES}{channel['mine'].pk}/").status_code == 403


def test_another_tenants_or_staff_members_branch_is_a_404_everywhere(org, channel, api_client_for):
    client = api_client_for(org.bank)
    for branch in (channel["foreign"], channel["theirs"]):
        for suffix in ("", "stages/", "staff/", "contacts/"):
            assert client.get(f"{BRANCHES}{branch.pk}/{suffix}").status_code == 404
        assert client.patch(f"{BRANCHES}{branch.pk}/", {"profile": {"location": "x"}}, format="json").status_code == 404
        assert (
            client.post(f"{BRANCHES}{branch.pk}/staff/", {"name": "x", "role": "teller"}, format="json").status_code
            == 404
        )
    assert BranchStaff.objects.count() == 0
    # The admin of the other tenant does not see ours either
    assert (
        api_client_for(channel["foreign"].tenant.member_set.get(role="tenant_admin"))
        .get(f"{BRANCHES}{channel['mine'].pk}/")
        .status_code
        == 404
    )


def test_the_admin_creates_a_branch_with_its_profile_and_its_first_stage(org, channel, api_client_for):
    bank = channel["mine"].bank
    response = api_client_for(org.admin).post(
        BRANCHES,
        {
            "bank": bank.pk,
            "code": "ICBC-3",
            "name": "张江支行",
            "stage": "growth",
            "profile": {"location": "张江高科地铁站旁", "competitors": "两家同业驻点"},
            "assigned_to": org.bank.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["stage"], body["assigned_to"], body["staff"]) == ("growth", org.bank.pk, [])
    assert body["profile"] == {"location": "张江高科地铁站旁", "competitors": "两家同业驻点"}
    branch = BankBranch.objects.get(pk=body["id"])
    assert list(branch.stage_changes.values_list("stage", "changed_on")) == [("growth", tenant_today(org.tenant))]


def test_creating_a_branch_is_refused_field_by_field_and_nothing_is_saved(org, other_org, channel, api_client_for):
    foreign_bank = channel["foreign"].bank
    response = api_client_for(org.admin).post(
        BRANCHES,
        {
            "bank": foreign_bank.pk,
            "code": "ICBC-1",
            "name": "x",
            "assigned_to": org.agent.pk,
            "profile": {"location": 5},
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"bank", "code", "assigned_to"}
    response = api_client_for(org.admin).post(
        BRANCHES,
        {"bank": channel["mine"].bank_id, "code": "N", "name": "x", "assigned_to": other_org.bank.pk},
        format="json",
    )
    assert response.json() == {"assigned_to": ["Unknown member."]}
    assert (
        api_client_for(org.bank).post(BRANCHES, {"bank": 1, "code": "N", "name": "x"}, format="json").status_code == 403
    )
    assert BankBranch.objects.filter(tenant=org.tenant).count() == 2


def test_the_staff_member_keeps_the_profile_a_company_manager_assigns(org, channel, api_client_for):
    url = f"{BRANCHES}{channel['mine'].pk}/"
    client = api_client_for(org.bank)
    assert client.patch(url, {"profile": {"floor_layout": "理财区两间"}}, format="json").status_code == 200
    response = client.patch(url, {"profile": {"customer_base": "老年客户为主"}}, format="json")
    assert response.json()["profile"] == {"floor_layout": "理财区两间", "customer_base": "老年客户为主"}
    assert client.patch(url, {"profile": {"parking": "x"}}, format="json").status_code == 400
    # Only a company manager or an admin re-assigns
    assert client.patch(url, {"assigned_to": channel["colleague"].pk}, format="json").status_code == 403
    response = api_client_for(org.manager).patch(url, {"assigned_to": channel["colleague"].pk}, format="json")
    assert response.json()["assigned_to"] == channel["colleague"].pk
    # Then it is no longer the first staff member's
    assert client.get(url).status_code == 404


def test_the_stage_history_keeps_every_change_in_order(org, channel, api_client_for):
    url = f"{BRANCHES}{channel['mine'].pk}/stages/"
    client = api_client_for(org.bank)
    today = tenant_today(org.tenant)
    # The branch began today: a change may not come before that, nor in the future, nor repeat the stage
    bad = [
        ({"stage": "growth", "changed_on": (today - timedelta(days=1)).isoformat()}, "changed_on"),
        ({"stage": "growth", "changed_on": (today + timedelta(days=1)).isoformat()}, "changed_on"),
        ({"stage": "start_up"}, "stage"),
        ({"stage": "booming"}, "stage"),
    ]
    for body, field in bad:
        response = client.post(url, body, format="json")
        assert response.status_code == 400 and field in response.json(), response.content
    assert client.post(url, {"stage": "growth", "note": "两位理财经理开单"}, format="json").status_code == 201
    assert client.post(url, {"stage": "mature"}, format="json").status_code == 201
    history = client.get(url).json()
    assert [(row["stage"], row["changed_by"]) for row in history] == [
        ("start_up", None),
        ("growth", org.bank.pk),
        ("mature", org.bank.pk),
    ]
    assert history[1]["note"] == "两位理财经理开单"
    assert BankBranch.objects.get(pk=channel["mine"].pk).stage == "mature"
    assert BranchStageChange.objects.filter(branch=channel["theirs"]).count() == 1


def test_the_roster_keeps_people_who_left(org, channel, api_client_for):
    url = f"{BRANCHES}{channel['mine'].pk}/staff/"
    client = api_client_for(org.bank)
    response = client.post(
        url,
        {"name": "李丽", "role": "wealth_manager", "phone": "13800001111", "joined_on": "2026-03-02"},
        format="json",
    )
    assert response.status_code == 201
    li = response.json()["id"]
    client.post(url, {"name": "王强", "role": "head", "joined_on": "2026-01-05"}, format="json")
    # 李丽 moves to another branch: she leaves, a new wealth manager comes
    response = client.patch(f"{url}{li}/", {"left_on": "2026-11-06"}, format="json")
    assert response.json()["left_on"] == "2026-11-06"
    client.post(url, {"name": "赵婷", "role": "wealth_manager", "joined_on": "2026-11-09"}, format="json")

    roster = client.get(url).json()
    assert [(row["name"], row["left_on"]) for row in roster] == [
        ("王强", None),
        ("赵婷", None),
        ("李丽", "2026-11-06"),
    ]
    # The branch lists the people there now (API.md's ``staff: [{name, role}]``)
    staff = client.get(f"{BRANCHES}{channel['mine'].pk}/").json()["staff"]
    assert [(row["name"], row["role"]) for row in staff] == [("王强", "head"), ("赵婷", "wealth_manager")]
    # Leaving twice, or before joining, is refused
    assert client.patch(f"{url}{li}/", {"left_on": "2026-11-07"}, format="json").json() == {
        "left_on": ["This person left the branch on 2026-11-06."]
    }
    bad = client.post(url, {"name": " ", "role": "janitor", "joined_on": "2099-01-01"}, format="json")
    assert bad.status_code == 400 and set(bad.json()) >= {"role"}
    assert BranchStaff.objects.count() == 3


def test_someone_cannot_leave_before_contacts_logged_with_them(org, channel, api_client_for):
    from tests.bancassurance.channel_data import contact

    teller = person(org, channel["mine"], "teller", date(2026, 1, 5))
    contact(org, channel["mine"], teller, date(2026, 11, 10))
    response = api_client_for(org.bank).patch(
        f"{BRANCHES}{channel['mine'].pk}/staff/{teller.pk}/", {"left_on": "2026-11-09"}, format="json"
    )
    assert response.json() == {"left_on": ["Contacts with this person are logged after that date."]}

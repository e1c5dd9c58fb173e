"""The bank channel's pages: the KPIs as rendered, the tables and their XLSX, the branch page's forms, scope."""

import re
from datetime import date

import pytest

from bancassurance.models import BranchContact, BranchEvent, BranchStaff
from tests.bancassurance.channel_data import bank_sale, contact, make_bank, make_branch, person
from tests.factories import add_member
from tests.pages import login, workbook_rows

pytestmark = pytest.mark.django_db
OCTOBER = "?period=2026-10"


def field(body: str, name: str) -> str:
    return re.search(rf'data-field="{name}">(.*?)</dd>', body, re.S)[1].strip()


@pytest.fixture
def channel(org, other_org):
    """Forty branches of the bank staff member, thirteen of which sold in October 2026."""
    bank = make_bank(org)
    branches = [make_branch(org, bank, f"B{n:02d}", staff=org.bank) for n in range(40)]
    for branch in branches[:13]:
        bank_sale(org, branch, date(2026, 10, 15), "10000.00")
    bank_sale(org, branches[0], date(2026, 10, 16), "90000.00", mode="regular")
    teller = person(org, branches[0], "teller", date(2026, 1, 5), name="小王")
    contact(org, branches[0], teller, date(2026, 10, 20), openings=9)
    colleague = add_member(org.tenant, "acme-bank2", "bank_staff", org.units["bank"])
    theirs = make_branch(org, bank, "THEIRS", staff=colleague)
    foreign = make_branch(other_org, make_bank(other_org), "B00", staff=other_org.bank)
    return {"branches": branches, "teller": teller, "theirs": theirs, "foreign": foreign, "colleague": colleague}


def test_the_channel_page_shows_the_kpis_in_chinese_by_default(client, org, channel):
    body = login(client, org.bank).get(f"/bancassurance/{OCTOBER}").content.decode()
    assert field(body, "activity-rate") == "32.5%"
    assert field(body, "activity-counts") == "40 个网点中 13 个出单"
    assert field(body, "activity-target") == "已达 30% 目标 · 下一目标 60%"
    assert field(body, "policies-per-branch") == "0.35"
    # 13 × 10,000 single and 90,000 regular: 130,000 / 90,000 → 1 : 1.44
    assert field(body, "regular-single") == "1 : 1.44"
    assert field(body, "opening-volume") == "9"
    assert 'data-nav="bancassurance-page"' in body


def test_the_channel_page_in_english_and_its_tables_export_as_shown(client, org, channel):
    login(client, org.manager, "en")
    body = client.get(f"/bancassurance/{OCTOBER}").content.decode()
    assert field(body, "activity-counts") == "13 of 41 branches with a policy"
    rows = workbook_rows(client.get(f"/bancassurance/branches.xlsx{OCTOBER}"))
    assert rows[0][:7] == ["Code", "Branch", "Bank", "Stage", "Staff member", "Policies (件)", "Premium (yuan)"]
    assert len(rows) == 1 + 41
    assert rows[1][:9] == ["B00", "B00支行", "工商银行", "Start-up", "acme-bank-名", 2, 100000, 90000, 10000]
    banks = workbook_rows(client.get(f"/bancassurance/banks.xlsx{OCTOBER}"))
    assert banks[1][:4] == ["工商银行", 41, 13, pytest.approx(13 / 41, abs=1e-4)]
    staff = workbook_rows(client.get(f"/bancassurance/staff.xlsx{OCTOBER}"))
    assert sorted(row[0] for row in staff[1:]) == ["acme-bank-名", "acme-bank2-名"]
    assert client.get(f"/bancassurance/compliance.xlsx{OCTOBER}").status_code == 200
    assert client.get("/bancassurance/nothing.xlsx").status_code == 404
    assert client.get("/bancassurance/?period=2026-13").status_code == 400
    assert client.get("/bancassurance/branches.xlsx?period=2026-13").status_code == 400


def test_the_charts_carry_the_trend_and_the_stage_funnel(client, org, channel):
    body = login(client, org.bank, "en").get(f"/bancassurance/{OCTOBER}").content.decode()
    import json

    trend = json.loads(re.search(r'id="chart-trend-data"[^>]*>(.*?)</script>', body, re.S)[1])
    assert trend["data"][0]["y"][-1] == pytest.approx(32.5)
    assert [shape["y0"] for shape in trend["layout"]["shapes"]] == [30, 60, 100]
    funnel = json.loads(re.search(r'id="chart-stages-data"[^>]*>(.*?)</script>', body, re.S)[1])
    assert funnel["data"][0]["x"] == [40, 0, 0, 0, 0]


@pytest.mark.parametrize("role", ["agent", "supervisor", "renewal_lead", "advisor"])
def test_other_roles_get_the_403_page_and_no_nav_entry(client, org, channel, role):
    login(client, org.members[role])
    assert client.get("/bancassurance/").status_code == 403
    assert client.get(f"/bancassurance/branches/{channel['branches'][0].pk}/").status_code == 403
    assert 'data-nav="bancassurance-page"' not in client.get("/").content.decode()


def test_a_branch_of_another_tenant_or_colleague_is_a_404(client, org, channel):
    login(client, org.bank)
    for branch in (channel["theirs"], channel["foreign"]):
        assert client.get(f"/bancassurance/branches/{branch.pk}/").status_code == 404
        assert client.get(f"/bancassurance/branches/{branch.pk}/contacts.xlsx").status_code == 404
        response = client.post(
            f"/bancassurance/branches/{branch.pk}/",
            {"action": "staff", "name": "x", "role": "teller", "joined_on": "2026-11-02"},
        )
        assert response.status_code == 404
    assert not BranchStaff.objects.filter(name="x").exists()


def test_the_branch_page_logs_a_contact_and_refuses_a_bad_one(client, org, channel):
    branch = channel["branches"][0]
    url = f"/bancassurance/branches/{branch.pk}/"
    login(client, org.bank, "en")
    response = client.post(
        url,
        {
            "action": "contact",
            "staff": channel["teller"].pk,
            "contacted_on": "2026-11-02",
            "kind": "phone",
            "openings": "3",
        },
    )
    assert (response.status_code, response["Location"]) == (302, f"{url}#contact")
    assert BranchContact.objects.filter(branch=branch, openings=3).count() == 1
    # A person who is not on this branch, a future date: 400, the errors by field, nothing saved
    other_person = person(org, channel["branches"][1], "teller", date(2026, 1, 5))
    response = client.post(
        url,
        {"action": "contact", "staff": other_person.pk, "contacted_on": "2026-11-02", "kind": "phone", "openings": "0"},
    )
    assert response.status_code == 400
    assert 'data-error="staff"' in response.content.decode()
    response = client.post(
        url,
        {
            "action": "contact",
            "staff": channel["teller"].pk,
            "contacted_on": "2099-01-01",
            "kind": "phone",
            "openings": "0",
        },
    )
    assert re.search(
        r'data-error="contacted_on" role="alert">The date cannot be in the future.<', response.content.decode()
    )
    assert BranchContact.objects.filter(branch=branch).count() == 2  # the fixture's and the good one


def test_the_branch_page_records_events_people_stages_and_the_profile(client, org, channel):
    branch = channel["branches"][0]
    url = f"/bancassurance/branches/{branch.pk}/"
    login(client, org.bank, "en")
    since = branch.stage_changes.get().changed_on.isoformat()
    posts = [
        {"action": "event", "kind": "private_board", "held_on": "2026-11-05", "customer_tier": "high_net_worth",
         "attendees": "8", "leads": "3", "policies": "1"},
        {"action": "staff", "name": "赵婷", "role": "wealth_manager", "phone": "139", "joined_on": "2026-11-02"},
        {"action": "leave", "staff": channel["teller"].pk, "left_on": "2026-11-06"},
        {"action": "stage", "stage": "growth", "changed_on": since, "note": "开单"},
        {"action": "profile", "location": "陆家嘴环路", "competitors": "两家同业"},
    ]  # fmt: skip
    for post in posts:
        response = client.post(url, post)
        assert response.status_code == 302, (post["action"], response.content.decode()[:3000])
    assert BranchEvent.objects.get(branch=branch).customer_tier == "high_net_worth"
    branch.refresh_from_db()
    assert (branch.stage, branch.profile["location"]) == ("growth", "陆家嘴环路")
    body = client.get(url).content.decode()
    assert field(body, "stage") == "Growth"
    assert field(body, "profile-location") == "陆家嘴环路"
    # The teller who left stays on the roster, marked
    assert re.search(r'<tr class="state-left">\s*<td>小王</td>', body)
    # An event with more leads than attendees: 400 by field, nothing saved
    response = client.post(url, {**posts[0], "leads": "9"})
    assert response.status_code == 400 and 'data-error="leads"' in response.content.decode()
    assert BranchEvent.objects.filter(branch=branch).count() == 1


def test_the_branch_page_exports_its_tables(client, org, channel):
    branch = channel["branches"][0]
    login(client, org.bank, "en")
    contacts = workbook_rows(client.get(f"/bancassurance/branches/{branch.pk}/contacts.xlsx{OCTOBER}"))
    assert contacts[1][:5] == ["2026-10-20", "小王", "Teller", "Visit", 9]
    sales = workbook_rows(client.get(f"/bancassurance/branches/{branch.pk}/sales.xlsx{OCTOBER}"))
    assert [row[4] for row in sales[1:]] == ["Regular premium", "Single premium"]
    assert client.get(f"/bancassurance/branches/{branch.pk}/nothing.xlsx").status_code == 404

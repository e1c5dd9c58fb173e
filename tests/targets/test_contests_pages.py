"""The contest pages: the list with leaders and winners, the create form, a contest's standings, chart and XLSX.

Facts: tests/targets/test_contests.py's sales, seen on Sunday 22 Nov 2026.
Last week (9–15 Nov): agent 3 policies, agent2 3, agent3 1, agent4 0; this
week so far: agent3 5 (16 Nov).
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from targets.models import Contest
from tests.dashboards.rollup_data import sale
from tests.pages import login, workbook_rows
from tests.targets.test_contests import TODAY, make, write_sales

PAGE = "/contests/"
NOTE = "Standings changed after the contest ended; the frozen winners stand."
HEADERS = ["Rank", "Member", "Unit", "Policies (件)", "Winner"]


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("targets.pages.contests.tenant_today", lambda tenant: TODAY)


@pytest.fixture
def week(org):
    return write_sales(org)


@pytest.fixture
def contests(week):
    """The org with last week's champion (ended, top 1) and this week's (running, top 1), by the company manager."""
    week.last = make(week, name="上周周冠军", rule="top", top_n=1)
    week.this = make(
        week, name="本周周冠军", starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 22), rule="top", top_n=1
    )
    return week


def table_rows(body: str, name: str) -> list[list[str]]:
    """A rendered table's cells, row by row (the first row the headers)."""
    table = re.search(rf'data-table="{name}".*?<table class="table">(.*?)</table>', body, re.S)[1]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


def test_the_list_in_chinese_by_default(contests, client):
    response = login(client, contests.manager).get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "上周周冠军" in body and "本周周冠军" in body
    assert 'class="phone-form"' in body and 'data-form="create"' in body


def test_the_list_shows_leaders_and_winners(contests, client):
    body = login(client, contests.manager, "en").get(PAGE).content.decode()
    running = table_rows(body, "running")
    assert running[0] == ["Contest", "Leading now", "Measure", "Who takes part", "Starts on", "Ends on", "Prize"]
    # This week so far: agent3 5 policies; nobody else has one.
    assert running[1] == [
        "本周周冠军",
        "acme-agent3-名 5",
        "Policies",
        "Whole company",
        "2026-11-16",
        "2026-11-22",
        "—",
    ]
    ended = table_rows(body, "ended")
    # Last week: agent and agent2 tie on 3 policies, both win the top-1 contest.
    assert ended[0] == ["Contest", "Winners", "Note", "Measure", "Who takes part", "Starts on", "Ends on", "Prize"]
    # No change after the freeze: no note.
    assert ended[1][:7] == [
        "上周周冠军",
        "acme-agent-名 3 · acme-agent2-名 3",
        "—",
        "Policies",
        "Whole company",
        "2026-11-09",
        "2026-11-15",
    ]
    assert table_rows(body, "upcoming")[1] == ["Nothing here yet."]
    # Showing the ended contest froze it.
    contests.last.refresh_from_db()
    assert contests.last.frozen_at is not None


def test_an_agent_sees_no_form_and_may_not_post(contests, client):
    login(client, contests.agent, "en")
    body = client.get(PAGE).content.decode()
    assert 'data-form="create"' not in body
    response = client.post(PAGE, {"action": "create", "name": "我的赛", "measure": "policies"})
    assert response.status_code == 403
    assert Contest.objects.count() == 2


def test_a_supervisor_creates_a_contest_for_the_team_from_a_phone(org, client):
    login(client, org.supervisor, "en")
    body = client.get(PAGE).content.decode()
    unit_select = re.search(r'<select name="unit"[^>]*>(.*?)</select>', body, re.S)[1]
    # Only the team they lead: no company-wide choice.
    assert re.findall(r"<option[^>]*>(.*?)</option>", unit_select) == ["acme-north-1"]
    response = client.post(
        PAGE,
        {
            "action": "create",
            "name": "一组周冠军",
            "measure": "policies",
            "rule": "top",
            "top_n": "1",
            "unit": str(org.units["north1"].pk),
            "starts_on": "2026-11-23",
            "ends_on": "2026-11-29",
            "prize": "奶茶",
        },
    )
    contest = Contest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/contests/{contest.pk}/"
    assert (contest.unit, contest.created_by, contest.prize) == (org.units["north1"], org.supervisor, "奶茶")


def test_bad_input_comes_back_by_field_with_a_400(org, client):
    login(client, org.manager, "en")
    response = client.post(
        PAGE,
        {
            "action": "create",
            "name": "门槛赛",
            "measure": "premium",
            "rule": "threshold",
            "unit": "",
            "starts_on": "2026-11-30",
            "ends_on": "2026-11-01",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-error="ends_on"' in body and "The contest cannot end before it starts." in body
    assert 'data-error="threshold"' in body and "A threshold contest needs a threshold above zero." in body
    assert Contest.objects.count() == 0
    missing = client.post(PAGE, {"action": "create", "measure": "points"})
    assert missing.status_code == 400
    for field in ("name", "measure", "starts_on", "ends_on"):
        assert f'data-error="{field}"' in missing.content.decode()
    assert Contest.objects.count() == 0


def test_an_overlapping_name_is_refused_on_the_form(contests, client):
    response = login(client, contests.manager, "en").post(
        PAGE,
        {
            "action": "create",
            "name": "上周周冠军",
            "measure": "premium",
            "starts_on": "2026-11-15",
            "ends_on": "2026-11-15",
        },
    )
    assert response.status_code == 400
    assert 'data-error="name"' in response.content.decode()
    assert Contest.objects.count() == 2


def test_a_contest_page_in_chinese(contests, client):
    response = login(client, contests.manager).get(f"/contests/{contests.this.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body and "本周周冠军" in body
    assert 'data-chart="top"' in body


def test_a_contest_page_standings_and_its_xlsx(contests, client):
    last = contests.last
    login(client, last.created_by, "en")
    body = client.get(f"/contests/{last.pk}/").content.decode()
    assert re.search(r'data-field="status" data-status="ended">Ended<', body)
    assert NOTE not in body and "Standings frozen on" in body
    rows = table_rows(body, "standings")
    assert rows == [
        HEADERS,
        ["1", "acme-agent-名", "acme-north-1", "3", "Winner"],
        ["1", "acme-agent2-名", "acme-north-1", "3", "Winner"],
        ["3", "acme-agent3-名", "acme-north-2", "1", "—"],
        ["4", "acme-agent4-名", "acme-south-1", "0", "—"],
    ]
    assert 'data-chart="top"' in body
    sheet = workbook_rows(client.get(f"/contests/{last.pk}/standings.xlsx"))
    assert sheet == [
        HEADERS,
        [1, "acme-agent-名", "acme-north-1", 3, "Winner"],
        [1, "acme-agent2-名", "acme-north-1", 3, "Winner"],
        [3, "acme-agent3-名", "acme-north-2", 1, None],
        [4, "acme-agent4-名", "acme-south-1", 0, None],
    ]


def test_a_late_correction_shows_the_note_and_the_live_columns(contests, client):
    last = contests.last
    login(client, last.created_by, "en")
    client.get(f"/contests/{last.pk}/")  # freezes it
    sale(contests, contests.agent3, date(2026, 11, 14), "1200.00", policies=4)
    body = client.get(f"/contests/{last.pk}/").content.decode()
    assert NOTE in body
    rows = table_rows(body, "standings")
    # Frozen places stand; now agent3 has 1 + 4 = 5 and leads, agent and agent2 share 2nd.
    assert rows == [
        [*HEADERS, "Rank now", "Value now"],
        ["1", "acme-agent-名", "acme-north-1", "3", "Winner", "2", "3"],
        ["1", "acme-agent2-名", "acme-north-1", "3", "Winner", "2", "3"],
        ["3", "acme-agent3-名", "acme-north-2", "1", "—", "1", "5"],
        ["4", "acme-agent4-名", "acme-south-1", "0", "—", "4", "0"],
    ]
    sheet = workbook_rows(client.get(f"/contests/{last.pk}/standings.xlsx"))
    assert sheet[0] == [*HEADERS, "Rank now", "Value now"]
    assert sheet[3] == [3, "acme-agent3-名", "acme-north-2", 1, None, 1, 5]
    list_body = client.get(PAGE).content.decode()
    assert table_rows(list_body, "ended")[1][2] == "Standings changed after the contest ended"


def test_a_premium_contest_shows_yuan(week, client):
    contest = make(week, name="周保费", measure="premium", rule="top", top_n=2)
    body = login(client, week.manager, "en").get(f"/contests/{contest.pk}/").content.decode()
    rows = table_rows(body, "standings")
    assert rows[0][3] == "Premium (yuan)"
    assert [row[3] for row in rows[1:]] == ["2,000.00", "1,500.00", "900.00", "0.00"]
    assert "Premium (10k yuan)" in body  # the chart's axis


def test_contest_pages_are_404_out_of_scope_and_across_tenants(org, other_org, client):
    team = make(org, actor=org.supervisor, name="一组赛", unit_id=org.units["north1"].pk)
    theirs = make(other_org, name="博尔特")
    login(client, org.agent3, "en")
    assert client.get(f"/contests/{team.pk}/").status_code == 404
    assert client.get(f"/contests/{team.pk}/standings.xlsx").status_code == 404
    assert "一组赛" not in client.get(PAGE).content.decode()
    login(client, org.admin, "en")
    assert client.get(f"/contests/{team.pk}/").status_code == 200
    assert client.get(f"/contests/{theirs.pk}/").status_code == 404
    assert client.get(f"/contests/{theirs.pk}/standings.xlsx").status_code == 404
    assert "博尔特" not in client.get(PAGE).content.decode()


def test_the_list_tables_export(contests, client):
    login(client, contests.manager, "en")
    sheet = workbook_rows(client.get("/contests/ended.xlsx"))
    assert sheet[1][:7] == [
        "上周周冠军",
        "acme-agent-名 3 · acme-agent2-名 3",
        None,
        "Policies",
        "Whole company",
        "2026-11-09",
        "2026-11-15",
    ]
    assert client.get("/contests/nothing.xlsx").status_code == 404

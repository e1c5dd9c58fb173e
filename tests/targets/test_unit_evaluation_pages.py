"""The unit evaluation page: the table as rendered in Chinese and English, the XLSX, publishing, scope.

The facts are tests/targets/test_unit_evaluations.py's two months (October
evaluated, September beside it), seen on 22 Nov 2026.
"""

import html
import re

import pytest

from targets.models import UnitEvaluation
from tests.pages import login, workbook_rows
from tests.targets.test_unit_evaluations import TEAM_NAMES, TODAY, publish, write_two_months

PAGE = "/unit-evaluation/"
XLSX = "/unit-evaluation/units.xlsx"
OCTOBER = "?month=2026-10"
HEADERS = [
    "Rank",
    "Team",
    "Agents",
    "Producers",
    "Policies (件)",
    "Activity",
    "Activity per agent",
    "Activity rank",
    "Active-producer rate",
    "Active-producer rank",
    "Policies per agent",
    "Policies rank",
    "Rank sum",
    "Last month: activity per agent",
    "Last month: active-producer rate",
    "Last month: policies per agent",
    "Last month's rank",
    "Rank change",
]


@pytest.fixture
def two_months(org, monkeypatch):
    for module in ("targets.apis.unit_evaluations", "targets.pages.unit_evaluations"):
        monkeypatch.setattr(f"{module}.tenant_today", lambda tenant: TODAY)
    return write_two_months(org)


def table_rows(body: str) -> list[list[str]]:
    """The rendered table's cells, row by row (the first row the headers)."""
    table = re.search(r'data-table="units".*?<table class="table">(.*?)</table>', body, re.S)[1]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        rows.append(
            [
                html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            ]
        )
    return rows


def status_of(body: str) -> str:
    return re.search(r'data-field="status" data-status="([a-z-]+)"', body)[1]


def test_a_company_manager_sees_the_draft_in_chinese_by_default(two_months, client):
    response = login(client, two_months.manager).get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert status_of(body) == "draft"
    assert "2026-10" in body  # last month by default
    for word in ("人均活动量", "举绩率", "人均件数", "名次"):
        assert word in body
    assert 'data-action="publish"' in body
    assert 'data-chart="measures"' in body


def test_the_table_in_english_ranks_the_teams_with_last_month_beside(two_months, client):
    body = login(client, two_months.manager, "en").get(PAGE + OCTOBER).content.decode()
    rows = table_rows(body)
    assert rows[0] == HEADERS
    assert [row[1].split("-", 1)[1] for row in rows[1:]] == TEAM_NAMES
    # north-2: rank 1; 1 agent, 1 producer, 1 policy, activity 8; 8.00 (2nd), 100.0% (1st), 1.00 (2nd), sum 5;
    # September 3.00, 0.0%, 0.00, 3rd → up two places.
    assert rows[1] == [
        "1",
        "acme-north-2",
        "1",
        "1",
        "1",
        "8",
        "8.00",
        "2",
        "100.0%",
        "1",
        "1.00",
        "2",
        "5",
        "3.00",
        "0.0%",
        "0.00",
        "3",
        "▲ 2",
    ]
    assert rows[3][0] == "3" and rows[3][1] == "acme-north-1" and rows[3][-1] == "▼ 2"
    # bank: no agents, unranked, listed last but one.
    assert rows[5][:3] == ["—", "acme-bank", "0"] and rows[5][6] == "—" and rows[5][-1] == "—"
    assert "Draft — not published" in body


def test_the_xlsx_holds_the_table(two_months, client):
    login(client, two_months.manager, "en")
    body = client.get(PAGE + OCTOBER).content.decode()
    page = table_rows(body)
    sheet = workbook_rows(client.get(XLSX + OCTOBER))
    assert sheet[0] == HEADERS == page[0]
    assert len(sheet) == len(page) == 7
    assert sheet[1] == [1, "acme-north-2", 1, 1, 1, 8, 8, 2, 1, 1, 1, 2, 5, 3, 0, 0, 3, "▲ 2"]
    assert sheet[3] == [3, "acme-north-1", 2, 1, 2, 16, 8, 2, 0.5, 3, 1, 2, 7, 4, 1, 1, 1, "▼ 2"]
    assert sheet[2][:13] == [1, "acme-south-1", 2, 1, 3, 20, 10, 1, 0.5, 3, 1.5, 1, 5]
    assert sheet[6] == [None, "acme-renewals", 0, 0, 0, 0, None, None, None, None, None, None, None] + [None] * 4 + [
        "—"
    ]
    # Every cell of the page is the workbook's, as the page shows it.
    for shown, stored in zip(page[1:], sheet[1:], strict=True):
        assert shown[1] == stored[1] and shown[-1] == stored[-1]
        assert [cell == "—" for cell in shown[2:-1]] == [value is None for value in stored[2:-1]]


def test_branches_on_the_page(two_months, client):
    body = login(client, two_months.manager, "en").get(PAGE + OCTOBER + "&kind=branch").content.decode()
    rows = table_rows(body)
    assert rows[0][1] == "Branch"
    assert [(row[0], row[1], row[-1]) for row in rows[1:]] == [("1", "acme-south", "▲ 1"), ("2", "acme-north", "▼ 1")]


def test_publishing_from_the_page_then_everyone_reads_it(two_months, client):
    login(client, two_months.agent, "en")
    draft = client.get(PAGE + OCTOBER)
    assert draft.status_code == 404
    body = draft.content.decode()
    assert status_of(body) == "not-published"
    assert "The unit evaluation of 2026-10 has not been published yet." in body
    assert 'data-table="units"' not in body and 'data-action="publish"' not in body
    assert client.get(XLSX + OCTOBER).status_code == 404

    login(client, two_months.manager, "en")
    response = client.post(PAGE + OCTOBER, {"action": "publish"})
    assert response.status_code == 302 and response["Location"] == PAGE + OCTOBER
    body = client.get(PAGE + OCTOBER).content.decode()
    assert status_of(body) == "published"
    assert "Published on " in body and two_months.manager.display_name in body
    assert 'data-action="publish"' not in body

    login(client, two_months.agent, "en")
    published = client.get(PAGE + OCTOBER)
    assert published.status_code == 200
    assert [row[1].split("-", 1)[1] for row in table_rows(published.content.decode())[1:]] == TEAM_NAMES
    assert client.get(XLSX + OCTOBER).status_code == 200
    # With nothing asked for, an agent opens the newest published month.
    assert status_of(client.get(PAGE).content.decode()) == "published"


def test_a_second_publish_from_a_stale_page_is_refused(two_months, client):
    publish(two_months)
    response = login(client, two_months.admin, "en").post(PAGE + OCTOBER, {"action": "publish"})
    assert response.status_code == 400
    assert "was already published on" in response.content.decode()
    assert UnitEvaluation.objects.count() == 1


def test_this_month_is_a_draft_without_a_publish_button(two_months, client):
    body = login(client, two_months.manager, "en").get(PAGE + "?month=2026-11").content.decode()
    assert status_of(body) == "draft" and "still under way" in body
    assert 'data-action="publish"' not in body
    response = client.post(PAGE + "?month=2026-11", {"action": "publish"})
    assert response.status_code == 400
    assert "2026-11 has not ended yet" in response.content.decode()


@pytest.mark.parametrize("month", ["2026-12", "2026-13", "tomorrow"])
def test_a_bad_month_is_a_400_with_the_reason_by_the_field(two_months, client, month):
    response = login(client, two_months.manager, "en").get(f"{PAGE}?month={month}")
    assert response.status_code == 400
    assert 'data-error="month"' in response.content.decode()
    assert client.get(f"{XLSX}?month={month}").status_code == 400


@pytest.mark.parametrize("who", ["supervisor", "branch_manager"])
def test_leaders_below_the_company_cannot_publish_from_the_page(two_months, client, who):
    login(client, getattr(two_months, who), "en")
    assert client.get(PAGE + OCTOBER).status_code == 404
    assert client.post(PAGE + OCTOBER, {"action": "publish"}).status_code == 403
    assert not UnitEvaluation.objects.exists()


def test_another_tenants_units_and_publication_never_show(two_months, other_org, client):
    write_two_months(other_org)
    publish(other_org, actor=other_org.manager)
    login(client, two_months.agent, "en")
    assert client.get(PAGE + OCTOBER).status_code == 404  # theirs is published, ours is not
    body = login(client, two_months.manager, "en").get(PAGE + OCTOBER).content.decode()
    assert "bolt-" not in body and status_of(body) == "draft"
    workbook = workbook_rows(client.get(XLSX + OCTOBER))
    assert all(not str(row[1]).startswith("bolt-") for row in workbook)

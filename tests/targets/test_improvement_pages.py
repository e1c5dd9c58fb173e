"""The improvement-plan pages: the list and a plan as rendered, their XLSX, the forms, scope, both languages."""

import html
import json
import re
from datetime import date

import pytest

from targets.models import ImprovementCheckIn, ImprovementPlan
from targets.services.improvement import open_due_improvement_plans
from tests.pages import login, workbook_rows
from tests.targets.improvement_data import RUN_ON, WORK_DAY, coaching, set_today, write_two_months

Status = ImprovementPlan.Status


@pytest.fixture
def opened(org, monkeypatch):
    """The beat ran on 2 November (plans for agent, supervisor, supervisor2); today is Thursday 10 December."""
    write_two_months(org)
    open_due_improvement_plans(tenant=org.tenant, today=RUN_ON)
    set_today(monkeypatch, WORK_DAY)
    return org


def agents_plan(org) -> ImprovementPlan:
    return ImprovementPlan.objects.get(tenant=org.tenant, member=org.agent)


def plan_url(plan) -> str:
    return f"/improvement-plans/{plan.pk}/"


def page_rows(body: str, table: str) -> list[list[str]]:
    """The table's header and rows as the page shows them (tags stripped)."""
    block = re.search(rf'data-table="{table}".*?<table class="table">(.*?)</table>', body, re.S)[1]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", block, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


def as_shown(value) -> str:
    """An XLSX cell as the page shows it: nothing as —, whole numbers without decimals."""
    if value is None:
        return "—"
    return str(value)


def field(body: str, name: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", re.search(rf'data-field="{name}">(.*?)</(dd|p)>', body, re.S)[1]))


def test_the_list_in_chinese_by_default(opened, client):
    response = login(client, opened.manager).get("/improvement-plans/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans"' in body
    assert "成员" in body and "主管" in body and "状态" in body  # Member, Supervisor, Status
    assert opened.agent.display_name in body


def test_the_list_open_first_and_its_xlsx_equals_the_table(opened, client):
    plan = agents_plan(opened)
    coaching(opened, opened.agent, date(2026, 11, 4))
    login(client, opened.supervisor, "en").post(
        plan_url(plan), {"action": "check_in", "week": "2026-11-04", "on_track": "no", "notes": "面谈不足"}
    )
    login(client, opened.branch_manager, "en")
    client.post(
        plan_url(ImprovementPlan.objects.get(member=opened.supervisor2)),
        {"action": "close", "status": "escalated", "outcome": "转经理"},
    )
    body = client.get("/improvement-plans/").content.decode()
    shown = page_rows(body, "plans")
    rows = workbook_rows(client.get("/improvement-plans/plans.xlsx"))
    header = ["Member", "Unit", "Supervisor", "Opened on", "Months below the floor", "Check-ins", "Coaching sessions"]
    assert rows[0] == [*header, "Status", "Closed on"]
    north1, north2 = opened.units["north1"].name, opened.units["north2"].name
    # Open first (by name: acme-agent before acme-supervisor), then the closed one.
    assert rows[1:] == [
        [opened.agent.display_name, north1, opened.supervisor.display_name, "2026-11-02", 2, 1, 1, "Open", None],
        [
            opened.supervisor.display_name,
            north1,
            opened.branch_manager.display_name,
            "2026-11-02",
            2,
            0,
            0,
            "Open",
            None,
        ],
        [opened.supervisor2.display_name, north2, None, "2026-11-02", 2, 0, 0, "Escalated", "2026-12-10"],
    ]
    assert shown == [[as_shown(cell) for cell in row] for row in rows]
    only_open = workbook_rows(client.get("/improvement-plans/plans.xlsx?status=open"))
    assert [row[-2] for row in only_open[1:]] == ["Open", "Open"]


def test_a_plan_page_shows_everything_with_the_supervisors_forms(opened, client):
    plan = agents_plan(opened)
    coaching(opened, opened.agent, date(2026, 11, 18), notes="陪访：面谈准备")
    response = login(client, opened.supervisor, "en").get(plan_url(plan))
    assert response.status_code == 200
    body = response.content.decode()
    assert field(body, "trigger") == "2026-09 (34.00), 2026-10 (41.00)"
    assert field(body, "status") == "Open"
    assert field(body, "supervisor") == opened.supervisor.display_name
    assert field(body, "coaching-count") == "1"
    for section in ("check-in-form", "goals-form", "close-form"):
        assert f'data-section="{section}"' in body
    assert body.count('class="phone-form"') == 3
    figure = json.loads(re.search(r'id="chart-scores-data"[^>]*>(.*?)</script>', body, re.S)[1])
    # September 34.00 and October 41.00 (trigger), November 0.00 and December to date 0.00, floor 60.
    assert figure["data"][0]["x"] == ["2026-09", "2026-10", "2026-11", "2026-12"]
    assert figure["data"][0]["y"] == [34.0, 41.0, 0.0, 0.0]
    assert figure["layout"]["shapes"][0]["y0"] == 60.0
    assert figure["data"][0]["text"] == ["34.00", "41.00", "0.00", "0.00"]
    scores = page_rows(body, "scores")
    assert scores[1:] == [
        ["2026-09", "put on the plan", "34.00", "yes", "final"],
        ["2026-10", "put on the plan", "41.00", "yes", "final"],
        ["2026-11", "since it opened", "0.00", "yes", "final"],
        ["2026-12", "since it opened", "0.00", "yes", "to date"],
    ]
    coaching_rows = workbook_rows(client.get(plan_url(plan) + "coaching.xlsx"))
    assert coaching_rows == [
        ["Date", "Coached by", "Notes"],
        ["2026-11-18", opened.supervisor.display_name, "陪访：面谈准备"],
    ]


def test_a_plan_page_in_chinese(opened, client):
    body = login(client, opened.supervisor).get(plan_url(agents_plan(opened))).content.decode()
    assert '<html lang="zh-hans"' in body and "备注" in body and "状态" in body  # Notes, Status


def test_checking_in_from_the_page(opened, client):
    plan = agents_plan(opened)
    login(client, opened.supervisor, "en")
    empty = client.post(plan_url(plan), {"action": "check_in", "week": "2026-12-09", "on_track": "yes", "notes": ""})
    assert empty.status_code == 400 and 'data-error="notes"' in empty.content.decode()
    future = client.post(plan_url(plan), {"action": "check_in", "week": "2026-12-14", "on_track": "yes", "notes": "x"})
    assert future.status_code == 400
    assert "This week has not begun yet." in future.content.decode()
    assert 'data-error="week"' in future.content.decode()
    assert not ImprovementCheckIn.objects.exists()
    saved = client.post(
        plan_url(plan), {"action": "check_in", "week": "2026-12-09", "on_track": "yes", "notes": "达标"}
    )
    assert saved.status_code == 302
    check_in = ImprovementCheckIn.objects.get(plan=plan)
    assert (check_in.week, check_in.on_track, check_in.notes) == (date(2026, 12, 7), True, "达标")
    rows = workbook_rows(client.get(plan_url(plan) + "check_ins.xlsx"))
    assert rows == [
        ["Week of", "On track", "Notes", "Recorded by"],
        ["2026-12-07", "yes", "达标", opened.supervisor.display_name],
    ]
    assert page_rows(client.get(plan_url(plan)).content.decode(), "check_ins") == rows


def test_closing_from_the_page(opened, client):
    plan = agents_plan(opened)
    login(client, opened.supervisor, "en")
    bad = client.post(plan_url(plan), {"action": "close", "status": "improved", "outcome": ""})
    assert bad.status_code == 400 and 'data-error="outcome"' in bad.content.decode()
    assert (
        client.post(plan_url(plan), {"action": "close", "status": "improved", "outcome": "十二月达标"}).status_code
        == 302
    )
    plan.refresh_from_db()
    assert (plan.status, plan.closed_on, plan.outcome) == (Status.IMPROVED, WORK_DAY, "十二月达标")
    body = client.get(plan_url(plan)).content.decode()
    assert field(body, "status") == "Improved" and field(body, "outcome") == "十二月达标"
    assert 'class="phone-form"' not in body  # a closed plan takes nothing more
    again = client.post(plan_url(plan), {"action": "close", "status": "escalated", "outcome": "x"})
    assert again.status_code == 400 and "This plan is already closed." in again.content.decode()


def test_changing_the_goals_from_the_page(opened, client):
    plan = agents_plan(opened)
    login(client, opened.branch_manager, "en")
    assert client.post(plan_url(plan), {"action": "goals", "goals": ""}).status_code == 400
    assert client.post(plan_url(plan), {"action": "goals", "goals": "每天 5 个电话约访"}).status_code == 302
    plan.refresh_from_db()
    assert plan.goals == "每天 5 个电话约访"


def test_the_member_reads_their_plan_without_forms(opened, client):
    plan = agents_plan(opened)
    login(client, opened.agent, "en")
    body = client.get(plan_url(plan)).content.decode()
    assert 'data-field="read-only"' in body and 'class="phone-form"' not in body
    assert client.post(plan_url(plan), {"action": "close", "status": "improved", "outcome": "x"}).status_code == 403
    rows = page_rows(client.get("/improvement-plans/").content.decode(), "plans")
    assert [row[0] for row in rows[1:]] == [opened.agent.display_name]


def test_a_manager_opens_a_plan_from_the_list(opened, client):
    login(client, opened.branch_manager, "en")
    body = client.get("/improvement-plans/").content.decode()
    assert 'data-section="open-form"' in body
    blank = client.post("/improvement-plans/", {"action": "open", "member": opened.agent2.pk, "goals": ""})
    assert blank.status_code == 400 and 'data-error="goals"' in blank.content.decode()
    done = client.post("/improvement-plans/", {"action": "open", "member": opened.agent2.pk, "goals": "每周三次面谈"})
    assert done.status_code == 302
    plan = ImprovementPlan.objects.get(member=opened.agent2)
    assert (plan.opened_on, plan.supervisor, plan.goals) == (WORK_DAY, opened.supervisor, "每周三次面谈")
    body = login(client, opened.supervisor, "en").get("/improvement-plans/").content.decode()
    assert 'data-section="open-form"' not in body
    assert (
        client.post("/improvement-plans/", {"action": "open", "member": opened.agent3.pk, "goals": "x"}).status_code
        == 403
    )


def test_pages_out_of_scope_or_tenant_are_404(opened, other_org, client):
    plan = agents_plan(opened)
    assert login(client, opened.supervisor2).get(plan_url(plan)).status_code == 404
    assert client.post(plan_url(plan), {"action": "close", "status": "improved", "outcome": "x"}).status_code == 404
    assert login(client, opened.agent2).get(plan_url(plan)).status_code == 404
    assert login(client, other_org.admin).get(plan_url(plan)).status_code == 404
    assert client.get(plan_url(plan) + "check_ins.xlsx").status_code == 404
    rows = workbook_rows(client.get("/improvement-plans/plans.xlsx"))
    assert rows[1:] == []  # the other tenant has no plan, and never sees ours
    plan.refresh_from_db()
    assert plan.status == Status.OPEN

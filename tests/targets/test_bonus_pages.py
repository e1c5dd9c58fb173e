"""The bonus page: table and tiers as rendered, run and export for payroll, the tier form, XLSX, scope, languages."""

import re

import pytest

from targets.models import BonusLine, BonusRun, IncentivePolicy
from tests.pages import login as log_in
from tests.pages import workbook_rows
from tests.targets.bonus_data import OCTOBER_BONUSES, TODAY, write_october

OCTOBER = "?period=2026-10"
PAGE = "/bonuses/"


@pytest.fixture
def october(org, other_org, monkeypatch):
    monkeypatch.setattr("targets.pages.bonuses.tenant_today", lambda tenant: TODAY)
    write_october(org)
    write_october(other_org)
    return org


def login(client, member, language="en"):
    """The bonus pages' tests read English unless they say otherwise."""
    return log_in(client, member, language)


def field(body: str, name: str) -> str:
    return re.search(rf'data-field="{name}"[^>]*>(.*?)</', body, re.S)[1].strip()


def test_a_company_manager_sees_the_preview_in_english(october, client):
    response = login(client, october.manager).get(PAGE + OCTOBER)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Preview — not yet run" in body
    assert field(body, "total") == "19,999.91"
    assert "from 100% of target: 10% of premium" in body and "from 110% of target: 15% of premium" in body
    assert 'data-action="run"' in body and 'data-action="payroll"' not in body
    assert 'class="phone-form"' in body and 'data-form="tiers"' in body
    assert 'data-chart="attainment"' in body
    # Each member's bonus, and nobody of the other tenant.
    assert "8,250.00" in body and "5,499.90" in body and "1,000.01" in body and "109.9%" in body
    assert "bolt-" not in body


def test_the_page_is_in_chinese_by_default(october, client):
    body = login(client, october.manager, language=None).get(PAGE + OCTOBER).content.decode()
    assert '<html lang="zh-hans">' in body
    assert "查询" in body  # the period filter's button, already translated
    assert field(body, "total") == "19999.91"  # Chinese number format: no thousands separator


def test_the_default_period_is_the_last_month_ended(october, client):
    body = login(client, october.admin).get(PAGE).content.decode()
    assert "2026-10" in body and field(body, "total") == "19,999.91"


def test_the_xlsx_equals_the_table(october, client):
    login(client, october.manager)
    rows = workbook_rows(client.get("/bonuses/bonuses.xlsx" + OCTOBER))
    assert rows[0] == [
        "Employee number",
        "Name",
        "Unit",
        "Target (yuan)",
        "Premium (yuan)",
        "Attainment",
        "Rate",
        "Bonus (yuan)",
    ]
    body = client.get("/api/v1/bonuses/", {"period": "2026-10"}).json()
    assert [row[0] for row in rows[1:]] == [row["employee_no"] for row in body["rows"]]
    for row, api_row in zip(rows[1:], body["rows"], strict=True):
        assert row[1:3] == [api_row["member_name"], api_row["unit"]]
        assert row[4] == float(api_row["premium"]) and row[7] == float(api_row["amount"])
    agent2 = next(row for row in rows if row[0] == october.agent2.employee_no)
    # 54,999 ÷ 50,000 = 1.09998: shown as 109.9 % (rounded down), below the 110 % tier.
    assert agent2[3:] == [50000, 54999, 1.099, 0.1, 5499.9]
    agent6 = next(row for row in rows if row[0] == october.agent6.employee_no)
    assert agent6[3:] == [None, 12345.67, None, 0, 0]


def test_an_agent_sees_only_their_line_and_no_forms(october, client):
    body = login(client, october.agent).get(PAGE + OCTOBER).content.decode()
    assert field(body, "total") == "8,250.00"
    assert october.agent2.display_name not in body
    assert 'data-action="run"' not in body and 'data-form="tiers"' not in body
    rows = workbook_rows(client.get("/bonuses/bonuses.xlsx" + OCTOBER))
    assert [row[0] for row in rows[1:]] == [october.agent.employee_no]


def test_a_supervisor_sees_their_team(october, client):
    body = login(client, october.supervisor).get(PAGE + OCTOBER).content.decode()
    assert field(body, "total") == "15,399.90"  # 8,250.00 + 5,499.90 + 1,650.00
    assert october.agent3.display_name not in body
    assert 'data-action="run"' not in body


@pytest.mark.parametrize("role", ["bank", "advisor"])
def test_other_roles_are_refused(october, client, role):
    assert login(client, october.members[role]).get(PAGE + OCTOBER).status_code == 403


def test_run_and_export_for_payroll(october, client):
    login(client, october.manager)
    response = client.post(PAGE + OCTOBER, {"action": "run", "period": "2026-10"})
    run = BonusRun.objects.get(tenant=october.tenant)
    assert response.status_code == 302 and response["Location"] == f"/bonuses/runs/{run.pk}/payroll.xlsx"
    payroll = client.get(response["Location"])
    rows = workbook_rows(payroll)
    assert rows[-1][0] == "Total" and rows[-1][8] == pytest.approx(19999.91)
    assert len(rows) == 1 + len(OCTOBER_BONUSES) + 1

    # Clicking again: the same run, the same file.
    again = client.post(PAGE + OCTOBER, {"action": "run", "period": "2026-10"})
    assert again["Location"] == response["Location"]
    assert workbook_rows(client.get(again["Location"])) == rows
    assert BonusRun.objects.count() == 1 and BonusLine.objects.filter(tenant=october.tenant).count() == 7

    body = client.get(PAGE + OCTOBER).content.decode()
    assert "Paid to payroll on" in body and october.manager.display_name in body
    assert 'data-action="run"' not in body and f"/bonuses/runs/{run.pk}/payroll.xlsx" in body
    # The page's table equals the payroll file's lines.
    table = workbook_rows(client.get("/bonuses/bonuses.xlsx" + OCTOBER))
    assert [row[0] for row in table[1:]] == [row[0] for row in rows[1:-1]]
    assert [row[7] for row in table[1:]] == [row[8] for row in rows[1:-1]]


def test_a_period_under_way_or_overlapping_is_not_run(october, client):
    login(client, october.manager)
    body = client.get(PAGE + "?period=2026-11").content.decode()
    assert 'data-action="run"' not in body and "can be run for payroll from 2026-12-01" in body
    response = client.post(PAGE + "?period=2026-11", {"action": "run", "period": "2026-11"})
    assert response.status_code == 400 and "has not ended yet" in response.content.decode()
    client.post(PAGE + "?period=2026-09", {"action": "run", "period": "2026-09"})
    response = client.post(PAGE + "?period=2026-Q3", {"action": "run", "period": "2026-Q3"})
    assert response.status_code == 400 and "paying both would pay them twice" in response.content.decode()
    assert list(BonusRun.objects.values_list("period", flat=True)) == ["2026-09"]


@pytest.mark.parametrize("role", ["branch_manager", "supervisor", "agent"])
def test_only_a_company_manager_runs_or_sets_tiers_from_the_page(october, client, role):
    login(client, october.members[role])
    assert client.post(PAGE + OCTOBER, {"action": "run", "period": "2026-10"}).status_code == 403
    assert client.post(PAGE + OCTOBER, {"action": "tiers", "from_1": "100", "rate_1": "50"}).status_code == 403
    assert not BonusRun.objects.exists()
    assert not IncentivePolicy.objects.filter(bonus_tiers__contains=[{"rate": "0.5"}]).exists()


def test_the_payroll_file_of_another_tenant_is_not_found(october, client, other_org):
    login(client, other_org.manager).post(PAGE + OCTOBER, {"action": "run", "period": "2026-10"})
    theirs = BonusRun.objects.get(tenant=other_org.tenant)
    login(client, october.manager)
    assert client.get(f"/bonuses/runs/{theirs.pk}/payroll.xlsx").status_code == 404
    assert "Preview — not yet run" in client.get(PAGE + OCTOBER).content.decode()
    login(client, october.agent)
    assert client.get(f"/bonuses/runs/{theirs.pk}/payroll.xlsx").status_code == 403


def test_the_tier_form_saves_the_tiers(october, client):
    login(client, october.admin)
    response = client.post(
        PAGE + OCTOBER, {"action": "tiers", "from_1": "100", "rate_1": "8", "from_2": "120", "rate_2": "12.5"}
    )
    assert response.status_code == 302
    policy = IncentivePolicy.objects.get(tenant=october.tenant)
    assert policy.bonus_tiers == [{"from": "1", "rate": "0.08"}, {"from": "1.2", "rate": "0.125"}]
    body = client.get(PAGE + OCTOBER).content.decode()
    # agent at 110 %: 55,000 × 8 % = 4,400.00; agent5 at 120 %: 24,000 × 12.5 % = 3,000.00.
    assert "4,400.00" in body and "3,000.00" in body
    assert "from 120% of target: 12.5% of premium" in body
    assert 'name="from_2" value="120"' in body and 'name="rate_2" value="12.5"' in body


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"from_1": "100", "rate_1": ""}, ("rate_1", "Give the rate paid from this attainment.")),
        ({"from_1": "", "rate_1": "10"}, ("from_1", "Give the attainment this rate starts from.")),
        ({"from_1": "100", "rate_1": "150"}, ("rate_1", "100")),
        ({"from_1": "110", "rate_1": "5", "from_2": "100", "rate_2": "10"}, ("non_field_errors", "lower rate")),
        ({"from_1": "100", "rate_1": "5", "from_2": "100", "rate_2": "10"}, ("non_field_errors", "same attainment")),
        ({}, ("non_field_errors", "Give from 1 to 10 tiers.")),
    ],
)
def test_bad_tiers_are_refused_by_field_with_nothing_saved(october, client, data, error):
    login(client, october.manager)
    response = client.post(PAGE + OCTOBER, {"action": "tiers", **{"from_1": "", "rate_1": "", **data}})
    assert response.status_code == 400
    body = response.content.decode()
    name, words = error
    assert re.search(rf'data-error="{name}"[^>]*>[^<]*{re.escape(words)}', body)
    policy = IncentivePolicy.objects.filter(tenant=october.tenant).first()
    assert policy is None or len(policy.bonus_tiers) == 2 and policy.bonus_tiers[1]["rate"] == "0.15"

"""The bonus API: a period's bonuses, the runs (201 then 200), the payroll XLSX, the incentive rules; scope, tenants."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from targets.models import BonusLine, BonusRun, IncentivePolicy, SaleRecord
from tests.targets.bonus_data import OCTOBER_BONUSES, TODAY, write_october

BONUSES = "/api/v1/bonuses/"
RUNS = "/api/v1/bonuses/runs/"
POLICY = "/api/v1/incentives/policy/"
DEFAULT_TIERS = [{"from": "1.0000", "rate": "0.1000"}, {"from": "1.1000", "rate": "0.1500"}]


@pytest.fixture
def october(org, other_org, monkeypatch):
    monkeypatch.setattr("targets.apis.bonuses.tenant_today", lambda tenant: TODAY)
    write_october(org)
    write_october(other_org)
    return org


@pytest.fixture
def api(api_en):
    return api_en


def expected(org, key) -> dict:
    target, premium, attainment, rate, amount = OCTOBER_BONUSES[key]
    member = org.members[key]
    return {
        "member": member.pk,
        "member_name": member.display_name,
        "employee_no": member.employee_no,
        "unit": member.unit.name,
        "target": target,
        "premium": premium,
        "attainment": attainment,
        "rate": rate,
        "amount": amount,
    }


def by_member(rows) -> dict:
    return {row["member"]: row for row in rows}


def sheet_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_a_company_manager_gets_every_line_worked_out_by_hand(october, api):
    response = api(october.manager).get(BONUSES, {"period": "2026-10"})
    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["ended"], body["run"], body["tiers"]) == ("2026-10", True, None, DEFAULT_TIERS)
    assert by_member(body["rows"]) == {october.members[key].pk: expected(october, key) for key in OCTOBER_BONUSES}
    assert body["total"] == "19999.91"  # 8,250.00 + 5,499.90 + 1,000.01 + 3,600.00 + 1,650.00


def test_the_period_is_required_and_checked(october, api):
    client = api(october.manager)
    for query in ({}, {"period": "2026-13"}, {"period": "October"}):
        response = client.get(BONUSES, query)
        assert response.status_code == 400 and list(response.json()) == ["period"]


def test_an_agent_gets_their_own_line_and_a_supervisor_their_team(october, api):
    mine = api(october.agent).get(BONUSES, {"period": "2026-10"}).json()
    assert mine["rows"] == [expected(october, "agent")] and mine["total"] == "8250.00"
    team = api(october.supervisor).get(BONUSES, {"period": "2026-10"}).json()
    assert by_member(team["rows"]) == {
        october.members[k].pk: expected(october, k) for k in ("agent", "agent2", "leaver")
    }
    assert team["total"] == "15399.90"  # 8,250.00 + 5,499.90 + 1,650.00


@pytest.mark.parametrize("role", ["bank", "renewal_lead", "advisor"])
def test_other_roles_are_refused(october, api, role):
    assert api(october.members[role]).get(BONUSES, {"period": "2026-10"}).status_code == 403


def test_a_run_is_made_once_201_then_200(october, api):
    client = api(october.manager)
    first = client.post(RUNS, {"period": "2026-10"}, format="json")
    assert first.status_code == 201
    run = first.json()
    assert (run["period"], run["starts_on"], run["ends_on"], run["created_by"], run["lines"], run["total"]) == (
        "2026-10",
        "2026-10-01",
        "2026-10-31",
        october.manager.pk,
        7,
        "19999.91",
    )
    again = api(october.admin).post(RUNS, {"period": "2026-10"}, format="json")
    assert again.status_code == 200 and again.json() == run
    assert BonusRun.objects.filter(tenant=october.tenant).count() == 1

    body = client.get(BONUSES, {"period": "2026-10"}).json()
    assert body["run"]["id"] == run["id"] and body["run"]["created_by"] == october.manager.pk
    assert body["run"]["created_by_name"] == october.manager.display_name


def test_the_runs_list(october, api, other_org):
    api(october.manager).post(RUNS, {"period": "2026-10"}, format="json")
    api(other_org.manager).post(RUNS, {"period": "2026-09"}, format="json")
    body = api(october.admin).get(RUNS).json()
    assert body["count"] == 1 and [run["period"] for run in body["results"]] == ["2026-10"]


def test_bad_runs_are_refused_by_field(october, api):
    client = api(october.manager)
    for period, word in (("2026-11", "not ended"), ("2026-Q4", "not ended"), ("2026-99", "month")):
        response = client.post(RUNS, {"period": period}, format="json")
        assert response.status_code == 400 and word in response.json()["period"][0]
    client.post(RUNS, {"period": "2026-10"}, format="json")
    assert client.post(RUNS, {"period": "2026-09"}, format="json").status_code == 201
    overlapping = client.post(RUNS, {"period": "2026-Q3"}, format="json")
    assert overlapping.status_code == 400
    assert "2026-09" in overlapping.json()["period"][0] and "twice" in overlapping.json()["period"][0]
    assert BonusRun.objects.filter(tenant=october.tenant).count() == 2


@pytest.mark.parametrize("role", ["branch_manager", "supervisor", "agent"])
def test_only_company_managers_and_admins_run_and_list(october, api, role):
    client = api(october.members[role])
    assert client.post(RUNS, {"period": "2026-10"}, format="json").status_code == 403
    assert client.get(RUNS).status_code == 403
    assert not BonusRun.objects.exists()


def test_the_payroll_file_is_the_runs_lines_and_the_same_every_time(october, api):
    client = api(october.manager)
    run = client.post(RUNS, {"period": "2026-10"}, format="json").json()
    url = f"{RUNS}{run['id']}/payroll.xlsx"
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bonus-payroll-2026-10.xlsx"' in first["Content-Disposition"]
    rows = sheet_rows(first.content)
    assert rows[0] == [
        "Employee number",
        "Name",
        "Unit",
        "Period",
        "Target (yuan)",
        "Premium (yuan)",
        "Attainment",
        "Rate",
        "Bonus (yuan)",
    ]
    api_rows = client.get(BONUSES, {"period": "2026-10"}).json()["rows"]
    assert [row[0] for row in rows[1:-1]] == [row["employee_no"] for row in api_rows]  # the table's order
    agent = next(row for row in rows if row[0] == october.agent.employee_no)
    assert agent == [october.agent.employee_no, october.agent.display_name, "acme-north-1", "2026-10"] + [
        50000,
        55000,
        1.1,
        0.15,
        8250,
    ]
    assert rows[-1][0] == "Total" and rows[-1][4:] == [
        50000 * 3 + 10000 * 2 + 20000,  # 190,000 of targets
        pytest.approx(55000 + 54999 + 40000 + 10000.05 + 24000 + 12345.67 + 11000),
        None,
        None,
        pytest.approx(19999.91),
    ]
    # A sale corrected after the run, then the file again: the same rows.
    SaleRecord.objects.filter(tenant=october.tenant, member=october.agent2).update(premium=60000)
    assert sheet_rows(client.get(url).content) == rows
    assert sheet_rows(api(october.admin).get(url).content) == rows


def test_another_tenants_run_is_not_found(october, api, other_org):
    theirs = api(other_org.manager).post(RUNS, {"period": "2026-10"}, format="json").json()
    response = api(october.manager).get(f"{RUNS}{theirs['id']}/payroll.xlsx")
    assert response.status_code == 404
    assert api(october.manager).get(f"{RUNS}999999/payroll.xlsx").status_code == 404
    # Their run does not make org's October a run: org's rows are its own preview.
    body = api(october.manager).get(BONUSES, {"period": "2026-10"}).json()
    assert body["run"] is None
    assert {row["member"] for row in body["rows"]} == {october.members[key].pk for key in OCTOBER_BONUSES}


def test_an_agent_cannot_download_the_payroll_file(october, api):
    run = api(october.manager).post(RUNS, {"period": "2026-10"}, format="json").json()
    assert api(october.agent).get(f"{RUNS}{run['id']}/payroll.xlsx").status_code == 403


# --- the incentive rules ------------------------------------------------------


def test_leaders_read_the_rules(october, api):
    for role in ("manager", "branch_manager", "supervisor", "renewal_lead", "admin"):
        body = api(october.members[role]).get(POLICY).json()
        assert body["bonus_tiers"] == DEFAULT_TIERS
        assert (body["improvement_floor"], body["improvement_months"]) == ("60.00", 2)
    for role in ("agent", "bank", "advisor"):
        assert api(october.members[role]).get(POLICY).status_code == 403


def test_a_company_manager_sets_the_tiers_and_the_bonuses_follow(october, api, other_org):
    client = api(october.manager)
    response = client.patch(
        POLICY, {"bonus_tiers": [{"from": "1.2", "rate": "0.2"}, {"from": "1", "rate": "0.1"}]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["bonus_tiers"] == [
        {"from": "1.0000", "rate": "0.1000"},
        {"from": "1.2000", "rate": "0.2000"},
    ]
    rows = by_member(client.get(BONUSES, {"period": "2026-10"}).json()["rows"])
    # agent at 110 % now only reaches 100 %: 55,000 × 10 % = 5,500.00; agent5 at 120 %: 24,000 × 20 % = 4,800.00.
    assert rows[october.agent.pk]["amount"] == "5500.00" and rows[october.agent5.pk]["amount"] == "4800.00"
    assert api(other_org.manager).get(POLICY).json()["bonus_tiers"] == DEFAULT_TIERS


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bonus_tiers": []}, "bonus_tiers"),
        ({"bonus_tiers": [{"from": "1.1", "rate": "0.05"}, {"from": "1.0", "rate": "0.1"}]}, "bonus_tiers"),
        ({"bonus_tiers": [{"from": "1.0", "rate": "1.5"}]}, "bonus_tiers"),
        ({"bonus_tiers": [{"from": "abc", "rate": "0.1"}]}, "bonus_tiers"),
        ({"improvement_months": 0}, "improvement_months"),
        ({"bonus_level": 3}, "bonus_level"),
    ],
)
def test_bad_rules_are_refused_by_field_and_nothing_is_saved(october, api, body, field):
    response = api(october.admin).patch(POLICY, {**body, "improvement_floor": "55"}, format="json")
    assert response.status_code == 400 and list(response.json()) == [field]
    policy = IncentivePolicy.objects.filter(tenant=october.tenant).first()
    assert policy is None or (policy.improvement_floor, len(policy.bonus_tiers)) == (60, 2)


@pytest.mark.parametrize("role", ["branch_manager", "supervisor", "agent"])
def test_only_company_managers_and_admins_set_the_rules(october, api, role):
    response = api(october.members[role]).patch(POLICY, {"bonus_tiers": DEFAULT_TIERS}, format="json")
    assert response.status_code == 403


def test_a_run_keeps_the_tiers_it_was_paid_on(october, api):
    client = api(october.manager)
    client.post(RUNS, {"period": "2026-10"}, format="json")
    client.patch(POLICY, {"bonus_tiers": [{"from": "1", "rate": "0.5"}]}, format="json")
    rows = by_member(client.get(BONUSES, {"period": "2026-10"}).json()["rows"])
    assert rows[october.agent.pk]["amount"] == "8250.00"
    assert BonusLine.objects.get(member=october.agent).rate == Decimal("0.15")


def test_the_lists_take_a_fixed_number_of_queries(october, api, django_assert_max_num_queries):
    client = api(october.manager)
    # Live: token, member, the policy (made on first read: 3 more), the run, the members, targets, sales,
    # the premiums of members without a target, the request's savepoints: 13 however many members.
    with django_assert_max_num_queries(13):
        assert len(client.get(BONUSES, {"period": "2026-10"}).json()["rows"]) == 7
    client.post(RUNS, {"period": "2026-10"}, format="json")
    client.post(RUNS, {"period": "2026-09"}, format="json")
    # Run: token, member, policy, run, its lines with their members and units, two savepoint statements.
    with django_assert_max_num_queries(7):
        assert len(client.get(BONUSES, {"period": "2026-10"}).json()["rows"]) == 7
    with django_assert_max_num_queries(7):
        assert client.get(RUNS).json()["count"] == 2

"""The rollups API: figures and derived metrics, member days from the facts, bad input, scope."""

from decimal import Decimal

import pytest

from dashboards.services import rollups
from targets.services import plans as plan_services
from tests.dashboards.rollup_data import NOVEMBER, OCTOBER, WEEK_1, WEEK_2, write_boundary_week
from tests.targets.plan_data import one_line_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolled_up(org):
    write_boundary_week(org)
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    return org


def get(client, **params):
    return client.get("/api/v1/rollups/", params)


def test_company_weeks_with_derived_metrics(rolled_up, api_client_for):
    org = rolled_up
    company = org.units["company"].pk
    response = get(
        api_client_for(org.manager),
        scope="unit",
        id=company,
        grain="week",
        **{"from": "2026-10-26", "to": "2026-11-08"},
    )
    assert response.status_code == 200
    rows = response.json()
    assert [row["period_start"] for row in rows] == [WEEK_1.isoformat(), WEEK_2.isoformat()]
    week_1 = rows[0]
    assert (week_1["period_end"], week_1["phone_appointments"], week_1["sales_interviews"]) == ("2026-11-01", 7, 3)
    assert (week_1["policies"], week_1["premium"], week_1["agents"], week_1["producers"]) == (3, "1500.00", 4, 2)
    # 举绩率 2 of 4 agents; 3 policies ÷ 4 agents; activity (7 + 3) ÷ 4; interviews 3 ÷ 7 appointments; 3 ÷ 3
    assert week_1["active_producer_rate"] == "0.5000"
    assert week_1["policies_per_agent"] == "0.7500"
    assert week_1["activity_per_agent"] == "2.5000"
    assert week_1["interviews_per_appointment"] == "0.4286"
    assert week_1["policies_per_interview"] == "1.0000"
    assert week_1["target"] is None and week_1["attainment"] is None
    # Count share by line: agency · health 1 of 3 policies, group · employer liability 2 of 3
    shares = {(line["channel"], line["product"]): line["count_share"] for line in week_1["lines"]}
    assert shares == {("agency", "health"): "0.3333", ("group", "employer_liability"): "0.6667"}
    # Week 2 has only agency · health (1 of 1); its moving average over the rolling quarter is (1/3 + 1) / 2
    lines_2 = {(line["channel"], line["product"]): line for line in rows[1]["lines"]}
    assert lines_2[("agency", "health")]["count_share"] == "1.0000"
    assert lines_2[("agency", "health")]["count_share_moving_average"] == "0.6667"
    assert lines_2[("group", "employer_liability")]["count_share"] == "0.0000"
    assert lines_2[("group", "employer_liability")]["count_share_moving_average"] == "0.3333"


def test_member_days_come_from_the_facts_with_day_targets(rolled_up, api_client_for):
    org = rolled_up
    plan = one_line_plan(org)
    plan_services.plan_allocate(tenant=org.tenant, actor=org.manager, plan=plan)
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    client = api_client_for(org.agent)
    rows = get(
        client, scope="member", id=org.agent.pk, grain="day", **{"from": "2026-10-30", "to": "2026-11-02"}
    ).json()
    assert [(row["period_start"], row["phone_appointments"], row["policies"]) for row in rows] == [
        ("2026-10-30", 5, 0),
        ("2026-10-31", 0, 1),
        ("2026-11-01", 0, 0),
        ("2026-11-02", 4, 0),
    ]
    # The agent's October days add up to their October month row's target
    october = get(client, scope="member", id=org.agent.pk, grain="day", **{"from": "2026-10-01", "to": "2026-10-31"})
    month = get(client, scope="member", id=org.agent.pk, grain="month", **{"from": "2026-10-01", "to": "2026-10-31"})
    assert sum(Decimal(row["target"]) for row in october.json()) == Decimal(month.json()[0]["target"])
    assert Decimal(month.json()[0]["target"]) > 0


def test_months_default_and_missing_periods_are_zeros(rolled_up, api_client_for):
    org = rolled_up
    client = api_client_for(org.manager)
    rows = get(
        client, scope="unit", id=org.units["south"].pk, grain="month", **{"from": "2026-09-01", "to": "2026-11-30"}
    )
    assert [(row["period_start"], row["policies"], row["premium"]) for row in rows.json()] == [
        ("2026-09-01", 0, "0.00"),
        (OCTOBER.isoformat(), 0, "0.00"),
        (NOVEMBER.isoformat(), 1, "250.50"),
    ]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"scope": "region", "id": 1}, "scope"),
        ({"scope": "unit"}, "id"),
        ({"scope": "unit", "id": 1, "grain": "year"}, "grain"),
        ({"scope": "unit", "id": 1, "from": "2026-11-02", "to": "2026-11-01"}, "from"),
        ({"scope": "unit", "id": 1, "from": "2026-13-01"}, "from"),
        ({"scope": "unit", "id": 1, "grain": "day", "from": "2024-01-01", "to": "2026-11-01"}, "to"),
    ],
)
def test_bad_input_is_a_field_error(org, api_client_for, params, field):
    client = api_client_for(org.manager)
    client.cookies["django_language"] = "en"
    response = get(client, **params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_scope_and_tenancy(rolled_up, other_org, api_client_for):
    org = rolled_up
    week = {"grain": "week", "from": "2026-10-26", "to": "2026-11-01"}
    # An agent sees themselves and their own team, not a teammate nor another team
    agent = api_client_for(org.agent)
    assert get(agent, scope="member", id=org.agent.pk, **week).status_code == 200
    assert get(agent, scope="unit", id=org.units["north1"].pk, **week).status_code == 200
    assert get(agent, scope="member", id=org.agent2.pk, **week).status_code == 404
    assert get(agent, scope="unit", id=org.units["north"].pk, **week).status_code == 404
    # A supervisor sees their team and its agents, not the other team
    supervisor = api_client_for(org.supervisor)
    assert get(supervisor, scope="member", id=org.agent2.pk, **week).status_code == 200
    assert get(supervisor, scope="member", id=org.agent3.pk, **week).status_code == 404
    assert get(supervisor, scope="unit", id=org.units["north2"].pk, **week).status_code == 404
    # Another tenant's manager and admin: none of this tenant's ids exist for them
    for outsider in (other_org.manager, other_org.admin):
        client = api_client_for(outsider)
        assert get(client, scope="unit", id=org.units["company"].pk, **week).status_code == 404
        assert get(client, scope="member", id=org.agent.pk, **week).status_code == 404
    # And their own company has nothing of this tenant's figures
    rows = get(api_client_for(other_org.manager), scope="unit", id=other_org.units["company"].pk, **week).json()
    assert rows[0]["policies"] == 0 and rows[0]["phone_appointments"] == 0


def test_unauthenticated_is_401(client):
    assert client.get("/api/v1/rollups/", {"scope": "unit", "id": 1}).status_code == 401

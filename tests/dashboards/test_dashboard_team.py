"""The supervisor's dashboard and the agent's: team today, 111, funnel, scatter, hero board, pacing — by hand.

Facts: tests/dashboards/dashboard_data.py, plus agent2's sale of 2,000.00 on
Monday 2 Nov. The team page is opened for Monday 2 Nov 2026.
"""

from datetime import date
from decimal import Decimal

import pytest

from activities.models import Duty
from dashboards.services import rollups
from dashboards.services.alerts import evaluate_alerts
from tests.dashboards.rollup_data import sale

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 2)


@pytest.fixture
def with_monday_sale(rolled_up):
    sale(rolled_up, rolled_up.agent2, MONDAY, "2000.00")
    rollups.refresh_pending(tenant_id=rolled_up.tenant.pk)
    return rolled_up


def english_client(client, member):
    client.cookies["django_language"] = "en"
    client.force_login(member.user)
    return client


def test_team_today_the_111_and_the_weeks_funnel(with_monday_sale, client):
    org = with_monday_sale
    Duty.objects.create(
        tenant=org.tenant, supervisor=org.supervisor, member=org.agent, kind="tracking_call", date=MONDAY
    )
    response = english_client(client, org.supervisor).get(
        f"/dashboards/teams/{org.units['north1'].pk}/", {"date": "2026-11-02"}
    )
    assert response.status_code == 200
    data = response.context["data"]
    # Monday: agent logged 4 phone appointments (below 5311's 5); agent2 has not logged: listed first
    rows = response.context["tables"]["today"].rows
    assert [(row["name"], row["state"]) for row in rows] == [
        (org.agent2.display_name, "not logged yet"),
        (org.agent.display_name, "below standard"),
    ]
    assert rows[1]["states"]["phone_appointments"] == "below" and rows[1]["phone_appointments"] == 4
    assert (data["today"]["logged"], data["not_logged"]) == (1, 1)
    # 111: one tracking call of two direct reports, no coaching, no spot-check
    (checklist,) = response.context["tables"]["checklist"].rows
    assert (checklist["calls_done"], checklist["calls_of"], checklist["complete"]) == (1, 2, "No")
    # The week of 2 Nov in north-1: 4 appointments, no interviews, agent2's policy
    funnel = response.context["figures"]["funnel"]["data"][0]
    assert funnel["x"] == [4, 0, 1]
    assert funnel["y"] == ["Phone appointments", "Sales interviews", "Policies"]


def test_the_months_scatter_and_the_hero_board(with_monday_sale, client):
    org = with_monday_sale
    response = english_client(client, org.supervisor).get(
        f"/dashboards/teams/{org.units['north1'].pk}/", {"date": "2026-11-02"}
    )
    # November per agent: agent 4 activity and no premium; agent2 2 activity (1 Nov) and 2,000.00 = 0.2 万元
    scatter = response.context["figures"]["scatter"]
    point = scatter["data"][0]
    assert point["text"] == [org.agent.display_name, org.agent2.display_name]
    assert (point["x"], point["y"]) == ([4, 2], [0.0, 0.2])
    assert point["customdata"] == [f"/dashboards/members/{m.pk}/" for m in (org.agent, org.agent2)]
    assert scatter["layout"]["xaxis"]["title"]["text"] == "Activity (次)"
    assert scatter["layout"]["yaxis"]["title"]["text"] == "Premium (10k yuan)"
    month = response.context["tables"]["month"].rows
    assert [(row["name"], row["premium"]) for row in month][0] == (org.agent2.display_name, Decimal("2000.00"))
    # Hero board, week of 2 Nov: agent 4 appointments × 1 point; agent2 nothing logged this week
    board = response.context["tables"]["hero"].rows
    assert [(row["rank"], row["name"], row["points"]) for row in board] == [
        (1, org.agent.display_name, 4),
        (2, org.agent2.display_name, 0),
    ]


def test_open_alerts_are_the_units_only(with_monday_sale, client):
    org = with_monday_sale
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 22))
    response = english_client(client, org.supervisor).get(f"/dashboards/teams/{org.units['north1'].pk}/")
    subjects = {row["subject"] for row in response.context["tables"]["alerts"].rows}
    assert subjects and subjects <= {org.agent.display_name, org.agent2.display_name, org.units["north1"].name}
    manager = english_client(client, org.manager).get(f"/dashboards/teams/{org.units['north'].pk}/")
    assert org.agent3.display_name in {row["subject"] for row in manager.context["tables"]["alerts"].rows}


def test_the_agents_day_week_and_pacing(with_monday_sale, client):
    org = with_monday_sale
    response = english_client(client, org.agent).get(f"/dashboards/members/{org.agent.pk}/", {"period": "2026-Q4"})
    assert response.status_code == 200
    data = response.context["data"]
    # 22 Nov: nothing logged yet against the top tier's 5311
    assert [(row["name"], row["value"], row["standard"]) for row in data["items"]] == [
        ("phone_appointments", 0, 5),
        ("sales_interviews", 0, 3),
        ("recruiting_interviews", 0, 1),
        ("new_prospects", 0, 1),
        ("referrals", 0, None),
    ]
    assert data["logged"] is False and data["streak"] == 0
    assert [day["date"] for day in data["week"]][0] == date(2026, 11, 16)
    pacing = data["pacing"]
    # 250,000 for the quarter; by 22 Nov: October's 75,000 + 22/30 of November's 100,000 = 148,333.33
    assert (pacing["target_total"], pacing["expected"]) == (Decimal("250000.00"), Decimal("148333.33"))
    assert (pacing["actual_total"], pacing["attainment"], pacing["pace"]) == (
        Decimal("1000.00"),
        Decimal("0.0040"),
        Decimal("0.0067"),
    )
    today = response.context["figures"]["today"]
    bars, standard = today["data"]
    assert bars["x"][0] == "Phone appointments" and standard["y"] == [5, 3, 1, 1, None]
    assert today["layout"]["yaxis"]["title"]["text"] == "Count (次)"
    pacing_figure = response.context["figures"]["pacing"]
    assert pacing_figure["data"][0]["y"][-1] == 25.0  # 250,000 yuan in 万元

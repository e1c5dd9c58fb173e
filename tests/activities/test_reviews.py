"""The review rhythm: weekly summary (totals, process ratios) and the monthly activity-vs-results table."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from activities.models import ActivityPoints
from activities.selectors.reviews import monthly_table, weekly_summary
from tests.activities.review_data import MONDAY, SUNDAY, log, worked_week
from tests.factories import add_member
from tests.targets.plan_data import sell

pytestmark = pytest.mark.django_db

WEEKLY = "/api/v1/activities/reviews/weekly/"
MONTHLY = "/api/v1/activities/reviews/monthly/"
ZERO_ITEMS = {"phone_appointments": 0, "sales_interviews": 0, "recruiting_interviews": 0, "new_prospects": 0}


def english(client):
    client.cookies["django_language"] = "en"
    return client


def by_member(rows):
    return {row["member"]: row for row in rows}


# --- weekly summary -----------------------------------------------------------------------------------


def test_weekly_summary_of_a_team_sums_the_iso_week_and_gives_the_ratios(org):
    # Given the worked week (tests/activities/review_data.py)
    worked_week(org)
    # When the supervisor asks for team north-1, naming a Wednesday of the week
    summary = weekly_summary(
        tenant=org.tenant, actor=org.supervisor, unit_or_member=org.units["north1"], week_start=date(2026, 11, 4)
    )
    # Then the week is Monday to Sunday and each member's totals are as counted by hand
    assert (summary["start"], summary["end"]) == (MONDAY, SUNDAY)
    rows = by_member(summary["rows"])
    assert set(rows) == {org.supervisor.pk, org.agent.pk, org.agent2.pk}
    agent = rows[org.agent.pk]
    assert [agent[k] for k in ("phone_appointments", "sales_interviews", "recruiting_interviews")] == [15, 6, 1]
    assert [agent[k] for k in ("new_prospects", "referrals", "days_logged", "policies")] == [3, 1, 3, 3]
    # 6 / 15 interviews per appointment, 3 / 6 policies per interview
    assert agent["appointment_to_interview"] == 0.4
    assert agent["interview_to_policy"] == 0.5
    agent2 = rows[org.agent2.pk]
    assert (agent2["phone_appointments"], agent2["new_prospects"], agent2["days_logged"]) == (3, 1, 1)
    assert agent2["appointment_to_interview"] == 0.0
    assert agent2["interview_to_policy"] is None  # no interview: nothing to divide by
    supervisor = rows[org.supervisor.pk]
    assert supervisor["days_logged"] == 0
    assert supervisor["appointment_to_interview"] is None and supervisor["interview_to_policy"] is None
    # And the team's funnel is 18 → 6 → 3
    totals = summary["totals"]
    assert (totals["phone_appointments"], totals["sales_interviews"], totals["policies"]) == (18, 6, 3)
    assert totals["appointment_to_interview"] == 0.3333
    assert totals["interview_to_policy"] == 0.5


def test_weekly_api_for_one_member_and_for_the_callers_unit(org, api_client_for):
    # Given the worked week
    worked_week(org)
    client = api_client_for(org.supervisor)
    # When the supervisor asks for one agent
    one = client.get(WEEKLY, {"member": org.agent.pk, "week": "2026-11-08"})
    # Then one row for them, the Sunday belonging to the week that started on Monday 2 November
    assert one.status_code == 200
    body = one.json()
    assert (body["start"], body["end"]) == ("2026-11-02", "2026-11-08")
    assert [row["member"] for row in body["results"]] == [org.agent.pk]
    assert body["totals"]["policies"] == 3
    # And without unit or member: the caller's own team
    own = client.get(WEEKLY, {"week": "2026-11-02"}).json()
    assert {row["member"] for row in own["results"]} == {org.supervisor.pk, org.agent.pk, org.agent2.pk}


def test_a_supervisor_reviews_only_their_subtree(org, api_client_for):
    # Given the worked week
    worked_week(org)
    client = api_client_for(org.supervisor)
    # When the supervisor of north-1 asks for north-2, the branch, or an agent of north-2
    other_team = client.get(WEEKLY, {"unit": org.units["north2"].pk, "week": "2026-11-02"})
    branch = client.get(MONTHLY, {"unit": org.units["north"].pk, "month": "2026-11"})
    other_agent = client.get(WEEKLY, {"member": org.agent3.pk, "week": "2026-11-02"})
    # Then each is not found
    assert other_team.status_code == branch.status_code == other_agent.status_code == 404


def test_an_agent_sees_only_their_own_row(org, api_client_for):
    # Given the worked week
    worked_week(org)
    # When the agent asks for their team
    body = api_client_for(org.agent).get(WEEKLY, {"week": "2026-11-02"}).json()
    # Then only their own row is there
    assert [row["member"] for row in body["results"]] == [org.agent.pk]


def test_another_tenants_unit_or_member_is_not_found(org, other_org, api_client_for):
    # Given the other tenant's team and agent
    client = api_client_for(org.admin)
    # When tenant A's admin asks for them
    responses = [
        client.get(WEEKLY, {"unit": other_org.units["north1"].pk}),
        client.get(WEEKLY, {"member": other_org.agent.pk}),
        client.get(MONTHLY, {"unit": other_org.units["north1"].pk}),
    ]
    # Then all are 404, as a missing id would be
    assert [response.status_code for response in responses] == [404, 404, 404]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (WEEKLY, {"week": "2026-02-30"}, "week"),
        (WEEKLY, {"week": "next monday"}, "week"),
        (WEEKLY, {"unit": "north"}, "unit"),
        (WEEKLY, {"unit": 1, "member": 1}, "member"),
        (MONTHLY, {"month": "2026-13"}, "month"),
        (MONTHLY, {"month": "2026-11-01"}, "month"),
        (MONTHLY, {"month": "Nov"}, "month"),
    ],
)
def test_bad_query_parameters_are_field_errors(org, api_client_for, path, params, field):
    # When a review is asked with a malformed parameter
    response = english(api_client_for(org.supervisor)).get(path, params)
    # Then 400 names the field
    assert response.status_code == 400
    assert field in response.json()


# --- monthly table ------------------------------------------------------------------------------------


def test_monthly_table_sets_activity_and_points_against_policies_and_premium(org):
    # Given the worked week and the tenant's own points (2 / 5 / 4 / 1 / 3)
    worked_week(org)
    ActivityPoints.objects.create(
        tenant=org.tenant,
        phone_appointments=2,
        sales_interviews=5,
        recruiting_interviews=4,
        new_prospects=1,
        referrals=3,
    )
    # When the branch manager reads November for branch north
    table = monthly_table(tenant=org.tenant, actor=org.branch_manager, unit=org.units["north"], year=2026, month=11)
    # Then the month is 1–30 November and holds the branch's agents and supervisors
    assert (table["start"], table["end"]) == (date(2026, 11, 1), date(2026, 11, 30))
    rows = by_member(table["rows"])
    assert set(rows) == {org.supervisor.pk, org.agent.pk, org.agent2.pk, org.supervisor2.pk, org.agent3.pk}
    # agent: 15+9+9 = 33 appointments, 6+1 = 7 interviews, 1, 3, 1; 5 days (not 10-31)
    agent = rows[org.agent.pk]
    counts = [agent[k] for k in ("phone_appointments", "sales_interviews", "recruiting_interviews")]
    assert counts == [33, 7, 1]
    assert (agent["new_prospects"], agent["referrals"], agent["days_logged"]) == (3, 1, 5)
    # points 33×2 + 7×5 + 1×4 + 3×1 + 1×3 = 66 + 35 + 4 + 3 + 3 = 111
    assert agent["points"] == 111
    # policies 2 + 1 + 1 (not October's); premium 5000.00 + 1200.50 + 800.00
    assert agent["policies"] == 4
    assert agent["premium"] == Decimal("7000.50")
    # agent3: 20×2 + 4×5 + 6×1 = 66 points, no sale
    assert (rows[org.agent3.pk]["points"], rows[org.agent3.pk]["premium"]) == (66, Decimal("0.00"))
    # totals: points 111 + 66 + agent2 (3×2 + 1×1 = 7) + supervisor2 (5×2 = 10) = 194
    assert table["totals"]["points"] == 194
    assert table["totals"]["premium"] == Decimal("7000.50")


def test_monthly_api_answers_the_table_with_default_points(org, api_client_for):
    # Given the worked week and no points row (the defaults 1/3/3/2/2 apply)
    worked_week(org)
    # When the supervisor asks for November
    response = api_client_for(org.supervisor).get(MONTHLY, {"month": "2026-11"})
    # Then the agent has 33 + 21 + 3 + 6 + 2 = 65 points and 7000.50 premium, and no points row was written
    assert response.status_code == 200
    body = response.json()
    agent = by_member(body["results"])[org.agent.pk]
    assert (agent["points"], agent["policies"], agent["premium"]) == (65, 4, "7000.50")
    assert body["points"] == {
        "phone_appointments": 1,
        "sales_interviews": 3,
        "recruiting_interviews": 3,
        "new_prospects": 2,
        "referrals": 2,
    }
    assert not ActivityPoints.objects.exists()


def test_review_queries_stay_flat_when_the_org_grows(org):
    # Given the worked week, counted once
    worked_week(org)

    def count_queries():
        with CaptureQueriesContext(connection) as weekly:
            weekly_summary(tenant=org.tenant, actor=org.admin, unit_or_member=org.units["company"], week_start=MONDAY)
        with CaptureQueriesContext(connection) as monthly:
            monthly_table(tenant=org.tenant, actor=org.admin, unit=org.units["company"], year=2026, month=11)
        return len(weekly), len(monthly)

    before = count_queries()
    # When 20 more agents join with logs and sales
    for number in range(20):
        member = add_member(org.tenant, f"acme-extra{number}", "agent", org.units["south1"])
        log(org, member, MONDAY, 1, 1, 0, 0, 0)
        sell(org, member, "100.00", MONDAY)
    # Then the reads cost the same number of queries (3 weekly, 4 monthly)
    assert count_queries() == before == (3, 4)


# --- page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "branch_manager", "manager", "admin"])
def test_the_review_page_renders_for_leaders(org, client, role):
    # Given the worked week and a leader logged in
    worked_week(org)
    client.force_login(getattr(org, role).user)
    # When they open the review page for the week and month
    response = client.get("/activities/reviews/", {"week": "2026-11-02", "month": "2026-11"})
    # Then both tables and the funnel are there, and the navigation offers the page
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="weekly"' in html and 'data-field="monthly"' in html
    assert 'id="funnel-chart-data"' in html
    assert 'data-nav="activities-reviews"' in html


def test_the_review_page_is_refused_to_agents(org, client):
    client.force_login(org.agent.user)
    assert client.get("/activities/reviews/").status_code == 403


def test_the_weekly_and_monthly_tables_export_to_excel(org, client):
    # Given the worked week and the supervisor logged in
    worked_week(org)
    client.force_login(org.supervisor.user)
    # When both exports are asked for
    weekly = client.get("/activities/reviews/weekly.xlsx", {"week": "2026-11-02"})
    monthly = client.get("/activities/reviews/monthly.xlsx", {"month": "2026-11"})
    # Then both are XLSX files of the team
    for response, rows in ((weekly, 3), (monthly, 3)):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(BytesIO(response.content)).active
        assert sheet.max_row == rows + 1  # the header and one row per member


def test_exports_of_another_tenants_unit_are_not_found(org, other_org, client):
    client.force_login(org.admin.user)
    response = client.get("/activities/reviews/weekly.xlsx", {"unit": other_org.units["north1"].pk})
    assert response.status_code == 404

"""Points per item and the hero board: Σ item × points, deterministic ranking, periods, scope and tenants."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import ActivityPoints
from activities.selectors.leaderboard import leaderboard, points_for, rank_rows
from tests.activities.review_data import log, worked_week
from tests.factories import add_member

pytestmark = pytest.mark.django_db

BOARD = "/api/v1/activities/leaderboard/"
POINTS = "/api/v1/activities/points/"
DEFAULTS = {
    "phone_appointments": 1,
    "sales_interviews": 3,
    "recruiting_interviews": 3,
    "new_prospects": 2,
    "referrals": 2,
}


def english(client):
    client.cookies["django_language"] = "en"
    return client


def ranking(rows):
    return [(row["rank"], row["member"], row["points"]) for row in rows]


# --- points -------------------------------------------------------------------------------------------


def test_a_tenant_without_points_reads_the_defaults_and_nothing_is_written(org, api_client_for):
    # When an agent reads the points of a tenant that has set none
    response = api_client_for(org.agent).get(POINTS)
    # Then the defaults answer, and no row was created by reading
    assert response.status_code == 200
    assert response.json() == DEFAULTS
    assert points_for(org.tenant) == DEFAULTS
    assert not ActivityPoints.objects.exists()


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_the_admin_or_a_company_manager_sets_points(org, api_client_for, role):
    # When the tenant admin or the company-level manager sets two items
    client = api_client_for(getattr(org, role))
    response = client.put(POINTS, {"phone_appointments": 2, "referrals": 0}, format="json")
    # Then those change, the others keep their defaults, and one row holds them
    assert response.status_code == 200
    assert response.json() == {**DEFAULTS, "phone_appointments": 2, "referrals": 0}
    # And setting again updates that row
    client.put(POINTS, {"sales_interviews": 10}, format="json")
    assert ActivityPoints.objects.filter(tenant=org.tenant).count() == 1
    assert points_for(org.tenant) == {**DEFAULTS, "phone_appointments": 2, "referrals": 0, "sales_interviews": 10}


@pytest.mark.parametrize("role", ["agent", "supervisor", "branch_manager"])
def test_others_may_not_set_points(org, api_client_for, role):
    # When an agent, a supervisor or a branch manager PUTs points
    response = api_client_for(getattr(org, role)).put(POINTS, {"phone_appointments": 50}, format="json")
    # Then 403 and nothing saved
    assert response.status_code == 403
    assert not ActivityPoints.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone_appointments": -1}, "phone_appointments"),
        ({"sales_interviews": 101}, "sales_interviews"),
        ({"referrals": 2.5}, "referrals"),
        ({"new_prospects": "many"}, "new_prospects"),
        ({"recruiting_interviews": None}, "recruiting_interviews"),
        ({"phone_appointments": 5, "calls": 3}, "calls"),
    ],
)
def test_bad_points_are_field_errors_and_nothing_is_saved(org, api_client_for, body, field):
    # Given points already set
    ActivityPoints.objects.create(tenant=org.tenant, phone_appointments=4)
    # When the admin PUTs a bad value (alongside a good one in the last case)
    response = english(api_client_for(org.admin)).put(POINTS, body, format="json")
    # Then 400 names the field and the stored points are unchanged
    assert response.status_code == 400
    assert field in response.json()
    assert points_for(org.tenant) == {**DEFAULTS, "phone_appointments": 4}


def test_the_boundaries_0_and_100_are_accepted(org, api_client_for):
    response = api_client_for(org.admin).put(POINTS, {"phone_appointments": 0, "sales_interviews": 100}, format="json")
    assert response.status_code == 200
    assert points_for(org.tenant)["sales_interviews"] == 100


def test_points_of_another_tenant_are_its_own(org, other_org, api_client_for):
    # Given tenant B set its points
    api_client_for(other_org.admin).put(POINTS, {"phone_appointments": 9}, format="json")
    # Then tenant A still reads the defaults
    assert api_client_for(org.admin).get(POINTS).json() == DEFAULTS


# --- ranking ------------------------------------------------------------------------------------------


def test_rank_rows_breaks_ties_by_sales_interviews_then_shares_the_rank():
    rows = [
        {"member": 5, "points": 10, "sales_interviews": 1},
        {"member": 3, "points": 10, "sales_interviews": 1},
        {"member": 9, "points": 12, "sales_interviews": 0},
        {"member": 1, "points": 10, "sales_interviews": 2},
        {"member": 2, "points": 4, "sales_interviews": 0},
    ]
    ranked = rank_rows(rows)
    # 12 first; of the three 10s, 2 interviews first, then 3 and 5 share rank 3 (listed by id); 4 is fifth
    assert [(row["rank"], row["member"]) for row in ranked] == [(1, 9), (2, 1), (3, 3), (3, 5), (5, 2)]


def test_branch_board_of_the_worked_week_with_default_points(org):
    # Given the worked week (tests/activities/review_data.py), default points 1/3/3/2/2
    worked_week(org)
    # When the branch manager reads branch north's weekly board
    board = leaderboard(
        tenant=org.tenant, actor=org.branch_manager, scope="branch", period="week", start=date(2026, 11, 5)
    )
    # Then: agent 15 + 18 + 3 + 6 + 2 = 44 (6 interviews); agent3 20 + 12 + 12 = 44 (4 interviews) → second;
    # agent2 3 + 2 = 5 and supervisor2 5, both 0 interviews → share rank 3, agent2 (lower id) first;
    # supervisor 0 → rank 5. The manager (not a logging role) is not on the board.
    assert board["unit"] == org.units["north"]
    assert (board["start"], board["end"]) == (date(2026, 11, 2), date(2026, 11, 8))
    assert ranking(board["rows"]) == [
        (1, org.agent.pk, 44),
        (2, org.agent3.pk, 44),
        (3, org.agent2.pk, 5),
        (3, org.supervisor2.pk, 5),
        (5, org.supervisor.pk, 0),
    ]
    assert org.agent2.pk < org.supervisor2.pk


def test_tenant_set_points_change_the_board(org):
    # Given the worked week and points 2 / 5 / 4 / 1 / 3
    worked_week(org)
    ActivityPoints.objects.create(
        tenant=org.tenant,
        phone_appointments=2,
        sales_interviews=5,
        recruiting_interviews=4,
        new_prospects=1,
        referrals=3,
    )
    # When the agent reads their team's weekly board
    board = leaderboard(tenant=org.tenant, actor=org.agent, scope="team", period="week", start=date(2026, 11, 2))
    # Then agent 30 + 30 + 4 + 3 + 3 = 70, agent2 6 + 1 = 7, supervisor 0
    assert ranking(board["rows"]) == [(1, org.agent.pk, 70), (2, org.agent2.pk, 7), (3, org.supervisor.pk, 0)]


def test_the_month_counts_every_day_of_the_month(org, api_client_for):
    # Given the worked week (plus the agent's logs of 1 and 9 November, and of 31 October)
    worked_week(org)
    client = api_client_for(org.agent)
    # When the team board is read for the week and for the month
    week = client.get(BOARD, {"scope": "team", "period": "week", "date": "2026-11-02"}).json()
    month = client.get(BOARD, {"scope": "team", "period": "month", "date": "2026-11-20"}).json()
    # Then the week gives the agent 44 and the month 33 + 21 + 3 + 6 + 2 = 65 (October's 50 not counted)
    assert (week["start"], week["end"]) == ("2026-11-02", "2026-11-08")
    assert (month["start"], month["end"]) == ("2026-11-01", "2026-11-30")
    assert week["results"][0] == {
        "rank": 1,
        "member": org.agent.pk,
        "name": org.agent.display_name,
        "unit": org.units["north1"].name,
        "points": 44,
        "phone_appointments": 15,
        "sales_interviews": 6,
        "recruiting_interviews": 1,
        "new_prospects": 3,
        "referrals": 1,
        "days_logged": 3,
    }
    assert (month["results"][0]["member"], month["results"][0]["points"]) == (org.agent.pk, 65)


def test_the_week_starts_on_monday_in_the_tenants_time_zone(org, api_client_for, monkeypatch):
    # Given it is Sunday 8 November 17:00 UTC — already Monday 9 November 01:00 in Asia/Shanghai
    worked_week(org)
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2026, 11, 8, 17, 0, tzinfo=UTC))
    # When the agent reads this week's board without a date
    body = api_client_for(org.agent).get(BOARD, {"scope": "team"}).json()
    # Then the week is the tenant's: Monday 9 to Sunday 15 November, holding only the 9th (9 + 3 = 12)
    assert (body["start"], body["end"]) == ("2026-11-09", "2026-11-15")
    assert (body["results"][0]["member"], body["results"][0]["points"]) == (org.agent.pk, 12)


def test_limit_keeps_the_top_rows(org, api_client_for):
    worked_week(org)
    body = api_client_for(org.admin).get(BOARD, {"scope": "company", "date": "2026-11-02", "limit": 2}).json()
    assert [row["member"] for row in body["results"]] == [org.agent.pk, org.agent3.pk]


# --- who sees which board -----------------------------------------------------------------------------


def test_an_agent_sees_their_team_branch_and_company_boards(org, api_client_for):
    # Given the worked week
    worked_week(org)
    client = api_client_for(org.agent)
    # When the agent of north-1 reads each scope without naming a unit
    units = {
        scope: client.get(BOARD, {"scope": scope, "date": "2026-11-02"}).json()["unit"]["id"]
        for scope in ("team", "branch", "company")
    }
    # Then each is the unit on their own path
    assert units == {
        "team": org.units["north1"].pk,
        "branch": org.units["north"].pk,
        "company": org.units["company"].pk,
    }
    # And the company board lists the company's agents and supervisors, from every branch
    company = client.get(BOARD, {"scope": "company", "date": "2026-11-02"}).json()["results"]
    assert {row["member"] for row in company} == {
        org.agent.pk,
        org.agent2.pk,
        org.agent3.pk,
        org.agent4.pk,
        org.supervisor.pk,
        org.supervisor2.pk,
    }


def test_an_agent_may_not_open_another_teams_board(org, api_client_for):
    # When the agent of north-1 names team north-2 or branch south
    client = api_client_for(org.agent)
    other_team = client.get(BOARD, {"scope": "team", "unit": org.units["north2"].pk})
    other_branch = client.get(BOARD, {"scope": "branch", "unit": org.units["south"].pk})
    # Then both are not found
    assert other_team.status_code == other_branch.status_code == 404


def test_a_leader_opens_the_boards_of_their_subtree(org, api_client_for):
    # When the branch manager of north names team north-2
    response = api_client_for(org.branch_manager).get(BOARD, {"scope": "team", "unit": org.units["north2"].pk})
    # Then it is their subtree's board
    assert response.status_code == 200
    assert response.json()["unit"]["id"] == org.units["north2"].pk


def test_a_unit_of_another_kind_than_the_scope_is_not_found(org, api_client_for):
    response = api_client_for(org.admin).get(BOARD, {"scope": "team", "unit": org.units["north"].pk})
    assert response.status_code == 404


def test_a_company_manager_asking_for_a_team_board_must_name_a_team(org, api_client_for):
    response = english(api_client_for(org.manager)).get(BOARD, {"scope": "team"})
    assert response.status_code == 400
    assert "unit" in response.json()


def test_boards_never_list_another_tenants_members(org, other_org, api_client_for):
    # Given both tenants' worked weeks
    worked_week(org)
    worked_week(other_org)
    # When tenant A's admin reads the company board, and names tenant B's company and team
    client = api_client_for(org.admin)
    board = client.get(BOARD, {"scope": "company", "date": "2026-11-02"}).json()
    foreign_company = client.get(BOARD, {"scope": "company", "unit": other_org.units["company"].pk})
    foreign_team = client.get(BOARD, {"scope": "team", "unit": other_org.units["north1"].pk})
    # Then the board holds only tenant A's members, and B's units are not found
    other_members = {member.pk for member in other_org.members.values()}
    assert board["results"] and not {row["member"] for row in board["results"]} & other_members
    assert foreign_company.status_code == foreign_team.status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"scope": "region"}, "scope"),
        ({"period": "year"}, "period"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"unit": "north"}, "unit"),
        ({"limit": 0}, "limit"),
    ],
)
def test_bad_board_parameters_are_field_errors(org, api_client_for, params, field):
    response = english(api_client_for(org.agent)).get(BOARD, params)
    assert response.status_code == 400
    assert field in response.json()


def test_board_queries_stay_flat_when_the_org_grows(org):
    # Given the worked week
    worked_week(org)

    def count():
        with CaptureQueriesContext(connection) as queries:
            leaderboard(tenant=org.tenant, actor=org.admin, scope="company", period="month", start=date(2026, 11, 2))
        return len(queries)

    before = count()
    # When 20 more agents join and log
    for number in range(20):
        member = add_member(org.tenant, f"acme-extra{number}", "agent", org.units["south1"])
        log(org, member, date(2026, 11, 3), 2, 1, 0, 0, 0)
    # Then the board costs the same queries (unit, points, members, totals)
    assert count() == before == 4


# --- page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("agent", "team"),
        ("supervisor", "branch"),
        ("branch_manager", "branch"),
        ("manager", "company"),
        ("admin", "company"),
    ],
)
def test_the_hero_board_page_renders_per_role(org, client, role, scope):
    # Given the worked week and a member logged in
    worked_week(org)
    client.force_login(getattr(org, role).user)
    # When they open the monthly board of their scope
    response = client.get("/activities/hero-board/", {"scope": scope, "period": "month", "date": "2026-11-02"})
    # Then the table, the chart and the navigation entry are there
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="board"' in html
    assert 'id="hero-chart-data"' in html
    assert 'data-nav="activities-hero-board"' in html


def test_the_hero_board_page_explains_a_missing_team(org, client):
    # Given the company manager, who belongs to no team
    client.cookies["django_language"] = "en"
    client.force_login(org.manager.user)
    # When they open the team tab
    response = client.get("/activities/hero-board/", {"scope": "team"})
    # Then the page says to choose one instead of failing
    assert response.status_code == 200
    assert 'data-field="problem"' in response.content.decode()


def test_the_hero_board_page_is_refused_to_bank_staff(org, client):
    client.force_login(org.bank.user)
    assert client.get("/activities/hero-board/").status_code == 403

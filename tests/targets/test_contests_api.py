"""The contests API: list, create, detail, standings; bad input, role scope, cross-tenant.

Facts: tests/targets/test_contests.py's sales, seen on Sunday 22 Nov 2026
(``tenant_today`` is pinned there). Last week (9–15 Nov): agent 3 policies,
agent2 3, agent3 1, agent4 0.
"""

from __future__ import annotations

from datetime import date

import pytest

from targets.models import Contest, ContestStanding
from targets.services import contests as services
from tests.dashboards.rollup_data import sale
from tests.targets.test_contests import TODAY, make, write_sales

URL = "/api/v1/contests/"
GOOD = {
    "name": "周冠军",
    "measure": "policies",
    "rule": "top",
    "top_n": 1,
    "starts_on": "2026-11-09",
    "ends_on": "2026-11-15",
}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("targets.apis.contests.tenant_today", lambda tenant: TODAY)


@pytest.fixture
def api_client_for(api_client_for):
    """Messages in English: the API answers in the tenant's language (Chinese) otherwise."""

    def make_client(member):
        client = api_client_for(member)
        client.cookies["django_language"] = "en"
        return client

    return make_client


@pytest.fixture
def week(org):
    return write_sales(org)


def test_create_then_read_it_back(org, api_client_for):
    client = api_client_for(org.manager)
    response = client.post(URL, {**GOOD, "prize": "300 元"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    contest = Contest.objects.get()
    assert body == {
        "id": contest.pk,
        "name": "周冠军",
        "measure": "policies",
        "rule": "top",
        "starts_on": "2026-11-09",
        "ends_on": "2026-11-15",
        "status": "ended",
        "top_n": 1,
        "threshold": None,
        "unit": None,
        "unit_name": None,
        "prize": "300 元",
        "created_by": org.manager.pk,
        "frozen_at": None,
        "standings_changed": False,
    }
    detail = client.get(f"{URL}{contest.pk}/").json()
    # Reading an ended contest freezes it on the spot.
    assert detail["frozen_at"] is not None and detail["standings_changed"] is False
    assert ContestStanding.objects.filter(contest=contest).count() == 4


def test_a_threshold_contest_for_a_unit(org, api_client_for):
    body = {**GOOD, "rule": "threshold", "threshold": "2.50", "unit": org.units["north1"].pk}
    response = api_client_for(org.supervisor).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["threshold"] == "2.50" and response.json()["unit_name"] == "acme-north-1"


def test_standings_are_a_plain_list_with_live_figures(week, api_client_for):
    contest = make(week, rule="top", top_n=1)
    response = api_client_for(week.agent4).get(f"{URL}{contest.pk}/standings/")
    assert response.status_code == 200
    rows = response.json()
    # 3, 3, 1, 0 → ranks 1, 1, 3, 4; a count is a whole number.
    assert [(r["rank"], r["member"], r["value"], r["winner"], r["live_rank"], r["live_value"]) for r in rows] == [
        (1, week.agent.pk, "3", True, 1, "3"),
        (1, week.agent2.pk, "3", True, 1, "3"),
        (3, week.agent3.pk, "1", False, 3, "1"),
        (4, week.agent4.pk, "0", False, 4, "0"),
    ]
    assert rows[0]["member_name"] == "acme-agent-名" and rows[0]["unit_name"] == "acme-north-1"


def test_premium_is_a_decimal_string(week, api_client_for):
    contest = make(week, measure="premium", rule="top", top_n=1)
    rows = api_client_for(week.manager).get(f"{URL}{contest.pk}/standings/").json()
    # 2,000.00 (agent3), 1,500.00 (agent), 900.00 (agent2), 0 (agent4).
    assert [row["value"] for row in rows] == ["2000.00", "1500.00", "900.00", "0.00"]


def test_a_late_correction_after_the_freeze_is_flagged_not_reranked(week, api_client_for):
    contest = make(week, rule="top", top_n=1)
    client = api_client_for(week.agent)
    frozen = client.get(f"{URL}{contest.pk}/standings/").json()  # freezes it
    sale(week, week.agent3, date(2026, 11, 14), "1200.00", policies=4)  # agent3: 1 + 4 = 5
    rows = client.get(f"{URL}{contest.pk}/standings/").json()
    assert [(r["rank"], r["value"], r["winner"]) for r in rows] == [
        (r["rank"], r["value"], r["winner"]) for r in frozen
    ]
    assert [(r["live_rank"], r["live_value"]) for r in rows] == [(2, "3"), (2, "3"), (1, "5"), (4, "0")]
    assert client.get(f"{URL}{contest.pk}/").json()["standings_changed"] is True
    listed = client.get(URL).json()["results"]
    assert [(c["id"], c["standings_changed"]) for c in listed] == [(contest.pk, True)]


def test_list_filters_by_status_and_is_paginated(org, api_client_for):
    ended = make(org, name="上周")
    running = make(org, name="本周", starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 22))
    upcoming = make(org, name="下周", starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 29))
    client = api_client_for(org.agent)
    body = client.get(URL).json()
    assert set(body) == {"count", "next", "previous", "results"}
    # Newest first.
    assert [c["id"] for c in body["results"]] == [upcoming.pk, running.pk, ended.pk]
    for status, contest in (("ended", ended), ("running", running), ("upcoming", upcoming)):
        results = client.get(URL, {"status": status}).json()["results"]
        assert [(c["id"], c["status"]) for c in results] == [(contest.pk, status)]
    assert client.get(URL, {"status": "soon"}).status_code == 400


def test_list_queries_do_not_grow_with_members(week, api_client_for, django_assert_max_num_queries):
    make(week, name="本周", starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 22))
    ended = make(week, name="上周")
    client = api_client_for(week.manager)
    client.get(f"{URL}{ended.pk}/")  # frozen now
    # The request's savepoint and release (2), token and member (2), count, page, the frozen rows,
    # the ended contest's live standings (participants, sales): 9, however many agents take part.
    with django_assert_max_num_queries(9):
        assert client.get(URL).status_code == 200
    # 2 + 2, the contest, the frozen rows, participants, sales.
    with django_assert_max_num_queries(8):
        assert client.get(f"{URL}{ended.pk}/standings/").status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2026-11-01"}, "ends_on"),
        ({"rule": "threshold"}, "threshold"),
        ({"rule": "threshold", "threshold": "0"}, "threshold"),
        ({"rule": "threshold", "threshold": "-1"}, "threshold"),
        ({"threshold": "-1"}, "threshold"),
        ({"top_n": 0}, "top_n"),
        ({"measure": "lottery"}, "measure"),
        ({"rule": "random"}, "rule"),
        ({"measure": "first_policy", "rule": "top"}, "rule"),
        ({"starts_on": "someday"}, "starts_on"),
        ({"name": ""}, "name"),
        ({"unit": 10**9}, "unit"),
    ],
)
def test_bad_input_is_a_400_by_field_and_nothing_is_saved(org, api_client_for, change, field):
    response = api_client_for(org.admin).post(URL, {**GOOD, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Contest.objects.count() == 0


def test_an_overlapping_contest_of_the_same_name_is_a_400_on_name(org, api_client_for):
    client = api_client_for(org.admin)
    assert client.post(URL, GOOD, format="json").status_code == 201
    response = client.post(
        URL, {**GOOD, "name": "周冠军", "starts_on": "2026-11-15", "ends_on": "2026-11-20"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "name": ["A contest named “周冠军” already runs from 2026-11-09 to 2026-11-15: choose another name or days."]
    }
    assert Contest.objects.count() == 1


def test_role_scope_of_creating(org, api_client_for):
    north1, south1 = org.units["north1"].pk, org.units["south1"].pk
    assert api_client_for(org.agent).post(URL, {**GOOD, "unit": north1}, format="json").status_code == 403
    assert api_client_for(org.agent).post(URL, {"name": ""}, format="json").status_code == 403
    assert api_client_for(org.bank).post(URL, GOOD, format="json").status_code == 403
    supervisor = api_client_for(org.supervisor)
    assert supervisor.post(URL, GOOD, format="json").status_code == 403  # tenant-wide
    response = supervisor.post(URL, {**GOOD, "unit": south1}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["unit"]
    assert Contest.objects.count() == 0
    assert supervisor.post(URL, {**GOOD, "unit": north1}, format="json").status_code == 201
    assert api_client_for(org.branch_manager).post(URL, {**GOOD, "name": "x"}, format="json").status_code == 403
    assert api_client_for(org.manager).post(URL, {**GOOD, "name": "全司"}, format="json").status_code == 201


def test_role_scope_of_reading_a_unit_contest(org, api_client_for):
    contest = services.contest_create(
        tenant=org.tenant,
        actor=org.supervisor,
        name="一组周冠军",
        measure="policies",
        unit_id=org.units["north1"].pk,
        starts_on=date(2026, 11, 16),
        ends_on=date(2026, 11, 22),
    )
    for member in (org.agent, org.supervisor, org.branch_manager, org.manager, org.admin):
        client = api_client_for(member)
        assert [c["id"] for c in client.get(URL).json()["results"]] == [contest.pk]
        assert client.get(f"{URL}{contest.pk}/").status_code == 200
        rows = client.get(f"{URL}{contest.pk}/standings/").json()
        assert [row["member"] for row in rows] == [org.agent.pk, org.agent2.pk]
    for member in (org.agent3, org.supervisor2, org.agent4, org.bank):
        client = api_client_for(member)
        assert client.get(URL).json()["results"] == []
        assert client.get(f"{URL}{contest.pk}/").status_code == 404
        assert client.get(f"{URL}{contest.pk}/standings/").status_code == 404


def test_another_tenants_contest_is_a_404_and_never_listed(org, other_org, api_client_for):
    theirs = make(other_org, name="博尔特周冠军")
    ours = make(org, name="周冠军")
    client = api_client_for(org.admin)
    assert [c["id"] for c in client.get(URL).json()["results"]] == [ours.pk]
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.get(f"{URL}{theirs.pk}/standings/").status_code == 404
    # Reading from the wrong tenant froze nothing of theirs.
    theirs.refresh_from_db()
    assert theirs.frozen_at is None


def test_an_anonymous_caller_is_401(db, client):
    assert client.get(URL).status_code == 401
    assert client.post(URL, GOOD, format="json").status_code == 401

"""The monthly unit evaluation: figures, ranks, the month before, publication, the API, scope.

Two months of facts on tests/factories.py's org, plus a team south-2 (under
branch south) and two more agents: agent5 in south-1, agent6 in south-2.
Activity is the five work-log items summed.

September 2026::

    north-1  agent  log 4          1 policy    agent2  log 2+2   1 policy
    north-2  agent3 log 3
    south-1  agent4 log 5+3+1+1    1 policy    agent5  —
    south-2  agent6 —

October 2026::

    north-1  agent  log 5+3+1+1    2 policies  agent2  log 3+3
    north-2  agent3 log 4+4        1 policy
    south-1  agent4 log 6+6        3 policies  agent5  log 5+3
    south-2  agent6 log 4          1 policy

Teams bank and renewals have no agents: listed last, unranked. The facts
are rolled up by a rebuild of both months (every unit gets its month row).
"""

from datetime import date
from decimal import Decimal

import pytest

from dashboards.models import Grain, Rollup, Scope
from dashboards.services import rollups
from salesops.org.models import Member, OrgUnit
from targets.models import UnitEvaluation, UnitEvaluationRow
from targets.selectors import unit_evaluations as selectors
from targets.services import unit_evaluations as services
from tests.dashboards.rollup_data import log, sale
from tests.factories import add_member, add_unit

TODAY = date(2026, 11, 22)
SEPTEMBER = date(2026, 9, 1)
OCTOBER = date(2026, 10, 1)
URL = "/api/v1/unit-evaluations/"
TEAM_NAMES = ["north-2", "south-1", "north-1", "south-2", "bank", "renewals"]


def write_two_months(org):
    """Write the facts of the module docstring and roll both months up."""
    tenant = org.tenant
    org.units["south2"] = add_unit(tenant, f"{tenant.slug}-south-2", OrgUnit.Kind.TEAM, org.units["south"])
    org.members["agent5"] = add_member(tenant, f"{tenant.slug}-agent5", Member.Role.AGENT, org.units["south1"])
    org.members["agent6"] = add_member(tenant, f"{tenant.slug}-agent6", Member.Role.AGENT, org.units["south2"])
    log(org, org.agent, date(2026, 9, 10), phone_appointments=4)
    log(org, org.agent2, date(2026, 9, 10), phone_appointments=2, sales_interviews=2)
    sale(org, org.agent, date(2026, 9, 12), "1000.00")
    sale(org, org.agent2, date(2026, 9, 14), "800.00")
    log(org, org.agent3, date(2026, 9, 11), new_prospects=3)
    log(
        org,
        org.agent4,
        date(2026, 9, 15),
        phone_appointments=5,
        sales_interviews=3,
        recruiting_interviews=1,
        new_prospects=1,
    )
    sale(org, org.agent4, date(2026, 9, 16), "600.00")

    log(
        org,
        org.agent,
        date(2026, 10, 5),
        phone_appointments=5,
        sales_interviews=3,
        recruiting_interviews=1,
        new_prospects=1,
    )
    log(org, org.agent2, date(2026, 10, 6), phone_appointments=3, referrals=3)
    sale(org, org.agent, date(2026, 10, 7), "1200.00")
    sale(org, org.agent, date(2026, 10, 20), "900.00")
    log(org, org.agent3, date(2026, 10, 8), phone_appointments=4, sales_interviews=4)
    sale(org, org.agent3, date(2026, 10, 9), "700.00")
    log(org, org.agent4, date(2026, 10, 12), phone_appointments=6, sales_interviews=6)
    log(org, org.agent5, date(2026, 10, 13), phone_appointments=5, new_prospects=3)
    sale(org, org.agent4, date(2026, 10, 14), "3000.00", policies=3)
    log(org, org.agent6, date(2026, 10, 15), phone_appointments=4)
    sale(org, org.agent6, date(2026, 10, 16), "500.00")
    rollups.rebuild(tenant=tenant, start=SEPTEMBER, end=date(2026, 10, 31))
    return org


@pytest.fixture
def today(monkeypatch):
    for module in ("targets.apis.unit_evaluations", "targets.pages.unit_evaluations"):
        monkeypatch.setattr(f"{module}.tenant_today", lambda tenant: TODAY)
    return TODAY


@pytest.fixture
def two_months(org, today):
    return write_two_months(org)


@pytest.fixture
def api_client_for(api_en):
    return api_en


def short(name: str) -> str:
    return name.split("-", 1)[1]


def by_name(rows) -> dict:
    return {short(row["name"]): row for row in rows}


def publish(org, month=OCTOBER, actor=None):
    return services.unit_evaluation_publish(tenant=org.tenant, actor=actor or org.manager, month=month, today=TODAY)


# --- ranking ---------------------------------------------------------------------------------------------------


def test_competition_ranking_shares_ties_and_skips_the_places_they_take():
    assert selectors.competition_ranks([-8, -10, -8, -4]) == [2, 1, 2, 4]
    assert selectors.competition_ranks([5, 7, 5, 7]) == [1, 3, 1, 3]
    assert selectors.competition_ranks([]) == []


def test_october_teams_are_ranked_on_each_measure_and_overall_by_the_rank_sum(two_months):
    evaluation = selectors.unit_evaluation(tenant=two_months.tenant, month=OCTOBER, kind="team")
    rows = evaluation.rows
    assert not evaluation.published
    # Ranked by overall rank, ties by name; the teams without agents last.
    assert [short(row["name"]) for row in rows] == TEAM_NAMES
    teams = by_name(rows)
    # north-1: 2 agents; activity 10 + 6 = 16 → 8.0000; producers 1 (agent) → 0.5000; 2 policies → 1.0000
    # north-2: 1 agent; activity 8 → 8.0000; producers 1 → 1.0000; 1 policy → 1.0000
    # south-1: 2 agents; activity 12 + 8 = 20 → 10.0000; producers 1 (agent4) → 0.5000; 3 policies → 1.5000
    # south-2: 1 agent; activity 4 → 4.0000; producers 1 → 1.0000; 1 policy → 1.0000
    expected = {
        "north-1": (2, 1, 2, 16, "8.0000", "0.5000", "1.0000"),
        "north-2": (1, 1, 1, 8, "8.0000", "1.0000", "1.0000"),
        "south-1": (2, 1, 3, 20, "10.0000", "0.5000", "1.5000"),
        "south-2": (1, 1, 1, 4, "4.0000", "1.0000", "1.0000"),
    }
    for name, (agents, producers, policies, activity, per_agent, rate, policies_per_agent) in expected.items():
        row = teams[name]
        assert (row["agents"], row["producers"], row["policies"], row["activity"]) == (
            agents,
            producers,
            policies,
            activity,
        ), name
        assert row["activity_per_agent"] == Decimal(per_agent), name
        assert row["active_producer_rate"] == Decimal(rate), name
        assert row["policies_per_agent"] == Decimal(policies_per_agent), name
    # Activity per agent 10 > 8 = 8 > 4: south-1 1, north-1 and north-2 share 2, south-2 4.
    # 举绩率 1.0 = 1.0 > 0.5 = 0.5: north-2 and south-2 share 1, north-1 and south-1 share 3.
    # Policies per agent 1.5 > 1.0 = 1.0 = 1.0: south-1 1, the other three share 2.
    # Sums: south-1 1+3+1 = 5, north-2 2+1+2 = 5, north-1 2+3+2 = 7, south-2 4+1+2 = 7 → ranks 1, 1, 3, 3.
    ranks = {
        name: (row["activity_rank"], row["producer_rank"], row["policies_rank"], row["rank_sum"], row["rank"])
        for name, row in teams.items()
    }
    assert ranks == {
        "south-1": (1, 3, 1, 5, 1),
        "north-2": (2, 1, 2, 5, 1),
        "north-1": (2, 3, 2, 7, 3),
        "south-2": (4, 1, 2, 7, 3),
        "bank": (None, None, None, None, None),
        "renewals": (None, None, None, None, None),
    }
    assert teams["bank"]["agents"] == 0 and teams["bank"]["activity_per_agent"] is None


def test_september_stands_beside_october_with_the_change_of_rank(two_months):
    rows = by_name(selectors.unit_evaluation(tenant=two_months.tenant, month=OCTOBER, kind="team").rows)
    # September: north-1 activity 4+4 = 8 / 2 = 4.0000, 举绩率 2/2 = 1.0000, 2/2 = 1.0000 policies per agent;
    # north-2 3 / 1 = 3.0000, 0, 0; south-1 10 / 2 = 5.0000, 1/2 = 0.5000, 1/2 = 0.5000; south-2 0, 0, 0.
    # Ranks: activity south-1 1, north-1 2, north-2 3, south-2 4; 举绩率 north-1 1, south-1 2, north-2 and
    # south-2 3; policies the same. Sums north-1 2+1+1 = 4, south-1 1+2+2 = 5, north-2 9, south-2 10.
    assert rows["north-1"]["previous"] == {
        "activity_per_agent": Decimal("4.0000"),
        "active_producer_rate": Decimal("1.0000"),
        "policies_per_agent": Decimal("1.0000"),
        "rank": 1,
    }
    assert rows["south-1"]["previous"]["activity_per_agent"] == Decimal("5.0000")
    assert rows["south-2"]["previous"]["activity_per_agent"] == Decimal("0.0000")
    previous_ranks = {name: row["previous"]["rank"] for name, row in rows.items() if row["previous"]}
    assert previous_ranks == {"north-1": 1, "south-1": 2, "north-2": 3, "south-2": 4, "bank": None, "renewals": None}
    # The change is last month's rank − this month's: up is positive.
    changes = {name: row["rank_change"] for name, row in rows.items()}
    assert changes == {"north-2": 2, "south-1": 1, "north-1": -2, "south-2": 1, "bank": None, "renewals": None}


def test_branches_are_ranked_among_branches(two_months):
    rows = selectors.unit_evaluation(tenant=two_months.tenant, month=OCTOBER, kind="branch").rows
    # north: 3 agents, activity 16 + 8 = 24 → 8.0000, producers 2 → 0.6667, 3 policies → 1.0000
    # south: 3 agents, activity 20 + 4 = 24 → 8.0000, producers 2 → 0.6667, 4 policies → 1.3333
    # Ranks: activity 1, 1; 举绩率 1, 1; policies south 1, north 2 → sums south 3, north 4.
    # September: north 11 / 3 = 3.6667, 2/3, 2/3 → all first (sum 3, rank 1); south 10 / 3, 1/3, 1/3 → rank 2.
    assert [(short(row["name"]), row["rank"], row["rank_sum"], row["rank_change"]) for row in rows] == [
        ("south", 1, 3, 1),
        ("north", 2, 4, -1),
    ]
    north = rows[1]
    assert (north["activity_per_agent"], north["active_producer_rate"], north["policies_per_agent"]) == (
        Decimal("8.0000"),
        Decimal("0.6667"),
        Decimal("1.0000"),
    )
    assert north["previous"]["activity_per_agent"] == Decimal("3.6667")
    assert {row["kind"] for row in rows} == {"branch"}


def test_the_evaluation_reads_the_stored_rollups_in_a_fixed_number_of_queries(two_months, django_assert_num_queries):
    with django_assert_num_queries(3):  # publications, units, rollups of both months
        selectors.unit_evaluation(tenant=two_months.tenant, month=OCTOBER, kind="team")


# --- publication -----------------------------------------------------------------------------------------------


def test_publishing_snapshots_both_kinds_and_later_facts_do_not_change_it(two_months):
    org = two_months
    publication = publish(org)
    assert publication.published_by == org.manager
    assert UnitEvaluationRow.objects.filter(tenant=org.tenant, evaluation=publication, kind="team").count() == 6
    assert UnitEvaluationRow.objects.filter(tenant=org.tenant, evaluation=publication, kind="branch").count() == 2
    stored = UnitEvaluationRow.objects.get(tenant=org.tenant, evaluation=publication, unit=org.units["bank"])
    assert (stored.agents, stored.rank) == (0, selectors.UNRANKED)  # unranked

    # A late October sale for agent2, rolled up: north-1's live figures change…
    sale(org, org.agent2, date(2026, 10, 30), "400.00")
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    live = Rollup.objects.get(
        tenant=org.tenant, scope=Scope.UNIT, subject_id=org.units["north1"].pk, grain=Grain.MONTH, period_start=OCTOBER
    )
    assert (live.producers, live.policies) == (2, 3)
    # …the published evaluation does not.
    evaluation = selectors.unit_evaluation(tenant=org.tenant, month=OCTOBER, kind="team")
    assert evaluation.published
    north1 = by_name(evaluation.rows)["north-1"]
    assert (north1["producers"], north1["policies"], north1["active_producer_rate"], north1["rank"]) == (
        1,
        2,
        Decimal("0.5000"),
        3,
    )
    assert [short(row["name"]) for row in evaluation.rows] == TEAM_NAMES
    # The measure ranks are worked out again from the published figures.
    assert (north1["activity_rank"], north1["producer_rank"], north1["policies_rank"], north1["rank_sum"]) == (
        2,
        3,
        2,
        7,
    )


def test_publishing_takes_in_facts_the_refresh_has_not_served_yet(two_months):
    org = two_months
    sale(org, org.agent2, date(2026, 10, 30), "400.00")  # in the outbox, not rolled up
    publish(org)
    north1 = by_name(selectors.unit_evaluation(tenant=org.tenant, month=OCTOBER, kind="team").rows)["north-1"]
    # Both north-1 agents now wrote a policy: 举绩率 2/2, 3 policies / 2 = 1.5000.
    assert (north1["producers"], north1["active_producer_rate"], north1["policies_per_agent"]) == (
        2,
        Decimal("1.0000"),
        Decimal("1.5000"),
    )


def test_a_published_previous_month_is_shown_as_published(two_months):
    org = two_months
    publish(org, month=SEPTEMBER)
    # A correction to September after it was published: agent3's log grows from 3 to 9.
    log(org, org.agent3, date(2026, 9, 11), new_prospects=9)
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    north2 = by_name(selectors.unit_evaluation(tenant=org.tenant, month=OCTOBER, kind="team").rows)["north-2"]
    assert north2["previous"]["activity_per_agent"] == Decimal("3.0000")  # as published, not 9.0000
    assert north2["previous"]["rank"] == 3


def test_a_month_is_published_once(two_months):
    org = two_months
    first = publish(org)
    with pytest.raises(services.ValidationError) as error:
        publish(org, actor=org.admin)
    assert "already published on" in error.value.message_dict["month"][0]
    assert UnitEvaluation.objects.filter(tenant=org.tenant).count() == 1
    assert UnitEvaluation.objects.get(tenant=org.tenant).published_by == first.published_by == org.manager
    assert UnitEvaluationRow.objects.filter(tenant=org.tenant).count() == 8


def test_two_publishers_at_once_the_unique_key_decides(two_months, monkeypatch):
    org = two_months
    publish(org)
    # The second publisher read "not published" just before the first one committed.
    monkeypatch.setattr(services, "_publication_of", lambda tenant, month: None)
    with pytest.raises(services.ValidationError) as error:
        publish(org, actor=org.admin)
    assert "already published on" in error.value.message_dict["month"][0]
    assert UnitEvaluation.objects.filter(tenant=org.tenant).count() == 1
    assert UnitEvaluationRow.objects.filter(tenant=org.tenant).count() == 8


def test_a_month_not_ended_is_not_published(two_months):
    with pytest.raises(services.ValidationError) as error:
        publish(two_months, month=date(2026, 11, 1))
    assert error.value.message_dict["month"] == ["2026-11 has not ended yet: it can be published from 2026-12-01."]
    assert not UnitEvaluation.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "branch_manager", "agent", "bank"])
def test_only_company_managers_publish(two_months, who):
    with pytest.raises(services.PermissionDenied):
        publish(two_months, actor=getattr(two_months, who))
    assert not UnitEvaluation.objects.exists()


# --- API -------------------------------------------------------------------------------------------------------


def test_the_api_answers_the_draft_to_a_company_manager(two_months, api_client_for):
    response = api_client_for(two_months.manager).get(URL, {"month": "2026-10"})
    assert response.status_code == 200
    body = response.json()
    assert (body["month"], body["kind"], body["published"], body["published_at"]) == ("2026-10", "team", False, None)
    first = body["rows"][0]
    assert short(first["name"]) == "north-2"
    assert first == {
        "unit": two_months.units["north2"].pk,
        "name": two_months.units["north2"].name,
        "kind": "team",
        "agents": 1,
        "producers": 1,
        "policies": 1,
        "activity": 8,
        "activity_per_agent": "8.0000",
        "active_producer_rate": "1.0000",
        "policies_per_agent": "1.0000",
        "rank": 1,
        "activity_rank": 2,
        "producer_rank": 1,
        "policies_rank": 2,
        "rank_sum": 5,
        "previous": {
            "activity_per_agent": "3.0000",
            "active_producer_rate": "0.0000",
            "policies_per_agent": "0.0000",
            "rank": 3,
        },
        "rank_change": 2,
    }
    last = body["rows"][-1]
    assert (short(last["name"]), last["rank"], last["activity_per_agent"], last["rank_change"]) == (
        "renewals",
        None,
        None,
        None,
    )


def test_the_api_defaults_to_last_month_and_teams(two_months, api_client_for):
    body = api_client_for(two_months.admin).get(URL).json()
    assert (body["month"], body["kind"], len(body["rows"])) == ("2026-10", "team", 6)
    branches = api_client_for(two_months.admin).get(URL, {"kind": "branch"}).json()
    assert [short(row["name"]) for row in branches["rows"]] == ["south", "north"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "October"}, "month"),
        ({"month": "2026-10-01"}, "month"),
        ({"month": "0000-01"}, "month"),
        ({"month": "2026-12"}, "month"),  # has not begun
        ({"kind": "company"}, "kind"),
    ],
)
def test_bad_filters_are_400_by_field(two_months, api_client_for, query, field):
    response = api_client_for(two_months.manager).get(URL, query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_api_publishes_a_month(two_months, api_client_for):
    client = api_client_for(two_months.manager)
    response = client.post(f"{URL}2026-10/publish/")
    assert response.status_code == 201
    body = response.json()
    assert (body["month"], body["published_by"], body["branches"], body["teams"]) == (
        "2026-10",
        two_months.manager.pk,
        2,
        6,
    )
    read = client.get(URL, {"month": "2026-10"}).json()
    assert read["published"] is True and read["published_at"] is not None

    again = client.post(f"{URL}2026-10/publish/")
    assert again.status_code == 400
    assert again.json()["month"][0].startswith("The unit evaluation of 2026-10 was already published on ")


@pytest.mark.parametrize("month", ["2026-11", "2027-01", "2026-13", "nonsense"])
def test_the_api_refuses_to_publish_a_month_not_ended_or_malformed(two_months, api_client_for, month):
    response = api_client_for(two_months.admin).post(f"{URL}{month}/publish/")
    assert response.status_code == 400
    assert list(response.json()) == ["month"]
    assert not UnitEvaluation.objects.exists()


def test_an_agent_reads_a_published_month_and_not_a_draft(two_months, api_client_for):
    agent = api_client_for(two_months.agent)
    draft = agent.get(URL, {"month": "2026-10"})
    assert draft.status_code == 404
    assert draft.json() == {"detail": "The unit evaluation of 2026-10 has not been published yet."}
    publish(two_months)
    published = agent.get(URL, {"month": "2026-10"})
    assert published.status_code == 200
    # Every team of the tenant, not only the agent's own.
    assert [short(row["name"]) for row in published.json()["rows"]] == TEAM_NAMES


@pytest.mark.parametrize("who", ["supervisor", "branch_manager", "agent", "renewal_lead"])
def test_leaders_below_the_company_cannot_publish_or_read_drafts(two_months, api_client_for, who):
    client = api_client_for(getattr(two_months, who))
    assert client.post(f"{URL}2026-10/publish/").status_code == 403
    assert client.post(f"{URL}nonsense/publish/").status_code == 403
    assert client.get(URL, {"month": "2026-10"}).status_code == 404
    assert not UnitEvaluation.objects.exists()


def test_another_tenants_publication_and_units_never_show(two_months, other_org, api_client_for):
    write_two_months(other_org)
    publish(other_org, actor=other_org.manager)
    # Ours is not published: our agent is told so, whatever the other tenant did.
    assert api_client_for(two_months.agent).get(URL, {"month": "2026-10"}).status_code == 404
    ours = api_client_for(two_months.manager).get(URL, {"month": "2026-10"}).json()
    assert ours["published"] is False
    their_units = set(OrgUnit.objects.filter(tenant=other_org.tenant).values_list("pk", flat=True))
    assert {row["unit"] for row in ours["rows"]}.isdisjoint(their_units)
    assert all(row["name"].startswith("acme-") for row in ours["rows"])
    # And theirs reads only their own units.
    theirs = api_client_for(other_org.agent).get(URL, {"month": "2026-10"}).json()
    assert theirs["published"] is True
    assert all(row["name"].startswith("bolt-") for row in theirs["rows"])
    # Our publication is ours alone.
    api_client_for(two_months.manager).post(f"{URL}2026-10/publish/")
    assert UnitEvaluation.objects.filter(month=OCTOBER).count() == 2
    assert UnitEvaluationRow.objects.filter(tenant=two_months.tenant, unit__tenant=other_org.tenant).count() == 0


def test_the_endpoints_need_a_login(db, client):
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}2026-10/publish/").status_code == 401


def test_the_demo_publishes_last_month_once(two_months):
    from targets.demo_unit_evaluations import seed_unit_evaluations

    publication = seed_unit_evaluations(two_months.tenant, TODAY)
    assert (publication.month, publication.published_by) == (OCTOBER, two_months.manager)
    assert seed_unit_evaluations(two_months.tenant, TODAY) == publication
    assert UnitEvaluation.objects.filter(tenant=two_months.tenant).count() == 1


def test_the_api_reads_a_published_month_in_a_fixed_number_of_queries(
    two_months, api_client_for, django_assert_max_num_queries
):
    publish(two_months, month=SEPTEMBER)
    publish(two_months)
    client = api_client_for(two_months.agent)
    # The token, the member and its tenant and unit; the publications; the published rows of both months.
    with django_assert_max_num_queries(6):
        assert client.get(URL, {"month": "2026-10"}).status_code == 200

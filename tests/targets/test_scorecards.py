"""Scorecards: scores worked out by hand (tests/targets/scorecard_data.py), weights, calibration, acknowledgement."""

from decimal import Decimal

import pytest

from dashboards.periods import Period
from targets.models import ScoreAcknowledgement, ScoreCalibration, ScorecardDefinition
from targets.selectors.scorecards import scorecard_of
from tests.targets.scorecard_data import TODAY, write_october

OCTOBER = Period("month", 2026, 10)


@pytest.fixture
def october(org, monkeypatch):
    monkeypatch.setattr("targets.apis.scorecards.tenant_today", lambda tenant: TODAY)
    write_october(org)
    return org


def card(org, member, period=OCTOBER):
    return scorecard_of(tenant=org.tenant, member=member, period=period, today=TODAY)


def lines(scorecard):
    return {line.measure: (line.value, line.points) for line in scorecard.lines}


def test_an_agents_score_measure_by_measure(october):
    scorecard = card(october, october.agent)
    assert lines(scorecard) == {
        "premium_attainment": (Decimal("0.8000"), Decimal("40.00")),
        "activity_compliance": (Decimal("0.5000"), Decimal("15.00")),
        "satisfaction": (Decimal(90), Decimal("18.00")),
    }
    assert [line.weight for line in scorecard.lines] == [50, 30, 20]
    assert scorecard.score == Decimal("73.00")
    compliance = scorecard.lines[1].figure
    assert (compliance.actual, compliance.basis) == (11, 22)


def test_a_member_who_joined_mid_period_is_judged_on_their_own_days(october):
    scorecard = card(october, october.agent2)
    compliance = scorecard.lines[1].figure
    assert (compliance.actual, compliance.basis) == (8, 10)
    # 150 % attainment is capped at 100; no satisfaction: the other 80 weights scale to 100.
    assert lines(scorecard)["premium_attainment"] == (Decimal("1.5000"), Decimal("50.00"))
    assert lines(scorecard)["satisfaction"] == (None, None)
    assert scorecard.score == Decimal("92.50")


def test_a_supervisors_team_attainment_and_111(october):
    scorecard = card(october, october.supervisor)
    assert lines(scorecard) == {
        "team_attainment": (Decimal("0.7000"), Decimal("35.00")),
        "duty_completion": (Decimal("0.2273"), Decimal("6.82")),
        "satisfaction": (None, None),
    }
    assert scorecard.score == Decimal("52.28")


def test_a_renewal_advisors_results_service_and_compliance(october):
    scorecard = card(october, october.advisor)
    assert lines(scorecard) == {
        "renewal_rate": (Decimal("0.7500"), Decimal("45.00")),
        "satisfaction": (Decimal("90.00"), Decimal("27.00")),
        "sla_compliance": (Decimal("0.5000"), Decimal("5.00")),
    }
    assert scorecard.lines[1].figure.source == "call_backs"
    assert scorecard.score == Decimal("77.00")


def test_the_tenants_weights_change_the_score(october, api_client_for):
    client = api_client_for(october.manager)
    weights = {"premium_attainment": 40, "policy_attainment": 10, "activity_compliance": 30, "satisfaction": 20}
    response = client.post("/api/v1/scorecards/definitions/", {"role": "agent", "weights": weights}, format="json")
    assert response.status_code == 200, response.content
    # Policy attainment has no target in October: left out. (32.00 + 15.00 + 18.00) × 100 ÷ 90 = 72.22
    assert card(october, october.agent).score == Decimal("72.22")


@pytest.mark.parametrize(
    "body, message",
    [
        ({"role": "agent", "weights": {"premium_attainment": 50, "activity_compliance": 40}}, "add up to 90"),
        ({"role": "agent", "weights": {"premium_attainment": 50, "renewal_rate": 50}}, "has no data for"),
        ({"role": "agent", "weights": {"premium_attainment": 100.5}}, "whole number"),
        ({"role": "agent", "weights": {"speed": 100}}, "not a measure"),
        ({"role": "agent", "weights": []}, "Give each measure"),
    ],
)
def test_bad_weights_are_refused_and_nothing_saved(october, api_en, body, message):
    response = api_en(october.manager).post("/api/v1/scorecards/definitions/", body, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()["weights"])
    assert not ScorecardDefinition.objects.exists()


def test_the_api_answers_in_chinese_by_default(october, api_client_for):
    body = {"role": "agent", "weights": {"premium_attainment": 50, "activity_compliance": 40}}
    response = api_client_for(october.manager).post("/api/v1/scorecards/definitions/", body, format="json")
    assert response.json() == {"weights": ["权重合计为 90，须合计为 100。"]}
    response = api_client_for(october.agent).get("/api/v1/scorecards/", {"period": "2026-99"})
    assert response.json() == {"period": ["请输入月份（2026-11）或季度（2026-Q4）。"]}


def test_a_role_without_measures_has_no_scorecard(october, api_client_for):
    body = {"role": "bank_staff", "weights": {"satisfaction": 100}}
    response = api_client_for(october.manager).post("/api/v1/scorecards/definitions/", body, format="json")
    assert response.status_code == 400 and "role" in response.json()


def test_only_company_policy_sets_weights(october, api_client_for):
    body = {"role": "agent", "weights": {"premium_attainment": 100}}
    for member in (october.branch_manager, october.supervisor, october.agent):
        assert api_client_for(member).post("/api/v1/scorecards/definitions/", body, format="json").status_code == 403


def test_the_api_lists_the_scorecard_as_api_md_names_it(october, api_client_for):
    response = api_client_for(october.agent).get("/api/v1/scorecards/", {"period": "2026-10"})
    assert response.status_code == 200, response.content
    [row] = response.json()["results"]
    assert row["member"] == october.agent.pk and row["period"] == "2026-10" and row["final"] is True
    assert row["score"] == "73.00" and row["final_score"] == "73.00" and row["calibrated_score"] is None
    assert row["measures"][0] == {
        "measure": "premium_attainment",
        "weight": 50,
        "value": "0.8000",
        "actual": "40000.00",
        "basis": "50000.00",
        "source": "",
        "score": "80.00",
        "points": "40.00",
    }


def test_calibration_keeps_the_original_and_asks_for_acknowledgement_again(october, api_client_for):
    agent_client = api_client_for(october.agent)
    assert agent_client.post("/api/v1/scorecards/acknowledgements/", {"period": "2026-10"}).json()["acknowledged"]
    body = {"member": october.agent.pk, "period": "2026-10", "score": "76.50", "reason": "客户投诉已核实撤销"}
    response = api_client_for(october.manager).post("/api/v1/scorecards/calibrations/", body)
    assert response.status_code == 201, response.content
    assert (response.json()["original_score"], response.json()["score"]) == ("73.00", "76.50")

    row = agent_client.get("/api/v1/scorecards/", {"period": "2026-10"}).json()["results"][0]
    assert (row["score"], row["calibrated_score"], row["final_score"]) == ("73.00", "76.50", "76.50")
    assert row["calibration_reason"] == "客户投诉已核实撤销"
    assert row["acknowledged"] is False  # the acknowledged score was 73.00
    assert agent_client.post("/api/v1/scorecards/acknowledgements/", {"period": "2026-10"}).json()["acknowledged"]
    assert ScoreAcknowledgement.objects.get(member=october.agent).score == Decimal("76.50")
    history = api_client_for(october.manager).get(
        "/api/v1/scorecards/calibrations/", {"member": october.agent.pk, "period": "2026-10"}
    )
    assert [item["score"] for item in history.json()] == ["76.50"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"score": "80", "reason": "  "}, "reason"),
        ({"score": "80"}, "reason"),
        ({"score": "101", "reason": "复核"}, "score"),
        ({"score": "abc", "reason": "复核"}, "score"),
        ({"score": "80", "reason": "复核", "period": "2026-11"}, "period"),
        ({"score": "80", "reason": "复核", "period": "2026-13"}, "period"),
    ],
)
def test_bad_calibrations_are_refused_and_nothing_saved(october, api_client_for, body, field):
    body = {"member": october.agent.pk, "period": "2026-10", **body}
    response = api_client_for(october.manager).post("/api/v1/scorecards/calibrations/", body)
    assert response.status_code == 400 and field in response.json(), response.content
    assert not ScoreCalibration.objects.exists()


def test_who_may_calibrate(october, other_org, api_client_for):
    body = {"member": october.agent.pk, "period": "2026-10", "score": "80", "reason": "复核"}
    assert api_client_for(october.agent).post("/api/v1/scorecards/calibrations/", body).status_code == 403
    assert api_client_for(october.supervisor).post("/api/v1/scorecards/calibrations/", body).status_code == 403
    # The north branch's manager holds the agent's team in their scope.
    assert api_client_for(october.branch_manager).post("/api/v1/scorecards/calibrations/", body).status_code == 201
    assert api_client_for(other_org.manager).post("/api/v1/scorecards/calibrations/", body).status_code == 404
    assert api_client_for(october.admin).post("/api/v1/scorecards/calibrations/", body).status_code == 201


def test_scope_an_agent_sees_their_own_a_supervisor_their_team(october, other_org, api_client_for):
    def members(viewer, **params):
        response = api_client_for(viewer).get("/api/v1/scorecards/", {"period": "2026-10", **params})
        assert response.status_code == 200
        return {row["member"] for row in response.json()["results"]}

    assert members(october.agent) == {october.agent.pk}
    assert members(october.agent, member=october.agent2.pk) == set()
    assert members(october.supervisor) == {october.supervisor.pk, october.agent.pk, october.agent2.pk}
    company = {
        october.members[name].pk
        for name in ("supervisor", "agent", "agent2", "supervisor2", "agent3", "agent4", "advisor")
    }
    assert members(october.manager) == company
    assert members(october.renewal_lead) == {october.advisor.pk}
    assert members(october.bank) == set()
    # Another tenant's member never shows, by id or otherwise.
    assert members(october.manager, member=other_org.agent.pk) == set()
    assert members(other_org.manager).isdisjoint(company)


def test_satisfaction_is_entered_by_a_leader_in_scope(october, other_org, api_client_for):
    body = {"member": october.agent2.pk, "period": "2026-10", "score": "85"}
    response = api_client_for(october.supervisor).post("/api/v1/scorecards/satisfaction/", body)
    assert response.status_code == 200, response.content
    # 50.00 + 24.00 + 20 × 0.85 = 91.00
    assert response.json()["score"] == "91.00"
    assert (
        api_client_for(october.agent)
        .post("/api/v1/scorecards/satisfaction/", {**body, "member": october.agent.pk})
        .status_code
        == 403
    )
    assert api_client_for(october.supervisor2).post("/api/v1/scorecards/satisfaction/", body).status_code == 404
    assert api_client_for(other_org.manager).post("/api/v1/scorecards/satisfaction/", body).status_code == 404
    bad = api_client_for(october.supervisor).post("/api/v1/scorecards/satisfaction/", {**body, "score": "-1"})
    assert bad.status_code == 400 and "score" in bad.json()


def test_acknowledging_needs_an_ended_period_and_a_scorecard(october, api_client_for):
    assert (
        api_client_for(october.agent).post("/api/v1/scorecards/acknowledgements/", {"period": "2026-11"}).status_code
        == 400
    )
    assert (
        api_client_for(october.bank).post("/api/v1/scorecards/acknowledgements/", {"period": "2026-10"}).status_code
        == 403
    )
    assert not ScoreAcknowledgement.objects.exists()

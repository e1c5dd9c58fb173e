"""The scorecard pages: one's own scorecard as rendered, the team's, the forms, the XLSX, scope."""

import re

import pytest

from targets.models import SatisfactionScore, ScoreAcknowledgement, ScoreCalibration, ScorecardDefinition
from tests.pages import login, workbook_rows
from tests.targets.scorecard_data import TODAY, write_october

OCTOBER = "?period=2026-10"


@pytest.fixture
def october(org, monkeypatch):
    monkeypatch.setattr("targets.pages.scorecards.tenant_today", lambda tenant: TODAY)
    write_october(org)
    return org


def field(body: str, name: str) -> str:
    return re.search(rf'data-field="{name}">(.*?)</dd>', body, re.S)[1].strip()


def test_an_agent_sees_their_scorecard_in_chinese_by_default(october, client):
    body = login(client, october.agent).get("/scorecards/" + OCTOBER).content.decode()
    assert field(body, "final-score") == "73.00"
    assert "<title>考核 · 销售运营</title>" in body
    assert "40000.00 / 50000.00 元" in body and "11 / 22 个工作日" in body
    assert 'data-section="team"' not in body  # an agent has no team
    assert 'data-action="acknowledge"' in body


def test_the_default_period_is_the_last_month_that_ended(october, client):
    body = login(client, october.agent, "en").get("/scorecards/").content.decode()
    assert "2026-10" in body and field(body, "final-score") == "73.00"


def test_the_measures_table_says_how_each_figure_was_computed(october, client):
    body = login(client, october.agent, "en").get("/scorecards/" + OCTOBER).content.decode()
    assert "40000.00 of 50000.00 yuan" in body
    assert "11 of 22 working days" in body
    assert "score entered for the period" in body
    rows = workbook_rows(client.get("/scorecards/measures.xlsx" + OCTOBER))
    assert rows[0] == ["Measure", "Weight", "How it was computed", "Rate", "Score (of 100)", "Points"]
    assert rows[1][0] == "Premium attainment" and rows[1][1] == 50 and rows[1][3:] == [0.8, 80, 40]
    assert [row[5] for row in rows[1:]] == [40, 15, 18]


def test_acknowledging_from_the_page(october, client):
    response = login(client, october.agent, "en").post("/scorecards/" + OCTOBER, {"action": "acknowledge"})
    assert response.status_code == 302
    assert ScoreAcknowledgement.objects.get(member=october.agent).score == 73
    body = client.get("/scorecards/" + OCTOBER).content.decode()
    assert field(body, "acknowledged") == "yes" and 'data-action="acknowledge"' not in body


def test_a_supervisor_sees_the_team_and_its_xlsx(october, client):
    body = login(client, october.supervisor, "en").get("/scorecards/" + OCTOBER).content.decode()
    assert field(body, "final-score") == "52.28"  # their own
    rows = workbook_rows(client.get("/scorecards/team.xlsx" + OCTOBER))
    assert [(row[0], row[5]) for row in rows[1:]] == [
        (october.agent.display_name, 73),
        (october.agent2.display_name, 92.5),
    ]


def test_a_manager_calibrates_on_the_members_page(october, client):
    url = f"/scorecards/members/{october.agent.pk}/{OCTOBER}"
    login(client, october.manager, "en")
    bad = client.post(url, {"action": "calibrate", "score": "80", "reason": ""})
    assert bad.status_code == 400 and 'data-error="reason"' in bad.content.decode()
    assert not ScoreCalibration.objects.exists()
    assert client.post(url, {"action": "calibrate", "score": "80", "reason": "复核后调整"}).status_code == 302
    body = client.get(url).content.decode()
    assert (field(body, "final-score"), field(body, "computed-score")) == ("80.00", "73.00")
    rows = workbook_rows(client.get(f"/scorecards/members/{october.agent.pk}/calibrations.xlsx{OCTOBER}"))
    assert rows[1][2:] == [73, 80, "复核后调整"]


def test_a_supervisor_enters_satisfaction_but_may_not_calibrate(october, client):
    url = f"/scorecards/members/{october.agent2.pk}/{OCTOBER}"
    login(client, october.supervisor, "en")
    body = client.get(url).content.decode()
    assert 'data-section="satisfaction-form"' in body and 'data-section="calibrate-form"' not in body
    assert client.post(url, {"action": "satisfaction", "score": "85"}).status_code == 302
    assert SatisfactionScore.objects.get(member=october.agent2).score == 85
    assert client.post(url, {"action": "calibrate", "score": "80", "reason": "x"}).status_code == 403


def test_weights_form_refuses_a_bad_sum(october, client):
    login(client, october.manager, "en")
    form = {"action": "weights-agent", "premium_attainment": "50", "activity_compliance": "30"}
    response = client.post("/scorecards/" + OCTOBER, form)
    assert response.status_code == 400 and "add up to 80" in response.content.decode()
    assert not ScorecardDefinition.objects.exists()
    assert client.post("/scorecards/" + OCTOBER, {**form, "satisfaction": "20"}).status_code == 302
    assert ScorecardDefinition.objects.get(role="agent").weights == {
        "premium_attainment": 50,
        "activity_compliance": 30,
        "satisfaction": 20,
    }


def test_scope_of_the_member_page(october, other_org, client):
    assert login(client, october.agent).get(f"/scorecards/members/{october.agent2.pk}/").status_code == 404
    assert login(client, october.supervisor2).get(f"/scorecards/members/{october.agent.pk}/").status_code == 404
    assert login(client, other_org.manager).get(f"/scorecards/members/{october.agent.pk}/").status_code == 404
    assert login(client, october.supervisor).get(f"/scorecards/members/{october.agent.pk}/").status_code == 200
    body = login(client, october.bank, "en").get("/scorecards/").content.decode()
    assert 'data-field="no-scorecard"' in body

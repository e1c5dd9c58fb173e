"""Alerts: when each kind fires (worked out by hand), no duplicates, recovery, PDCA, inbox, e-mail, scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from dashboards.models import Alert, AlertNotice
from dashboards.selectors.alerts import coaching_tasks
from dashboards.services import rollups
from dashboards.services.alerts import evaluate_alerts, working_days_before
from targets.services import plans as plan_services
from tests.dashboards.rollup_data import log
from tests.targets.plan_data import one_line_plan, sell

pytestmark = pytest.mark.django_db

OCT_31 = date(2026, 10, 31)
FIVE_THREE_ONE_ONE = {"phone_appointments": 5, "sales_interviews": 3, "recruiting_interviews": 1, "new_prospects": 1}


def planned_october(org, sold: str):
    """The 2026 Q4 plan of 1,000,000.00 at 3:4:3 (October 300,000.00), and ``sold`` sold in October."""
    plan = one_line_plan(org)
    plan_services.plan_allocate(tenant=org.tenant, actor=org.manager, plan=plan)
    # Split over two agents of two branches, written straight to the table and rebuilt.
    half = (Decimal(sold) / 2).quantize(Decimal("0.01"))
    sell(org, org.agent, half, date(2026, 10, 15))
    sell(org, org.agent4, Decimal(sold) - half, date(2026, 10, 20))
    rollups.rebuild(tenant=org.tenant, start=date(2026, 10, 1), end=OCT_31)


def company_alert(org, kind=Alert.Kind.DEVIATION):
    return Alert.objects.filter(tenant=org.tenant, kind=kind, unit=org.units["company"]).first()


# --- deviation ---------------------------------------------------------------


def test_deviation_fires_at_16_percent_behind(org):
    # Given October's 300,000.00 is all due by 31 Oct, and 252,000.00 was sold: 16% behind
    planned_october(org, "252000.00")
    evaluate_alerts(tenant=org.tenant, as_of=OCT_31)
    alert = company_alert(org)
    assert alert is not None
    assert (alert.expected, alert.actual, alert.deviation) == (
        Decimal("300000.00"),
        Decimal("252000.00"),
        Decimal("-0.1600"),
    )
    assert (alert.period_start, alert.period_end, alert.status) == (date(2026, 10, 1), date(2026, 12, 31), "open")
    # The company's alert goes to its manager
    assert alert.assignee == org.manager


def test_deviation_does_not_fire_at_14_percent_behind(org):
    planned_october(org, "258000.00")
    evaluate_alerts(tenant=org.tenant, as_of=OCT_31)
    assert company_alert(org) is None


def test_deviation_pro_rata_inside_the_month(org):
    # Given the same plan, on 15 Nov: October's 300,000 + 400,000 × 15/30 = 500,000.00 expected
    planned_october(org, "252000.00")
    sell(org, org.agent, Decimal("168000.00"), date(2026, 11, 10))
    rollups.rebuild(tenant=org.tenant, start=date(2026, 11, 1), end=date(2026, 11, 15))
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 15))
    # Then 420,000.00 of 500,000.00 is exactly 16% behind
    alert = company_alert(org)
    assert (alert.expected, alert.actual, alert.deviation) == (
        Decimal("500000.00"),
        Decimal("420000.00"),
        Decimal("-0.1600"),
    )


def test_repeated_runs_keep_one_alert_and_recovery_resolves_it(org):
    planned_october(org, "252000.00")
    first = evaluate_alerts(tenant=org.tenant, as_of=OCT_31)
    count = Alert.objects.filter(tenant=org.tenant).count()
    # When the evaluation runs again, twice
    again = evaluate_alerts(tenant=org.tenant, as_of=OCT_31)
    evaluate_alerts(tenant=org.tenant, as_of=OCT_31)
    # Then nothing new was raised and nobody got a second notice
    assert first.raised == count > 0
    assert again.raised == 0
    assert Alert.objects.filter(tenant=org.tenant).count() == count
    assert AlertNotice.objects.filter(tenant=org.tenant).count() == first.raised - _unassigned(org)
    # When the company catches up (48,000.00 more: 300,000.00 of 300,000.00)
    sell(org, org.agent2, Decimal("48000.00"), OCT_31)
    rollups.rebuild(tenant=org.tenant, start=date(2026, 10, 1), end=OCT_31)
    result = evaluate_alerts(tenant=org.tenant, as_of=OCT_31)
    # Then its alert is resolved as recovered, and no open one is left for it
    alert = company_alert(org)
    assert (alert.status, alert.resolution) == ("resolved", "recovered")
    assert result.recovered >= 1
    assert not Alert.objects.filter(tenant=org.tenant, unit=org.units["company"], status="open").exists()


def _unassigned(org):
    return Alert.objects.filter(tenant=org.tenant, assignee__isnull=True).count()


# --- low activity ------------------------------------------------------------


def test_working_days_skip_weekends():
    # Thursday 19 Nov: the three working days before are Mon 16, Tue 17, Wed 18; from Monday 23: Wed–Fri
    assert working_days_before(date(2026, 11, 19), 3) == [date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)]
    assert working_days_before(date(2026, 11, 23), 3) == [date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)]


def low_activity(org, member):
    return Alert.objects.filter(tenant=org.tenant, kind=Alert.Kind.LOW_ACTIVITY, member=member)


def test_low_activity_after_three_working_days_below_standard(org):
    # Given the agent met 5311 on Friday 13 Nov, then logged 2 interviews a day (below 3) on Mon–Wed
    log(org, org.agent, date(2026, 11, 13), **FIVE_THREE_ONE_ONE)
    for day in (16, 17):
        log(org, org.agent, date(2026, 11, day), **{**FIVE_THREE_ONE_ONE, "sales_interviews": 2})
    # On Wednesday morning only two working days are below: no alert
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 18))
    assert not low_activity(org, org.agent).exists()
    # And after Wednesday (no log at all), three: an alert whose run began on Monday 16
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 19))
    alert = low_activity(org, org.agent).get()
    assert (alert.period_start, alert.period_end, alert.actual) == (
        date(2026, 11, 16),
        date(2026, 11, 18),
        Decimal("3"),
    )
    assert alert.assignee == org.supervisor
    # The run going on (Thursday below too) keeps the one alert
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 20))
    assert low_activity(org, org.agent).count() == 1
    assert low_activity(org, org.agent).get().actual == Decimal("4")
    # Meeting the standard on Friday ends it: resolved as recovered (the weekend does not count)
    log(org, org.agent, date(2026, 11, 20), **FIVE_THREE_ONE_ONE)
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 21))
    assert (low_activity(org, org.agent).get().status, low_activity(org, org.agent).get().resolution) == (
        "resolved",
        "recovered",
    )


# --- low production ------------------------------------------------------------


def low_production(org, member):
    return Alert.objects.filter(tenant=org.tenant, kind=Alert.Kind.LOW_PRODUCTION, member=member)


def test_low_production_after_two_weeks_without_a_policy_is_a_coaching_task(org, client):
    # Given the agent's last policy on Sunday 1 Nov: from 2 Nov on, none
    sell(org, org.agent, Decimal("1000.00"), date(2026, 11, 1))
    # 2–14 Nov is 13 days: not yet two weeks
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 14))
    assert not low_production(org, org.agent).exists()
    # 2–15 Nov is 14 days: two weeks without a policy
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 15))
    alert = low_production(org, org.agent).get()
    assert (alert.period_start, alert.actual, alert.assignee) == (date(2026, 11, 2), Decimal("14"), org.supervisor)
    # It is on the supervisor's 111 list as a coaching task (agent2 never sold: dry since being hired;
    # neither ever logged, so both are also low on activity), and on the morning review page
    tasks = coaching_tasks(tenant=org.tenant, supervisor=org.supervisor)
    assert [(task.member, task.kind) for task in tasks if task.kind == "low_production"] == [
        (org.agent2, "low_production"),  # dry since 1 Mar 2024, the oldest first
        (org.agent, "low_production"),
    ]
    assert {task.member for task in tasks if task.kind == "low_activity"} == {org.agent, org.agent2}
    client.force_login(org.supervisor.user)
    page = client.get("/activities/team/").content.decode()
    assert f'data-coaching-task="{org.agent.pk}"' in page
    # A sale ends it
    sell(org, org.agent, Decimal("10.00"), date(2026, 11, 16))
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 16))
    assert low_production(org, org.agent).get().status == "resolved"


def test_a_new_alert_is_e_mailed_to_its_assignee_in_the_tenants_language(org, django_capture_on_commit_callbacks):
    org.supervisor.user.email = "supervisor@example.com"
    org.supervisor.user.save()
    sell(org, org.agent, Decimal("1000.00"), date(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 15))
    # The supervisor's four: no policy and low activity, for the agent and agent2 (neither logged)
    to_supervisor = [message for message in mail.outbox if message.to == ["supervisor@example.com"]]
    assert len(to_supervisor) == 4
    no_policy = [message for message in to_supervisor if "保单" in message.body]
    assert len(no_policy) == 2
    assert any(org.agent.display_name in message.subject for message in no_policy)
    assert all("SalesOps" in message.subject for message in to_supervisor)
    # Evaluated again: no second e-mail
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 15))
    assert mail.outbox == []


# --- PDCA, inbox, scope --------------------------------------------------------------


@pytest.fixture
def agent_alert(org):
    """A low-production alert on the agent (their supervisor's)."""
    sell(org, org.agent, Decimal("1000.00"), date(2026, 11, 1))
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 15))
    return low_production(org, org.agent).get()


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_pdca_loop_through_the_api(org, agent_alert, api_client_for):
    client = english(api_client_for(org.supervisor))
    url = f"/api/v1/alerts/{agent_alert.pk}/"
    # An action before a root cause, and acknowledging without one: field errors, nothing saved
    response = client.patch(url, {"action": "Joint visits"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"root_cause": ["Record the root cause before the action."]}
    response = client.patch(url, {"status": "acknowledged"}, format="json")
    assert response.json() == {"root_cause": ["Acknowledging an alert needs its root cause."]}
    agent_alert.refresh_from_db()
    assert (agent_alert.status, agent_alert.action) == ("open", "")
    # Root cause → acknowledged
    response = client.patch(url, {"status": "acknowledged", "root_cause": "Prospect list ran dry"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["pdca_step"]) == ("acknowledged", "action")
    # Action, then closing without a verification: refused
    assert client.patch(url, {"action": "Two referral asks a day"}, format="json").json()["pdca_step"] == "verify"
    response = client.patch(url, {"status": "resolved"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["verification"]
    # Verified → closed for good
    response = client.patch(url, {"status": "resolved", "verification": "Sold on 20 Nov"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["resolution"], body["pdca_step"]) == ("resolved", "verified", "closed")
    assert client.patch(url, {"root_cause": "x"}, format="json").json() == {"status": ["This alert is closed."]}


def test_only_leaders_in_scope_work_on_alerts(org, other_org, agent_alert, api_client_for):
    url = f"/api/v1/alerts/{agent_alert.pk}/"
    # The agent sees their own alert but may not move it
    agent = api_client_for(org.agent)
    assert agent.get(url).status_code == 200
    assert agent.patch(url, {"root_cause": "x"}, format="json").status_code == 403
    # Not agent2's
    agent2_alert = low_production(org, org.agent2).get()
    assert agent.get(f"/api/v1/alerts/{agent2_alert.pk}/").status_code == 404
    own = set(Alert.objects.filter(tenant=org.tenant, member=org.agent).values_list("pk", flat=True))
    assert agent_alert.pk in own
    assert {row["id"] for row in agent.get("/api/v1/alerts/").json()["results"]} == own
    # Another team's supervisor, and another tenant's manager: not found, unchanged
    for outsider in (org.supervisor2, other_org.manager, other_org.admin):
        client = api_client_for(outsider)
        assert client.get(url).status_code == 404
        assert client.patch(url, {"root_cause": "x"}, format="json").status_code == 404
        assert agent_alert.pk not in {row["id"] for row in client.get("/api/v1/alerts/").json()["results"]}
    agent_alert.refresh_from_db()
    assert agent_alert.root_cause == ""
    # The branch manager above the team may
    response = api_client_for(org.branch_manager).patch(url, {"root_cause": "Leads"}, format="json")
    assert response.status_code == 200


def test_alert_list_filters_and_inbox(org, agent_alert, api_client_for):
    client = api_client_for(org.supervisor)
    rows = client.get("/api/v1/alerts/", {"mine": "true", "kind": "low_production"}).json()["results"]
    assert {row["subject"] for row in rows} == {org.agent.pk, org.agent2.pk}
    assert all(row["unread"] for row in rows)
    assert client.get("/api/v1/alerts/", {"status": "resolved"}).json()["count"] == 0
    assert client.get("/api/v1/alerts/", {"status": "closed"}).status_code == 400
    # Reading one marks it read
    client.get(f"/api/v1/alerts/{agent_alert.pk}/")
    rows = client.get("/api/v1/alerts/", {"mine": "true", "kind": "low_production"}).json()["results"]
    assert {row["subject"]: row["unread"] for row in rows} == {org.agent.pk: False, org.agent2.pk: True}


def test_unread_count_in_the_header_and_the_inbox_page(org, agent_alert, client):
    client.force_login(org.supervisor.user)
    home = client.get("/").content.decode()
    assert 'data-field="alerts-unread"' in home
    # No policy and low activity, for the agent and for agent2
    assert 'data-field="alerts-unread"' in home and ">4</span>" in home
    page = client.get("/alerts/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-alert="{agent_alert.pk}"' in body
    assert "根本原因" in body  # zh-Hans by default
    # Opening the inbox read them: the badge is gone
    assert 'data-field="alerts-unread"' not in client.get("/").content.decode()


def test_inbox_page_form_moves_the_loop_and_shows_field_errors(org, agent_alert, client):
    client.force_login(org.supervisor.user)
    client.cookies["django_language"] = "en"
    response = client.post("/alerts/", {"alert": agent_alert.pk, "action": "Joint visits", "do": "save"})
    assert response.status_code == 400
    assert "Record the root cause before the action." in response.content.decode()
    agent_alert.refresh_from_db()
    assert agent_alert.action == ""
    response = client.post(
        "/alerts/", {"alert": agent_alert.pk, "root_cause": "Leads", "action": "Visits", "do": "acknowledge"}
    )
    assert response.status_code == 302
    agent_alert.refresh_from_db()
    assert (agent_alert.status, agent_alert.root_cause, agent_alert.action) == ("acknowledged", "Leads", "Visits")
    # An agent cannot post the form
    client.force_login(org.agent.user)
    assert client.post("/alerts/", {"alert": agent_alert.pk, "root_cause": "x"}).status_code == 403


def test_unit_alerts_are_seen_by_the_units_leaders_only(org, other_org, api_client_for):
    planned_october(org, "252000.00")
    evaluate_alerts(tenant=org.tenant, as_of=OCT_31)
    alert = company_alert(org)
    assert api_client_for(org.manager).get(f"/api/v1/alerts/{alert.pk}/").status_code == 200
    assert api_client_for(org.admin).get(f"/api/v1/alerts/{alert.pk}/").status_code == 200
    # A branch manager sees their branch, not the company; nor does another tenant
    for outsider in (org.branch_manager, org.supervisor, org.agent, other_org.manager):
        assert api_client_for(outsider).get(f"/api/v1/alerts/{alert.pk}/").status_code == 404


def test_evaluation_of_one_tenant_never_touches_another(org, other_org):
    sell(other_org, other_org.agent, Decimal("5.00"), date(2026, 11, 1))
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 15))
    assert not Alert.objects.filter(tenant=other_org.tenant).exists()
    assert Alert.objects.filter(tenant=org.tenant).exists()
    assert not Alert.objects.filter(tenant=org.tenant, member__tenant=other_org.tenant).exists()

"""The supervisor's 111 duties: checklist, spot-check flagging, idempotence, bad input, scope, tenants, the page.

The org is tests/factories.py's: ``supervisor`` leads team north-1 (agent,
agent2); ``supervisor2`` leads north-2 (agent3). Every tenant is seeded with
5311 (5 / 3 / 1 / 1, referrals without a standard).
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from activities.models import DailyLog, Duty, Visit
from activities.selectors.duties import checklist_111, duty_list, team_today
from activities.services.duties import duty_record, spot_check_proposal
from activities.services.logs import daily_log_upsert
from salesops.org.models import Member
from salesops.org.selectors import tenant_today
from tests.factories import add_member

pytestmark = pytest.mark.django_db

DUTIES = "/api/v1/activities/duties/"
CHECKLIST = "/api/v1/activities/duties/checklist/"
PAGE = "/activities/team/"
ZERO = {"phone_appointments": 0, "sales_interviews": 0, "recruiting_interviews": 0, "new_prospects": 0, "referrals": 0}


def english(client):
    # Messages are asserted in English, the msgid language.
    client.cookies["django_language"] = "en"
    return client


def log(member, day, visits=(), **counts):
    return daily_log_upsert(
        tenant=member.tenant, actor=member, member=member, date=day, counts={**ZERO, **counts}, visits=list(visits)
    )


def record(org, member, kind, day, actor=None, **extra):
    return duty_record(
        tenant=org.tenant, actor=actor or org.supervisor, member_id=member.pk, kind=kind, date=day, **extra
    )


def more_reports(org, count):
    return [
        add_member(org.tenant, f"acme-extra{n}", Member.Role.AGENT, org.units["north1"], supervisor=org.supervisor)
        for n in range(1, count + 1)
    ]


@pytest.fixture
def today(org):
    return tenant_today(org.tenant)


@pytest.fixture
def visit(org, today):
    """A customer the agent visited yesterday (new to the book: it counts as the day's new prospect)."""
    day_log = log(
        org.agent, today - timedelta(days=1), visits=[{"name": "王女士", "phone": "13800138000"}], new_prospects=1
    )
    return day_log.visits.get()


# --- the 111 checklist ------------------------------------------------------------------------------


def test_checklist_of_six_reports_is_complete_only_after_every_call_coaching_and_spot_check(org, today, visit):
    # Given a supervisor with 6 direct reports (agent, agent2 and 4 more)
    extra = more_reports(org, 4)
    reports = [org.agent, org.agent2, *extra]
    # When 5 of them got their tracking call
    for member in reports[:5]:
        record(org, member, Duty.Kind.TRACKING_CALL, today)
    checklist = checklist_111(tenant=org.tenant, supervisor=org.supervisor, date=today)
    # Then the checklist is incomplete and names the one not called
    assert checklist["tracking_calls"]["done"] == 5
    assert checklist["tracking_calls"]["of"] == 6
    assert [member.pk for member in checklist["tracking_calls"]["missing"]] == [reports[5].pk]
    assert (checklist["coaching"], checklist["spot_check"], checklist["complete"]) == (False, False, False)

    # When the 6th is called, one coaching session and one spot-check are recorded
    record(org, reports[5], Duty.Kind.TRACKING_CALL, today)
    checklist = checklist_111(tenant=org.tenant, supervisor=org.supervisor, date=today)
    assert checklist["tracking_calls"]["missing"] == []
    assert checklist["complete"] is False
    record(org, org.agent2, Duty.Kind.COACHING, today, notes="陪访")
    record(org, org.agent, Duty.Kind.SPOT_CHECK, today, outcome="verified", visit_id=visit.pk)
    checklist = checklist_111(tenant=org.tenant, supervisor=org.supervisor, date=today)
    # Then it is complete
    assert (checklist["coaching"], checklist["spot_check"], checklist["complete"]) == (True, True, True)


def test_checklist_api_answers_the_callers_day(org, today, api_client_for):
    # Given one tracking call of two
    record(org, org.agent, Duty.Kind.TRACKING_CALL, today)
    # When the supervisor asks for today's checklist
    response = api_client_for(org.supervisor).get(CHECKLIST, {"date": today.isoformat()})
    # Then it counts 1 of 2 and names agent2
    assert response.status_code == 200
    body = response.json()
    assert body["tracking_calls"]["done"] == 1 and body["tracking_calls"]["of"] == 2
    assert body["tracking_calls"]["missing"] == [{"id": org.agent2.pk, "name": org.agent2.display_name}]
    assert body["complete"] is False
    # And an agent has no checklist
    assert api_client_for(org.agent).get(CHECKLIST).status_code == 403


# --- spot-checks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("outcome", "flagged"), [("not_verified", True), ("verified", False), ("unreachable", False)])
def test_spot_check_not_verified_flags_the_visits_log(org, today, visit, outcome, flagged):
    # When the supervisor records a spot-check of yesterday's visit
    record(org, org.agent, Duty.Kind.SPOT_CHECK, today, outcome=outcome, visit_id=visit.pk)
    # Then only "not verified" flags the log
    assert DailyLog.objects.get(pk=visit.log_id).flagged is flagged


def test_spot_check_through_the_api_flags_the_log(org, today, visit, api_client_for):
    # When the supervisor posts a not-verified spot-check
    response = api_client_for(org.supervisor).post(
        DUTIES,
        {
            "kind": "spot_check",
            "member": org.agent.pk,
            "date": today.isoformat(),
            "outcome": "not_verified",
            "visit": visit.pk,
        },
        format="json",
    )
    # Then it is recorded and the log flagged
    assert response.status_code == 201, response.content
    assert response.json()["visit"] == visit.pk
    assert response.json()["visit_date"] == (today - timedelta(days=1)).isoformat()
    assert DailyLog.objects.get(pk=visit.log_id).flagged is True


def test_recording_the_same_duty_twice_keeps_one_row_with_the_last_values(org, today, api_client_for):
    client = api_client_for(org.supervisor)
    body = {"kind": "coaching", "member": org.agent.pk, "date": today.isoformat(), "notes": "first"}
    # When the same coaching is posted twice, the second with other notes
    assert client.post(DUTIES, body, format="json").status_code == 201
    assert client.post(DUTIES, {**body, "notes": "second"}, format="json").status_code == 201
    # Then one row holds the second notes
    duties = Duty.objects.filter(tenant=org.tenant, supervisor=org.supervisor, kind="coaching")
    assert [duty.notes for duty in duties] == ["second"]


def test_proposal_is_stable_for_the_day_and_skips_checked_visits(org, today):
    # Given several visits of the supervisor's reports yesterday, and one of another team's
    yesterday = today - timedelta(days=1)
    log(org.agent, yesterday, visits=[{"name": f"客户{n}"} for n in range(5)])
    log(org.agent2, yesterday, visits=[{"name": f"顾客{n}"} for n in range(5)])
    log(org.agent3, yesterday, visits=[{"name": "别队客户"}])
    # When the proposal is asked twice
    first = spot_check_proposal(tenant=org.tenant, supervisor=org.supervisor, date=today)
    again = spot_check_proposal(tenant=org.tenant, supervisor=org.supervisor, date=today)
    # Then it is the same visit, of a direct report, from yesterday
    assert first is not None and first.pk == again.pk
    assert first.log.member_id in {org.agent.pk, org.agent2.pk}
    assert first.log.date == yesterday
    # And after it was spot-checked another one is proposed
    record(org, first.log.member, Duty.Kind.SPOT_CHECK, today, outcome="verified", visit_id=first.pk)
    assert spot_check_proposal(tenant=org.tenant, supervisor=org.supervisor, date=today).pk != first.pk


def test_no_proposal_without_visits_yesterday(org, today):
    # Given visits only today and the day before yesterday
    log(org.agent, today, visits=[{"name": "今天"}])
    log(org.agent, today - timedelta(days=2), visits=[{"name": "前天"}])
    # Then there is nothing to propose
    assert spot_check_proposal(tenant=org.tenant, supervisor=org.supervisor, date=today) is None


# --- bad input ----------------------------------------------------------------------------------------


def test_bad_input_gives_field_errors_and_saves_nothing(org, today, visit):
    other_visit = log(org.agent2, today - timedelta(days=1), visits=[{"name": "李先生"}]).visits.get()
    today_visit = log(org.agent, today, visits=[{"name": "今天"}]).visits.get()
    cases = [
        ({"kind": "tracking_call", "day": today + timedelta(days=1)}, "date"),
        ({"kind": "phone_call", "day": today}, "kind"),
        ({"kind": "spot_check", "day": today, "outcome": "verified"}, "visit"),
        ({"kind": "spot_check", "day": today, "outcome": "verified", "visit_id": other_visit.pk}, "visit"),
        ({"kind": "spot_check", "day": today, "outcome": "verified", "visit_id": today_visit.pk}, "visit"),
        ({"kind": "spot_check", "day": today, "outcome": "done", "visit_id": visit.pk}, "outcome"),
        ({"kind": "tracking_call", "day": today, "outcome": "verified"}, "outcome"),
        ({"kind": "coaching", "day": today, "notes": "x" * 1001}, "notes"),
    ]
    for arguments, field in cases:
        arguments = dict(arguments)
        kind, day = arguments.pop("kind"), arguments.pop("day")
        with pytest.raises(ValidationError) as error:
            record(org, org.agent, kind, day, **arguments)
        assert field in error.value.message_dict, (arguments, error.value.message_dict)
    assert Duty.objects.count() == 0
    assert not DailyLog.objects.filter(flagged=True).exists()


def test_api_bad_input_answers_400_in_english(org, today, api_client_for):
    client = english(api_client_for(org.supervisor))
    response = client.post(
        DUTIES,
        {"kind": "tracking_call", "member": org.agent.pk, "date": (today + timedelta(days=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"date": ["A duty cannot be recorded for a day in the future."]}
    response = client.post(DUTIES, {"kind": "spot_check", "member": org.agent.pk, "outcome": "verified"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"visit": ["Name the visit you called back."]}
    assert Duty.objects.count() == 0


# --- tenants and role scope ---------------------------------------------------------------------------


def test_another_tenants_member_is_unknown(org, other_org, today, api_client_for):
    # The service says "Unknown member." ...
    with pytest.raises(Http404, match="Unknown member."):
        record(org, other_org.agent, Duty.Kind.TRACKING_CALL, today)
    # ... and the API answers 404, as for any id it does not know
    response = english(api_client_for(org.supervisor)).post(
        DUTIES, {"kind": "tracking_call", "member": other_org.agent.pk}, format="json"
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Unknown member."}
    # And a member of the other tenant does not see this tenant's duties
    record(org, org.agent, Duty.Kind.TRACKING_CALL, today)
    assert api_client_for(other_org.supervisor).get(DUTIES).json()["count"] == 0
    assert api_client_for(other_org.admin).get(DUTIES).json()["count"] == 0
    assert Duty.objects.filter(tenant=other_org.tenant).count() == 0


def test_agent_cannot_record_and_supervisor2_cannot_record_for_another_team(org, today, api_client_for):
    # An agent may not record a duty
    response = api_client_for(org.agent).post(DUTIES, {"kind": "tracking_call", "member": org.agent2.pk}, format="json")
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        record(org, org.agent2, Duty.Kind.TRACKING_CALL, today, actor=org.agent)
    # supervisor2 does not lead agent (north-1): the same 404 as an unknown member
    response = api_client_for(org.supervisor2).post(
        DUTIES, {"kind": "tracking_call", "member": org.agent.pk}, format="json"
    )
    assert response.status_code == 404
    # Nor may a supervisor record a duty for themself
    with pytest.raises(Http404):
        record(org, org.supervisor, Duty.Kind.TRACKING_CALL, today)
    assert Duty.objects.count() == 0


def test_duty_list_scope(org, today, api_client_for):
    # Given calls to agent and agent2 by supervisor, and to agent3 by supervisor2
    record(org, org.agent, Duty.Kind.TRACKING_CALL, today)
    record(org, org.agent2, Duty.Kind.TRACKING_CALL, today)
    record(org, org.agent2, Duty.Kind.COACHING, today)
    record(org, org.agent3, Duty.Kind.TRACKING_CALL, today, actor=org.supervisor2)

    def members(actor, **params):
        response = api_client_for(actor).get(DUTIES, params)
        assert response.status_code == 200
        return sorted((row["member"], row["kind"]) for row in response.json()["results"])

    # An agent sees the duties they received
    assert members(org.agent) == [(org.agent.pk, "tracking_call")]
    # A supervisor those they did (their subtree's), another supervisor theirs
    assert len(members(org.supervisor)) == 3
    assert members(org.supervisor2) == [(org.agent3.pk, "tracking_call")]
    # The branch manager sees the whole branch; filters narrow it
    assert len(members(org.branch_manager)) == 4
    assert members(org.supervisor, kind="coaching") == [(org.agent2.pk, "coaching")]
    assert members(org.supervisor, member=org.agent.pk, date=today.isoformat()) == [(org.agent.pk, "tracking_call")]
    assert members(org.supervisor, to=(today - timedelta(days=1)).isoformat()) == []
    assert duty_list(tenant=org.tenant, actor=org.agent3, filters={}).count() == 1


# --- the team today -------------------------------------------------------------------------------


def test_team_today_judges_each_item_against_the_tier_standard(org, today):
    # Given agent met 5311 today, agent2 logged below it, and yesterday's logs
    log(org.agent, today, phone_appointments=5, sales_interviews=3, recruiting_interviews=1, new_prospects=1)
    log(org.agent2, today, phone_appointments=2, sales_interviews=3)
    log(org.agent, today - timedelta(days=1), phone_appointments=4, referrals=2)
    log(org.agent2, today - timedelta(days=1), phone_appointments=1)
    # When the team is read
    team = team_today(tenant=org.tenant, supervisor=org.supervisor, date=today)
    rows = {row["member"].pk: row for row in team["members"]}
    # Then each item is met or below, referrals without a standard
    states = {item["name"]: item["state"] for item in rows[org.agent2.pk]["items"]}
    assert states == {
        "phone_appointments": "below",
        "sales_interviews": "met",
        "recruiting_interviews": "below",
        "new_prospects": "below",
        "referrals": "none",
    }
    assert rows[org.agent.pk]["met"] is True and rows[org.agent2.pk]["met"] is False
    assert team["logged"] == 2
    assert team["yesterday"]["phone_appointments"] == 5 and team["yesterday"]["referrals"] == 2


# --- the page ---------------------------------------------------------------------------------------


def test_page_shows_the_team_checklist_and_proposal(org, client, today, visit):
    # Given agent logged today and was called; agent2 has not logged
    log(org.agent, today, phone_appointments=5, sales_interviews=1)
    record(org, org.agent, Duty.Kind.TRACKING_CALL, today)
    client.force_login(org.supervisor.user)
    # When the supervisor opens the page
    response = english(client).get(PAGE)
    # Then it lists both reports, who logged, the colours, the checklist and the proposed visit
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-member="{org.agent.pk}" data-logged="true"' in html
    assert f'data-member="{org.agent2.pk}" data-logged="false"' in html
    assert 'data-item="phone_appointments" data-state="met"' in html
    assert 'data-item="sales_interviews" data-state="below"' in html
    assert 'data-check="tracking_calls" data-done="1" data-of="2"' in html
    assert 'data-field="customer-name">王女士<' in html
    assert f'data-visit="{visit.pk}"' in html
    assert "Morning review" in html


def test_page_is_forbidden_for_an_agent_and_offered_only_to_supervisors(org, client):
    client.force_login(org.agent.user)
    assert client.get(PAGE).status_code == 403
    assert PAGE not in client.get("/activities/").content.decode()
    client.force_login(org.supervisor.user)
    assert PAGE in client.get("/activities/").content.decode()


def test_manager_reads_a_supervisors_page_in_scope_only(org, other_org, client):
    # A manager has no page of their own; with ?supervisor= they read one, without recording
    client.force_login(org.branch_manager.user)
    assert client.get(PAGE).status_code == 403
    response = client.get(PAGE, {"supervisor": org.supervisor.pk})
    assert response.status_code == 200
    assert 'data-action="tracking-call"' in response.content.decode()
    assert "read only" in english(client).get(PAGE, {"supervisor": org.supervisor.pk}).content.decode()
    # Another tenant's supervisor and a member who is no supervisor are not found
    assert client.get(PAGE, {"supervisor": other_org.supervisor.pk}).status_code == 404
    assert client.get(PAGE, {"supervisor": org.agent.pk}).status_code == 404


def test_query_count_is_flat_with_more_reports(org, client, today, api_client_for, django_assert_max_num_queries):
    def seed(members):
        for member in members:
            log(member, today, phone_appointments=3)
            log(member, today - timedelta(days=1), visits=[{"name": f"客户{member.pk}"}])
            record(org, member, Duty.Kind.TRACKING_CALL, today)

    seed([org.agent, org.agent2])
    client.force_login(org.supervisor.user)
    api = api_client_for(org.supervisor)
    client.get(PAGE)  # warm session and content-type caches
    with django_assert_max_num_queries(30) as few:
        assert client.get(PAGE).status_code == 200
    with django_assert_max_num_queries(30) as few_api:
        assert api.get(DUTIES).status_code == 200

    # When there are 8 more reports with logs, visits and duties
    seed(more_reports(org, 8))
    # Then the page and the API run the same number of queries
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(PAGE).status_code == 200
    with django_assert_max_num_queries(len(few_api.captured_queries)):
        assert api.get(DUTIES).status_code == 200
    assert Visit.objects.filter(log__member__supervisor=org.supervisor).count() == 10

"""The work log: PUT replaces the day, keeps history, refuses bad input; the edit window; scope and tenants."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction

from activities.models import Customer, DailyLog, DailyLogChange, Visit
from activities.services.logs import daily_log_upsert
from salesops.org.selectors import tenant_today

pytestmark = pytest.mark.django_db

LOGS = "/api/v1/activities/logs/"
ZEROS = {
    "phone_appointments": 0,
    "sales_interviews": 0,
    "recruiting_interviews": 0,
    "new_prospects": 0,
    "referrals": 0,
}
DAY = {
    "phone_appointments": 5,
    "sales_interviews": 3,
    "recruiting_interviews": 1,
    "new_prospects": 1,
    "referrals": 0,
    "visits": [{"name": "王女士", "phone": "138 0013 8000", "kind": "prospect"}],
}


def days_ago(org, days):
    return tenant_today(org.tenant) - timedelta(days=days)


def english(client):
    # Messages are asserted in English, the msgid language.
    client.cookies["django_language"] = "en"
    return client


def own(day):
    return f"{LOGS}{day.isoformat()}/"


def members_log(member, day):
    return f"/api/v1/activities/members/{member.pk}/logs/{day.isoformat()}/"


def stored():
    """Return what the tables hold, to show that a refused write saved nothing."""
    return (
        list(DailyLog.objects.order_by("id").values()),
        list(Visit.objects.order_by("id").values()),
        DailyLogChange.objects.count(),
    )


def write(org, member, days, actor=None, reason="", **counts):
    return daily_log_upsert(
        tenant=org.tenant,
        actor=actor or member,
        member=member,
        date=days_ago(org, days),
        counts={**ZEROS, **counts},
        visits=[],
        reason=reason,
    )


# --- PUT replaces, idempotently, with history ------------------------------------------------------


def test_the_same_put_twice_keeps_one_log_and_one_history_entry(org, api_client_for):
    # Given the agent's client
    client = api_client_for(org.agent)
    today = days_ago(org, 0)
    # When today's log is PUT twice with the same body (a retry after a lost answer)
    first = client.put(own(today), DAY, format="json")
    second = client.put(own(today), DAY, format="json")
    # Then both answer the log, and there is one log with one history entry
    assert first.status_code == second.status_code == 200
    entry = Customer.objects.get(tenant=org.tenant, phone="13800138000")
    assert second.json() == {
        "member": org.agent.pk,
        "member_name": org.agent.display_name,
        "date": today.isoformat(),
        **{key: DAY[key] for key in ZEROS},
        "visits": [{**DAY["visits"][0], "customer": entry.pk}],
        "flagged": False,
        "exists": True,
        "locked": False,
        "book": {
            "new_prospects": [{"id": entry.pk, "name": "王女士", "erased": False, "url": f"/customers/{entry.pk}/"}],
            "referrals": [],
        },
    }
    assert Customer.objects.filter(tenant=org.tenant).count() == 1
    assert DailyLog.objects.filter(member=org.agent).count() == 1
    assert Visit.objects.filter(log__member=org.agent).count() == 1
    history = client.get(f"{own(today)}history/").json()
    assert history["count"] == 1
    assert history["results"][0]["old"] is None
    assert history["results"][0]["changed_by"] == org.agent.pk


def test_a_changed_put_replaces_the_day_and_history_shows_old_and_new(org, api_client_for):
    # Given a logged day
    client = api_client_for(org.agent)
    today = days_ago(org, 0)
    client.put(own(today), DAY, format="json")
    # When it is PUT again with other counts and no visits (the visit's book entry, acquired today, stays counted)
    changed = {**ZEROS, "phone_appointments": 7, "new_prospects": 1}
    response = client.put(own(today), changed, format="json")
    # Then the day is replaced (the visit is gone, the other items are 0)
    assert response.status_code == 200
    log = DailyLog.objects.get(member=org.agent, date=today)
    assert (log.phone_appointments, log.sales_interviews, log.visits.count()) == (7, 0, 0)
    # And the newest history entry shows old → new
    newest = client.get(f"{own(today)}history/").json()["results"][0]
    entry = Customer.objects.get(tenant=org.tenant, phone="13800138000")
    assert newest["old"] == {**{key: DAY[key] for key in ZEROS}, "visits": [{**DAY["visits"][0], "customer": entry.pk}]}
    assert newest["new"] == {**changed, "visits": []}
    assert newest["changed_by_name"] == org.agent.display_name
    assert DailyLogChange.objects.filter(log=log).count() == 2


def test_an_item_left_out_of_a_put_counts_as_zero(org, api_client_for):
    response = api_client_for(org.agent).put(own(days_ago(org, 0)), {"sales_interviews": 2}, format="json")
    assert response.status_code == 200
    assert {key: response.json()[key] for key in ZEROS} == {**ZEROS, "sales_interviews": 2}
    assert response.json()["visits"] == []


def test_a_visit_without_a_kind_is_a_prospect(org, api_client_for):
    body = {**ZEROS, "visits": [{"name": "李先生"}]}
    response = api_client_for(org.agent).put(own(days_ago(org, 0)), body, format="json")
    assert response.status_code == 200
    assert response.json()["visits"] == [{"name": "李先生", "phone": "", "kind": "prospect", "customer": None}]


def test_a_day_without_a_log_answers_zeros_and_exists_false(org, api_client_for):
    # Given nothing logged yesterday
    yesterday = days_ago(org, 1)
    # When the agent reads it
    response = api_client_for(org.agent).get(own(yesterday))
    # Then it is 200 with zeros, no visits, and "exists": false; nothing is created
    assert response.status_code == 200
    assert response.json() == {
        "member": org.agent.pk,
        "member_name": org.agent.display_name,
        "date": yesterday.isoformat(),
        **ZEROS,
        "visits": [],
        "flagged": False,
        "exists": False,
        "locked": False,
        "book": {"new_prospects": [], "referrals": []},
    }
    assert not DailyLog.objects.exists()
    assert api_client_for(org.agent).get(f"{own(yesterday)}history/").json()["count"] == 0


def test_an_impossible_date_in_the_path_is_404(org, api_client_for):
    assert api_client_for(org.agent).get(f"{LOGS}2026-02-30/").status_code == 404
    assert api_client_for(org.agent).get(f"{LOGS}yesterday/").status_code == 404


# --- concurrency -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_puts_at_once_end_as_one_log_and_both_answer_200(org, api_client_for):
    # Given two clients of the same agent (a phone retrying while the first request is still running)
    today = days_ago(org, 0)
    clients = [api_client_for(org.agent), api_client_for(org.agent)]
    bodies = [{**ZEROS, "phone_appointments": 4}, {**ZEROS, "phone_appointments": 6}]
    start = threading.Barrier(2)

    def put(args):
        client, body = args
        try:
            start.wait()
            return client.put(own(today), body, format="json").status_code
        finally:
            connections.close_all()

    # When both PUT today's log at the same moment
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = list(pool.map(put, zip(clients, bodies, strict=True)))
    # Then both succeed, there is one log, and the history ends at what the log holds
    assert codes == [200, 200]
    log = DailyLog.objects.get(member=org.agent, date=today)
    changes = list(DailyLogChange.objects.filter(log=log).order_by("id"))
    assert len(changes) == 2
    assert changes[0].old is None
    assert changes[1].old == changes[0].new
    assert changes[1].new["phone_appointments"] == log.phone_appointments


@pytest.mark.django_db(transaction=True)
def test_a_write_racing_an_uncommitted_first_log_waits_and_updates_it(org):
    # Given a first write of today's log that holds its transaction open
    today = days_ago(org, 0)
    first_wrote, first_committed_at, second_done_at = threading.Event(), [], []

    def first():
        try:
            with transaction.atomic():
                write(org, org.agent, 0, phone_appointments=1)
                first_wrote.set()
                time.sleep(0.5)
                # Taken just before the commit: the second cannot finish before this moment.
                first_committed_at.append(time.monotonic())
        finally:
            connections.close_all()

    def second():
        try:
            first_wrote.wait(5)
            # It cannot see the first row yet, so it inserts, waits on the unique index, and re-reads.
            write(org, org.agent, 0, phone_appointments=2)
            second_done_at.append(time.monotonic())
        finally:
            connections.close_all()

    # When a second write of the same day starts meanwhile
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    # Then the second finished after the first committed, on the same row, as a change of it
    assert first_committed_at and second_done_at and second_done_at[0] >= first_committed_at[0]
    log = DailyLog.objects.get(member=org.agent, date=today)
    assert log.phone_appointments == 2
    assert [
        (c.old and c.old["phone_appointments"], c.new["phone_appointments"]) for c in log.changes.order_by("id")
    ] == [
        (None, 1),
        (1, 2),
    ]


# --- the edit window -------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 1, 2])
def test_an_agent_may_change_their_log_within_the_window(org, api_client_for, days):
    # The default window is 2: today, yesterday and the day before are open.
    response = api_client_for(org.agent).put(own(days_ago(org, days)), DAY, format="json")
    assert response.status_code == 200
    assert response.json()["locked"] is False


def test_a_log_older_than_the_window_is_locked_for_the_agent(org, api_client_for):
    # Given a log of three days ago written back then (here: by the supervisor)
    write(org, org.agent, 3, actor=org.supervisor, reason="entered for the agent", phone_appointments=2)
    before = stored()
    client = english(api_client_for(org.agent))
    # When the agent changes it, or reads it
    response = client.put(own(days_ago(org, 3)), DAY, format="json")
    # Then it is refused on "date" and nothing changes; the read says it is locked
    assert response.status_code == 400
    assert response.json() == {
        "date": [
            "This day's log is locked: a log can be changed until 2 days after its day. "
            "Ask your supervisor to correct it."
        ]
    }
    assert stored() == before
    assert client.get(own(days_ago(org, 3))).json()["locked"] is True


def test_the_window_is_the_tenants(org, api_client_for):
    # Given a tenant whose agents may change today's log only
    org.tenant.log_edit_window_days = 0
    org.tenant.save()
    client = api_client_for(org.agent)
    # Then today is open and yesterday is locked
    assert client.put(own(days_ago(org, 0)), DAY, format="json").status_code == 200
    assert client.put(own(days_ago(org, 1)), DAY, format="json").json().keys() == {"date"}


def test_a_supervisor_corrects_a_locked_log_with_a_reason(org, api_client_for):
    # Given the agent's log of ten days ago
    write(org, org.agent, 10, actor=org.admin, reason="backfill", phone_appointments=2)
    client = api_client_for(org.supervisor)
    # When the supervisor corrects it with a reason
    response = client.put(
        members_log(org.agent, days_ago(org, 10)), {**DAY, "reason": "Called the customer: 5 calls."}, format="json"
    )
    # Then it is corrected, and the history says who and why
    assert response.status_code == 200
    assert response.json()["phone_appointments"] == 5
    assert response.json()["member"] == org.agent.pk
    newest = client.get(f"{members_log(org.agent, days_ago(org, 10))}history/").json()["results"][0]
    assert newest["changed_by"] == org.supervisor.pk
    assert newest["reason"] == "Called the customer: 5 calls."
    assert newest["old"]["phone_appointments"] == 2


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_a_reason_is_refused(org, api_client_for, reason):
    # Given the agent's log of yesterday (open for the agent, but the supervisor is not the agent)
    write(org, org.agent, 1, phone_appointments=2)
    before = stored()
    client = english(api_client_for(org.supervisor))
    # When the supervisor changes it without saying why
    response = client.put(members_log(org.agent, days_ago(org, 1)), {**DAY, "reason": reason}, format="json")
    # Then it is refused on "reason" and nothing changes
    assert response.status_code == 400
    assert response.json() == {"reason": ["Say why you are correcting this member's work log."]}
    assert stored() == before


def test_a_leader_may_write_their_own_log_through_the_members_path_without_a_reason(org, api_client_for):
    response = api_client_for(org.supervisor).put(members_log(org.supervisor, days_ago(org, 0)), DAY, format="json")
    assert response.status_code == 200


def test_a_supervisor_own_old_log_is_locked_for_them_too(org):
    with pytest.raises(ValidationError) as error:
        write(org, org.supervisor, 3, phone_appointments=1)
    assert set(error.value.message_dict) == {"date"}


def test_the_service_refuses_a_member_writing_another_members_log(org):
    with pytest.raises(PermissionDenied):
        write(org, org.agent2, 0, actor=org.agent, reason="helping", phone_appointments=1)
    with pytest.raises(PermissionDenied):
        write(org, org.agent3, 0, actor=org.supervisor, reason="not my team", phone_appointments=1)
    assert not DailyLog.objects.exists()


# --- bad input: a field-level error, nothing saved -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"phone_appointments": -1}, {"phone_appointments": ["A count cannot be negative."]}),
        ({"sales_interviews": 101}, {"sales_interviews": ["101 is more than is plausible in one day (at most 100)."]}),
        ({"new_prospects": 2.5}, {"new_prospects": ["A valid integer is required."]}),
        ({"referrals": "three"}, {"referrals": ["A valid integer is required."]}),
        ({"visits": [{"name": "  ", "kind": "prospect"}]}, {"visits": ["Visit 1: enter the customer's name."]}),
        (
            {"visits": [{"name": "王女士"}, {"name": "李先生", "kind": "friend"}]},
            {"visits": ["Visit 2: the kind is one of prospect, customer, referral."]},
        ),
        (
            {"visits": [{"name": "王女士", "phone": "call me"}]},
            {"visits": ["Visit 1: the phone number may hold only digits, spaces, +, - and brackets."]},
        ),
    ],
)
def test_bad_input_is_refused_field_by_field_and_saves_nothing(org, api_client_for, body, errors):
    # Given today's log already written
    client = english(api_client_for(org.agent))
    client.put(own(days_ago(org, 0)), DAY, format="json")
    before = stored()
    # When a bad day is PUT
    response = client.put(own(days_ago(org, 0)), {**DAY, **body}, format="json")
    # Then the answer names the field and the log, its visits and its history are as they were
    assert response.status_code == 400
    assert response.json() == errors
    assert stored() == before


def test_every_bad_item_is_reported_at_once(org, api_client_for):
    body = {"phone_appointments": -1, "sales_interviews": 500, "visits": [{"name": ""}]}
    response = english(api_client_for(org.agent)).put(own(days_ago(org, 0)), body, format="json")
    assert response.status_code == 400
    assert response.json().keys() == {"phone_appointments", "sales_interviews", "visits"}
    assert not DailyLog.objects.exists()


def test_the_cap_is_the_tenants(org, api_client_for):
    # Given a tenant that finds more than 20 of anything in a day implausible
    org.tenant.activity_daily_cap = 20
    org.tenant.save()
    client = english(api_client_for(org.agent))
    # Then 20 is accepted and 21 refused
    assert client.put(own(days_ago(org, 0)), {"phone_appointments": 20}, format="json").status_code == 200
    response = client.put(own(days_ago(org, 0)), {"phone_appointments": 21}, format="json")
    assert response.json() == {"phone_appointments": ["21 is more than is plausible in one day (at most 20)."]}


def test_a_future_date_is_refused(org, api_client_for):
    # Given the agent's client and tomorrow in the tenant's time zone
    tomorrow = days_ago(org, -1)
    # When tomorrow is logged, by the agent or corrected by the supervisor
    agent = english(api_client_for(org.agent)).put(own(tomorrow), DAY, format="json")
    supervisor = english(api_client_for(org.supervisor)).put(
        members_log(org.agent, tomorrow), {**DAY, "reason": "ahead of time"}, format="json"
    )
    # Then both are refused on "date" and nothing is saved
    assert agent.status_code == supervisor.status_code == 400
    assert agent.json() == supervisor.json() == {"date": ["A work log cannot be written for a day in the future."]}
    assert not DailyLog.objects.exists()


def test_the_service_reports_non_integer_counts_too(org):
    # The page may call the service with form values: strings of digits pass, anything else is refused.
    log = daily_log_upsert(
        tenant=org.tenant,
        actor=org.agent,
        member=org.agent,
        date=days_ago(org, 0),
        counts={"referrals": "2"},
        visits=[],
    )
    assert log.referrals == 2
    for bad in ["2.5", 2.5, True, None, "x"]:
        with pytest.raises(ValidationError) as error:
            daily_log_upsert(
                tenant=org.tenant,
                actor=org.agent,
                member=org.agent,
                date=days_ago(org, 0),
                counts={"referrals": bad},
                visits=[],
            )
        assert error.value.message_dict == {"referrals": ["Enter a whole number."]}


# --- tenants and scope ------------------------------------------------------------------------------

# Whose logs each role lists (DESIGN.md "Tenancy and access"): every member below logs today.
LOGGERS = ["supervisor", "agent", "agent2", "supervisor2", "agent3", "agent4", "advisor"]
LOG_SCOPE = {
    "admin": set(LOGGERS),
    "manager": set(LOGGERS),
    "branch_manager": {"supervisor", "agent", "agent2", "supervisor2", "agent3"},
    "supervisor": {"supervisor", "agent", "agent2"},
    "supervisor2": {"supervisor2", "agent3"},
    "agent": {"agent"},
    "agent4": {"agent4"},
    "renewal_lead": {"advisor"},
    "bank": set(),
}


@pytest.fixture
def logged(org, other_org):
    for fixture in (org, other_org):
        for name in LOGGERS:
            write(fixture, fixture.members[name], 0, phone_appointments=1)


@pytest.mark.parametrize(("role", "scope"), LOG_SCOPE.items())
def test_each_role_lists_the_logs_in_its_scope_only(org, other_org, logged, api_client_for, role, scope):
    rows = api_client_for(org.members[role]).get(LOGS).json()["results"]
    assert {row["member"] for row in rows} == {org.members[name].pk for name in scope}


def test_the_list_filters_by_member_and_dates(org, api_client_for):
    for days in (0, 1, 5):
        write(org, org.agent, days, actor=org.admin, reason="backfill", referrals=days)
    write(org, org.agent2, 1, referrals=9)
    client = api_client_for(org.supervisor)
    query = f"?member={org.agent.pk}&from={days_ago(org, 4).isoformat()}&to={days_ago(org, 0).isoformat()}"
    rows = client.get(f"{LOGS}{query}").json()["results"]
    assert [(row["date"], row["referrals"]) for row in rows] == [
        (days_ago(org, 0).isoformat(), 0),
        (days_ago(org, 1).isoformat(), 1),
    ]
    assert client.get(f"{LOGS}?from=yesterday").status_code == 400


def test_the_list_rows_carry_the_visits_and_the_flag(org, api_client_for):
    api_client_for(org.agent).put(own(days_ago(org, 0)), DAY, format="json")
    row = api_client_for(org.supervisor).get(LOGS).json()["results"][0]
    entry = Customer.objects.get(tenant=org.tenant, phone="13800138000")
    assert row == {
        "member": org.agent.pk,
        "member_name": org.agent.display_name,
        "date": days_ago(org, 0).isoformat(),
        **{key: DAY[key] for key in ZEROS},
        "visits": [{**DAY["visits"][0], "customer": entry.pk}],
        "flagged": False,
    }


def test_another_tenants_member_is_404_everywhere(org, other_org, logged, api_client_for):
    # Given the admin of tenant A, who sees all of A
    client = api_client_for(org.admin)
    stranger = other_org.agent
    today = days_ago(org, 0)
    before = stored()
    # When it reads, corrects or lists tenant B's agent
    assert client.get(members_log(stranger, today)).status_code == 404
    assert client.put(members_log(stranger, today), {**DAY, "reason": "x"}, format="json").status_code == 404
    assert client.get(f"{members_log(stranger, today)}history/").status_code == 404
    assert client.get(f"{LOGS}?member={stranger.pk}").json()["count"] == 0
    # Then nothing of B is visible or changed
    assert stored() == before


def test_the_own_path_never_reaches_another_member(org, other_org, logged, api_client_for):
    # The own path takes no member: each caller gets their own day, in their own tenant.
    mine = api_client_for(other_org.agent).get(own(days_ago(org, 0))).json()
    assert mine["member"] == other_org.agent.pk


@pytest.mark.parametrize(
    ("role", "target"),
    [("agent", "agent2"), ("agent", "supervisor"), ("supervisor2", "agent"), ("agent4", "agent"), ("bank", "agent")],
)
def test_out_of_scope_logs_are_404(org, logged, api_client_for, role, target):
    # Given a member whose scope does not hold the target
    client = api_client_for(org.members[role])
    before = stored()
    path = members_log(org.members[target], days_ago(org, 0))
    # When they read, correct or read the history of the target's log
    assert client.get(path).status_code == 404
    assert client.put(path, {**DAY, "reason": "mine now"}, format="json").status_code == 404
    assert client.get(f"{path}history/").status_code == 404
    # Then nothing changed
    assert stored() == before


def test_a_branch_manager_corrects_a_log_in_their_branch(org, logged, api_client_for):
    path = members_log(org.agent3, days_ago(org, 0))
    response = api_client_for(org.branch_manager).put(path, {**DAY, "reason": "coached today"}, format="json")
    assert response.status_code == 200


def test_the_api_needs_a_login(client):
    assert client.get(LOGS).status_code in (401, 403)


def test_the_list_costs_a_few_queries_however_many_logs(org, api_client_for, django_assert_max_num_queries):
    # Given 40 logs with two visits each, over four members
    members = [org.agent, org.agent2, org.supervisor, org.agent3]
    for days in range(10):
        for number, member in enumerate(members):
            daily_log_upsert(
                tenant=org.tenant,
                actor=org.admin,
                member=member,
                date=days_ago(org, days),
                counts={"phone_appointments": days, "new_prospects": 1},
                visits=[{"name": "A"}, {"name": "B", "phone": f"1380000012{number}"}],
                reason="backfill",
            )
    client = api_client_for(org.admin)
    # When the admin lists them all, then the cost does not grow with the rows
    with django_assert_max_num_queries(7):
        body = client.get(f"{LOGS}?page_size=500").json()
    assert body["count"] == 40
    assert all(len(row["visits"]) == 2 for row in body["results"])


def test_a_put_keeps_the_flag_a_spot_check_set(org, api_client_for):
    # Given a flagged log (a spot-check could not verify a visit)
    client = api_client_for(org.agent)
    client.put(own(days_ago(org, 0)), DAY, format="json")
    DailyLog.objects.filter(member=org.agent).update(flagged=True)
    # When the agent changes the day, then it stays flagged for review
    assert client.put(own(days_ago(org, 0)), {**DAY, "referrals": 1}, format="json").json()["flagged"] is True


def test_the_schema_documents_the_work_log_paths(client):
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in [
        "/api/v1/activities/logs/",
        "/api/v1/activities/logs/{date}/",
        "/api/v1/activities/logs/{date}/history/",
        "/api/v1/activities/members/{member_id}/logs/{date}/",
        "/api/v1/activities/members/{member_id}/logs/{date}/history/",
        "/api/v1/activities/standards/",
    ]:
        assert path in paths
    assert set(paths["/api/v1/activities/logs/{date}/"]) >= {"get", "put"}

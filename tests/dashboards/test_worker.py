"""Rollups through the real parts: Redis, a Celery worker process, PostgreSQL commits.

- a log written through the API reaches its team's and company's rollups;
- the outbox: with the broker unreachable at write time, or no worker
  running, the write succeeds and the rollup is right once a worker runs;
- a worker killed in the middle of a refresh leaves no half-written rollup,
  and the next worker does the whole refresh.
"""

import os
import signal
import time
from datetime import date

import psycopg
import pytest
from django.db import connection

from dashboards.models import Rollup, RollupRequest
from salesops.celery import app
from salesops.org.selectors import tenant_today
from tests.dashboards.rollup_data import log

pytestmark = pytest.mark.django_db(transaction=True)

# Generous: a shared CI machine may be slow to start a worker; this is a
# deadline for a failure message, not a speed requirement.
DEADLINE_SECONDS = 120


def wait_for(condition, worker, what):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    worker.terminate()
    output = worker.communicate(timeout=30)[0]
    raise AssertionError(f"{what} did not happen; the worker's output:\n{output}")


def company_day(org, day):
    return Rollup.objects.filter(
        tenant=org.tenant, scope="unit", subject_id=org.units["company"].pk, grain="day", period_start=day
    ).first()


def put_log(client, day, interviews):
    body = {
        "phone_appointments": 5,
        "sales_interviews": interviews,
        "recruiting_interviews": 1,
        "new_prospects": 1,
        "referrals": 1,
        "visits": [],
    }
    return client.put(f"/api/v1/activities/logs/{day.isoformat()}/", body, format="json")


def test_an_agents_log_reaches_team_and_company_rollups(org, api_client_for, celery_worker):
    worker = celery_worker()
    today = tenant_today(org.tenant)
    # When the agent logs today through the API
    response = put_log(api_client_for(org.agent), today, interviews=3)
    assert response.status_code == 200, response.content
    # Then the worker rolls it up to the team and the company
    wait_for(lambda: company_day(org, today) is not None, worker, "the company's rollup of today")
    team = Rollup.objects.get(
        tenant=org.tenant, scope="unit", subject_id=org.units["north1"].pk, grain="day", period_start=today
    )
    assert (team.phone_appointments, team.sales_interviews, team.logged, team.agents) == (5, 3, 1, 2)
    company = company_day(org, today)
    assert (company.phone_appointments, company.sales_interviews, company.logged, company.agents) == (5, 3, 1, 4)
    assert not RollupRequest.objects.filter(tenant=org.tenant).exists()
    # And a correction reaches them too
    assert put_log(api_client_for(org.agent), today, interviews=4).status_code == 200
    wait_for(lambda: company_day(org, today).sales_interviews == 4, worker, "the corrected interviews")


def test_a_write_while_redis_is_down_is_rolled_up_when_a_worker_runs(org, api_client_for, celery_worker, caplog):
    today = tenant_today(org.tenant)
    broker = app.conf.broker_url
    # Given Redis cannot be reached when the agent saves
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = app.amqp._producer_pool = None
    try:
        response = put_log(api_client_for(org.agent), today, interviews=2)
    finally:
        app.conf.broker_url = broker
        app._pool = app.amqp._producer_pool = None
    # Then the write succeeded, the wake-up failed quietly, and the outbox holds the refresh
    assert response.status_code == 200, response.content
    assert "could not queue the refresh" in caplog.text
    assert RollupRequest.objects.filter(tenant=org.tenant, member_id=org.agent.pk, day=today).exists()
    assert company_day(org, today) is None
    # When Redis is back and a worker starts, it sweeps the outbox on start
    worker = celery_worker()
    wait_for(lambda: company_day(org, today) is not None, worker, "the rollup after the outage")
    assert company_day(org, today).sales_interviews == 2
    wait_for(lambda: not RollupRequest.objects.filter(tenant=org.tenant).exists(), worker, "the outbox emptied")


def test_a_write_while_no_worker_runs_is_rolled_up_when_one_starts(org, api_client_for, celery_worker):
    today = tenant_today(org.tenant)
    # Given no worker is running: the write queues its task in Redis
    assert put_log(api_client_for(org.agent), today, interviews=6).status_code == 200
    time.sleep(1)
    assert company_day(org, today) is None
    # When a worker starts
    worker = celery_worker()
    # Then the queued refresh is done
    wait_for(lambda: company_day(org, today) is not None, worker, "the rollup once a worker runs")
    assert company_day(org, today).sales_interviews == 6


def _test_database() -> dict:
    db = connection.settings_dict
    return {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": db["NAME"],
    }


def _blocked_on_lock(blocker) -> bool:
    # Activity statistics are a snapshot per transaction: take a fresh one.
    blocker.execute("SELECT pg_stat_clear_snapshot()")
    rows = blocker.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
    ).fetchone()
    return rows[0] > 0


def test_a_worker_killed_mid_refresh_leaves_no_half_written_rollup(org, celery_worker):
    from dashboards.services import rollups

    day = date(2026, 11, 2)
    log(org, org.agent, day, phone_appointments=3)
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    member_week = Rollup.objects.get(
        tenant=org.tenant, scope="member", subject_id=org.agent.pk, grain="week", period_start=day
    )
    # Given a second write, and the company's month row locked by another session, so the
    # worker's refresh stops after writing the member and day rows and before the month rows
    with psycopg.connect(**_test_database()) as blocker:
        blocker.execute(
            "SELECT 1 FROM dashboards_rollup WHERE tenant_id = %s AND scope = 'unit' AND subject_id = %s "
            "AND grain = 'month' AND period_start = %s FOR UPDATE",
            [org.tenant.pk, org.units["company"].pk, date(2026, 11, 1)],
        )
        log(org, org.agent, day, phone_appointments=8)
        worker = celery_worker()
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not _blocked_on_lock(blocker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _blocked_on_lock(blocker), "the worker never reached the locked row"
        # When the worker is killed outright in the middle of the refresh
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        blocker.rollback()
    # Then nothing of its transaction is visible: the member's week is as before, the request is still owed
    member_week.refresh_from_db()
    assert member_week.phone_appointments == 3
    assert RollupRequest.objects.filter(tenant=org.tenant, member_id=org.agent.pk, day=day).exists()
    # And the next worker does the whole refresh
    worker = celery_worker()
    wait_for(lambda: not RollupRequest.objects.filter(tenant=org.tenant).exists(), worker, "the refresh redone")
    member_week.refresh_from_db()
    assert member_week.phone_appointments == 8
    company_month = Rollup.objects.get(
        tenant=org.tenant,
        scope="unit",
        subject_id=org.units["company"].pk,
        grain="month",
        period_start=date(2026, 11, 1),
    )
    assert company_month.phone_appointments == 8

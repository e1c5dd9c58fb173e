"""A task round-trips through Redis and a real Celery worker process."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from salesops.org.tasks import tenant_headcount
from tests.factories import ORG_HEADCOUNT

ROOT = settings.BASE_DIR


@pytest.fixture
def worker(transactional_db):
    """Start `celery worker` as its own process, on the test database and the test queue."""
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salesops.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.CELERY_BROKER_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "salesops",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_task_round_trips_through_a_real_worker(org, worker):
    # Given a tenant with 12 active members committed to the database
    # When a task is sent to the worker process and we wait for its result
    result = tenant_headcount.delay(org.tenant.pk)
    try:
        counts = result.get(timeout=120)
    except Exception:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
        raise AssertionError(f"the worker did not answer; its output:\n{output}") from None
    # Then the worker read this tenant's members from PostgreSQL and answered through Redis
    assert counts == ORG_HEADCOUNT
    assert result.successful()
    assert worker.poll() is None, "the worker is a separate, still-running process"
    assert worker.pid != os.getpid()

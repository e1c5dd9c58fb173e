"""A task round-trips through Redis and a real Celery worker process."""

import os

import pytest

from salesops.org.tasks import tenant_headcount
from tests.factories import ORG_HEADCOUNT


@pytest.fixture
def worker(celery_worker):
    return celery_worker()


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

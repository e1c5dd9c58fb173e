"""Suite-wide fixtures: two tenants with a small org each, and clients per role.

The browser tests (tests/e2e) need Debian's Chromium. Without it they are
not collected and the run says so plainly at the end; with CI=true a
missing browser fails the run instead.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import OrgFixture, build_org

CHROMIUM = Path(os.environ.get("SALESOPS_CHROMIUM", "/usr/bin/chromium"))
BROWSER_MISSING = not CHROMIUM.exists()
IN_CI = os.environ.get("CI", "").lower() == "true"

collect_ignore_glob = ["e2e/*"] if BROWSER_MISSING else []


def pytest_sessionstart(session):
    if BROWSER_MISSING and IN_CI:
        raise pytest.UsageError(
            f"CI=true but Chromium is missing at {CHROMIUM}: the browser tests cannot run. "
            "Install Debian's chromium and fonts-wqy-microhei (.ci/run does)."
        )


def pytest_terminal_summary(terminalreporter):
    if BROWSER_MISSING:
        terminalreporter.write_sep("!", "BROWSER TESTS DID NOT RUN", red=True, bold=True)
        terminalreporter.write_line(
            f"Chromium was not found at {CHROMIUM}, so tests/e2e was not collected. "
            "Install it with: apt-get install chromium fonts-wqy-microhei"
        )


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Run each test with English active outside requests, whatever the test before it left.

    Translation is per thread, and a request leaves its language active after
    the response; a service called directly would then answer in the language
    of the previous test's last request. Requests still choose their own
    language through the middleware (cookie, then the tenant's language).
    """
    with translation.override("en"):
        yield


@pytest.fixture
def org(db) -> OrgFixture:
    """Tenant A ('acme') with its org; see tests/factories.py for who is where."""
    return build_org("acme", "阿克米保险")


@pytest.fixture
def other_org(db) -> OrgFixture:
    """Tenant B ('bolt'), the same shape: every cross-tenant test looks across to it."""
    return build_org("bolt", "博尔特保险")


@pytest.fixture
def api_client_for():
    """Return an API client authenticated (by token) as the given member."""

    def make(member) -> APIClient:
        from rest_framework.authtoken.models import Token

        client = APIClient()
        token, _ = Token.objects.get_or_create(user=member.user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def api_en(api_client_for):
    """Like ``api_client_for``, answered in English (the API speaks the tenant's language, Chinese, otherwise)."""

    def make(member) -> APIClient:
        client = api_client_for(member)
        client.cookies["django_language"] = "en"
        return client

    return make


@pytest.fixture
def celery_worker(transactional_db):
    """Return a function starting `celery worker` as its own process, on the test database and queue.

    Each call starts one more worker; ``stop(worker)`` (or the end of the
    test) terminates it. Tests that use it commit for real (transactional_db).
    """
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salesops.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.CELERY_BROKER_URL,
    }
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
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
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

"""The embedded-server bootstrap: real PostgreSQL and Redis from PyPI packages."""

import os
import subprocess
import sys

import psycopg
import pytest
import redis

from salesops import embedded
from salesops.settings import base

ROOT = embedded.BASE_DIR


def run_embedded(data_dir, *args):
    env = {**os.environ, "SALESOPS_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "salesops.embedded", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line), result.stdout


@pytest.fixture
def data_dir():
    # Under the project (git-ignored), since PostgreSQL runs as its own user
    # and must reach the folder.
    path = ROOT / ".data" / "test-embedded"
    yield path
    run_embedded(path, "wipe")


def test_servers_start_keep_data_across_restart_and_stop(data_dir):
    # Given no servers in a fresh data folder
    urls, _ = run_embedded(data_dir, "start")
    assert (data_dir / "pg" / "PG_VERSION").exists()
    # When we write to both
    with psycopg.connect(urls["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (n int)")
        conn.execute("INSERT INTO kept VALUES (42)")
        version = conn.execute("SHOW server_version").fetchone()[0]
    assert version.startswith("16.")
    client = redis.Redis.from_url(urls["REDIS_URL"])
    client.set("kept", "yes")
    assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
    client.close()
    # And stop and start them again
    _, stopped = run_embedded(data_dir, "stop")
    assert "postgresql" in stopped and "redis" in stopped
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(urls["DATABASE_URL"], connect_timeout=2)
    urls, _ = run_embedded(data_dir, "start")
    # Then the data is still there
    with psycopg.connect(urls["DATABASE_URL"]) as conn:
        assert conn.execute("SELECT n FROM kept").fetchone() == (42,)
    assert redis.Redis.from_url(urls["REDIS_URL"]).get("kept") == b"yes"


def test_start_is_idempotent(data_dir):
    first, _ = run_embedded(data_dir, "start")
    second, _ = run_embedded(data_dir, "start")
    assert first == second


def test_configured_urls_win_over_the_embedded_servers(monkeypatch):
    # Given both URLs in the environment
    monkeypatch.setenv("DATABASE_URL", "postgres://app:secret@db.internal:5432/salesops")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")

    def refuse():
        raise AssertionError("the embedded server must not start when a URL is given")

    monkeypatch.setattr(embedded, "ensure_postgres", refuse)
    monkeypatch.setattr(embedded, "ensure_redis", refuse)
    # Then those are used, untouched
    assert base.resolve_service_urls(allow_embedded=True) == (
        "postgres://app:secret@db.internal:5432/salesops",
        "redis://cache.internal:6379/0",
    )
    database = base.database_settings("postgres://app:secret@db.internal:5432/salesops")
    assert (database["HOST"], database["NAME"], database["USER"]) == ("db.internal", "salesops", "app")
    assert database["OPTIONS"]["pool"]["max_size"] >= 1 and database["ATOMIC_REQUESTS"] is True


def test_production_refuses_to_start_embedded_servers(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")
    with pytest.raises(Exception, match="DATABASE_URL and REDIS_URL must be set"):
        base.resolve_service_urls(allow_embedded=False)


def test_the_suite_itself_runs_on_postgresql_with_the_pool(settings):
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert settings.DATABASES["default"]["OPTIONS"]["pool"]
    assert settings.CELERY_BROKER_URL.startswith("redis://")

"""The benchmark's own database: ``<name>_bench`` beside the configured one.

The benchmark writes a 20,000-agent tenant and rewrites plans; doing that in
the database of `make run` would bury the demo tenant, so it always runs in a
database whose name is the configured one plus ``_bench``, on the same server
(``DATABASE_URL`` when the user set it, else the embedded PostgreSQL). This
module imports no Django settings: the launcher uses it before Django starts.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import environ
import psycopg
from psycopg import sql

BENCH_SUFFIX = "_bench"


def bench_database_url(database_url: str) -> str:
    """Return ``database_url`` with ``_bench`` appended to the database name."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name:
        raise ValueError(f"DATABASE_URL names no database: {database_url}")
    if name.endswith(BENCH_SUFFIX):
        return database_url
    return urlunsplit(parts._replace(path=f"/{name}{BENCH_SUFFIX}"))


def _connect(database_url: str) -> psycopg.Connection:
    # django-environ accepts more URL schemes (psql://, pgsql://) than libpq,
    # so connect from the parsed parts rather than the raw URL.
    config = environ.Env.db_url_config(database_url)
    return psycopg.connect(
        dbname=config["NAME"],
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,  # CREATE DATABASE cannot run inside a transaction
    )


def ensure_bench_database(database_url: str) -> tuple[str, bool]:
    """Create the bench database next to ``database_url`` if missing; return (its URL, created)."""
    bench_url = bench_database_url(database_url)
    bench_name = environ.Env.db_url_config(bench_url)["NAME"]
    # Connect to the configured database, which exists (the maintenance
    # database ``postgres`` may be closed to an ordinary role).
    with _connect(database_url) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench_name]).fetchone()
        if exists:
            return bench_url, False
        try:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(bench_name)))
        except psycopg.errors.InsufficientPrivilege as error:
            raise RuntimeError(
                f"cannot create the benchmark database {bench_name!r} ({error}); "
                f"create it once by hand (CREATE DATABASE {bench_name}) and run `make bench` again"
            ) from error
    return bench_url, True

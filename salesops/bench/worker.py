"""The benchmark's own Celery worker: a real ``celery worker`` process serving the bench queue only.

``bench_worker`` starts ``celery -A salesops.bench.worker_app worker
--pool=solo -Q <queue>`` on the bench database for as long as a scenario
needs it: the project's app, tasks and settings, with the bench queue as
its default queue too (see ``worker_app``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from salesops.celery import app

# The Celery queue of whatever the benchmarked services queue: no `make run`
# worker serves it, so none takes a task that names rows of the bench
# database; the bench's own worker serves it while a scenario needs one, and
# it is emptied at the end.
BENCH_QUEUE = "salesops-bench"
QUEUE_VARIABLE = "SALESOPS_BENCH_QUEUE"
# Seconds to wait for a started worker to answer a ping, and for a stopped one to exit.
START_TIMEOUT = 120
STOP_TIMEOUT = 30


class WorkerFailed(RuntimeError):
    """The worker process did not start, or died; the message ends with its output."""


def database_url(settings_dict: dict) -> str:
    """Return a DATABASE_URL for the database of ``settings_dict`` (Django's connection settings)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def queue_purge(queue: str) -> int:
    """Discard the tasks waiting in ``queue``; return how many there were."""
    with app.connection_for_write() as connection:
        return connection.default_channel.queue_purge(queue) or 0


def queue_delete(queue: str) -> None:
    """Delete ``queue``, its tasks and its binding from the broker (a queue made for one run, as the tests do)."""
    with app.connection_for_write() as connection:
        # Declared on this channel first: the broker transport deletes the
        # bindings it knows of, and it knows those declared through it.
        bound = app.amqp.queues[queue](connection.default_channel)
        bound.declare()
        bound.delete()


class BenchWorker:
    """A started worker process: its node name, and its output so far (for error messages)."""

    def __init__(self, process: subprocess.Popen, name: str, output: Path):
        self.process = process
        self.name = name
        self.output = output

    def alive(self) -> bool:
        return self.process.poll() is None

    def output_tail(self, lines: int = 40) -> str:
        text = self.output.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def failed(self, what: str) -> WorkerFailed:
        state = "still running" if self.alive() else f"exited with {self.process.returncode}"
        return WorkerFailed(f"{what} (the worker {state}); its last output:\n{self.output_tail()}")


@contextlib.contextmanager
def bench_worker(*, queue: str, database: str, redis: str) -> Iterator[BenchWorker]:
    """Run ``celery worker --pool=solo -Q queue`` on ``database`` for the block; stop it after.

    Ready means it answered a ping; stopping is a warm shutdown (SIGTERM:
    the task in hand is finished) and a kill only if that takes too long.
    """
    name = f"bench-{os.getpid()}@{queue}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "DJANGO_DEBUG": "false",
        QUEUE_VARIABLE: queue,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "salesops.bench.worker_app",
        "worker",
        "--pool=solo",
        "--loglevel=WARNING",
        "-Q",
        queue,
        "-n",
        name,
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
    with tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".log", delete=False) as log:
        output = Path(log.name)
    # Output to a file, not a pipe: nobody reads a pipe while the benchmark
    # runs, and a full one would stall the worker.
    with open(output, "w", encoding="utf-8") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    worker = BenchWorker(process, name, output)
    try:
        _wait_ready(worker)
        yield worker
    finally:
        _stop(process)
        output.unlink(missing_ok=True)


def _wait_ready(worker: BenchWorker) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if not worker.alive():
            raise worker.failed("the Celery worker did not start")
        if app.control.ping(destination=[worker.name], timeout=0.5):
            return
    raise worker.failed(f"the Celery worker did not answer a ping within {START_TIMEOUT} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

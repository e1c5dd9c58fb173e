"""The Celery app of the bench's worker (``celery -A salesops.bench.worker_app worker``); imported by it only.

The project's app, with the bench queue (``SALESOPS_BENCH_QUEUE``, else
``BENCH_QUEUE``) as its default queue as well as the one it serves. A worker
sends tasks too (the outbox sweep when it starts, the refreshes that sweep
queues), and they name rows of the bench database: on the settings' default
queue a `make run` worker would take them and run them against its own
database. The settings stay as they are; the queue comes in the worker's
environment.
"""

import os

from salesops.bench.worker import BENCH_QUEUE, QUEUE_VARIABLE
from salesops.celery import app

app.conf.task_default_queue = os.environ.get(QUEUE_VARIABLE, BENCH_QUEUE)

__all__ = ["app"]

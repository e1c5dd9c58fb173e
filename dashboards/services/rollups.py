"""Keeping rollups right: the outbox writers call, the refresh the worker runs, the rebuild.

- ``request_refresh`` is called by every service that writes a fact, inside
  its transaction: the request row commits with the fact or not at all. On
  commit a task is sent to wake the worker; if Redis is down the send fails
  quietly and the sweep (beat, and every worker start) finds the request.
- ``refresh_pending`` serves a tenant's requests: one transaction per batch
  that writes the rollups and deletes the requests it served, under a
  per-tenant advisory lock, so a worker killed mid-way leaves both as they
  were and the next run does the work again (the SQL is idempotent).
- ``rebuild`` recomputes a date range from the facts, one month a
  transaction, reporting progress; the nightly reconcile and
  ``rebuild_rollups`` use it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction

from dashboards import engine
from dashboards.models import RollupRequest
from salesops.org.models import Tenant
from targets.quarters import month_end, quarter_end, quarter_of, quarter_start

log = logging.getLogger(__name__)

# Requests served per transaction: a big import is refreshed in a few
# batches instead of one long transaction.
BATCH = 5000
# pg_advisory_xact_lock(key1, key2): the first key names the rollups, the
# second is the tenant, so refreshes and rebuilds of one tenant queue.
LOCK_CLASS = 5311


def request_refresh(*, tenant: Tenant, member_days: Iterable[tuple[int, date]]) -> None:
    """Record in the outbox that these (member id, day) pairs changed; wake the worker on commit."""
    rows = [RollupRequest(tenant=tenant, member_id=member_id, day=day) for member_id, day in set(member_days)]
    if not rows:
        return
    RollupRequest.objects.bulk_create(rows)
    _wake_on_commit(tenant.pk)


def request_quarter_refresh(*, tenant: Tenant, year: int, quarter: int) -> None:
    """Record that a quarter's targets changed (a plan was allocated or overridden)."""
    RollupRequest.objects.create(tenant=tenant, member_id=None, day=quarter_start(year, quarter))
    _wake_on_commit(tenant.pk)


def _wake_on_commit(tenant_id: int) -> None:
    transaction.on_commit(lambda: wake(tenant_id))


def wake(tenant_id: int) -> bool:
    """Send the refresh task; return False (and log) when the broker cannot be reached."""
    from dashboards.tasks import refresh_rollups

    try:
        refresh_rollups.apply_async(args=[tenant_id], retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the outbox keeps the request
        log.warning("rollups: could not queue the refresh of tenant %s; the sweep will", tenant_id, exc_info=True)
        return False
    return True


def tenants_with_requests() -> list[int]:
    return list(RollupRequest.objects.values_list("tenant_id", flat=True).distinct().order_by())


def _lock(tenant_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, tenant_id])


def refresh_pending(*, tenant_id: int, batch: int = BATCH) -> int:
    """Serve the tenant's outstanding requests, oldest first; return how many were served."""
    served = 0
    while True:
        with transaction.atomic():
            _lock(tenant_id)
            requests = list(
                RollupRequest.objects.filter(tenant_id=tenant_id)
                .order_by("id")
                .values_list("id", "member_id", "day")[:batch]
            )
            if not requests:
                return served
            quarters = {quarter_of(day) for _, member_id, day in requests if member_id is None}
            pairs = [(member_id, day) for _, member_id, day in requests if member_id is not None]
            for year, quarter in sorted(quarters):
                _rebuild_range(tenant_id, quarter_start(year, quarter), quarter_end(year, quarter))
            if pairs:
                engine.prepare(tenant_id)
                engine.keys_for_member_days(tenant_id, pairs)
                engine.compute(tenant_id)
            RollupRequest.objects.filter(tenant_id=tenant_id, id__in=[request[0] for request in requests]).delete()
            served += len(requests)


@dataclass
class RebuildResult:
    months: int = 0
    changed: dict[str, int] = field(default_factory=dict)

    @property
    def total_changed(self) -> int:
        return sum(self.changed.values())


def _rebuild_range(tenant_id: int, start: date, end: date) -> dict[str, int]:
    engine.prepare(tenant_id)
    engine.keys_for_range(tenant_id, start, end)
    return engine.compute(tenant_id, stale_range=(start, end))


def month_chunks(start: date, end: date) -> list[tuple[date, date]]:
    """Split ``start``–``end`` at month boundaries."""
    chunks = []
    day = start
    while day <= end:
        last = min(end, month_end(day.year, day.month))
        chunks.append((day, last))
        day = last + timedelta(days=1)
    return chunks


def rebuild(
    *, tenant: Tenant, start: date, end: date, progress: Callable[[int, int], None] | None = None
) -> RebuildResult:
    """Recompute every rollup of ``start``–``end`` from the facts, one month per transaction.

    Rows that were right are not rewritten; ``changed`` counts the rows
    that differed (the drift repaired) per step.
    """
    if end < start:
        raise ValueError("end before start")
    chunks = month_chunks(start, end)
    result = RebuildResult()
    for index, (first, last) in enumerate(chunks, start=1):
        with transaction.atomic():
            _lock(tenant.pk)
            for step, count in _rebuild_range(tenant.pk, first, last).items():
                result.changed[step] = result.changed.get(step, 0) + count
        result.months += 1
        if progress:
            progress(index, len(chunks))
    return result

"""Celery tasks of rollups and alerts: thin wrappers over the services, safe to run twice.

Every task is ``acks_late`` (settings) and idempotent: the outbox, not the
message, says what is owed, so a lost, duplicated or redelivered message
costs at most a query.
"""

from celery import shared_task
from celery.signals import worker_ready

from dashboards.services import alerts, rollups
from salesops.org.models import Tenant
from salesops.org.selectors import tenant_today
from targets.quarters import quarter_of, quarter_start

RETRY = {"autoretry_for": (Exception,), "retry_backoff": 2, "retry_backoff_max": 300, "max_retries": 8}


@shared_task(acks_late=True, **RETRY)
def refresh_rollups(tenant_id: int) -> int:
    """Serve the tenant's outbox (many writes coalesce into one run); return requests served."""
    return rollups.refresh_pending(tenant_id=tenant_id)


@shared_task(acks_late=True)
def sweep_rollup_requests() -> list[int]:
    """Queue a refresh for every tenant with requests left (Redis or the worker was down)."""
    tenant_ids = rollups.tenants_with_requests()
    for tenant_id in tenant_ids:
        refresh_rollups.delay(tenant_id)
    return tenant_ids


@shared_task(acks_late=True, **RETRY)
def reconcile_tenant(tenant_id: int) -> dict[str, int]:
    """Recompute the tenant's current quarter up to today from the facts, then evaluate its alerts."""
    tenant = Tenant.objects.get(pk=tenant_id)
    today = tenant_today(tenant)
    result = rollups.rebuild(tenant=tenant, start=quarter_start(*quarter_of(today)), end=today)
    alerts.evaluate_alerts(tenant=tenant, as_of=today)
    return result.changed


@shared_task(acks_late=True)
def reconcile_all() -> int:
    """The nightly job (beat): one reconcile task per tenant."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        reconcile_tenant.delay(tenant_id)
    return len(tenant_ids)


@worker_ready.connect
def _sweep_on_start(sender=None, **kwargs):
    """A worker that starts serves what was requested while none was running."""
    sweep_rollup_requests.delay()

"""Celery tasks of the customer book: thin wrappers over the services, safe to run twice.

- the nightly tier recompute (A/B/C on the tenant's rules, as of its today);
  idempotent: judging a book twice on the same day stores the same tiers.
"""

from celery import shared_task

from activities.services.tiers import recompute_tiers
from salesops.org.models import Tenant
from salesops.org.selectors import tenant_today

RETRY = {"autoretry_for": (Exception,), "retry_backoff": 2, "retry_backoff_max": 300, "max_retries": 8}


@shared_task(acks_late=True, **RETRY)
def recompute_customer_tiers(tenant_id: int) -> int:
    """Re-tier the tenant's customer book on its today; return how many customers were judged."""
    tenant = Tenant.objects.get(pk=tenant_id)
    return recompute_tiers(tenant=tenant, today=tenant_today(tenant))


@shared_task(acks_late=True)
def customer_tiers_all() -> list[int]:
    """Queue the recompute for every tenant (beat, 00:40 in Asia/Shanghai)."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        recompute_customer_tiers.delay(tenant_id)
    return tenant_ids

"""Celery tasks of the incentives: thin wrappers over the services, safe to run twice.

- freezing the standings of contests that ended (the day after their last day);
- opening the improvement plans due (members below the floor for months in a row).
Both are idempotent: a contest is frozen once, a member has one open plan.
"""

from celery import shared_task

from salesops.org.models import Tenant
from salesops.org.selectors import tenant_today
from targets.services.contests import freeze_ended_contests
from targets.services.improvement import open_due_improvement_plans

RETRY = {"autoretry_for": (Exception,), "retry_backoff": 2, "retry_backoff_max": 300, "max_retries": 8}


@shared_task(acks_late=True, **RETRY)
def freeze_contests(tenant_id: int) -> int:
    """Freeze the tenant's contests that ended before its today; return how many were frozen."""
    tenant = Tenant.objects.get(pk=tenant_id)
    return freeze_ended_contests(tenant=tenant, today=tenant_today(tenant))


@shared_task(acks_late=True, **RETRY)
def open_improvement_plans(tenant_id: int) -> int:
    """Open the tenant's improvement plans now due; return how many were opened."""
    tenant = Tenant.objects.get(pk=tenant_id)
    return len(open_due_improvement_plans(tenant=tenant, today=tenant_today(tenant)))


@shared_task(acks_late=True)
def incentives_all() -> list[int]:
    """Queue both for every tenant (beat, a little after midnight in Asia/Shanghai)."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        freeze_contests.delay(tenant_id)
        open_improvement_plans.delay(tenant_id)
    return tenant_ids

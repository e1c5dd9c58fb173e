"""Celery tasks of the org: thin wrappers that take ids and call a selector or service."""

from celery import shared_task

from salesops.org import selectors
from salesops.org.models import Tenant


@shared_task(acks_late=True)
def tenant_headcount(tenant_id: int) -> dict[str, int]:
    """Return the tenant's active headcount by role (read-only, so safe to retry)."""
    tenant = Tenant.objects.get(pk=tenant_id)
    return selectors.headcount_by_role(tenant=tenant, actor=None)

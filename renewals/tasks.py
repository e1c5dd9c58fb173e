"""Celery tasks of renewals: the periodic check of follow-ups and service-ticket SLAs.

Beat runs ``check_all`` every 5 minutes (settings), so a 48-hour window or
a 2-hour SLA is caught within minutes of running out. Every task is
idempotent: it compares the facts with the open alerts.
"""

from celery import shared_task
from django.utils import timezone

from renewals import alerts
from renewals.services import tickets
from salesops.org.models import Tenant

RETRY = {"autoretry_for": (Exception,), "retry_backoff": 2, "retry_backoff_max": 300, "max_retries": 8}


@shared_task(acks_late=True, **RETRY)
def check_tenant(tenant_id: int) -> dict[str, int]:
    """Sync the tenant's no-follow-up and ticket alerts (escalating breached tickets) as of now."""
    tenant = Tenant.objects.get(pk=tenant_id)
    now = timezone.now()
    follow_ups = alerts.sync_follow_up_alerts(tenant=tenant, now=now)
    ticket_result = tickets.sync_ticket_alerts(tenant=tenant, now=now)
    return {
        "follow_up_raised": follow_ups.raised,
        "follow_up_recovered": follow_ups.recovered,
        "ticket_raised": getattr(ticket_result, "raised", 0),
    }


@shared_task(acks_late=True)
def check_all() -> int:
    """One check per tenant."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        check_tenant.delay(tenant_id)
    return len(tenant_ids)

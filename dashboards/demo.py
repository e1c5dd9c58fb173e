"""The demo tenant's rollups and alerts, computed once its facts are loaded."""

from datetime import date

from dashboards.models import RollupRequest
from dashboards.services import alerts, rollups
from salesops.org.models import Tenant
from targets import quarters


def seed_dashboards_demo(*, tenant: Tenant, today: date) -> None:
    """Roll up last quarter and this one (its future days carry targets), then raise today's alerts.

    The demo's facts are written in bulk, past the outbox; the rebuild
    covers every request the plans made, so those are dropped.
    """
    this_quarter = quarters.quarter_of(today)
    start = quarters.quarter_start(*quarters.previous_quarter(*this_quarter))
    rollups.rebuild(tenant=tenant, start=start, end=quarters.quarter_end(*this_quarter))
    RollupRequest.objects.filter(tenant=tenant).delete()
    alerts.evaluate_alerts(tenant=tenant, as_of=today)

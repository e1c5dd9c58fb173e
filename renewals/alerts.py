"""The renewal alerts: a case without a follow-up for 48 h (tenant-set), and the service-ticket SLAs.

They go through the alerts of the rollups issue (``dashboards.services.alerts.sync_alerts``):
one open alert per case, raised to the advisor's supervisor (the team
lead), in their inbox and by e-mail, resolved as recovered once the case
is followed up, re-assigned or closed.

The clock of a case starts at its last follow-up, or at its assignment
when it has none; unassigned cases are the assignment's business, not an
advisor's (the lead's page lists them). The alert's period starts on the
day (tenant time) the window ran out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from dashboards.models import Alert
from dashboards.services.alerts import EvaluationResult, Finding, sync_alerts
from renewals.models import OPEN_STATUSES, RenewalCase
from renewals.selectors.cases import policy_for
from salesops.org.models import Tenant
from salesops.org.selectors import tenant_zone

KINDS = (Alert.Kind.FOLLOW_UP_OVERDUE,)


def follow_up_findings(*, tenant: Tenant, now: datetime) -> list[Finding]:
    """Return a finding for every open assigned case whose last touch is ``follow_up_hours`` or more ago."""
    window = timedelta(hours=policy_for(tenant).follow_up_hours)
    zone = tenant_zone(tenant)
    today = timezone.localdate(now, timezone=zone)
    cases = (
        RenewalCase.objects.filter(tenant=tenant, status__in=OPEN_STATUSES, advisor__isnull=False)
        .annotate(clock=Coalesce(F("last_follow_up_at"), F("assigned_at"), F("created_at")))
        .filter(clock__lte=now - window)
        .values_list("advisor_id", "policy_no", "clock")
    )
    return [
        Finding(
            kind=Alert.Kind.FOLLOW_UP_OVERDUE,
            member_id=advisor_id,
            unit_id=None,
            period_start=timezone.localdate(clock + window, timezone=zone),
            period_end=today,
            reference=f"case:{policy_no}",
        )
        for advisor_id, policy_no, clock in cases
    ]


def sync_follow_up_alerts(*, tenant: Tenant, now: datetime | None = None) -> EvaluationResult:
    """Raise, keep and resolve the no-follow-up alerts of ``tenant`` as of ``now``; safe to run again."""
    now = now or timezone.now()
    return sync_alerts(tenant=tenant, kinds=KINDS, findings=follow_up_findings(tenant=tenant, now=now))

"""The 48-hour no-follow-up alert: raised to the team lead at 49 h, not at 47 h; resolved by a follow-up."""

import zoneinfo
from datetime import date, timedelta

from django.utils import timezone

from dashboards.models import Alert, AlertNotice
from dashboards.services.alerts import evaluate_alerts
from renewals.alerts import sync_follow_up_alerts
from renewals.models import RenewalPolicy
from renewals.services.cases import case_update, follow_up_create
from tests.renewals.renewal_data import hours_ago, make_case

DUE = date(2026, 12, 20)


def open_alerts(org):
    return list(
        Alert.objects.filter(tenant=org.tenant, kind=Alert.Kind.FOLLOW_UP_OVERDUE)
        .exclude(status=Alert.Status.RESOLVED)
        .values_list("reference", "member_id", "assignee_id")
    )


def test_fires_at_49_hours_not_at_47(org):
    now = timezone.now()
    make_case(org, "P-47", due_on=DUE, advisor=org.advisor, assigned_at=hours_ago(47, now))
    make_case(org, "P-49", due_on=DUE, advisor=org.advisor, assigned_at=hours_ago(49, now))
    result = sync_follow_up_alerts(tenant=org.tenant, now=now)
    assert result.raised == 1
    assert open_alerts(org) == [("case:P-49", org.advisor.pk, org.renewal_lead.pk)]
    # In the lead's inbox.
    assert AlertNotice.objects.filter(tenant=org.tenant, recipient=org.renewal_lead).count() == 1
    alert = Alert.objects.get(tenant=org.tenant, reference="case:P-49")
    # The window ran out 1 hour ago: that day in the tenant's time zone (Asia/Shanghai).
    zone = zoneinfo.ZoneInfo(org.tenant.time_zone)
    assert alert.period_start == timezone.localdate(now - timedelta(hours=1), timezone=zone)
    # Two hours later the 47-hour case has gone 49 hours too.
    sync_follow_up_alerts(tenant=org.tenant, now=now + timedelta(hours=2))
    assert sorted(ref for ref, _m, _a in open_alerts(org)) == ["case:P-47", "case:P-49"]


def test_the_clock_restarts_at_the_last_follow_up(org):
    now = timezone.now()
    case = make_case(org, "P-1", due_on=DUE, advisor=org.advisor, assigned_at=hours_ago(100, now))
    follow_up_create(
        tenant=org.tenant, actor=org.advisor, case=case, channel="phone", outcome="no_answer", at=hours_ago(47, now)
    )
    assert sync_follow_up_alerts(tenant=org.tenant, now=now).raised == 0
    assert sync_follow_up_alerts(tenant=org.tenant, now=now + timedelta(hours=2)).raised == 1


def test_a_follow_up_resolves_the_alert_at_once(org):
    case = make_case(org, "P-1", due_on=DUE, advisor=org.advisor, assigned_at=hours_ago(49))
    sync_follow_up_alerts(tenant=org.tenant)
    assert len(open_alerts(org)) == 1
    follow_up_create(tenant=org.tenant, actor=org.advisor, case=case, channel="phone", outcome="contacted")
    assert open_alerts(org) == []
    alert = Alert.objects.get(tenant=org.tenant, reference="case:P-1")
    assert alert.resolution == Alert.Resolution.RECOVERED
    # And the periodic check agrees.
    assert sync_follow_up_alerts(tenant=org.tenant).raised == 0


def test_reassigning_restarts_the_clock_for_the_new_advisor(org):
    from tests.renewals.renewal_data import add_advisor

    other = add_advisor(org, "other")
    case = make_case(org, "P-1", due_on=DUE, advisor=org.advisor, assigned_at=hours_ago(60))
    sync_follow_up_alerts(tenant=org.tenant)
    case_update(tenant=org.tenant, actor=org.renewal_lead, case=case, changes={"advisor": other.pk})
    assert open_alerts(org) == []
    assert sync_follow_up_alerts(tenant=org.tenant).raised == 0


def test_unassigned_and_closed_cases_raise_nothing(org):
    old = hours_ago(200)
    make_case(org, "UNASSIGNED", due_on=DUE)
    closed = make_case(org, "CLOSED", due_on=DUE, advisor=org.advisor, assigned_at=old)
    case_update(
        tenant=org.tenant, actor=org.renewal_lead, case=closed, changes={"status": "lost", "lost_reason": "price"}
    )
    from renewals.models import RenewalCase

    RenewalCase.objects.filter(pk=closed.pk).update(assigned_at=old)
    assert sync_follow_up_alerts(tenant=org.tenant).raised == 0


def test_the_window_is_the_tenants(org):
    RenewalPolicy.objects.filter(tenant=org.tenant).update(follow_up_hours=24)
    make_case(org, "P-25", due_on=DUE, advisor=org.advisor, assigned_at=hours_ago(25))
    assert sync_follow_up_alerts(tenant=org.tenant).raised == 1


def test_the_rollup_evaluation_leaves_renewal_alerts_alone(org, other_org):
    make_case(org, "P-49", due_on=DUE, advisor=org.advisor, assigned_at=hours_ago(49))
    make_case(other_org, "P-OTHER", due_on=DUE, advisor=other_org.advisor, assigned_at=hours_ago(10))
    sync_follow_up_alerts(tenant=org.tenant)
    sync_follow_up_alerts(tenant=other_org.tenant)
    evaluate_alerts(tenant=org.tenant, as_of=timezone.localdate())
    assert [ref for ref, _m, _a in open_alerts(org)] == ["case:P-49"]
    assert open_alerts(other_org) == []

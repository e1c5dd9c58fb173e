"""The periodic renewals check through the real parts: Redis, a Celery worker process, PostgreSQL commits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboards.models import Alert
from renewals.models import ServiceTicket
from renewals.services.tickets import ticket_create
from renewals.tasks import check_all
from salesops.org.selectors import tenant_today
from tests.dashboards.test_worker import wait_for
from tests.renewals.renewal_data import hours_ago, make_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_beat_task_raises_the_48_hour_and_sla_alerts_and_escalates(org, other_org, celery_worker):
    make_case(org, "P-49", due_on=tenant_today(org.tenant), advisor=org.advisor, assigned_at=hours_ago(49))
    make_case(org, "P-47", due_on=tenant_today(org.tenant), advisor=org.advisor, assigned_at=hours_ago(47))
    ticket = ticket_create(
        tenant=org.tenant,
        actor=org.renewal_lead,
        customer="李女士",
        subject="投诉",
        severity="normal",
        owner_id=org.advisor.pk,
        opened_at=timezone.now() - timedelta(hours=2, minutes=5),
    )
    worker = celery_worker()
    # What beat sends every five minutes: one check per tenant.
    check_all.delay()

    def done():
        return (
            Alert.objects.filter(tenant=org.tenant, kind=Alert.Kind.FOLLOW_UP_OVERDUE).exists()
            and Alert.objects.filter(tenant=org.tenant, kind=Alert.Kind.SLA_BREACH).exists()
        )

    wait_for(done, worker, "the renewals check")
    assert list(
        Alert.objects.filter(tenant=org.tenant, kind=Alert.Kind.FOLLOW_UP_OVERDUE).values_list(
            "reference", "assignee_id"
        )
    ) == [("case:P-49", org.renewal_lead.pk)]
    ticket = ServiceTicket.objects.get(pk=ticket.pk)
    assert (ticket.escalated_to_id, ticket.escalated_at is not None) == (org.renewal_lead.pk, True)
    assert not Alert.objects.filter(tenant=other_org.tenant).exists()

"""The nightly tier recompute through the real parts: Redis, a Celery worker process, PostgreSQL commits.

It runs on the real today, so the facts are relative to it: in the first
tenant a customer contacted today without a policy (B) and one whose only
policy is 13 months old (C); in the other tenant one contacted today (B).
"""

import pytest
from django.conf import settings

from activities.models import Customer
from activities.selectors.tiers import months_before
from activities.tasks import customer_tiers_all
from salesops.org.selectors import tenant_today
from tests.activities.tiers_data import make_customer, sell
from tests.dashboards.test_worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_beat_entry_runs_the_task_after_midnight():
    entry = settings.CELERY_BEAT_SCHEDULE["customer-tiers-nightly"]
    assert entry["task"] == "activities.tasks.customer_tiers_all"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {40})


def test_the_nightly_task_tiers_every_tenants_book(org, other_org, celery_worker):
    today = tenant_today(org.tenant)
    prospect = make_customer(org, org.agent, "新客", contact=today)
    lapsed = make_customer(org, org.agent2, "老客")
    sell(org, lapsed, months_before(today, 13), "3000.00", today=today)
    theirs = make_customer(other_org, other_org.agent, "外", contact=today)
    worker = celery_worker()
    # What beat sends at 00:40: the recompute for every tenant.
    customer_tiers_all.delay()

    def done():
        return not Customer.objects.filter(tier_computed_on__isnull=True).exists()

    wait_for(done, worker, "the nightly tier recompute")
    tiers = {customer.pk: (customer.tier, customer.tier_computed_on) for customer in Customer.objects.all()}
    assert tiers[prospect.pk] == ("B", today)
    assert tiers[lapsed.pk] == ("C", today)
    assert tiers[theirs.pk] == ("B", tenant_today(other_org.tenant))

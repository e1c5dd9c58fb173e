"""The nightly incentives task through the real parts: Redis, a Celery worker process, PostgreSQL commits.

It runs on the real today, so its facts are relative to it: a contest of
the seven days up to yesterday with agent's 2 policies and agent2's 1 in
it; and, as in tests/targets/improvement_data.py, members without a single
log in the last two months that ended score 0.00 on activity compliance
(agents) or 111 completion (supervisors), with no other measure, so every
agent and supervisor of tests/factories.py's org is below the floor of 60
twice and gets a plan. The advisor has no data at all: no score, no plan.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from salesops.org.selectors import tenant_today
from targets.models import Contest, ContestStanding, ImprovementPlan
from targets.services.contests import contest_create
from targets.services.sales import sale_record_create
from targets.tasks import incentives_all
from tests.dashboards.test_worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

BELOW_THE_FLOOR = {"agent", "agent2", "agent3", "agent4", "supervisor", "supervisor2"}


def sale(org, member, day, premium: str, policies: int = 1):
    sale_record_create(
        tenant=org.tenant,
        actor=org.admin,
        policy_no=f"N-{member.pk}-{policies}",
        member_id=member.pk,
        channel_code="agency",
        product_code="health",
        premium=Decimal(premium),
        policies=policies,
        sold_on=day,
        customer_kind="new",
        payment_mode="regular",
    )


def usernames(plans) -> set[str]:
    return {plan.member.user.username.split("-", 1)[-1] for plan in plans.select_related("member__user")}


def test_the_nightly_task_freezes_ended_contests_and_opens_due_plans(org, other_org, celery_worker):
    today = tenant_today(org.tenant)
    yesterday = today - timedelta(days=1)
    contest = contest_create(
        tenant=org.tenant,
        actor=org.manager,
        name="周冠军",
        measure=Contest.ContestMeasure.POLICIES,
        starts_on=today - timedelta(days=7),
        ends_on=yesterday,
    )
    sale(org, org.agent, yesterday, "1000.00", 2)
    sale(org, org.agent2, yesterday, "300.00")
    worker = celery_worker()
    # What beat sends at 00:20: both tasks for every tenant.
    incentives_all.delay()

    def done():
        contest.refresh_from_db()
        return contest.frozen_at is not None and ImprovementPlan.objects.filter(tenant=other_org.tenant).exists()

    wait_for(done, worker, "the nightly incentives")
    rows = ContestStanding.objects.filter(tenant=org.tenant, contest=contest).order_by("rank", "member_id")
    assert [(row.member_id, row.rank, row.value, row.winner) for row in rows] == [
        (org.agent.pk, 1, 2, True),
        (org.agent2.pk, 2, 1, False),
        (org.agent3.pk, 3, 0, False),
        (org.agent4.pk, 3, 0, False),
    ]
    wait_for(lambda: ImprovementPlan.objects.filter(tenant=org.tenant).count() >= 6, worker, "the plans")
    plans = ImprovementPlan.objects.filter(tenant=org.tenant)
    assert usernames(plans) == BELOW_THE_FLOOR
    assert {plan.status for plan in plans} == {ImprovementPlan.Status.OPEN}
    assert all(len(plan.trigger) == 2 for plan in plans)
    # Each tenant's plans are its own members'.
    assert not ImprovementPlan.objects.filter(tenant=org.tenant, member__tenant=other_org.tenant).exists()
    assert usernames(ImprovementPlan.objects.filter(tenant=other_org.tenant)) == BELOW_THE_FLOOR

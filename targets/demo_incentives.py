"""The demo tenant's incentives: satisfaction scores and a calibration, contests, unit evaluation, plans.

Runs after the other apps' demo data (the scores read their facts, the
unit evaluation their rollups) with its own random stream, so what the
demo showed before stays as it was.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from dashboards.periods import Period
from salesops.org.models import Member, Tenant
from targets.demo_contests import seed_contests
from targets.demo_improvement import seed_improvement
from targets.demo_unit_evaluations import seed_unit_evaluations
from targets.models import SatisfactionScore
from targets.selectors.improvement import previous_month
from targets.selectors.scorecards import scorecard_of
from targets.services.bonuses import bonus_run_create
from targets.services.scorecards import score_calibrate


def last_month(today: date) -> Period:
    last = today.replace(day=1) - timedelta(days=1)
    return Period("month", last.year, last.month)


def seed_scorecards_demo(*, tenant: Tenant, rng: random.Random, today: date) -> None:
    """Last month's satisfaction scores of every agent, and the demo agent's score calibrated by the manager."""
    period = last_month(today)
    agents = list(Member.objects.filter(tenant=tenant, role=Member.Role.AGENT, active=True).order_by("pk"))
    SatisfactionScore.objects.bulk_create(
        [
            SatisfactionScore(tenant=tenant, member=agent, period=period.key, score=Decimal(rng.randint(70, 98)))
            for agent in agents
        ]
    )
    agent = Member.objects.get(tenant=tenant, user__username="agent")
    manager = Member.objects.get(tenant=tenant, user__username="manager")
    computed = scorecard_of(tenant=tenant, member=agent, period=period, today=today).score
    if computed is not None:
        score_calibrate(
            tenant=tenant,
            actor=manager,
            member=agent,
            period=period,
            score=min(computed + 3, Decimal(100)),
            reason="客户来信表扬，校准会议一致同意上调 3 分",
            today=today,
        )


def seed_incentives_demo(*, tenant: Tenant, today: date) -> None:
    seed_scorecards_demo(tenant=tenant, rng=random.Random(9), today=today)
    # The month before last is paid to payroll (its page shows a run and its
    # file); last month is left as a preview for the demo manager to run.
    bonus_run_create(tenant=tenant, actor=None, period=previous_month(last_month(today)), today=today)
    seed_contests(tenant, today)
    seed_unit_evaluations(tenant, today)
    seed_improvement(tenant, today)

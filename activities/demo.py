"""The demo tenant's work logs: the last four weeks of every agent's and supervisor's days.

Called by ``seed_demo`` once the org exists. Counts scatter around the 5311
standard (some days above, some below, a few days not logged), with a couple
of visits a day, so the agent page, the morning review, the reviews and the
hero board have something to show. Deterministic (the demo's random seed).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from activities.models import DailyLog, Visit
from salesops.org.models import Member, Tenant

DAYS = 28
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def seed_activities_demo(*, tenant: Tenant, rng: random.Random, today: date) -> None:
    members = Member.objects.filter(
        tenant=tenant, role__in=[Member.Role.AGENT, Member.Role.SUPERVISOR], active=True
    ).order_by("id")
    logs = []
    for member in members:
        diligence = rng.uniform(0.6, 1.3)  # how close this person usually comes to 5311
        for offset in range(DAYS, -1, -1):
            day = today - timedelta(days=offset)
            # Today is left for the demo user to log; some days are skipped.
            if day == today or (member.hired_on and day < member.hired_on) or rng.random() < 0.12:
                continue
            logs.append(
                DailyLog(
                    tenant=tenant,
                    member=member,
                    date=day,
                    phone_appointments=max(0, round(rng.gauss(5 * diligence, 1.5))),
                    sales_interviews=max(0, round(rng.gauss(3 * diligence, 1))),
                    recruiting_interviews=max(0, round(rng.gauss(1 * diligence, 0.6))),
                    new_prospects=max(0, round(rng.gauss(1 * diligence, 0.6))),
                    referrals=max(0, round(rng.gauss(0.6, 0.6))),
                )
            )
    DailyLog.objects.bulk_create(logs, batch_size=2000)
    visits = []
    for log in logs:
        for _visit in range(min(log.sales_interviews, 2)):
            visits.append(
                Visit(
                    tenant=tenant,
                    log=log,
                    name=f"{rng.choice(SURNAMES)}{rng.choice(['先生', '女士'])}",
                    phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                    kind=rng.choice(
                        [Visit.Kind.PROSPECT, Visit.Kind.PROSPECT, Visit.Kind.CUSTOMER, Visit.Kind.REFERRAL]
                    ),
                )
            )
    Visit.objects.bulk_create(visits, batch_size=2000)

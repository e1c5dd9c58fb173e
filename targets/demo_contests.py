"""The demo tenant's contests (seed 000 五): one of each kind the seed names, around the demo's today.

- this quarter's first-policy award for new agents (首单奖, running);
- last week's weekly champion by policies (周冠军, ended, so frozen here);
- this week's weekly champion by policies (running);
- this quarter's sales champion by premium, top 3 (季度销冠, running);
- this month's activity-points contest: everyone reaching 300 points wins.

All tenant-wide, created by the company manager through the service (so the
rules it enforces hold), after the sales and work logs they read exist.
Deterministic: no random draw, only dates computed from ``today``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from activities.selectors.leaderboard import period_bounds
from salesops.org.models import Member, Tenant
from targets.models import Contest
from targets.quarters import quarter_end, quarter_of, quarter_start
from targets.services.contests import contest_create, freeze_ended_contests

Measure = Contest.ContestMeasure
Rule = Contest.Rule
POINTS_THRESHOLD = Decimal(300)  # about 16 days at the 5311 standard (19 points a day with the default points)


def seed_contests(tenant: Tenant, today: date) -> None:
    """Create the demo's five contests and freeze the one that has ended."""
    manager = Member.objects.select_related("unit", "tenant").get(tenant=tenant, user__username="manager")
    year, quarter = quarter_of(today)
    monday, sunday = period_bounds("week", today)
    last_monday, last_sunday = monday - timedelta(days=7), monday - timedelta(days=1)
    first_of_month, end_of_month = period_bounds("month", today)

    def create(name: str, measure: str, starts_on: date, ends_on: date, prize: str, **rule) -> Contest:
        return contest_create(
            tenant=tenant,
            actor=manager,
            name=name,
            measure=measure,
            starts_on=starts_on,
            ends_on=ends_on,
            prize=prize,
            **rule,
        )

    create(
        f"{year}年第{quarter}季度 新人首单奖",
        Measure.FIRST_POLICY,
        quarter_start(year, quarter),
        quarter_end(year, quarter),
        "首单奖金 500 元",
    )
    create(
        f"第{last_monday.isocalendar().week}周 周冠军（件数）",
        Measure.POLICIES,
        last_monday,
        last_sunday,
        "周冠军奖金 300 元",
        rule=Rule.TOP,
        top_n=1,
    )
    create(
        f"第{monday.isocalendar().week}周 周冠军（件数）",
        Measure.POLICIES,
        monday,
        sunday,
        "周冠军奖金 300 元",
        rule=Rule.TOP,
        top_n=1,
    )
    create(
        f"{year}年第{quarter}季度 季度销冠（保费）",
        Measure.PREMIUM,
        quarter_start(year, quarter),
        quarter_end(year, quarter),
        "季度销冠奖杯，前三名参加年度旅游",
        rule=Rule.TOP,
        top_n=3,
    )
    create(
        f"{first_of_month.month}月 活动积分赛",
        Measure.ACTIVITY_POINTS,
        first_of_month,
        end_of_month,
        "积分达标奖 200 元",
        rule=Rule.THRESHOLD,
        threshold=POINTS_THRESHOLD,
    )
    freeze_ended_contests(tenant=tenant, today=today)

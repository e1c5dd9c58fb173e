"""The demo tenant's improvement plans: one open and being worked, one closed as improved.

In the demo supervisor's team (the demo ``agent`` and new agents left out), the agent with
the lowest final score last month is on an open plan since 17 days ago,
with two weekly check-ins and three coaching sessions in the 111 log; the
next lowest was on a plan 80 days ago that closed as improved after five
weeks. Both are opened by hand by the demo manager through the service
(which records, as the trigger, the months they were below the floor) and
worked by their supervisor. Deterministic: no random draw, dates relative
to ``today``. Runs after the scorecards' demo data (it reads the scores).
"""

from __future__ import annotations

from datetime import date, timedelta

from activities.models import Duty
from salesops.org.models import Member, Tenant
from targets.models import ImprovementPlan
from targets.selectors.improvement import final_scores, month_of, previous_month
from targets.services.improvement import check_in_record, plan_close, plan_open

OPEN_GOALS = (
    "三个月内月度考核分回到 60 分以上：每日按 5311 标准完成工作日志，每周与主管检视一次，每周至少两次陪访辅导。"
)
HIRED_BEFORE_DAYS = 180
CLOSED_GOALS = "两个月内考核分回到 60 分以上：每周至少 3 次销售面谈，保单达成率回到 80%。"


def _coaching(tenant: Tenant, supervisor: Member, member: Member, day: date, notes: str) -> None:
    Duty.objects.update_or_create(
        tenant=tenant,
        supervisor=supervisor,
        member=member,
        kind=Duty.Kind.COACHING,
        date=day,
        defaults={"outcome": Duty.Outcome.DONE, "notes": notes},
    )


def _lowest_first(tenant: Tenant, agents: list[Member], today: date) -> list[Member]:
    """The agents by last month's final score, lowest first (no score last, then by id)."""
    scores = final_scores(tenant=tenant, members=agents, period=previous_month(month_of(today)), today=today)
    return sorted(agents, key=lambda agent: (scores[agent.pk] is None, scores[agent.pk] or 0, agent.pk))


def seed_improvement(tenant: Tenant, today: date) -> None:
    """Open one plan and close another in the demo supervisor's team (once: a tenant with plans is left alone)."""
    if ImprovementPlan.objects.filter(tenant=tenant).exists():
        return
    manager = Member.objects.get(tenant=tenant, user__username="manager")
    supervisor = Member.objects.get(tenant=tenant, user__username="supervisor")
    # Agents who were there months before the older plan opened (a new agent is not on a plan yet).
    agents = list(
        Member.objects.filter(
            tenant=tenant,
            supervisor=supervisor,
            role=Member.Role.AGENT,
            active=True,
            hired_on__lte=today - timedelta(days=HIRED_BEFORE_DAYS),
        )
        .exclude(user__username="agent")
        .order_by("pk")
    )
    if len(agents) < 2:
        return
    worked, improved = _lowest_first(tenant, agents, today)[:2]

    opened_on = today - timedelta(days=80)
    plan = plan_open(tenant=tenant, actor=manager, member_id=improved.pk, goals=CLOSED_GOALS, today=opened_on)
    for week, (on_track, notes) in enumerate(
        [
            (False, "面谈量不足，约定每天上午集中电话约访。"),
            (False, "电话约访已达标，面谈转化仍低，下周陪访两次。"),
            (True, "本周签单 2 件，面谈量达标。"),
            (True, "连续两周达标，保持节奏。"),
        ]
    ):
        day = opened_on + timedelta(days=4 + 7 * week)
        _coaching(tenant, supervisor, improved, day + timedelta(days=1), "陪访：需求分析与异议处理")
        check_in_record(tenant=tenant, actor=supervisor, plan=plan, week=day, on_track=on_track, notes=notes, today=day)
    plan_close(
        tenant=tenant,
        actor=supervisor,
        plan=plan,
        status=ImprovementPlan.Status.IMPROVED,
        outcome="连续三周活动量达标，当月考核分回到 60 分以上，改善结案。",
        today=opened_on + timedelta(days=35),
    )

    opened_on = today - timedelta(days=17)
    plan = plan_open(tenant=tenant, actor=manager, member_id=worked.pk, goals=OPEN_GOALS, today=opened_on)
    for offset in (2, 9, 16):
        _coaching(tenant, supervisor, worked, opened_on + timedelta(days=offset), "陪访：电话约访话术与面谈准备")
    for offset, on_track, notes in (
        (3, False, "日志 5 天中 2 天达标，约定每天 9 点前完成电话约访。"),
        (10, True, "本周 4 天达标，新增准客户 6 名。"),
    ):
        day = opened_on + timedelta(days=offset)
        check_in_record(tenant=tenant, actor=supervisor, plan=plan, week=day, on_track=on_track, notes=notes, today=day)

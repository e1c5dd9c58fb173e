"""The demo tenant's renewal team at work: cases along the pipeline, follow-ups, tickets, alerts.

Written in bulk for speed, keeping the rules the services enforce: every
status reached one step at a time (its follow-ups say so), a renewed case
has its renewed premium, a lost one its reason. A few cases are left
without a follow-up for more than 48 hours, and a few tickets past their
SLA, so the lead's page and inbox have something to show.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from renewals.alerts import sync_follow_up_alerts
from renewals.models import FollowUp, LostReason, RenewalCase, ServiceTicket, StaffProfile
from renewals.selectors.cases import policy_for
from renewals.services.tickets import sla_minutes, sync_ticket_alerts
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_zone

CASES = 300  # due from 20 days ago to 90 days ahead
HISTORY = 90  # due over the six months before, mostly closed: the renewal-rate trend
UNASSIGNED = 30
PRODUCTS = [("auto", 45, (3000, 8000)), ("health", 25, (1000, 6000)), ("life", 15, (10000, 80000)),
            ("accident", 10, (200, 1500)), ("property", 5, (500, 3000))]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "美玲", "志强", "秀英", "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟"]
# The steps each final status took, as follow-up outcomes.
PATHS = {
    "pending": [],
    "contacted": ["contacted"],
    "quoted": ["contacted", "quoted"],
    "renewed": ["contacted", "quoted", "renewed"],
    "lost": ["contacted", "lost"],
}


def _status(rng: random.Random, days: int) -> str:
    if days < -20:
        weights = {"renewed": 68, "lost": 28, "quoted": 4}
    elif days < 0:
        weights = {"renewed": 55, "lost": 20, "quoted": 12, "contacted": 8, "pending": 5}
    elif days <= 30:
        weights = {"pending": 30, "contacted": 30, "quoted": 28, "renewed": 10, "lost": 2}
    else:
        weights = {"pending": 70, "contacted": 25, "quoted": 5}
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _planned(rng: random.Random, own: date, next_done: date) -> date:
    """The next action a follow-up planned: mostly the day the next one came, one in five an earlier day missed."""
    if rng.random() < 0.8:
        return next_done
    return max(own, next_done - timedelta(days=rng.randint(1, 3)))


def seed_renewals_demo(*, tenant: Tenant, rng: random.Random, today: date) -> None:
    advisors = list(Member.objects.filter(tenant=tenant, role=Member.Role.RENEWAL_ADVISOR).order_by("id"))
    lead = Member.objects.filter(tenant=tenant, role=Member.Role.RENEWAL_LEAD).first()
    for advisor in advisors:
        StaffProfile.objects.create(
            tenant=tenant, member=advisor, serves_group_a=advisor.user.username == "advisor", capacity=150
        )
    a_advisors = [a for a in advisors if a.user.username == "advisor"]
    reasons = list(LostReason.objects.filter(tenant=tenant))
    now = timezone.now()
    zone = tenant_zone(tenant)
    cases: list[RenewalCase] = []
    paths: list[list[str]] = []
    for index in range(CASES + HISTORY):
        unassigned = index < UNASSIGNED
        if unassigned:
            days = rng.randint(3, 90)  # new arrivals: still ahead
        else:
            days = rng.randint(-20, 90) if index < CASES else rng.randint(-182, -21)
        product, _weight, (low, high) = rng.choices(PRODUCTS, weights=[p[1] for p in PRODUCTS])[0]
        group = "A" if rng.random() < 0.2 else "B"
        # High-net-worth customers hold the larger policies of each range.
        premium = Decimal(rng.randint((low + high) // 2 if group == "A" else low, high))
        status = "pending" if unassigned else _status(rng, days)
        path = list(PATHS[status])
        if status == "quoted" and rng.random() < 0.3:
            path += ["quoted"] * rng.randint(1, 2)  # quoted two or three times: churn risk
        if status == "renewed" and rng.random() < 0.2:
            path.insert(2, "quoted")
        advisor = None if unassigned else rng.choice(a_advisors if group == "A" and a_advisors else advisors)
        cases.append(
            RenewalCase(
                tenant=tenant,
                policy_no=f"RN{today:%Y%m}{index + 1:04d}",
                customer=rng.choice(SURNAMES) + rng.choice(GIVEN),
                product_type=product,
                premium=premium,
                due_on=today + timedelta(days=days),
                group=group,
                advisor=advisor,
                status=status,
                renewed_premium=(premium * Decimal(rng.randint(95, 110)) / 100).quantize(Decimal("0.01"))
                if status == "renewed"
                else None,
                lost_reason=rng.choice(reasons) if status == "lost" else None,
                quotes=path.count("quoted"),
            )
        )
        paths.append(path)
    RenewalCase.objects.bulk_create(cases)
    follow_ups = []
    for case, path in zip(cases, paths, strict=True):
        if case.advisor is None:
            continue
        # Assigned 20–60 days before the due date (at most 25 days ago for what is still ahead);
        # most pending cases arrived in the last two days, one in fourteen waits past the 48-hour window.
        due_at = datetime.combine(case.due_on, time(9), tzinfo=now.tzinfo)
        assigned_at = min(due_at - timedelta(days=rng.randint(20, 60)), now - timedelta(hours=rng.randint(24, 600)))
        if not path and rng.random() < 0.93:
            assigned_at = now - timedelta(hours=rng.randint(2, 40))
        case.assigned_at = assigned_at
        moment = assigned_at
        if case.status in ("renewed", "lost"):
            # Closed around the due date.
            last = min(due_at + timedelta(days=rng.randint(-10, 2)), now - timedelta(hours=1))
        else:
            # Open cases were mostly touched in the last two days; one in ten has waited longer.
            last = now - timedelta(hours=rng.randint(1, 40) if rng.random() < 0.9 else rng.randint(50, 120))
        last = max(last, assigned_at + timedelta(hours=1))
        # The first call comes within a working day or so; the others spread up to the last touch.
        if len(path) == 1 and case.status == "contacted":
            path = [*path, "no_answer"]  # a later call that did not get through keeps the case warm
        first = min(assigned_at + timedelta(hours=rng.randint(1, 30)), last) if len(path) > 1 else last
        span = (last - first) / max(len(path) - 1, 1)
        moments = [first + span * step for step in range(len(path))]
        days_done = [timezone.localdate(moment, zone) for moment in moments]
        for step, outcome in enumerate(path):
            moment = moments[step]
            if step < len(path) - 1:
                next_action_on: date | None = _planned(rng, days_done[step], days_done[step + 1])
            elif case.status in ("renewed", "lost"):
                next_action_on = None
            elif now - moment > timedelta(hours=48):
                next_action_on = days_done[step] + timedelta(days=rng.randint(1, 2))  # planned, then missed
            else:
                next_action_on = today + timedelta(days=rng.randint(1, 5))
            follow_ups.append(
                FollowUp(
                    tenant=tenant,
                    case=case,
                    author=case.advisor,
                    channel=rng.choice(["phone", "phone", "wechat", "visit", "sms"]),
                    outcome=outcome,
                    notes="",
                    next_action_on=next_action_on,
                    at=moment,
                )
            )
            if step == 0:
                case.first_follow_up_at = moment
            case.last_follow_up_at = moment
        if case.status in ("renewed", "lost"):
            case.closed_at = moment
    RenewalCase.objects.bulk_update(
        cases, ["assigned_at", "first_follow_up_at", "last_follow_up_at", "closed_at"], batch_size=1000
    )
    FollowUp.objects.bulk_create(follow_ups, batch_size=1000)
    _tickets(tenant=tenant, rng=rng, advisors=advisors, lead=lead, cases=cases, now=now)
    sync_follow_up_alerts(tenant=tenant, now=now)
    sync_ticket_alerts(tenant=tenant, now=now)


def _tickets(*, tenant, rng, advisors, lead, cases, now: datetime) -> None:
    """Eight complaints: answered in time, one breached and still open, one awaiting its call-back, closed ones."""
    policy = policy_for(tenant)
    subjects = ["续保报价高于去年", "理赔进度咨询", "保单信息变更", "对续保条款有疑问", "服务态度投诉", "发票开具问题"]
    plans = [
        ("normal", "closed", 3), ("urgent", "closed", 5), ("normal", "resolved", 30), ("normal", "responded", 6),
        ("major", "responded", 4), ("normal", "open", 3), ("urgent", "open", 0.3), ("normal", "open", 0.5),
    ]  # fmt: skip
    tickets = []
    for severity, status, hours_ago in plans:
        opened_at = now - timedelta(hours=hours_ago)
        case = rng.choice(cases)
        ticket = ServiceTicket(
            tenant=tenant,
            case=case,
            customer=case.customer,
            subject=rng.choice(subjects),
            severity=severity,
            status=status,
            owner=case.advisor or rng.choice(advisors),
            opened_at=opened_at,
            respond_by=opened_at + timedelta(minutes=sla_minutes(policy, severity)),
        )
        if status != "open":
            ticket.responded_at = opened_at + timedelta(minutes=rng.randint(10, 50))
        if status in ("resolved", "closed"):
            ticket.resolution = "已与客户沟通并处理"
            ticket.resolved_at = ticket.responded_at + timedelta(hours=1)  # type: ignore[operator]
        if status == "closed":
            ticket.callback_at = ticket.resolved_at + timedelta(hours=rng.randint(2, 20))  # type: ignore[operator]
            ticket.satisfaction = rng.choice([4, 5, 5, 3])
            ticket.closed_at = ticket.callback_at
        tickets.append(ticket)
    ServiceTicket.objects.bulk_create(tickets)

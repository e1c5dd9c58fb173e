"""The renewal team's figures (seed 003: 续保率, 跟进完成率, 客户响应时长, 流失原因, 多次询价未成交).

All are scoped like the cases (``case_scope_q``), counted by tenant-local
date and aggregated in SQL (one query each), so a page costs the same for
ten cases or a hundred thousand.

- **Renewal rate** = cases renewed ÷ cases due in the period (by due date,
  whatever their status now); ``None`` when nothing is due.
- **Follow-up completion** = of the follow-ups whose next action date fell
  in the period (up to today), the share whose case was followed up again
  (strictly after that follow-up) or closed, on or before that date.
- **Response time** = hours from a case's assignment to its first
  follow-up, the median over cases first followed up in the period. A case
  re-assigned after its first follow-up is left out: its new advisor's
  response is not known.
- **Churn risk** = open cases quoted ``churn_quotes`` times or more.
- **Pipeline** = cases by status and due week (weeks start on Monday): this
  week and the next ones, plus one column of open cases due before this week.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek

from dashboards.selectors.rollups import ratio
from renewals.models import OPEN_STATUSES, FollowUp, RenewalCase, RenewalPolicy
from renewals.selectors.cases import case_scope_q
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_days, tenant_zone
from salesops.sql import EpochSeconds, Median
from targets.quarters import month_end

Status = RenewalCase.Status
ZERO = Decimal("0.00")


def _cases(tenant: Tenant, actor: Member | None) -> QuerySet[RenewalCase]:
    return RenewalCase.objects.filter(case_scope_q(actor), tenant=tenant)


@dataclass(frozen=True)
class RenewalRate:
    due: int
    renewed: int
    lost: int
    open: int
    renewed_premium: Decimal  # yuan, of the renewed cases

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.renewed, self.due)


# What becomes of the cases due in a span, as aggregates over RenewalCase.
_OUTCOMES = {
    "due": Count("id"),
    "renewed": Count("id", filter=Q(status=Status.RENEWED)),
    "lost": Count("id", filter=Q(status=Status.LOST)),
    "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
    "renewed_premium": Sum("renewed_premium", filter=Q(status=Status.RENEWED)),
}


def _renewal_rate(figures: Mapping[str, Any]) -> RenewalRate:
    return RenewalRate(
        due=figures["due"],
        renewed=figures["renewed"],
        lost=figures["lost"],
        open=figures["open"],
        renewed_premium=figures["renewed_premium"] or ZERO,
    )


def renewal_rate(*, tenant: Tenant, actor: Member | None, start: date, end: date) -> RenewalRate:
    """Cases due in [start, end] and what became of them."""
    return _renewal_rate(_cases(tenant, actor).filter(due_on__range=(start, end)).aggregate(**_OUTCOMES))


def _month_firsts(today: date, months: int) -> list[date]:
    firsts = []
    year, month = today.year, today.month
    for _step in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def rate_trend(*, tenant: Tenant, actor: Member | None, today: date, months: int = 6) -> list[tuple[date, RenewalRate]]:
    """The renewal rate of each of the ``months`` calendar months up to ``today``'s, oldest first.

    A month is keyed by its first day; a month with nothing due has ``rate`` None.
    """
    firsts = _month_firsts(today, months)
    rows = (
        _cases(tenant, actor)
        .filter(due_on__range=(firsts[0], month_end(today.year, today.month)))
        .annotate(month=TruncMonth("due_on"))
        .values("month")
        .annotate(**_OUTCOMES)
        .order_by()
    )
    by_month = {row["month"]: _renewal_rate(row) for row in rows}
    empty = RenewalRate(0, 0, 0, 0, ZERO)
    return [(first, by_month.get(first, empty)) for first in firsts]


@dataclass(frozen=True)
class Completion:
    scheduled: int  # next actions due in the span
    completed: int  # of which the case was followed up again, or closed, by that date

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.completed, self.scheduled)


def follow_up_completion(*, tenant: Tenant, actor: Member | None, start: date, end: date, today: date) -> Completion:
    """Next actions due in [start, min(end, today)] done on time: followed up again or closed by that date."""
    last = min(end, today)
    if last < start:
        return Completion(0, 0)
    zone = tenant_zone(tenant)
    again = (
        FollowUp.objects.filter(tenant=tenant, case_id=OuterRef("case_id"), at__gt=OuterRef("at"))
        .annotate(on=TruncDate("at", tzinfo=zone))
        .filter(on__lte=OuterRef("next_action_on"))
    )
    figures = (
        FollowUp.objects.filter(
            tenant=tenant, next_action_on__range=(start, last), case__in=_cases(tenant, actor).values("pk")
        )
        .annotate(closed_on=TruncDate("case__closed_at", tzinfo=zone))
        .aggregate(
            scheduled=Count("id"),
            completed=Count("id", filter=Q(Exists(again)) | Q(closed_on__lte=F("next_action_on"))),
        )
    )
    return Completion(figures["scheduled"], figures["completed"])


def median_response_hours(*, tenant: Tenant, actor: Member | None, start: date, end: date) -> Decimal | None:
    """Median hours (1 place) from assignment to the first follow-up, for cases first followed up in [start, end]."""
    lower, upper = tenant_days(tenant, start, end)
    seconds = (
        _cases(tenant, actor)
        .filter(
            first_follow_up_at__gte=lower,
            first_follow_up_at__lt=upper,
            # Re-assigned after the first follow-up: the new advisor's response is unknown.
            assigned_at__lte=F("first_follow_up_at"),
        )
        .aggregate(seconds=Median(EpochSeconds(F("first_follow_up_at") - F("assigned_at"))))["seconds"]
    )
    return None if seconds is None else (Decimal(seconds) / 3600).quantize(Decimal("0.1"))


def lost_reasons(*, tenant: Tenant, actor: Member | None, start: date, end: date) -> list[tuple[str, int]]:
    """(reason, cases) for cases due in [start, end] and lost, most first, then by name."""
    return list(
        _cases(tenant, actor)
        .filter(due_on__range=(start, end), status=Status.LOST)
        .values_list("lost_reason__name")
        .annotate(n=Count("id"))
        .order_by("-n", "lost_reason__name")
    )


def churn_risk(*, tenant: Tenant, actor: Member | None, policy: RenewalPolicy) -> QuerySet[RenewalCase]:
    """Open cases quoted ``churn_quotes`` times or more without renewing, most quotes first, then the earliest due."""
    return (
        _cases(tenant, actor)
        .filter(status__in=OPEN_STATUSES, quotes__gte=policy.churn_quotes)
        .select_related("advisor")
        .order_by("-quotes", "due_on", "id")
    )


@dataclass(frozen=True)
class Pipeline:
    """Cases by status and due week; column 0 holds the open cases due before this week."""

    weeks: list[date]  # the Mondays of columns 1…
    counts: dict[str, list[int]]  # status → [overdue, week 1, …]


def pipeline(*, tenant: Tenant, actor: Member | None, today: date, weeks: int = 8) -> Pipeline:
    """Cases due this week and the ``weeks - 1`` after it by status, and the open ones due before this week.

    A closed case counts in the week it was due; one due before this week is history, not pipeline.
    """
    monday = today - timedelta(days=today.weekday())
    mondays = [monday + timedelta(weeks=i) for i in range(weeks)]
    rows = (
        _cases(tenant, actor)
        .filter(
            Q(due_on__range=(monday, mondays[-1] + timedelta(days=6))) | Q(due_on__lt=monday, status__in=OPEN_STATUSES)
        )
        .annotate(week=TruncWeek("due_on"))
        .values_list("week", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {status: [0] * (weeks + 1) for status in Status.values}
    for week, status, n in rows:
        column = 0 if week < monday else 1 + (week - monday).days // 7
        counts[status][column] += n
    return Pipeline(mondays, counts)


@dataclass(frozen=True)
class OpenCases:
    open: int
    unassigned: int
    overdue: int  # due before today


def open_counts(*, tenant: Tenant, actor: Member | None, today: date) -> OpenCases:
    """The open cases in scope: in all, unassigned, past their due date."""
    counts = (
        _cases(tenant, actor)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            open=Count("id"),
            unassigned=Count("id", filter=Q(advisor__isnull=True)),
            overdue=Count("id", filter=Q(due_on__lt=today)),
        )
    )
    return OpenCases(**counts)

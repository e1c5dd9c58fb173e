"""Reading rollups: a subject's series by day, week or month, with the derived metrics.

Stored rows answer member weeks and months and every unit grain; member
days are the facts themselves (one work log per member and day) read with
two queries. Periods with no row (nothing happened, nothing planned) come
back as zeros, so a chart has no gaps. Derived (DESIGN.md "Rollups and
alerts"): 举绩率 active-producer rate = producers ÷ agents, 人均件数 and
人均活动量 per agent, conversion ratios (appointments → interviews →
policies), and for units by week or month the channel × product lines with
件数占比 count share and its moving average over a rolling quarter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum

from activities.models import ITEMS, DailyLog
from dashboards.models import Grain, Rollup, RollupLine, Scope
from salesops.org.models import Channel, Member, Product, Tenant
from targets.models import Allocation, Plan, SaleRecord
from targets.quarters import month_end

RATIO = Decimal("0.0001")
# A rolling quarter in periods of each grain, for the count-share moving average.
ROLLING_QUARTER: dict[str, int] = {Grain.DAY: 91, Grain.WEEK: 13, Grain.MONTH: 3}
FIGURES = (*ITEMS, "logged", "policies", "premium", "agents", "producers", "target_premium", "target_policies")


def period_start(day: date, grain: str) -> date:
    if grain == Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain == Grain.MONTH:
        return day.replace(day=1)
    return day


def period_end(start: date, grain: str) -> date:
    if grain == Grain.WEEK:
        return start + timedelta(days=6)
    if grain == Grain.MONTH:
        return month_end(start.year, start.month)
    return start


def next_period(start: date, grain: str) -> date:
    return period_end(start, grain) + timedelta(days=1)


def periods(start: date, end: date, grain: str) -> list[date]:
    """The starts of the periods of ``grain`` overlapping ``start``–``end``."""
    starts = []
    current = period_start(start, grain)
    while current <= end:
        starts.append(current)
        current = next_period(current, grain)
    return starts


def ratio(numerator: Decimal | int | None, denominator: Decimal | int | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO, ROUND_HALF_UP)


def day_share(total: Decimal, month_first: date, first: date, last: date, places: int) -> Decimal:
    """Days ``first``–``last`` of a month's target, as the engine splits it (dashboards/engine.py)."""
    days = month_end(month_first.year, month_first.month).day
    quantum = Decimal(1).scaleb(-places)

    def upto(day_number: int) -> Decimal:
        return (total * day_number / days).quantize(quantum, ROUND_HALF_UP)

    return upto(last.day) - upto(first.day - 1)


@dataclass(frozen=True)
class Subject:
    scope: str
    id: int


def _empty(start: date, grain: str) -> dict[str, Any]:
    row: dict[str, Any] = {name: 0 for name in FIGURES}
    row.update(premium=Decimal(0), target_premium=None, target_policies=None)
    row.update(period_start=start, period_end=period_end(start, grain))
    return row


def _member_days(tenant: Tenant, member: Member, start: date, end: date) -> dict[date, dict[str, Any]]:
    """Member × day from the facts, with the day's share of the plans' month targets."""
    rows: dict[date, dict[str, Any]] = {day: _empty(day, Grain.DAY) for day in periods(start, end, Grain.DAY)}
    for log in DailyLog.objects.filter(tenant=tenant, member=member, date__range=(start, end)).values("date", *ITEMS):
        rows[log["date"]].update({item: log[item] for item in ITEMS}, logged=1)
    sales = (
        SaleRecord.objects.filter(tenant=tenant, member=member, sold_on__range=(start, end))
        .values_list("sold_on")
        .annotate(policies=Sum("policies"), premium=Sum("premium"))
        .order_by()
    )
    is_agent = member.role == Member.Role.AGENT and member.active
    for day, policies, premium in sales:
        rows[day].update(policies=policies, premium=premium, producers=int(is_agent and policies > 0))
    for day, row in rows.items():
        row["agents"] = int(is_agent and (member.hired_on is None or member.hired_on <= day))
    months = (
        Allocation.objects.filter(tenant=tenant, member=member, month__isnull=False, plan__tenant=tenant)
        .values_list("plan__year", "month", "plan__metric")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for year, month, metric, total in months:
        first = date(year, month, 1)
        column, places = ("target_premium", 2) if metric == Plan.Metric.PREMIUM else ("target_policies", 0)
        for day in periods(max(first, start), min(month_end(year, month), end), Grain.DAY):
            rows[day][column] = day_share(total, first, day, day, places)
    return rows


def _stored(tenant: Tenant, subject: Subject, grain: str, start: date, end: date) -> dict[date, dict[str, Any]]:
    starts = periods(start, end, grain)
    rows = {day: _empty(day, grain) for day in starts}
    for stored in Rollup.objects.filter(
        tenant=tenant,
        scope=subject.scope,
        subject_id=subject.id,
        grain=grain,
        period_start__gte=starts[0],
        period_start__lte=starts[-1],
    ).values("period_start", *FIGURES):
        rows[stored["period_start"]].update(stored)
    return rows


def line_figures(
    tenant: Tenant, unit_id: int, grain: str, starts: list[date]
) -> tuple[list[date], dict[date, dict[tuple[int, int], tuple[int, Decimal]]]]:
    """Return the periods from a rolling quarter before ``starts`` on, and each one's (channel, product) lines.

    One query: the lines of ``starts`` and of the periods the moving average looks back on.
    """
    window = ROLLING_QUARTER[grain]
    first = starts[0]
    for _ in range(window - 1):
        first = period_start(first - timedelta(days=1), grain)
    history = periods(first, starts[-1], grain)
    figures: dict[date, dict[tuple[int, int], tuple[int, Decimal]]] = defaultdict(dict)
    for line in RollupLine.objects.filter(
        tenant=tenant, unit_id=unit_id, grain=grain, period_start__gte=first, period_start__lte=starts[-1]
    ).values_list("period_start", "channel_id", "product_id", "policies", "premium"):
        figures[line[0]][(line[1], line[2])] = (line[3], line[4])
    return history, figures


def count_shares(
    history: list[date],
    figures: dict[date, dict[tuple[int, int], tuple[int, Decimal]]],
    starts: list[date],
    grain: str,
    group: Callable[[tuple[int, int]], Any],
) -> dict[date, dict[Any, tuple[int, Decimal | None, Decimal | None]]]:
    """Return, per period of ``starts`` and per group of lines, (policies, count share, its moving average).

    The share is of all the unit's policies in the period; the moving average
    is over the rolling quarter ending with the period, leaving out periods
    without any policy (they have no share). Unrounded: callers round once.
    """
    window = ROLLING_QUARTER[grain]
    grouped: dict[date, dict[Any, int]] = {start: defaultdict(int) for start in history}
    for start in history:
        for key, (policies, _premium) in figures[start].items():
            grouped[start][group(key)] += policies
    totals = {start: sum(grouped[start].values()) for start in history}
    names = sorted({name for start in history for name in grouped[start]})
    result: dict[date, dict[Any, tuple[int, Decimal | None, Decimal | None]]] = {}
    for start in starts:
        index = history.index(start)
        recent = [past for past in history[max(0, index - window + 1) : index + 1] if totals[past]]
        shares = {}
        for name in names:
            policies = grouped[start].get(name, 0)
            share = Decimal(policies) / totals[start] if totals[start] else None
            past = [Decimal(grouped[day].get(name, 0)) / totals[day] for day in recent]
            shares[name] = (policies, share, sum(past, Decimal(0)) / len(past) if past else None)
        result[start] = shares
    return result


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(RATIO, ROUND_HALF_UP)


def _lines(tenant: Tenant, unit_id: int, grain: str, starts: list[date]) -> dict[date, list[dict[str, Any]]]:
    """Each period's channel × product lines with count share and its rolling-quarter moving average."""
    history, figures = line_figures(tenant, unit_id, grain, starts)
    shares = count_shares(history, figures, starts, grain, group=lambda key: key)
    channels = dict(Channel.objects.filter(tenant=tenant).values_list("pk", "code"))
    products = dict(Product.objects.filter(tenant=tenant).values_list("pk", "code"))
    result: dict[date, list[dict[str, Any]]] = {}
    for start in starts:
        lines = []
        for key, (policies, share, average) in shares[start].items():
            if not policies and average is None:
                continue
            channel_id, product_id = key
            lines.append(
                {
                    "channel": channels.get(channel_id, ""),
                    "product": products.get(product_id, ""),
                    "policies": policies,
                    "premium": figures[start].get(key, (0, Decimal(0)))[1],
                    "count_share": _rounded(share),
                    "count_share_moving_average": _rounded(average),
                }
            )
        result[start] = lines
    return result


def with_derived(row: dict[str, Any]) -> dict[str, Any]:
    """Add attainment and the derived metrics to a rollup row."""
    activity = sum(row[item] for item in ITEMS)
    row["target"] = row["target_premium"]
    row["attainment"] = ratio(row["premium"], row["target_premium"])
    row["policy_target"] = row["target_policies"]
    row["policy_attainment"] = ratio(row["policies"], row["target_policies"])
    row["active_producer_rate"] = ratio(row["producers"], row["agents"])
    row["policies_per_agent"] = ratio(row["policies"], row["agents"])
    row["activity_per_agent"] = ratio(activity, row["agents"])
    row["interviews_per_appointment"] = ratio(row["sales_interviews"], row["phone_appointments"])
    row["policies_per_interview"] = ratio(row["policies"], row["sales_interviews"])
    return row


def rollup_series(
    *, tenant: Tenant, subject: Subject, grain: str, start: date, end: date, member: Member | None = None
) -> list[dict[str, Any]]:
    """Return the subject's rows for every period of ``grain`` overlapping ``start``–``end``."""
    if subject.scope == Scope.MEMBER and grain == Grain.DAY:
        assert member is not None
        rows = _member_days(tenant, member, start, end)
    else:
        rows = _stored(tenant, subject, grain, start, end)
    series = [with_derived(row) for row in rows.values()]
    if subject.scope == Scope.UNIT and grain != Grain.DAY:
        lines = _lines(tenant, subject.id, grain, list(rows))
        for row in series:
            row["lines"] = lines[row["period_start"]]
    return series

"""The manager's dashboard of a unit: burn-up, channel × product attainment, count share, quadrant, drill-down.

Read from the rollup tables and the unit's own plan cells, never from the
facts, so the page costs the same dozen queries for a team and for a
20,000-agent company:

- burn-up: the unit's day rollups of the period (target and actual);
- children: the child units' month rollups (a team's: its agents');
- channel × product: the unit's month lines and its plan's month cells;
- count share: the unit's week lines, a rolling quarter back for the average;
- deviation alerts of the subtree.

Channel and product narrow the channel × product figures; the burn-up and
the children are the unit's whole business (rollups are not split by
channel below the line level).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from activities.models import ITEMS
from dashboards.models import Alert, Grain, Rollup, Scope
from dashboards.periods import Period
from dashboards.selectors.dashboard_team import first_alerts, unit_alerts
from dashboards.selectors.pacing import cumulative_pacing
from dashboards.selectors.rollups import (
    Subject,
    count_shares,
    line_figures,
    periods,
    ratio,
    rollup_series,
)
from salesops.org.models import Channel, Member, OrgUnit, Product, Tenant
from targets.models import Allocation, Plan


def _children(tenant: Tenant, unit: OrgUnit) -> tuple[str, list[Any]]:
    """Return the unit's child units, or for a unit without any (a team) its active agents."""
    units = list(OrgUnit.objects.filter(tenant=tenant, parent=unit).order_by("id"))
    if units:
        return Scope.UNIT, units
    agents = Member.objects.filter(tenant=tenant, unit=unit, role=Member.Role.AGENT, active=True)
    return Scope.MEMBER, list(agents.order_by("display_name", "id"))


def _child_rows(tenant: Tenant, unit: OrgUnit, period: Period, to_date: date) -> tuple[str, list[dict[str, Any]]]:
    scope, children = _children(tenant, unit)
    months = periods(period.start, period.end, Grain.MONTH)
    # Agents and producers are counted per month, so they come from the month holding ``to_date``.
    last_month = max(month for month in months if month <= to_date) if period.start <= to_date else months[0]
    sums: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"premium": Decimal(0), "target_premium": None, "policies": 0, "activity": 0}
    )
    latest: dict[int, tuple[int, int]] = {}
    for row in Rollup.objects.filter(
        tenant=tenant,
        scope=scope,
        subject_id__in=[child.pk for child in children],
        grain=Grain.MONTH,
        period_start__in=months,
    ).values("subject_id", "period_start", "premium", "target_premium", "policies", "agents", "producers", *ITEMS):
        total = sums[row["subject_id"]]
        total["premium"] += row["premium"]
        total["policies"] += row["policies"]
        total["activity"] += sum(row[item] for item in ITEMS)
        if row["target_premium"] is not None:
            total["target_premium"] = (total["target_premium"] or Decimal(0)) + row["target_premium"]
        if row["period_start"] == last_month:
            latest[row["subject_id"]] = (row["agents"], row["producers"])
    rows = []
    for child in children:
        total = sums[child.pk]
        agents, producers = latest.get(child.pk, (0, 0))
        if scope == Scope.MEMBER:
            agents = max(agents, 1)  # an agent's own page: rates per agent are the agent's figures
        rows.append(
            {
                "scope": scope,
                "id": child.pk,
                "name": child.name if scope == Scope.UNIT else child.display_name,
                "kind": child.kind if scope == Scope.UNIT else "agent",
                **total,
                "attainment": ratio(total["premium"], total["target_premium"]),
                "agents": agents,
                "producers": producers,
                "active_producer_rate": ratio(producers, agents),
                "policies_per_agent": ratio(total["policies"], agents),
                "activity_per_agent": ratio(total["activity"], agents),
            }
        )
    return scope, rows


def _line_keys(channel_id: int | None, product_id: int | None):
    def keep(key: tuple[int, int]) -> bool:
        return (channel_id is None or key[0] == channel_id) and (product_id is None or key[1] == product_id)

    return keep


def _channel_products(
    tenant: Tenant, unit: OrgUnit, period: Period, keep, names: dict[str, dict[int, str]]
) -> dict[str, Any]:
    """The heatmap cells (premium against the plan's cells) and the quadrant points (by channel)."""
    months = periods(period.start, period.end, Grain.MONTH)
    _history, figures = line_figures(tenant, unit.pk, Grain.MONTH, months)
    actual: dict[tuple[int, int], list] = defaultdict(lambda: [0, Decimal(0)])
    for month in months:
        for key, (policies, premium) in figures[month].items():
            if keep(key):
                actual[key][0] += policies
                actual[key][1] += premium
    year, quarter = period.quarter
    targets = {
        (channel_id, product_id): total
        for channel_id, product_id, total in Allocation.objects.filter(
            tenant=tenant,
            plan__tenant=tenant,
            plan__year=year,
            plan__quarter=quarter,
            plan__metric=Plan.Metric.PREMIUM,
            unit=unit,
            member__isnull=True,
            month__in=period.months,
        )
        .values_list("channel_id", "product_id")
        .annotate(total=Sum("amount"))
        .order_by()
        if keep((channel_id, product_id))
    }
    keys = sorted(set(actual) | set(targets))
    cells: list[dict[str, Any]] = [
        {
            "channel_id": key[0],
            "product_id": key[1],
            "channel": names["channels"].get(key[0], ""),
            "product": names["products"].get(key[1], ""),
            "policies": actual[key][0] if key in actual else 0,
            "premium": actual[key][1] if key in actual else Decimal(0),
            "target": targets.get(key),
            "attainment": ratio(actual[key][1] if key in actual else Decimal(0), targets.get(key)),
        }
        for key in keys
    ]
    by_channel: dict[int, list] = defaultdict(lambda: [0, Decimal(0)])
    for cell in cells:
        by_channel[cell["channel_id"]][0] += cell["policies"]
        by_channel[cell["channel_id"]][1] += cell["premium"]
    policies_total = sum(policies for policies, _premium in by_channel.values())
    premium_total = sum((premium for _policies, premium in by_channel.values()), Decimal(0))
    quadrant = [
        {
            "channel_id": channel_id,
            "channel": names["channels"].get(channel_id, ""),
            "policies": policies,
            "premium": premium,
            "count_share": ratio(policies, policies_total),
            "premium_per_policy": ratio(premium, policies),
        }
        for channel_id, (policies, premium) in sorted(by_channel.items())
        if policies
    ]
    return {
        "cells": cells,
        "quadrant": quadrant,
        "quadrant_share_line": ratio(1, len(quadrant)) if quadrant else None,
        "quadrant_price_line": ratio(premium_total, policies_total),
    }


def _count_share(
    tenant: Tenant, unit: OrgUnit, period: Period, channel_id: int | None, keep, names: dict[str, dict[int, str]]
) -> dict[str, Any]:
    """The weekly count share by channel (by product once a channel is chosen), with moving averages."""
    weeks = periods(period.start, period.end, Grain.WEEK)
    history, figures = line_figures(tenant, unit.pk, Grain.WEEK, weeks)
    by = "product" if channel_id is not None else "channel"
    kept = {start: {key: value for key, value in figures[start].items() if keep(key)} for start in history}
    # Shares are of the unit's whole count, so the totals count every line, kept or not.
    others = {
        start: sum(policies for key, (policies, _p) in figures[start].items() if not keep(key)) for start in history
    }
    for start in history:
        if others[start]:
            kept[start][(-1, -1)] = (others[start], Decimal(0))
    shares = count_shares(history, kept, weeks, Grain.WEEK, group=lambda key: key[1] if by == "product" else key[0])
    lookup = names["products"] if by == "product" else names["channels"]
    groups = sorted(
        {group for start in weeks for group in shares[start] if group != -1}, key=lambda g: lookup.get(g, "")
    )
    series = []
    for group in groups:
        points = [shares[start].get(group, (0, None, None)) for start in weeks]
        if not any(policies for policies, _s, _a in points) and all(average is None for _p, _s, average in points):
            continue
        series.append(
            {
                "id": group,
                "name": lookup.get(group, ""),
                "policies": [policies for policies, _s, _a in points],
                "share": [ratio(share, 1) if share is not None else None for _p, share, _a in points],
                "average": [ratio(average, 1) if average is not None else None for _p, _s, average in points],
            }
        )
    return {"by": by, "weeks": weeks, "series": series}


def unit_dashboard(
    *,
    tenant: Tenant,
    actor: Member,
    unit: OrgUnit,
    period: Period,
    today: date,
    channel_id: int | None = None,
    product_id: int | None = None,
    alert_limit: int | None = None,
) -> dict[str, Any]:
    """Return the figures of ``unit``'s manager dashboard for ``period``, narrowed to a channel / product."""
    to_date = period.to_date(today)
    days = rollup_series(
        tenant=tenant, subject=Subject(Scope.UNIT, unit.pk), grain=Grain.DAY, start=period.start, end=period.end
    )
    names = {
        "channels": dict(Channel.objects.filter(tenant=tenant).values_list("pk", "name")),
        "products": dict(Product.objects.filter(tenant=tenant).values_list("pk", "name")),
    }
    keep = _line_keys(channel_id, product_id)
    children_scope, children = _child_rows(tenant, unit, period, to_date)
    alerts = first_alerts(
        unit_alerts(tenant=tenant, actor=actor, unit=unit, kinds=(Alert.Kind.DEVIATION,)).filter(
            period_start__lte=period.end, period_end__gte=period.start
        ),
        alert_limit,
    )
    return {
        "to_date": to_date,
        "burn_up": cumulative_pacing(days, to_date),
        "children_scope": children_scope,
        "children": children,
        **_channel_products(tenant, unit, period, keep, names),
        "count_share": _count_share(tenant, unit, period, channel_id, keep, names),
        "alerts": alerts[0],
        "alert_count": alerts[1],
        "names": names,
    }

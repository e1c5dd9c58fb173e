"""The agent's dashboard: today against the tier's standard (5311), the week and its streak, quarter pacing.

About eight queries whoever the agent is: today's log, the standard, the
week's logs and standards, the streak's logs, and the day facts and targets
of the period (rollups.rollup_series reads a member's days from the facts).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from activities.models import ITEMS, DailyLog
from activities.selectors.logs import streak, week_days
from activities.selectors.standards import standard_in_effect, standard_targets
from dashboards.models import Grain, Scope
from dashboards.periods import Period
from dashboards.selectors.pacing import cumulative_pacing
from dashboards.selectors.rollups import Subject, rollup_series
from salesops.org.models import Member, Tenant


def agent_dashboard(*, tenant: Tenant, member: Member, today: date, period: Period) -> dict[str, Any]:
    """Return the figures of ``member``'s dashboard on ``today`` for ``period`` (the pacing's)."""
    counts = DailyLog.objects.filter(tenant=tenant, member=member, date=today).values(*ITEMS).first()
    standard = standard_in_effect(tenant=tenant, tier=member.tier, on=today)
    targets = standard_targets(standard)
    items = []
    for item in ITEMS:
        value = counts[item] if counts else 0
        target = targets.get(item)
        items.append({"name": item, "value": value, "standard": target, "met": target is not None and value >= target})
    rows = rollup_series(
        tenant=tenant,
        subject=Subject(Scope.MEMBER, member.pk),
        grain=Grain.DAY,
        start=period.start,
        end=period.end,
        member=member,
    )
    return {
        "logged": counts is not None,
        "items": items,
        "has_standard": bool(targets),
        "met": bool(targets) and all(row["met"] for row in items if row["standard"] is not None),
        "week": week_days(tenant=tenant, member=member, today=today),
        "streak": streak(tenant=tenant, member=member, today=today),
        "pacing": cumulative_pacing(rows, period.to_date(today)),
        "days": rows,
    }

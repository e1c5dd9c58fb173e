"""Reads of the work log: by tenant and the actor's role scope, a day, a week, a streak, the history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from activities.models import ITEMS, DailyLog, DailyLogChange, Visit
from activities.selectors.standards import meets_standard, standard_on, standards_for_tier
from salesops.org.models import Member, Tenant
from salesops.tenancy import member_scope_q

# How many days a streak reads per query while walking back.
STREAK_CHUNK_DAYS = 62


def _visits_prefetch(tenant: Tenant) -> Prefetch:
    # The tenant filter lets the prefetch use the (tenant, log) index.
    # The book entry comes along in the same query (a join): whether it was erased decides its link.
    return Prefetch("visits", queryset=Visit.objects.filter(tenant=tenant).select_related("customer").order_by("id"))


def log_counts(log: DailyLog | None) -> dict[str, int]:
    """Return the five counts of ``log`` (zeros for a day without a log)."""
    return {item: (getattr(log, item) if log is not None else 0) for item in ITEMS}


def log_snapshot(log: DailyLog | None) -> dict[str, Any] | None:
    """Return what a log says — the five counts and the visits — as the history stores it."""
    if log is None:
        return None
    return {
        **log_counts(log),
        "visits": [
            {"name": visit.name, "phone": visit.phone, "kind": visit.kind, "customer": visit.customer_id}
            for visit in log.visits.all()
        ],
    }


def daily_log_for(*, tenant: Tenant, member: Member, date: date) -> DailyLog | None:
    """Return ``member``'s log of ``date`` with its visits, or None when the day has no log."""
    return (
        DailyLog.objects.filter(tenant=tenant, member=member, date=date)
        .prefetch_related(_visits_prefetch(tenant))
        .first()
    )


def daily_log_list(*, tenant: Tenant, actor: Member, filters: dict | None = None) -> QuerySet[DailyLog]:
    """Return the logs of members ``actor`` may see, newest day first, with member and visits loaded.

    An agent sees their own logs; a supervisor or manager their subtree's; a
    tenant admin the whole tenant. ``filters``: ``member`` (id), ``from`` /
    ``to`` (dates, inclusive).
    """
    filters = filters or {}
    queryset = (
        DailyLog.objects.filter(member_scope_q(actor, prefix="member__"), tenant=tenant)
        .select_related("member")
        .prefetch_related(_visits_prefetch(tenant))
        .order_by("-date", "member__display_name", "id")
    )
    if filters.get("member"):
        queryset = queryset.filter(member_id=filters["member"])
    if filters.get("from"):
        queryset = queryset.filter(date__gte=filters["from"])
    if filters.get("to"):
        queryset = queryset.filter(date__lte=filters["to"])
    return queryset


def log_history(*, tenant: Tenant, log: DailyLog) -> QuerySet[DailyLogChange]:
    """Return the changes of ``log``, newest first, with who made them."""
    return (
        DailyLogChange.objects.filter(tenant=tenant, log=log)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
    )


def week_days(*, tenant: Tenant, member: Member, today: date) -> list[dict[str, Any]]:
    """Return Monday to Sunday of ``today``'s ISO week for ``member``, one dict a day.

    Each day: ``date``; ``logged``; ``counts`` (zeros without a log); ``met``:
    whether every item with a standard was reached, judged by the standard of
    the member's (current) tier in effect that day — ``None`` for days after
    ``today`` and for days without a standard, ``False`` for a past day
    without a log. Two queries whatever the week holds.
    """
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    logged = {
        row["date"]: {item: row[item] for item in ITEMS}
        for row in DailyLog.objects.filter(tenant=tenant, member=member, date__range=(monday, sunday)).values(
            "date", *ITEMS
        )
    }
    standards = standards_for_tier(tenant=tenant, tier=member.tier, until=sunday)
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        counts = logged.get(day)
        met = None if day > today else meets_standard(counts, standard_on(standards, day))
        days.append(
            {
                "date": day,
                "logged": counts is not None,
                "met": met,
                "counts": counts if counts is not None else {item: 0 for item in ITEMS},
            }
        )
    return days


def streak(*, tenant: Tenant, member: Member, today: date) -> int:
    """Return how many consecutive days up to ``today`` ``member`` met the standard.

    Today counts only once it is met; until then the streak is counted from
    yesterday, so an agent who has not logged yet this morning keeps it.
    Calendar days: a day without a log ends the streak. Logs are read in
    chunks of ``STREAK_CHUNK_DAYS`` days while walking back.
    """
    standards = standards_for_tier(tenant=tenant, tier=member.tier, until=today)
    if not standards:
        return 0
    counts_by_day: dict[date, dict[str, int]] = {}
    loaded_from = today + timedelta(days=1)

    def met(day: date) -> bool:
        nonlocal loaded_from
        if day < loaded_from:
            start = day - timedelta(days=STREAK_CHUNK_DAYS - 1)
            rows = DailyLog.objects.filter(
                tenant=tenant, member=member, date__range=(start, loaded_from - timedelta(days=1))
            ).values("date", *ITEMS)
            counts_by_day.update({row["date"]: {item: row[item] for item in ITEMS} for row in rows})
            loaded_from = start
        return bool(meets_standard(counts_by_day.get(day), standard_on(standards, day)))

    day = today if met(today) else today - timedelta(days=1)
    count = 0
    while met(day):
        count += 1
        day -= timedelta(days=1)
    return count

"""Reads of the supervisor's "111" duties and of the morning review (二次早会): the team today and the checklist."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet, Sum

from activities.models import ITEMS, DailyLog, Duty
from activities.selectors.standards import meets_standard, standard_on, standard_targets, standards_by_tier
from salesops.org.models import Member, Tenant
from salesops.tenancy import member_scope_q


def duty_list(*, tenant: Tenant, actor: Member, filters: dict | None = None) -> QuerySet[Duty]:
    """Return the duties ``actor`` may see, newest day first, with supervisor, member and visit loaded.

    A leader sees the duties they did and the ones received by the members in
    their scope; an agent the duties they received. ``filters``: ``member``
    (id), ``date``, ``from`` / ``to`` (inclusive), ``kind``.
    """
    filters = filters or {}
    queryset = (
        Duty.objects.filter(Q(supervisor=actor) | member_scope_q(actor, prefix="member__"), tenant=tenant)
        .select_related("supervisor", "member", "visit__log")
        .order_by("-date", "kind", "member__display_name", "id")
    )
    if filters.get("member"):
        queryset = queryset.filter(member_id=filters["member"])
    if filters.get("date"):
        queryset = queryset.filter(date=filters["date"])
    if filters.get("from"):
        queryset = queryset.filter(date__gte=filters["from"])
    if filters.get("to"):
        queryset = queryset.filter(date__lte=filters["to"])
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    return queryset


def direct_reports(*, tenant: Tenant, supervisor: Member) -> list[Member]:
    """Return ``supervisor``'s active direct reports by name (the people of the tracking calls)."""
    return list(Member.objects.filter(tenant=tenant, supervisor=supervisor, active=True).order_by("display_name", "id"))


def checklist_111(
    *, tenant: Tenant, supervisor: Member, date: date, reports: list[Member] | None = None
) -> dict[str, Any]:
    """Return ``supervisor``'s 111 checklist of ``date``: tracking calls, coaching, spot-check, complete.

    ``tracking_calls``: ``done`` (direct reports called), ``of`` (direct
    reports), ``missing`` (the reports not called yet, members) and ``called``
    (their ids). Two queries (one when ``reports`` is given).
    """
    if reports is None:
        reports = direct_reports(tenant=tenant, supervisor=supervisor)
    duties = list(Duty.objects.filter(tenant=tenant, supervisor=supervisor, date=date).select_related("member"))
    called = {duty.member_id for duty in duties if duty.kind == Duty.Kind.TRACKING_CALL}
    missing = [member for member in reports if member.pk not in called]
    done = len(reports) - len(missing)
    coaching = next((duty for duty in duties if duty.kind == Duty.Kind.COACHING), None)
    spot_check = next((duty for duty in duties if duty.kind == Duty.Kind.SPOT_CHECK), None)
    return {
        "tracking_calls": {
            "done": done,
            "of": len(reports),
            "missing": missing,
            "called": sorted(member.pk for member in reports if member.pk in called),
        },
        "coaching": coaching is not None,
        "spot_check": spot_check is not None,
        "coaching_duty": coaching,
        "spot_check_duty": spot_check,
        "complete": not missing and coaching is not None and spot_check is not None,
    }


def team_today(
    *, tenant: Tenant, supervisor: Member, date: date, reports: list[Member] | None = None
) -> dict[str, Any]:
    """Return ``supervisor``'s team on ``date``: each direct report's log against their tier's standard.

    ``members``: one row per direct report with ``member``, ``logged``,
    ``flagged``, ``met`` (True / False / None without a standard) and
    ``items`` (``name``, ``value``, ``standard``, ``state``: ``met``,
    ``below`` or ``none``); ``logged`` (how many logged); ``yesterday``: the
    team's total of each item the day before. Four queries however many
    reports (three when ``reports`` is given).
    """
    if reports is None:
        reports = direct_reports(tenant=tenant, supervisor=supervisor)
    report_ids = [member.pk for member in reports]
    logs = {log.member_id: log for log in DailyLog.objects.filter(tenant=tenant, member_id__in=report_ids, date=date)}
    standards = standards_by_tier(tenant=tenant, until=date)
    yesterday = DailyLog.objects.filter(
        tenant=tenant, member_id__in=report_ids, date=date - timedelta(days=1)
    ).aggregate(**{item: Sum(item) for item in ITEMS})
    rows = []
    for member in reports:
        log = logs.get(member.pk)
        standard = standard_on(standards.get(member.tier, []), date)
        targets = standard_targets(standard)
        counts = {item: getattr(log, item) for item in ITEMS} if log is not None else None
        items = []
        for item in ITEMS:
            value = counts[item] if counts is not None else 0
            target = targets.get(item)
            state = "none" if target is None else "met" if value >= target else "below"
            items.append({"name": item, "value": value, "standard": target, "state": state})
        rows.append(
            {
                "member": member,
                "logged": log is not None,
                "flagged": bool(log and log.flagged),
                "met": meets_standard(counts, standard),
                "items": items,
            }
        )
    return {
        "members": rows,
        "logged": sum(1 for row in rows if row["logged"]),
        "yesterday": {item: yesterday[item] or 0 for item in ITEMS},
    }

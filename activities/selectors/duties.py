"""Reads of the supervisor's "111" duties and of the morning review (二次早会): the team today and the checklist."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Protocol

from django.db.models import Q, QuerySet

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


class Report(Protocol):
    """What the team reads of a member: a ``Member``, or a lighter row of a whole branch (dashboards)."""

    @property
    def pk(self) -> Any: ...

    @property
    def tier(self) -> str: ...


def checklist_summaries(*, tenant: Tenant, supervisors: Sequence[Report], date: date) -> list[dict[str, Any]]:
    """Return each supervisor's 111 of ``date`` in one line: calls done of reports, coaching, spot-check.

    The same rules as ``checklist_111`` for many supervisors at once (a
    branch's dashboard): two queries however many supervisors.
    """
    ids = [supervisor.pk for supervisor in supervisors]
    reports: dict[int, set[int]] = {pk: set() for pk in ids}
    for supervisor_id, member_id in Member.objects.filter(
        tenant=tenant, supervisor_id__in=ids, active=True
    ).values_list("supervisor_id", "pk"):
        reports[supervisor_id].add(member_id)
    called: dict[int, set[int]] = {pk: set() for pk in ids}
    kinds: dict[int, set[str]] = {pk: set() for pk in ids}
    for supervisor_id, kind, member_id in Duty.objects.filter(
        tenant=tenant, supervisor_id__in=ids, date=date
    ).values_list("supervisor_id", "kind", "member_id"):
        kinds[supervisor_id].add(kind)
        if kind == Duty.Kind.TRACKING_CALL:
            called[supervisor_id].add(member_id)
    rows = []
    for supervisor in supervisors:
        done = len(reports[supervisor.pk] & called[supervisor.pk])
        of = len(reports[supervisor.pk])
        coaching = Duty.Kind.COACHING in kinds[supervisor.pk]
        spot_check = Duty.Kind.SPOT_CHECK in kinds[supervisor.pk]
        rows.append(
            {
                "supervisor": supervisor,
                "tracking_calls_done": done,
                "tracking_calls_of": of,
                "coaching": coaching,
                "spot_check": spot_check,
                "complete": done == of and coaching and spot_check,
            }
        )
    return rows


def team_today(
    *,
    tenant: Tenant,
    supervisor: Member | None,
    date: date,
    reports: Sequence[Report] | None = None,
    report_ids: QuerySet | None = None,
) -> dict[str, Any]:
    """Return ``supervisor``'s team on ``date``: each direct report's log against their tier's standard.

    ``members``: one row per direct report with ``member``, ``logged``,
    ``flagged``, ``met`` (True / False / None without a standard) and
    ``items`` (``name``, ``value``, ``standard``, ``state``: ``met``,
    ``below`` or ``none``); ``logged`` (how many logged); ``yesterday``: the
    team's total of each item the day before. Three queries however many
    reports (two when ``reports`` is given: any list of members, such as a
    unit's agents, with ``supervisor`` then unused). ``report_ids``: the same
    people as a query of their ids, which a branch's 2,000 reports read
    faster than a list of 2,000 ids.
    """
    if reports is None:
        assert supervisor is not None
        reports = direct_reports(tenant=tenant, supervisor=supervisor)
    ids: QuerySet | list[Any] = report_ids if report_ids is not None else [member.pk for member in reports]
    # The day and the day before in one read, as plain rows: a branch's dashboard reads 4,000 of them.
    logs: dict[Any, dict[str, Any]] = {}
    yesterday = {item: 0 for item in ITEMS}
    for log in DailyLog.objects.filter(
        tenant=tenant, member_id__in=ids, date__in=(date, date - timedelta(days=1))
    ).values("member_id", "date", "flagged", *ITEMS):
        if log["date"] == date:
            logs[log["member_id"]] = log
        else:
            for item in ITEMS:
                yesterday[item] += log[item]
    standards = standards_by_tier(tenant=tenant, until=date)
    # One standard per tier on the day, looked up once (a branch has 2,000 reports, three tiers).
    by_tier = {tier: standard_on(standards.get(tier, []), date) for tier in {member.tier for member in reports}}
    targets_by_tier = {tier: standard_targets(standard) for tier, standard in by_tier.items()}
    rows = []
    for member in reports:
        log = logs.get(member.pk)
        standard = by_tier[member.tier]
        targets = targets_by_tier[member.tier]
        counts = {item: log[item] for item in ITEMS} if log is not None else None
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
                "flagged": bool(log and log["flagged"]),
                "met": meets_standard(counts, standard),
                "items": items,
            }
        )
    return {
        "members": rows,
        "logged": sum(1 for row in rows if row["logged"]),
        "yesterday": yesterday,
    }

"""What the work queue and the case page show: the queue's filters, its table, a case's priority parts.

One ``Table`` describes the queue: the page draws its first rows as cards
(a phone's list) and the XLSX export writes all of them, so the two cannot
disagree. Days to due count from the tenant's today; the follow-up clock
is the alerts' own (``renewals.alerts``): the last follow-up, else the
assignment, of an open assigned case, flagged once the tenant's window
(48 h by default) has run out.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from dashboards.tables import Column, Table
from renewals.models import OPEN_STATUSES, RenewalCase
from renewals.pages.common import case_link
from renewals.priority import DUE_BANDS, GROUP_POINTS, LEVEL_LABELS, LEVELS, PRODUCT_POINTS, due_points, level

PAGE_ROWS = 50
OPEN = "open"
EVERY_STATUS = "all"
UNASSIGNED = "none"
# The due windows of the filter: this week (today to Sunday), the next 30 days, already overdue.
DUE_WINDOWS = (
    ("week", gettext_lazy("Due this week")),
    ("30d", gettext_lazy("Due in 30 days")),
    ("overdue", gettext_lazy("Overdue")),
)


class QueueFilters(forms.Form):
    """The queue's status (open by default), group, due window and, for those who lead advisors, advisor."""

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", pgettext_lazy("renewal cases", "Open")),
            *RenewalCase.Status.choices,
            (EVERY_STATUS, gettext_lazy("All")),
        ],
    )
    group = forms.ChoiceField(
        label=gettext_lazy("Customer group"),
        required=False,
        choices=[("", gettext_lazy("All")), *RenewalCase.Group.choices],
    )
    due = forms.ChoiceField(
        label=gettext_lazy("Due"), required=False, choices=[("", gettext_lazy("All")), *DUE_WINDOWS]
    )
    advisor = forms.ChoiceField(label=gettext_lazy("Advisor"), required=False)

    def __init__(self, data, *, advisors: list[tuple[int, str]] | None):
        """``advisors``: the advisors in the viewer's scope, or None for an advisor (no advisor filter)."""
        super().__init__(data)
        if advisors is None:
            del self.fields["advisor"]
        else:
            cast(forms.ChoiceField, self.fields["advisor"]).choices = [
                ("", _("All")),
                (UNASSIGNED, _("Unassigned")),
                *[(str(pk), name) for pk, name in advisors],
            ]

    def values(self) -> dict[str, str]:
        """The valid values, "" (the default) for a field in error: the page still shows, and says which."""
        cleaned = self.cleaned_data if self.is_bound else {}
        return {name: cleaned.get(name) or "" for name in self.fields}

    def case_filters(self, today: date) -> dict[str, Any]:
        """Translate the values into ``case_list``'s filters (the open statuses are the caller's to apply)."""
        values = self.values()
        filters: dict[str, Any] = {}
        if values["status"] not in ("", EVERY_STATUS):
            filters["status"] = values["status"]
        if values["group"]:
            filters["group"] = values["group"]
        if values["due"] == "week":
            filters.update(due_from=today, due_to=today + timedelta(days=6 - today.weekday()))
        elif values["due"] == "30d":
            filters.update(due_from=today, due_to=today + timedelta(days=30))
        elif values["due"] == "overdue":
            filters["due_to"] = today - timedelta(days=1)
        if values.get("advisor") == UNASSIGNED:
            filters["unassigned"] = True
        elif values.get("advisor"):
            filters["advisor"] = int(values["advisor"])
        return filters

    @property
    def open_only(self) -> bool:
        return self.values()["status"] == ""


def due_text(days_to_due: int, *, is_open: bool) -> str:
    """Say how far the due date is; an open case past it says overdue in words, not colour alone."""
    if days_to_due < 0:
        if not is_open:
            return ""
        return ngettext("Overdue by %(count)s day", "Overdue by %(count)s days", -days_to_due) % {"count": -days_to_due}
    if days_to_due == 0:
        return _("Due today")
    return ngettext("Due in %(count)s day", "Due in %(count)s days", days_to_due) % {"count": days_to_due}


def since_text(hours: int) -> str:
    """Say how long ago, in hours under two days, else in days and hours."""
    if hours < 1:
        return _("less than an hour ago")
    if hours < 48:
        return ngettext("%(count)s hour ago", "%(count)s hours ago", hours) % {"count": hours}
    return _("%(days)s d %(hours)s h ago") % {"days": hours // 24, "hours": hours % 24}


def follow_up_clock(case: RenewalCase) -> datetime | None:
    """When the case's follow-up window started: its last follow-up, else its assignment (as the alert counts).

    An unassigned or closed case runs no clock.
    """
    if case.advisor_id is None or case.status not in OPEN_STATUSES:
        return None
    return case.last_follow_up_at or case.assigned_at or case.created_at


@dataclass(frozen=True)
class Clock:
    """What the page needs to place a case in time: the tenant's today, now, its zone, the follow-up window."""

    today: date
    now: datetime
    zone: zoneinfo.ZoneInfo
    follow_up_hours: int

    def local(self, moment: datetime | None) -> str | None:
        return formats.date_format(timezone.localtime(moment, self.zone), "Y-m-d H:i") if moment else None


def case_row(case: RenewalCase, clock: Clock) -> dict[str, Any]:
    """One case as the queue's table holds it (``priority`` annotated by ``case_list``)."""
    is_open = case.status in OPEN_STATUSES
    days = (case.due_on - clock.today).days
    started = follow_up_clock(case)
    hours = int((clock.now - started).total_seconds() // 3600) if started else None
    # At the window or past it, as the alert counts (renewals.alerts: clock <= now - window).
    flagged = started is not None and clock.now - started >= timedelta(hours=clock.follow_up_hours)
    points = case.priority  # type: ignore[attr-defined]
    level_key = level(points)
    return {
        "id": case.pk,
        "link": case_link(case.pk),
        "policy_no": case.policy_no,
        "customer": case.customer,
        "product_type": case.get_product_type_display(),
        "premium": case.premium,
        "due_on": case.due_on.isoformat(),
        "days_to_due": days,
        # None rather than "" for an empty cell: the workbook holds what the table holds.
        "due_text": due_text(days, is_open=is_open) or None,
        "overdue": is_open and days < 0,
        "group": case.group,
        "status": case.get_status_display(),
        "status_key": case.status,
        "priority": points,
        "level": str(LEVEL_LABELS[level_key]),
        "level_key": level_key,
        "advisor": case.advisor.display_name if case.advisor is not None else _("Unassigned"),
        "last_follow_up": clock.local(case.last_follow_up_at),
        "since_hours": hours,
        "since": since_text(hours) if hours is not None else None,
        "flagged": flagged,
        "flag": _("No follow-up for %(hours)s h") % {"hours": clock.follow_up_hours} if flagged else None,
        "state_class": "overdue" if is_open and days < 0 else "",
    }


def queue_columns(*, with_advisor: bool) -> list[Column]:
    columns = [
        Column("policy_no", _("Policy number"), link="link", width=16),
        Column("customer", _("Customer"), width=12),
        Column("product_type", _("Product type"), width=10),
        Column("premium", _("Premium (yuan)"), "yuan", width=14),
        Column("due_on", _("Due on"), width=12),
        Column("days_to_due", _("Days to due"), "count", width=10),
        Column("due_text", _("Due"), width=16),
        Column("group", _("Group"), width=8),
        Column("status", _("Status"), width=10),
        Column("priority", _("Priority"), "count", width=8),
        Column("level", _("Level"), width=8),
        Column("last_follow_up", _("Last follow-up"), width=18),
        Column("since_hours", _("Hours since last touch"), "count", width=12),
        Column("flag", _("Follow-up"), width=18),
    ]
    if with_advisor:
        columns.insert(8, Column("advisor", _("Advisor"), width=12))
    return columns


def queue_table(cases: list[RenewalCase], clock: Clock, *, with_advisor: bool, total: int | None) -> Table:
    """The queue as one table: the rows given (the page's first ones, or all for the export)."""
    return Table(
        "queue",
        _("Work queue"),
        queue_columns(with_advisor=with_advisor),
        [case_row(case, clock) for case in cases],
        shown=PAGE_ROWS,
        total=total,
    )


@dataclass(frozen=True)
class PriorityPart:
    label: str
    detail: str
    points: int


def _due_detail(days_to_due: int) -> str:
    """How far the due date is, and the band of DUE_BANDS that gives the points."""
    due = due_text(days_to_due, is_open=True)
    if days_to_due < 0:
        return due
    for bound, _points in DUE_BANDS:
        if days_to_due <= bound:
            return _("%(due)s (within %(days)s days)") % {"due": due, "days": bound}
    return _("%(due)s (more than %(days)s days)") % {"due": due, "days": DUE_BANDS[-1][0]}


def priority_parts(case: RenewalCase, today: date) -> list[PriorityPart]:
    """The case's priority points, part by part (renewals/priority.py's tables), each with why."""
    days = (case.due_on - today).days
    return [
        PriorityPart(_("Days to due"), _due_detail(days), due_points(days)),
        PriorityPart(_("Customer group"), case.get_group_display(), GROUP_POINTS.get(case.group, 0)),
        PriorityPart(_("Product type"), case.get_product_type_display(), PRODUCT_POINTS.get(case.product_type, 0)),
    ]


def level_rule() -> str:
    """The levels' thresholds in words: high ≥ 60, medium ≥ 30, low below."""
    (high, _h, _w1), (medium, _m, _w2), _low = LEVELS
    return _("High from %(high)s points, medium from %(medium)s, low below.") % {"high": high, "medium": medium}

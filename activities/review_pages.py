"""HTML pages of the review rhythm and the hero board (英雄榜), with their XLSX exports.

They read through the same selectors as ``activities/leaderboard/`` and
``activities/reviews/…`` with the acting member, so a page shows exactly what
the API answers the same person. Kept apart from ``views.py`` (the work log and
the supervisor's morning page) so each page family stays readable.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities import figures
from activities.models import ITEM_LABELS, ITEMS
from activities.selectors import leaderboard as boards
from activities.selectors import reviews
from salesops.org.models import Member
from salesops.org.selectors import access_unit_by_id, tenant_today, unit_list
from salesops.views import member_required
from targets import exports

Role = Member.Role
# Who may open the hero board: everyone who keeps a log or leads those who do.
BOARD_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.TENANT_ADMIN})
# Who reviews others' work: supervisors, managers, tenant admins.
REVIEW_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.TENANT_ADMIN})
SCOPE_LABELS = {"team": gettext_lazy("Team"), "branch": gettext_lazy("Branch"), "company": gettext_lazy("Company")}
PERIOD_LABELS = {"week": gettext_lazy("This week"), "month": gettext_lazy("This month")}
TOP = 10


def _day(request, name: str, today: date) -> date:
    try:
        asked = parse_date(request.GET.get(name) or "")
    except ValueError:
        asked = None
    return asked or today


def _month(request, today: date) -> tuple[int, int]:
    value = request.GET.get("month") or ""
    try:
        year, month = (int(part) for part in value.split("-"))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


@member_required
def hero_board_page(request):
    member = request.member
    if member.role not in BOARD_ROLES:
        raise PermissionDenied
    tenant = member.tenant
    today = tenant_today(tenant)
    scope = request.GET.get("scope") if request.GET.get("scope") in boards.SCOPES else "team"
    period = request.GET.get("period") if request.GET.get("period") in boards.PERIODS else "week"
    day = _day(request, "date", today)
    board = None
    problem = None
    try:
        unit = boards.board_unit(tenant=tenant, actor=member, scope=scope, unit_id=request.GET.get("unit"))
        board = boards.leaderboard(tenant=tenant, actor=member, scope=scope, unit=unit, period=period, start=day)
    except ValidationError as error:
        problem = " ".join(error.messages)
    chart = None
    if board and board["rows"]:
        top = board["rows"][:TOP]
        chart = figures.hero_bars(
            names=[row["name"] for row in top],
            points=[row["points"] for row in top],
            title=_("Top %(count)s by points") % {"count": len(top)},
        )
    context = {
        "scope": scope,
        "period": period,
        "date": day.isoformat(),
        "scopes": [{"value": value, "label": label} for value, label in SCOPE_LABELS.items()],
        "periods": [{"value": value, "label": label} for value, label in PERIOD_LABELS.items()],
        "board": board,
        "problem": problem,
        "items": [{"name": item, "label": ITEM_LABELS[item]} for item in ITEMS],
        "chart": chart,
        "api": reverse("activity-leaderboard"),
    }
    return render(request, "activities/hero_board.html", context)


def _review_unit(request):
    member = request.member
    if member.role not in REVIEW_ROLES:
        raise PermissionDenied
    tenant = member.tenant
    unit = access_unit_by_id(tenant=tenant, actor=member, id=request.GET.get("unit") or member.unit_id)
    return member, tenant, unit


@member_required
def reviews_page(request):
    member, tenant, unit = _review_unit(request)
    today = tenant_today(tenant)
    week = _day(request, "week", today)
    year, month = _month(request, today)
    weekly = reviews.weekly_summary(tenant=tenant, actor=member, unit_or_member=unit, week_start=week)
    monthly = reviews.monthly_table(tenant=tenant, actor=member, unit=unit, year=year, month=month)
    totals = weekly["totals"]
    funnel = figures.process_funnel(
        stages=[str(ITEM_LABELS["phone_appointments"]), str(ITEM_LABELS["sales_interviews"]), _("Policies")],
        values=[totals["phone_appointments"], totals["sales_interviews"], totals["policies"]],
        title=_("Appointments → interviews → policies"),
    )
    query = f"unit={unit.pk}&week={weekly['start'].isoformat()}&month={year:04d}-{month:02d}"
    context = {
        "unit": unit,
        "units": list(unit_list(tenant=tenant, actor=member).values("id", "name")),
        "week": weekly["start"].isoformat(),
        "month": f"{year:04d}-{month:02d}",
        "weekly": weekly,
        "monthly": monthly,
        "items": [{"name": item, "label": ITEM_LABELS[item]} for item in ITEMS],
        "funnel": funnel,
        "weekly_xlsx": f"{reverse('activities-reviews-weekly-xlsx')}?{query}",
        "monthly_xlsx": f"{reverse('activities-reviews-monthly-xlsx')}?{query}",
    }
    return render(request, "activities/reviews.html", context)


def _item_columns() -> list[exports.Column]:
    return [exports.Column(str(ITEM_LABELS[item]), exports.COUNT_FORMAT, width=12) for item in ITEMS]


@member_required
def weekly_xlsx(request):
    """The weekly summary table of the review page, for the same ``?unit=&week=``."""
    member, tenant, unit = _review_unit(request)
    week = _day(request, "week", tenant_today(tenant))
    weekly = reviews.weekly_summary(tenant=tenant, actor=member, unit_or_member=unit, week_start=week)
    columns = [
        exports.Column(_("Name"), width=20),
        exports.Column(_("Unit"), width=16),
        *_item_columns(),
        exports.Column(_("Days logged"), exports.COUNT_FORMAT, width=10),
        exports.Column(_("Policies"), exports.COUNT_FORMAT, width=10),
        exports.Column(_("Appointments → interviews"), exports.PERCENT_FORMAT, width=14),
        exports.Column(_("Interviews → policies"), exports.PERCENT_FORMAT, width=14),
    ]
    rows: list[list[Any]] = [
        [
            row["name"],
            row["unit"],
            *(row[item] for item in ITEMS),
            row["days_logged"],
            row["policies"],
            row["appointment_to_interview"],
            row["interview_to_policy"],
        ]
        for row in weekly["rows"]
    ]
    content = exports.workbook_bytes(sheet_title=_("Weekly summary"), columns=columns, rows=rows)
    return exports.xlsx_response(content, f"weekly-summary-{unit.pk}-{weekly['start'].isoformat()}.xlsx")


@member_required
def monthly_xlsx(request):
    """The monthly activity-vs-results table of the review page, for the same ``?unit=&month=``."""
    member, tenant, unit = _review_unit(request)
    year, month = _month(request, tenant_today(tenant))
    monthly = reviews.monthly_table(tenant=tenant, actor=member, unit=unit, year=year, month=month)
    columns = [
        exports.Column(_("Name"), width=20),
        exports.Column(_("Unit"), width=16),
        *_item_columns(),
        exports.Column(_("Days logged"), exports.COUNT_FORMAT, width=10),
        exports.Column(_("Points"), exports.COUNT_FORMAT, width=10),
        exports.Column(_("Policies"), exports.COUNT_FORMAT, width=10),
        exports.Column(_("Premium"), exports.MONEY_FORMAT, width=16),
    ]
    rows: list[list[Any]] = [
        [
            row["name"],
            row["unit"],
            *(row[item] for item in ITEMS),
            row["days_logged"],
            row["points"],
            row["policies"],
            row["premium"],
        ]
        for row in monthly["rows"]
    ]
    content = exports.workbook_bytes(sheet_title=_("Activity and results"), columns=columns, rows=rows)
    return exports.xlsx_response(content, f"activity-results-{unit.pk}-{year:04d}-{month:02d}.xlsx")

"""HTML pages of activities: the agent's work log (工作日志) and the supervisor's morning review, mobile-first.

The page reads through the selectors with the acting member, so it shows
exactly what ``GET /api/v1/activities/logs/{date}/`` answers the same person.
Writes happen in the browser through ``PUT`` on that path (static/js/activities-log.js),
which keeps the day in the phone's storage until the server has it: the rules
and their error messages stay in the services.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import ITEM_LABELS, ITEMS, ActivityStandard, DailyLog, Duty, Visit
from activities.selectors.duties import checklist_111, direct_reports, team_today
from activities.selectors.log_book import book_of_day, customer_url, visit_picker_book
from activities.selectors.logs import daily_log_for, streak, week_days
from activities.selectors.standards import standard_in_effect
from activities.services.duties import spot_check_proposal
from activities.services.logs import log_is_locked
from dashboards.selectors.alerts import coaching_tasks
from salesops.org.models import Member
from salesops.org.selectors import access_member_by_id, tenant_today
from salesops.views import member_required

Role = Member.Role
# The roles that keep a work log of their own (supervisors log too); the navigation offers them the page.
LOG_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR})
# An id no customer has, reversed into the customer page's path and replaced by the script.
CUSTOMER_ID_SLOT = 987654321


def _day_asked(request, today: date) -> date:
    """Return the day ``?date=`` asks for; today when it is missing, malformed or in the future."""
    try:
        asked = parse_date(request.GET.get("date") or "")
    except ValueError:  # well formed but impossible, such as 2026-02-30
        asked = None
    if asked is None or asked > today:
        return today
    return asked


def _items(log: DailyLog | None, standard: ActivityStandard | None) -> list[dict]:
    rows = []
    for name in ITEMS:
        value = getattr(log, name) if log else 0
        target = getattr(standard, name) if standard else None
        met = target is not None and value >= target
        rows.append(
            {
                "name": name,
                "label": ITEM_LABELS[name],
                "value": value,
                "standard": target,
                "met": met,
                # The bar's width; a count beyond the standard fills it.
                "percent": 100 if met else round(value * 100 / target) if target else 0,
            }
        )
    return rows


def _week(days: list[dict], shown: date, today: date) -> list[dict]:
    strip = []
    for day in days:
        when = day["date"]
        if when > today:
            state = "future"
        elif day["met"]:
            state = "met"
        elif day["logged"]:
            state = "logged"
        elif when == today:
            state = "open"  # today is not missed until it is over
        else:
            state = "missed"
        strip.append(
            {
                "date": when,
                "iso": when.isoformat(),
                "weekday": WEEKDAYS_ABBR[when.weekday()],
                "state": state,
                "is_today": when == today,
                "is_shown": when == shown,
            }
        )
    return strip


@member_required
def log_page(request):
    member = request.member
    if member.role not in LOG_ROLES:
        raise PermissionDenied
    tenant = member.tenant
    today = tenant_today(tenant)
    day = _day_asked(request, today)
    log = daily_log_for(tenant=tenant, member=member, date=day)
    standard = standard_in_effect(tenant=tenant, tier=member.tier, on=day)
    items = _items(log, standard)
    # The names behind the new prospects and referrals: the day's entries of the member's book.
    book_day = book_of_day(tenant=tenant, member=member, day=day)
    for row in items:
        row["book"] = book_day.get(row["name"])
    visits = (
        [{"name": v.name, "phone": v.phone, "kind": v.kind, "customer": v.customer_id} for v in log.visits.all()]
        if log
        else []
    )
    book = visit_picker_book(tenant=tenant, member=member)
    for entry in book:
        # What the picker shows and matches: the name, told apart by the phone's last four digits.
        entry["label"] = f"{entry['name']} · {entry['phone'][-4:]}" if entry["phone"] else entry["name"]
        entry["url"] = customer_url(entry["id"])
    erased = {v.customer_id for v in (log.visits.all() if log else []) if v.customer and v.customer.erased_at}
    for visit in visits:
        customer_id = visit["customer"]
        linked = isinstance(customer_id, int) and customer_id not in erased
        visit["url"] = customer_url(customer_id) if isinstance(customer_id, int) and linked else None
    week = _week(week_days(tenant=tenant, member=member, today=today), day, today)
    for cell in week:
        cell["state_label"] = _state_label(cell["state"])
    # A member may change their own log for the tenant's edit window; after that the API refuses it.
    locked = log_is_locked(tenant=tenant, date=day, today=today)
    streak_days = streak(tenant=tenant, member=member, today=today)
    # The streak counts today only once today meets the standard, so the page can
    # update it after a save without asking the server again.
    today_met = any(cell["date"] == today and cell["state"] == "met" for cell in week)
    days_before_today = streak_days - 1 if today_met else streak_days
    config = {
        "date": day.isoformat(),
        "api": reverse("activity-log", kwargs={"date": day}),
        # The script sends a day kept on the phone to {apiRoot}{date}/, whichever day the page shows.
        "apiRoot": reverse("activity-logs"),
        # One entry per tenant, member and day: two people on one phone never mix their logs.
        "storagePrefix": f"salesops.worklog.{tenant.pk}.{member.pk}.",
        "cap": tenant.activity_daily_cap,
        "locked": locked,
        "items": [{"name": row["name"], "standard": row["standard"]} for row in items],
        "server": {
            **{row["name"]: row["value"] for row in items},
            "visits": [{key: visit[key] for key in ("name", "phone", "kind", "customer")} for visit in visits],
        },
        # The member's own book for the visit rows' picker; a picked row sends the entry's id.
        "book": book,
        # A book entry's page, for rows the server links on save ({id} replaced).
        "customerUrl": customer_url(CUSTOMER_ID_SLOT).replace(str(CUSTOMER_ID_SLOT), "{id}"),
        "labels": {
            "saving": _("Saving…"),
            "saved": _("Saved."),
            "pending": _("Saved on this phone; it will be sent when you are online."),
            "resentOther": _("Sent the entry for %(date)s saved on this phone."),
            "restored": _("Unsaved changes on this phone were restored."),
            "invalid": _("Nothing was saved: correct the fields marked below."),
            "failed": _("The server could not save the log (%(status)s). Try again."),
            "denied": _("You are no longer logged in or may not change this log. Reload the page and log in."),
            "visit": _("Visit %(number)s"),
            # The streak as it reads once today's save meets the standard, and as it reads if it does not.
            "streakIfMet": _streak_text(days_before_today + 1),
            "streakIfNotMet": _streak_text(days_before_today),
        },
        "isToday": day == today,
    }
    context = {
        "day": day,
        "day_label": formats.date_format(day, "MONTH_DAY_FORMAT"),
        "weekday": WEEKDAYS_ABBR[day.weekday()],
        "is_today": day == today,
        "previous_day": (day - timedelta(days=1)).isoformat(),
        "next_day": (day + timedelta(days=1)).isoformat() if day < today else None,
        "today": today,
        "items": items,
        "has_standard": standard is not None,
        "visits": visits,
        "visit_kinds": Visit.Kind.choices,
        "book": book,
        "week": week,
        "streak": streak_days,
        "locked": locked,
        "config": config,
    }
    return render(request, "activities/log_page.html", context)


def _streak_text(days: int) -> str:
    return ngettext("Standard met %(counter)s day in a row", "Standard met %(counter)s days in a row", days) % {
        "counter": days
    }


def _state_label(state: str) -> str:
    return {
        "future": _("not yet"),
        "met": _("standard met"),
        "logged": _("logged, below standard"),
        "open": _("not logged yet"),
        "missed": _("not logged"),
    }[state]


def _team_supervisor(request, member: Member) -> tuple[Member, bool]:
    """Return whose morning review the page shows, and whether the viewer may record duties on it.

    A supervisor sees their own and records on it. A manager or tenant admin
    may open a supervisor's page in their scope with ``?supervisor=<id>``, to
    read it only: duties are recorded by the supervisor who did them.
    """
    if member.role == Role.SUPERVISOR and not request.GET.get("supervisor"):
        return member, True
    if member.role not in (Role.MANAGER, Role.TENANT_ADMIN, Role.SUPERVISOR) or not request.GET.get("supervisor"):
        raise PermissionDenied
    supervisor = access_member_by_id(tenant=member.tenant, actor=member, id=request.GET["supervisor"])
    if supervisor.role != Role.SUPERVISOR:
        raise Http404(_("Not found."))
    return supervisor, supervisor.pk == member.pk


@member_required
def team_page(request):
    """The supervisor's morning review (二次早会): the team today, yesterday's totals and the 111 checklist."""
    supervisor, can_record = _team_supervisor(request, request.member)
    tenant = supervisor.tenant
    today = tenant_today(tenant)
    yesterday = today - timedelta(days=1)
    reports = direct_reports(tenant=tenant, supervisor=supervisor)
    team = team_today(tenant=tenant, supervisor=supervisor, date=today, reports=reports)
    checklist = checklist_111(tenant=tenant, supervisor=supervisor, date=today, reports=reports)
    called = set(checklist["tracking_calls"]["called"])
    for row in team["members"]:
        row["called"] = row["member"].pk in called
        for item in row["items"]:
            item["label"] = ITEM_LABELS[item["name"]]
    proposal = None
    if not checklist["spot_check"]:
        proposal = spot_check_proposal(tenant=tenant, supervisor=supervisor, date=today)
    spot_check = checklist["spot_check_duty"]
    context = {
        "supervisor": supervisor,
        "can_record": can_record,
        "today": today,
        "day_label": formats.date_format(today, "MONTH_DAY_FORMAT"),
        "weekday": WEEKDAYS_ABBR[today.weekday()],
        "yesterday": yesterday,
        "team": team,
        "reports": reports,
        "yesterday_totals": [
            {"name": item, "label": ITEM_LABELS[item], "value": team["yesterday"][item]} for item in ITEMS
        ],
        "checklist": checklist,
        "coaching": checklist["coaching_duty"],
        # Coaching due from alerts (no policy / low activity): the 111 list's coaching candidates.
        "coaching_tasks": coaching_tasks(tenant=tenant, supervisor=supervisor),
        "spot_check": spot_check,
        "spot_check_outcome": Duty.Outcome(spot_check.outcome).label if spot_check else "",
        "proposal": proposal,
        "outcomes": [
            (Duty.Outcome.VERIFIED, Duty.Outcome.VERIFIED.label),
            (Duty.Outcome.NOT_VERIFIED, Duty.Outcome.NOT_VERIFIED.label),
            (Duty.Outcome.UNREACHABLE, Duty.Outcome.UNREACHABLE.label),
        ],
        "config": {
            "api": reverse("activity-duties"),
            "date": today.isoformat(),
            "labels": {
                "saving": _("Saving…"),
                "invalid": _("Nothing was saved: correct the fields marked below."),
                "failed": _("The server could not save the duty (%(status)s). Try again."),
                "denied": _("You are no longer logged in or may not record this duty. Reload the page and log in."),
            },
        },
    }
    return render(request, "activities/team_page.html", context)

"""The lead's page's figures and tables, built from ``team.team_data`` (plain data in, plain data out)."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dashboards import figures
from dashboards.services.alerts import reference_label
from dashboards.tables import Column, Table
from renewals.assignment import REASONS
from renewals.models import RenewalCase
from renewals.pages.common import STATUS_COLOURS, case_link
from renewals.priority import LEVEL_LABELS, level
from renewals.services.tickets import is_breached

PAGE_ROWS = 50


def _week_label(monday: date) -> str:
    return formats.date_format(monday, "n/j")


def _local(moment: datetime | None, zone: zoneinfo.ZoneInfo) -> str:
    return formats.date_format(timezone.localtime(moment, zone), "Y-m-d H:i") if moment else ""


def team_figures(data: dict[str, Any]) -> dict[str, dict]:
    pipeline = data["pipeline"]
    columns = [_("Before this week"), *[_week_label(monday) for monday in pipeline.weeks]]
    trend = data["trend"]
    return {
        "pipeline": figures.stacked_counts(
            columns=columns,
            series=[
                (str(status.label), pipeline.counts[status.value], STATUS_COLOURS[status.value])
                for status in RenewalCase.Status
            ],
            labels=figures.Labels(_("Pipeline by status and due week"), _("Week due (from Monday)"), _("Cases (件)")),
        ),
        "trend": figures.rate_line(
            points=[formats.date_format(first, "YEAR_MONTH_FORMAT") for first, _rate in trend],
            rates=[rate.rate for _first, rate in trend],
            labels=figures.Labels(_("Renewal rate by month due"), _("Month due"), _("Renewal rate (%)")),
        ),
        "lost": figures.count_bars(
            names=[name for name, _count in data["lost_reasons"]],
            counts=[count for _name, count in data["lost_reasons"]],
            labels=figures.Labels(_("Lost reasons"), _("Cases (件)"), ""),
        ),
    }


def assign_result(stored: dict | None) -> dict | None:
    """The auto-assignment's result as the page words it: how many went, and who stayed unassigned and why."""
    if stored is None:
        return None
    left = [
        {"reason": reason, "message": str(REASONS[reason]), "policy_nos": policy_nos}
        for reason, policy_nos in stored["left"].items()
    ]
    return {"assigned": stored["assigned"], "left": sum(len(row["policy_nos"]) for row in left), "reasons": left}


def _case_columns() -> list[Column]:
    return [
        Column("policy_no", _("Policy number"), link="link", width=16),
        Column("customer", _("Customer"), width=12),
        Column("product_type", _("Product type"), width=10),
        Column("group", _("Group"), width=8),
        Column("premium", _("Premium (yuan)"), "yuan", width=12),
        Column("due_on", _("Due on"), width=12),
        Column("priority", _("Priority"), "count", width=8),
        Column("level", _("Level"), width=8),
    ]


def case_row(case: RenewalCase) -> dict[str, Any]:
    points = getattr(case, "priority", None)
    return {
        "policy_no": case.policy_no,
        "link": case_link(case.pk),
        "customer": case.customer,
        "product_type": case.get_product_type_display(),
        "group": case.group,
        "premium": case.premium,
        "due_on": case.due_on.isoformat(),
        "priority": points,
        "level": LEVEL_LABELS[level(points)] if points is not None else "",
        "advisor": case.advisor.display_name if case.advisor_id else "",
        "status": case.get_status_display(),
        "quotes": case.quotes,
    }


def _no_follow_up_rows(data: dict[str, Any], zone: zoneinfo.ZoneInfo) -> list[dict[str, Any]]:
    rows = []
    for alert in data["no_follow_up"]:
        policy_no = reference_label(alert.reference)
        case = data["no_follow_up_cases"].get(policy_no)
        rows.append(
            {
                "policy_no": policy_no,
                "link": case_link(case["pk"]) if case else None,
                "customer": case["customer"] if case else "",
                "advisor": alert.member.display_name if alert.member_id else "",
                "last_touch": _local(case["last_follow_up_at"] or case["assigned_at"], zone) if case else "",
                "since": alert.period_start.isoformat(),
                "status": alert.get_status_display(),
            }
        )
    return rows


def team_tables(data: dict[str, Any]) -> dict[str, Table]:
    staffing = data["staffing"]
    zone = data["zone"]
    return {
        "unassigned": Table(
            "unassigned",
            _("Unassigned cases"),
            _case_columns(),
            [case_row(case) for case in data["unassigned"]],
            shown=PAGE_ROWS,
            total=data["open"].unassigned,
        ),
        "no_follow_up": Table(
            "no_follow_up",
            _("No follow-up in %(hours)s h") % {"hours": data["follow_up_hours"]},
            [
                Column("policy_no", _("Policy number"), link="link", width=16),
                Column("customer", _("Customer"), width=12),
                Column("advisor", _("Advisor"), width=12),
                Column("last_touch", _("Last touch"), width=16),
                Column("since", _("Overdue since"), width=12),
                Column("status", _("Alert status"), width=12),
            ],
            _no_follow_up_rows(data, zone),
            shown=PAGE_ROWS,
            total=data["no_follow_up_total"],
        ),
        "churn": Table(
            "churn",
            _("Churn risk: quoted again and again"),
            [
                *_case_columns()[:3],
                Column("due_on", _("Due on"), width=12),
                Column("advisor", _("Advisor"), width=12),
                Column("status", _("Status"), width=10),
                Column("quotes", _("Quotes"), "count"),
            ],
            [case_row(case) for case in data["churn"]],
            shown=PAGE_ROWS,
        ),
        "advisors": Table(
            "advisors",
            _("Advisors' load"),
            [
                Column("name", _("Advisor"), width=14),
                Column("group_a", _("Serves group A"), width=10),
                Column("open", _("Open cases"), "count"),
                Column("capacity", _("Capacity"), "count"),
                Column("load", _("Weighted load"), "count"),
            ],
            [
                {
                    "name": a.name,
                    "group_a": _("Yes") if a.serves_group_a else _("No"),
                    "open": a.open_cases,
                    "capacity": a.capacity,
                    "load": a.load,
                }
                for a in data["advisors"]
            ],
        ),
        "staffing": Table(
            "staffing",
            _("Staffing"),
            [
                Column("role", _("Role"), width=16),
                Column("needed", _("Needed"), "count"),
                Column("now", _("On hand"), "count"),
                Column("gap", _("Gap"), "count"),
            ],
            [
                {"role": role, "needed": needed, "now": now, "gap": needed - now}
                for role, needed, now in [
                    (_("Renewal advisors"), staffing.advisors_needed, staffing.advisors_now),
                    (_("Coordinators"), staffing.coordinators_needed, staffing.coordinators_now),
                    (_("Data analysts"), staffing.analysts_needed, staffing.analysts_now),
                    (_("Trainers"), staffing.trainers_needed, staffing.trainers_now),
                ]
            ],
        ),
        "tickets": Table(
            "tickets",
            _("Open service tickets"),
            [
                Column("id", _("Ticket"), width=8),
                Column("customer", _("Customer"), width=12),
                Column("subject", _("Subject"), width=24),
                Column("severity", _("Severity"), width=8),
                Column("status", _("Status"), width=10),
                Column("owner", _("Owner"), width=12),
                Column("respond_by", _("Respond by"), width=16),
                Column("sla", _("SLA"), width=10),
            ],
            [
                {
                    "id": f"#{ticket.pk}",
                    "customer": ticket.customer,
                    "subject": ticket.subject,
                    "severity": ticket.get_severity_display(),
                    "status": ticket.get_status_display(),
                    "owner": ticket.owner.display_name,
                    "respond_by": _local(ticket.respond_by, zone),
                    "sla": _("Breached") if is_breached(ticket, data["now"]) else _("Within SLA"),
                    "state_class": "behind" if is_breached(ticket, data["now"]) else "",
                }
                for ticket in data["tickets"]
            ],
            shown=PAGE_ROWS,
            total=data["tickets_total"],
        ),
        "lost_reasons": Table(
            "lost_reasons",
            _("Lost reasons"),
            [Column("reason", _("Reason"), width=16), Column("cases", _("Cases"), "count")],
            [{"reason": name, "cases": count} for name, count in data["lost_reasons"]],
            collapsed=True,
        ),
    }

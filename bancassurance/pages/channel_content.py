"""The bank channel page's figures and tables, built from ``channel.channel_data`` (plain data in and out)."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from bancassurance.pages.common import branch_link
from dashboards import figures
from dashboards.selectors.rollups import ratio
from dashboards.tables import Column, Table

PAGE_ROWS = 50


def channel_figures(data: dict[str, Any]) -> dict[str, dict]:
    policy = data["policy"]
    trend = data["trend"]
    stages = data["stages"]
    return {
        "trend": figures.rate_line(
            points=[formats.date_format(first, "YEAR_MONTH_FORMAT") for first, *_rest in trend],
            rates=[rate for *_rest, rate in trend],
            labels=figures.Labels(_("Branch activity rate by month"), _("Month"), _("Activity rate (%)")),
            targets=[policy.activity_target_1, policy.activity_target_2, policy.activity_target_3],
        ),
        "stages": figures.stage_funnel(
            stages=[label for _stage, label, _count in stages],
            counts=[count for _stage, _label, count in stages],
            labels=figures.Labels(_("Branches by stage"), _("Branches"), ""),
        ),
    }


def kpi_columns() -> list[Column]:
    return [
        Column("branches", _("Branches"), "count", width=8),
        Column("active_branches", _("Active branches"), "count", width=10),
        Column("activity_rate", _("Activity rate"), "percent", width=10),
        Column("policies", _("Policies (件)"), "count", width=10),
        Column("policies_per_branch", _("Policies per branch"), "ratio", width=10),
        Column("premium", _("Premium (yuan)"), "yuan", width=14),
        Column("premium_share", _("Premium share"), "percent", width=10),
        Column("regular_single_ratio", _("Regular : single"), width=12),
        Column("opening_volume", _("Opening volume"), "count", width=10),
    ]


def branch_table(data: dict[str, Any]) -> Table:
    compliance = {item.branch.pk: item for item in data["compliance"]}
    rows = []
    for branch, branch_figures in data["branches"]:
        rows.append(
            {
                "code": branch.code,
                "link": branch_link(branch.pk),
                "name": branch.name,
                "bank": branch.bank.name,
                "stage": branch.get_stage_display(),
                "staff": branch.assigned_to.display_name if branch.assigned_to else "",
                "policies": branch_figures.policies,
                "premium": branch_figures.premium,
                "regular": branch_figures.regular,
                "single": branch_figures.single,
                "single_per_regular": ratio(branch_figures.single, branch_figures.regular),
                "openings": branch_figures.openings,
                "compliance": compliance[branch.pk].rate,
            }
        )
    return Table(
        "branches",
        _("Branches"),
        [
            Column("code", _("Code"), link="link", width=14),
            Column("name", _("Branch"), width=14),
            Column("bank", _("Bank"), width=12),
            Column("stage", _("Stage"), width=10),
            Column("staff", _("Staff member"), width=10),
            Column("policies", _("Policies (件)"), "count", width=10),
            Column("premium", _("Premium (yuan)"), "yuan", width=14),
            Column("regular", _("Regular premium (yuan)"), "yuan", width=14),
            Column("single", _("Single premium (yuan)"), "yuan", width=14),
            Column("single_per_regular", _("Single per regular"), "ratio", width=10),
            Column("openings", _("Opening volume"), "count", width=10),
            Column("compliance", _("Contact compliance this week"), "percent", width=12),
        ],
        rows,
        shown=PAGE_ROWS,
    )


def compliance_table(data: dict[str, Any]) -> Table:
    rows = []
    for item in data["compliance"]:
        short = "; ".join(
            _("%(name)s (%(role)s) %(done)d of %(required)d")
            % {"name": person.name, "role": person.role_label, "done": person.done, "required": person.required}
            for person in item.short
        )
        rows.append(
            {
                "code": item.branch.code,
                "link": branch_link(item.branch.pk),
                "name": item.branch.name,
                "people": len(item.people),
                "met": item.met,
                "rate": item.rate,
                "short": short if item.people else _("Nobody on the roster"),
            }
        )
    return Table(
        "compliance",
        _("Contact compliance, week of %(monday)s") % {"monday": formats.date_format(data["monday"], "n/j")},
        [
            Column("code", _("Code"), link="link", width=14),
            Column("name", _("Branch"), width=14),
            Column("people", _("People"), "count", width=8),
            Column("met", _("Meeting the standard"), "count", width=10),
            Column("rate", _("Compliance"), "percent", width=10),
            Column("short", _("Falling short"), width=40),
        ],
        rows,
        shown=PAGE_ROWS,
    )


def _group_table(name: str, title: str, label: str, groups: list[dict]) -> Table:
    return Table(
        name,
        title,
        [Column("name", label, width=14), *kpi_columns()],
        [{"name": row["name"] or _("Unassigned"), **row["kpis"].as_dict()} for row in groups],
    )


def plan_table(data: dict[str, Any]) -> Table:
    rows = [
        {
            "member": progress.plan.member.display_name,
            "contacts": f"{progress.contacts} / {progress.plan.contacts_planned}",
            "contacts_completion": progress.contacts_completion,
            "events": f"{progress.events} / {progress.plan.events_planned}",
            "events_completion": progress.events_completion,
            "policies": f"{progress.policies} / {progress.plan.policies_planned}",
            "policies_completion": progress.policies_completion,
            "check": progress.plan.check_notes,
            "act": progress.plan.act_notes,
        }
        for progress in data["plans"]
    ]
    return Table(
        "plans",
        _("Weekly plans (PDCA), week of %(monday)s") % {"monday": formats.date_format(data["monday"], "n/j")},
        [
            Column("member", _("Staff member"), width=10),
            Column("contacts", _("Contacts done / planned"), width=12),
            Column("contacts_completion", _("Contacts"), "percent", width=8),
            Column("events", _("Events done / planned"), width=12),
            Column("events_completion", _("Events"), "percent", width=8),
            Column("policies", _("Policies done / planned"), width=12),
            Column("policies_completion", _("Policies"), "percent", width=8),
            Column("check", _("Check"), width=24),
            Column("act", _("Act"), width=24),
        ],
        rows,
    )


def channel_tables(data: dict[str, Any]) -> dict[str, Table]:
    return {
        "branches": branch_table(data),
        "compliance": compliance_table(data),
        "banks": _group_table("banks", _("By bank"), _("Bank"), data["by_bank"]),
        "staff": _group_table("staff", _("By staff member"), _("Staff member"), data["by_staff"]),
        "plans": plan_table(data),
    }

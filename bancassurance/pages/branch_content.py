"""The branch page's tables, built from ``branch.branch_data`` (plain data in and out)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dashboards.tables import Column, Table

PAGE_ROWS = 50


def _roster(data: dict[str, Any]) -> Table:
    rows = [
        {
            "name": person.name,
            "role": person.get_role_display(),
            "phone": person.phone,
            "joined_on": person.joined_on,
            "left_on": person.left_on,
            "notes": person.notes,
            "state_class": "state-left" if person.left_on else "",
        }
        for person in data["people"]
    ]
    return Table(
        "roster",
        _("Roster"),
        [
            Column("name", _("Name"), width=10),
            Column("role", _("Role"), width=12),
            Column("phone", _("Contact"), width=14),
            Column("joined_on", _("Joined on"), width=12),
            Column("left_on", _("Left on"), width=12),
            Column("notes", _("Notes"), width=24),
        ],
        rows,
    )


def _compliance(data: dict[str, Any]) -> Table:
    rows = [
        {
            "name": person.name,
            "role": person.role_label,
            "done": person.done,
            "required": person.required,
            "measure": _("days with a contact") if person.counts_days else _("contacts"),
            "met": _("Yes") if person.met else _("No"),
            "state_class": "" if person.met else "state-below",
        }
        for person in data["compliance"].people
    ]
    return Table(
        "compliance",
        _("Contact standards this week"),
        [
            Column("name", _("Name"), width=10),
            Column("role", _("Role"), width=12),
            Column("done", _("Done"), "count", width=8),
            Column("required", _("Required"), "count", width=8),
            Column("measure", _("Counted as"), width=14),
            Column("met", _("Met"), width=6),
        ],
        rows,
    )


def _stages(data: dict[str, Any]) -> Table:
    rows = [
        {
            "stage": change.get_stage_display(),
            "changed_on": change.changed_on,
            "by": change.changed_by.display_name if change.changed_by else "",
            "note": change.note,
        }
        for change in data["stages"]
    ]
    return Table(
        "stages",
        _("Stage history"),
        [
            Column("stage", _("Stage"), width=10),
            Column("changed_on", _("Since"), width=12),
            Column("by", _("Changed by"), width=10),
            Column("note", _("Why"), width=30),
        ],
        rows,
    )


def _contacts(data: dict[str, Any]) -> Table:
    rows = [
        {
            "date": contact.contacted_on,
            "name": contact.staff.name,
            "role": contact.staff.get_role_display(),
            "kind": contact.get_kind_display(),
            "openings": contact.openings,
            "notes": contact.notes,
            "by": contact.contacted_by.display_name if contact.contacted_by else "",
        }
        for contact in data["contacts"]
    ]
    return Table(
        "contacts",
        _("Contacts"),
        [
            Column("date", _("Date"), width=12),
            Column("name", _("Person"), width=10),
            Column("role", _("Role"), width=12),
            Column("kind", _("Kind"), width=8),
            Column("openings", _("Openings"), "count", width=8),
            Column("notes", _("Notes"), width=30),
            Column("by", _("Logged by"), width=10),
        ],
        rows,
        total=data["contacts_total"],
    )


def _events(data: dict[str, Any]) -> Table:
    rows = [
        {
            "date": event.held_on,
            "kind": event.get_kind_display(),
            "tier": event.get_customer_tier_display(),
            "attendees": event.attendees,
            "leads": event.leads,
            "policies": event.policies,
            "notes": event.notes,
        }
        for event in data["events"]
    ]
    return Table(
        "events",
        _("Events"),
        [
            Column("date", _("Date"), width=12),
            Column("kind", _("Kind"), width=14),
            Column("tier", _("Customer tier (assets)"), width=14),
            Column("attendees", _("Attendees"), "count", width=8),
            Column("leads", _("Leads"), "count", width=8),
            Column("policies", _("Policies"), "count", width=8),
            Column("notes", _("Notes"), width=30),
        ],
        rows,
        total=data["events_total"],
    )


def _sales(data: dict[str, Any]) -> Table:
    rows = [
        {
            "policy_no": sale.policy_no,
            "sold_on": sale.sold_on,
            "member": sale.member.display_name,
            "product": sale.product.name,
            "payment_mode": sale.get_payment_mode_display(),
            "policies": sale.policies,
            "premium": sale.premium,
        }
        for sale in data["sales"]
    ]
    return Table(
        "sales",
        _("Sales"),
        [
            Column("policy_no", _("Policy number"), width=16),
            Column("sold_on", _("Date written"), width=12),
            Column("member", _("Agent"), width=10),
            Column("product", _("Product"), width=12),
            Column("payment_mode", _("Payment mode"), width=10),
            Column("policies", _("Policies (件)"), "count", width=8),
            Column("premium", _("Premium (yuan)"), "yuan", width=14),
        ],
        rows,
        total=data["sales_total"],
    )


def branch_tables(data: dict[str, Any]) -> dict[str, Table]:
    return {
        "roster": _roster(data),
        "compliance": _compliance(data),
        "stages": _stages(data),
        "contacts": _contacts(data),
        "events": _events(data),
        "sales": _sales(data),
    }

"""What each dashboard shows: its figures and tables, from a selector's data, in the user's language.

Pure functions of the selectors' dicts (no ORM); the views in
dashboards/pages.py call them for the page, and the XLSX export reuses the
same tables, so the workbook holds exactly what the page lists.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from activities import figures as activity_figures
from activities.models import ITEM_LABELS, ITEMS
from dashboards import figures
from dashboards.models import Scope
from dashboards.tables import Column, Table, page_rows
from targets import figures as target_figures

TEN_THOUSAND = figures.TEN_THOUSAND
HERO_TOP = 10
PAGE_ROWS = 50
# Tables a chart or the alerts inbox already shows in full: fewer rows on the page.
SHORT_ROWS = 20


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


# A placeholder id: a dashboard's links are its URL pattern reversed once, then
# filled in per row (reversing 2,000 agents' links one by one costs ~0.1 s a page).
_PLACEHOLDER = 987654321


@cache
def _link_pattern(url_name: str, kwarg: str) -> str:
    return reverse(url_name, kwargs={kwarg: _PLACEHOLDER}).replace(str(_PLACEHOLDER), "{}")


def member_link(member_id: int, query: str = "") -> str:
    """An agent's dashboard; ``query`` carries the period along the drill-down."""
    url = _link_pattern("dashboards-member", "member_id").format(member_id)
    return f"{url}?{query}" if query else url


def unit_link(unit_id: int, query: str = "") -> str:
    """A unit's dashboard; ``query`` carries the period, channel and product along the drill-down."""
    url = _link_pattern("dashboards-unit", "unit_id").format(unit_id)
    return f"{url}?{query}" if query else url


def _item_columns() -> list[Column]:
    return [Column(item, str(ITEM_LABELS[item]), "count", width=12) for item in ITEMS]


def _pacing_labels(metric: str, title: str) -> tuple[figures.Labels, bool]:
    money = metric == "premium"
    unit = _("Premium (10k yuan)") if money else _("Policies (件)")
    return figures.Labels(title=title, x=_("Date"), y=unit), money


# --- The agent ------------------------------------------------------------------------------------


def agent_figures(data: dict[str, Any]) -> dict[str, dict]:
    pacing = data["pacing"]
    labels, money = _pacing_labels(pacing["metric"], _("Quarter pacing: cumulative against the phased target"))
    return {
        "today": figures.standard_bars(
            items=[str(ITEM_LABELS[row["name"]]) for row in data["items"]],
            values=[row["value"] for row in data["items"]],
            standards=[row["standard"] for row in data["items"]],
            labels=figures.Labels(title=_("Today against the standard"), x="", y=_("Count (次)")),
            standard_name=_("Standard"),
        ),
        "pacing": figures.cumulative_curve(
            days=pacing["days"],
            actual=pacing["actual"],
            target=pacing["target"],
            money=money,
            labels=labels,
            actual_name=_("Actual"),
            target_name=_("Target (phased)"),
        ),
    }


def agent_tables(data: dict[str, Any]) -> dict[str, Table]:
    pacing = data["pacing"]
    kind = "money" if pacing["metric"] == "premium" else "count"
    if kind == "money":
        actual_header, target_header = _("Cumulative actual (10k yuan)"), _("Cumulative target (10k yuan)")
    else:
        actual_header, target_header = _("Cumulative actual (件)"), _("Cumulative target (件)")
    return {
        "today": Table(
            "today",
            _("Today"),
            [
                Column("label", _("Item"), width=16),
                Column("value", _("Count"), "count"),
                Column("standard", _("Standard"), "count"),
                Column("met_label", _("Met")),
            ],
            [
                {**row, "label": str(ITEM_LABELS[row["name"]]), "met_label": _yes_no(row["met"])}
                for row in data["items"]
            ],
        ),
        "week": Table(
            "week",
            _("This week"),
            [
                Column("date", _("Date")),
                Column("logged", _("Logged")),
                Column("met", _("Standard met")),
                *_item_columns(),
            ],
            [
                {
                    "date": day["date"].isoformat(),
                    "logged": _yes_no(day["logged"]),
                    "met": _yes_no(day["met"]),
                    **day["counts"],
                }
                for day in data["week"]
            ],
            collapsed=True,
        ),
        "pacing": Table(
            "pacing",
            _("Pacing by day"),
            [
                Column("date", _("Date")),
                Column("actual", actual_header, kind),
                Column("target", target_header, kind),
            ],
            [
                {"date": day.isoformat(), "actual": actual, "target": target}
                for day, actual, target in zip(pacing["days"], pacing["actual"], pacing["target"], strict=True)
            ],
            collapsed=True,
        ),
    }


# --- The supervisor's unit ------------------------------------------------------------------------


def team_figures(data: dict[str, Any]) -> dict[str, dict]:
    funnel = data["funnel"]
    top = data["board"][:HERO_TOP]
    return {
        "funnel": activity_figures.process_funnel(
            stages=[str(ITEM_LABELS["phone_appointments"]), str(ITEM_LABELS["sales_interviews"]), _("Policies")],
            values=[funnel["phone_appointments"], funnel["sales_interviews"], funnel["policies"]],
            title=_("This week: appointments → interviews → policies (次, 件)"),
        ),
        "scatter": figures.activity_scatter(
            names=[row["member"].display_name for row in data["month"]],
            activity=[row["activity"] for row in data["month"]],
            premium=[row["premium"] for row in data["month"]],
            links=[member_link(row["member"].pk) for row in data["month"]],
            labels=figures.Labels(
                title=_("This month: activity against results, per agent"),
                x=_("Activity (次)"),
                y=_("Premium (10k yuan)"),
            ),
        ),
        "hero": activity_figures.hero_bars(
            names=[row["name"] for row in top],
            points=[row["points"] for row in top],
            title=_("Hero board: top %(count)s by points this week") % {"count": len(top)},
        ),
    }


def _today_states() -> dict[str, str]:
    """The team-today column's words, translated once per page (not once per agent of a branch)."""
    return {
        "state-missing": _("not logged yet"),
        "logged": _("logged"),
        "state-met": _("standard met"),
        "state-below": _("below standard"),
    }


def _state_class(row: dict[str, Any]) -> str:
    if not row["logged"]:
        return "state-missing"
    if row["met"] is None:
        return "logged"  # no standard to meet
    return "state-met" if row["met"] else "state-below"


def team_tables(data: dict[str, Any], *, every: bool = False) -> dict[str, Table]:
    """The supervisor's tables: the page's rows only, or ``every`` row for an export."""
    states = _today_states()
    yes_no = {True: _yes_no(True), False: _yes_no(False)}
    month_sorted = sorted(data["month"], key=lambda row: (-row["premium"], -row["activity"], row["member"].pk))
    today, today_total = page_rows(data["today"]["members"], PAGE_ROWS, every=every)
    checklists, checklists_total = page_rows(data["checklists"], PAGE_ROWS, every=every)
    month, month_total = page_rows(month_sorted, SHORT_ROWS, every=every)
    board, board_total = page_rows(data["board"], HERO_TOP, every=every)
    return {
        "today": Table(
            "today",
            _("Team today"),
            [
                Column("name", _("Name"), link="link", width=18),
                Column("unit", _("Unit"), width=16),
                Column("state", _("Today")),
                *_item_columns(),
            ],
            [
                {
                    "name": row["member"].display_name,
                    "link": member_link(row["member"].pk),
                    "unit": row["member"].unit_name,
                    "state": states[_state_class(row)],
                    "state_class": _state_class(row),
                    "met": row["met"],
                    "logged": row["logged"],
                    "states": {item["name"]: item["state"] for item in row["items"]},
                    **{item["name"]: item["value"] for item in row["items"]},
                }
                for row in today
            ],
            shown=PAGE_ROWS,
            total=today_total,
        ),
        "checklist": Table(
            "checklist",
            _("111 checklist"),
            [
                Column("name", _("Supervisor"), width=18),
                Column("unit", _("Unit"), width=16),
                Column("calls_done", _("Tracking calls"), "count"),
                Column("calls_of", _("Direct reports"), "count"),
                Column("coaching", _("Coaching")),
                Column("spot_check", _("Spot-check")),
                Column("complete", _("Complete")),
            ],
            [
                {
                    "name": row["supervisor"].display_name,
                    "unit": row["supervisor"].unit_name,
                    "calls_done": row["tracking_calls_done"],
                    "calls_of": row["tracking_calls_of"],
                    "coaching": yes_no[row["coaching"]],
                    "spot_check": yes_no[row["spot_check"]],
                    "complete": yes_no[row["complete"]],
                    "state_class": "state-met" if row["complete"] else "state-below",
                }
                for row in checklists
            ],
            shown=PAGE_ROWS,
            total=checklists_total,
        ),
        "month": Table(
            "month",
            _("This month per agent"),
            [
                Column("name", _("Name"), link="link", width=18),
                Column("unit", _("Unit"), width=16),
                Column("activity", _("Activity (次)"), "count"),
                Column("policies", _("Policies (件)"), "count"),
                Column("premium", _("Premium (10k yuan)"), "money"),
            ],
            [
                {
                    "name": row["member"].display_name,
                    "link": member_link(row["member"].pk),
                    "unit": row["member"].unit_name,
                    "activity": row["activity"],
                    "policies": row["policies"],
                    "premium": row["premium"],
                }
                for row in month
            ],
            shown=SHORT_ROWS,
            total=month_total,
            collapsed=True,
        ),
        "hero": Table(
            "hero",
            _("Hero board"),
            [
                Column("rank", _("Rank"), "count", width=8),
                Column("name", _("Name"), link="link", width=18),
                Column("unit", _("Unit"), width=16),
                Column("points", _("Points"), "count"),
            ],
            [{**row, "link": member_link(row["member"])} for row in board],
            shown=HERO_TOP,
            total=board_total,
        ),
        "alerts": alert_table(data["alerts"], data["alert_count"], deviation=False),
    }


def alert_table(alerts: list, count: int, *, deviation: bool) -> Table:
    """The alerts' table: ``alerts`` as read (the page's first or all), ``count`` in all."""
    columns = [
        Column("subject", _("Who"), link="link", width=18),
        Column("kind", _("Alert"), width=14),
        Column("since", _("Since")),
        Column("status", _("Status")),
        Column("assignee", _("Assignee"), width=16),
    ]
    if deviation:
        columns[2:2] = [
            Column("expected", _("Expected to date (10k yuan)"), "money"),
            Column("actual", _("Actual (10k yuan)"), "money"),
            Column("deviation", _("Deviation"), "percent"),
        ]
        columns += [
            Column("root_cause", _("Root cause"), width=24),
            Column("action", _("Action"), width=24),
            Column("verification", _("Verification"), width=24),
        ]
    rows = []
    for alert in alerts:
        subject = alert.member if alert.member_id else alert.unit
        rows.append(
            {
                "subject": subject.display_name if alert.member_id else subject.name,
                "link": member_link(alert.member_id) if alert.member_id else unit_link(alert.unit_id),
                "kind": alert.get_kind_display(),
                "since": alert.period_start.isoformat(),
                "status": alert.get_status_display(),
                "status_value": alert.status,
                "assignee": alert.assignee.display_name if alert.assignee_id else "",
                "expected": alert.expected,
                "actual": alert.actual,
                "deviation": alert.deviation,
                "root_cause": alert.root_cause,
                "action": alert.action,
                "verification": alert.verification,
            }
        )
    return Table(
        "alerts",
        _("Deviation alerts") if deviation else _("Open alerts"),
        columns,
        rows,
        shown=PAGE_ROWS,
        total=count if count > len(rows) else None,
    )


# --- The manager's unit ---------------------------------------------------------------------------


def unit_figures(data: dict[str, Any], query: str = "") -> dict[str, dict]:
    burn_up = data["burn_up"]
    labels, money = _pacing_labels(burn_up["metric"], _("Target burn-up against the phasing curve"))
    children = data["children"]
    cells = data["cells"]
    channels = sorted({cell["channel"] for cell in cells})
    products = sorted({cell["product"] for cell in cells})
    attainment = {(cell["channel"], cell["product"]): cell["attainment"] for cell in cells}
    share = data["count_share"]
    return {
        "burn_up": figures.cumulative_curve(
            days=burn_up["days"],
            actual=burn_up["actual"],
            target=burn_up["target"],
            money=money,
            labels=labels,
            actual_name=_("Actual"),
            target_name=_("Target (phased)"),
        ),
        "children": target_figures.target_actual_bars(
            names=[row["name"] for row in children],
            targets=[row["target_premium"] for row in children],
            actuals=[row["premium"] for row in children],
            scale=TEN_THOUSAND,
            links=[_child_link(row, query) for row in children],
            labels=target_figures.BarLabels(
                title=_("Premium against target, by unit below (click to drill down)"),
                target=_("Target"),
                actual=_("Actual"),
                value_axis=_("Premium (10k yuan)"),
            ),
        ),
        "heatmap": figures.attainment_heatmap(
            channels=channels,
            products=products,
            attainment=[[attainment.get((channel, product)) for product in products] for channel in channels],
            labels=figures.Labels(title=_("Attainment by channel × product (%)"), x=_("Product"), y=_("Channel")),
        ),
        "count_share": figures.count_share_lines(
            weeks=share["weeks"],
            series=[(row["name"], row["share"], row["average"]) for row in share["series"]],
            labels=figures.Labels(
                title=_("Count share by product (件数占比)")
                if share["by"] == "product"
                else _("Count share by channel (件数占比)"),
                x=_("Week"),
                y=_("Share of policies (%)"),
            ),
            average_suffix=_("(moving average)"),
        ),
        "quadrant": figures.channel_quadrant(
            channels=[row["channel"] for row in data["quadrant"]],
            shares=[row["count_share"] for row in data["quadrant"]],
            prices=[row["premium_per_policy"] for row in data["quadrant"]],
            share_line=data["quadrant_share_line"],
            price_line=data["quadrant_price_line"],
            labels=figures.Labels(
                title=_("Channel quadrant: count share × premium per policy"),
                x=_("Count share (%)"),
                y=_("Premium per policy (10k yuan)"),
            ),
        ),
    }


def _child_link(row: dict[str, Any], query: str) -> str:
    if row["scope"] == Scope.MEMBER:
        return member_link(row["id"], query)
    return unit_link(row["id"], query)


def unit_tables(data: dict[str, Any], query: str = "") -> dict[str, Table]:
    share = data["count_share"]
    by_label = _("Product") if share["by"] == "product" else _("Channel")
    return {
        "children": Table(
            "children",
            _("Agents") if data["children_scope"] == Scope.MEMBER else _("Units below"),
            [
                Column("name", _("Name"), link="link", width=18),
                Column("premium", _("Premium (10k yuan)"), "money"),
                Column("target_premium", _("Target (10k yuan)"), "money"),
                Column("attainment", _("Attainment"), "percent"),
                Column("policies", _("Policies (件)"), "count"),
                Column("agents", _("Agents"), "count"),
                Column("active_producer_rate", _("Active-producer rate"), "percent"),
                Column("policies_per_agent", _("Policies per agent"), "ratio"),
                Column("activity_per_agent", _("Activity per agent"), "ratio"),
            ],
            [{**row, "link": _child_link(row, query)} for row in data["children"]],
            shown=PAGE_ROWS,
        ),
        "channel_product": Table(
            "channel_product",
            _("Channel × product"),
            [
                Column("channel", _("Channel")),
                Column("product", _("Product")),
                Column("policies", _("Policies (件)"), "count"),
                Column("premium", _("Premium (10k yuan)"), "money"),
                Column("target", _("Target (10k yuan)"), "money"),
                Column("attainment", _("Attainment"), "percent"),
            ],
            data["cells"],
        ),
        "count_share": Table(
            "count_share",
            _("Count share by week"),
            [
                Column("week", _("Week of")),
                Column("name", by_label),
                Column("policies", _("Policies (件)"), "count"),
                Column("share", _("Count share"), "percent"),
                Column("average", _("Moving average"), "percent"),
            ],
            [
                {
                    "week": week.isoformat(),
                    "name": row["name"],
                    "policies": row["policies"][index],
                    "share": row["share"][index],
                    "average": row["average"][index],
                }
                for index, week in enumerate(share["weeks"])
                for row in share["series"]
            ],
            collapsed=True,
        ),
        "quadrant": Table(
            "quadrant",
            _("Channel quadrant"),
            [
                Column("channel", _("Channel")),
                Column("policies", _("Policies (件)"), "count"),
                Column("premium", _("Premium (10k yuan)"), "money"),
                Column("count_share", _("Count share"), "percent"),
                Column("premium_per_policy", _("Premium per policy (10k yuan)"), "money"),
            ],
            data["quadrant"],
        ),
        "alerts": alert_table(data["alerts"], data["alert_count"], deviation=True),
    }

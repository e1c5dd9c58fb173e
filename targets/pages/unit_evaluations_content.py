"""The unit evaluation page's table and chart, built from a ``selectors.Evaluation`` (plain data in and out)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dashboards import figures
from dashboards.tables import Column, Table
from salesops.org.models import OrgUnit
from targets.selectors.unit_evaluations import Evaluation


def kind_label(kind: str) -> str:
    return str(OrgUnit.Kind(kind).label)


def rank_change_text(change: int | None) -> str:
    """▲ 2 (up two places), ▼ 1 (down one), = (the same place), — (no rank to compare)."""
    if change is None:
        return "—"
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "="


def _row(row: dict[str, Any]) -> dict[str, Any]:
    previous = row["previous"] or {}
    change = row["rank_change"]
    return {
        **row,
        "previous_activity_per_agent": previous.get("activity_per_agent"),
        "previous_active_producer_rate": previous.get("active_producer_rate"),
        "previous_policies_per_agent": previous.get("policies_per_agent"),
        "previous_rank": previous.get("rank"),
        "rank_change_shown": rank_change_text(change),
        "state_class": "" if change is None or change == 0 else ("state-up" if change > 0 else "state-down"),
    }


def units_table(evaluation: Evaluation) -> Table:
    """Every unit of the kind in rank order, the unranked (no agents) last, the month before beside each."""
    return Table(
        "units",
        _("Unit evaluation %(month)s: %(kind)s") % {"month": evaluation.key, "kind": kind_label(evaluation.kind)},
        [
            Column("rank", _("Rank"), "count", width=6),
            Column("name", kind_label(evaluation.kind), width=16),
            Column("agents", _("Agents"), "count", width=8),
            Column("producers", _("Producers"), "count", width=8),
            Column("policies", _("Policies (件)"), "count", width=8),
            Column("activity", _("Activity"), "count", width=8),
            Column("activity_per_agent", _("Activity per agent"), "ratio", width=10),
            Column("activity_rank", _("Activity rank"), "count", width=8),
            Column("active_producer_rate", _("Active-producer rate"), "percent", width=10),
            Column("producer_rank", _("Active-producer rank"), "count", width=8),
            Column("policies_per_agent", _("Policies per agent"), "ratio", width=10),
            Column("policies_rank", _("Policies rank"), "count", width=8),
            Column("rank_sum", _("Rank sum"), "count", width=8),
            Column("previous_activity_per_agent", _("Last month: activity per agent"), "ratio", width=12),
            Column("previous_active_producer_rate", _("Last month: active-producer rate"), "percent", width=12),
            Column("previous_policies_per_agent", _("Last month: policies per agent"), "ratio", width=12),
            Column("previous_rank", _("Last month's rank"), "count", width=10),
            Column("rank_change_shown", _("Rank change"), width=8),
        ],
        [_row(row) for row in evaluation.rows],
    )


def measures_figure(evaluation: Evaluation) -> dict | None:
    """The ranked units' three measures side by side, the first-ranked on top; none when nobody is ranked."""
    ranked = [row for row in evaluation.rows if row["rank"] is not None]
    if not ranked:
        return None
    return figures.measure_panels(
        names=[row["name"] for row in ranked],
        measures=[
            (_("Activity per agent"), [row["activity_per_agent"] for row in ranked], False),
            (_("Active-producer rate"), [row["active_producer_rate"] for row in ranked], True),
            (_("Policies per agent"), [row["policies_per_agent"] for row in ranked], False),
        ],
        labels=figures.Labels(
            _("%(kind)s by measure, %(month)s") % {"kind": kind_label(evaluation.kind), "month": evaluation.key},
            "",
            "",
        ),
    )

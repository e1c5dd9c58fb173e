"""The objection page's tables and chart, from plain data (entries and costs in, ``Table`` and a figure out)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from activities.models.customers import Objection
from activities.selectors.objections import ObjectionCost
from dashboards import figures
from dashboards.tables import Column, Table

# The bars of the costs chart: the objections that cost the most deals.
BARS_SHOWN = 10


def library_table(entries: Sequence[Objection]) -> Table:
    """The library as a table (the page shows each entry as a card; the workbook has the full texts)."""
    rows = [
        {
            "title": entry.title,
            "keywords": entry.keywords,
            "answer_case": entry.answer_case,
            "answer_data": entry.answer_data,
            "answer_clause": entry.answer_clause,
            "active": _("Yes") if entry.active else _("No"),
        }
        for entry in entries
    ]
    columns = [
        Column("title", _("Objection"), width=24),
        Column("keywords", _("Keywords"), width=20),
        Column("answer_case", _("Answer with a case"), width=50),
        Column("answer_data", _("Answer with data"), width=50),
        Column("answer_clause", _("Answer with the clause"), width=50),
        Column("active", _("Active"), width=8),
    ]
    return Table("library", _("Objection library"), columns, rows)


def costs_table(costs: Sequence[ObjectionCost]) -> Table:
    """The objections ranked by the deals they cost: raised, customers, signed, lost, lost share."""
    rows = [
        {
            "rank": rank,
            "title": cost.title if cost.active else _("%(title)s (inactive)") % {"title": cost.title},
            "raised": cost.raised,
            "customers": cost.customers,
            "signed": cost.signed,
            "lost": cost.lost,
            "lost_share": cost.lost_share,
            "state_class": "state-below" if cost.lost else "",
        }
        for rank, cost in enumerate(costs, start=1)
    ]
    columns = [
        Column("rank", _("Rank"), "count", width=6),
        Column("title", _("Objection"), width=24),
        Column("lost", _("Deals lost"), "count", width=10),
        Column("raised", _("Times raised"), "count", width=10),
        Column("customers", _("Customers"), "count", width=10),
        Column("signed", _("Signed"), "count", width=10),
        Column("lost_share", _("Lost share"), "percent", width=10),
    ]
    return Table("costs", _("Which objections cost the most deals"), columns, rows)


def costs_figure(costs: Sequence[ObjectionCost]) -> dict | None:
    """Bars of the deals each objection cost, the costliest on top; none while no objection cost a deal."""
    shown = [cost for cost in costs if cost.lost > 0][:BARS_SHOWN]
    if not shown:
        return None
    return figures.count_bars(
        names=[cost.title for cost in shown],
        counts=[cost.lost for cost in shown],
        labels=figures.Labels(_("Deals lost by objection"), _("Deals lost"), ""),
    )

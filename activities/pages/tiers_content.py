"""The tiers' tables, chart and needs bars, from plain data (summaries and needs in; tables and figures out)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from activities.models.customers import CustomerPolicy
from activities.selectors.tiers import NEXT_ACTIONS, TierSummary
from dashboards import figures
from dashboards.tables import Column, Table

PAGE_ROWS = 200
CHART_UNITS = 30
TIER_COLOURS = {"A": "#c8102e", "B": "#1f5aa6", "C": "#2e7d32", "": "#9aa5b1"}


def tier_label(tier: str) -> str:
    return _("Tier %(tier)s") % {"tier": tier} if tier else _("No tier")


def _count_columns() -> list[Column]:
    return [
        Column("a", _("A"), "count", width=8),
        Column("b", _("B"), "count", width=8),
        Column("c", _("C"), "count", width=8),
        Column("untiered", _("No tier"), "count", width=10),
        Column("total", _("Customers"), "count", width=10),
    ]


def _counts(row_counts) -> dict[str, int]:
    return {
        "a": row_counts.a,
        "b": row_counts.b,
        "c": row_counts.c,
        "untiered": row_counts.untiered,
        "total": row_counts.total,
    }


def summary_table(summary: TierSummary) -> Table:
    """Per agent (``by=owner``) or per unit: the customers of each tier; the totals last."""
    if summary.by == "owner":
        columns = [
            Column("employee_no", _("Employee number"), width=12),
            Column("name", _("Agent"), width=14),
            Column("unit", _("Unit"), width=14),
            *_count_columns(),
        ]
        rows: list[dict[str, Any]] = [
            {"employee_no": row.employee_no, "name": row.name, "unit": row.unit, **_counts(row.counts)}
            for row in summary.rows
        ]
        name, title = "agents", _("Tiers per agent")
    else:
        columns = [Column("unit", _("Unit"), width=16), *_count_columns()]
        rows = [{"unit": row.name, **_counts(row.counts)} for row in summary.rows]
        name, title = "units", _("Tiers per unit")
    if summary.rows:
        total_row: dict[str, Any] = {column.key: "" for column in columns}
        total_row[columns[0].key if summary.by == "unit" else "name"] = _("Total")
        total_row.update(_counts(summary.totals))
        rows.append(total_row)
    return Table(name, title, columns, rows, shown=PAGE_ROWS)


def tiers_figure(summary: TierSummary) -> dict:
    """The customers of each unit stacked by tier (the first ``CHART_UNITS`` units)."""
    shown = summary.rows[:CHART_UNITS]
    series = [
        (tier_label(tier), [getattr(row.counts, key) for row in shown], TIER_COLOURS[tier])
        for tier, key in (("A", "a"), ("B", "b"), ("C", "c"), ("", "untiered"))
    ]
    return figures.stacked_counts(
        columns=[row.name for row in shown],
        series=series,
        labels=figures.Labels(_("Customers by tier"), _("Unit"), _("Customers")),
    )


def rules_text(policy: CustomerPolicy) -> list[dict[str, str]]:
    """The tenant's tier rules in words, each with its next action."""
    values = {
        "a_months": policy.tier_a_months,
        "premium": f"{policy.tier_a_premium:,.2f}",
        "b_months": policy.tier_b_months,
        "c_months": policy.tier_c_policy_months,
    }
    return [
        {
            "tier": "A",
            "rule": _(
                "A contact within %(a_months)d months and a premium above %(premium)s yuan in the last 12 months."
            )
            % values,
            "action": str(NEXT_ACTIONS["A"]),
        },
        {
            "tier": "B",
            "rule": _("A contact within %(b_months)d months and no policy yet.") % values,
            "action": str(NEXT_ACTIONS["B"]),
        },
        {
            "tier": "C",
            "rule": _("The latest policy was written more than %(c_months)d months ago.") % values,
            "action": str(NEXT_ACTIONS["C"]),
        },
    ]


def _width(value: Decimal, top: Decimal) -> int:
    """A bar's length in % of the longest (at least 1 % for a non-zero value, so that it shows)."""
    if top <= 0 or value <= 0:
        return 0
    return max(1, int(value * 100 / top))


def needs_bars(needs: dict, product_names: dict[str, str]) -> dict[str, Any] | None:
    """The saved needs analysis as bars: the budget range against the existing cover, and the gap per product."""
    if not needs or "budget_low" not in needs:
        return None
    low, high, existing = Decimal(needs["budget_low"]), Decimal(needs["budget_high"]), Decimal(needs["existing"])
    top = max(high, existing)
    gaps = [(code, Decimal(amount)) for code, amount in (needs.get("gaps") or {}).items()]
    top_gap = max((amount for _code, amount in gaps), default=Decimal(0))
    return {
        "budget": [
            {"key": "budget_low", "label": _("Budget, lower end"), "value": low, "width": _width(low, top)},
            {"key": "budget_high", "label": _("Budget, upper end"), "value": high, "width": _width(high, top)},
            {"key": "existing", "label": _("Existing cover"), "value": existing, "width": _width(existing, top)},
        ],
        "gaps": [
            {
                "key": code,
                "label": product_names.get(code, code),
                "value": amount,
                "width": _width(amount, top_gap),
            }
            for code, amount in gaps
        ],
        "gap": Decimal(needs.get("gap", "0")),
        "above_budget": bool(needs.get("above_budget")),
        "income": Decimal(needs["income"]),
        "on": needs.get("on", ""),
    }


def product_names(products: Sequence[Any]) -> dict[str, str]:
    return {product.code: product.name for product in products}

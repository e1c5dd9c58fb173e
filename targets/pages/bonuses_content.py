"""The bonus page's table and chart, and the payroll workbook: plain data in, ``Table``/figure/bytes out (no ORM)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from dashboards import figures
from dashboards.tables import Column, Table
from targets import exports
from targets.models import BonusRun
from targets.selectors.bonuses import ZERO, BonusRow, BonusSheet
from targets.selectors.incentive_policy import BonusTier, tier_reached

PAGE_ROWS = 200
CHART_ROWS = 40
PERCENT_2 = "0.00%"
# The page shows attainment to 0.1 %, rounded down like the stored figure: 109.998 % is 109.9 %, below a 110 % tier.
SHOWN_ATTAINMENT = Decimal("0.001")


def percent(value: Decimal) -> str:
    """A ratio as a percentage without trailing zeros: 1.10 → ``110%``, 0.125 → ``12.5%``."""
    number = (value * 100).normalize()
    return f"{number:f}%"


def tier_label(tier: BonusTier) -> str:
    return _("from %(start)s of target: %(rate)s of premium") % {
        "start": percent(tier.start),
        "rate": percent(tier.rate),
    }


def bonus_table(sheet: BonusSheet) -> Table:
    """Every row of the sheet; the page shows the first ``PAGE_ROWS``, the XLSX all."""
    rows = []
    for row in sheet.rows:
        bonus = row.bonus
        rows.append(
            {
                "employee_no": row.member.employee_no,
                "name": row.member.display_name,
                "unit": row.member.unit.name,
                "target": bonus.target if bonus.attainment is not None else None,
                "premium": bonus.premium,
                "attainment": None
                if bonus.attainment is None
                else bonus.attainment.quantize(SHOWN_ATTAINMENT, ROUND_DOWN),
                "rate": bonus.rate,
                "amount": bonus.amount,
            }
        )
    if sheet.run:
        title = _("Bonuses %(period)s, as paid") % {"period": sheet.period.key}
    else:
        title = _("Bonuses %(period)s, preview") % {"period": sheet.period.key}
    return Table(
        "bonuses",
        title,
        [
            Column("employee_no", _("Employee number"), width=12),
            Column("name", _("Name"), width=12),
            Column("unit", _("Unit"), width=14),
            Column("target", _("Target (yuan)"), "yuan", width=14),
            Column("premium", _("Premium (yuan)"), "yuan", width=14),
            Column("attainment", _("Attainment"), "percent", width=10),
            Column("rate", _("Rate"), "percent", width=8),
            Column("amount", _("Bonus (yuan)"), "yuan", width=14),
        ],
        rows,
        shown=PAGE_ROWS,
    )


def tier_table(tiers: Sequence[BonusTier]) -> Table:
    return Table(
        "tiers",
        _("Bonus tiers"),
        [
            Column("start", _("From attainment"), "percent", width=14),
            Column("rate", _("Rate of premium"), "percent", width=14),
        ],
        [{"start": tier.start, "rate": tier.rate} for tier in tiers],
    )


def attainment_bars(
    *,
    names: Sequence[str],
    attainments: Sequence[Decimal],
    colours: Sequence[str],
    tiers: Sequence[tuple[Decimal, str]],
    labels: figures.Labels,
) -> dict:
    """Return each member's attainment as a horizontal bar (first on top) with a dashed line at each tier."""
    # Attainment arrives rounded down to 0.1 %: 109.998 % reads 109.9 %, not a 110 % it did not reach.
    values = [float(value * 100) for value in attainments]
    shapes = []
    annotations = []
    for index, (start, label) in enumerate(tiers):
        x = float(start * 100)
        shapes.append(
            {
                "type": "line",
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "x0": x,
                "x1": x,
                "line": {"color": "#333", "dash": "dash", "width": 1},
            }
        )
        # Tiers a few points apart would write their labels over each other: every other one a line higher.
        annotations.append(
            {
                "text": label,
                "x": x,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "yshift": 14 * (index % 2),
                "showarrow": False,
                "font": {"size": 11},
            }
        )
    figure = go.Figure(
        data=[
            go.Bar(
                x=values[::-1],
                y=list(names)[::-1],
                orientation="h",
                marker_color=list(colours)[::-1],
                text=[f"{value:.1f}%" for value in values][::-1],
                textposition="auto",
                name=labels.x,
            )
        ],
        layout=figures._layout(
            labels,
            height=max(240, 110 + 26 * len(names)),
            legend=False,
            shapes=shapes,
            annotations=annotations,
            xaxis={"ticksuffix": "%", "rangemode": "tozero"},
            yaxis={"type": "category"},
        ),
    )
    figure.update_layout(margin={"t": 76})  # room for the title and the tier labels above the bars
    return figures._plain(figure)


def attainment_figure(sheet: BonusSheet) -> dict:
    """The members with a target, highest attainment first (the first ``CHART_ROWS``), against the tier lines."""
    judged = sorted(
        (row for row in sheet.rows if row.bonus.attainment is not None),
        key=lambda row: (-row.bonus.attainment, row.member.display_name),
    )
    shown = judged[:CHART_ROWS]
    colour_of = {tier.start: figures.SERIES_COLOURS[(index + 1) % 8] for index, tier in enumerate(sheet.tiers)}
    colours = []
    for row in shown:
        tier = tier_reached(sheet.tiers, row.bonus.attainment)
        colours.append(colour_of[tier.start] if tier else figures.TARGET_COLOUR)
    if len(judged) > len(shown):
        title = _("Attainment against the bonus tiers (the %(count)d highest of %(total)d)") % {
            "count": len(shown),
            "total": len(judged),
        }
    else:
        title = _("Attainment against the bonus tiers")
    return attainment_bars(
        names=[row.member.display_name for row in shown],
        attainments=[row.bonus.attainment.quantize(SHOWN_ATTAINMENT, ROUND_DOWN) for row in shown],
        colours=colours,
        tiers=[(tier.start, _("%(rate)s bonus") % {"rate": percent(tier.rate)}) for tier in sheet.tiers],
        labels=figures.Labels(title, _("Attainment (%)"), ""),
    )


def payroll_filename(run: BonusRun) -> str:
    return f"bonus-payroll-{run.period}.xlsx"


def payroll_workbook(run: BonusRun, rows: Sequence[BonusRow]) -> bytes:
    """The run's lines for payroll, one per member, then a total row; the same rows at every download."""
    columns = [
        exports.Column(_("Employee number"), width=12),
        exports.Column(_("Name"), width=12),
        exports.Column(_("Unit"), width=14),
        exports.Column(_("Period"), width=9),
        exports.Column(_("Target (yuan)"), exports.MONEY_FORMAT, width=14),
        exports.Column(_("Premium (yuan)"), exports.MONEY_FORMAT, width=14),
        exports.Column(_("Attainment"), PERCENT_2, width=11),
        exports.Column(_("Rate"), PERCENT_2, width=8),
        exports.Column(_("Bonus (yuan)"), exports.MONEY_FORMAT, width=14),
    ]
    lines = [
        [
            row.member.employee_no,
            row.member.display_name,
            row.member.unit.name,
            run.period,
            row.bonus.target,
            row.bonus.premium,
            row.bonus.attainment,
            row.bonus.rate,
            row.bonus.amount,
        ]
        for row in rows
    ]
    total = [
        _("Total"),
        None,
        None,
        run.period,
        sum((row.bonus.target for row in rows), ZERO),
        sum((row.bonus.premium for row in rows), ZERO),
        None,
        None,
        sum((row.bonus.amount for row in rows), ZERO),
    ]
    return exports.workbook_bytes(
        sheet_title=_("Bonuses %(period)s") % {"period": run.period}, columns=columns, rows=[*lines, total]
    )

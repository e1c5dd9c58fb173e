"""Plotly figures of the target pages: pure functions of data, no ORM (STYLE.md rule 9).

Each builder returns the figure as a plain JSON-ready dict, which the page
hands to plotly.js (served from our own static files) with ``json_script``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go

TARGET_COLOUR = "#9aa5b1"
ACTUAL_COLOUR = "#c8102e"


@dataclass(frozen=True)
class BarLabels:
    """The figure's words, already translated into the user's language."""

    title: str
    target: str
    actual: str
    value_axis: str


def target_actual_bars(
    *,
    names: Sequence[str],
    targets: Sequence[Decimal | None],
    actuals: Sequence[Decimal],
    scale: Decimal,
    labels: BarLabels,
    links: Sequence[str] | None = None,
) -> dict:
    """Return grouped bars of target against actual for each row (amounts divided by ``scale``).

    ``links``: a page for each row; clicking its bars opens it (a dashboard's drill-down).
    """

    def scaled(values: Sequence[Decimal | None]) -> list[float | None]:
        return [None if value is None else float(value / scale) for value in values]

    customdata = list(links) if links is not None else None

    figure = go.Figure(
        data=[
            go.Bar(
                name=labels.target, x=list(names), y=scaled(targets), marker_color=TARGET_COLOUR, customdata=customdata
            ),
            go.Bar(
                name=labels.actual, x=list(names), y=scaled(actuals), marker_color=ACTUAL_COLOUR, customdata=customdata
            ),
        ],
        layout=go.Layout(
            title={"text": labels.title, "font": {"size": 15}},
            barmode="group",
            yaxis={"title": {"text": labels.value_axis}, "rangemode": "tozero"},
            xaxis={"automargin": True},
            legend={"orientation": "h", "y": -0.25},
            margin={"l": 56, "r": 12, "t": 44, "b": 24},
            height=320,
            paper_bgcolor="#fff",
            plot_bgcolor="#fff",
        ),
    )
    # plotly's own encoder turns its types into plain JSON; json_script needs plain Python.
    return json.loads(figure.to_json())

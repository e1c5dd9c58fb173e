"""Plotly figures of the hero board and the review page: pure functions of data, no ORM (STYLE.md rule 9).

Each builder returns a plain JSON-ready dict that the page hands to plotly.js
(served from our own static files) with ``json_script``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import plotly.graph_objects as go

BAR_COLOUR = "#c8102e"
FUNNEL_COLOURS = ("#9aa5b1", "#5b7083", "#c8102e")


def _layout(title: str, height: int, left: int) -> go.Layout:
    return go.Layout(
        title={"text": title, "font": {"size": 15}},
        xaxis={"rangemode": "tozero", "automargin": True},
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"l": left, "r": 12, "t": 44, "b": 24},
        height=height,
        paper_bgcolor="#fff",
        plot_bgcolor="#fff",
        showlegend=False,
    )


def hero_bars(*, names: Sequence[str], points: Sequence[int], title: str) -> dict:
    """Return horizontal bars of points, the first name on top (the board's top rows)."""
    figure = go.Figure(
        data=[
            go.Bar(
                x=list(points),
                y=list(names),
                orientation="h",
                marker_color=BAR_COLOUR,
                text=list(points),
                textposition="auto",
            )
        ],
        layout=_layout(title, height=max(160, 40 + 30 * len(names)), left=96),
    )
    return json.loads(figure.to_json())


def process_funnel(*, stages: Sequence[str], values: Sequence[int], title: str) -> dict:
    """Return the team's appointments → interviews → policies as horizontal bars, widest first."""
    figure = go.Figure(
        data=[
            go.Bar(
                x=list(values),
                y=list(stages),
                orientation="h",
                marker_color=list(FUNNEL_COLOURS[: len(values)]),
                text=list(values),
                textposition="auto",
            )
        ],
        layout=_layout(title, height=200, left=120),
    )
    return json.loads(figure.to_json())

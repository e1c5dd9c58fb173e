"""Plotly figures of the dashboards: pure functions of data, no ORM (STYLE.md rule 9).

Each builder takes plain numbers and the words already translated into the
user's language, and returns the figure as a JSON-ready dict that the page
hands to plotly.js (served from our own static files). Amounts arrive in
yuan and are drawn in 万元; shares arrive as ratios and are drawn in %.
A point may carry a link (``customdata``): clicking it drills down
(static/js/activities-charts.js).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import plotly.graph_objects as go

ACTUAL_COLOUR = "#c8102e"
TARGET_COLOUR = "#9aa5b1"
MET_COLOUR = "#2e7d32"
BELOW_COLOUR = "#c8102e"
SERIES_COLOURS = ("#c8102e", "#1f5aa6", "#2e7d32", "#e08e0b", "#6a3d9a", "#17becf", "#8c564b", "#7f7f7f")
TEN_THOUSAND = Decimal(10000)


@dataclass(frozen=True)
class Labels:
    """A chart's words: its title and its axes' titles with their units (万元, 件, %)."""

    title: str
    x: str
    y: str


def _wan(values: Sequence[Decimal | int | None]) -> list[float | None]:
    return [None if value is None else float(Decimal(value) / TEN_THOUSAND) for value in values]


def _percent(values: Sequence[Decimal | None]) -> list[float | None]:
    return [None if value is None else float(value * 100) for value in values]


def _layout(labels: Labels, *, height: int = 320, legend: bool = True, **extra) -> go.Layout:
    return go.Layout(
        title={"text": labels.title, "font": {"size": 15}},
        xaxis={"title": {"text": labels.x}, "automargin": True, **extra.pop("xaxis", {})},
        yaxis={"title": {"text": labels.y}, "automargin": True, "rangemode": "tozero", **extra.pop("yaxis", {})},
        margin={"l": 56, "r": 12, "t": 44, "b": 24},
        height=height,
        paper_bgcolor="#fff",
        plot_bgcolor="#fff",
        showlegend=legend,
        legend={"orientation": "h", "y": -0.3},
        **extra,
    )


def _plain(figure: go.Figure) -> dict:
    # plotly's own encoder turns its types into plain JSON; json_script needs plain Python.
    return json.loads(figure.to_json())


def standard_bars(
    *, items: Sequence[str], values: Sequence[int], standards: Sequence[int | None], labels: Labels, standard_name: str
) -> dict:
    """Return today's count of each item as a bar (green when the standard is met) and the standard as a tick."""
    colours = [
        MET_COLOUR if standard is not None and value >= standard else BELOW_COLOUR
        for value, standard in zip(values, standards, strict=True)
    ]
    figure = go.Figure(
        data=[
            go.Bar(x=list(items), y=list(values), marker_color=colours, text=list(values), name=labels.y),
            go.Scatter(
                x=list(items),
                y=list(standards),
                mode="markers",
                marker={"symbol": "line-ew", "size": 34, "line": {"width": 3, "color": "#333"}},
                name=standard_name,
            ),
        ],
        layout=_layout(labels, height=280),
    )
    return _plain(figure)


def cumulative_curve(
    *,
    days: Sequence[date],
    actual: Sequence[Decimal | None],
    target: Sequence[Decimal | None],
    money: bool,
    labels: Labels,
    actual_name: str,
    target_name: str,
) -> dict:
    """Return the running actual against the running phased target (pacing, burn-up); money in 万元."""

    def scaled(values: Sequence[Decimal | None]) -> list[float | None]:
        return _wan(values) if money else [None if value is None else float(value) for value in values]

    x = [day.isoformat() for day in days]
    data = []
    if any(value is not None for value in target):
        data.append(
            go.Scatter(
                x=x, y=scaled(target), name=target_name, mode="lines", line={"color": TARGET_COLOUR, "dash": "dash"}
            )
        )
    data.append(go.Scatter(x=x, y=scaled(actual), name=actual_name, mode="lines", line={"color": ACTUAL_COLOUR}))
    return _plain(go.Figure(data=data, layout=_layout(labels)))


def activity_scatter(
    *,
    names: Sequence[str],
    activity: Sequence[int],
    premium: Sequence[Decimal],
    links: Sequence[str],
    labels: Labels,
) -> dict:
    """Return one point per agent: the month's activity (x) against premium in 万元 (y); a click opens the agent."""
    figure = go.Figure(
        data=[
            go.Scatter(
                mode="markers",
                marker={"color": ACTUAL_COLOUR, "size": 9, "opacity": 0.75},
                hovertemplate="%{text}<br>%{x} · %{y:.2f}<extra></extra>",
            )
        ],
        layout=_layout(labels, legend=False, xaxis={"rangemode": "tozero"}),
    )
    plain = _plain(figure)
    # The points go straight into the plain figure: plotly validates its arrays
    # element by element, about 0.1 s for a branch's 2,000 agents, and these
    # are plain numbers and strings already.
    plain["data"][0].update(
        x=list(activity),
        y=_wan(premium),
        text=[str(name) for name in names],
        customdata=list(links),
    )
    return plain


def attainment_heatmap(
    *,
    channels: Sequence[str],
    products: Sequence[str],
    attainment: Sequence[Sequence[Decimal | None]],
    labels: Labels,
) -> dict:
    """Return channel (rows) × product (columns) attainment in %, each cell labelled; empty where no target."""
    z = [_percent(row) for row in attainment]
    text = [["" if value is None else f"{value:.1f}%" for value in row] for row in z]
    figure = go.Figure(
        data=[
            go.Heatmap(
                x=list(products),
                y=list(channels),
                z=z,
                text=text,
                texttemplate="%{text}",
                colorscale=[[0, "#f4c7c3"], [0.5, "#fff2cc"], [1, "#b7e1cd"]],
                zmin=0,
                zmax=120,
                colorbar={"title": {"text": "%"}},
                hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            )
        ],
        layout=_layout(labels, height=max(240, 90 + 44 * len(channels)), legend=False, yaxis={"rangemode": "normal"}),
    )
    return _plain(figure)


def count_share_lines(
    *,
    weeks: Sequence[date],
    series: Sequence[tuple[str, Sequence[Decimal | None], Sequence[Decimal | None]]],
    labels: Labels,
    average_suffix: str,
) -> dict:
    """Return each group's weekly count share (solid) and its rolling-quarter moving average (dotted), in %."""
    x = [week.isoformat() for week in weeks]
    data = []
    for index, (name, shares, averages) in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        data.append(go.Scatter(x=x, y=_percent(shares), name=name, mode="lines+markers", line={"color": colour}))
        data.append(
            go.Scatter(
                x=x,
                y=_percent(averages),
                name=f"{name} {average_suffix}",
                mode="lines",
                line={"color": colour, "dash": "dot"},
            )
        )
    return _plain(go.Figure(data=data, layout=_layout(labels, height=340, yaxis={"ticksuffix": "%"})))


def channel_quadrant(
    *,
    channels: Sequence[str],
    shares: Sequence[Decimal | None],
    prices: Sequence[Decimal | None],
    share_line: Decimal | None,
    price_line: Decimal | None,
    labels: Labels,
) -> dict:
    """Return each channel at (count share %, premium per policy in 万元), split in four by the two averages."""
    shapes = []
    if share_line is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": float(share_line * 100),
                "x1": float(share_line * 100),
                "y0": 0,
                "y1": 1,
                "line": {"color": TARGET_COLOUR, "dash": "dash"},
            }
        )
    if price_line is not None:
        price = float(price_line / TEN_THOUSAND)
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": price,
                "y1": price,
                "line": {"color": TARGET_COLOUR, "dash": "dash"},
            }
        )
    figure = go.Figure(
        data=[
            go.Scatter(
                x=_percent(shares),
                y=_wan(prices),
                text=list(channels),
                mode="markers+text",
                textposition="top center",
                cliponaxis=False,
                marker={"color": ACTUAL_COLOUR, "size": 14},
                hovertemplate="%{text}: %{x:.1f}% · %{y:.2f}<extra></extra>",
            )
        ],
        layout=_layout(labels, legend=False, shapes=shapes, xaxis={"ticksuffix": "%", "rangemode": "tozero"}),
    )
    return _plain(figure)


def stacked_counts(
    *,
    columns: Sequence[str],
    series: Sequence[tuple[str, Sequence[int], str]],
    labels: Labels,
) -> dict:
    """Return counts per column stacked by series (name, counts, colour): the renewal pipeline by due week."""
    data = [
        go.Bar(x=list(columns), y=list(counts), name=name, marker_color=colour, text=[c or "" for c in counts])
        for name, counts, colour in series
    ]
    return _plain(go.Figure(data=data, layout=_layout(labels, height=340, barmode="stack")))


def rate_line(
    *, points: Sequence[str], rates: Sequence[Decimal | None], labels: Labels, targets: Sequence[int] = ()
) -> dict:
    """Return a rate over time as a line in % (a month with nothing due leaves a gap), with dashed target lines."""
    shapes = [
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": target,
            "y1": target,
            "line": {"color": TARGET_COLOUR, "dash": "dash", "width": 1},
        }
        for target in targets
    ]
    figure = go.Figure(
        data=[
            go.Scatter(
                x=list(points),
                y=_percent(rates),
                mode="lines+markers+text",
                text=[None if r is None else f"{float(r * 100):.1f}%" for r in rates],
                textposition="top center",
                line={"color": ACTUAL_COLOUR},
                name=labels.y,
            )
        ],
        layout=_layout(labels, height=300, legend=False, shapes=shapes, yaxis={"ticksuffix": "%", "range": [0, 105]}),
    )
    return _plain(figure)


def stage_funnel(*, stages: Sequence[str], counts: Sequence[int], labels: Labels) -> dict:
    """Return the branches per lifecycle stage as a funnel, the first stage on top."""
    figure = go.Figure(
        data=[
            go.Funnel(
                y=list(stages),
                x=list(counts),
                textinfo="value+percent initial",
                marker={"color": [SERIES_COLOURS[i % len(SERIES_COLOURS)] for i in range(len(stages))]},
            )
        ],
        layout=_layout(labels, height=320, legend=False),
    )
    return _plain(figure)


def count_bars(*, names: Sequence[str], counts: Sequence[int], labels: Labels) -> dict:
    """Return one horizontal bar per name (lost reasons), the largest on top."""
    figure = go.Figure(
        data=[
            go.Bar(
                x=list(counts)[::-1],
                y=list(names)[::-1],
                orientation="h",
                marker_color=TARGET_COLOUR,
                text=list(counts)[::-1],
                name=labels.x,
            )
        ],
        layout=_layout(labels, height=max(200, 60 + 32 * len(names)), legend=False),
    )
    return _plain(figure)


def points_bars(
    *,
    names: Sequence[str],
    weights: Sequence[int],
    points: Sequence[Decimal | None],
    series: tuple[str, str],
    labels: Labels,
) -> dict:
    """Return a scorecard as bars: each measure's points earned (``series[1]``) over its weight (``series[0]``)."""
    figure = go.Figure(
        data=[
            go.Bar(x=list(names), y=list(weights), name=series[0], marker_color=TARGET_COLOUR, opacity=0.35),
            go.Bar(
                x=list(names),
                y=[None if value is None else float(value) for value in points],
                name=series[1],
                marker_color=SERIES_COLOURS[0],
                text=[None if value is None else f"{value}" for value in points],
            ),
        ],
        layout=_layout(labels, height=300, barmode="overlay"),
    )
    return _plain(figure)


def measure_panels(
    *,
    names: Sequence[str],
    measures: Sequence[tuple[str, Sequence[Decimal | None], bool]],
    labels: Labels,
) -> dict:
    """Return one panel of horizontal bars per measure, side by side, the names down the shared axis, first on top.

    Each measure is ``(title, values, percent)``; a rate (``percent``) is
    drawn in %. The measures keep their own scales (activity per agent is
    in tens, a rate below 100 %), so the unit evaluation's three measures
    are read side by side rather than stacked on one axis.
    """
    count = max(len(measures), 1)
    gap = 0.04
    width = (1 - gap * (count - 1)) / count
    rows = list(names)[::-1]
    data = []
    layout_axes: dict = {}
    annotations = []
    for index, (title, values, percent) in enumerate(measures):
        axis = "" if index == 0 else str(index + 1)
        numbers = _percent(values) if percent else [None if value is None else float(value) for value in values]
        text = [None if n is None else (f"{n:.1f}%" if percent else f"{n:.2f}") for n in numbers]
        data.append(
            go.Bar(
                x=numbers[::-1],
                y=rows,
                orientation="h",
                name=title,
                marker_color=SERIES_COLOURS[index % len(SERIES_COLOURS)],
                text=text[::-1],
                textposition="auto",
                xaxis=f"x{axis}",
                yaxis="y",
            )
        )
        start = index * (width + gap)
        layout_axes[f"xaxis{axis}"] = {
            "domain": [start, start + width],
            "rangemode": "tozero",
            "ticksuffix": "%" if percent else "",
            "automargin": True,
            # Narrow panels on a phone: a few ticks, not a crowd.
            "nticks": 4,
        }
        annotations.append(
            {
                "text": title,
                "x": start + width / 2,
                "y": 1,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
            }
        )
    figure = go.Figure(
        data=data,
        layout=go.Layout(
            title={"text": labels.title, "font": {"size": 15}},
            yaxis={"title": {"text": labels.y}, "automargin": True, "type": "category"},
            annotations=annotations,
            margin={"l": 56, "r": 12, "t": 64, "b": 24},
            height=max(220, 90 + 30 * len(rows)),
            paper_bgcolor="#fff",
            plot_bgcolor="#fff",
            showlegend=False,
            **layout_axes,
        ),
    )
    return _plain(figure)

"""The benchmark table: statistics per scenario, the Markdown table, and docs/benchmarks.md.

The same Markdown table is printed and written to the docs, so what a
developer sees after `make bench` is what the docs record.
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import django
from django.db import connection
from django.utils import timezone

DOCS_START = "<!-- bench:table:start (written by `make bench BENCH_ARGS=--write-docs`; edit around it) -->"
DOCS_END = "<!-- bench:table:end -->"
NOT_MEASURED = "—"


def percentile(values: list[float], fraction: float) -> float:
    """Return the ``fraction`` percentile, interpolated between the closest ranks."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass(frozen=True)
class Row:
    """One scenario's line in the table; ``skipped`` says why it did not run."""

    scenario: str
    size: str
    seconds: list[float]
    rows: int | None = None
    goal_seconds: float | None = None
    skipped: str | None = None

    @property
    def p95(self) -> float:
        return percentile(self.seconds, 0.95)

    @property
    def met(self) -> str:
        # Judged on the p95, not the median: the goal is what a manager
        # should see on a bad click, not on a typical one.
        if self.skipped:
            return "not run"
        if self.goal_seconds is None:
            return NOT_MEASURED
        return "yes" if self.p95 < self.goal_seconds else "**NO**"

    def cells(self) -> list[str]:
        timed = bool(self.seconds) and not self.skipped
        stats = [min(self.seconds), percentile(self.seconds, 0.5), self.p95, max(self.seconds)] if timed else [None] * 4
        return [
            self.scenario,
            self.size,
            str(len(self.seconds)) if timed else "0",
            *(f"{value:.3f}" if value is not None else NOT_MEASURED for value in stats),
            f"{self.rows:,}" if self.rows is not None else NOT_MEASURED,
            f"< {self.goal_seconds:g} s" if self.goal_seconds is not None else NOT_MEASURED,
            self.met,
        ]


HEADER = ["scenario", "size", "runs", "min s", "median s", "p95 s", "max s", "rows", "goal", "met?"]
RIGHT_ALIGNED = {"runs", "min s", "median s", "p95 s", "max s", "rows"}


def render_table(rows: list[Row]) -> str:
    """Return the rows as a Markdown table padded to be read in a terminal too."""
    lines = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(HEADER))]

    def render(cells: list[str]) -> str:
        padded = [
            cell.rjust(width) if name in RIGHT_ALIGNED else cell.ljust(width)
            for cell, width, name in zip(cells, widths, HEADER, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = [
        "-" * (width + 1) + ":" if name in RIGHT_ALIGNED else "-" * (width + 2)
        for width, name in zip(widths, HEADER, strict=True)
    ]
    text = [render(HEADER), "|" + "|".join(rule) + "|", *(render(cells) for cells in lines[1:])]
    notes = [f"- `{row.scenario}` was not run: {row.skipped}." for row in rows if row.skipped]
    return "\n".join(text + ([""] + notes if notes else []))


@dataclass(frozen=True)
class Ratio:
    """A goal relative to another scenario: ``numerator``'s median over ``denominator``'s, at most ``goal``."""

    numerator: str
    denominator: str
    goal: float | None = None

    def value(self, rows: list[Row]) -> float | None:
        """The ratio of the two medians, or None unless both scenarios were timed."""
        timed = {row.scenario: row.seconds for row in rows if row.seconds and not row.skipped}
        if self.numerator not in timed or self.denominator not in timed:
            return None
        return percentile(timed[self.numerator], 0.5) / percentile(timed[self.denominator], 0.5)

    def missed(self, rows: list[Row]) -> bool:
        value = self.value(rows)
        return self.goal is not None and value is not None and value > self.goal

    def line(self, rows: list[Row]) -> str:
        """The ratio as one Markdown list item, with its goal and whether it was met."""
        name = f"`{self.numerator}` / `{self.denominator}` (median over median)"
        goal = f"goal ≤ {self.goal:g}×" if self.goal is not None else "no goal"
        value = self.value(rows)
        if value is None:
            return f"- {name}: {NOT_MEASURED} (not both timed; {goal})"
        met = NOT_MEASURED if self.goal is None else ("**NO**" if self.missed(rows) else "yes")
        return f"- {name}: {value:.2f}× ({goal}: {met})"


def render_ratios(rows: list[Row], ratios: list[Ratio]) -> str:
    """Return one line per ratio whose scenarios were asked for (both names among ``rows``)."""
    names = {row.scenario for row in rows}
    return "\n".join(ratio.line(rows) for ratio in ratios if {ratio.numerator, ratio.denominator} <= names)


def machine_notes(*, when: datetime | None = None) -> str:
    """Describe where and when the figures were measured."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    when = when or timezone.localtime()
    return (
        f"Measured {when:%Y-%m-%d %H:%M %Z} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPU cores, PostgreSQL {server_version}, Python {sys.version.split()[0]}, "
        f"Django {django.get_version()}."
    )


def docs_table_replace(text: str, block: str) -> str:
    """Return ``text`` with what lies between the two markers replaced by ``block``."""
    start, end = text.find(DOCS_START), text.find(DOCS_END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {DOCS_START!r} and {DOCS_END!r} are missing or out of order")
    return text[: start + len(DOCS_START)] + "\n\n" + block.strip() + "\n\n" + text[end:]


def docs_table_write(path: Path, block: str) -> None:
    path.write_text(docs_table_replace(path.read_text(encoding="utf-8"), block), encoding="utf-8")

"""The dashboards' period filter: a quarter (``2026-Q4``) or a month (``2026-11``).

A dashboard shows one period; its figures run to the period's end, or to
today while the period is under way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from targets.quarters import month_end, quarter_end, quarter_of, quarter_start

QUARTER_KEY = re.compile(r"^(\d{4})-Q([1-4])$")
MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    kind: str  # "quarter" or "month"
    year: int
    number: int  # the quarter (1–4) or the month (1–12)

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        year, quarter = quarter_of(day)
        return cls("quarter", year, quarter)

    @classmethod
    def parse(cls, value: str) -> Period | None:
        """Return the period ``2026-Q4`` or ``2026-11`` names; ``None`` when it names none."""
        value = (value or "").strip().upper()
        if match := QUARTER_KEY.match(value):
            return cls("quarter", int(match[1]), int(match[2]))
        if (match := MONTH_KEY.match(value)) and 1 <= int(match[2]) <= 12:
            return cls("month", int(match[1]), int(match[2]))
        return None

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}" if self.kind == "quarter" else f"{self.year}-{self.number:02d}"

    @property
    def start(self) -> date:
        if self.kind == "quarter":
            return quarter_start(self.year, self.number)
        return date(self.year, self.number, 1)

    @property
    def end(self) -> date:
        if self.kind == "quarter":
            return quarter_end(self.year, self.number)
        return month_end(self.year, self.number)

    @property
    def quarter(self) -> tuple[int, int]:
        """The plan quarter holding the period."""
        return quarter_of(self.start)

    @property
    def months(self) -> list[int]:
        """The period's month numbers (a plan's month cells are numbered 1–12 within its year)."""
        if self.kind == "month":
            return [self.number]
        first = 3 * (self.number - 1) + 1
        return [first, first + 1, first + 2]

    def to_date(self, today: date) -> date:
        """The period's last day with facts: its end, or today while it is under way."""
        return min(self.end, today)

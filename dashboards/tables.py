"""The dashboards' tables: one description serves the page and its XLSX export.

A ``Table`` is plain data (rows of dicts, columns that say how to show each
value), so the page renders exactly the rows the workbook holds and the
export is never a second query path. Amounts stay in yuan in the workbook
(numbers Excel can sum); the page shows them in 万元 where a column says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats

from targets import exports

TEN_THOUSAND = Decimal(10000)
# How a column's values are shown and exported.
KINDS = {
    "text": None,
    "count": exports.COUNT_FORMAT,
    "money": exports.MONEY_FORMAT,  # yuan, shown in 万元 on the page
    "yuan": exports.MONEY_FORMAT,  # yuan, shown in yuan with fen (a single policy's premium)
    "ratio": "0.00",
    "percent": exports.PERCENT_FORMAT,
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"
    # The row key holding a link for this cell (drill-down), if any.
    link: str | None = None
    width: int = 14


@dataclass
class Table:
    name: str
    title: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    # The rows the page shows; the export always has them all.
    shown: int | None = None
    # Long tables a chart already shows: folded on the page, open on a click.
    collapsed: bool = False
    # How many rows the table has when the page built only the ones it shows.
    total: int | None = None

    @property
    def visible_rows(self) -> list[dict[str, Any]]:
        return self.rows if self.shown is None else self.rows[: self.shown]

    @property
    def row_count(self) -> int:
        return len(self.rows) if self.total is None else self.total

    @property
    def hidden(self) -> int:
        return self.row_count - len(self.visible_rows)


def page_rows(items: Sequence[Any], shown: int, *, every: bool) -> tuple[Sequence[Any], int | None]:
    """Return the items a table needs: all for an export (``every``), else the page's first ``shown``.

    The second value is the table's full row count when the items were cut.
    A branch's tables have 2,000 rows, of which the page shows 50.
    """
    if every or len(items) <= shown:
        return items, None
    return items[:shown], len(items)


def display(value: Any, kind: str) -> str:
    """Return ``value`` as the page shows it: 万元 for money, percentages, grouped counts, — for none."""
    if value is None or value == "":
        return "—"
    if kind == "money":
        wan = (Decimal(value) / TEN_THOUSAND).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return formats.number_format(wan, 2, use_l10n=True, force_grouping=True)
    if kind == "yuan":
        return formats.number_format(Decimal(value).quantize(Decimal("0.01")), 2, use_l10n=True, force_grouping=True)
    if kind == "percent":
        return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    if kind == "ratio":
        return formats.number_format(Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP), 2, use_l10n=True)
    if kind == "count":
        return formats.number_format(value, 0, use_l10n=True, force_grouping=True)
    return str(value)


def workbook(table: Table) -> bytes:
    """Return ``table`` as an XLSX workbook: every row, amounts in yuan, ratios as numbers."""
    columns = [exports.Column(str(column.header), KINDS[column.kind], column.width) for column in table.columns]

    def value(row: dict[str, Any], column: Column) -> Any:
        cell = row.get(column.key)
        if cell is None or column.kind == "text":
            return None if cell is None else str(cell)
        return cell

    rows = ([value(row, column) for column in table.columns] for row in table.rows)
    return exports.workbook_bytes(sheet_title=str(table.title), columns=columns, rows=rows)

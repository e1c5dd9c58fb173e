"""Read an office's export (CSV or XLSX) into typed rows, by a table layout, without touching the database.

Offices hand over what their core system or Excel writes (see
``../shared/samples``): CSV in UTF-8 (with or without a byte-order mark) or
GBK/GB18030, or an XLSX sheet with a title row above the header and a 合计
(total) row below the data. This module finds the header, maps Chinese or
English column names to fields, turns cells into typed values and reports
what it cannot read. A ``Layout`` says which columns a table has; the sale
records (``targets.sale_import``) and the renewal cases
(``renewals.case_import``) are two layouts. Resolving references and the
business rules belong to each app's import service.

Row numbers are the ones the user sees in Excel: 1-based, header counted
(and a title row above it, when there is one).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

# The header is looked for in this many rows at the top (title rows above it).
HEADER_SEARCH_ROWS = 10
# A header row names at least this many known columns.
HEADER_MIN_MATCHES = 2
# A row whose first filled cell starts with one of these ends the data.
TOTAL_MARKERS = ("合计", "总计", "小计", "total")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
# Excel's serial day numbers for 1900-01-01 … 9999-12-31.
EXCEL_SERIAL_RANGE = (1, 2958465)


class SheetFileError(Exception):
    """The file as a whole cannot be imported (not CSV/XLSX, no header, missing columns…)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellError(Exception):
    """One cell cannot be read; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    """One data row: its Excel number, the fields read (a cell that could not be read is ``None``), its errors."""

    row: int
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    """A table's columns: accepted headers per field (Chinese first, then English), readers, the row type.

    ``readers`` maps each field to a function reading its cell; a field whose
    column the file lacks keeps the row type's default. ``key_fields`` are
    the fields a stray row after the table's end must fill to be reported.
    ``no_rows_message`` is said when the header has nothing below it.
    """

    aliases: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    readers: dict[str, Callable[[Any], Any]]
    row_type: Callable[..., Row]
    key_fields: tuple[str, ...]
    no_rows_message: Callable[[], str]

    @cached_property
    def alias_to_field(self) -> dict[str, str]:
        return {normalise_header(alias): name for name, aliases in self.aliases.items() for alias in aliases}

    def column_label(self, name: str) -> str:
        """Return how a column is named to the user: its Chinese and its English header (``险种 (product)``)."""
        aliases = self.aliases[name]
        english = next(alias for alias in aliases if alias.isascii())
        return f"{aliases[0]} ({english})"


def read_rows(content: bytes, layout: Layout, *, filename: str = "") -> list[Any]:
    """Return the data rows of a CSV or XLSX export in ``layout``, or raise ``SheetFileError``."""
    if not content:
        raise SheetFileError(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        grid = _xlsx_grid(content, layout)
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetFileError(_("Old Excel files (.xls) cannot be read; save the sheet as .xlsx or CSV."))
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise SheetFileError(_("The file is not a CSV or XLSX file."))
    else:
        grid = _csv_grid(content)
    return _rows_from_grid(grid, layout)


# --- files → grids of cells -------------------------------------------------


def _csv_grid(content: bytes) -> list[list[Any]]:
    text = _decode(content)
    if "\x00" in text:
        raise SheetFileError(_("The file is not a CSV or XLSX file."))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Excel's "Unicode text" export separates with tabs.
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        return [list(record) for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise SheetFileError(_("The file is not a CSV or XLSX file.")) from error


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        # utf-8-sig reads UTF-8 with or without a byte-order mark; GB18030 is
        # a superset of GBK, what Excel writes for CSV on a Chinese Windows.
        encodings = ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetFileError(_("The file is not a CSV or XLSX file."))


def _xlsx_grid(content: bytes, layout: Layout) -> list[list[Any]]:
    try:
        # data_only: a formula cell gives the value Excel computed and saved.
        workbook = load_workbook(io.BytesIO(content), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise SheetFileError(_("The file is not a CSV or XLSX file.")) from error
    grids = [[list(values) for values in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]
    # The first sheet with a header row holds the data (a cover sheet may come first).
    for grid in grids:
        if _find_header(grid, layout) is not None:
            return grid
    return grids[0] if grids else []


# --- grid → rows --------------------------------------------------------------


def normalise_header(value: Any) -> str:
    """Compare headers and choice values without case, width, spaces, underscores, dashes or dots."""
    text = unicodedata.normalize("NFKC", text_of(value)).lower()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "_-.")


def _header_fields(cells: list[Any], layout: Layout) -> dict[int, str]:
    """Return column index → field for the cells of a candidate header row."""
    aliases = layout.alias_to_field
    return {i: aliases[key] for i, cell in enumerate(cells) if (key := normalise_header(cell)) in aliases}


def _find_header(grid: list[list[Any]], layout: Layout) -> int | None:
    best, best_count = None, HEADER_MIN_MATCHES - 1
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        count = len(set(_header_fields(cells, layout).values()))
        if count > best_count:
            best, best_count = index, count
    return best


def _rows_from_grid(grid: list[list[Any]], layout: Layout) -> list[Any]:
    header_index = _find_header(grid, layout)
    if header_index is None:
        if all(is_blank(cell) for cells in grid for cell in cells):
            raise SheetFileError(_("The file is empty."))
        raise SheetFileError(
            _("No header row found in the first %(count)s rows; the columns needed are: %(columns)s.")
            % {"count": HEADER_SEARCH_ROWS, "columns": ", ".join(layout.column_label(name) for name in layout.required)}
        )
    columns: dict[str, int] = {}
    for index, name in _header_fields(grid[header_index], layout).items():
        if name in columns:
            raise SheetFileError(
                _("Two columns give %(column)s; keep one of them.") % {"column": layout.column_label(name)}
            )
        columns[name] = index
    missing = [name for name in layout.required if name not in columns]
    if missing:
        raise SheetFileError(
            _("Columns missing: %(columns)s.") % {"columns": ", ".join(layout.column_label(name) for name in missing)}
        )

    rows: list[Any] = []
    data_rows = 0
    ended = False
    for index in range(header_index + 1, len(grid)):
        cells = grid[index]
        number = index + 1  # Excel's row number
        if ended:
            # A total row below an empty one is still a total, not a stray record.
            if not _is_total_row(cells) and all(
                not is_blank(_cell(cells, columns, name)) for name in layout.key_fields
            ):
                stray = layout.row_type(row=number)
                stray.errors.append(
                    (
                        "non_field_errors",
                        _("This row comes after an empty row or a total row, which ends the table; it was not read."),
                    )
                )
                rows.append(stray)
            continue
        if all(is_blank(cell) for cell in cells) or _is_total_row(cells):
            ended = True
            continue
        rows.append(_read_row(number, cells, columns, layout))
        data_rows += 1
    if not data_rows:
        raise SheetFileError(layout.no_rows_message())
    return rows


def _cell(cells: list[Any], columns: dict[str, int], name: str) -> Any:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _is_total_row(cells: list[Any]) -> bool:
    first = next((cell for cell in cells if not is_blank(cell)), None)
    return isinstance(first, str) and first.strip().lower().startswith(TOTAL_MARKERS)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_row(number: int, cells: list[Any], columns: dict[str, int], layout: Layout) -> Row:
    row = layout.row_type(row=number)
    for name, reader in layout.readers.items():
        if name not in columns:
            continue  # an optional column the file does not have keeps its default
        try:
            setattr(row, name, reader(_cell(cells, columns, name)))
        except CellError as error:
            setattr(row, name, None)
            row.errors.append((name, error.message))
    return row


# --- cells → values ---------------------------------------------------------


def text_of(value: Any) -> str:
    """Return a cell as text: Excel gives numbers as floats, so 1001.0 reads as ``1001``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    return str(value).strip()


def required(value: Any) -> Any:
    if is_blank(value):
        raise CellError(_("This field is required."))
    return value


def read_text(value: Any) -> str:
    return text_of(required(value))


def read_optional_text(value: Any) -> str:
    return text_of(value)


def read_amount(value: Any) -> Decimal:
    """An amount in yuan: ``1,234.50``, ``¥1234.5``, ``(100)`` (accounting negative), or an Excel number."""
    value = required(value)
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        raise CellError(_("Enter a number."))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Excel shows 15 significant digits; a float such as 0.30000000000000004
        # (a sum in a formula) is the 0.3 the user sees.
        text = f"{value:.15g}"
    else:
        text = "".join(ch for ch in unicodedata.normalize("NFKC", str(value)) if ch not in ", ¥元")
        if text.startswith("(") and text.endswith(")"):  # accounting format for a negative amount
            text = f"-{text[1:-1]}"
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise CellError(_("Enter a number.")) from error
    if not amount.is_finite():
        raise CellError(_("Enter a number."))
    return amount


def read_whole_number(value: Any) -> int:
    value = required(value)
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        raise CellError(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    text = f"{value:.15g}" if isinstance(value, float) else str(value).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise CellError(_("Enter a whole number.")) from error
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("Enter a whole number."))
    return int(number)


def read_date(value: Any) -> date:
    value = required(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date cell without a date format reaches us as Excel's serial day number.
        if EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        raise CellError(_("Enter a valid date."))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = text.split("T")[0].split()[0] if text else text  # drop a time part: "2026-10-08 00:00:00"
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(_("Enter a valid date."))


def choice_reader(choices: dict[str, str], message: Callable[[], str]) -> Callable[[Any], str]:
    """Return a reader mapping a cell (normalised like headers) through ``choices``."""

    def read(value: Any) -> str:
        key = normalise_header(required(value))
        if key not in choices:
            raise CellError(message())
        return choices[key]

    return read

"""Read a sale-records export (CSV or XLSX) into typed rows, without touching the database.

Offices hand over what their core system or Excel writes (see
``../shared/samples``): CSV in UTF-8 (with or without a byte-order mark) or
GBK/GB18030, or an XLSX sheet with a title row above the header and a 合计
(total) row below the data. This module finds the header, maps Chinese or
English column names to fields, turns cells into typed values and reports
what it cannot read; resolving members, channels, products and branches and
the business rules (no future dates, …) belong to
``targets.services.sales``.

Row numbers are the ones the user sees in Excel: 1-based, header counted
(and a title row above it, when there is one).
"""

from __future__ import annotations

import csv
import functools
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

# Field → accepted header names. Compared after ``_normalise_header``, so
# full-width brackets, case, spaces, underscores and dashes do not matter.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "policy_no": ("保单号", "保单号码", "policy_no", "policy number", "policy"),
    "member": ("工号", "业务员工号", "employee_no", "employee number", "member", "username", "用户名"),
    # Informational only: the member is named by the 工号 column.
    "agent_name": ("业务员姓名", "业务员", "姓名", "agent name", "display_name"),
    "channel": ("渠道", "channel"),
    "product": ("险种", "产品", "product"),
    "premium": ("保费(元)", "保费", "premium"),
    "policies": ("件数", "policies"),
    "sold_on": ("承保日期", "签单日期", "sold_on", "date written", "date"),
    "customer_kind": ("客户类型", "customer_kind", "customer kind"),
    "payment_mode": ("缴费方式", "payment_mode", "payment mode"),
    "bank_branch": ("网点代码", "网点", "bank_branch", "branch code", "branch"),
}
REQUIRED_FIELDS = (
    "policy_no",
    "member",
    "channel",
    "product",
    "premium",
    "sold_on",
    "customer_kind",
    "payment_mode",
)
# The header is looked for in this many rows at the top (title rows above it).
HEADER_SEARCH_ROWS = 10
# A header row names at least this many known columns.
HEADER_MIN_MATCHES = 2
# A row whose first filled cell starts with one of these ends the data.
TOTAL_MARKERS = ("合计", "总计", "小计", "total")

CUSTOMER_KINDS = {
    "新客户": "new",
    "新": "new",
    "new": "new",
    "newcustomer": "new",
    "老客户": "existing",
    "老": "existing",
    "existing": "existing",
    "existingcustomer": "existing",
}
PAYMENT_MODES = {
    "期交": "regular",
    "期缴": "regular",
    "regular": "regular",
    "regularpremium": "regular",
    "趸交": "single",
    "趸缴": "single",
    "single": "single",
    "singlepremium": "single",
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
# Excel's serial day numbers for 1900-01-01 … 9999-12-31.
EXCEL_SERIAL_RANGE = (1, 2958465)


class SaleFileError(Exception):
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
class SaleRow:
    """One data row of the file, typed; a cell that could not be read is ``None`` with an error."""

    row: int
    policy_no: str | None = ""
    member: str | None = ""
    channel: str | None = ""
    product: str | None = ""
    premium: Decimal | None = None
    policies: int | None = 1
    sold_on: date | None = None
    customer_kind: str | None = ""
    payment_mode: str | None = ""
    bank_branch: str | None = ""
    errors: list[tuple[str, str]] = field(default_factory=list)


def read_sale_rows(content: bytes, *, filename: str = "") -> list[SaleRow]:
    """Return the data rows of a CSV or XLSX export, or raise ``SaleFileError``."""
    if not content:
        raise SaleFileError(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        grid = _xlsx_grid(content)
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SaleFileError(_("Old Excel files (.xls) cannot be read; save the sheet as .xlsx or CSV."))
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise SaleFileError(_("The file is not a CSV or XLSX file."))
    else:
        grid = _csv_grid(content)
    return _rows_from_grid(grid)


# --- files → grids of cells -------------------------------------------------


def _csv_grid(content: bytes) -> list[list[Any]]:
    text = _decode(content)
    if "\x00" in text:
        raise SaleFileError(_("The file is not a CSV or XLSX file."))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Excel's "Unicode text" export separates with tabs.
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        return [list(record) for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise SaleFileError(_("The file is not a CSV or XLSX file.")) from error


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
    raise SaleFileError(_("The file is not a CSV or XLSX file."))


def _xlsx_grid(content: bytes) -> list[list[Any]]:
    try:
        # data_only: a formula cell gives the value Excel computed and saved.
        workbook = load_workbook(io.BytesIO(content), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise SaleFileError(_("The file is not a CSV or XLSX file.")) from error
    grids = [[list(values) for values in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]
    # The first sheet with a header row holds the data (a cover sheet may come first).
    for grid in grids:
        if _find_header(grid) is not None:
            return grid
    return grids[0] if grids else []


# --- grid → rows --------------------------------------------------------------


def _normalise_header(value: Any) -> str:
    text = unicodedata.normalize("NFKC", _text(value)).lower()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "_-.")


@functools.cache
def _alias_to_field() -> dict[str, str]:
    return {_normalise_header(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


def _header_fields(cells: list[Any]) -> dict[int, str]:
    """Return column index → field for the cells of a candidate header row."""
    aliases = _alias_to_field()
    return {i: aliases[key] for i, cell in enumerate(cells) if (key := _normalise_header(cell)) in aliases}


def _find_header(grid: list[list[Any]]) -> int | None:
    best, best_count = None, HEADER_MIN_MATCHES - 1
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        count = len(set(_header_fields(cells).values()))
        if count > best_count:
            best, best_count = index, count
    return best


def _column_label(name: str) -> str:
    """Return how a column is named to the user: its Chinese and its English header (``险种 (product)``)."""
    aliases = HEADER_ALIASES[name]
    english = next(alias for alias in aliases if alias.isascii())
    return f"{aliases[0]} ({english})"


def _rows_from_grid(grid: list[list[Any]]) -> list[SaleRow]:
    header_index = _find_header(grid)
    if header_index is None:
        if all(_is_blank(cell) for cells in grid for cell in cells):
            raise SaleFileError(_("The file is empty."))
        raise SaleFileError(
            _("No header row found in the first %(count)s rows; the columns needed are: %(columns)s.")
            % {"count": HEADER_SEARCH_ROWS, "columns": ", ".join(_column_label(name) for name in REQUIRED_FIELDS)}
        )
    columns: dict[str, int] = {}
    for index, name in _header_fields(grid[header_index]).items():
        if name in columns:
            raise SaleFileError(_("Two columns give %(column)s; keep one of them.") % {"column": _column_label(name)})
        columns[name] = index
    missing = [name for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        raise SaleFileError(
            _("Columns missing: %(columns)s.") % {"columns": ", ".join(_column_label(name) for name in missing)}
        )

    rows: list[SaleRow] = []
    data_rows = 0
    ended = False
    for index in range(header_index + 1, len(grid)):
        cells = grid[index]
        number = index + 1  # Excel's row number
        if ended:
            if _looks_like_data(cells, columns):
                stray = SaleRow(row=number)
                stray.errors.append(
                    (
                        "non_field_errors",
                        _("This row comes after an empty row or a total row, which ends the table; it was not read."),
                    )
                )
                rows.append(stray)
            continue
        if all(_is_blank(cell) for cell in cells) or _is_total_row(cells):
            ended = True
            continue
        rows.append(_read_row(number, cells, columns))
        data_rows += 1
    if not data_rows:
        raise SaleFileError(_("The file has no sale rows below the header."))
    return rows


def _cell(cells: list[Any], columns: dict[str, int], name: str) -> Any:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _looks_like_data(cells: list[Any], columns: dict[str, int]) -> bool:
    return all(not _is_blank(_cell(cells, columns, name)) for name in ("policy_no", "member", "premium"))


def _is_total_row(cells: list[Any]) -> bool:
    first = next((cell for cell in cells if not _is_blank(cell)), None)
    return isinstance(first, str) and first.strip().lower().startswith(TOTAL_MARKERS)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_row(number: int, cells: list[Any], columns: dict[str, int]) -> SaleRow:
    row = SaleRow(row=number)
    readers = {
        "policy_no": _read_text,
        "member": _read_text,
        "channel": _read_text,
        "product": _read_text,
        "premium": _read_premium,
        "policies": _read_policies,
        "sold_on": _read_date,
        "customer_kind": _read_customer_kind,
        "payment_mode": _read_payment_mode,
        "bank_branch": _read_optional_text,
    }
    for name, reader in readers.items():
        if name not in columns:
            continue  # an optional column the file does not have keeps its default
        try:
            setattr(row, name, reader(_cell(cells, columns, name)))
        except CellError as error:
            setattr(row, name, None)
            row.errors.append((name, error.message))
    return row


# --- cells → values ---------------------------------------------------------


def _text(value: Any) -> str:
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


def _required(value: Any) -> Any:
    if _is_blank(value):
        raise CellError(_("This field is required."))
    return value


def _read_text(value: Any) -> str:
    return _text(_required(value))


def _read_optional_text(value: Any) -> str:
    return _text(value)


def _read_premium(value: Any) -> Decimal:
    value = _required(value)
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


def _read_policies(value: Any) -> int:
    value = _required(value)
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


def _read_date(value: Any) -> date:
    value = _required(value)
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


def _choice(value: Any, choices: dict[str, str], message: str) -> str:
    key = _normalise_header(_required(value))
    if key not in choices:
        raise CellError(message)
    return choices[key]


def _read_customer_kind(value: Any) -> str:
    return _choice(value, CUSTOMER_KINDS, _("Unknown customer kind."))


def _read_payment_mode(value: Any) -> str:
    return _choice(value, PAYMENT_MODES, _("Unknown payment mode."))

"""XLSX workbooks of the target pages: pure functions of rows, no ORM.

The views choose the rows (in the caller's scope) and the translated
headers; this module only lays them out: a bold header row, amounts as
numbers with a number format, so the sheet sums and sorts as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "0.00"
COUNT_FORMAT = "0"
PERCENT_FORMAT = "0.0%"


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str | None = None  # None: written as it is (text)
    width: int = 14


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """Answer ``content`` as an XLSX download named ``filename``."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def amount_format(metric: str) -> str:
    """Return the number format of a plan's amounts: yuan to the fen, or whole policies."""
    return MONEY_FORMAT if metric == "premium" else COUNT_FORMAT


def workbook_bytes(*, sheet_title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    """Return an XLSX file of one sheet: ``columns`` as a bold header row, then ``rows``.

    Write-only mode streams the rows, so a tenant-wide export does not hold
    every cell object in memory at once.
    """
    workbook = Workbook(write_only=True)
    # Excel refuses a sheet name longer than 31 characters or holding any of []:*?/\ (a date's 11/22).
    sheet = workbook.create_sheet(title=SHEET_FORBIDDEN.sub("-", sheet_title)[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [column.number_format for column in columns]
    for row in rows:
        out = []
        for value, number_format in zip(row, formats, strict=True):
            if number_format is None or value is None:
                out.append(value)
            else:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                out.append(cell)
        sheet.append(out)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

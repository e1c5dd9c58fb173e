"""The shared reader of office exports (salesops/spreadsheets.py), on a small layout of its own: no database.

The sale and renewal layouts are tested with their imports
(tests/targets/test_sale_import.py, tests/renewals/test_case_import.py);
here the machinery every layout gets: the header found below title rows
in Chinese or English, typed cells, the table ended by an empty or a total
row, and the file-level errors naming the layout's own columns.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.utils import translation

from salesops import spreadsheets
from salesops.spreadsheets import SheetFileError, read_rows


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@dataclass
class FruitRow(spreadsheets.Row):
    code: str | None = ""
    price: Decimal | None = None
    boxes: int | None = 1
    picked_on: date | None = None
    colour: str | None = ""
    note: str | None = ""


FRUIT = spreadsheets.Layout(
    aliases={
        "code": ("编码", "code"),
        "price": ("单价(元)", "单价", "price"),
        "boxes": ("箱数", "boxes"),
        "picked_on": ("采摘日期", "picked_on", "picked on"),
        "colour": ("颜色", "colour"),
        "note": ("备注", "note"),
    },
    required=("code", "price", "picked_on", "colour"),
    readers={
        "code": spreadsheets.read_text,
        "price": spreadsheets.read_amount,
        "boxes": spreadsheets.read_whole_number,
        "picked_on": spreadsheets.read_date,
        "colour": spreadsheets.choice_reader({"红": "red", "red": "red", "绿": "green"}, lambda: "Unknown colour."),
        "note": spreadsheets.read_optional_text,
    },
    row_type=FruitRow,
    key_fields=("code", "price"),
    no_rows_message=lambda: "The file has no fruit below the header.",
)


def read(text: str, encoding: str = "utf-8") -> list:
    return read_rows(text.encode(encoding), FRUIT, filename="fruit.csv")


def summary(rows) -> list[tuple]:
    return [(r.row, r.code, r.price, r.boxes, r.picked_on, r.colour, r.note, r.errors) for r in rows]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_a_chinese_csv_reads_in_each_encoding_offices_write(encoding):
    # Given a CSV with Chinese headers (full-width brackets in 单价（元）) in the encoding of the office
    rows = read('编码,单价（元）,箱数,采摘日期,颜色,备注\nF1,"1,234.50",2,2026/10/08,红,早熟\n', encoding)
    # Then the row is typed and numbered as Excel shows it (header on row 1)
    assert summary(rows) == [(2, "F1", Decimal("1234.50"), 2, date(2026, 10, 8), "red", "早熟", [])]


def test_english_headers_in_any_case_and_a_missing_optional_column_keeps_its_default():
    # Given English headers with odd case and spacing, and no boxes or note column
    rows = read("Code,PRICE,Picked On,colour\nF1,¥12,20261008,RED\n")
    # Then the absent columns keep the row type's defaults (1 box, no note)
    assert summary(rows) == [(2, "F1", Decimal("12"), 1, date(2026, 10, 8), "red", "", [])]


def test_a_tab_separated_export_is_read_too():
    rows = read("编码\t单价\t采摘日期\t颜色\nF1\t3\t2026-10-08\t绿\n", "utf-16")
    assert [(r.row, r.code, r.colour) for r in rows] == [(2, "F1", "green")]


def test_each_bad_cell_is_an_error_of_its_field_and_the_row_is_kept():
    rows = read(
        "编码,单价,箱数,采摘日期,颜色\n"
        "F1,abc,1.5,2026-02-30,蓝\n"  # row 2: every typed cell is bad
        ",(100),2,2026-10-08,红\n"  # row 3: no code; (100) is the accounting form of -100
    )
    assert [(r.row, r.errors) for r in rows] == [
        (
            2,
            [
                ("price", "Enter a number."),
                ("boxes", "Enter a whole number."),
                ("picked_on", "Enter a valid date."),
                ("colour", "Unknown colour."),
            ],
        ),
        (3, [("code", "This field is required.")]),
    ]
    assert (rows[0].price, rows[0].boxes, rows[1].price) == (None, None, Decimal("-100"))


def xlsx(*lines) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in lines:
        sheet.append(list(line))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_with_title_rows_reads_from_its_header_and_stops_at_the_total_row():
    # Given a title on row 1, an empty row 2, the header on row 3, two rows, a 合计 row and a note
    content = xlsx(
        ["2026年10月采摘清单"],
        [],
        ["编码", "单价(元)", "箱数", "采摘日期", "颜色"],
        ["F1", 0.1 + 0.2, 2.0, datetime(2026, 10, 8), "红"],  # a float sum reads as the 0.3 Excel shows
        [1001.0, "5", "3", 46303, "绿"],  # a number code reads as text; 46303 is Excel's serial day 2026-10-08
        ["合计", "=SUM(B4:B5)", 5],
        ["制表人：张三"],
    )
    rows = read_rows(content, FRUIT, filename="fruit.xlsx")
    assert summary(rows) == [
        (4, "F1", Decimal("0.3"), 2, date(2026, 10, 8), "red", "", []),
        (5, "1001", Decimal("5"), 3, date(2026, 10, 8), "green", "", []),
    ]


def test_a_row_that_looks_like_data_after_the_end_of_the_table_is_reported_not_dropped():
    rows = read("编码,单价,采摘日期,颜色\nF1,1,2026-10-08,红\n,,,\nF2,2,2026-10-08,红\n总计,3,,\n")
    assert [(r.row, r.errors) for r in rows] == [
        (2, []),
        (
            4,
            [
                (
                    "non_field_errors",
                    "This row comes after an empty row or a total row, which ends the table; it was not read.",
                )
            ],
        ),
    ]


@pytest.mark.parametrize(
    "content, filename, message",
    [
        (b"", "fruit.csv", "The file is empty."),
        (b",,,\n,,\n", "fruit.csv", "The file is empty."),
        (
            b"name,age\nx,1\n",
            "fruit.csv",
            "No header row found in the first 10 rows; the columns needed are: "
            "编码 (code), 单价(元) (price), 采摘日期 (picked_on), 颜色 (colour).",
        ),
        ("编码,单价,颜色\nF1,1,红\n".encode(), "fruit.csv", "Columns missing: 采摘日期 (picked_on)."),
        ("编码,单价,采摘日期,颜色,code\nF1,1,2026-10-08,红,F1\n".encode(), "fruit.csv", "Two columns give 编码 (code)"),
        ("编码,单价,采摘日期,颜色\n".encode(), "fruit.csv", "The file has no fruit below the header."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "fruit.xls", "Old Excel files (.xls) cannot be read"),
        (b"PK\x03\x04 not a zip", "fruit.xlsx", "The file is not a CSV or XLSX file."),
        (b"not,a,zip", "fruit.xlsx", "The file is not a CSV or XLSX file."),
    ],
    ids=["empty", "blank-cells", "no-header", "missing-column", "two-columns", "header-only", "xls", "bad-zip", "name"],
)
def test_a_file_that_cannot_be_read_says_why_in_the_layouts_own_terms(content, filename, message):
    with pytest.raises(SheetFileError) as raised:
        read_rows(content, FRUIT, filename=filename)
    assert raised.value.message.startswith(message), raised.value.message


def test_the_sale_layout_keeps_its_own_names():
    # targets.sale_import is a layout of this reader; its error class and rows are the ones callers know.
    from targets.sale_import import SaleFileError, SaleRow, read_sale_rows

    assert SaleFileError is SheetFileError
    with pytest.raises(SaleFileError, match="The file has no sale rows below the header."):
        read_sale_rows("保单号,工号,渠道,险种,保费(元),承保日期,客户类型,缴费方式\n".encode())
    assert issubclass(SaleRow, spreadsheets.Row)

"""The renewal-cases layout of a list of expiring policies (CSV or XLSX); ``salesops.spreadsheets`` reads it.

Product types and customer groups are read from the words offices use
(车险, 健康险, 高净值, 标准, …) or the codes (auto, A). The rules on the
values (premium above zero, policy number length, …) and the advisors
belong to ``renewals.services.case_import``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from salesops import spreadsheets
from salesops.spreadsheets import Row

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "policy_no": ("保单号", "保单号码", "policy_no", "policy number", "policy"),
    "customer": ("客户", "客户姓名", "投保人", "customer", "customer name"),
    "product_type": ("险种类型", "产品类型", "险种", "product_type", "product type"),
    "premium": ("保费(元)", "保费", "premium"),
    "due_on": ("到期日", "保险止期", "续保日期", "due_on", "due date", "expiry date"),
    "group": ("客户分组", "分组", "group", "customer group"),
    "advisor": ("续保顾问", "顾问工号", "advisor", "advisor employee_no"),
}
REQUIRED_FIELDS = ("policy_no", "customer", "product_type", "premium", "due_on")
PRODUCT_TYPES = {
    "auto": "auto",
    "车险": "auto",
    "机动车辆险": "auto",
    "health": "health",
    "健康险": "health",
    "life": "life",
    "寿险": "life",
    "人寿险": "life",
    "accident": "accident",
    "意外险": "accident",
    "property": "property",
    "财产险": "property",
    "家财险": "property",
    "other": "other",
    "其他": "other",
}
# Keys compared after ``normalise_header`` (lower case, no spaces, full-width folded).
GROUPS = {
    "a": "A",
    "a组": "A",
    "高净值": "A",
    "高净值客户": "A",
    "highnetworth": "A",
    "b": "B",
    "b组": "B",
    "标准": "B",
    "标准客户": "B",
    "standard": "B",
}


@dataclass
class CaseRow(Row):
    """One data row, typed; a cell that could not be read is ``None`` with an error. No group column: B."""

    policy_no: str | None = ""
    customer: str | None = ""
    product_type: str | None = ""
    premium: Decimal | None = None
    due_on: date | None = None
    group: str | None = "B"
    advisor: str | None = ""


_read_group_choice = spreadsheets.choice_reader(GROUPS, lambda: _("The customer group is A or B."))


def _read_group(value: Any) -> str:
    if spreadsheets.is_blank(value):
        return "B"  # standard, unless the file says otherwise
    return _read_group_choice(value)


CASE_LAYOUT = spreadsheets.Layout(
    aliases=HEADER_ALIASES,
    required=REQUIRED_FIELDS,
    readers={
        "policy_no": spreadsheets.read_text,
        "customer": spreadsheets.read_text,
        "product_type": spreadsheets.choice_reader(PRODUCT_TYPES, lambda: _("Unknown product type.")),
        "premium": spreadsheets.read_amount,
        "due_on": spreadsheets.read_date,
        "group": _read_group,
        "advisor": spreadsheets.read_optional_text,
    },
    row_type=CaseRow,
    key_fields=("policy_no", "customer", "premium"),
    no_rows_message=lambda: _("The file has no renewal rows below the header."),
)


def read_case_rows(content: bytes, *, filename: str = "") -> list[CaseRow]:
    """Return the data rows of an export of expiring policies, or raise ``SheetFileError``."""
    return spreadsheets.read_rows(content, CASE_LAYOUT, filename=filename)

"""The sale-records layout of an office's export (CSV or XLSX); ``salesops.spreadsheets`` reads it.

Resolving members, channels, products and branches and the business rules
(no future dates, …) belong to ``targets.services.sales``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from salesops import spreadsheets
from salesops.spreadsheets import Row
from salesops.spreadsheets import SheetFileError as SaleFileError

# Field → accepted header names. Compared after ``normalise_header``, so
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

__all__ = ["SaleFileError", "SaleRow", "read_sale_rows", "SALE_LAYOUT"]


@dataclass
class SaleRow(Row):
    """One data row of the file, typed; a cell that could not be read is ``None`` with an error."""

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


SALE_LAYOUT = spreadsheets.Layout(
    aliases=HEADER_ALIASES,
    required=REQUIRED_FIELDS,
    readers={
        "policy_no": spreadsheets.read_text,
        "member": spreadsheets.read_text,
        "channel": spreadsheets.read_text,
        "product": spreadsheets.read_text,
        "premium": spreadsheets.read_amount,
        "policies": spreadsheets.read_whole_number,
        "sold_on": spreadsheets.read_date,
        "customer_kind": spreadsheets.choice_reader(CUSTOMER_KINDS, lambda: _("Unknown customer kind.")),
        "payment_mode": spreadsheets.choice_reader(PAYMENT_MODES, lambda: _("Unknown payment mode.")),
        "bank_branch": spreadsheets.read_optional_text,
    },
    row_type=SaleRow,
    key_fields=("policy_no", "member", "premium"),
    no_rows_message=lambda: _("The file has no sale rows below the header."),
)


def read_sale_rows(content: bytes, *, filename: str = "") -> list[SaleRow]:
    """Return the data rows of a CSV or XLSX export of sale records, or raise ``SaleFileError``."""
    return spreadsheets.read_rows(content, SALE_LAYOUT, filename=filename)

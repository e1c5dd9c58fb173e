"""The case import page: upload a CSV or XLSX of expiring policies and read the report; a template to fill."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renewals.case_import import HEADER_ALIASES
from renewals.selectors.cases import require_renewal_manager
from renewals.services.case_import import cases_import
from salesops.import_report import import_status, run_import
from salesops.views import member_required
from targets import exports
from targets.services.sales import ImportMode

# The report names a field as the file's column does.
FIELD_LABELS = {
    "policy_no": gettext_lazy("Policy number"),
    "customer": gettext_lazy("Customer"),
    "product_type": gettext_lazy("Product type"),
    "premium": gettext_lazy("Premium"),
    "due_on": gettext_lazy("Due on"),
    "group": gettext_lazy("Customer group"),
    "advisor": gettext_lazy("Advisor"),
    "non_field_errors": gettext_lazy("Row"),
}
# Two example rows of the template: a group B auto policy and a group A life policy, no advisor yet.
TEMPLATE_ROWS = [
    ("PA2026110001", "王建国", "车险", Decimal("4860.00"), date(2026, 12, 15), "标准", None),
    ("PL2026110002", "陈美玲", "寿险", Decimal("36000.00"), date(2027, 1, 8), "高净值", None),
]
# Number formats of the template's columns: premium in yuan to the fen, the due date as a date.
TEMPLATE_FORMATS = {"premium": exports.MONEY_FORMAT, "due_on": "yyyy-mm-dd"}


@member_required
def import_page(request):
    """GET: the form; POST: run the import and show its counts and every bad row (400 when nothing was saved)."""
    require_renewal_manager(request.member)
    context: dict = {"modes": ImportMode.choices, "mode": request.POST.get("mode") or ImportMode.ALL_OR_NOTHING}
    status = 200
    if request.method == "POST":
        context.update(run_import(request, cases_import, FIELD_LABELS))
        status = import_status(context)
    return render(request, "renewals/import.html", context, status=status)


@member_required
def import_template(request):
    """An XLSX with the Chinese headers the import reads and two example rows."""
    require_renewal_manager(request.member)
    columns = [
        exports.Column(aliases[0], TEMPLATE_FORMATS.get(name), width=16) for name, aliases in HEADER_ALIASES.items()
    ]
    content = exports.workbook_bytes(sheet_title=_("Renewal cases"), columns=columns, rows=iter(TEMPLATE_ROWS))
    return exports.xlsx_response(content, "renewal-cases-template.xlsx")


urlpatterns = [
    path("import/", import_page, name="renewals-import"),
    path("import/template.xlsx", import_template, name="renewals-import-template"),
]

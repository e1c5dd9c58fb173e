"""The sale records page: the sales in the caller's scope, the import form and its report, XLSX export.

The import calls the same service as ``POST /api/v1/sales/import/``; the page
only shows its report (every bad row with its row number, field and reason).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesops.import_report import import_status, run_import
from salesops.views import member_required
from targets import exports
from targets.models import SaleRecord
from targets.selectors.sales import sale_record_list
from targets.services import sales as services
from targets.views.plans import TARGET_ROLES, format_number

PAGE_SIZE = 50
# The report names a field as the file's column does.
FIELD_LABELS = {
    "policy_no": gettext_lazy("Policy number"),
    "member": gettext_lazy("Employee number"),
    "channel": gettext_lazy("Channel"),
    "product": gettext_lazy("Product"),
    "premium": gettext_lazy("Premium"),
    "policies": gettext_lazy("Policies"),
    "sold_on": gettext_lazy("Date written"),
    "customer_kind": gettext_lazy("Customer kind"),
    "payment_mode": gettext_lazy("Payment mode"),
    "bank_branch": gettext_lazy("Bank branch"),
    "non_field_errors": gettext_lazy("Row"),
}


def _may_write(actor) -> bool:
    try:
        services.require_sale_writer(actor)
    except PermissionDenied:
        return False
    return True


def _filters(request) -> dict:
    return {key: parse_date(request.GET.get(key) or "") for key in ("from", "to") if request.GET.get(key)}


@member_required
def sales_page(request):
    actor = request.member
    if actor.role not in TARGET_ROLES:
        raise PermissionDenied
    may_write = _may_write(actor)
    context: dict = {"may_write": may_write, "modes": services.ImportMode.choices}
    status = 200
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        context.update(run_import(request, services.sale_records_import, FIELD_LABELS))
        status = import_status(context)
    filters = _filters(request)
    queryset = sale_record_list(tenant=actor.tenant, actor=actor, filters=filters).select_related(
        "member", "bank_branch"
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        {
            "page": page,
            "rows": [_row(sale) for sale in page.object_list],
            "filters": {key: value.isoformat() for key, value in filters.items()},
            "mode": request.POST.get("mode") or services.ImportMode.ALL_OR_NOTHING,
        }
    )
    return render(request, "targets/sales_page.html", context, status=status)


def _row(sale: SaleRecord) -> dict:
    return {
        "policy_no": sale.policy_no,
        "sold_on": sale.sold_on,
        "member": sale.member.display_name,
        "employee_no": sale.member.employee_no,
        "channel": sale.channel.name,
        "product": sale.product.name,
        "premium": format_number(sale.premium, 2),
        "policies": sale.policies,
        "customer_kind": sale.get_customer_kind_display(),
        "payment_mode": sale.get_payment_mode_display(),
        "bank_branch": sale.bank_branch.code if sale.bank_branch else "",
    }


@member_required
def sales_xlsx(request):
    """The sales of the page's filter in the caller's scope, one row per policy, amounts as numbers."""
    actor = request.member
    if actor.role not in TARGET_ROLES:
        raise PermissionDenied
    columns = [
        exports.Column(_("Policy number"), width=16),
        exports.Column(_("Employee number"), width=14),
        exports.Column(_("Agent"), width=16),
        exports.Column(_("Channel"), width=12),
        exports.Column(_("Product"), width=16),
        exports.Column(_("Premium (yuan)"), exports.MONEY_FORMAT, width=16),
        exports.Column(_("Policies"), exports.COUNT_FORMAT, width=10),
        exports.Column(_("Date written"), width=12),
        exports.Column(_("Customer kind"), width=12),
        exports.Column(_("Payment mode"), width=12),
        exports.Column(_("Bank branch"), width=14),
    ]
    kinds = dict(SaleRecord.CustomerKind.choices)
    modes = dict(SaleRecord.PaymentMode.choices)
    records = (
        sale_record_list(tenant=actor.tenant, actor=actor, filters=_filters(request))
        .values_list(
            "policy_no",
            "member__employee_no",
            "member__display_name",
            "channel__name",
            "product__name",
            "premium",
            "policies",
            "sold_on",
            "customer_kind",
            "payment_mode",
            "bank_branch__code",
        )
        .iterator(chunk_size=5000)
    )
    rows = (
        (
            policy_no,
            employee_no or None,
            name,
            channel,
            product,
            premium,
            policies,
            sold_on.isoformat(),
            str(kinds[kind]),
            str(modes[mode]),
            branch,
        )
        for policy_no, employee_no, name, channel, product, premium, policies, sold_on, kind, mode, branch in records
    )
    content = exports.workbook_bytes(sheet_title=_("Sale records"), columns=columns, rows=rows)
    return exports.xlsx_response(content, "sales.xlsx")

"""The funnel pages: ``/customers/funnel/`` and the stage section of the customer page.

- ``/customers/funnel/`` (``customers-funnel-page``): for a period (``from``,
  ``to``; this quarter so far by default) and a unit, the conversion of the
  viewer's book as a funnel chart and a table of the stages; each agent's
  rate per step beside the team's median, with the step where they lose
  the most customers; the teams and branches; the churn warnings. Every
  table exports to XLSX (``customers-funnel-page-xlsx``).
- A section of the customer page (``customer_sections.register``): the
  current stage, the stage history, the quotes, a form to move the stage
  (a move back needs its reason) and one to record a quote. Both post to
  ``/customers/<id>/stage/`` (``customer-stage-action``, ``action`` =
  ``stage`` or ``quote``), which goes back to ``/customers/<id>/`` with a
  message: "saved", or the errors by field with nothing saved.

Bank staff and the renewal roles have no customer book: 403.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from activities.models.customers import Customer
from activities.pages import funnel_content as content
from activities.pages.customer_sections import register
from activities.selectors import funnel as selectors
from activities.selectors.customers import access_customer_by_id, require_book_reader
from activities.services import funnel as services
from dashboards.pages import export_table, render_dashboard
from dashboards.tables import Table
from salesops.forms import add_service_errors
from salesops.org.models import Member
from salesops.org.selectors import access_unit_by_id, product_list, tenant_today, unit_list
from salesops.views import member_required

PAGE_TEMPLATE = "activities/customers/funnel.html"
SECTION_TEMPLATE = "activities/customers/_stage.html"


def _date_field(label, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class FunnelFilters(forms.Form):
    """The period (``from``, ``to``) and the unit the funnel page shows."""

    unit = forms.TypedChoiceField(label=gettext_lazy("Unit"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, actor: Member, today: date):
        super().__init__(data)
        self.today = today
        # "from" is a Python keyword: the fields are added by name.
        self.fields = {
            "from": _date_field(gettext_lazy("From")),
            "to": _date_field(gettext_lazy("To")),
            "unit": self.fields["unit"],
        }
        self.fields["unit"].choices = [
            ("", _("All")),
            *((u.pk, u.name) for u in unit_list(tenant=actor.tenant, actor=actor)),
        ]

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["period"] = selectors.funnel_period(
                start=cleaned.get("from"), end=cleaned.get("to"), today=self.today
            )
        except ValidationError as error:
            add_service_errors(self, error)
        return cleaned

    def values(self) -> dict[str, Any]:
        """The valid values; the defaults for a field in error (the page says which)."""
        cleaned = self.cleaned_data if self.is_bound else {}
        start, end = cleaned.get("period") or selectors.funnel_period(start=None, end=None, today=self.today)
        return {"from": start, "to": end, "unit": cleaned.get("unit") if "unit" not in self.errors else None}


def _funnel_page(request, _object_id=None) -> tuple[dict[str, Any], dict[str, Table], dict[str, Any]]:
    actor = request.member
    tenant = actor.tenant
    require_book_reader(actor)
    form = FunnelFilters(request.GET, actor=actor, today=tenant_today(tenant))
    form.is_valid()
    values = form.values()
    unit = access_unit_by_id(tenant=tenant, actor=actor, id=values["unit"]) if values["unit"] else None
    funnel = selectors.funnel_conversion(tenant=tenant, actor=actor, start=values["from"], end=values["to"], unit=unit)
    churn = list(selectors.churn_warnings(tenant=tenant, actor=actor))
    tables = content.funnel_tables(funnel, churn, customer_url=customer_url)
    data = {"funnel": funnel, "churn": churn}
    context = {"form": form, "values": values, "data": data, "unit": unit}
    return data, tables, context


@member_required
def funnel_page(request):
    data, tables, context = _funnel_page(request)
    figure = content.funnel_figure(data["funnel"])
    return render_dashboard(request, PAGE_TEMPLATE, context, tables, {"funnel": figure} if figure else {})


@member_required
def funnel_xlsx(request, table: str):
    return export_table(request, _funnel_page, None, table, "customers-funnel")


# --- the customer page's section ------------------------------------------------------------------


def customer_url(customer_id: int) -> str:
    """The customer page (the book's part); its path as a string until that part is mounted."""
    try:
        return reverse("customer-page", kwargs={"customer_id": customer_id})
    except NoReverseMatch:
        return f"/customers/{customer_id}/"


class StageForm(forms.Form):
    """A move to another stage: the fields of ``services.funnel.stage_change`` by the same names."""

    to_stage = forms.ChoiceField(label=gettext_lazy("Move to"), choices=Customer.Stage.choices)
    changed_on = _date_field(gettext_lazy("Date"))
    reason = forms.CharField(
        label=gettext_lazy("Reason (needed for a move back)"),
        required=False,
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QuoteForm(forms.Form):
    """A quote: the fields of ``services.funnel.quote_record`` by the API's names."""

    product = forms.ChoiceField(label=gettext_lazy("Product"))
    premium = forms.DecimalField(
        label=gettext_lazy("Annual premium (yuan)"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )
    quoted_on = _date_field(gettext_lazy("Date"), required=True)

    def __init__(self, data=None, *, products, today: date, auto_id: str = "id_%s"):
        super().__init__(data, initial={"quoted_on": today}, auto_id=auto_id)
        self.fields["product"].choices = [(product.code, product.name) for product in products]


@register
def stage_section(request, customer: Customer, full: bool) -> dict[str, Any] | None:
    """The customer page's funnel section: stage, history, quotes, and the forms to move and to quote."""
    if customer.erased_at is not None:
        return None
    actor = request.member
    tenant = actor.tenant
    today = tenant_today(tenant)
    stage = {
        "customer_id": customer.pk,
        "current": customer.get_stage_display(),
        "current_key": customer.stage,
        "since": customer.stage_changed_on,
        "history": list(selectors.stage_history(tenant=tenant, customer=customer)),
        "quotes": list(selectors.quote_list(tenant=tenant, customer=customer)),
        # Own ids: the customer page holds the other parts' forms too.
        "stage_form": StageForm(initial={"changed_on": today}, auto_id="stage-%s"),
        "quote_form": QuoteForm(products=product_list(tenant=tenant), today=today, auto_id="quote-%s"),
        "action": reverse("customer-stage-action", kwargs={"customer_id": customer.pk}),
        "today": today,
    }
    return {"template": SECTION_TEMPLATE, "stage": stage}


def _report_errors(request, form: forms.Form, what: str) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else what
        for message in errors:
            messages.error(request, f"{label}: {message}", extra_tags=f"funnel field-{name}")


@member_required
@require_POST
def customer_stage_action(request, customer_id: int):
    """Move the customer's stage or record a quote (``action``); back to the customer page either way."""
    actor = request.member
    tenant = actor.tenant
    customer = access_customer_by_id(tenant=tenant, actor=actor, id=customer_id)
    back = customer_url(customer.pk)
    today = tenant_today(tenant)
    action = request.POST.get("action", "stage")
    form: forms.Form
    if action == "quote":
        form = QuoteForm(request.POST, products=product_list(tenant=tenant), today=today)
        what = _("Quote")
    else:
        form = StageForm(request.POST)
        what = _("Stage")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "quote":
                services.quote_record(
                    tenant=tenant,
                    actor=actor,
                    customer=customer,
                    product_code=data["product"],
                    premium=data["premium"],
                    quoted_on=data["quoted_on"],
                    today=today,
                )
                done = _("Quote recorded.")
            else:
                change = services.stage_change(
                    tenant=tenant,
                    actor=actor,
                    customer=customer,
                    to_stage=data["to_stage"],
                    changed_on=data["changed_on"],
                    reason=data["reason"],
                    today=today,
                )
                done = _("Moved to “%(stage)s”.") % {"stage": change.get_to_stage_display()}
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(back)
    _report_errors(request, form, what)
    return redirect(back)


urlpatterns = [
    path("customers/funnel/", funnel_page, name="customers-funnel-page"),
    path("customers/funnel/<slug:table>.xlsx", funnel_xlsx, name="customers-funnel-page-xlsx"),
    path("customers/<int:customer_id>/stage/", customer_stage_action, name="customer-stage-action"),
]

"""The tiers and needs analysis on the customer page, and the customer rules page.

- A section of the customer page (``customer_sections.register``): the
  customer's tier on today's facts, the rule it met (why), the suggested
  next action, and, for readers in full (the owner and their supervisors),
  the needs-analysis form (household income, existing cover per product)
  with the saved result: the budget range against the existing cover and
  the gap per product, as bars.
- ``/customers/<id>/needs/`` (POST, ``customer-needs-action``): runs the
  analysis and goes back to ``/customers/<id>/`` with a message; a form in
  error comes back filled in with the errors by field, nothing saved.
- ``/customers/rules/`` (``customer-rules-page``): the tier rules in words,
  the tiers counted per unit (chart) and per agent (tables, XLSX via
  ``customer-rules-page-xlsx``) over the viewer's book; company managers
  and admins set the thresholds there (phone form, errors by field).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.models.customers import Customer, CustomerPolicy
from activities.pages import tiers_content as content
from activities.pages.customer_sections import register
from activities.selectors.customers import access_customer_by_id, reads_in_full, require_book_reader
from activities.selectors.tiers import customer_verdict, policy_for, tier_summary
from activities.services.needs import needs_analyse
from activities.services.tiers import customer_policy_update
from dashboards.pages import answer_page_form, export_table, run_page_form
from salesops.forms import add_service_errors
from salesops.org.models import Member
from salesops.org.selectors import product_list, tenant_today
from salesops.views import member_required

SECTION_TEMPLATE = "activities/customers/_tier_needs.html"
RULES_TEMPLATE = "activities/customers/tier_rules.html"
# A needs form sent with errors waits here (per customer) for the customer page to show it again.
PENDING_NEEDS_FORM = "tier-needs-form-{id}"
# Who opens the rules page: the leaders with a customer book (the form: company managers and admins).
RULES_READERS = frozenset({Member.Role.TENANT_ADMIN, Member.Role.MANAGER, Member.Role.SUPERVISOR})


def _amount_field(label: str, *, required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )


class NeedsForm(forms.Form):
    """The household's annual income and the annual premium of its cover per product (blank: none)."""

    def __init__(self, data=None, *, products, initial=None):
        super().__init__(data, initial=initial)
        self.products = list(products)
        self.fields["income"] = _amount_field(_("Household annual income (yuan)"), required=True)
        for product in self.products:
            self.fields[f"cover_{product.code}"] = _amount_field(
                _("Existing cover: %(product)s (annual premium, yuan)") % {"product": product.name}, required=False
            )

    @classmethod
    def initial_from(cls, household: dict) -> dict[str, Any]:
        initial: dict[str, Any] = {"income": household.get("income")}
        for code, amount in (household.get("cover") or {}).items():
            initial[f"cover_{code}"] = amount
        return initial

    def cover(self) -> dict[str, Any]:
        return {
            product.code: self.cleaned_data[f"cover_{product.code}"]
            for product in self.products
            if self.cleaned_data.get(f"cover_{product.code}") is not None
        }


@register
def tier_needs_section(request, customer: Customer, full: bool) -> dict[str, Any] | None:
    """The customer page's tier and needs section (the form only for readers in full)."""
    actor = request.member
    tenant = actor.tenant
    verdict = customer_verdict(tenant=tenant, customer=customer, today=tenant_today(tenant))
    data: dict[str, Any] = {
        "customer_id": customer.pk,
        "tier": verdict.tier,
        "tier_label": content.tier_label(verdict.tier),
        "reason": verdict.reason,
        "next_action": verdict.next_action,
        "stored": customer.tier,
        "stored_label": content.tier_label(customer.tier),
        "computed_on": customer.tier_computed_on,
        "full": full,
    }
    if full:
        products = list(product_list(tenant=tenant))
        pending = request.session.pop(PENDING_NEEDS_FORM.format(id=customer.pk), None)
        if pending is not None:
            form = NeedsForm(pending, products=products)
            form.is_valid()
        else:
            form = NeedsForm(products=products, initial=NeedsForm.initial_from(customer.household or {}))
        data.update(
            form=form,
            action=reverse("customer-needs-action", kwargs={"customer_id": customer.pk}),
            result=content.needs_bars(customer.needs or {}, content.product_names(products)),
        )
    # ``tier_needs`` whole: the template reads it as ``section.tier_needs`` or ``tier_needs``.
    return {"template": SECTION_TEMPLATE, "tier_needs": data}


@member_required
@require_POST
def needs_action(request, customer_id: int):
    """Run the needs analysis from the customer page's form; back to the customer page either way."""
    actor = request.member
    tenant = actor.tenant
    customer = access_customer_by_id(tenant=tenant, actor=actor, id=customer_id)
    if not reads_in_full(actor, customer):
        raise PermissionDenied(_("Only the customer's agent and their supervisors may see the household's figures."))
    form = NeedsForm(request.POST, products=product_list(tenant=tenant))
    back = reverse("customer-page", kwargs={"customer_id": customer.pk})
    if form.is_valid():
        try:
            needs_analyse(
                tenant=tenant, actor=actor, customer=customer, income=form.cleaned_data["income"], cover=form.cover()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Needs analysis saved."))
            return redirect(back)
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else _("Needs analysis")
        for message in errors:
            messages.error(request, f"{label}: {message}", extra_tags=f"needs field-{name}")
    request.session[PENDING_NEEDS_FORM.format(id=customer.pk)] = {
        name: request.POST.get(name, "") for name in form.fields
    }
    return redirect(back)


class NoFilters(forms.Form):
    """The rules page has nothing to filter; ``render_dashboard`` and ``export_table`` still read a form."""


def _months_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=1, max_value=120, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


def _percent_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class CustomerRulesForm(forms.Form):
    """The tenant's customer rules: tier thresholds, the household budget, the churn warning."""

    tier_a_months = _months_field(CustomerPolicy._meta.get_field("tier_a_months").verbose_name)
    tier_a_premium = forms.DecimalField(
        label=CustomerPolicy._meta.get_field("tier_a_premium").verbose_name,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    tier_b_months = _months_field(CustomerPolicy._meta.get_field("tier_b_months").verbose_name)
    tier_c_policy_months = _months_field(CustomerPolicy._meta.get_field("tier_c_policy_months").verbose_name)
    budget_low_percent = _percent_field(CustomerPolicy._meta.get_field("budget_low_percent").verbose_name)
    budget_high_percent = _percent_field(CustomerPolicy._meta.get_field("budget_high_percent").verbose_name)
    churn_quotes = forms.IntegerField(
        label=CustomerPolicy._meta.get_field("churn_quotes").verbose_name,
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _require_rules_reader(actor: Member) -> None:
    require_book_reader(actor)
    if actor.role not in RULES_READERS:
        raise PermissionDenied(_("Only leaders see the customer rules page."))


def _rules_page(request, _object_id=None):
    actor = request.member
    _require_rules_reader(actor)
    tenant = actor.tenant
    policy = policy_for(tenant)
    by_unit = tier_summary(tenant=tenant, actor=actor, by="unit")
    by_agent = tier_summary(tenant=tenant, actor=actor, by="owner")
    tables = {"units": content.summary_table(by_unit), "agents": content.summary_table(by_agent)}
    context = {
        "form": NoFilters(),
        "policy": policy,
        "rules": content.rules_text(policy),
        "totals": by_agent.totals,
        "computed_on": by_agent.computed_on,
    }
    return {"units": by_unit, "agents": by_agent}, tables, context


@member_required
def rules_page(request):
    actor = request.member
    _require_rules_reader(actor)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and not actor.sets_company_policy:
        raise PermissionDenied(_("Only a company manager or an administrator may set the customer rules."))
    rules_form = None
    saved = False
    if actor.sets_company_policy:
        policy = policy_for(actor.tenant)
        initial = {name: getattr(policy, name) for name in CustomerRulesForm.base_fields}
        rules_form = CustomerRulesForm(request.POST if action == "rules" else None, initial=initial)
        if action == "rules":
            form = rules_form
            saved = run_page_form(
                request,
                form,
                lambda: customer_policy_update(tenant=actor.tenant, actor=actor, **form.cleaned_data),
                _("Customer rules saved; the book was re-tiered on them."),
            )
    data, tables, context = _rules_page(request)
    context["rules_form"] = rules_form
    figures = {"tiers": content.tiers_figure(data["units"])} if data["units"].rows else {}
    return answer_page_form(request, saved, RULES_TEMPLATE, context, tables, figures)


@member_required
def rules_xlsx(request, table: str):
    return export_table(request, _rules_page, None, table, "customer-rules")


urlpatterns = [
    path("customers/rules/", rules_page, name="customer-rules-page"),
    path("customers/rules/<slug:table>.xlsx", rules_xlsx, name="customer-rules-page-xlsx"),
    path("customers/<int:customer_id>/needs/", needs_action, name="customer-needs-action"),
]

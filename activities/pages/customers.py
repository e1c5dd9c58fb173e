"""The customer book's pages: ``/customers/`` (the book) and ``/customers/<id>/`` (one customer).

The book: search and filters (stage, tier, source, owner), a chart of the
book by stage, the table (phones masked for readers who do not read the
owner's personal data in full), its XLSX export (every download logged in
``PersonalDataExport``), and a phone form to add a customer. A phone already
in the tenant's book is refused by the phone field, with a link to the
existing entry (when the caller may read it) where the merge is offered.

A customer: the facts (masked or full), the edit form (full readers), the
owner's change (managers, admins), the merge of a duplicate into it (full
readers), the erasure on request (supervisors, managers, admins, with a
reason), then the sections the funnel, tiers and objections parts register
(``activities.pages.customer_sections``), in order.

Every id goes through ``access_customer_by_id``: another tenant's, another
team's or an erased customer is a 404; bank and renewal roles get a 403.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models.customers import Customer
from activities.pages.customer_sections import sections_for
from activities.selectors import customers as selectors
from activities.services import customers as services
from dashboards import figures
from dashboards.pages import export_table, render_dashboard
from dashboards.tables import Column, Table, page_rows
from salesops.forms import add_service_errors
from salesops.org.models import Member, Product
from salesops.org.selectors import tenant_today
from salesops.tenancy import member_scope_q
from salesops.views import member_required

Role = Member.Role
# The rows the book's page shows; the XLSX export has them all.
PAGE_ROWS = 100
# Entries offered in a choice list (the referrer, the duplicate to merge); beyond it, enter the id.
CHOICES_MAX = 300


def _date_field(label, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _owners(actor: Member) -> list[tuple[int, str]]:
    """The people whose book ``actor`` may add to (active agents and supervisors in scope)."""
    members = Member.objects.filter(
        member_scope_q(actor), tenant=actor.tenant, active=True, role__in=services.OWNER_ROLES
    ).order_by("unit__path", "display_name", "id")
    return [(member.pk, member.display_name) for member in members]


class BookFilters(forms.Form):
    """The book's search and filters (the GET form of the dashboard layout)."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), required=False)
    tier = forms.ChoiceField(label=gettext_lazy("Tier"), required=False)
    source = forms.ChoiceField(label=gettext_lazy("Source"), required=False)
    owner = forms.TypedChoiceField(label=gettext_lazy("Agent"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, actor: Member):
        super().__init__(data)
        every = [("", _("All"))]
        self.fields["q"].widget.attrs.update(placeholder=_("Name or phone"), inputmode="search")
        self.fields["stage"].choices = every + list(Customer.Stage.choices)
        self.fields["tier"].choices = every + list(Customer.Tier.choices)
        self.fields["source"].choices = every + list(Customer.Source.choices)
        if actor.role == Role.AGENT:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = every + _owners(actor)

    def values(self) -> dict[str, Any]:
        cleaned = self.cleaned_data if self.is_bound else {}
        return {name: cleaned.get(name) for name in self.fields if name not in self.errors}


class CustomerFactsForm(forms.Form):
    """The facts of a book entry, by the service's names (errors land by field)."""

    owner = forms.TypedChoiceField(label=gettext_lazy("Agent"), coerce=int, empty_value=None)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=services.NAME_MAX)
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "138 1234 1234"}),
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Source"), choices=Customer.Source.choices, widget=forms.RadioSelect, initial="own"
    )
    referred_by = forms.TypedChoiceField(
        label=gettext_lazy("Referred by"), required=False, coerce=int, empty_value=None
    )
    source_event = forms.CharField(label=gettext_lazy("Event"), required=False, max_length=services.EVENT_MAX)
    consent = forms.ChoiceField(
        label=gettext_lazy("Consent to keep their data"),
        choices=Customer.Consent.choices,
        widget=forms.RadioSelect,
        initial="pending",
    )
    acquired_on = _date_field(gettext_lazy("Acquired on"))
    birthday = _date_field(gettext_lazy("Birthday"))
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, max_length=services.NOTES_MAX, widget=forms.Textarea({"rows": 3})
    )

    def __init__(
        self, data=None, *, actor: Member, today: date, initial: dict | None = None, exclude: int | None = None
    ):
        super().__init__(data, initial=initial or {"owner": actor.pk, "acquired_on": today})
        if actor.role == Role.AGENT:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = _owners(actor)
        referrers = selectors.customer_list(tenant=actor.tenant, actor=actor).exclude(pk=exclude)[:CHOICES_MAX]
        self.fields["referred_by"].choices = [("", "—")] + [(c.pk, f"{c.name} #{c.pk}") for c in referrers]
        self.fields["acquired_on"].widget.attrs["max"] = today.isoformat()


class ReassignForm(forms.Form):
    owner = forms.TypedChoiceField(label=gettext_lazy("Agent"), coerce=int, empty_value=None)

    def __init__(self, data=None, *, actor: Member, customer: Customer):
        super().__init__(data, initial={"owner": customer.owner_id})
        self.fields["owner"].choices = _owners(actor)


class MergeForm(forms.Form):
    duplicate = forms.TypedChoiceField(
        label=gettext_lazy("The duplicate entry to merge into this one"), coerce=int, empty_value=None
    )

    def __init__(self, data=None, *, actor: Member, customer: Customer):
        super().__init__(data)
        others = (
            selectors.customer_list(tenant=actor.tenant, actor=actor)
            .filter(selectors.full_read_q(actor))
            .exclude(pk=customer.pk)
        )
        # Entries with the same name first: the likely duplicates.
        same = [c for c in others.filter(name=customer.name)[:CHOICES_MAX]]
        rest = [c for c in others.exclude(name=customer.name)[:CHOICES_MAX]]
        self.fields["duplicate"].choices = [("", "—")] + [
            (c.pk, f"{c.name} #{c.pk} · {c.phone or '—'} · {c.owner.display_name}") for c in same + rest
        ]


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the customer's request)"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea({"rows": 2}),
    )


class NoFilters(forms.Form):
    """The customer page has nothing to filter."""


# The book's table ------------------------------------------------------------------------------


def _customer_link(customer_id: int) -> str:
    return reverse("customer-page", kwargs={"customer_id": customer_id})


def book_table(rows: list[dict[str, Any]], *, total: int | None) -> Table:
    return Table(
        "customers",
        _("Customer book"),
        [
            Column("name", _("Name"), link="link", width=16),
            Column("phone", _("Phone"), width=14),
            Column("stage", _("Stage"), width=14),
            Column("tier", _("Tier"), width=6),
            Column("owner", _("Agent"), width=14),
            Column("source", _("Source"), width=12),
            Column("consent", _("Consent"), width=12),
            Column("acquired_on", _("Acquired on"), width=12),
            Column("last_contact_on", _("Last contact"), width=12),
        ],
        rows,
        total=total,
    )


def _row(actor: Member, customer: Customer) -> dict[str, Any]:
    full = selectors.reads_in_full(actor, customer)
    return {
        "name": customer.name,
        "link": _customer_link(customer.pk),
        "phone": customer.phone if full else selectors.mask_phone(customer.phone),
        "stage": customer.get_stage_display(),
        "tier": customer.tier or "—",
        "owner": customer.owner.display_name,
        "source": customer.get_source_display(),
        "consent": customer.get_consent_display(),
        "acquired_on": customer.acquired_on.isoformat(),
        "last_contact_on": customer.last_contact_on.isoformat() if customer.last_contact_on else "",
        "masked": not full,
    }


def _book_page(request, _object_id=None, *, every_row: bool = False):
    actor = request.member
    selectors.require_book_reader(actor)
    form = BookFilters(request.GET, actor=actor)
    form.is_valid()
    queryset = selectors.customer_list(tenant=actor.tenant, actor=actor, filters=form.values())
    customers, total = page_rows(list(queryset), PAGE_ROWS, every=every_row)
    rows = [_row(actor, customer) for customer in customers]
    by_stage = dict(queryset.order_by().values_list("stage").annotate(count=Count("id")))
    data = {"rows": rows, "count": total if total is not None else len(rows), "by_stage": by_stage}
    context = {"form": form, "data": data, "values": {}}
    return data, {"customers": book_table(rows, total=total)}, context


def _book_figures(data: dict[str, Any]) -> dict[str, dict]:
    if not data["by_stage"]:
        return {}
    stages = [(label, data["by_stage"].get(value, 0)) for value, label in Customer.Stage.choices]
    return {
        "stages": figures.count_bars(
            names=[str(label) for label, _count in stages],
            counts=[count for _label, count in stages],
            labels=figures.Labels(_("The book by stage"), _("Customers"), _("Stage")),
        )
    }


def _duplicate_link(error: ValidationError) -> dict[str, Any] | None:
    duplicate = services.duplicate_of(error)
    if duplicate is None:
        return None
    return {"id": duplicate, "url": _customer_link(duplicate)}


@member_required
def book_page(request):
    actor = request.member
    tenant = actor.tenant
    selectors.require_book_reader(actor)
    today = tenant_today(tenant)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    create_form = CustomerFactsForm(request.POST if action == "create" else None, actor=actor, today=today)
    duplicate = None
    if action == "create" and create_form.is_valid():
        fields = dict(create_form.cleaned_data)
        try:
            customer = services.customer_create(
                tenant=tenant,
                actor=actor,
                owner_id=fields.pop("owner", None),
                referred_by_id=fields.pop("referred_by"),
                today=today,
                **fields,
            )
        except ValidationError as error:
            add_service_errors(create_form, error)
            duplicate = _duplicate_link(error)
        else:
            messages.success(request, _("%(name)s added to the book.") % {"name": customer.name})
            return redirect("customer-page", customer_id=customer.pk)
    data, tables, context = _book_page(request)
    context.update(create_form=create_form, duplicate=duplicate)
    return render_dashboard(
        request, "activities/customers/book.html", context, tables, _book_figures(data), form_refused=bool(action)
    )


@member_required
def book_xlsx(request, table: str):
    """The book as XLSX (every row, phones masked as on the page): logged as a personal-data export."""
    actor = request.member
    built = _book_page(request, every_row=True)
    data = built[0]
    response = export_table(request, lambda _request, _id: built, None, table, "customers")
    if response.status_code == 200:
        services.export_personal_data(
            tenant=actor.tenant,
            actor=actor,
            what=f"customers-page-xlsx:{table}",
            rows=len(data["rows"]),
            masked=any(row["masked"] for row in data["rows"]),
        )
    return response


# One customer -------------------------------------------------------------------------------


def _facts(customer: Customer, full: bool) -> dict[str, Any]:
    shown = selectors.customer_dict(customer, full=full)
    household = shown["household"]
    # The cover is kept by product code; the page names the product.
    product_names = (
        dict(Product.objects.filter(tenant=customer.tenant).values_list("code", "name")) if household else {}
    )
    return {
        **shown,
        "stage_label": customer.get_stage_display(),
        "source_label": customer.get_source_display(),
        "consent_label": customer.get_consent_display(),
        "referred_by_name": customer.referred_by.name if customer.referred_by_id and customer.referred_by else "",
        "birthday": customer.birthday if full else None,
        "household_rows": [
            (_("Household income (yuan a year)"), household.get("income")),
            (_("Household members"), household.get("members")),
        ]
        + [
            (_("Cover: %(product)s (yuan a year)") % {"product": product_names.get(code, code)}, amount)
            for code, amount in household.get("cover", {}).items()
        ]
        if household
        else [],
    }


@member_required
def customer_page(request, customer_id: int):
    actor = request.member
    tenant = actor.tenant
    today = tenant_today(tenant)
    customer = selectors.access_customer_by_id(tenant=tenant, actor=actor, id=customer_id)
    full = selectors.reads_in_full(actor, customer)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    edits = full
    reassigns = not full and services.may_reassign(actor, customer)
    erases = actor.role in services.ERASER_ROLES
    if (action in ("update", "merge") and not edits) or (action == "reassign" and not reassigns):
        raise PermissionDenied(_("Only the owner and their supervisors change a customer's facts."))
    if action == "erase" and not erases:
        raise PermissionDenied(_("Ask your supervisor to erase a customer: an agent alone may not."))

    initial = {
        "owner": customer.owner_id,
        "name": customer.name,
        "phone": customer.phone,
        "source": customer.source,
        "referred_by": customer.referred_by_id,
        "source_event": customer.source_event,
        "consent": customer.consent,
        "acquired_on": customer.acquired_on,
        "birthday": customer.birthday,
        "notes": customer.notes,
    }
    edit_form = (
        CustomerFactsForm(
            request.POST if action == "update" else None, actor=actor, today=today, initial=initial, exclude=customer.pk
        )
        if edits
        else None
    )
    reassign_form = (
        ReassignForm(request.POST if action == "reassign" else None, actor=actor, customer=customer)
        if reassigns
        else None
    )
    merge_form = (
        MergeForm(request.POST if action == "merge" else None, actor=actor, customer=customer) if edits else None
    )
    erase_form = EraseForm(request.POST if action == "erase" else None) if erases else None

    try:
        if action == "update" and edit_form is not None and edit_form.is_valid():
            changes = {name: value for name, value in edit_form.cleaned_data.items() if initial.get(name) != value}
            services.customer_update(tenant=tenant, actor=actor, customer=customer, data=changes, today=today)
            messages.success(request, _("Customer saved."))
            return redirect("customer-page", customer_id=customer.pk)
        if action == "reassign" and reassign_form is not None and reassign_form.is_valid():
            services.customer_update(
                tenant=tenant, actor=actor, customer=customer, data={"owner": reassign_form.cleaned_data["owner"]}
            )
            messages.success(request, _("Customer handed to another agent."))
            return redirect("customer-page", customer_id=customer.pk)
        if action == "merge" and merge_form is not None and merge_form.is_valid():
            duplicate = selectors.access_customer_by_id(
                tenant=tenant, actor=actor, id=merge_form.cleaned_data["duplicate"]
            )
            services.customer_merge(tenant=tenant, actor=actor, keep=customer, duplicate=duplicate)
            messages.success(request, _("The duplicate entry was merged into this one."))
            return redirect("customer-page", customer_id=customer.pk)
        if action == "erase" and erase_form is not None and erase_form.is_valid():
            services.customer_erase(
                tenant=tenant, actor=actor, customer=customer, reason=erase_form.cleaned_data["reason"]
            )
            messages.success(request, _("The customer's personal data was erased."))
            return redirect("customers-page")
    except ValidationError as error:
        form = {"update": edit_form, "reassign": reassign_form, "merge": merge_form, "erase": erase_form}[action]
        if form is not None:
            add_service_errors(form, error)

    context = {
        "form": NoFilters(),
        "customer": customer,
        "full": full,
        "facts": _facts(customer, full),
        "edit_form": edit_form,
        "reassign_form": reassign_form,
        "merge_form": merge_form,
        "erase_form": erase_form,
        "sections": sections_for(request, customer, full),
    }
    # Each section reads ``section.<key>``; its keys are also given by name (never over the page's own).
    for section in context["sections"]:
        for key, value in section.items():
            if key != "template":
                context.setdefault(key, value)
    return render(request, "activities/customers/customer.html", context, status=400 if action else 200)


urlpatterns = [
    path("customers/", book_page, name="customers-page"),
    path("customers/<slug:table>.xlsx", book_xlsx, name="customers-page-xlsx"),
    path("customers/<int:customer_id>/", customer_page, name="customer-page"),
]

"""The objection library's pages: ``/customers/objections/`` and the customer page's objections section.

The library page (``objections-page``) searches the tenant's library
(``q``: words in the title, keywords or answers), shows each entry with its
three answer templates (case, data, clause), and ranks the objections by the
deals they cost in the caller's book over a period (``date_from`` /
``date_to``), with a bar chart; both tables export to XLSX
(``objections-page-xlsx``). Company managers and tenant admins get a form
to add an entry, edit one (``?edit=<id>``) or remove one (deactivated when
it was ever recorded); their forms post back to the page (errors by field,
nothing saved, 400; anyone else posting gets a 403).

The customer page's section lists the objections recorded with the
customer and offers a searchable picker (``objection_q`` on the customer
page) to record one; it posts to ``/customers/<id>/objections/``
(``customer-objection-action``), which redirects back to the customer page
with a message (the errors by field name on failure).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from activities.models.customers import Customer, Objection
from activities.pages import objections_content as content
from activities.pages.customer_sections import register
from activities.selectors import objections as selectors
from activities.selectors.customers import access_customer_by_id, customer_scope_q, require_book_reader
from activities.services import objections as services
from dashboards.pages import answer_page_form, export_table, run_page_form
from dashboards.tables import Table
from salesops.forms import add_service_errors
from salesops.org.selectors import tenant_today
from salesops.views import member_required

# The entries the customer page's picker lists with their answers (the select holds them all).
PICKER_SHOWN = 5


def _date_field(label, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ObjectionFilters(forms.Form):
    """The search words of the library and the period of the costs table (either end open)."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    date_from = _date_field(gettext_lazy("Raised from"))
    date_to = _date_field(gettext_lazy("Raised to"))

    def __init__(self, data, *, today: date):
        super().__init__(data)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end cannot be before the start."))
        return cleaned

    def values(self) -> dict[str, Any]:
        """The valid values; a field in error counts as empty (the page says which)."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: None if name in self.errors else cleaned.get(name) for name in self.fields}


class ObjectionForm(forms.Form):
    """An entry of the library: the fields of ``objection_create`` / ``objection_update`` by the same names."""

    title = forms.CharField(label=gettext_lazy("Objection"), max_length=services.TITLE_MAX, required=False)
    keywords = forms.CharField(
        label=gettext_lazy("Keywords"),
        max_length=services.KEYWORDS_MAX,
        required=False,
        help_text=gettext_lazy("Words to find it by, separated by spaces."),
    )
    answer_case = forms.CharField(
        label=gettext_lazy("Answer with a case"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_data = forms.CharField(
        label=gettext_lazy("Answer with data"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_clause = forms.CharField(
        label=gettext_lazy("Answer with the clause"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


class RecordForm(forms.Form):
    """An objection that came up with a customer: ``objection_record``'s fields by the same names."""

    objection = forms.TypedChoiceField(label=gettext_lazy("Objection"), coerce=int, empty_value=None, required=False)
    raised_on = _date_field(gettext_lazy("Raised on"))

    def __init__(self, data=None, *, entries, today: date):
        super().__init__(data, initial={"raised_on": today})
        self.fields["objection"].choices = [("", _("Choose…")), *((entry.pk, entry.title) for entry in entries)]
        if data is not None:
            # Any id is the service's to judge (another tenant's, inactive): its message, not the form's.
            self.fields["objection"] = forms.IntegerField(required=False)


def _editing(request, entries: list[Objection]) -> Objection | None:
    # The edit form posts back to its own ``?edit=<id>`` address; the remove button names the entry.
    raw = (request.POST.get("objection_id") if request.method == "POST" else None) or request.GET.get("edit")
    if not raw:
        return None
    try:
        wanted = int(raw)
    except ValueError as error:
        raise Http404(_("Not found.")) from error
    # The tenant's entries only: another tenant's id is not found.
    for entry in entries:
        if entry.pk == wanted:
            return entry
    raise Http404(_("Not found."))


def _page(request, _object_id=None) -> tuple[dict[str, Any], dict[str, Table], dict[str, Any]]:
    actor = request.member
    require_book_reader(actor)
    tenant = actor.tenant
    today = tenant_today(tenant)
    form = ObjectionFilters(request.GET, today=today)
    form.is_valid()
    values = form.values()
    editor = actor.sets_company_policy
    entries = list(selectors.objection_search(tenant=tenant, actor=actor, q=values["q"] or "", include_inactive=editor))
    costs = selectors.objection_costs(
        tenant=tenant, actor=actor, date_from=values["date_from"], date_to=values["date_to"]
    )
    data = {"entries": entries, "costs": costs}
    tables = {"costs": content.costs_table(costs), "library": content.library_table(entries)}
    context = {"form": form, "values": values, "data": data, "editor": editor, "today": today}
    return data, tables, context


@member_required
def objections_page(request):
    actor = request.member
    require_book_reader(actor)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        services.require_library_editor(actor)  # 403 for anybody else, whatever they sent
    data, tables, context = _page(request)
    editor = context["editor"]
    tenant = actor.tenant
    every = list(selectors.objection_list(tenant=tenant, actor=actor, include_inactive=True)) if editor else []
    editing = _editing(request, every) if editor else None
    saved = False
    if action == "remove":
        if editing is None:
            raise Http404(_("Not found."))
        removal = services.objection_remove(tenant=tenant, actor=actor, objection_id=editing.pk)
        done = _("“%(title)s” deleted.") if removal.deleted else _("“%(title)s” was recorded before: deactivated.")
        messages.success(request, done % {"title": editing.title})
        return redirect(reverse("objections-page"))
    entry_form = None
    if editor:
        if editing is not None:
            initial = {name: getattr(editing, name) for name in ObjectionForm.base_fields}
            entry_form = ObjectionForm(request.POST if action == "edit" else None, initial=initial)
        else:
            entry_form = ObjectionForm(request.POST if action == "create" else None)
    if action == "create" and entry_form is not None:
        saved = run_page_form(
            request,
            entry_form,
            lambda: services.objection_create(
                tenant=tenant, actor=actor, **_entry_fields(entry_form.cleaned_data, with_active=False)
            ),
            _("Objection added to the library."),
        )
    elif action == "edit" and entry_form is not None and editing is not None:
        saved = run_page_form(
            request,
            entry_form,
            lambda: services.objection_update(
                tenant=tenant,
                actor=actor,
                objection_id=editing.pk,
                **_entry_fields(entry_form.cleaned_data, with_active=True),
            ),
            _("Objection saved."),
        )
    elif action:
        raise Http404(_("Not found."))
    if saved:
        return redirect(reverse("objections-page"))
    context.update(entry_form=entry_form, editing=editing, form_action="edit" if editing else "create")
    figure = content.costs_figure(data["costs"])
    return answer_page_form(
        request, saved, "activities/customers/objections.html", context, tables, {"costs": figure} if figure else {}
    )


def _entry_fields(cleaned: dict[str, Any], *, with_active: bool) -> dict[str, Any]:
    fields = {name: cleaned.get(name) or "" for name in ("title", "keywords", *services.ANSWER_FIELDS)}
    if with_active:
        fields["active"] = bool(cleaned.get("active"))
    return fields


@member_required
def objections_xlsx(request, table: str):
    return export_table(request, _page, None, table, "objections")


def _customer_url(customer_id: int) -> str:
    return reverse("customer-page", kwargs={"customer_id": customer_id})


@member_required
@require_POST
def customer_objection_action(request, customer_id: int):
    """Record an objection with a customer of the caller's book, then back to the customer page."""
    actor = request.member
    tenant = actor.tenant
    customer = access_customer_by_id(tenant=tenant, actor=actor, id=customer_id)
    today = tenant_today(tenant)
    form = RecordForm(request.POST, entries=[], today=today)
    back = _customer_url(customer.pk) + "#objections"
    if not form.is_valid():
        for name, errors in form.errors.items():
            for message in errors:
                messages.error(request, f"{form.fields[name].label or name}: {message}")
        return redirect(back)
    try:
        record, created = services.objection_record(
            tenant=tenant,
            actor=actor,
            customer=customer,
            objection_id=form.cleaned_data.get("objection"),
            raised_on=form.cleaned_data.get("raised_on"),
            today=today,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        labels = {"objection": _("Objection"), "raised_on": _("Raised on"), "customer": _("Customer")}
        for name, errors in form.errors.items():
            for message in errors:
                label = labels.get(name, "") if name != "__all__" else ""
                messages.error(request, f"{label}: {message}" if label else message)
        return redirect(back)
    if created:
        messages.success(request, _("Recorded: “%(title)s”.") % {"title": record.objection.title})
    else:
        messages.info(request, _("“%(title)s” was recorded on that day already.") % {"title": record.objection.title})
    return redirect(back)


@register
def objections_section(request, customer: Customer, full: bool) -> dict[str, Any] | None:
    """The customer page's objections: those recorded, a search of the library, a picker to record one."""
    actor = request.member
    tenant = actor.tenant
    try:
        require_book_reader(actor)
        in_book = Customer.objects.filter(customer_scope_q(actor), tenant=tenant, pk=customer.pk).exists()
    except PermissionDenied:
        return None
    if not in_book or customer.erased_at is not None:
        return None
    query = " ".join(str(request.GET.get("objection_q", "")).split())[:100]
    entries = list(selectors.objection_search(tenant=tenant, actor=actor, q=query))
    today = tenant_today(tenant)
    return {
        "template": "activities/customers/_objections.html",
        "customer": customer,
        "records": list(selectors.customer_objection_list(tenant=tenant, customer=customer)),
        "objection_q": query,
        "matches": entries[:PICKER_SHOWN] if query else [],
        "more_matches": max(0, len(entries) - PICKER_SHOWN) if query else 0,
        "record_form": RecordForm(entries=entries, today=today),
        "today": today,
        "action_url": reverse("customer-objection-action", kwargs={"customer_id": customer.pk}),
        "search_url": _customer_url(customer.pk),
    }


urlpatterns = [
    path("customers/objections/", objections_page, name="objections-page"),
    path("customers/objections/<slug:table>.xlsx", objections_xlsx, name="objections-page-xlsx"),
    path("customers/<int:customer_id>/objections/", customer_objection_action, name="customer-objection-action"),
]

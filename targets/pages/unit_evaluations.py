"""The unit evaluation page (``/unit-evaluation/``): a month's branches or teams, ranked, the month before beside.

Every member reads a published month; the company's managers also read
the live draft of a month not yet published, and publish a month once it
has ended (the button posts back to the page). Anybody else asking for an
unpublished month is told it is not published (404). The table exports
to XLSX (``/unit-evaluation/units.xlsx`` with the page's filters).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.pages import DashboardFilters, export_table, render_dashboard
from dashboards.tables import Table
from salesops.forms import add_service_errors
from salesops.org.models import Member
from salesops.org.selectors import tenant_today
from salesops.views import member_required
from targets.pages import unit_evaluations_content as content
from targets.selectors import unit_evaluations as selectors
from targets.services import unit_evaluations as services


class UnitEvaluationFilters(DashboardFilters):
    """The month (``2026-10``) and the kind of unit (teams by default)."""

    month = forms.CharField(
        label=gettext_lazy("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10", "inputmode": "numeric"}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Units"), required=False)

    def __init__(self, data, *, tenant, today: date, default_month: date):
        self.default_month = default_month
        data = data.copy()
        # The filters show what the page shows: the default month and kind when none was asked for.
        if not data.get("month"):
            data["month"] = selectors.month_key(default_month)
        if not data.get("kind"):
            data["kind"] = selectors.DEFAULT_KIND
        super().__init__(data, tenant=tenant, today=today, fields=("month", "kind"))
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in selectors.EVALUATED_KINDS]

    def clean_month(self) -> date:
        month = selectors.parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Enter a month such as 2026-10."))
        if month > self.today:
            raise forms.ValidationError(_("This month has not begun yet."))
        return month

    def values(self) -> dict[str, Any]:
        cleaned = self.cleaned_data if self.is_bound else {}
        return {
            "month": cleaned.get("month") or self.default_month,
            "kind": cleaned.get("kind") or selectors.DEFAULT_KIND,
        }


class PublishForm(forms.Form):
    """The publish button: the month is the page's."""


def _default_month(actor: Member, today: date) -> date:
    """The month the page opens on: the last ended one for its publishers, the newest published for the others."""
    last = selectors.last_month(today)
    if selectors.reads_drafts(actor):
        return last
    return selectors.latest_published_month(tenant=actor.tenant) or last


def _page(request, _object_id=None) -> tuple[dict[str, Any], dict[str, Table], dict[str, Any]]:
    actor = request.member
    tenant = actor.tenant
    today = tenant_today(tenant)
    form = UnitEvaluationFilters(request.GET, tenant=tenant, today=today, default_month=_default_month(actor, today))
    form.is_valid()
    values = form.values()
    evaluation = selectors.unit_evaluation(tenant=tenant, month=values["month"], kind=values["kind"])
    readable = evaluation.published or selectors.reads_drafts(actor)
    tables = {"units": content.units_table(evaluation)} if readable else {}
    context = {
        "form": form,
        "values": values,
        "evaluation": evaluation,
        "readable": readable,
        "month_key": evaluation.key,
        "kind_label": content.kind_label(evaluation.kind),
        "published_on": selectors.published_on_text(evaluation.publication, tenant) if evaluation.published else "",
        "published_by": evaluation.publication.published_by if evaluation.published else None,
        "ended": selectors.has_ended(evaluation.month, today),
        "not_published": selectors.not_published_message(evaluation.month),
        "can_publish": (
            selectors.reads_drafts(actor) and not evaluation.published and selectors.has_ended(evaluation.month, today)
        ),
    }
    return {"evaluation": evaluation}, tables, context


@member_required
def unit_evaluation_page(request):
    actor = request.member
    data, tables, context = _page(request)
    publish_form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and request.POST.get("action") == "publish" and not context["form"].errors:
        services.require_publisher(actor)  # 403 for anybody else, whatever the month
        try:
            services.unit_evaluation_publish(
                tenant=actor.tenant,
                actor=actor,
                month=context["values"]["month"],
                today=tenant_today(actor.tenant),
            )
        except ValidationError as error:
            add_service_errors(publish_form, error)
        else:
            messages.success(
                request, _("The unit evaluation of %(month)s is published.") % {"month": data["evaluation"].key}
            )
            return redirect(request.get_full_path())
    context["publish_form"] = publish_form
    evaluation = data["evaluation"]
    charts = {}
    if context["readable"] and (chart := content.measures_figure(evaluation)):
        charts["measures"] = chart
    response = render_dashboard(
        request, "targets/unit_evaluation.html", context, tables, charts, form_refused=request.method == "POST"
    )
    if not context["readable"] and response.status_code == 200:
        response.status_code = 404  # the month is not published: the page says so
    return response


@member_required
def unit_evaluation_xlsx(request, table: str):
    return export_table(request, _page, None, table, "unit-evaluation")


urlpatterns = [
    path("unit-evaluation/", unit_evaluation_page, name="unit-evaluation-page"),
    path("unit-evaluation/<slug:table>.xlsx", unit_evaluation_xlsx, name="unit-evaluation-page-xlsx"),
]

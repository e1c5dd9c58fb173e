"""The dashboard pages of each role, with drill-down along the org tree and an XLSX export of every table.

- ``/dashboards/`` opens the caller's own: an agent's, a supervisor's team,
  a manager's (or tenant admin's) unit;
- ``/dashboards/members/<id>/``: an agent's day, week and quarter pacing;
- ``/dashboards/teams/<unit>/``: the supervisor's view of a team (or of a
  whole branch): who has not logged, the 111, the week's funnel, the month's
  scatter, the hero board, open alerts;
- ``/dashboards/units/<unit>/``: the manager's view: burn-up, channel ×
  product, count share, quadrant, deviation alerts, and the units (or
  agents) below, each a click away.

Every id in a URL goes through ``access_*_by_id`` with the caller: another
team's, branch's or tenant's id is a 404, whatever the role.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards import page_content
from dashboards.page_content import PAGE_ROWS
from dashboards.periods import Period
from dashboards.selectors.dashboard_agent import agent_dashboard
from dashboards.selectors.dashboard_team import team_dashboard
from dashboards.selectors.dashboard_unit import unit_dashboard
from dashboards.tables import Table, workbook
from salesops.forms import add_service_errors
from salesops.org.models import Member, OrgUnit
from salesops.org.selectors import (
    access_member_by_id,
    access_unit_by_id,
    channel_list,
    product_list,
    tenant_today,
    unit_list,
)
from salesops.views import member_required
from targets.exports import xlsx_response

Role = Member.Role
# Who leads the people on a team or unit dashboard.
LEADER_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.TENANT_ADMIN})
# Whose dashboard is an agent's: the people who keep a work log.
LOGGING_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR})


class DashboardFilters(forms.Form):
    """The period, channel and product a dashboard shows; the period defaults to today's quarter."""

    period = forms.CharField(label=gettext_lazy("Period"), required=False)
    date = forms.CharField(label=gettext_lazy("Date"), required=False)
    channel = forms.TypedChoiceField(label=gettext_lazy("Channel"), required=False, coerce=int, empty_value=None)
    product = forms.TypedChoiceField(label=gettext_lazy("Product"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, tenant, today: date, fields: tuple[str, ...]):
        super().__init__(data)
        self.today = today
        for name in [name for name in self.fields if name not in fields]:
            del self.fields[name]
        if "channel" in fields:
            every = [("", _("All"))]
            self.fields["channel"].choices = every + [(c.pk, c.name) for c in channel_list(tenant=tenant)]
            self.fields["product"].choices = every + [(p.pk, p.name) for p in product_list(tenant=tenant)]

    def drill_query(self) -> str:
        """The valid filters a drill-down link carries on (the period, channel and product as asked)."""
        cleaned = self.cleaned_data if self.is_bound else {}
        kept = {
            name: self.data[name]
            for name in ("period", "channel", "product")
            if name in self.fields and name not in self.errors and self.data.get(name) and cleaned.get(name)
        }
        return urlencode(kept)

    def default_period(self) -> Period:
        return Period.quarter_of(self.today)

    def clean_period(self) -> Period:
        value = self.cleaned_data["period"]
        if not value:
            return self.default_period()
        period = Period.parse(value)
        if period is None:
            raise forms.ValidationError(_("Enter a quarter such as 2026-Q4 or a month such as 2026-11."))
        if period.start > self.today:
            raise forms.ValidationError(_("This period has not begun yet."))
        return period

    def clean_date(self) -> date:
        value = self.cleaned_data["date"]
        if not value:
            return self.today
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise forms.ValidationError(_("Enter a date such as 2026-11-22."))
        if day > self.today:
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def values(self) -> dict[str, Any]:
        """The valid values, the defaults for any field in error (the page says which)."""
        cleaned = self.cleaned_data if self.is_bound else {}
        return {
            "period": cleaned.get("period") or self.default_period(),
            "date": cleaned.get("date") or self.today,
            "channel": cleaned.get("channel"),
            "product": cleaned.get("product"),
        }


def _filters(request, tenant, *fields: str) -> DashboardFilters:
    form = DashboardFilters(request.GET, tenant=tenant, today=tenant_today(tenant), fields=fields)
    form.is_valid()
    return form


def _leader(request) -> Member:
    if request.member.role not in LEADER_ROLES:
        raise PermissionDenied
    return request.member


def _trail(viewer: Member, unit: OrgUnit) -> list[dict[str, Any]]:
    """The units above ``unit`` (and itself) that ``viewer`` may open, company first: the drill-down's way back."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    units = {u.pk: u for u in unit_list(tenant=viewer.tenant, actor=viewer).filter(pk__in=ids)}
    if viewer.role not in LEADER_ROLES:
        return [{"name": units[pk].name, "url": None} for pk in ids if pk in units]
    return [{"name": units[pk].name, "url": page_content.unit_link(pk)} for pk in ids if pk in units]


@member_required
def dashboard_home(request):
    """Open the caller's own dashboard."""
    member = request.member
    if member.role == Role.AGENT:
        return redirect("dashboards-member", member_id=member.pk)
    if member.role == Role.SUPERVISOR:
        return redirect("dashboards-team", unit_id=member.unit_id)
    if member.role in (Role.MANAGER, Role.TENANT_ADMIN):
        return redirect("dashboards-unit", unit_id=member.unit_id)
    raise PermissionDenied


def _agent_page(request, member_id: int) -> tuple[dict[str, Any], dict[str, Table], dict[str, Any]]:
    viewer = request.member
    tenant = viewer.tenant
    if viewer.role not in LOGGING_ROLES | LEADER_ROLES:
        raise PermissionDenied
    member = access_member_by_id(tenant=tenant, actor=viewer, id=member_id)
    if member.role not in LOGGING_ROLES:
        raise Http404(_("Not found."))
    form = _filters(request, tenant, "period")
    values = form.values()
    today = tenant_today(tenant)
    data = agent_dashboard(tenant=tenant, member=member, today=today, period=values["period"])
    context = {"member_shown": member, "form": form, "values": values, "today": today, "data": data}
    return data, page_content.agent_tables(data), context


def _team_page(
    request, unit_id: int, *, every_row: bool = False
) -> tuple[dict[str, Any], dict[str, Table], dict[str, Any]]:
    viewer = _leader(request)
    tenant = viewer.tenant
    unit = access_unit_by_id(tenant=tenant, actor=viewer, id=unit_id)
    form = _filters(request, tenant, "date")
    values = form.values()
    data = team_dashboard(
        tenant=tenant, actor=viewer, unit=unit, day=values["date"], alert_limit=None if every_row else PAGE_ROWS
    )
    context = {"unit": unit, "form": form, "values": values, "data": data}
    return data, page_content.team_tables(data, every=every_row), context


def _unit_page(
    request, unit_id: int, *, every_row: bool = False
) -> tuple[dict[str, Any], dict[str, Table], dict[str, Any]]:
    viewer = _leader(request)
    tenant = viewer.tenant
    unit = access_unit_by_id(tenant=tenant, actor=viewer, id=unit_id)
    form = _filters(request, tenant, "period", "channel", "product")
    values = form.values()
    data = unit_dashboard(
        tenant=tenant,
        actor=viewer,
        unit=unit,
        period=values["period"],
        today=tenant_today(tenant),
        channel_id=values["channel"],
        product_id=values["product"],
        alert_limit=None if every_row else PAGE_ROWS,
    )
    context = {"unit": unit, "form": form, "values": values, "data": data, "query": form.drill_query()}
    return data, page_content.unit_tables(data, context["query"]), context


def render_dashboard(
    request,
    template: str,
    context: dict[str, Any],
    tables: dict[str, Table],
    figures: dict[str, dict],
    *,
    form_refused: bool = False,
):
    """Render a dashboard page: its tables with their Excel links (``<url name>-xlsx``).

    400 on a bad filter, and with ``form_refused`` (a form sent came back with its errors: nothing was saved).
    """
    export = reverse(
        f"{request.resolver_match.url_name}-xlsx", kwargs={**request.resolver_match.kwargs, "table": "TABLE"}
    )
    query = request.GET.urlencode()
    context.update(
        tables=tables,
        figures=figures,
        exports={name: export.replace("TABLE", name) + (f"?{query}" if query else "") for name in tables},
    )
    # A filter in error still shows the dashboard (for the default), with the error by its field.
    return render(request, template, context, status=400 if form_refused or context["form"].errors else 200)


def run_page_form(request, form: forms.Form, action: Callable[[], Any], done: str) -> bool:
    """Run a page form's service call: ``True`` once saved (with ``done`` as the message), ``False`` with its errors."""
    if not form.is_valid():
        return False
    try:
        action()
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, done)
    return True


def answer_page_form(request, saved: bool, template: str, context: dict, tables: dict, figures: dict):
    """After a page's form: back to the page once saved (post/redirect/get), else the page with the errors."""
    if saved:
        return redirect(request.get_full_path())
    return render_dashboard(request, template, context, tables, figures, form_refused=request.method == "POST")


@member_required
def agent_page(request, member_id: int):
    data, tables, context = _agent_page(request, member_id)
    member = context["member_shown"]
    context["trail"] = _trail(request.member, member.unit)
    return render_dashboard(request, "dashboards/agent.html", context, tables, page_content.agent_figures(data))


@member_required
def team_page(request, unit_id: int):
    data, tables, context = _team_page(request, unit_id)
    context["trail"] = _trail(request.member, context["unit"])
    return render_dashboard(request, "dashboards/team.html", context, tables, page_content.team_figures(data))


@member_required
def unit_page(request, unit_id: int):
    data, tables, context = _unit_page(request, unit_id)
    context["trail"] = _trail(request.member, context["unit"])
    return render_dashboard(
        request, "dashboards/unit.html", context, tables, page_content.unit_figures(data, context["query"])
    )


def export_table(request, page, object_id: int | None, table: str, filename: str):
    """Answer one of a page's tables as XLSX (every row); a bad filter is a 400 with the reasons."""
    _data, tables, context = page(request, object_id)
    if context["form"].errors:
        errors = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in context["form"].errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    if table not in tables:
        raise Http404(_("Not found."))
    name = f"{filename}-{object_id}-{table}" if object_id is not None else f"{filename}-{table}"
    return xlsx_response(workbook(tables[table]), f"{name}.xlsx")


@member_required
def agent_xlsx(request, member_id: int, table: str):
    return export_table(request, _agent_page, member_id, table, "agent")


@member_required
def team_xlsx(request, unit_id: int, table: str):
    return export_table(request, partial(_team_page, every_row=True), unit_id, table, "team")


@member_required
def unit_xlsx(request, unit_id: int, table: str):
    return export_table(request, partial(_unit_page, every_row=True), unit_id, table, "unit")

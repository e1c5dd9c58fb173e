"""The bank channel's page (``/bancassurance/``): KPIs against targets, the branches, compliance, plans.

Bank-channel staff see their branches; a manager the branches of the staff
in their subtree; a company manager and a tenant admin every branch. Each
table exports to XLSX (``/bancassurance/<table>.xlsx`` with the page's
filters) from the description the page renders.
"""

from __future__ import annotations

from typing import Any

from django.urls import path

from bancassurance.pages import channel_content
from bancassurance.pages.common import ChannelFilters
from bancassurance.selectors.branches import plan_list, policy_for, require_bancassurance_reader
from bancassurance.selectors.compliance import week_compliance, week_of
from bancassurance.selectors.kpis import (
    branch_figures,
    channel_premium,
    count_stages,
    grouped,
    kpis_of,
    targets_of,
    trend_of,
)
from bancassurance.selectors.plans import plan_progress
from dashboards.pages import export_table, render_dashboard
from dashboards.tables import Table
from salesops.org.selectors import tenant_today
from salesops.views import member_required


def channel_data(request) -> dict[str, Any]:
    """Everything the page shows for the period and selection asked; a fixed number of queries."""
    actor = request.member
    tenant = actor.tenant
    require_bancassurance_reader(actor)
    today = tenant_today(tenant)
    form = ChannelFilters(request.GET, tenant=tenant, actor=actor, today=today)
    form.is_valid()
    values = form.values()
    period = values["period"]
    end = min(period.end, today)
    filters = {"bank": values["bank"], "staff": values["staff"]}
    policy = policy_for(tenant)
    rows = branch_figures(tenant=tenant, actor=actor, start=period.start, end=end, filters=filters)
    channel = channel_premium(tenant=tenant, start=period.start, end=end)
    total = kpis_of((figures for _branch, figures in rows), channel)
    monday = week_of(today)
    compliance = week_compliance(
        tenant=tenant, branches=[branch for branch, _figures in rows], policy=policy, monday=monday, today=today
    )
    plans = list(plan_list(tenant=tenant, actor=actor, filters={"week": monday, "member": values["staff"]}))
    return {
        "form": form,
        "values": values,
        "today": today,
        "end": end,
        "monday": monday,
        "policy": policy,
        "kpis": total,
        "targets": targets_of(total, policy),
        "branches": rows,
        "compliance": compliance,
        "by_bank": grouped(rows, channel, "bank"),
        "by_staff": grouped(rows, channel, "staff"),
        "trend": trend_of(tenant=tenant, branch_ids=[branch.pk for branch, _figures in rows], last=end),
        "stages": count_stages(branch for branch, _figures in rows),
        "plans": plan_progress(tenant=tenant, plans=plans),
    }


def _page(request, _object_id=None) -> tuple[dict, dict[str, Table], dict]:
    data = channel_data(request)
    context = {"form": data["form"], "values": data["values"], "data": data}
    return data, channel_content.channel_tables(data), context


@member_required
def channel_page(request):
    data, tables, context = _page(request)
    return render_dashboard(
        request, "bancassurance/channel.html", context, tables, channel_content.channel_figures(data)
    )


@member_required
def channel_xlsx(request, table: str):
    return export_table(request, _page, None, table, "bancassurance")


urlpatterns = [
    path("", channel_page, name="bancassurance-page"),
    path("<slug:table>.xlsx", channel_xlsx, name="bancassurance-page-xlsx"),
]

"""The renewal team lead's page (``/renewals/``): the team's figures, lists to act on, auto-assignment.

An advisor opening ``/renewals/`` goes to their queue. Everything is read
in the viewer's scope (``case_scope_q``): a lead sees their advisors' and
the unassigned cases, a company manager and a tenant admin the tenant's.
Other roles get the 403 page. Each table is exportable
(``/renewals/<table>.xlsx`` with the page's filters) from the same
description the page renders (``dashboards.tables``).
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from dashboards.models import Alert
from dashboards.pages import export_table, render_dashboard
from dashboards.selectors.alerts import alert_list
from dashboards.services.alerts import reference_label
from dashboards.tables import Table
from renewals.models import OPEN_STATUSES, RenewalCase, ServiceTicket
from renewals.pages import team_content
from renewals.pages.common import RenewalFilters
from renewals.selectors import metrics
from renewals.selectors.cases import case_list, case_scope_q, manages_renewals, policy_for, reads_renewals
from renewals.selectors.tickets import ticket_list
from renewals.services.advisors import advisor_pool
from renewals.services.assign import cases_assign
from renewals.services.tickets import ticket_metrics
from renewals.staffing import staffing
from salesops.org.models import Member
from salesops.org.selectors import tenant_today, tenant_zone
from salesops.views import member_required

# Where the auto-assignment's result waits for the page (POST, redirect, GET).
ASSIGN_RESULT = "renewals_assign_result"


def _require_lead(member: Member) -> None:
    if not reads_renewals(member) or not manages_renewals(member):
        raise PermissionDenied


def _no_follow_up(tenant, actor, *, every_row: bool) -> tuple[list[Alert], int, dict[str, Any]]:
    """Open no-follow-up alerts in scope, the longest waiting first, and their cases by policy number."""
    alerts = (
        alert_list(tenant=tenant, actor=actor, filters={"kind": Alert.Kind.FOLLOW_UP_OVERDUE})
        .exclude(status=Alert.Status.RESOLVED)
        .order_by("period_start", "raised_at", "id")
    )
    total = alerts.count()
    shown = list(alerts if every_row else alerts[: team_content.PAGE_ROWS])
    policy_nos = [reference_label(alert.reference) for alert in shown]
    cases = {
        row["policy_no"]: row
        for row in RenewalCase.objects.filter(case_scope_q(actor), tenant=tenant, policy_no__in=policy_nos).values(
            "policy_no", "pk", "customer", "last_follow_up_at", "assigned_at"
        )
    }
    return shown, total, cases


def _open_tickets(tenant, actor, *, every_row: bool) -> tuple[list[ServiceTicket], int]:
    tickets = ticket_list(tenant=tenant, actor=actor).exclude(status=ServiceTicket.Status.CLOSED)
    total = tickets.count()
    return list(tickets if every_row else tickets[: team_content.PAGE_ROWS]), total


def team_data(request, *, every_row: bool = False) -> dict[str, Any]:
    """Everything the page shows, for the period asked (this month by default); a fixed number of queries."""
    actor = request.member
    tenant = actor.tenant
    today = tenant_today(tenant)
    form = RenewalFilters(request.GET, tenant=tenant, today=today, fields=("period",))
    form.is_valid()
    period = form.values()["period"]
    span = {"tenant": tenant, "actor": actor, "start": period.start, "end": period.end}
    policy = policy_for(tenant)
    unassigned = case_list(tenant=tenant, actor=actor, today=today, filters={"unassigned": True}).filter(
        status__in=OPEN_STATUSES
    )
    no_follow_up, no_follow_up_total, no_follow_up_cases = _no_follow_up(tenant, actor, every_row=every_row)
    tickets, tickets_total = _open_tickets(tenant, actor, every_row=every_row)
    return {
        "form": form,
        "values": {"period": period},
        "today": today,
        "zone": tenant_zone(tenant),
        "now": timezone.now(),
        "rate": metrics.renewal_rate(**span),
        "completion": metrics.follow_up_completion(**span, today=today),
        "response_hours": metrics.median_response_hours(**span),
        "open": metrics.open_counts(tenant=tenant, actor=actor, today=today),
        "pipeline": metrics.pipeline(tenant=tenant, actor=actor, today=today),
        # Up to the period's month, never past this one.
        "trend": metrics.rate_trend(tenant=tenant, actor=actor, today=min(period.end, today)),
        "lost_reasons": metrics.lost_reasons(**span),
        "tickets_figures": ticket_metrics(**span),
        "unassigned": list(unassigned if every_row else unassigned[: team_content.PAGE_ROWS]),
        "no_follow_up": no_follow_up,
        "no_follow_up_total": no_follow_up_total,
        "no_follow_up_cases": no_follow_up_cases,
        "churn": list(metrics.churn_risk(tenant=tenant, actor=actor, policy=policy)),
        "advisors": advisor_pool(tenant=tenant, actor=actor, today=today),
        "staffing": staffing(tenant=tenant, policy=policy),
        "tickets": tickets,
        "tickets_total": tickets_total,
        "follow_up_hours": policy.follow_up_hours,
    }


def _page(request, _object_id=None, *, every_row: bool = False) -> tuple[dict, dict[str, Table], dict]:
    _require_lead(request.member)
    data = team_data(request, every_row=every_row)
    context = {"form": data["form"], "values": data["values"], "data": data}
    return data, team_content.team_tables(data), context


@member_required
def renewals_page(request):
    if request.member.role == Member.Role.RENEWAL_ADVISOR:
        return redirect("renewals-queue")
    data, tables, context = _page(request)
    context["assign_result"] = team_content.assign_result(request.session.pop(ASSIGN_RESULT, None))
    return render_dashboard(request, "renewals/team.html", context, tables, team_content.team_figures(data))


@member_required
def renewals_xlsx(request, table: str):
    return export_table(request, partial(_page, every_row=True), None, table, "renewals")


@member_required
@require_POST
def assign_action(request):
    """Auto-assign the open unassigned cases, then show the page with what happened (POST, redirect, GET).

    The cases left unassigned are kept by reason code (the page words it
    in the reader's language): every one is listed, and a few thousand
    policy numbers stay a small session entry.
    """
    _require_lead(request.member)
    result = cases_assign(tenant=request.member.tenant, actor=request.member)
    left: dict[str, list[str]] = defaultdict(list)
    for row in result.unassigned:
        left[row["reason"]].append(row["policy_no"])
    request.session[ASSIGN_RESULT] = {"assigned": result.assigned, "left": dict(left)}
    return redirect("renewals-page")


urlpatterns = [
    path("", renewals_page, name="renewals-page"),
    path("assign/", assign_action, name="renewals-assign"),
    path("<slug:table>.xlsx", renewals_xlsx, name="renewals-page-xlsx"),
]

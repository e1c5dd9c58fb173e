"""The renewal advisor's work queue and the case page, made for a phone.

- ``/renewals/queue/``: the open cases in the viewer's scope, highest
  priority first, as cards; filters by status, group, due window and (for
  those who lead advisors) advisor; the whole list as XLSX.
- ``/renewals/cases/<id>/``: one case, its priority part by part, its
  follow-ups newest first, the follow-up form and, for those who manage
  renewals, the re-assignment form. Writes go through the services and come
  back to the page (POST, redirect, GET) with a message.

An advisor sees their own cases; a team lead their advisors' and the
unassigned ones; a company manager and a tenant admin the tenant's
(``case_scope_q``). A case out of scope is a 404, whatever the role; a role
that does not read renewals gets the 403 page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dashboards.pages import export_table
from dashboards.tables import Table
from renewals.models import OPEN_STATUSES, FollowUp, RenewalCase
from renewals.pages import queue_content as content
from renewals.pages.case_forms import AdvisorForm, FollowUpForm
from renewals.priority import LEVEL_LABELS, level
from renewals.selectors.cases import (
    access_case_by_id,
    case_list,
    lost_reason_list,
    manages_renewals,
    policy_for,
    require_renewal_manager,
    require_renewal_reader,
)
from renewals.services.advisors import advisor_pool
from renewals.services.cases import case_update, follow_up_create
from salesops.forms import add_service_errors
from salesops.org.models import Member
from salesops.org.selectors import tenant_today, tenant_zone
from salesops.tenancy import member_scope_q
from salesops.views import member_required


def _clock(tenant) -> content.Clock:
    return content.Clock(
        today=tenant_today(tenant),
        now=timezone.now(),
        zone=tenant_zone(tenant),
        follow_up_hours=policy_for(tenant).follow_up_hours,
    )


def _advisor_choices(actor: Member) -> list[tuple[int, str]]:
    """The advisors whose cases the viewer sees (leavers too: their cases may still be open)."""
    return list(
        Member.objects.filter(member_scope_q(actor), tenant=actor.tenant, role=Member.Role.RENEWAL_ADVISOR)
        .order_by("display_name", "id")
        .values_list("pk", "display_name")
    )


def _queue(request, _object_id=None, *, every_row: bool = False) -> tuple[dict, dict[str, Table], dict[str, Any]]:
    actor = request.member
    require_renewal_reader(actor)
    tenant = actor.tenant
    leads = manages_renewals(actor)
    form = content.QueueFilters(request.GET, advisors=_advisor_choices(actor) if leads else None)
    form.is_valid()
    clock = _clock(tenant)
    cases = case_list(tenant=tenant, actor=actor, today=clock.today, filters=form.case_filters(clock.today))
    if form.open_only:
        cases = cases.filter(status__in=OPEN_STATUSES)
    if every_row:
        table = content.queue_table(list(cases), clock, with_advisor=leads, total=None)
    else:
        table = content.queue_table(list(cases[: content.PAGE_ROWS]), clock, with_advisor=leads, total=cases.count())
    context = {"form": form, "leads": leads}
    return {}, {"queue": table}, context


@member_required
@require_GET
def queue_page(request):
    _data, tables, context = _queue(request)
    query = request.GET.urlencode()
    context.update(table=tables["queue"], export=f"{reverse('renewals-queue-xlsx')}{'?' + query if query else ''}")
    # A filter in error still shows the queue (for that filter's default), with the error by its field.
    return render(request, "renewals/queue.html", context, status=400 if context["form"].errors else 200)


@member_required
@require_GET
def queue_xlsx(request):
    """The queue as filtered, every row."""
    return export_table(request, lambda req, _id: _queue(req, every_row=True), None, "queue", "renewals")


def _case_context(request, case: RenewalCase, clock: content.Clock, follow_up_form, advisor_form) -> dict[str, Any]:
    actor = request.member
    tenant = actor.tenant
    leads = manages_renewals(actor)
    follow_ups = FollowUp.objects.filter(tenant=tenant, case=case).select_related("author").order_by("-at", "-id")
    is_open = case.status in OPEN_STATUSES
    parts = content.priority_parts(case, clock.today)
    points = sum(part.points for part in parts)
    return {
        "case": case,
        "row": content.case_row(case, clock),
        "parts": parts,
        "points": points,
        "level": LEVEL_LABELS[level(points)],
        "level_key": level(points),
        "level_rule": content.level_rule(),
        "follow_ups": [
            {
                "at": clock.local(follow_up.at),
                "author": follow_up.author.display_name,
                "channel": follow_up.get_channel_display(),
                "outcome": follow_up.get_outcome_display(),
                "outcome_key": follow_up.outcome,
                "notes": follow_up.notes,
                "next_action_on": follow_up.next_action_on,
            }
            for follow_up in follow_ups
        ],
        "is_open": is_open,
        # The case's advisor records follow-ups, and so do those who manage renewals.
        "may_follow_up": is_open and (leads or case.advisor_id == actor.pk),
        "may_assign": is_open and leads,
        "form": follow_up_form,
        "advisor_form": advisor_form,
        "advisors": advisor_pool(tenant=tenant, actor=actor, today=clock.today) if is_open and leads else [],
    }


@member_required
@require_http_methods(["GET", "POST"])
def case_page(request, case_id: int):
    actor = request.member
    require_renewal_reader(actor)
    tenant = actor.tenant
    clock = _clock(tenant)
    case = access_case_by_id(tenant=tenant, actor=actor, id=case_id, today=clock.today)
    reasons = list(lost_reason_list(tenant=tenant))
    follow_up_form = FollowUpForm(reasons=reasons, today=clock.today)
    advisor_form = AdvisorForm(initial={"advisor": case.advisor_id})
    if request.method == "POST":
        if request.POST.get("action") == "reassign":
            require_renewal_manager(actor)
            advisor_form = AdvisorForm(request.POST)
            if _reassign(request, case, advisor_form):
                return redirect("renewals-case", case_id=case.pk)
        else:
            follow_up_form = FollowUpForm(request.POST, reasons=reasons, today=clock.today)
            if _follow_up(request, case, follow_up_form):
                return redirect("renewals-case", case_id=case.pk)
    context = _case_context(request, case, clock, follow_up_form, advisor_form)
    return render(request, "renewals/case.html", context, status=400 if request.method == "POST" else 200)


def _follow_up(request, case: RenewalCase, form: FollowUpForm) -> bool:
    """Record the follow-up; say so and return True, or leave the errors on ``form`` (nothing saved)."""
    if not form.is_valid():
        return False
    actor = request.member
    try:
        follow_up = follow_up_create(tenant=actor.tenant, actor=actor, case=case, **form.service_arguments())
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(
        request, _("Follow-up recorded. The case is %(status)s.") % {"status": follow_up.case.get_status_display()}
    )
    return True


def _reassign(request, case: RenewalCase, form: AdvisorForm) -> bool:
    """Re-assign the case; say so and return True, or leave the errors on ``form`` (nothing saved)."""
    if not form.is_valid():
        return False
    actor = request.member
    try:
        case = case_update(
            tenant=actor.tenant, actor=actor, case=case, changes={"advisor": form.cleaned_data["advisor"]}
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    if case.advisor is None:
        messages.success(request, _("The case is back on the unassigned list."))
    else:
        messages.success(request, _("The case now goes to %(advisor)s.") % {"advisor": case.advisor.display_name})
    return True


urlpatterns = [
    path("queue/", queue_page, name="renewals-queue"),
    # Under queue/: the lead's page answers /renewals/<table>.xlsx.
    path("queue/queue.xlsx", queue_xlsx, name="renewals-queue-xlsx"),
    path("cases/<int:case_id>/", case_page, name="renewals-case"),
]

"""A branch's page (``/bancassurance/branches/<id>/``): profile, stage, roster, contacts, events and sales.

Whoever sees the branch (its staff member, their managers, an admin) works
on it here: a contact or an event is a form on a phone, as are a person
joining or leaving, a stage change and the profile. Every form posts back
to the page (``action`` says which); the services' errors come back by
field with nothing saved. Another tenant's or staff member's branch is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from bancassurance.models import BankBranch, BranchStaff
from bancassurance.pages import branch_content
from bancassurance.pages.branch_forms import ContactForm, EventForm, LeaveForm, ProfileForm, StaffForm, StageForm
from bancassurance.pages.common import ChannelFilters
from bancassurance.profile import profile_rows
from bancassurance.selectors.branches import (
    access_branch_by_id,
    contact_list,
    event_list,
    policy_for,
    require_bancassurance_reader,
    roster,
)
from bancassurance.selectors.compliance import week_compliance, week_of
from bancassurance.selectors.kpis import branch_figures, channel_premium, kpis_of
from bancassurance.services import branches as branch_services
from bancassurance.services import field_work
from bancassurance.services import roster as roster_services
from dashboards.pages import export_table, render_dashboard
from salesops.forms import add_service_errors
from salesops.org.selectors import tenant_today
from salesops.views import member_required
from targets.models import SaleRecord


def _forms(request, branch: BankBranch, people: list, today) -> dict[str, forms.Form]:
    """The page's forms, unbound; the one that was posted is bound in its place."""
    current = [person for person in people if person.left_on is None]
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data is not None else None

    def bound(name: str):
        return data if action == name else None

    return {
        "contact": ContactForm(bound("contact"), people=current, today=today),
        "event": EventForm(bound("event"), today=today),
        "staff": StaffForm(bound("staff"), today=today),
        "leave": LeaveForm(bound("leave"), people=current, today=today),
        "stage": StageForm(bound("stage"), today=today),
        "profile": ProfileForm(bound("profile"), initial=branch.profile),
    }


def _save(request, branch: BankBranch, action: str, form: forms.Form) -> bool:
    """Run the service of the posted form; say so and return True, or leave the errors on the form."""
    if not form.is_valid():
        return False
    actor = request.member
    common = {"tenant": actor.tenant, "actor": actor}
    data = form.cleaned_data
    steps: dict[str, tuple[Callable[[], Any], str]] = {
        "contact": (
            lambda: field_work.contact_log(**common, branch=branch, staff_id=data["staff"], **_without(data, "staff")),
            _("Contact logged."),
        ),
        "event": (lambda: field_work.event_record(**common, branch=branch, **data), _("Event recorded.")),
        "staff": (lambda: roster_services.staff_add(**common, branch=branch, **data), _("Added to the roster.")),
        "leave": (lambda: _leave(common, branch, data), _("The person left the roster; their history stays.")),
        "stage": (lambda: branch_services.branch_stage_change(**common, branch=branch, **data), _("Stage changed.")),
        "profile": (lambda: branch_services.branch_update(**common, branch=branch, profile=data), _("Profile saved.")),
    }
    run, done = steps[action]
    try:
        run()
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, done)
    return True


def _without(data: dict, *names: str) -> dict:
    return {key: value for key, value in data.items() if key not in names}


def _leave(common: dict, branch: BankBranch, data: dict):
    person = roster(tenant=common["tenant"], branch=branch).filter(pk=data["staff"]).first()
    if person is None:
        raise ValidationError({"staff": [_("Choose a person on this branch's roster.")]})
    return roster_services.staff_update(**common, staff=person, left_on=data["left_on"])


def branch_data(request, branch: BankBranch, people: list[BranchStaff], *, every_row: bool = False) -> dict[str, Any]:
    actor = request.member
    tenant = actor.tenant
    today = tenant_today(tenant)
    form = ChannelFilters(request.GET, tenant=tenant, actor=actor, today=today, fields=("period",))
    form.is_valid()
    period = form.values()["period"]
    end = min(period.end, today)
    [(_branch, figures)] = branch_figures(
        tenant=tenant, actor=actor, start=period.start, end=end, filters={"branch": branch.pk}
    )
    [compliance] = week_compliance(
        tenant=tenant, branches=[branch], policy=policy_for(tenant), monday=week_of(today), today=today
    )
    span = {"from": period.start, "to": end, "branch": branch}
    contacts = contact_list(tenant=tenant, actor=actor, filters=span)
    events = event_list(tenant=tenant, actor=actor, filters=span)
    sales = (
        SaleRecord.objects.filter(tenant=tenant, bank_branch=branch, sold_on__gte=period.start, sold_on__lte=end)
        .select_related("member", "product")
        .order_by("-sold_on", "-id")
    )
    limit = None if every_row else branch_content.PAGE_ROWS
    return {
        "form": form,
        "values": {"period": period},
        "today": today,
        "branch": branch,
        "people": people,
        "stages": list(
            branch.stage_changes.filter(tenant=tenant).select_related("changed_by").order_by("changed_on", "id")
        ),
        "kpis": kpis_of([figures], channel_premium(tenant=tenant, start=period.start, end=end)),
        "compliance": compliance,
        "contacts": list(contacts[:limit]),
        "contacts_total": contacts.count(),
        "events": list(events[:limit]),
        "events_total": events.count(),
        "sales": list(sales[:limit]),
        "sales_total": sales.count(),
    }


def _branch(request, branch_id: int) -> BankBranch:
    require_bancassurance_reader(request.member)
    return access_branch_by_id(tenant=request.member.tenant, actor=request.member, id=branch_id)


def _page(request, branch: BankBranch, people: list[BranchStaff], *, every_row: bool = False):
    data = branch_data(request, branch, people, every_row=every_row)
    context = {
        "form": data["form"],
        "values": data["values"],
        "data": data,
        "branch": branch,
        "profile": profile_rows(branch.profile),
    }
    return data, branch_content.branch_tables(data), context


@member_required
def branch_page(request, branch_id: int):
    branch = _branch(request, branch_id)
    tenant = request.member.tenant
    action = request.POST.get("action") if request.method == "POST" else None
    people = list(roster(tenant=tenant, branch=branch))
    page_forms = _forms(request, branch, people, tenant_today(tenant))
    if action in page_forms and _save(request, branch, action, page_forms[action]):
        return redirect(f"{request.path}#{action}")
    data, tables, context = _page(request, branch, people)
    context.update(page_forms=page_forms, posted=action)
    return render_dashboard(
        request, "bancassurance/branch.html", context, tables, {}, form_refused=request.method == "POST"
    )


@member_required
def branch_xlsx(request, branch_id: int, table: str):
    def every_row(req, object_id):
        branch = _branch(req, object_id)
        return _page(req, branch, list(roster(tenant=req.member.tenant, branch=branch)), every_row=True)

    return export_table(request, every_row, branch_id, table, "branch")


urlpatterns = [
    path("branches/<int:branch_id>/", branch_page, name="bancassurance-branch-page"),
    path("branches/<int:branch_id>/<slug:table>.xlsx", branch_xlsx, name="bancassurance-branch-page-xlsx"),
]

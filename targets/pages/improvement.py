"""The improvement-plan pages: ``/improvement-plans/`` and ``/improvement-plans/<id>/``.

The list shows the plans the caller may read (their own, their subtree's,
or every plan for a tenant admin), open ones first, and lets a manager put
a member on a plan by hand. A plan's page shows everything of it — the
months that opened it, the scores since, the goals, the weekly check-ins,
the coaching sessions of the 111 log — with the forms of whoever works it
(goals, check-in, close). Forms post back to the page (``action``); the
services' errors come back by field with nothing saved (400); the member,
who may read the plan, gets a 403 for a post.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.pages import answer_page_form, export_table, run_page_form
from salesops.org.selectors import tenant_today
from salesops.views import member_required
from targets.models import ImprovementPlan
from targets.pages import improvement_content as content
from targets.selectors import improvement as selectors
from targets.selectors.incentive_policy import policy_for
from targets.services import improvement as services

Status = ImprovementPlan.Status
PAGE_ROWS = 200


class ImprovementFilters(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, data):
        super().__init__(data)
        self.fields["status"].choices = [("", _("All")), *Status.choices]

    def values(self) -> dict[str, Any]:
        cleaned = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"status": cleaned.get("status") or None}


class NoFilters(forms.Form):
    """A plan's page has nothing to filter; ``render``/``export_table`` still read a form's errors."""


def _text_field(label, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": rows}), strip=True
    )


class OpenForm(forms.Form):
    member = forms.TypedChoiceField(label=gettext_lazy("Member"), coerce=int)
    goals = _text_field(gettext_lazy("Goals"))

    def __init__(self, data=None, *, candidates):
        super().__init__(data)
        self.fields["member"].choices = [("", "—")] + [
            (member.pk, f"{member.display_name} · {member.unit.name}") for member in candidates
        ]


class GoalsForm(forms.Form):
    goals = _text_field(gettext_lazy("Goals"), rows=4)


class CheckInForm(forms.Form):
    week = forms.DateField(
        label=gettext_lazy("Week (any day of it)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    on_track = forms.TypedChoiceField(
        label=gettext_lazy("On track?"),
        choices=[("yes", gettext_lazy("On track")), ("no", gettext_lazy("Not on track"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    notes = _text_field(gettext_lazy("Notes"))


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[(Status.IMPROVED, Status.IMPROVED.label), (Status.ESCALATED, Status.ESCALATED.label)],
        widget=forms.RadioSelect,
    )
    outcome = _text_field(gettext_lazy("What happened"))


def _list_page(request, _object_id=None, *, every_row: bool = False):
    actor = request.member
    filters = ImprovementFilters(request.GET)
    values = filters.values()
    plans = selectors.improvement_plan_list(tenant=actor.tenant, actor=actor, filters=values)
    if every_row:
        shown, total = list(plans), None
    else:
        shown = list(plans[: PAGE_ROWS + 1])
        total = plans.count() if len(shown) > PAGE_ROWS else None
        shown = shown[:PAGE_ROWS]
    tables = {"plans": content.plans_table(shown, total=total)}
    policy = policy_for(actor.tenant)
    context = {"form": filters, "values": values, "policy": policy, "plans": shown}
    return {"plans": shown}, tables, context


@member_required
def plans_page(request):
    actor = request.member
    tenant = actor.tenant
    _data, tables, context = _list_page(request)
    opens = actor.role in selectors.PLAN_MANAGERS
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and (action != "open" or not opens):
        raise PermissionDenied(_("Only a manager may open an improvement plan by hand."))
    candidates = list(selectors.plan_candidates(tenant=tenant, actor=actor)) if opens else []
    open_form = OpenForm(request.POST if action == "open" else None, candidates=candidates)
    saved = False
    if action == "open":
        saved = run_page_form(
            request,
            open_form,
            lambda: services.plan_open(
                tenant=tenant,
                actor=actor,
                member_id=open_form.cleaned_data["member"],
                goals=open_form.cleaned_data["goals"],
                today=tenant_today(tenant),
            ),
            _("Improvement plan opened."),
        )
    context.update(open_form=open_form if opens else None, posted=action)
    return answer_page_form(request, saved, "targets/improvement_plans.html", context, tables, {})


@member_required
def plans_xlsx(request, table: str):
    return export_table(request, partial(_list_page, every_row=True), None, table, "improvement-plans")


def _plan_page(request, plan_id: int):
    actor = request.member
    tenant = actor.tenant
    plan = selectors.access_improvement_plan_by_id(tenant=tenant, actor=actor, id=plan_id)
    detail = selectors.plan_detail(tenant=tenant, actor=actor, plan=plan, today=tenant_today(tenant))
    context = {"form": NoFilters(), "plan": plan, "detail": detail}
    return {"detail": detail}, content.plan_tables(detail), context


@member_required
def plan_page(request, plan_id: int):
    actor = request.member
    tenant = actor.tenant
    data, tables, context = _plan_page(request, plan_id)
    detail = data["detail"]
    plan = detail.plan
    today = tenant_today(tenant)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and not detail.may_write:
        raise PermissionDenied(_("Only the plan's supervisor or a manager over the member may work this plan."))
    posted = request.POST if request.method == "POST" else None
    goals = GoalsForm(posted if action == "goals" else None, initial={"goals": plan.goals})
    check_in = CheckInForm(posted if action == "check_in" else None, initial={"week": today})
    close = CloseForm(posted if action == "close" else None)
    saved = False
    if action == "goals":
        saved = run_page_form(
            request,
            goals,
            lambda: services.plan_update_goals(
                tenant=tenant, actor=actor, plan=plan, goals=goals.cleaned_data["goals"]
            ),
            _("Goals saved."),
        )
    elif action == "check_in":
        saved = run_page_form(
            request,
            check_in,
            lambda: services.check_in_record(
                tenant=tenant, actor=actor, plan=plan, today=today, **check_in.cleaned_data
            ),
            _("Check-in saved."),
        )
    elif action == "close":
        saved = run_page_form(
            request,
            close,
            lambda: services.plan_close(tenant=tenant, actor=actor, plan=plan, today=today, **close.cleaned_data),
            _("Plan closed."),
        )
    # The forms of whoever works an open plan; a form just posted stays to show its errors.
    works = detail.may_write and plan.status == Status.OPEN
    context.update(
        goals_form=goals if works or action == "goals" else None,
        check_in_form=check_in if works or action == "check_in" else None,
        close_form=close if works or action == "close" else None,
        posted=action,
    )
    figures = {"scores": content.score_figure(detail)}
    return answer_page_form(request, saved, "targets/improvement_plan.html", context, tables, figures)


@member_required
def plan_xlsx(request, plan_id: int, table: str):
    return export_table(request, _plan_page, plan_id, table, "improvement-plan")


urlpatterns = [
    path("improvement-plans/", plans_page, name="improvement-plans-page"),
    path("improvement-plans/<slug:table>.xlsx", plans_xlsx, name="improvement-plans-page-xlsx"),
    path("improvement-plans/<int:plan_id>/", plan_page, name="improvement-plan-page"),
    path("improvement-plans/<int:plan_id>/<slug:table>.xlsx", plan_xlsx, name="improvement-plan-page-xlsx"),
]

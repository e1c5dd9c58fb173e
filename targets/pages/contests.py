"""The contest pages: ``/contests/`` (the hero board of contests, 英雄榜) and ``/contests/<id>/``.

The list shows the contests the caller may see: running ones with who
leads, upcoming ones, and the ended ones (the latest first) with their
winners. Managers, supervisors and tenant admins get a phone form to
create a contest (posted back to the page: errors by field with nothing
saved and a 400; a member who may not create gets a 403). A contest's page
shows its rule, its standings (frozen once it has ended, with the live
figures beside when a late fact moved them, and a note saying so) and a
chart of the top values. Every table exports to XLSX.

An ended contest not frozen yet is frozen when a page shows it, as the
API does.
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

from dashboards.pages import export_table, render_dashboard
from dashboards.tables import Table
from salesops.forms import add_service_errors
from salesops.org.models import Member
from salesops.org.selectors import tenant_today
from salesops.views import member_required
from targets.models import Contest
from targets.pages import contests_content as content
from targets.selectors import contests as selectors
from targets.services import contests as services

ContestStatus = selectors.ContestStatus
# The ended contests the list shows (the latest first); older ones stay reachable by the API.
ENDED_SHOWN = 20


class NoFilters(forms.Form):
    """The contest pages have nothing to filter; ``render_dashboard`` and ``export_table`` still read a form."""


def _date_field(label) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ContestForm(forms.Form):
    """A new contest: the fields of ``services.contests.contest_create``, by the same names (errors land by field)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=services.NAME_MAX)
    measure = forms.ChoiceField(
        label=gettext_lazy("Measure"), choices=Contest.ContestMeasure.choices, widget=forms.RadioSelect
    )
    rule = forms.ChoiceField(
        label=gettext_lazy("Rule"),
        choices=Contest.Rule.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=Contest.Rule.TOP,
        help_text=gettext_lazy("A first-policy award always goes by its threshold: a first policy."),
    )
    top_n = forms.IntegerField(
        label=gettext_lazy("Winning places (top rule)"),
        required=False,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
    )
    threshold = forms.DecimalField(
        label=gettext_lazy("Threshold (threshold rule)"),
        required=False,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": 0}),
    )
    unit = forms.TypedChoiceField(label=gettext_lazy("Who takes part"), coerce=int, empty_value=None, required=False)
    starts_on = _date_field(gettext_lazy("Starts on"))
    ends_on = _date_field(gettext_lazy("Ends on"))
    prize = forms.CharField(label=gettext_lazy("Prize"), max_length=services.PRIZE_MAX, required=False)

    def __init__(self, data=None, *, actor: Member, today: date):
        super().__init__(data, initial={"starts_on": today, "ends_on": today})
        units = [(unit.pk, unit.name) for unit in selectors.creatable_units(tenant=actor.tenant, actor=actor)]
        if actor.sets_company_policy:
            self.fields["unit"].choices = [("", _("Whole company")), *units]
        else:
            # A leader's contest is for a unit they lead: their own by default.
            self.fields["unit"].choices = units
            self.fields["unit"].required = True
            self.initial["unit"] = actor.unit_id


def _contests(request) -> dict[str, Any]:
    """The contests the caller sees, by status, each running or ended one with its standings."""
    actor = request.member
    tenant = actor.tenant
    today = tenant_today(tenant)
    contests = list(selectors.contest_list(tenant=tenant, actor=actor, today=today))
    running = [contest for contest in contests if contest.status == ContestStatus.RUNNING]
    # The soonest first.
    upcoming = sorted(
        (contest for contest in contests if contest.status == ContestStatus.UPCOMING),
        key=lambda contest: (contest.starts_on, contest.name, contest.pk),
    )
    ended = sorted(
        (contest for contest in contests if contest.status == ContestStatus.ENDED),
        key=lambda contest: (contest.ends_on, contest.pk),
        reverse=True,
    )[:ENDED_SHOWN]
    for contest in ended:
        services.contest_freeze(tenant=tenant, contest=contest, today=today)
    standings = selectors.standings_of(tenant=tenant, contests=[*running, *ended], today=today)
    return {"today": today, "running": running, "upcoming": upcoming, "ended": ended, "standings": standings}


def _list_page(request, _object_id=None) -> tuple[dict[str, Any], dict[str, Table], dict[str, Any]]:
    data = _contests(request)
    tables = content.contests_tables(
        running=data["running"], upcoming=data["upcoming"], ended=data["ended"], standings=data["standings"]
    )
    context = {"form": NoFilters(), "data": data}
    return data, tables, context


@member_required
def contests_page(request):
    actor = request.member
    tenant = actor.tenant
    today = tenant_today(tenant)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        services.require_may_create_contests(actor)  # 403 for anybody else, whatever they sent
    creates = selectors.may_create_contests(actor)
    create_form = (
        ContestForm(request.POST if action == "create" else None, actor=actor, today=today) if creates else None
    )
    if action == "create" and create_form is not None and create_form.is_valid():
        fields = dict(create_form.cleaned_data)
        unit_id = fields.pop("unit")
        try:
            contest = services.contest_create(tenant=tenant, actor=actor, unit_id=unit_id, **fields)
        except ValidationError as error:
            add_service_errors(create_form, error)
        else:
            messages.success(request, _("Contest “%(name)s” created.") % {"name": contest.name})
            return redirect("contest-page", contest_id=contest.pk)
    _data, tables, context = _list_page(request)
    context["create_form"] = create_form
    return render_dashboard(request, "targets/contests.html", context, tables, {}, form_refused=bool(action))


@member_required
def contests_xlsx(request, table: str):
    return export_table(request, _list_page, None, table, "contests")


def _contest_page(request, contest_id: int) -> tuple[dict[str, Any], dict[str, Table], dict[str, Any]]:
    actor = request.member
    tenant = actor.tenant
    today = tenant_today(tenant)
    contest = selectors.access_contest_by_id(tenant=tenant, actor=actor, id=contest_id, today=today)
    services.contest_freeze(tenant=tenant, contest=contest, today=today)
    standings = selectors.contest_standings(tenant=tenant, contest=contest, today=today)
    context = {
        "form": NoFilters(),
        "contest": contest,
        "standings": standings,
        "status_label": ContestStatus(standings.status).label,
        "rule_text": content.rule_text(contest),
        "unit_text": content.unit_text(contest),
        "winners_text": ", ".join(row["member_name"] for row in standings.winners),
        "window": selectors.contest_window(contest, today),
    }
    return {"standings": standings}, {"standings": content.standings_table(standings)}, context


@member_required
def contest_page(request, contest_id: int):
    data, tables, context = _contest_page(request, contest_id)
    figure = content.standings_figure(data["standings"])
    return render_dashboard(request, "targets/contest.html", context, tables, {"top": figure} if figure else {})


@member_required
def contest_xlsx(request, contest_id: int, table: str):
    return export_table(request, _contest_page, contest_id, table, "contest")


urlpatterns = [
    path("contests/", contests_page, name="contests-page"),
    path("contests/<slug:table>.xlsx", contests_xlsx, name="contests-page-xlsx"),
    path("contests/<int:contest_id>/", contest_page, name="contest-page"),
    path("contests/<int:contest_id>/<slug:table>.xlsx", contest_xlsx, name="contest-page-xlsx"),
]

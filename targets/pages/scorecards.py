"""The scorecard pages: ``/scorecards/`` (one's own and one's team's) and ``/scorecards/members/<id>/``.

A member sees their scorecard measure by measure and acknowledges it once
the period has ended; a leader sees the scorecards of their subtree; a
manager calibrates a score with a reason on the member's page (the computed
score stays beside it); a leader enters a satisfaction score; a company
manager sets the weights. Forms post back to the page (``action``); the
services' errors come back by field with nothing saved (400).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.pages import DashboardFilters, answer_page_form, export_table, run_page_form
from dashboards.periods import Period
from salesops.org.models import Member
from salesops.org.selectors import tenant_today
from salesops.views import member_required
from targets.models import Measure
from targets.pages import scorecards_content as content
from targets.selectors import scorecards as selectors
from targets.selectors.bonuses import READERS as BONUS_READERS
from targets.selectors.measures import ROLE_MEASURES
from targets.services import scorecards as services

TEAM_ROWS = 200


class ScorecardFilters(DashboardFilters):
    """The period filter; by default the last month that has ended (the one whose scores are final)."""

    def default_period(self) -> Period:
        last = self.today.replace(day=1) - timedelta(days=1)
        return Period("month", last.year, last.month)


def _score_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=100, decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01"})
    )


class CalibrationForm(forms.Form):
    score = _score_field(gettext_lazy("Calibrated score"))
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=services.REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class SatisfactionForm(forms.Form):
    score = _score_field(gettext_lazy("Satisfaction score (of 100)"))


class AcknowledgeForm(forms.Form):
    pass


class WeightsForm(forms.Form):
    """One role's weights: a whole number per measure the role has (blank: not weighed)."""

    def __init__(self, data=None, *, role: str, weights: dict[str, int]):
        super().__init__(data)
        self.role = role
        self.label = Member.Role(role).label
        for measure in ROLE_MEASURES[role]:
            self.fields[measure] = forms.IntegerField(
                label=Measure(measure).label, required=False, min_value=0, max_value=100, initial=weights.get(measure)
            )

    def weights(self) -> dict[str, int]:
        return {measure: weight for measure, weight in self.cleaned_data.items() if weight}


def _period(request) -> tuple[ScorecardFilters, Period]:
    form = ScorecardFilters(
        request.GET, tenant=request.member.tenant, today=tenant_today(request.member.tenant), fields=("period",)
    )
    form.is_valid()
    return form, form.values()["period"]


def _overview(request, _object_id=None):
    actor = request.member
    tenant = actor.tenant
    today = tenant_today(tenant)
    filters, period = _period(request)
    members = list(selectors.scorecard_members(tenant=tenant, actor=actor)[:TEAM_ROWS])
    cards = selectors.scorecards(tenant=tenant, members=members, period=period, today=today)
    mine = next((card for card in cards if card.member.pk == actor.pk), None)
    team = [card for card in cards if card.member.pk != actor.pk]
    weights = selectors.weights_by_role(tenant)
    role_labels = {role: str(Member.Role(role).label) for role in weights}
    tables = {"weights": content.weights_table(weights, role_labels)}
    if mine:
        tables["measures"] = content.measure_table(mine)
    if team:
        tables["team"] = content.team_table(team, period.key)
    context = {
        "form": filters,
        "values": {"period": period},
        "mine": mine,
        "team": team,
        "weights": weights,
        "sets_weights": actor.sets_company_policy,
        "reads_bonuses": actor.role in BONUS_READERS,
    }
    return {"mine": mine, "team": team}, tables, context


@member_required
def scorecards_page(request):
    actor = request.member
    data, tables, context = _overview(request)
    weights = context["weights"]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    posted = request.POST if request.method == "POST" else None
    weight_forms = {
        role: WeightsForm(posted if action == f"weights-{role}" else None, role=role, weights=weights[role])
        for role in weights
    }
    acknowledge = AcknowledgeForm(posted if action == "acknowledge" else None)
    saved = False
    today = tenant_today(actor.tenant)
    if action == "acknowledge" and data["mine"]:
        period = data["mine"].period
        saved = run_page_form(
            request,
            acknowledge,
            lambda: services.score_acknowledge(tenant=actor.tenant, actor=actor, period=period, today=today),
            _("Scorecard acknowledged."),
        )
    elif action.startswith("weights-") and action[8:] in weight_forms:
        form = weight_forms[action[8:]]
        saved = run_page_form(
            request,
            form,
            lambda: services.scorecard_define(tenant=actor.tenant, actor=actor, role=form.role, weights=form.weights()),
            _("Weights saved."),
        )
    context.update(weight_forms=weight_forms, acknowledge_form=acknowledge, posted=action)
    charts = {}
    if data["mine"]:
        charts["points"] = content.points_figure(data["mine"])
    if data["team"]:
        charts["scores"] = content.scores_figure(data["team"])
    return answer_page_form(request, saved, "targets/scorecards.html", context, tables, charts)


@member_required
def scorecards_xlsx(request, table: str):
    return export_table(request, _overview, None, table, "scorecards")


def _member_page(request, member_id: int):
    actor = request.member
    tenant = actor.tenant
    member = selectors.access_scored_member_by_id(tenant=tenant, actor=actor, id=member_id)
    filters, period = _period(request)
    card = selectors.scorecard_of(tenant=tenant, member=member, period=period, today=tenant_today(tenant))
    history = list(selectors.calibration_history(tenant=tenant, member=member, period=period))
    tables = {"measures": content.measure_table(card), "calibrations": content.calibration_table(history)}
    context = {"form": filters, "values": {"period": period}, "card": card, "member_shown": member}
    return {"card": card}, tables, context


@member_required
def member_page(request, member_id: int):
    actor = request.member
    tenant = actor.tenant
    data, tables, context = _member_page(request, member_id)
    card = data["card"]
    member = card.member
    action = request.POST.get("action", "") if request.method == "POST" else ""
    posted = request.POST if request.method == "POST" else None
    calibration = CalibrationForm(posted if action == "calibrate" else None)
    satisfaction = SatisfactionForm(posted if action == "satisfaction" else None)
    today = tenant_today(tenant)
    saved = False
    if action == "calibrate":
        saved = run_page_form(
            request,
            calibration,
            lambda: services.score_calibrate(
                tenant=tenant, actor=actor, member=member, period=card.period, today=today, **calibration.cleaned_data
            ),
            _("Score calibrated; the computed score stays beside it."),
        )
    elif action == "satisfaction":
        saved = run_page_form(
            request,
            satisfaction,
            lambda: services.satisfaction_enter(
                tenant=tenant, actor=actor, member=member, period=card.period, score=satisfaction.cleaned_data["score"]
            ),
            _("Satisfaction score saved."),
        )
    context.update(
        calibration_form=calibration if actor.role in services.CALIBRATORS and actor.pk != member.pk else None,
        satisfaction_form=satisfaction if actor.role in services.SCORING_LEADERS and actor.pk != member.pk else None,
        posted=action,
    )
    return answer_page_form(
        request, saved, "targets/scorecard_member.html", context, tables, {"points": content.points_figure(card)}
    )


@member_required
def member_xlsx(request, member_id: int, table: str):
    return export_table(request, _member_page, member_id, table, "scorecard")


urlpatterns = [
    path("scorecards/", scorecards_page, name="scorecards-page"),
    path("scorecards/<slug:table>.xlsx", scorecards_xlsx, name="scorecards-page-xlsx"),
    path("scorecards/members/<int:member_id>/", member_page, name="scorecard-member-page"),
    path("scorecards/members/<int:member_id>/<slug:table>.xlsx", member_xlsx, name="scorecard-member-page-xlsx"),
]

"""The improvement-plan pages' tables and chart, from plain data (plans in, ``Table`` and a figure out)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from dashboards import figures
from dashboards.tables import Column, Table
from targets.models import ImprovementPlan
from targets.selectors.improvement import MonthScore, PlanDetail

HUNDRED = Decimal(100)


def _name(member) -> str:
    return member.display_name if member else ""


def plans_table(plans: Sequence[ImprovementPlan], *, total: int | None = None) -> Table:
    """The plans, open ones first (the selector's order): who, since when, how far below, how much worked."""
    rows = [
        {
            "member": plan.member.display_name,
            "link": reverse("improvement-plan-page", kwargs={"plan_id": plan.pk}),
            "unit": plan.member.unit.name,
            "supervisor": _name(plan.supervisor),
            "opened_on": plan.opened_on.isoformat(),
            "months_below": len(plan.trigger or []),
            "check_ins": plan.check_in_count,
            "coaching": plan.coaching_count,
            "status": plan.get_status_display(),
            "closed_on": plan.closed_on.isoformat() if plan.closed_on else "",
            "state_class": "state-below" if plan.status == ImprovementPlan.Status.ESCALATED else "",
        }
        for plan in plans
    ]
    return Table(
        name="plans",
        title=_("Improvement plans"),
        columns=[
            Column("member", _("Member"), link="link", width=16),
            Column("unit", _("Unit"), width=16),
            Column("supervisor", _("Supervisor"), width=14),
            Column("opened_on", _("Opened on"), width=12),
            Column("months_below", _("Months below the floor"), "count", width=12),
            Column("check_ins", _("Check-ins"), "count", width=10),
            Column("coaching", _("Coaching sessions"), "count", width=10),
            Column("status", _("Status"), width=10),
            Column("closed_on", _("Closed on"), width=12),
        ],
        rows=rows,
        total=total,
    )


def _score_rows(months: Sequence[MonthScore], when: str) -> list[dict]:
    return [
        {
            "period": month.period,
            "when": when,
            "score": month.score,
            "below": "—" if month.below is None else (_("yes") if month.below else _("no")),
            "final": _("final") if month.final else _("to date"),
        }
        for month in months
    ]


def scores_table(detail: PlanDetail) -> Table:
    """The months that put the member on the plan, then each month since it opened."""
    rows = _score_rows(detail.trigger, _("put on the plan")) + _score_rows(detail.scores_since, _("since it opened"))
    return Table(
        name="scores",
        title=_("Score by month (floor %(floor)s)") % {"floor": detail.floor},
        columns=[
            Column("period", _("Month"), width=10),
            Column("when", _("Month of"), width=16),
            Column("score", _("Final score"), "ratio", width=10),
            Column("below", _("Below the floor"), width=10),
            Column("final", _("Score is"), width=10),
        ],
        rows=rows,
    )


def check_ins_table(detail: PlanDetail) -> Table:
    rows = [
        {
            "week": check_in.week.isoformat(),
            "on_track": _("yes") if check_in.on_track else _("no"),
            "notes": check_in.notes,
            "by": _name(check_in.recorded_by),
            "state_class": "state-met" if check_in.on_track else "state-below",
        }
        for check_in in detail.check_ins
    ]
    return Table(
        name="check_ins",
        title=_("Weekly check-ins"),
        columns=[
            Column("week", _("Week of"), width=12),
            Column("on_track", _("On track"), width=10),
            Column("notes", _("Notes"), width=48),
            Column("by", _("Recorded by"), width=14),
        ],
        rows=rows,
    )


def coaching_table(detail: PlanDetail) -> Table:
    rows = [
        {"date": duty.date.isoformat(), "supervisor": _name(duty.supervisor), "notes": duty.notes}
        for duty in detail.coaching
    ]
    return Table(
        name="coaching",
        title=_("Coaching sessions (111 log)"),
        columns=[
            Column("date", _("Date"), width=12),
            Column("supervisor", _("Coached by"), width=14),
            Column("notes", _("Notes"), width=48),
        ],
        rows=rows,
    )


def plan_tables(detail: PlanDetail) -> dict[str, Table]:
    return {
        "scores": scores_table(detail),
        "check_ins": check_ins_table(detail),
        "coaching": coaching_table(detail),
    }


def score_figure(detail: PlanDetail) -> dict:
    """The member's score by month against the floor (a dashed line), the trigger's months first."""
    months = [*detail.trigger, *detail.scores_since]
    seen: dict[str, Decimal | None] = {}
    for month in months:  # a month both in the trigger and since the opening: the later reading
        seen[month.period] = month.score
    figure = figures.rate_line(
        points=list(seen),
        rates=[None if score is None else score / HUNDRED for score in seen.values()],
        labels=figures.Labels(_("Score by month against the floor"), _("Month"), _("Score (of 100)")),
        targets=[float(detail.floor)],
    )
    # rate_line draws a share in %; a score is out of 100 already, so its points read as plain scores.
    figure["data"][0]["text"] = [None if score is None else f"{score:.2f}" for score in seen.values()]
    figure["layout"]["yaxis"]["ticksuffix"] = ""
    return figure

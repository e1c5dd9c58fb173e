"""The scorecard pages' tables and charts, from plain data (scorecards in, ``Table`` and figures out)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dashboards import figures
from dashboards.tables import Column, Table
from targets.models import Measure
from targets.selectors.measures import SCORE_MEASURES
from targets.selectors.scorecards import MeasureLine, Scorecard


def how_computed(line: MeasureLine) -> str:
    """The measure's figure in words: what was divided by what, or where a score came from."""
    figure = line.figure
    if figure.value is None:
        return _("no data in the period: left out, the other weights scaled to 100")
    if line.measure == Measure.SATISFACTION:
        if figure.source == "call_backs":
            return _("average of %(count)s call-backs: %(average)s / 5 × 20") % {
                "count": int(figure.basis or 0),
                "average": figure.actual,
            }
        return _("score entered for the period")
    if line.measure in (Measure.PREMIUM_ATTAINMENT, Measure.TEAM_ATTAINMENT):
        return _("%(actual)s of %(basis)s yuan") % {"actual": figure.actual, "basis": figure.basis}
    if line.measure in (Measure.ACTIVITY_COMPLIANCE, Measure.DUTY_COMPLETION):
        return _("%(actual)s of %(basis)s working days") % {
            "actual": int(figure.actual or 0),
            "basis": int(figure.basis or 0),
        }
    return _("%(actual)s of %(basis)s") % {"actual": int(figure.actual or 0), "basis": int(figure.basis or 0)}


def measure_table(card: Scorecard) -> Table:
    rows = [
        {
            "measure": str(Measure(line.measure).label),
            "weight": line.weight,
            "how": how_computed(line),
            "value": line.value if line.measure not in SCORE_MEASURES else None,
            "score": line.score,
            "points": line.points,
        }
        for line in card.lines
    ]
    return Table(
        name="measures",
        title=_("Scorecard %(period)s") % {"period": card.period.key},
        columns=[
            Column("measure", _("Measure"), width=20),
            Column("weight", _("Weight"), "count", width=8),
            Column("how", _("How it was computed"), width=40),
            Column("value", _("Rate"), "percent", width=10),
            Column("score", _("Score (of 100)"), "ratio", width=12),
            Column("points", _("Points"), "ratio", width=10),
        ],
        rows=rows,
    )


def team_table(cards: list[Scorecard], period_key: str) -> Table:
    rows = []
    for card in cards:
        member = card.member
        rows.append(
            {
                "name": member.display_name,
                "link": reverse("scorecard-member-page", kwargs={"member_id": member.pk}) + f"?period={period_key}",
                "unit": member.unit.name,
                "role": member.get_role_display(),
                "score": card.score,
                "calibrated": card.calibration.score if card.calibration else None,
                "final": card.final_score,
                "acknowledged": (_("yes") if card.acknowledged else _("no")) if card.ended else "—",
            }
        )
    return Table(
        name="team",
        title=_("Scorecards %(period)s") % {"period": period_key},
        columns=[
            Column("name", _("Member"), link="link", width=16),
            Column("unit", _("Unit"), width=16),
            Column("role", _("Role"), width=14),
            Column("score", _("Computed score"), "ratio", width=12),
            Column("calibrated", _("Calibrated score"), "ratio", width=12),
            Column("final", _("Final score"), "ratio", width=10),
            Column("acknowledged", _("Acknowledged"), width=10),
        ],
        rows=rows,
    )


def weights_table(weights: dict[str, dict[str, int]], role_labels: dict[str, str]) -> Table:
    rows = [
        {"role": role_labels[role], "measure": str(Measure(measure).label), "weight": weight}
        for role, measures in weights.items()
        for measure, weight in measures.items()
    ]
    return Table(
        name="weights",
        title=_("Scorecard weights"),
        columns=[
            Column("role", _("Role"), width=14),
            Column("measure", _("Measure"), width=22),
            Column("weight", _("Weight"), "count", width=8),
        ],
        rows=rows,
    )


def calibration_table(history: list[Any]) -> Table:
    rows = [
        {
            "at": calibration.calibrated_at.strftime("%Y-%m-%d %H:%M"),
            "by": calibration.calibrated_by.display_name if calibration.calibrated_by else "",
            "original": calibration.original_score,
            "score": calibration.score,
            "reason": calibration.reason,
        }
        for calibration in history
    ]
    return Table(
        name="calibrations",
        title=_("Calibrations"),
        columns=[
            Column("at", _("When"), width=16),
            Column("by", _("By"), width=14),
            Column("original", _("Computed score"), "ratio", width=12),
            Column("score", _("Calibrated score"), "ratio", width=12),
            Column("reason", _("Reason"), width=40),
        ],
        rows=rows,
    )


def points_figure(card: Scorecard) -> dict:
    return figures.points_bars(
        names=[str(Measure(line.measure).label) for line in card.lines],
        weights=[line.weight for line in card.lines],
        points=[line.points for line in card.lines],
        series=(_("Weight"), _("Points earned")),
        labels=figures.Labels(_("Points by measure"), "", _("Points")),
    )


def scores_figure(cards: list[Scorecard]) -> dict:
    scored = [card for card in cards if card.final_score is not None]
    scored.sort(key=lambda card: card.final_score or 0, reverse=True)
    return figures.count_bars(
        names=[card.member.display_name for card in scored],
        counts=[float(card.final_score or 0) for card in scored],
        labels=figures.Labels(_("Final scores"), _("Score"), ""),
    )

"""Scorecards: each member's weighted score for a month or quarter, measure by measure.

A measure's figure becomes a score out of 100 — a ratio is capped at 100 %
(stretch beyond the target is paid by the bonus tiers, not the scorecard),
satisfaction is already out of 100 — and earns ``weight × score ÷ 100``
points. The scorecard's score is the sum of the points when every weighed
measure has data; a measure without data (no target, no working day, no
case) is left out and the others are scaled up to 100:
``score = Σ points × 100 ÷ Σ weights with data``.

Worked example (an agent, weights 50 / 30 / 20): 40,000 of a 50,000 target
→ 80 → 40.00 points; 15 of 20 working days at standard → 75 → 22.50;
satisfaction 90 → 18.00; score 80.50. Without a satisfaction score the
score is (40.00 + 22.50) × 100 ÷ 80 = 78.13.

The final score of an ended period is the latest calibration's, else the
computed one; the member acknowledges the final scorecard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from dashboards.periods import Period
from salesops.org.models import Member, Tenant
from salesops.tenancy import get_in_scope_or_404, member_scope_q
from targets.models import ScoreAcknowledgement, ScoreCalibration, ScorecardDefinition
from targets.selectors.measures import (
    CENT,
    DEFAULT_WEIGHTS,
    HUNDRED,
    ROLE_MEASURES,
    SCORE_MEASURES,
    MeasureValue,
    measure_values,
)

SCORED_ROLES = tuple(ROLE_MEASURES)


def weights_by_role(tenant: Tenant) -> dict[str, dict[str, int]]:
    """Every scored role's weights: the tenant's, else the seed's (one query)."""
    stored = dict(ScorecardDefinition.objects.filter(tenant=tenant).values_list("role", "weights"))
    return {role: stored.get(role) or DEFAULT_WEIGHTS[role] for role in SCORED_ROLES}


@dataclass(frozen=True)
class MeasureLine:
    measure: str
    weight: int
    figure: MeasureValue

    @property
    def value(self) -> Decimal | None:
        return self.figure.value

    @property
    def score(self) -> Decimal | None:
        """The figure out of 100 (a ratio capped at 100 %)."""
        if self.figure.value is None:
            return None
        if self.measure in SCORE_MEASURES:
            return self.figure.value
        return min(self.figure.value, Decimal(1)) * HUNDRED

    @property
    def points(self) -> Decimal | None:
        score = self.score
        return None if score is None else (self.weight * score / HUNDRED).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Scorecard:
    member: Member
    period: Period
    lines: list[MeasureLine]
    ended: bool  # the period is over: its score is final and may be calibrated and acknowledged
    calibration: ScoreCalibration | None
    acknowledgement: ScoreAcknowledgement | None

    @property
    def score(self) -> Decimal | None:
        """The computed score (see the module's docstring); ``None`` when no measure has data."""
        scored = [line for line in self.lines if line.points is not None]
        weights = sum(line.weight for line in scored)
        if not weights:
            return None
        points = sum((line.points for line in scored if line.points is not None), Decimal(0))
        return (points * HUNDRED / weights).quantize(CENT, ROUND_HALF_UP)

    @property
    def final_score(self) -> Decimal | None:
        return self.calibration.score if self.calibration else self.score

    @property
    def acknowledged(self) -> bool:
        """The member acknowledged the score now final (a later calibration asks again)."""
        return self.acknowledgement is not None and self.acknowledgement.score == self.final_score


def scorecard_members(*, tenant: Tenant, actor: Member, filters: dict | None = None) -> QuerySet[Member]:
    """The members with a scorecard whom ``actor`` sees: an agent themself, a leader their subtree."""
    filters = filters or {}
    queryset = (
        Member.objects.filter(member_scope_q(actor), tenant=tenant, role__in=SCORED_ROLES, active=True)
        .select_related("unit")
        .order_by("unit__path", "role", "display_name", "id")
    )
    if filters.get("member"):
        queryset = queryset.filter(pk=filters["member"])
    if filters.get("unit"):
        queryset = queryset.filter(unit__path__startswith=filters["unit"].path)
    if filters.get("role"):
        queryset = queryset.filter(role=filters["role"])
    return queryset


def access_scored_member_by_id(*, tenant: Tenant, actor: Member, id) -> Member:
    return get_in_scope_or_404(scorecard_members(tenant=tenant, actor=actor), id)


def scorecards(*, tenant: Tenant, members: Sequence[Member], period: Period, today: date) -> list[Scorecard]:
    """The scorecards of ``members`` (scored roles) for ``period``, in their order; a few queries in all."""
    members = [member for member in members if member.role in ROLE_MEASURES]
    weights = weights_by_role(tenant)
    figures = measure_values(tenant=tenant, members=members, period=period, today=today)
    calibrations: dict[int, ScoreCalibration] = {}
    for calibration in ScoreCalibration.objects.filter(tenant=tenant, period=period.key, member__in=members):
        calibrations.setdefault(calibration.member_id, calibration)  # newest first (the model's order)
    acknowledgements = {
        ack.member_id: ack
        for ack in ScoreAcknowledgement.objects.filter(tenant=tenant, period=period.key, member__in=members)
    }
    ended = period.end < today
    cards = []
    for member in members:
        lines = [
            MeasureLine(measure, weight, figures[member.pk].get(measure, MeasureValue(None)))
            for measure, weight in weights[member.role].items()
        ]
        cards.append(
            Scorecard(
                member=member,
                period=period,
                lines=lines,
                ended=ended,
                calibration=calibrations.get(member.pk) if ended else None,
                acknowledgement=acknowledgements.get(member.pk) if ended else None,
            )
        )
    return cards


def scorecard_of(*, tenant: Tenant, member: Member, period: Period, today: date) -> Scorecard:
    return scorecards(tenant=tenant, members=[member], period=period, today=today)[0]


def calibration_history(*, tenant: Tenant, member: Member, period: Period) -> QuerySet[ScoreCalibration]:
    return ScoreCalibration.objects.filter(tenant=tenant, member=member, period=period.key).select_related(
        "calibrated_by"
    )

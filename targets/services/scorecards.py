"""Writes of the scorecards: the tenant's weights, satisfaction scores, calibrations, acknowledgements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dashboards.periods import Period
from salesops.org.models import Member, Tenant
from targets.models import Measure, SatisfactionScore, ScoreAcknowledgement, ScoreCalibration, ScorecardDefinition
from targets.selectors.measures import ROLE_MEASURES
from targets.selectors.scorecards import scorecard_of
from targets.services.incentive_policy import require_policy_setter

Role = Member.Role
REASON_MAX = 2000
# Who may enter a satisfaction score for the members in their scope.
SCORING_LEADERS = frozenset({Role.TENANT_ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.RENEWAL_LEAD})
# Who may calibrate: a manager (seed 003's 校准会议) or an administrator.
CALIBRATORS = frozenset({Role.TENANT_ADMIN, Role.MANAGER})


def _score(value, field: str) -> Decimal:
    try:
        score = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        score = None
    if score is None or not score.is_finite() or not 0 <= score <= 100 or score != score.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("Enter a score from 0 to 100 with at most two decimals.")]})
    return score


@transaction.atomic
def scorecard_define(*, tenant: Tenant, actor: Member | None, role: str, weights: dict) -> ScorecardDefinition:
    """Set a role's weights: measures the role has data for, whole numbers summing to 100."""
    require_policy_setter(actor)
    if role not in ROLE_MEASURES:
        raise ValidationError({"role": [_("This role has no scorecard: it has none of the measures.")]})
    if not isinstance(weights, dict) or not weights:
        raise ValidationError({"weights": [_("Give each measure's weight, e.g. {“premium_attainment”: 50}.")]})
    errors = []
    for measure, weight in weights.items():
        if measure not in Measure.values:
            errors.append(_("“%(measure)s” is not a measure.") % {"measure": measure})
        elif measure not in ROLE_MEASURES[role]:
            errors.append(
                _("%(measure)s has no data for %(role)s.")
                % {"measure": Measure(measure).label, "role": Role(role).label}
            )
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
            errors.append(_("Each weight is a whole number from 1 to 100."))
    if not errors and sum(weights.values()) != 100:
        errors.append(_("The weights add up to %(total)d; they must add up to 100.") % {"total": sum(weights.values())})
    if errors:
        raise ValidationError({"weights": list(dict.fromkeys(errors))})
    definition, _created = ScorecardDefinition.objects.update_or_create(
        tenant=tenant, role=role, defaults={"weights": dict(weights), "updated_by": actor}
    )
    return definition


def _require_leader_of(actor: Member, member: Member, roles: frozenset[str], message: str) -> None:
    if actor.role not in roles or actor.pk == member.pk:
        raise PermissionDenied(message)


@transaction.atomic
def satisfaction_enter(*, tenant: Tenant, actor: Member, member: Member, period: Period, score) -> SatisfactionScore:
    """Enter (or replace) a member's satisfaction score for a period; ``member`` is already in ``actor``'s scope."""
    _require_leader_of(
        actor, member, SCORING_LEADERS, _("Only a leader may enter a satisfaction score, not for themself.")
    )
    entry, _created = SatisfactionScore.objects.update_or_create(
        tenant=tenant,
        member=member,
        period=period.key,
        defaults={"score": _score(score, "score"), "entered_by": actor},
    )
    return entry


@transaction.atomic
def score_calibrate(
    *, tenant: Tenant, actor: Member, member: Member, period: Period, score, reason: str, today: date
) -> ScoreCalibration:
    """Adjust an ended period's final score with a reason; the computed score is kept beside it.

    ``member`` is already in ``actor``'s scope. A later calibration replaces
    the final score and asks the member to acknowledge again.
    """
    _require_leader_of(actor, member, CALIBRATORS, _("Only a manager may calibrate a score, not their own."))
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for the calibration.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("Keep the reason under %(max)d characters.") % {"max": REASON_MAX}]
    try:
        new_score = _score(score, "score")
    except ValidationError as error:
        errors.update(error.message_dict)
    if period.end >= today:
        errors["period"] = [_("A score is calibrated once its period has ended.")]
    if errors:
        raise ValidationError(errors)
    Member.objects.select_for_update().filter(pk=member.pk).first()  # one calibration at a time per member
    card = scorecard_of(tenant=tenant, member=member, period=period, today=today)
    if card.score is None:
        raise ValidationError({"member": [_("No measure has data for this period: there is no score to calibrate.")]})
    return ScoreCalibration.objects.create(
        tenant=tenant,
        member=member,
        period=period.key,
        original_score=card.score,
        score=new_score,
        reason=reason,
        calibrated_by=actor,
    )


@transaction.atomic
def score_acknowledge(*, tenant: Tenant, actor: Member, period: Period, today: date) -> ScoreAcknowledgement:
    """The member acknowledges their final scorecard of an ended period (again after a new calibration)."""
    if actor.role not in ROLE_MEASURES:
        raise PermissionDenied(_("Your role has no scorecard."))
    if period.end >= today:
        raise ValidationError({"period": [_("A scorecard is acknowledged once its period has ended.")]})
    card = scorecard_of(tenant=tenant, member=actor, period=period, today=today)
    if card.final_score is None:
        raise ValidationError({"period": [_("No measure has data for this period: there is no score to acknowledge.")]})
    acknowledgement, _created = ScoreAcknowledgement.objects.update_or_create(
        tenant=tenant, member=actor, period=period.key, defaults={"score": card.final_score}
    )
    return acknowledgement

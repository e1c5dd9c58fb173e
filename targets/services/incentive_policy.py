"""Changing the tenant's incentive rules: bonus tiers and the improvement-plan floor (company policy)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesops.org.models import Member, Tenant
from targets.models import IncentivePolicy
from targets.selectors.incentive_policy import policy_for

FIELDS = ("bonus_tiers", "improvement_floor", "improvement_months")
MAX_TIERS = 10


def require_policy_setter(actor: Member | None) -> None:
    if actor is not None and not actor.sets_company_policy:
        raise PermissionDenied(_("Only a company manager or an administrator may set the incentive rules."))


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _tiers(raw) -> tuple[list[dict[str, str]] | None, str | None]:
    """Validate tiers ``[{"from": "1.10", "rate": "0.15"}, ...]``: return them as decimal strings, or an error."""
    if not isinstance(raw, list) or not raw or len(raw) > MAX_TIERS:
        return None, _("Give from 1 to %(max)d tiers.") % {"max": MAX_TIERS}
    tiers = []
    for tier in raw:
        start = _decimal(tier.get("from")) if isinstance(tier, dict) else None
        rate = _decimal(tier.get("rate")) if isinstance(tier, dict) else None
        if start is None or rate is None or not Decimal(0) <= start <= Decimal(10) or not Decimal(0) <= rate <= 1:
            return None, _("Each tier needs an attainment “from” (0 to 10, 1.10 = 110%) and a rate from 0 to 1.")
        if start != start.quantize(Decimal("0.0001")) or rate != rate.quantize(Decimal("0.0001")):
            return None, _("Give attainments and rates with at most four decimals.")
        tiers.append((start, rate))
    tiers.sort()
    starts = [start for start, _rate in tiers]
    if len(set(starts)) != len(starts):
        return None, _("Two tiers start at the same attainment.")
    if any(later[1] < earlier[1] for earlier, later in zip(tiers, tiers[1:], strict=False)):
        return None, _("A higher tier may not pay a lower rate.")
    return [{"from": str(start), "rate": str(rate)} for start, rate in tiers], None


@transaction.atomic
def incentive_policy_update(*, tenant: Tenant, actor: Member | None, changes: dict) -> IncentivePolicy:
    """Change the rules; every error is reported by field and nothing is saved."""
    require_policy_setter(actor)
    errors = {name: [_("Unknown field.")] for name in sorted(set(changes) - set(FIELDS))}
    clean: dict = {}
    if "bonus_tiers" in changes:
        tiers, error = _tiers(changes["bonus_tiers"])
        if error:
            errors["bonus_tiers"] = [error]
        clean["bonus_tiers"] = tiers
    if "improvement_floor" in changes:
        floor = _decimal(changes["improvement_floor"])
        if floor is None or not Decimal(0) <= floor <= Decimal(100) or floor != floor.quantize(Decimal("0.01")):
            errors["improvement_floor"] = [_("Enter a score from 0 to 100 with at most two decimals.")]
        clean["improvement_floor"] = floor
    if "improvement_months" in changes:
        months = changes["improvement_months"]
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 12:
            errors["improvement_months"] = [_("Enter a whole number of months from 1 to 12.")]
        clean["improvement_months"] = months
    if errors:
        raise ValidationError(errors)
    policy_for(tenant)
    policy = IncentivePolicy.objects.select_for_update().get(tenant=tenant)
    for name, value in clean.items():
        setattr(policy, name, value)
    policy.save()
    return policy

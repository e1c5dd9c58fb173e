"""The tenant's bank-channel standards: contact frequencies and the KPI targets (company policy)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bancassurance.models import BancassurancePolicy
from bancassurance.selectors.branches import policy_for, require_bancassurance_manager
from salesops.org.models import Member, Tenant

COUNTS = {
    "head_contacts_per_week": (1, 20),
    "wealth_manager_days_per_week": (1, 7),
    "teller_contacts_per_week": (1, 20),
    "activity_target_1": (0, 100),
    "activity_target_2": (0, 100),
    "activity_target_3": (0, 100),
}
FIELDS = (*COUNTS, "single_per_regular_target")


@transaction.atomic
def standards_update(*, tenant: Tenant, actor: Member | None, changes: dict) -> BancassurancePolicy:
    """Change the standards; the three activity targets must rise (30 ≤ 60 ≤ 100)."""
    require_bancassurance_manager(actor)
    errors = {name: [_("Unknown field.")] for name in sorted(set(changes) - set(FIELDS))}
    for name, (low, high) in COUNTS.items():
        value = changes.get(name)
        if name in changes and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            errors[name] = [_("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]
    if "single_per_regular_target" in changes:
        try:
            target = Decimal(str(changes["single_per_regular_target"]))
        except InvalidOperation:
            target = None
        if (
            target is None
            or not target.is_finite()
            or not Decimal(0) <= target <= Decimal(100)
            or target != target.quantize(Decimal("0.01"))
        ):
            errors["single_per_regular_target"] = [_("Enter a number from 0 to 100 with at most two decimals.")]
        else:
            changes = {**changes, "single_per_regular_target": target}
    if errors:
        raise ValidationError(errors)
    policy_for(tenant)
    policy = BancassurancePolicy.objects.select_for_update().get(tenant=tenant)
    for name, value in changes.items():
        setattr(policy, name, value)
    if not policy.activity_target_1 <= policy.activity_target_2 <= policy.activity_target_3:
        raise ValidationError(
            {"activity_target_2": [_("The three activity targets must rise: first ≤ second ≤ third.")]}
        )
    policy.save()
    return policy

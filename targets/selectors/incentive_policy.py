"""The tenant's incentive rules (bonus tiers, the improvement-plan floor), seed 003's by default."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from salesops.org.models import Tenant
from targets.models import IncentivePolicy


def policy_for(tenant: Tenant) -> IncentivePolicy:
    """Return the tenant's incentive rules, created with the seeds' defaults on first read."""
    policy, _created = IncentivePolicy.objects.get_or_create(tenant=tenant)
    return policy


@dataclass(frozen=True)
class BonusTier:
    start: Decimal  # from this attainment on (1.10 = 110 %)
    rate: Decimal  # bonus = premium × rate


def bonus_tiers(policy: IncentivePolicy) -> list[BonusTier]:
    """The policy's tiers, lowest first."""
    tiers = [BonusTier(Decimal(tier["from"]), Decimal(tier["rate"])) for tier in policy.bonus_tiers]
    return sorted(tiers, key=lambda tier: tier.start)


def tier_reached(tiers: list[BonusTier], attainment: Decimal | None) -> BonusTier | None:
    """The highest tier ``attainment`` reaches; ``None`` below the first (or without a target)."""
    reached = None
    if attainment is None:
        return None
    for tier in tiers:
        if attainment >= tier.start:
            reached = tier
    return reached

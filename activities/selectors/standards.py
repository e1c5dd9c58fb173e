"""Reads of the activity standards (5311 and the tenant's own): per tier, dated."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from django.db.models import Case, IntegerField, QuerySet, Value, When

from activities.models import ITEMS, ActivityStandard
from salesops.org.models import Member, Tenant

# Tiers in the order people read them, not alphabetically.
TIER_ORDER = Case(
    When(tier=Member.Tier.TOP, then=Value(0)),
    When(tier=Member.Tier.MIDDLE, then=Value(1)),
    When(tier=Member.Tier.BOTTOM, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def standard_list(*, tenant: Tenant) -> QuerySet[ActivityStandard]:
    """Return the tenant's standards, every tier's newest first (every member may read them)."""
    return ActivityStandard.objects.filter(tenant=tenant).order_by(TIER_ORDER, "-effective_from", "id")


def standard_in_effect(*, tenant: Tenant, tier: str, on: date) -> ActivityStandard | None:
    """Return the standard of ``tier`` that applies on ``on``: the latest one effective from that day or before."""
    return (
        ActivityStandard.objects.filter(tenant=tenant, tier=tier, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def standards_for_tier(*, tenant: Tenant, tier: str, until: date) -> list[ActivityStandard]:
    """Return every standard of ``tier`` effective by ``until``, newest first (one query, for day-by-day use)."""
    return list(
        ActivityStandard.objects.filter(tenant=tenant, tier=tier, effective_from__lte=until).order_by("-effective_from")
    )


def standards_by_tier(*, tenant: Tenant, until: date) -> dict[str, list[ActivityStandard]]:
    """Return every tier's standards in effect by ``until``, newest first (one query for a whole team)."""
    by_tier: dict[str, list[ActivityStandard]] = defaultdict(list)
    for standard in ActivityStandard.objects.filter(tenant=tenant, effective_from__lte=until).order_by(
        "-effective_from"
    ):
        by_tier[standard.tier].append(standard)
    return by_tier


def standard_on(standards: Sequence[ActivityStandard], day: date) -> ActivityStandard | None:
    """Return the standard in effect on ``day`` from ``standards`` sorted newest first."""
    for standard in standards:
        if standard.effective_from <= day:
            return standard
    return None


def standard_targets(standard: ActivityStandard | None) -> dict[str, int]:
    """Return the items that have a standard, with their daily figure (items without one are left out)."""
    if standard is None:
        return {}
    targets: dict[str, int] = {}
    for item in ITEMS:
        value = getattr(standard, item)
        if value is not None:
            targets[item] = value
    return targets


def meets_standard(counts: Mapping[str, int] | None, standard: ActivityStandard | None) -> bool | None:
    """Return whether ``counts`` reach every item that has a standard.

    ``None`` when there is nothing to judge: no standard in effect, or one
    with no item set. A day without a log (``counts`` None) is not met.
    """
    targets = standard_targets(standard)
    if not targets:
        return None
    if counts is None:
        return False
    return all(counts.get(item, 0) >= target for item, target in targets.items())

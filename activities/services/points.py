"""Writes of the hero board's points per work-log item (one row per tenant)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activities.models import ITEMS, ActivityPoints
from activities.selectors.leaderboard import points_for
from activities.services.logs import whole_number
from activities.services.standards import require_standard_setter
from salesops.org.models import Member, Tenant

MAX_POINTS = 100


def require_points_setter(actor: Member | None) -> None:
    """Points are the company's, like standards: tenant admins and company-level managers set them."""
    require_standard_setter(actor)


@transaction.atomic
def points_update(*, tenant: Tenant, actor: Member | None, **points: Any) -> ActivityPoints:
    """Set the tenant's points per item; an item left out keeps its current value.

    Each value is a whole number from 0 to 100; any bad value refuses the
    whole change with an error under its field, and nothing is saved.
    """
    require_points_setter(actor)
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(points) - set(ITEMS))
    for field in unknown:
        errors[field] = [_("Unknown item.")]
    values = points_for(tenant)
    for item in ITEMS:
        if item not in points:
            continue
        number = whole_number(points[item])
        if number is None:
            errors[item] = [_("Enter a whole number.")]
        elif not 0 <= number <= MAX_POINTS:
            errors[item] = [_("Points are between 0 and %(max)s.") % {"max": MAX_POINTS}]
        else:
            values[item] = number
    if errors:
        raise ValidationError(errors)
    # The unique (tenant) constraint makes a concurrent first write update rather than duplicate.
    row, _created = ActivityPoints.objects.update_or_create(tenant=tenant, defaults=values)
    return row

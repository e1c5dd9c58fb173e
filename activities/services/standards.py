"""Writes of the activity standards: a tier's daily figures from a date on, and the 5311 seed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from activities.models import ActivityStandard
from activities.services.logs import whole_number
from salesops.org.models import Member, Tenant

# "5311" (seed 002): 5 phone appointments, 3 sales interviews, 1 recruiting
# interview, 1 new prospect a day; referrals have no standard.
DEFAULT_STANDARD: dict[str, int | None] = {
    "phone_appointments": 5,
    "sales_interviews": 3,
    "recruiting_interviews": 1,
    "new_prospects": 1,
    "referrals": None,
}
# Early enough to cover every log a tenant could have.
DEFAULT_EFFECTIVE_FROM = date(2000, 1, 1)


def require_standard_setter(actor: Member | None) -> None:
    """Standards are the company's: tenant admins and company-level managers set them."""
    if actor is None or actor.sets_company_policy:
        return
    raise PermissionDenied(_("Only a tenant admin or a company-level manager may set activity standards."))


def _clean_figure(value: Any, field: str, cap: int, errors: dict[str, list[str]]) -> int | None:
    if value is None or value == "":
        return None
    number = whole_number(value)
    if number is None:
        errors[field] = [_("Enter a whole number, or leave it empty for no standard.")]
    elif number < 0:
        errors[field] = [_("A standard cannot be negative.")]
    elif number > cap:
        errors[field] = [_("A standard above the daily cap (%(cap)s) could never be met honestly.") % {"cap": cap}]
    return number


@transaction.atomic
def standard_create(
    *,
    tenant: Tenant,
    actor: Member | None,
    tier: str,
    effective_from: date,
    phone_appointments: int | None,
    sales_interviews: int | None,
    recruiting_interviews: int | None,
    new_prospects: int | None,
    referrals: int | None = None,
) -> ActivityStandard:
    """Set ``tier``'s daily standard from ``effective_from`` on; earlier days keep the standard they had.

    A figure of ``None`` means the item has no standard.
    """
    require_standard_setter(actor)
    errors: dict[str, list[str]] = {}
    cap = tenant.activity_daily_cap
    figures = {
        field: _clean_figure(value, field, cap, errors)
        for field, value in {
            "phone_appointments": phone_appointments,
            "sales_interviews": sales_interviews,
            "recruiting_interviews": recruiting_interviews,
            "new_prospects": new_prospects,
            "referrals": referrals,
        }.items()
    }
    if tier not in Member.Tier.values:
        errors["tier"] = [_("The tier is one of %(tiers)s.") % {"tiers": ", ".join(Member.Tier.values)}]
    if not isinstance(effective_from, date):
        errors["effective_from"] = [_("Enter a date.")]
    elif (
        "tier" not in errors
        and ActivityStandard.objects.filter(tenant=tenant, tier=tier, effective_from=effective_from).exists()
    ):
        errors["effective_from"] = [_("This tier already has a standard from this date.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():  # a savepoint, so the outer transaction survives a clash
            return ActivityStandard.objects.create(
                tenant=tenant, tier=tier, effective_from=effective_from, created_by=actor, **figures
            )
    except IntegrityError as error:
        # A concurrent request set a standard for the same tier and date first.
        raise ValidationError({"effective_from": [_("This tier already has a standard from this date.")]}) from error


def standards_seed_defaults(*, tenant: Tenant) -> None:
    """Give every tier of ``tenant`` the 5311 standard from 2000-01-01 (idempotent)."""
    ActivityStandard.objects.bulk_create(
        [
            ActivityStandard(tenant=tenant, tier=tier, effective_from=DEFAULT_EFFECTIVE_FROM, **DEFAULT_STANDARD)
            for tier in Member.Tier.values
        ],
        ignore_conflicts=True,
    )

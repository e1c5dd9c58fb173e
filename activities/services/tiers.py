"""Writes of the customer tiers: the nightly recompute, and the tenant's customer rules (company policy)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activities.models.customers import Customer, CustomerPolicy
from activities.selectors.tiers import policy_for, tenant_tiers
from activities.services.needs import parse_amount
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today

# The customer rules a company manager or an admin sets (CustomerPolicy's fields).
POLICY_FIELDS = (
    "tier_a_months",
    "tier_a_premium",
    "tier_b_months",
    "tier_c_policy_months",
    "budget_low_percent",
    "budget_high_percent",
    "churn_quotes",
)
MONTH_FIELDS = ("tier_a_months", "tier_b_months", "tier_c_policy_months")
PERCENT_FIELDS = ("budget_low_percent", "budget_high_percent")
MAX_MONTHS = 120
MAX_CHURN_QUOTES = 100
MAX_PREMIUM = Decimal("999999999999.99")  # the field's 14 digits
# Ids per UPDATE: large books are written in a few statements, never one per customer.
UPDATE_CHUNK = 5000


@transaction.atomic
def recompute_tiers(*, tenant: Tenant, today: date) -> int:
    """Judge every customer of the tenant's book on ``today`` and store ``tier`` and ``tier_computed_on``.

    Erased customers are skipped (their anonymous row keeps what it had).
    Five reads, then one UPDATE per tier (per 5,000 customers): the cost
    does not grow in queries with the book. Idempotent. Return how many
    customers were judged.
    """
    policy = policy_for(tenant)
    judged = tenant_tiers(tenant=tenant, today=today, policy=policy)
    by_tier: dict[str, list[int]] = defaultdict(list)
    for customer_id, (_stored, tier) in judged.items():
        by_tier[tier].append(customer_id)
    for tier, ids in by_tier.items():
        ids.sort()
        for start in range(0, len(ids), UPDATE_CHUNK):
            Customer.objects.filter(
                tenant=tenant, pk__in=ids[start : start + UPDATE_CHUNK], erased_at__isnull=True
            ).update(tier=tier, tier_computed_on=today)
    return len(judged)


def require_policy_setter(actor: Member | None) -> None:
    """The customer rules are the company's: tenant admins and company-level managers set them."""
    if actor is not None and not actor.sets_company_policy:
        raise PermissionDenied(_("Only a company manager or an administrator may set the customer rules."))


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


@transaction.atomic
def customer_policy_update(*, tenant: Tenant, actor: Member | None, **fields: Any) -> CustomerPolicy:
    """Change the tenant's customer rules; every error is named by its field and nothing is saved.

    The book is re-tiered at once on the new thresholds (the nightly run
    would do it too), so the rules page and the book agree right away.
    """
    require_policy_setter(actor)
    errors: dict[str, list[str]] = {name: [_("Unknown field.")] for name in sorted(set(fields) - set(POLICY_FIELDS))}
    clean: dict[str, Any] = {}
    for name in MONTH_FIELDS:
        if name in fields:
            months = _whole(fields[name])
            if months is None or not 1 <= months <= MAX_MONTHS:
                errors[name] = [_("Enter a whole number of months from 1 to %(max)d.") % {"max": MAX_MONTHS}]
            clean[name] = months
    if "tier_a_premium" in fields:
        premium = parse_amount(fields["tier_a_premium"])
        if premium is None or not Decimal(0) <= premium <= MAX_PREMIUM:
            errors["tier_a_premium"] = [_("Enter an amount in yuan of 0 or more, with at most two decimals.")]
        clean["tier_a_premium"] = premium
    for name in PERCENT_FIELDS:
        if name in fields:
            percent = parse_amount(fields[name])
            if percent is None or not Decimal(0) <= percent <= Decimal(100):
                errors[name] = [_("Enter a percentage from 0 to 100 with at most two decimals.")]
            clean[name] = percent
    if "churn_quotes" in fields:
        quotes = _whole(fields["churn_quotes"])
        if quotes is None or not 1 <= quotes <= MAX_CHURN_QUOTES:
            errors["churn_quotes"] = [
                _("Enter a whole number of quotes from 1 to %(max)d.") % {"max": MAX_CHURN_QUOTES}
            ]
        clean["churn_quotes"] = quotes
    policy_for(tenant)
    policy = CustomerPolicy.objects.select_for_update().get(tenant=tenant)

    def merged(name: str) -> Any:
        return clean[name] if name in clean else getattr(policy, name)

    a_months, b_months = merged("tier_a_months"), merged("tier_b_months")
    if "tier_a_months" not in errors and "tier_b_months" not in errors and a_months > b_months:
        # Name the field the caller changed (A's, when both were sent).
        name = "tier_a_months" if "tier_a_months" in clean else "tier_b_months"
        errors[name] = [
            _("A's contact window may not be longer than B's (%(a)d > %(b)d months).") % {"a": a_months, "b": b_months}
        ]
    low, high = merged("budget_low_percent"), merged("budget_high_percent")
    if "budget_low_percent" not in errors and "budget_high_percent" not in errors and low > high:
        name = "budget_low_percent" if "budget_low_percent" in clean else "budget_high_percent"
        errors[name] = [
            _("The budget's lower end may not be above its upper end (%(low)s%% > %(high)s%%).")
            % {"low": low, "high": high}
        ]
    if errors:
        raise ValidationError(errors)
    for name, value in clean.items():
        setattr(policy, name, value)
    policy.save()
    recompute_tiers(tenant=tenant, today=tenant_today(tenant))
    return policy

"""The needs-analysis helper (seed 000 section 三.2, 需求分析 with the 家庭财务温度计).

From the household's annual income and the premium its existing cover
costs a year, per product:

- the premium budget is ``budget_low_percent``–``budget_high_percent`` of
  the income (the tenant's, 10–15 % by default: "保费支出不超过家庭年收入的
  10%-15%"), each end rounded half up to the fen;
- ``existing`` is the sum of the cover's annual premiums;
- the gap (保障缺口) is what is missing to reach the budget's lower end:
  ``max(0, budget_low − existing)``;
- the gaps by product type: the seeds give no split of a household budget
  between products, so the gap is shared equally among the tenant's
  products the household has no cover for (no amount, or 0), in product
  order, each share rounded down to the fen and the fen left over given
  one by one to the first products (the shares add up to the gap
  exactly). When every product has some cover the gap is shared among all
  of them. A product without cover is listed even when the gap is 0.

The income and cover go into ``customer.household`` (other keys kept), the
result into ``customer.needs`` with the day. Only readers in full (the
owner, the supervisors over them) may do this: the figures are personal.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from activities.models.customers import Customer
from activities.selectors.customers import reads_in_full
from activities.selectors.tiers import policy_for
from salesops.org.models import Member, Tenant
from salesops.org.selectors import product_list, tenant_today

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
MAX_AMOUNT = Decimal("999999999999.99")


def parse_amount(value: Any) -> Decimal | None:
    """Return a non-negative amount with at most two decimals (yuan, percentages), or ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite() or number != number.quantize(FEN) or not ZERO <= number <= MAX_AMOUNT:
        return None
    return number.quantize(FEN)


def share_gap(gap: Decimal, codes: list[str]) -> dict[str, Decimal]:
    """Share ``gap`` equally among ``codes`` to the fen; the fen left over go one each to the first codes."""
    if not codes:
        return {}
    share = (gap / len(codes)).quantize(FEN, rounding=ROUND_DOWN)
    left_over = int((gap - share * len(codes)) / FEN)
    return {code: share + (FEN if index < left_over else ZERO) for index, code in enumerate(codes)}


def needs_figures(*, income: Decimal, cover: dict[str, Decimal], codes: list[str], low: Decimal, high: Decimal) -> dict:
    """Return the analysis of ``income`` and ``cover`` against a budget of ``low``–``high`` % (no ORM)."""
    budget_low = (income * low / HUNDRED).quantize(FEN, rounding=ROUND_HALF_UP)
    budget_high = (income * high / HUNDRED).quantize(FEN, rounding=ROUND_HALF_UP)
    existing = sum(cover.values(), ZERO)
    gap = max(budget_low - existing, ZERO)
    uncovered = [code for code in codes if not cover.get(code)]
    gaps = share_gap(gap, uncovered if uncovered else (codes if gap else []))
    return {
        "income": str(income),
        "budget_low": str(budget_low),
        "budget_high": str(budget_high),
        "existing": str(existing),
        "gap": str(gap),
        "above_budget": existing > budget_high,
        "gaps": {code: str(amount) for code, amount in gaps.items()},
    }


@transaction.atomic
def needs_analyse(
    *,
    tenant: Tenant,
    actor: Member,
    customer: Customer,
    income: Any,
    cover: Any,
    today: date | None = None,
) -> dict:
    """Analyse the household's needs and save income, cover and result with the customer; return the result.

    ``cover`` maps a product code to the annual premium of the cover the
    household holds. Bad input (a negative or non-number income or amount,
    an unknown product code) is reported by field; nothing is saved.
    """
    if customer.tenant_id != tenant.pk:
        raise Http404(_("Not found."))
    if not reads_in_full(actor, customer):
        raise PermissionDenied(_("Only the customer's agent and their supervisors may see the household's figures."))
    today = today or tenant_today(tenant)
    errors: dict[str, list[str]] = {}
    clean_income = parse_amount(income)
    if clean_income is None:
        errors["income"] = [_("Enter the household's annual income in yuan: 0 or more, at most two decimals.")]
    products = list(product_list(tenant=tenant).values_list("code", flat=True))
    clean_cover: dict[str, Decimal] = {}
    if cover is None:
        cover = {}
    if not isinstance(cover, dict):
        errors["cover"] = [_("Give the cover as the annual premium per product code.")]
    else:
        messages = []
        for code, value in cover.items():
            if code not in products:
                messages.append(_("Unknown product: %(code)s.") % {"code": code})
                continue
            if value is None or value == "":
                continue
            amount = parse_amount(value)
            if amount is None:
                messages.append(
                    _("%(code)s: enter an annual premium in yuan, 0 or more, at most two decimals.") % {"code": code}
                )
                continue
            clean_cover[code] = amount
        if messages:
            errors["cover"] = messages
    if errors:
        raise ValidationError(errors)
    assert clean_income is not None
    policy = policy_for(tenant)
    needs = needs_figures(
        income=clean_income,
        cover=clean_cover,
        codes=products,
        low=policy.budget_low_percent,
        high=policy.budget_high_percent,
    )
    needs.update(on=today.isoformat(), by=actor.pk)
    locked = Customer.objects.select_for_update().filter(tenant=tenant, pk=customer.pk, erased_at__isnull=True).first()
    if locked is None:
        raise Http404(_("Not found."))
    household = dict(locked.household or {})
    household.update(income=str(clean_income), cover={code: str(amount) for code, amount in clean_cover.items()})
    locked.household = household
    locked.needs = needs
    locked.save(update_fields=["household", "needs", "updated_at"])
    customer.household, customer.needs = household, needs
    return needs

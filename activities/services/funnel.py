"""Writes of the sales funnel: a customer's stage changes, the quotes they were given, the sale that signs them.

Seed 000's six steps, in order: acquired → needs analysis → proposal →
objection handling → signed → service (``Customer.Stage``).

- A move forwards may skip steps and needs nothing more; a move backwards
  needs its reason (``reason``); a "move" to the stage the customer is at is
  refused. Each move is dated (``changed_on``, the tenant's today by
  default): not in the future, not before the customer's last change.
- Every move writes a ``CustomerStageChange`` and sets the customer's
  ``stage``, ``stage_changed_on`` and ``last_contact_on`` (the later of the
  two dates: a move is a contact).
- A quote (``Quote``) moves an acquired or needs-analysis customer to the
  proposal step, dated the quote's day.
- A sale record linked to a customer (``targets.services.sales``) moves
  them to ``signed`` on the day of the sale, unless they are signed or in
  service already.

Who may write: the owner of the customer and the leaders whose scope holds
them (``access_customer_by_id``: anyone else, another tenant's customer or
an erased one is a 404); bank staff and the renewal roles have no book (403).
Bad input is a ``ValidationError`` by field, with nothing saved.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Model
from django.utils.translation import gettext as _

from activities.models.customers import Customer, CustomerStageChange, Quote
from activities.selectors.customers import access_customer_by_id
from salesops.org.models import Member, Product, Tenant
from salesops.org.selectors import tenant_today

Stage = Customer.Stage
# The funnel's order: a stage's index is its step (0 = acquired … 5 = service).
STAGES: tuple[str, ...] = tuple(Stage.values)
STAGE_INDEX: dict[str, int] = {stage: index for index, stage in enumerate(STAGES)}
# A quote moves these stages on to the proposal; later ones stay where they are.
QUOTE_MOVES_FROM = frozenset({Stage.ACQUIRED, Stage.NEEDS_ANALYSIS})
# A linked sale moves every stage but these to ``signed``.
SALE_KEEPS = frozenset({Stage.SIGNED, Stage.SERVICE})
# Quote.premium is DECIMAL(14, 2).
PREMIUM_LIMIT = Decimal(10) ** 12


def _max_length(model: type[Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, CharField) and field.max_length is not None
    return field.max_length


REASON_MAX = _max_length(CustomerStageChange, "reason")


def _locked_customer(*, tenant: Tenant, actor: Member, customer: Customer) -> Customer:
    """Return ``customer`` fresh and locked, once the actor's access is checked (404 / 403 otherwise)."""
    access_customer_by_id(tenant=tenant, actor=actor, id=customer.pk)
    # Locked: two moves of the same customer at once must not both start from the same stage.
    return Customer.objects.select_for_update().get(tenant=tenant, pk=customer.pk)


def _move(
    *, tenant: Tenant, actor: Member | None, customer: Customer, to_stage: str, changed_on: date, reason: str = ""
) -> CustomerStageChange:
    """Write the dated change and set the customer's stage, its date and the last contact (checks done)."""
    change = CustomerStageChange.objects.create(
        tenant=tenant,
        customer=customer,
        from_stage=customer.stage,
        to_stage=to_stage,
        changed_on=changed_on,
        reason=reason,
        changed_by=actor,
    )
    customer.stage = to_stage
    customer.stage_changed_on = changed_on
    customer.last_contact_on = max(filter(None, [customer.last_contact_on, changed_on]))
    customer.save(update_fields=["stage", "stage_changed_on", "last_contact_on", "updated_at"])
    return change


def _date_errors(day: date, *, customer: Customer, today: date) -> str | None:
    if day > today:
        return _("The date cannot be in the future.")
    if day < customer.stage_changed_on:
        return _("The date cannot be before the customer's last stage change (%(date)s).") % {
            "date": customer.stage_changed_on.isoformat()
        }
    return None


@transaction.atomic
def stage_change(
    *,
    tenant: Tenant,
    actor: Member,
    customer: Customer,
    to_stage: str,
    changed_on: date | None = None,
    reason: str = "",
    today: date | None = None,
) -> CustomerStageChange:
    """Move ``customer`` to ``to_stage`` on ``changed_on`` (today by default); backwards only with a reason."""
    customer = _locked_customer(tenant=tenant, actor=actor, customer=customer)
    today = today or tenant_today(tenant)
    changed_on = changed_on or today
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if to_stage not in STAGE_INDEX:
        errors["to_stage"] = [_("Unknown stage.")]
    elif to_stage == customer.stage:
        errors["to_stage"] = [_("The customer is at this stage already.")]
    elif STAGE_INDEX[to_stage] < STAGE_INDEX[customer.stage] and not reason:
        errors["reason"] = [_("A move back to an earlier stage needs a reason.")]
    if len(reason) > REASON_MAX:
        errors["reason"] = [_("A reason has at most %(max)s characters.") % {"max": REASON_MAX}]
    if message := _date_errors(changed_on, customer=customer, today=today):
        errors["changed_on"] = [message]
    if errors:
        raise ValidationError(errors)
    return _move(tenant=tenant, actor=actor, customer=customer, to_stage=to_stage, changed_on=changed_on, reason=reason)


def _premium_error(premium: Decimal) -> str | None:
    if premium <= 0:
        return _("The premium must be above zero.")
    if premium != premium.quantize(Decimal("0.01")):
        return _("The premium has at most 2 decimal places (fen).")
    if premium >= PREMIUM_LIMIT:
        return _("The premium is too large.")
    return None


@transaction.atomic
def quote_record(
    *,
    tenant: Tenant,
    actor: Member,
    customer: Customer,
    product_code: str,
    premium: Decimal,
    quoted_on: date,
    today: date | None = None,
) -> Quote:
    """Record a quote of ``product_code``; an acquired or needs-analysis customer moves on to the proposal.

    The move is dated ``quoted_on``, so a quote that would move the customer
    may not be dated before their last stage change; any quote may not be
    dated before the customer was acquired, nor in the future.
    """
    customer = _locked_customer(tenant=tenant, actor=actor, customer=customer)
    today = today or tenant_today(tenant)
    errors: dict[str, list[str]] = {}
    product = Product.objects.filter(tenant=tenant, code=product_code).first() if product_code else None
    if product is None:
        errors["product"] = [_("Unknown product.")]
    if message := _premium_error(Decimal(premium)):
        errors["premium"] = [message]
    moves = customer.stage in QUOTE_MOVES_FROM
    if quoted_on > today:
        errors["quoted_on"] = [_("The date cannot be in the future.")]
    elif quoted_on < customer.acquired_on:
        errors["quoted_on"] = [
            _("The date cannot be before the customer was acquired (%(date)s).")
            % {"date": customer.acquired_on.isoformat()}
        ]
    elif moves and (message := _date_errors(quoted_on, customer=customer, today=today)):
        errors["quoted_on"] = [message]
    if errors:
        raise ValidationError(errors)
    assert product is not None  # an unknown one was reported above
    quote = Quote.objects.create(
        tenant=tenant, customer=customer, product=product, premium=premium, quoted_on=quoted_on, created_by=actor
    )
    if moves:
        _move(tenant=tenant, actor=actor, customer=customer, to_stage=Stage.PROPOSAL, changed_on=quoted_on)
    else:
        customer.last_contact_on = max(filter(None, [customer.last_contact_on, quoted_on]))
        customer.save(update_fields=["last_contact_on", "updated_at"])
    return quote


# --- the sale that signs a customer (targets.services.sales) ---------------------


def customer_for_sale(*, tenant: Tenant, member_id: int | None, customer_id: int) -> Customer | None:
    """Return the customer a sale credited to ``member_id`` may link to, locked; ``None`` if it may not.

    The customer must be of ``tenant``, not erased, and in the book of the
    member the sale is credited to. Missing, foreign, erased and another
    agent's customers are all ``None`` (one message, nothing revealed).
    """
    if member_id is None:
        return None
    return (
        Customer.objects.select_for_update()
        .filter(tenant=tenant, pk=customer_id, owner_id=member_id, erased_at__isnull=True)
        .first()
    )


def customer_sale_error() -> str:
    return _("Unknown customer, or not in the book of the member the sale is credited to.")


def customer_signed_by_sale(
    *, tenant: Tenant, actor: Member | None, customer: Customer, sold_on: date
) -> CustomerStageChange | None:
    """Move a customer a sale was linked to on to ``signed``, dated the sale (unless signed or in service).

    A sale dated before the customer's last stage change (a late entry) is
    dated on that change's day, so the history stays in order. The sale is
    a contact either way.
    """
    if customer.stage in SALE_KEEPS:
        customer.last_contact_on = max(filter(None, [customer.last_contact_on, sold_on]))
        customer.save(update_fields=["last_contact_on", "updated_at"])
        return None
    changed_on = max(sold_on, customer.stage_changed_on)
    return _move(tenant=tenant, actor=actor, customer=customer, to_stage=Stage.SIGNED, changed_on=changed_on)

"""Writes of the objection library (异议库) and of the objections that came up with a customer.

The library is the company's: a tenant admin or a company manager
(``actor.sets_company_policy``) adds, edits, deactivates and removes
entries; everyone with a customer book reads it. A title is required and
unique within the tenant (case and surrounding spaces ignored). An entry
that has been recorded against a customer is never deleted (the record
and the cost figures need it): removing it deactivates it instead, and an
inactive entry can no longer be recorded but stays in the history.

Recording (``objection_record``): the owner of the customer, or a leader
whose book holds the customer (a supervisor over the owner, a manager of
the subtree, a tenant admin), records an active entry of the tenant's
library on a day not in the future. The same entry on the same customer and
day is recorded once (a second post returns the first record). An erased
customer takes no new records. A customer at the proposal step moves to
objection handling on the day the objection came up
(``activities.services.funnel.stage_change``), unless that day is before
their last stage change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from activities.models.customers import Customer, CustomerObjection, Objection
from activities.selectors.customers import customer_scope_q, require_book_reader
from activities.services.funnel import stage_change
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today

TITLE_MAX = Objection._meta.get_field("title").max_length or 200
KEYWORDS_MAX = Objection._meta.get_field("keywords").max_length or 200
# An answer template is a few sentences said to a customer; a page of text is a mistake.
ANSWER_MAX = 4000
ANSWER_FIELDS = ("answer_case", "answer_data", "answer_clause")


def require_library_editor(actor: Member) -> None:
    """Allow only who sets the company's policy (tenant admins, company managers) to change the library."""
    if not actor.sets_company_policy:
        raise PermissionDenied(_("Only a company manager or an administrator may change the objection library."))


def _clean_entry(
    *,
    tenant: Tenant,
    title: str,
    keywords: str,
    answers: dict[str, str],
    exclude_id: int | None = None,
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return the entry's cleaned fields and the errors by field (nothing is saved here)."""
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").split())
    keywords = " ".join((keywords or "").split())
    if not title:
        errors["title"] = [_("Name the objection.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the objection within %(max)s characters.") % {"max": TITLE_MAX}]
    else:
        clash = Objection.objects.filter(tenant=tenant, title__iexact=title)
        if exclude_id is not None:
            clash = clash.exclude(pk=exclude_id)
        if clash.exists():
            errors["title"] = [_("The library already has an objection with this title.")]
    if len(keywords) > KEYWORDS_MAX:
        errors["keywords"] = [_("Keep the keywords within %(max)s characters.") % {"max": KEYWORDS_MAX}]
    cleaned = {"title": title, "keywords": keywords}
    for name, text in answers.items():
        text = (text or "").strip()
        if len(text) > ANSWER_MAX:
            errors[name] = [_("Keep an answer within %(max)s characters.") % {"max": ANSWER_MAX}]
        cleaned[name] = text
    return cleaned, errors


def _save(objection: Objection) -> Objection:
    try:
        with transaction.atomic():  # a savepoint, so the outer transaction survives a clash
            objection.save()
    except IntegrityError as error:
        # A concurrent request saved the same title first.
        raise ValidationError({"title": [_("The library already has an objection with this title.")]}) from error
    return objection


@transaction.atomic
def objection_create(
    *,
    tenant: Tenant,
    actor: Member,
    title: str,
    keywords: str = "",
    answer_case: str = "",
    answer_data: str = "",
    answer_clause: str = "",
) -> Objection:
    """Add an entry to the tenant's library; 403 for who may not, 400 by field for bad input (nothing saved)."""
    require_library_editor(actor)
    cleaned, errors = _clean_entry(
        tenant=tenant,
        title=title,
        keywords=keywords,
        answers={"answer_case": answer_case, "answer_data": answer_data, "answer_clause": answer_clause},
    )
    if errors:
        raise ValidationError(errors)
    return _save(Objection(tenant=tenant, active=True, **cleaned))


def _library_entry(tenant: Tenant, objection_id: int, *, lock: bool = False) -> Objection:
    queryset = Objection.objects.filter(tenant=tenant, pk=objection_id)
    if lock:
        queryset = queryset.select_for_update()
    objection = queryset.first()
    if objection is None:
        # Another tenant's id reads exactly like one that does not exist.
        raise Http404(_("Not found."))
    return objection


@transaction.atomic
def objection_update(
    *,
    tenant: Tenant,
    actor: Member,
    objection_id: int,
    title: str | None = None,
    keywords: str | None = None,
    answer_case: str | None = None,
    answer_data: str | None = None,
    answer_clause: str | None = None,
    active: bool | None = None,
) -> Objection:
    """Change the fields given (``None``: unchanged) of an entry of the tenant's library; 404 for another's."""
    require_library_editor(actor)
    objection = _library_entry(tenant, objection_id, lock=True)
    given = {"answer_case": answer_case, "answer_data": answer_data, "answer_clause": answer_clause}
    cleaned, errors = _clean_entry(
        tenant=tenant,
        title=objection.title if title is None else title,
        keywords=objection.keywords if keywords is None else keywords,
        answers={name: text for name, text in given.items() if text is not None},
        exclude_id=objection.pk,
    )
    if errors:
        raise ValidationError(errors)
    for name, value in cleaned.items():
        setattr(objection, name, value)
    if active is not None:
        objection.active = active
    return _save(objection)


@dataclass(frozen=True)
class Removal:
    """What removing an entry did: deleted it (never recorded) or deactivated it (recorded, so kept)."""

    deleted: bool
    objection: Objection


@transaction.atomic
def objection_remove(*, tenant: Tenant, actor: Member, objection_id: int) -> Removal:
    """Delete an entry never recorded against a customer; deactivate one that was (its history stays)."""
    require_library_editor(actor)
    objection = _library_entry(tenant, objection_id, lock=True)
    if CustomerObjection.objects.filter(tenant=tenant, objection=objection).exists():
        if objection.active:
            objection.active = False
            objection.save(update_fields=["active", "updated_at"])
        return Removal(deleted=False, objection=objection)
    objection.delete()
    return Removal(deleted=True, objection=objection)


def _may_record(*, tenant: Tenant, actor: Member, customer: Customer) -> bool:
    """Return whether ``customer`` is in ``actor``'s book: the owner, or a leader whose scope holds the owner."""
    return Customer.objects.filter(customer_scope_q(actor), tenant=tenant, pk=customer.pk).exists()


@transaction.atomic
def objection_record(
    *,
    tenant: Tenant,
    actor: Member,
    customer: Customer,
    objection_id: int | None,
    raised_on: date | None = None,
    today: date | None = None,
) -> tuple[CustomerObjection, bool]:
    """Record that an objection of the library came up with ``customer``; return (the record, created).

    ``raised_on`` defaults to the tenant's today and may not be after it. An
    unknown objection (another tenant's included) or an inactive one is a
    400 on ``objection``; an erased customer a 400 on ``customer``; a
    customer outside the actor's book a 403 (the APIs and pages reach the
    customer through ``access_customer_by_id`` first, so there it is a 404).
    """
    require_book_reader(actor)
    if customer.tenant_id != tenant.pk or not _may_record(tenant=tenant, actor=actor, customer=customer):
        raise PermissionDenied(_("This customer is not in your book."))
    today = today or tenant_today(tenant)
    raised_on = raised_on or today
    errors: dict[str, list[str]] = {}
    if customer.erased_at is not None:
        errors["customer"] = [_("This customer's data was erased: nothing more can be recorded.")]
    objection = None
    if objection_id is None:
        errors["objection"] = [_("Choose the objection that came up.")]
    else:
        objection = Objection.objects.filter(tenant=tenant, pk=objection_id).first()
        if objection is None:
            errors["objection"] = [_("Unknown objection.")]
        elif not objection.active:
            errors["objection"] = [_("This objection is no longer in the library.")]
    if raised_on > today:
        errors["raised_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    assert objection is not None
    existing = CustomerObjection.objects.filter(
        tenant=tenant, customer=customer, objection=objection, raised_on=raised_on
    ).first()
    if existing is not None:
        return existing, False
    record = CustomerObjection.objects.create(
        tenant=tenant, customer=customer, objection=objection, raised_on=raised_on, recorded_by=actor
    )
    # A customer given a proposal who raises an objection is in the objection-handling step (seed 000),
    # moved on the day it came up; a record dated before the customer's last move leaves the stage alone
    # (the funnel's dates never go backwards).
    if customer.stage == Customer.Stage.PROPOSAL and raised_on >= customer.stage_changed_on:
        stage_change(
            tenant=tenant,
            actor=actor,
            customer=customer,
            to_stage=Customer.Stage.OBJECTION,
            changed_on=raised_on,
            today=today,
        )
        customer.refresh_from_db()
    return record, True

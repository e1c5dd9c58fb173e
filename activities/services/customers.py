"""Writes of the customer book: create, update, merge duplicates, erase on request, log personal-data exports.

Who writes what (see docs/customers-book.md):

- create: an agent in their own book; a supervisor, manager or tenant admin
  for an active agent (or supervisor) in their scope;
- update: whoever reads the customer in full (the owner, the supervisors
  over them) changes any field; a manager or tenant admin whose scope holds
  the customer may only hand it to another owner (``owner``), since they
  read its personal data masked;
- merge: both entries in the actor's full-read scope;
- erase: the owner's supervisors, managers and tenant admins whose scope
  holds the customer, never the agent alone (an erasure cannot be undone,
  so a second person takes the request), with a reason.

A phone is kept as the 11 digits of a mainland mobile number, unique within
the tenant: a second entry with the same phone is a duplicate, refused with
a ``"duplicate"`` error whose ``params["customer_id"]`` names the entry to
merge with. ``customer_stage_change`` and tiers belong to the funnel and
tier parts; this module writes only the first stage change ('' → acquired).
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models.customers import Customer, CustomerStageChange, PersonalDataExport
from activities.models.logs import Visit
from activities.selectors.customers import (
    access_customer_by_id,
    customer_scope_q,
    reads_in_full,
    require_book_reader,
)
from activities.services.logs import count_book_entry
from bancassurance.models import BankBranch
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today
from salesops.tenancy import member_scope_q

Role = Member.Role
# Who may own a book: the people who keep a work log and visit customers.
OWNER_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR})
# Who may erase a customer on request (within their scope): never the agent alone.
ERASER_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.TENANT_ADMIN})
NAME_MAX = 100
NOTES_MAX = 2000
REASON_MAX = 500
EVENT_MAX = 100
# Fields a PATCH may change (stage and tier are the funnel's and the tiers' parts).
UPDATABLE = (
    "owner",
    "name",
    "phone",
    "source",
    "referred_by",
    "source_event",
    "bank_branch",
    "consent",
    "household",
    "notes",
    "acquired_on",
    "birthday",
)
HOUSEHOLD_KEYS = frozenset({"income", "members", "cover"})
MONEY_LIMIT = Decimal(10) ** 12
CENT = Decimal("0.01")
# An erased customer's name: stored data that rollups and old logs show, the same in every language.
ERASED_NAME = "已删除客户 #{id}"


def normalise_phone(text: str | None) -> str:
    """Return a mainland mobile number as its 11 digits ("" for blank); raise ``ValidationError`` if malformed.

    Accepts spaces, dashes, dots and brackets between the digits, full-width
    digits, and a ``+86`` / ``0086`` / ``86`` country prefix:
    ``"+86 138-1234-1234"`` → ``"13812341234"``.
    """
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return ""
    compact = "".join(ch for ch in raw if ch not in " -.()\u00a0\t")
    if compact.startswith("+"):
        compact = compact[1:]
        if not compact.startswith("86"):
            raise ValidationError(_("Enter a mainland mobile number: 11 digits starting 13–19, such as 138 1234 1234."))
    if compact.startswith("0086"):
        compact = compact[4:]
    elif compact.startswith("86") and len(compact) == 13:
        compact = compact[2:]
    if len(compact) != 11 or not compact.isascii() or not compact.isdigit() or compact[0] != "1" or compact[1] < "3":
        raise ValidationError(_("Enter a mainland mobile number: 11 digits starting 13–19, such as 138 1234 1234."))
    return compact


def _duplicate_error(tenant: Tenant, actor: Member, existing: Customer) -> ValidationError:
    """The phone's error naming the entry it duplicates (by name only for a caller who may read it)."""
    readable = Customer.objects.filter(customer_scope_q(actor), tenant=tenant, pk=existing.pk).exists()
    if readable:
        message = _("This phone is already in the book: %(name)s (#%(id)s, %(owner)s). Merge the two entries instead.")
        params: dict[str, Any] = {"name": existing.name, "id": existing.pk, "owner": existing.owner.display_name}
    else:
        message = _(
            "This phone is already in another agent's book (#%(id)s). Ask your supervisor to merge the entries."
        )
        params = {"id": existing.pk}
    text = message % params
    return ValidationError(
        {"phone": [ValidationError(text, code="duplicate", params={"customer_id": existing.pk, "readable": readable})]}
    )


def duplicate_of(error: ValidationError) -> int | None:
    """Return the id of the entry a ``"duplicate"`` phone error names, when the caller may read it."""
    for item in getattr(error, "error_dict", {}).get("phone", []):
        if item.code == "duplicate" and item.params and item.params.get("readable"):
            return int(item.params["customer_id"])
    return None


def _check_phone(tenant: Tenant, actor: Member, phone: str, errors: dict, *, exclude: int | None = None) -> str:
    try:
        phone = normalise_phone(phone)
    except ValidationError as error:
        errors.setdefault("phone", []).extend(error.messages)
        return ""
    if phone:
        same = Customer.objects.filter(tenant=tenant, phone=phone)
        if exclude is not None:
            same = same.exclude(pk=exclude)
        existing = same.select_related("owner").first()
        if existing is not None:
            errors.setdefault("phone", []).extend(_duplicate_error(tenant, actor, existing).error_dict["phone"])
    return phone


def _owner(tenant: Tenant, actor: Member, owner_id: Any) -> Member | None:
    """The owner named, if an active agent (or supervisor) in the actor's scope; an agent owns their own book only."""
    if actor.role == Role.AGENT:
        return actor if str(owner_id) == str(actor.pk) else None
    try:
        pk = int(owner_id)
    except (TypeError, ValueError):
        return None
    return (
        Member.objects.filter(member_scope_q(actor), tenant=tenant, pk=pk, active=True, role__in=OWNER_ROLES)
        .select_related("unit")
        .first()
    )


def _referrer(tenant: Tenant, actor: Member, referred_by_id: Any) -> Customer | None:
    try:
        return access_customer_by_id(tenant=tenant, actor=actor, id=referred_by_id)
    except Http404:  # missing, foreign, out of scope, erased
        return None


def _household(value: Any, errors: dict) -> dict[str, Any]:
    """Check the household facts (``{"income", "members", "cover": {code: premium}}``); money as decimal strings."""
    if value in (None, ""):
        return {}
    message = _("Household facts: income and cover in yuan (not negative), members a whole number.")
    if not isinstance(value, dict) or set(value) - HOUSEHOLD_KEYS:
        errors.setdefault("household", []).append(message)
        return {}

    def money(amount: Any) -> str:
        number = Decimal(str(amount))
        if not number.is_finite() or number < 0 or number >= MONEY_LIMIT:
            raise ValueError
        return str(number.quantize(CENT))

    try:
        cleaned: dict[str, Any] = {}
        if value.get("income") not in (None, ""):
            cleaned["income"] = money(value["income"])
        if value.get("members") not in (None, ""):
            members = value["members"]
            if isinstance(members, bool) or int(members) != Decimal(str(members)) or not 0 < int(members) < 100:
                raise ValueError
            cleaned["members"] = int(members)
        cover = value.get("cover") or {}
        if not isinstance(cover, dict):
            raise ValueError
        if cover:
            cleaned["cover"] = {str(code): money(amount) for code, amount in cover.items()}
    except (ValueError, TypeError, InvalidOperation):
        errors.setdefault("household", []).append(message)
        return {}
    return cleaned


def _check_facts(
    tenant: Tenant, actor: Member, data: dict[str, Any], errors: dict, *, today: date, customer: Customer | None
) -> dict[str, Any]:
    """Check the fields given in ``data`` (by their model names, ids for relations); return the cleaned values."""
    cleaned: dict[str, Any] = {}
    if "owner" in data:
        owner = _owner(tenant, actor, data["owner"])
        if owner is None:
            errors.setdefault("owner", []).append(_("Unknown agent."))
        cleaned["owner"] = owner
    if "name" in data:
        name = " ".join(str(data["name"] or "").split())
        if not name:
            errors.setdefault("name", []).append(_("Enter the customer's name."))
        elif len(name) > NAME_MAX:
            errors.setdefault("name", []).append(_("At most %(count)s characters.") % {"count": NAME_MAX})
        cleaned["name"] = name
    if "phone" in data:
        cleaned["phone"] = _check_phone(
            tenant, actor, data["phone"] or "", errors, exclude=customer.pk if customer else None
        )
    if "source" in data:
        if data["source"] not in Customer.Source.values:
            errors.setdefault("source", []).append(_("Choose a source."))
        cleaned["source"] = data["source"]
    if "consent" in data:
        if data["consent"] not in Customer.Consent.values:
            errors.setdefault("consent", []).append(_("Choose the consent status."))
        cleaned["consent"] = data["consent"]
    if "referred_by" in data:
        referrer = None
        if data["referred_by"] not in (None, ""):
            referrer = _referrer(tenant, actor, data["referred_by"])
            if referrer is None or (customer is not None and referrer.pk == customer.pk):
                errors.setdefault("referred_by", []).append(_("Unknown customer."))
        cleaned["referred_by"] = referrer
    if "source_event" in data:
        event = " ".join(str(data["source_event"] or "").split())
        if len(event) > EVENT_MAX:
            errors.setdefault("source_event", []).append(_("At most %(count)s characters.") % {"count": EVENT_MAX})
        cleaned["source_event"] = event
    if "bank_branch" in data:
        branch = None
        if data["bank_branch"] not in (None, ""):
            try:
                branch = BankBranch.objects.filter(tenant=tenant, pk=int(data["bank_branch"])).first()
            except (TypeError, ValueError):
                branch = None
            if branch is None:
                errors.setdefault("bank_branch", []).append(_("Unknown bank branch."))
        cleaned["bank_branch"] = branch
    if "household" in data:
        cleaned["household"] = _household(data["household"], errors)
    if "notes" in data:
        notes = str(data["notes"] or "").strip()
        if len(notes) > NOTES_MAX:
            errors.setdefault("notes", []).append(_("At most %(count)s characters.") % {"count": NOTES_MAX})
        cleaned["notes"] = notes
    for field in ("acquired_on", "birthday"):
        if field in data:
            day = data[field]
            if field == "acquired_on" and day is None:
                day = today
            if day is not None and not isinstance(day, date):
                errors.setdefault(field, []).append(_("Enter a date such as 2026-11-22."))
            elif day is not None and day > today:
                errors.setdefault(field, []).append(_("The date cannot be in the future."))
            cleaned[field] = day
    return cleaned


def _save(tenant: Tenant, actor: Member, customer: Customer) -> None:
    """Save, turning a concurrent duplicate phone (the unique constraint) into the duplicate error."""
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        existing = Customer.objects.filter(tenant=tenant, phone=customer.phone).select_related("owner").first()
        if existing is None:
            raise
        raise _duplicate_error(tenant, actor, existing) from None


@transaction.atomic
def customer_create(
    *,
    tenant: Tenant,
    actor: Member,
    owner_id: int | None,
    name: str,
    phone: str,
    source: str,
    referred_by_id: int | None = None,
    source_event: str = "",
    bank_branch_id: int | None = None,
    consent: str,
    household: dict | None = None,
    notes: str = "",
    acquired_on: date | None = None,
    birthday: date | None = None,
    today: date | None = None,
) -> Customer:
    """Add a customer to ``owner_id``'s book (an agent: their own; ``None`` means the actor's own).

    Writes the first stage change ('' → acquired, on ``acquired_on``, today by default).
    """
    require_book_reader(actor)
    today = today or tenant_today(tenant)
    errors: dict[str, list] = {}
    data = {
        "owner": actor.pk if owner_id is None else owner_id,
        "name": name,
        "phone": phone,
        "source": source,
        "referred_by": referred_by_id,
        "source_event": source_event,
        "bank_branch": bank_branch_id,
        "consent": consent,
        "household": household,
        "notes": notes,
        "acquired_on": acquired_on,
        "birthday": birthday,
    }
    cleaned = _check_facts(tenant, actor, data, errors, today=today, customer=None)
    if errors:
        raise ValidationError(errors)
    customer = Customer(tenant=tenant, stage=Customer.Stage.ACQUIRED, **cleaned)
    customer.stage_changed_on = customer.acquired_on
    _save(tenant, actor, customer)
    CustomerStageChange.objects.create(
        tenant=tenant,
        customer=customer,
        from_stage="",
        to_stage=Customer.Stage.ACQUIRED,
        changed_on=customer.acquired_on,
        changed_by=actor,
    )
    count_book_entry(
        tenant=tenant, member=customer.owner, day=customer.acquired_on, source=customer.source, actor=actor
    )
    return customer


def may_reassign(actor: Member, customer: Customer) -> bool:
    """Return whether ``actor`` may hand ``customer`` to another owner (full readers, managers, admins in scope)."""
    return reads_in_full(actor, customer) or actor.role in (Role.MANAGER, Role.TENANT_ADMIN)


@transaction.atomic
def customer_update(
    *, tenant: Tenant, actor: Member, customer: Customer, data: dict[str, Any], today: date | None = None
) -> Customer:
    """Change the fields of ``data`` (names of ``UPDATABLE``; relations by id) of a customer in ``actor``'s book.

    Full readers change any of them; a manager or admin (masked readers) only the owner.
    """
    customer = access_customer_by_id(tenant=tenant, actor=actor, id=customer.pk)
    today = today or tenant_today(tenant)
    unknown = set(data) - set(UPDATABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    if not reads_in_full(actor, customer):
        if set(data) - {"owner"} or not may_reassign(actor, customer):
            raise PermissionDenied(_("Only the owner and their supervisors change a customer's facts."))
    if "acquired_on" in data and data["acquired_on"] is None:
        data = {**data, "acquired_on": customer.acquired_on}
    errors: dict[str, list] = {}
    cleaned = _check_facts(tenant, actor, data, errors, today=today, customer=customer)
    if "acquired_on" in cleaned and not errors and cleaned["acquired_on"] > customer.stage_changed_on:
        errors.setdefault("acquired_on", []).append(_("The customer moved on in the funnel before this date."))
    if errors:
        raise ValidationError(errors)
    for field, value in cleaned.items():
        setattr(customer, field, value)
    if "acquired_on" in cleaned:
        CustomerStageChange.objects.filter(
            tenant=tenant, customer=customer, from_stage="", to_stage=Customer.Stage.ACQUIRED
        ).update(changed_on=cleaned["acquired_on"])
    _save(tenant, actor, customer)
    return customer


def _full_access(tenant: Tenant, actor: Member, id: int) -> Customer:
    customer = access_customer_by_id(tenant=tenant, actor=actor, id=id)
    if not reads_in_full(actor, customer):
        raise PermissionDenied(_("Only the owner and their supervisors merge customers."))
    return customer


# Fields of ``keep`` filled from the duplicate when ``keep`` has none.
FILLED = ("phone", "source_event", "bank_branch", "referred_by", "household", "needs", "notes", "birthday")


@transaction.atomic
def customer_merge(*, tenant: Tenant, actor: Member, keep: Customer, duplicate: Customer) -> Customer:
    """Merge ``duplicate`` into ``keep``: move everything linked to it, fill ``keep``'s blanks, delete it.

    Both must be read in full by ``actor``. Every row pointing at the
    duplicate (visits, sales, quotes, objections, stage changes, referrals,
    and whatever other part links to a customer) is moved onto ``keep``.
    """
    keep = _full_access(tenant, actor, keep.pk)
    duplicate = _full_access(tenant, actor, duplicate.pk)
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": [_("Choose another entry than the one kept.")]})
    # Lock both rows in id order: two merges of the same pair cannot interleave.
    locked = {
        c.pk: c for c in Customer.objects.select_for_update().filter(tenant=tenant, pk__in=[keep.pk, duplicate.pk])
    }
    if len(locked) != 2:
        raise ValidationError({"duplicate": [_("Unknown customer.")]})
    for relation in Customer._meta.related_objects:
        if relation.many_to_many or relation.one_to_one or not relation.field.concrete:
            continue
        model = relation.related_model
        field = relation.field.name
        rows = model._default_manager.filter(**{field: duplicate})
        if any(f.name == "tenant" for f in model._meta.fields):
            rows = rows.filter(tenant=tenant)
        rows.update(**{field: keep})
    keep.refresh_from_db()
    if keep.referred_by_id == keep.pk:
        keep.referred_by = None
    for field in FILLED:
        mine, theirs = getattr(keep, field), getattr(duplicate, field)
        if theirs not in (None, "", {}) and mine in (None, "", {}) and not (field == "referred_by" and theirs == keep):
            setattr(keep, field, theirs)
    if duplicate.referred_by_id == keep.pk and keep.referred_by_id is None:
        keep.referred_by = None
    if keep.consent == Customer.Consent.PENDING:
        keep.consent = duplicate.consent
    keep.acquired_on = min(keep.acquired_on, duplicate.acquired_on)
    if duplicate.last_contact_on and (keep.last_contact_on is None or duplicate.last_contact_on > keep.last_contact_on):
        keep.last_contact_on = duplicate.last_contact_on
    phone = keep.phone
    duplicate.delete()  # first: the phone it frees may now be keep's
    keep.phone = phone
    keep.save()
    return keep


@transaction.atomic
def customer_erase(*, tenant: Tenant, actor: Member, customer: Customer, reason: str) -> Customer:
    """Erase a customer's personal data on request; the anonymous row stays so counts and rollups stay right.

    Only the owner's supervisors, managers and tenant admins whose scope holds
    the customer erase (not the agent alone). The visits logged for the
    customer lose the name and phone they were written with.
    """
    customer = access_customer_by_id(tenant=tenant, actor=actor, id=customer.pk)
    if actor.role not in ERASER_ROLES:
        raise PermissionDenied(_("Ask your supervisor to erase a customer: an agent alone may not."))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Say why the customer is erased (the request it answers).")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("At most %(count)s characters.") % {"count": REASON_MAX}]})
    anonymous = ERASED_NAME.format(id=customer.pk)
    customer.name = anonymous
    customer.phone = ""
    customer.household = {}
    customer.needs = {}
    customer.birthday = None
    customer.source_event = ""
    customer.consent = Customer.Consent.WITHDRAWN
    customer.erased_at = timezone.now()
    # Who erased it, when and why stay on the row (no personal data in them): the erasure's own record.
    with translation.override(tenant.language):
        customer.notes = _("Erased on request by %(member)s on %(day)s: %(reason)s") % {
            "member": actor.display_name,
            "day": tenant_today(tenant).isoformat(),
            "reason": reason,
        }
    customer.save()
    Visit.objects.filter(tenant=tenant, customer=customer).update(name=anonymous, phone="")
    return customer


def export_personal_data(*, tenant: Tenant, actor: Member, what: str, rows: int, masked: bool) -> PersonalDataExport:
    """Log an export of personal data (who, when, what, how many rows, masked or not)."""
    return PersonalDataExport.objects.create(tenant=tenant, member=actor, what=what[:100], rows=rows, masked=masked)

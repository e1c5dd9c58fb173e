"""The link between the work log and the customer book (issue 10, "counts and names agree").

A visit of the log names a book entry of the log's member:

- ``customer``: the id of an entry of the member's own book (another agent's
  or another tenant's id is a field error on ``visits``, nothing saved); an
  erased entry keeps its visits linked;
- else a ``phone``: the member's entry with that (normalised) phone is reused,
  or a new entry is created, acquired on the log's day, source ``referral``
  for a referral visit and ``own`` otherwise; a phone already in another
  agent's book is a field error;
- else only a name: linked when the member's book holds exactly one entry of
  that name, else the visit stays a free-text visit (nothing is created: an
  entry without a phone cannot be told apart from the next one of that name).

Every linked (not erased) entry's ``last_contact_on`` moves up to the log's day.

The day's counts cover the book: ``new_prospects`` is at least the number of
the member's entries acquired that day whose source is not a referral, and
``referrals`` at least those whose source is. A log saying fewer is refused
on that item, naming the entries.

These functions only plan, check and apply; ``activities.services.logs``
calls them inside its transaction (``daily_log_upsert``, ``count_book_entry``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import Customer, CustomerStageChange, Visit
from activities.selectors.log_book import BOOK_ITEMS, REFERRAL_ITEM, entries_of_day, item_for_source
from salesops.org.models import Member, Tenant

# A mainland mobile number: 11 digits starting with 1 (the book keeps exactly these).
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# How many names an error message lists before "and N more".
NAMES_SHOWN = 10


def source_for_kind(kind: str) -> str:
    """Return the source of a book entry a visit of ``kind`` creates."""
    return Customer.Source.REFERRAL if kind == Visit.Kind.REFERRAL else Customer.Source.OWN


def book_phone(raw: str) -> str | None:
    """Return ``raw`` normalised as the book keeps phones (11 digits), or None when it is no mobile number.

    Uses the book's own ``normalise_phone`` (activities.services.customers), so
    the log and the book accept exactly the same numbers.
    """
    # Imported here: the book's services import the log's (``customer_create`` raises the day's count).
    from activities.services.customers import normalise_phone

    try:
        phone = normalise_phone(raw)
    except ValidationError:
        return None
    return phone if isinstance(phone, str) and MOBILE.match(phone) else None


@dataclass
class PlannedVisit:
    """A visit as it will be saved: its fields and the book entry it links to (or will create)."""

    name: str
    phone: str
    kind: str
    customer: Customer | None = None
    # A new book entry to create (its normalised phone), when the visit names a phone not in the book yet.
    new_phone: str = ""

    def fields(self) -> dict[str, Any]:
        return {"name": self.name, "phone": self.phone, "kind": self.kind}


@dataclass
class VisitPlan:
    visits: list[PlannedVisit] = field(default_factory=list)
    # New entries by phone: one entry however many visits name the phone.
    new_entries: dict[str, PlannedVisit] = field(default_factory=dict)


def _customer_id(value: Any) -> int | None | bool:
    """Return the picked customer's id, None when none was picked, False when the value is no id."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value if value > 0 else False
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return False


def plan_visits(*, tenant: Tenant, member: Member, visits: list[dict[str, Any]]) -> tuple[VisitPlan, list[str]]:
    """Return how each cleaned visit links to ``member``'s book, and the messages of the visits that cannot.

    ``visits`` are ``{name, phone, kind, customer}`` as ``_clean_visits``
    left them (each already well formed as a visit). Reads only.
    """
    messages: list[str] = []
    plan = VisitPlan()
    picked_ids = {cid for visit in visits if isinstance(cid := _customer_id(visit.get("customer")), int)}
    picked = {c.pk: c for c in Customer.objects.filter(tenant=tenant, pk__in=picked_ids)} if picked_ids else {}
    phones: dict[int, str] = {}
    for number, visit in enumerate(visits, start=1):
        if _customer_id(visit.get("customer")) is None and visit["phone"]:
            phone = book_phone(visit["phone"])
            if phone is None:
                messages.append(
                    _("Visit %(number)s: %(phone)s is not a mobile number (11 digits starting with 1).")
                    % {"number": number, "phone": visit["phone"]}
                )
            else:
                phones[number] = phone
    by_phone = (
        {c.phone: c for c in Customer.objects.filter(tenant=tenant, phone__in=set(phones.values()))} if phones else {}
    )
    names = {visit["name"] for visit in visits if _customer_id(visit.get("customer")) is None and not visit["phone"]}
    by_name: dict[str, list[Customer]] = {}
    if names:
        for entry in Customer.objects.filter(tenant=tenant, owner=member, name__in=names, erased_at__isnull=True):
            by_name.setdefault(entry.name, []).append(entry)

    for number, visit in enumerate(visits, start=1):
        planned = PlannedVisit(name=visit["name"], phone=visit["phone"], kind=visit["kind"])
        plan.visits.append(planned)
        wanted = _customer_id(visit.get("customer"))
        if wanted is False or (isinstance(wanted, int) and wanted not in picked):
            messages.append(_("Visit %(number)s: this customer is not in the book.") % {"number": number})
            continue
        if isinstance(wanted, int):
            customer = picked[wanted]
            if customer.owner_id != member.pk:
                # Another agent's entry: the log's member may not visit it in their log.
                messages.append(
                    _("Visit %(number)s: %(name)s is in another agent's book, not in %(member)s's.")
                    % {"number": number, "name": customer.name, "member": member.display_name}
                )
                continue
            planned.customer = customer
            # What the agent left blank comes from the book (an erased entry has nothing left to give).
            planned.name = planned.name or customer.name
            planned.phone = planned.phone or customer.phone
            if not planned.name:
                messages.append(_("Visit %(number)s: enter the customer's name.") % {"number": number})
            continue
        if number in phones:
            phone = phones[number]
            found = by_phone.get(phone)
            if found is None:
                planned.new_phone = phone
                plan.new_entries.setdefault(phone, planned)
            elif found.owner_id != member.pk:
                messages.append(
                    _("Visit %(number)s: the phone number %(phone)s is already in another agent's book.")
                    % {"number": number, "phone": visit["phone"]}
                )
            elif found.erased_at is not None:
                messages.append(
                    _("Visit %(number)s: the customer with this phone number was erased from the book.")
                    % {"number": number}
                )
            else:
                planned.customer = found
            continue
        same_name = by_name.get(planned.name, [])
        if len(same_name) == 1:
            planned.customer = same_name[0]
    return plan, messages


def _names(entries: list[str]) -> str:
    shown = ", ".join(entries[:NAMES_SHOWN])
    if len(entries) > NAMES_SHOWN:
        shown += " " + _("and %(count)s more") % {"count": len(entries) - NAMES_SHOWN}
    return shown


def check_counts(
    *,
    tenant: Tenant,
    member: Member,
    day: date,
    counts: dict[str, int],
    plan: VisitPlan,
    errors: dict[str, list[str]],
) -> None:
    """Record an error on ``new_prospects`` / ``referrals`` when it is below the day's book entries.

    The entries are those already in the book plus those this write creates.
    """
    names: dict[str, list[str]] = {item: [] for item in BOOK_ITEMS}
    for item, entries in entries_of_day(tenant=tenant, member=member, day=day).items():
        # An erased entry keeps its anonymous name ("已删除客户 #12"): it still counts.
        names[item] = [entry.name for entry in entries]
    for planned in plan.new_entries.values():
        names[item_for_source(source_for_kind(planned.kind))].append(planned.name)
    for item, entry_names in names.items():
        if item in errors or item not in counts or counts[item] >= len(entry_names):
            continue
        count = len(entry_names)
        if item == REFERRAL_ITEM:
            message = ngettext(
                "The customer book holds %(count)s referral acquired on this day (%(names)s): "
                "count at least %(count)s.",
                "The customer book holds %(count)s referrals acquired on this day (%(names)s): "
                "count at least %(count)s.",
                count,
            )
        else:
            message = ngettext(
                "The customer book holds %(count)s new prospect acquired on this day (%(names)s): "
                "count at least %(count)s.",
                "The customer book holds %(count)s new prospects acquired on this day (%(names)s): "
                "count at least %(count)s.",
                count,
            )
        errors[item] = [message % {"count": count, "names": _names(entry_names)}]


def apply_plan(*, tenant: Tenant, actor: Member, member: Member, day: date, plan: VisitPlan) -> list[dict[str, Any]]:
    """Create the new book entries, move the linked entries' last contact up; return the visits to save.

    Each visit is ``{name, phone, kind, customer}`` (``customer``: the entry, or None).
    """
    for phone, planned in plan.new_entries.items():
        try:
            with transaction.atomic():
                entry = Customer.objects.create(
                    tenant=tenant,
                    owner=member,
                    name=planned.name,
                    phone=phone,
                    source=source_for_kind(planned.kind),
                    acquired_on=day,
                    stage=Customer.Stage.ACQUIRED,
                    stage_changed_on=day,
                    last_contact_on=day,
                )
        except IntegrityError as error:
            # Another request put this phone in the book a moment ago.
            raise ValidationError(
                {"visits": [_("The phone number %(phone)s was just added to the book: save again.") % {"phone": phone}]}
            ) from error
        CustomerStageChange.objects.create(
            tenant=tenant,
            customer=entry,
            from_stage="",
            to_stage=Customer.Stage.ACQUIRED,
            changed_on=day,
            changed_by=actor,
        )
        planned.customer = entry
    for planned in plan.visits:
        if planned.new_phone and planned.customer is None:
            planned.customer = plan.new_entries[planned.new_phone].customer
    linked = {planned.customer.pk for planned in plan.visits if planned.customer is not None}
    if linked:
        Customer.objects.filter(tenant=tenant, pk__in=linked, erased_at__isnull=True).filter(
            Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=day)
        ).update(last_contact_on=day)
    return [{**planned.fields(), "customer": planned.customer} for planned in plan.visits]

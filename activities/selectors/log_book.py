"""Reads of the link between the work log and the customer book: the day's book entries, the visit picker."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import NoReverseMatch, reverse

from activities.models import Customer
from salesops.org.models import Member, Tenant

# The work-log items book entries count into: a referral's source counts into referrals, any other into new prospects.
REFERRAL_ITEM = "referrals"
PROSPECT_ITEM = "new_prospects"
BOOK_ITEMS = (PROSPECT_ITEM, REFERRAL_ITEM)


def item_for_source(source: str) -> str:
    """Return the log item a book entry of ``source`` counts into."""
    return REFERRAL_ITEM if source == Customer.Source.REFERRAL else PROSPECT_ITEM


def entries_of_day(*, tenant: Tenant, member: Member, day: date) -> dict[str, list[Customer]]:
    """Return ``member``'s book entries acquired on ``day`` by the log item they count into (erased ones too)."""
    entries: dict[str, list[Customer]] = {item: [] for item in BOOK_ITEMS}
    for entry in Customer.objects.filter(tenant=tenant, owner=member, acquired_on=day).order_by("id"):
        entries[item_for_source(entry.source)].append(entry)
    return entries


def customer_url(customer_id: int) -> str:
    """Return the customer page's path (``customer-page``; the plain path while that page is not wired)."""
    try:
        return reverse("customer-page", kwargs={"customer_id": customer_id})
    except NoReverseMatch:
        return f"/customers/{customer_id}/"


def book_of_day(*, tenant: Tenant, member: Member, day: date) -> dict[str, list[dict[str, Any]]]:
    """Return the names of ``member``'s new prospects and referrals of ``day`` from the book, for the log.

    ``{"new_prospects": [{id, name, erased, url}], "referrals": [...]}``; an
    erased entry keeps its place in the count under its anonymous name, without a link.
    """
    shown: dict[str, list[dict[str, Any]]] = {}
    for item, entries in entries_of_day(tenant=tenant, member=member, day=day).items():
        shown[item] = [
            {
                "id": entry.pk,
                "name": entry.name,
                "erased": entry.erased_at is not None,
                "url": None if entry.erased_at else customer_url(entry.pk),
            }
            for entry in entries
        ]
    return shown


def visit_picker_book(*, tenant: Tenant, member: Member) -> list[dict[str, Any]]:
    """Return ``member``'s own book (erased entries left out) for the visit rows' picker, by name.

    Only the member's own log page uses it, so the phone is shown in full: the owner reads it.
    """
    rows = (
        Customer.objects.filter(tenant=tenant, owner=member, erased_at__isnull=True)
        .order_by("name", "id")
        .values("id", "name", "phone")
    )
    return [{"id": row["id"], "name": row["name"], "phone": row["phone"]} for row in rows]

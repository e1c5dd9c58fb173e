"""Reads of the customer book: always by tenant, the actor's book scope, and the personal-data rule.

Who reads which book (DESIGN.md "Customers and the funnel"):

- an agent: their own customers;
- a supervisor: the customers of the members in the subtree of the unit they lead;
- a manager: their subtree; a tenant admin: the whole tenant;
- bank-channel staff and the renewal roles have no customer book (403).

Who reads personal data (phone, household facts, needs) in full: the owner
and the supervisors whose subtree holds the owner. Managers and admins read
the book masked (phone ``138****1234``, household facts hidden).

Erased customers (``erased_at``) are out of the book and of ``access_customer_by_id``;
their anonymous row stays for counts and rollups.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from activities.models.customers import Customer, PersonalDataExport
from salesops.org.models import Member, Tenant
from salesops.tenancy import get_in_scope_or_404, member_scope_q

Role = Member.Role
# Roles with a customer book to read (their own, their subtree's, or the tenant's).
BOOK_READERS = frozenset({Role.TENANT_ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.AGENT})


def require_book_reader(actor: Member) -> None:
    """Raise ``PermissionDenied`` for roles without a customer book (bank staff, renewal roles)."""
    if actor.role not in BOOK_READERS:
        raise PermissionDenied(_("Your role has no customer book."))


def customer_scope_q(actor: Member, *, prefix: str = "") -> Q:
    """Return the customers ``actor`` may read, as a Q over ``<prefix>`` Customer fields.

    Combine with the tenant filter (and ``erased_at__isnull=True`` for the book).
    Raises ``PermissionDenied`` for roles without a book.
    """
    require_book_reader(actor)
    if actor.role == Role.AGENT:
        return Q(**{f"{prefix}owner_id": actor.pk})
    return member_scope_q(actor, prefix=f"{prefix}owner__")


def reads_in_full(actor: Member, customer: Customer) -> bool:
    """Return whether ``actor`` reads ``customer``'s personal data unmasked.

    The owner does, and a supervisor whose unit's subtree holds the owner.
    Everyone else (managers, admins) reads it masked.
    """
    if actor.tenant_id != customer.tenant_id:
        return False
    if customer.owner_id == actor.pk:
        return True
    if actor.role != Role.SUPERVISOR:
        return False
    owner = customer.owner
    return owner.unit.path.startswith(actor.unit.path)


def full_read_q(actor: Member, *, prefix: str = "") -> Q:
    """Return the customers ``actor`` reads in full, as a Q (the same rule as ``reads_in_full``)."""
    require_book_reader(actor)
    own = Q(**{f"{prefix}owner_id": actor.pk})
    if actor.role == Role.SUPERVISOR:
        return own | Q(**{f"{prefix}owner__unit__path__startswith": actor.unit.path})
    return own


def mask_phone(phone: str) -> str:
    """Mask a phone for readers who may not read it: ``13812341234`` → ``138****1234``; blank stays blank."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def _book(tenant: Tenant, actor: Member) -> QuerySet[Customer]:
    return (
        Customer.objects.filter(customer_scope_q(actor), tenant=tenant, erased_at__isnull=True)
        .select_related("owner", "owner__unit", "referred_by")
        .order_by("id")
    )


def access_customer_by_id(*, tenant: Tenant, actor: Member, id: Any) -> Customer:
    """Return the customer ``id`` of ``actor``'s book; 404 when missing, foreign, out of scope or erased."""
    return get_in_scope_or_404(_book(tenant, actor), id)


def customer_list(*, tenant: Tenant, actor: Member, filters: dict | None = None) -> QuerySet[Customer]:
    """Return ``actor``'s book (erased entries left out), by id.

    ``filters``: ``q`` (a part of the name; digits also match the phone, for
    full readers only), ``stage``, ``tier``, ``source``, ``owner`` (member id).
    """
    filters = filters or {}
    queryset = _book(tenant, actor)
    search = str(filters.get("q") or "").strip()
    if search:
        matches = Q(name__icontains=search)
        digits = "".join(ch for ch in search if ch.isdigit())
        if digits and len(digits) >= 3:
            # Searching by phone reveals it: only within what the actor reads in full.
            matches |= Q(phone__contains=digits) & full_read_q(actor)
        queryset = queryset.filter(matches)
    if filters.get("stage"):
        queryset = queryset.filter(stage=filters["stage"])
    if filters.get("tier"):
        queryset = queryset.filter(tier=filters["tier"])
    if filters.get("source"):
        queryset = queryset.filter(source=filters["source"])
    if filters.get("owner"):
        queryset = queryset.filter(owner_id=filters["owner"])
    return queryset


def customer_dict(customer: Customer, *, full: bool) -> dict[str, Any]:
    """Return the API shape of a book entry; personal data masked unless ``full``."""
    return {
        "id": customer.pk,
        "name": customer.name,
        "phone": customer.phone if full else mask_phone(customer.phone),
        "source": customer.source,
        "tier": customer.tier,
        "stage": customer.stage,
        "owner": customer.owner_id,
        "owner_name": customer.owner.display_name,
        "referred_by": customer.referred_by_id,
        "consent": customer.consent,
        "acquired_on": customer.acquired_on.isoformat() if customer.acquired_on else None,
        "last_contact_on": customer.last_contact_on.isoformat() if customer.last_contact_on else None,
        "household": dict(customer.household or {}) if full else {},
        "notes": customer.notes,
    }


def require_export_log_reader(actor: Member) -> None:
    """The export log is the company's: a tenant admin or a company manager reads it."""
    if not actor.sets_company_policy:
        raise PermissionDenied(_("Only a company manager or an administrator may read the personal-data export log."))


def personal_data_export_list(*, tenant: Tenant, actor: Member) -> QuerySet[PersonalDataExport]:
    """Return the tenant's personal-data export log, newest first (company managers and admins only)."""
    require_export_log_reader(actor)
    return PersonalDataExport.objects.filter(tenant=tenant).select_related("member").order_by("-exported_at", "-id")

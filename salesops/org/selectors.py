"""Reads of the org: always by tenant and the actor's role scope."""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from salesops.org.models import Channel, Member, OrgUnit, Product, Tenant
from salesops.tenancy import get_in_scope_or_404, member_scope_q, unit_scope_q


def unit_list(*, tenant: Tenant, actor: Member) -> QuerySet[OrgUnit]:
    """Return the units of ``tenant`` that ``actor`` may see, tree order."""
    return OrgUnit.objects.filter(unit_scope_q(actor), tenant=tenant).order_by("path")


def unit_subtree(*, tenant: Tenant, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """Return ``unit`` and every unit below it, in one query."""
    return OrgUnit.objects.filter(tenant=tenant, path__startswith=unit.path).order_by("path")


def access_unit_by_id(*, tenant: Tenant, actor: Member, id) -> OrgUnit:
    return get_in_scope_or_404(unit_list(tenant=tenant, actor=actor), id)


def member_list(*, tenant: Tenant, actor: Member, filters: dict | None = None) -> QuerySet[Member]:
    """Return the members of ``tenant`` that ``actor`` may see."""
    filters = filters or {}
    queryset = (
        Member.objects.filter(member_scope_q(actor), tenant=tenant)
        .select_related("user", "unit", "supervisor")
        .order_by("unit__path", "display_name", "id")
    )
    if filters.get("unit"):
        queryset = queryset.filter(unit_id=filters["unit"])
    if filters.get("role"):
        queryset = queryset.filter(role=filters["role"])
    if "active" in filters and filters["active"] is not None:
        queryset = queryset.filter(active=filters["active"])
    return queryset


def access_member_by_id(*, tenant: Tenant, actor: Member, id) -> Member:
    return get_in_scope_or_404(member_list(tenant=tenant, actor=actor), id)


def channel_list(*, tenant: Tenant) -> QuerySet[Channel]:
    """Return the tenant's channels (reference data every member may read)."""
    return Channel.objects.filter(tenant=tenant).order_by("id")


def product_list(*, tenant: Tenant) -> QuerySet[Product]:
    """Return the tenant's products (reference data every member may read)."""
    return Product.objects.filter(tenant=tenant).order_by("id")


def headcount_by_role(*, tenant: Tenant, actor: Member | None) -> dict[str, int]:
    """Return active members counted by role (one GROUP BY) within ``actor``'s scope.

    ``actor=None`` is the system itself (a task or command), which counts the
    whole tenant.
    """
    scope = member_scope_q(actor) if actor is not None else Q()
    rows = (
        Member.objects.filter(scope, tenant=tenant, active=True)
        .values("role")
        .annotate(count=Count("id"))
        .order_by("role")
    )
    return {row["role"]: row["count"] for row in rows}


def tenant_today(tenant: Tenant) -> date:
    """Return today's date in the tenant's time zone (a sale's or a log's "today")."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(tenant.time_zone))

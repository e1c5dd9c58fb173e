"""Reads of the org: always by tenant and the actor's role scope."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

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


def tenant_zone(tenant: Tenant) -> zoneinfo.ZoneInfo:
    """Return the tenant's time zone: its days, deadlines and "today" are counted in it."""
    return zoneinfo.ZoneInfo(tenant.time_zone)


def tenant_today(tenant: Tenant) -> date:
    """Return today's date in the tenant's time zone (a sale's or a log's "today")."""
    return timezone.localdate(timezone=tenant_zone(tenant))


def tenant_days(tenant: Tenant, start: date, end: date) -> tuple[datetime, datetime]:
    """Return [start's midnight, the midnight after end) in the tenant's time zone: its days as moments."""
    zone = tenant_zone(tenant)
    after = end + timedelta(days=1)
    return datetime.combine(start, time.min, tzinfo=zone), datetime.combine(after, time.min, tzinfo=zone)


def members_by_key(members: QuerySet[Member], keys: set[str]) -> dict[str, int]:
    """Map how an import names people (employee number, username or id) to the ids of ``members``: one query.

    The employee number (how core-system exports name staff) wins over a
    username, which wins over an id. A key naming no one of ``members`` is
    absent, whether it is unknown, another tenant's or out of scope.
    """
    ids = {int(key) for key in keys if key.isdigit() and len(key) < 19}
    if not keys:
        return {}
    named = Q(employee_no__in=keys) | Q(user__username__in=keys)
    if ids:
        named |= Q(pk__in=ids)
    found = list(members.filter(named).values_list("pk", "employee_no", "user__username"))
    found_ids = {pk for pk, _employee_no, _username in found}
    by_id = {key: int(key) for key in keys if key.isdigit() and len(key) < 19 and int(key) in found_ids}
    by_username = {username: pk for pk, _employee_no, username in found if username in keys}
    by_employee_no = {employee_no: pk for pk, employee_no, _username in found if employee_no and employee_no in keys}
    return {**by_id, **by_username, **by_employee_no}

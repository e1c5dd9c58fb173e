"""Reads of sale records: always by tenant and the actor's role scope."""

from __future__ import annotations

from django.db.models import QuerySet

from salesops.org.models import Member, Tenant
from salesops.tenancy import member_scope_q
from targets.models import SaleRecord


def sale_record_list(*, tenant: Tenant, actor: Member, filters: dict | None = None) -> QuerySet[SaleRecord]:
    """Return the sales of members ``actor`` may see, newest first.

    ``filters``: ``member`` (id), ``from`` / ``to`` (dates written, inclusive),
    ``channel`` / ``product`` (codes).
    """
    filters = filters or {}
    queryset = (
        SaleRecord.objects.filter(member_scope_q(actor, prefix="member__"), tenant=tenant)
        .select_related("channel", "product")
        .order_by("-sold_on", "id")
    )
    if filters.get("member"):
        queryset = queryset.filter(member_id=filters["member"])
    if filters.get("from"):
        queryset = queryset.filter(sold_on__gte=filters["from"])
    if filters.get("to"):
        queryset = queryset.filter(sold_on__lte=filters["to"])
    if filters.get("channel"):
        queryset = queryset.filter(channel__code=filters["channel"])
    if filters.get("product"):
        queryset = queryset.filter(product__code=filters["product"])
    return queryset

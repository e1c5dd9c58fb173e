"""Reads of service tickets, by tenant and scope.

Scope: a tenant admin and a company manager see all; a renewal team lead
the tickets owned in their unit's subtree or escalated to them; an advisor
their own and those escalated to them; other roles none (403).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from renewals.models import ServiceTicket
from renewals.selectors.cases import renewal_scope_q, require_renewal_reader
from salesops.org.models import Member, Tenant
from salesops.tenancy import get_in_scope_or_404

Role = Member.Role
Status = ServiceTicket.Status


def ticket_scope_q(actor: Member | None) -> Q:
    """Return the tickets ``actor`` may see, as a Q over ``ServiceTicket`` (combine with the tenant)."""
    scope = renewal_scope_q(actor, "owner")
    if scope is None:
        return Q()
    if actor is not None and actor.role in (Role.RENEWAL_LEAD, Role.RENEWAL_ADVISOR):
        return scope | Q(escalated_to=actor)
    return scope


def breached_q(now: datetime) -> Q:
    """Tickets that missed their SLA: answered after ``respond_by``, or unanswered and past it at ``now``."""
    return Q(responded_at__isnull=False, responded_at__gt=F("respond_by")) | Q(
        responded_at__isnull=True, respond_by__lt=now
    )


# Work order of the list: what needs an answer first, closed tickets last.
STATUS_RANK = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(Status.values)),
    output_field=IntegerField(),
)


def ticket_list(*, tenant: Tenant, actor: Member | None, filters: dict | None = None) -> QuerySet[ServiceTicket]:
    """Return the tickets in scope: open ones first, then by status and deadline.

    ``filters``: ``status``, ``severity``, ``breached`` (true: only tickets
    that missed their SLA as of ``now``, default the current time).
    """
    require_renewal_reader(actor)
    filters = filters or {}
    # The owner's name is on the lead's page.
    queryset = ServiceTicket.objects.filter(ticket_scope_q(actor), tenant=tenant).select_related("owner")
    for name in ("status", "severity"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("breached"):
        queryset = queryset.filter(breached_q(filters.get("now") or timezone.now()))
    return queryset.order_by(STATUS_RANK, "respond_by", "id")


def access_ticket_by_id(*, tenant: Tenant, actor: Member | None, id) -> ServiceTicket:
    """Return ticket ``id`` in the actor's scope; missing, foreign and out-of-scope ids are all 404."""
    return get_in_scope_or_404(ticket_list(tenant=tenant, actor=actor), id)

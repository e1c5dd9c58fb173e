"""Reads of renewal cases: always by tenant and the actor's renewal scope.

Who sees which cases:

- a tenant admin and a company-level manager: all of the tenant's;
- a renewal team lead: the cases of the advisors in their unit's subtree,
  and the unassigned ones (they assign them);
- a renewal advisor: their own cases only;
- everyone else (agents, supervisors, branch managers, bank staff): no
  renewal pages or endpoints at all (403).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from renewals.models import LostReason, RenewalCase, RenewalPolicy
from renewals.priority import priority_expression
from salesops.org.models import Member, Tenant
from salesops.tenancy import get_in_scope_or_404

Role = Member.Role


def reads_renewals(actor: Member | None) -> bool:
    if actor is None:
        return False
    if actor.role in (Role.TENANT_ADMIN, Role.RENEWAL_LEAD, Role.RENEWAL_ADVISOR):
        return True
    return actor.sets_company_policy


def manages_renewals(actor: Member | None) -> bool:
    """Return whether ``actor`` creates, imports and assigns cases and sets the renewal rules."""
    if actor is None:
        return True  # the system itself: a command or a task
    return actor.role in (Role.TENANT_ADMIN, Role.RENEWAL_LEAD) or actor.sets_company_policy


def require_renewal_reader(actor: Member | None) -> None:
    if actor is not None and not reads_renewals(actor):
        raise PermissionDenied(_("Renewals are for the renewal team, its managers and administrators."))


def require_renewal_manager(actor: Member | None) -> None:
    if not manages_renewals(actor):
        raise PermissionDenied(_("Only a renewal team lead, a company manager or an administrator may do this."))


def renewal_scope_q(actor: Member | None, member: str) -> Q | None:
    """Return the rows whose ``member`` field is someone whose renewal work ``actor`` sees; ``None``: every row.

    A tenant admin and a company manager see everyone's; a lead the members
    of their unit's subtree; an advisor their own; other roles nobody's.
    Cases and tickets add the rows that are the lead's or advisor's for
    another reason (unassigned cases, tickets escalated to them).
    """
    if actor is None or actor.role == Role.TENANT_ADMIN or actor.sets_company_policy:
        return None
    if actor.role == Role.RENEWAL_LEAD:
        return Q(**{f"{member}__unit__path__startswith": actor.unit.path})
    if actor.role == Role.RENEWAL_ADVISOR:
        return Q(**{member: actor})
    return Q(pk__in=[])


def case_scope_q(actor: Member | None) -> Q:
    """Return the cases ``actor`` may see, as a Q over ``RenewalCase`` (combine with the tenant)."""
    scope = renewal_scope_q(actor, "advisor")
    if scope is None:
        return Q()
    if actor is not None and actor.role == Role.RENEWAL_LEAD:
        return scope | Q(advisor__isnull=True)  # the lead assigns them
    return scope


def case_list(*, tenant: Tenant, actor: Member | None, today: date, filters: dict | None = None) -> QuerySet:
    """Return the cases in scope with their ``priority`` on ``today``, highest first, then the earliest due."""
    require_renewal_reader(actor)
    filters = filters or {}
    queryset = (
        RenewalCase.objects.filter(case_scope_q(actor), tenant=tenant)
        .annotate(priority=priority_expression(today))
        .select_related("advisor", "lost_reason")
        .order_by("-priority", "due_on", "id")
    )
    for name in ("status", "group", "product_type"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("advisor"):
        queryset = queryset.filter(advisor_id=filters["advisor"])
    if filters.get("unassigned"):
        queryset = queryset.filter(advisor__isnull=True)
    if filters.get("due_from"):
        queryset = queryset.filter(due_on__gte=filters["due_from"])
    if filters.get("due_to"):
        queryset = queryset.filter(due_on__lte=filters["due_to"])
    return queryset


def access_case_by_id(*, tenant: Tenant, actor: Member | None, id, today: date) -> RenewalCase:
    return get_in_scope_or_404(case_list(tenant=tenant, actor=actor, today=today), id)


def policy_for(tenant: Tenant) -> RenewalPolicy:
    """Return the tenant's renewal rules, created with seed 003's defaults on first read."""
    policy, _created = RenewalPolicy.objects.get_or_create(tenant=tenant)
    return policy


def lost_reason_list(*, tenant: Tenant) -> QuerySet[LostReason]:
    return LostReason.objects.filter(tenant=tenant).order_by("id")

"""Reads of branches and their roster, contacts, events and plans: always by tenant and the actor's scope.

Who sees which branches (DESIGN.md "Tenancy and access"):

- a tenant admin and a company-level manager: all of the tenant's;
- any other manager: the branches assigned to bank staff in their unit's subtree;
- bank-channel staff: the branches assigned to them;
- everyone else (agents, supervisors, renewal staff): no bancassurance pages
  or endpoints at all (403).

Whoever sees a branch works on it: its profile, stage, roster, contacts and
events. Creating branches and banks and assigning branches to staff is for
those who set company policy (``manages_bancassurance``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from bancassurance.models import (
    BancassurancePolicy,
    Bank,
    BankBranch,
    BranchContact,
    BranchEvent,
    BranchStaff,
    WeeklyPlan,
)
from salesops.org.models import Member, Tenant
from salesops.tenancy import get_in_scope_or_404, member_scope_q

Role = Member.Role
READER_ROLES = frozenset({Role.TENANT_ADMIN, Role.MANAGER, Role.BANK_STAFF})


def reads_bancassurance(actor: Member | None) -> bool:
    return actor is None or actor.role in READER_ROLES


def manages_bancassurance(actor: Member | None) -> bool:
    """Return whether ``actor`` adds banks and branches, assigns them to staff and sets the standards."""
    return actor is None or actor.sets_company_policy


def require_bancassurance_reader(actor: Member | None) -> None:
    if not reads_bancassurance(actor):
        raise PermissionDenied(_("The bank channel is for bank-channel staff, their managers and administrators."))


def require_bancassurance_manager(actor: Member | None) -> None:
    if not manages_bancassurance(actor):
        raise PermissionDenied(_("Only a company manager or an administrator may do this."))


def branch_scope_q(actor: Member | None, prefix: str = "") -> Q:
    """Return the branches ``actor`` sees, as a Q over ``BankBranch`` (or over ``<prefix>`` branch fields)."""
    require_bancassurance_reader(actor)
    if actor is None or actor.sets_company_policy:
        return Q()
    if actor.role == Role.MANAGER:
        return Q(**{f"{prefix}assigned_to__unit__path__startswith": actor.unit.path})
    return Q(**{f"{prefix}assigned_to": actor})


def branch_list(*, tenant: Tenant, actor: Member | None, filters: dict | None = None) -> QuerySet[BankBranch]:
    """Return the branches in scope, by bank then code.

    ``filters``: ``bank``, ``staff`` (member id), ``stage``, ``branch``.
    """
    filters = filters or {}
    queryset = (
        BankBranch.objects.filter(branch_scope_q(actor), tenant=tenant)
        .select_related("bank", "assigned_to")
        .order_by("bank__code", "code", "id")
    )
    if filters.get("bank"):
        queryset = queryset.filter(bank_id=filters["bank"])
    if filters.get("staff"):
        queryset = queryset.filter(assigned_to_id=filters["staff"])
    if filters.get("stage"):
        queryset = queryset.filter(stage=filters["stage"])
    if filters.get("branch"):
        queryset = queryset.filter(pk=filters["branch"])
    return queryset


def access_branch_by_id(*, tenant: Tenant, actor: Member | None, id) -> BankBranch:
    return get_in_scope_or_404(branch_list(tenant=tenant, actor=actor), id)


def bank_list(*, tenant: Tenant) -> QuerySet[Bank]:
    return Bank.objects.filter(tenant=tenant).order_by("code", "id")


def channel_staff(*, tenant: Tenant, actor: Member | None) -> QuerySet[Member]:
    """The active bank-channel staff ``actor`` sees (the people branches are assigned to)."""
    scope = Q() if actor is None else member_scope_q(actor)
    return Member.objects.filter(scope, tenant=tenant, role=Role.BANK_STAFF, active=True).order_by("display_name", "id")


def policy_for(tenant: Tenant) -> BancassurancePolicy:
    """Return the tenant's bank-channel standards, created with seed 004's defaults on first read."""
    policy, _created = BancassurancePolicy.objects.get_or_create(tenant=tenant)
    return policy


def roster(*, tenant: Tenant, branch: BankBranch) -> QuerySet[BranchStaff]:
    """Everyone who has been on the branch's roster: those still there first (by role), then the latest to leave."""
    return BranchStaff.objects.filter(tenant=tenant, branch=branch).order_by(
        F("left_on").desc(nulls_first=True), "role", "joined_on", "id"
    )


def contact_list(*, tenant: Tenant, actor: Member | None, filters: dict | None = None) -> QuerySet[BranchContact]:
    filters = filters or {}
    queryset = BranchContact.objects.filter(branch_scope_q(actor, "branch__"), tenant=tenant).select_related(
        "staff", "branch", "contacted_by"
    )
    if filters.get("branch"):
        queryset = queryset.filter(branch=filters["branch"])
    if filters.get("from"):
        queryset = queryset.filter(contacted_on__gte=filters["from"])
    if filters.get("to"):
        queryset = queryset.filter(contacted_on__lte=filters["to"])
    return queryset.order_by("-contacted_on", "-id")


def event_list(*, tenant: Tenant, actor: Member | None, filters: dict | None = None) -> QuerySet[BranchEvent]:
    filters = filters or {}
    queryset = BranchEvent.objects.filter(branch_scope_q(actor, "branch__"), tenant=tenant).select_related(
        "branch", "organised_by"
    )
    for name in ("branch", "kind", "customer_tier"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("from"):
        queryset = queryset.filter(held_on__gte=filters["from"])
    if filters.get("to"):
        queryset = queryset.filter(held_on__lte=filters["to"])
    return queryset.order_by("-held_on", "-id")


def plan_scope_q(actor: Member | None) -> Q:
    """Weekly plans ``actor`` sees: their own, or their people's for a manager and everyone's for an admin."""
    require_bancassurance_reader(actor)
    if actor is None:
        return Q()
    return member_scope_q(actor, prefix="member__")


def plan_list(*, tenant: Tenant, actor: Member | None, filters: dict | None = None) -> QuerySet[WeeklyPlan]:
    filters = filters or {}
    queryset = WeeklyPlan.objects.filter(plan_scope_q(actor), tenant=tenant).select_related("member")
    if filters.get("member"):
        queryset = queryset.filter(member_id=filters["member"])
    if filters.get("week"):
        queryset = queryset.filter(week_start=filters["week"])
    return queryset.order_by("-week_start", "member__display_name", "id")


def access_plan_by_id(*, tenant: Tenant, actor: Member | None, id) -> WeeklyPlan:
    return get_in_scope_or_404(plan_list(tenant=tenant, actor=actor), id)

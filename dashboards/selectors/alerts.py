"""Reading alerts: those an actor may see, their inbox and its unread count."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from dashboards.models import Alert, AlertNotice
from salesops.org.models import Member, Tenant
from salesops.tenancy import get_in_scope_or_404, member_scope_q


def _scope_q(actor: Member) -> Q:
    """Alerts on members in the actor's scope, and on units in it (an agent's: only their own)."""
    members = Q(member__isnull=False) & member_scope_q(actor, prefix="member__")
    if actor.role == Member.Role.TENANT_ADMIN:
        return Q()
    if not actor.sees_unit_subtree:
        return members
    return members | Q(unit__path__startswith=actor.unit.path)


def alert_list(*, tenant: Tenant, actor: Member, filters: dict | None = None) -> QuerySet[Alert]:
    """The alerts ``actor`` may see, newest first, with whether each is unread for them."""
    filters = filters or {}
    unread = AlertNotice.objects.filter(tenant=tenant, alert=OuterRef("pk"), recipient=actor, read_at__isnull=True)
    queryset = (
        Alert.objects.filter(_scope_q(actor), tenant=tenant)
        .select_related("member", "unit", "assignee")
        .annotate(unread=Exists(unread))
        .order_by("-raised_at", "-id")
    )
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("mine"):
        queryset = queryset.filter(notices__recipient=actor, notices__tenant=tenant)
    return queryset


def access_alert_by_id(*, tenant: Tenant, actor: Member, id) -> Alert:
    return get_in_scope_or_404(alert_list(tenant=tenant, actor=actor), id)


def unread_count(*, tenant: Tenant, member: Member) -> int:
    """The number in the page header's inbox badge."""
    return AlertNotice.objects.filter(tenant=tenant, recipient=member, read_at__isnull=True).count()


def coaching_tasks(*, tenant: Tenant, supervisor: Member) -> list[Alert]:
    """Open low-production and low-activity alerts assigned to ``supervisor``: coaching due (the 111 list)."""
    return list(
        Alert.objects.filter(
            tenant=tenant,
            assignee=supervisor,
            status__in=(Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED),
            kind__in=(Alert.Kind.LOW_PRODUCTION, Alert.Kind.LOW_ACTIVITY),
        )
        .select_related("member")
        .order_by("period_start", "id")
    )

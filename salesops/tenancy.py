"""The one mechanism by which every app reaches tenant-owned data.

- The acting member (and so the tenant) is resolved server-side from the
  authenticated user; nothing the client sends can choose a tenant.
- Role scope is expressed once, as ``Q`` objects over members and units,
  and every selector filters by tenant and by that scope.
- ``get_in_scope_or_404`` is the door behind every ``access_<entity>_by_id``:
  an id that does not exist, belongs to another tenant, or lies outside the
  actor's scope gives the same 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from salesops.org.models import Member

ModelT = TypeVar("ModelT", bound=Model)


class NotAMember(Exception):
    """The authenticated user has no active membership in any tenant."""


def resolve_member(user) -> Member:
    """Return the active membership of ``user`` (with tenant and unit loaded)."""
    from salesops.org.models import Member

    if not user.is_authenticated or user.tenant_id is None:
        raise NotAMember
    try:
        return Member.objects.select_related("tenant", "unit").get(
            tenant_id=user.tenant_id, user_id=user.pk, active=True
        )
    except Member.DoesNotExist as error:
        raise NotAMember from error


def member_scope_q(actor: Member, *, prefix: str = "") -> Q:
    """Return the members ``actor`` may see, as a Q over ``<prefix>`` member fields.

    ``prefix`` lets fact tables reuse it: ``member_scope_q(actor, prefix="member__")``.
    Always combine with the tenant filter; this Q narrows within a tenant.
    """
    from salesops.org.models import Member

    if actor.role == Member.Role.TENANT_ADMIN:
        return Q()
    if actor.sees_unit_subtree:
        return Q(**{f"{prefix}unit__path__startswith": actor.unit.path})
    return Q(**{f"{prefix}pk": actor.pk})


def unit_scope_q(actor: Member) -> Q:
    """Return the org units ``actor`` may see, as a Q over ``OrgUnit``."""
    from salesops.org.models import Member

    if actor.role == Member.Role.TENANT_ADMIN:
        return Q()
    if actor.sees_unit_subtree:
        return Q(path__startswith=actor.unit.path)
    return Q(pk=actor.unit_id)


def get_in_scope_or_404(queryset: QuerySet[ModelT], pk) -> ModelT:
    """Return the object ``pk`` from an already tenant- and scope-filtered queryset.

    Missing, foreign and out-of-scope ids are indistinguishable: all are 404.
    """
    try:
        return queryset.get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise Http404(_("Not found.")) from error

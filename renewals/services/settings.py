"""The tenant's renewal settings: its rules (capacity, windows, SLAs, ratios), staff profiles, lost reasons.

The rules and the lost-reason list are the company's: a tenant admin or a
company-level manager sets them. A renewal team lead sets their own
advisors' profiles (A skill, capacity, position), within their scope.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renewals.models import LostReason, RenewalPolicy, StaffProfile
from renewals.selectors.cases import policy_for, require_renewal_manager
from salesops.org.models import Member, Tenant
from salesops.org.services import code_and_name_errors
from salesops.tenancy import member_scope_q

POLICY_FIELDS = tuple(f.name for f in RenewalPolicy._meta.get_fields() if f.concrete and f.name not in ("id", "tenant"))
RENEWAL_ROLES = (Member.Role.RENEWAL_ADVISOR, Member.Role.RENEWAL_LEAD)


def require_policy_setter(actor: Member | None) -> None:
    if actor is not None and actor.role != Member.Role.TENANT_ADMIN and not actor.sets_company_policy:
        raise PermissionDenied(_("Only a tenant admin or a company manager may change the renewal rules."))


def _positive_int_errors(changes: dict, names: tuple[str, ...], *, allow_none: bool = False) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in names:
        if name not in changes:
            continue
        value = changes[name]
        if value is None and allow_none:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors[name] = [_("Enter a whole number of at least 1.")]
        elif value > 1_000_000:
            errors[name] = [_("The number is too large.")]
    return errors


@transaction.atomic
def policy_update(*, tenant: Tenant, actor: Member | None, changes: dict) -> RenewalPolicy:
    """Change the tenant's renewal rules; every value is a whole number ≥ 1."""
    require_policy_setter(actor)
    unknown = sorted(set(changes) - set(POLICY_FIELDS))
    errors = {name: [_("Unknown field.")] for name in unknown}
    errors.update(_positive_int_errors(changes, POLICY_FIELDS))
    if errors:
        raise ValidationError(errors)
    policy_for(tenant)
    policy = RenewalPolicy.objects.select_for_update().get(tenant=tenant)
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.save()
    return policy


@transaction.atomic
def profile_update(*, tenant: Tenant, actor: Member | None, member_id: int, changes: dict) -> StaffProfile:
    """Set a renewal team member's ``position``, ``serves_group_a`` and ``capacity`` (``None``: the default)."""
    require_renewal_manager(actor)
    members = Member.objects.filter(tenant=tenant, role__in=RENEWAL_ROLES, pk=member_id)
    member = (members.filter(member_scope_q(actor)) if actor is not None else members).first()
    errors: dict[str, list[str]] = {}
    if member is None:
        errors["member"] = [_("Unknown member.")]
    if "position" in changes and changes["position"] not in StaffProfile.Position.values:
        errors["position"] = [_("Unknown position.")]
    if "serves_group_a" in changes and not isinstance(changes["serves_group_a"], bool):
        errors["serves_group_a"] = [_("Enter true or false.")]
    errors.update(_positive_int_errors(changes, ("capacity",), allow_none=True))
    if errors:
        raise ValidationError(errors)
    profile, _created = StaffProfile.objects.select_for_update().get_or_create(tenant=tenant, member=member)
    for name in ("position", "serves_group_a", "capacity"):
        if name in changes:
            setattr(profile, name, changes[name])
    profile.save()
    return profile


@transaction.atomic
def lost_reason_create(*, tenant: Tenant, actor: Member | None, code: str, name: str) -> LostReason:
    """Add a lost reason to the tenant's list."""
    require_policy_setter(actor)
    errors = code_and_name_errors(LostReason, tenant=tenant, code=(code or "").strip(), name=(name or "").strip())
    if errors:
        raise ValidationError(errors)
    return LostReason.objects.create(tenant=tenant, code=code.strip(), name=name.strip())

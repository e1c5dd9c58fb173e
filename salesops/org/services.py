"""Writes to the org. Every service takes the tenant and the acting member.

Services validate references *within the tenant*: a unit or supervisor id of
another tenant is reported exactly like one that does not exist.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from salesops.org.models import Channel, Member, OrgUnit, Product, Tenant, User
from salesops.org.selectors import tenant_today

# Seeded for every new tenant (DESIGN.md glossary and API.md codes).
DEFAULT_CHANNELS = [
    ("agency", "个险"),
    ("group", "团险"),
    ("bancassurance", "银保"),
]
DEFAULT_PRODUCTS = [
    ("health", "健康险"),
    ("annuity", "年金险"),
    ("employer_liability", "雇主责任险"),
    ("group_annuity", "团体年金"),
    ("single_premium_savings", "趸交储蓄险"),
]

CODE_MAX_LENGTH = 40
NAME_MAX_LENGTH = 100

# A unit's parent must be of a higher kind: company > branch > team.
KIND_RANK: dict[str, int] = {OrgUnit.Kind.COMPANY: 0, OrgUnit.Kind.BRANCH: 1, OrgUnit.Kind.TEAM: 2}


def require_tenant_admin(actor: Member | None, message: str | None = None) -> None:
    """Refuse anyone but a tenant admin; ``actor=None`` is the platform operator (commands), who may."""
    if actor is not None and actor.role != Member.Role.TENANT_ADMIN:
        raise PermissionDenied(message or _("Only a tenant admin may change the organisation."))


@transaction.atomic
def tenant_create(
    *,
    slug: str,
    name: str,
    admin_username: str,
    admin_password: str,
    company_name: str | None = None,
    time_zone: str = "Asia/Shanghai",
    language: str = "zh-hans",
) -> tuple[Tenant, Member]:
    """Onboard a tenant: company unit, channels, products, 5311 standards, renewal rules, objection library, admin."""
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": [_("A tenant with this slug already exists.")]})
    tenant = Tenant(slug=slug, name=name, time_zone=time_zone, language=language)
    tenant.full_clean()
    tenant.save()
    company = unit_create(tenant=tenant, actor=None, name=company_name or name, kind=OrgUnit.Kind.COMPANY)
    Channel.objects.bulk_create(Channel(tenant=tenant, code=code, name=label) for code, label in DEFAULT_CHANNELS)
    Product.objects.bulk_create(Product(tenant=tenant, code=code, name=label) for code, label in DEFAULT_PRODUCTS)
    # Imported here: org is the foundation the other apps build on (activities'
    # models import org's), so org loads without importing any of them at the top.
    from activities.objection_library import seed_objections
    from activities.services.standards import standards_seed_defaults
    from renewals.services.setup import renewals_seed_defaults

    standards_seed_defaults(tenant=tenant)
    renewals_seed_defaults(tenant=tenant)
    seed_objections(tenant)
    admin = member_create(
        tenant=tenant,
        actor=None,
        username=admin_username,
        password=admin_password,
        display_name=admin_username,
        role=Member.Role.TENANT_ADMIN,
        unit_id=company.pk,
    )
    return tenant, admin


@transaction.atomic
def unit_create(*, tenant: Tenant, actor: Member | None, name: str, kind: str, parent_id: int | None = None) -> OrgUnit:
    """Create an org unit under ``parent_id`` (a unit of the same tenant)."""
    require_tenant_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("This field is required.")]})
    if kind not in KIND_RANK:
        raise ValidationError({"kind": [_("Unknown unit kind.")]})
    parent = None
    if kind == OrgUnit.Kind.COMPANY:
        if parent_id is not None:
            raise ValidationError({"parent": [_("A company unit has no parent.")]})
        if OrgUnit.objects.filter(tenant=tenant, kind=OrgUnit.Kind.COMPANY).exists():
            raise ValidationError({"kind": [_("The tenant already has its company unit.")]})
    else:
        if parent_id is None:
            raise ValidationError({"parent": [_("This field is required.")]})
        parent = OrgUnit.objects.filter(tenant=tenant, pk=parent_id).first()
        if parent is None:
            raise ValidationError({"parent": [_("Unknown unit.")]})
        if KIND_RANK[parent.kind] >= KIND_RANK[kind]:
            raise ValidationError(
                {
                    "parent": [
                        _("A %(kind)s cannot be placed under a %(parent)s.")
                        % {"kind": OrgUnit.Kind(kind).label, "parent": parent.get_kind_display()}
                    ]
                }
            )
    if OrgUnit.objects.filter(tenant=tenant, name=name).exists():
        raise ValidationError({"name": [_("A unit with this name already exists.")]})
    unit = OrgUnit.objects.create(tenant=tenant, name=name, kind=kind, parent=parent, path="")
    # The path holds the unit's own id, known only after the insert.
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def member_create(
    *,
    tenant: Tenant,
    actor: Member | None,
    username: str,
    display_name: str,
    role: str,
    unit_id: int,
    password: str | None = None,
    employee_no: str = "",
    tier: str = Member.Tier.MIDDLE,
    supervisor_id: int | None = None,
    hired_on: date | None = None,
    active: bool = True,
) -> Member:
    """Create a login and its membership in ``tenant``."""
    require_tenant_admin(actor)
    errors: dict[str, list[str]] = {}
    unit = OrgUnit.objects.filter(tenant=tenant, pk=unit_id).first() if unit_id is not None else None
    if unit is None:
        errors["unit"] = [_("Unknown unit.")]
    supervisor = None
    if supervisor_id is not None:
        supervisor = Member.objects.filter(tenant=tenant, pk=supervisor_id).select_related("unit").first()
        if supervisor is None:
            errors["supervisor"] = [_("Unknown member.")]
        elif unit is not None and not unit.path.startswith(supervisor.unit.path):
            errors["supervisor"] = [_("The supervisor must belong to this unit or a unit above it.")]
    if role not in Member.Role.values:
        errors["role"] = [_("Unknown role.")]
    if tier not in Member.Tier.values:
        errors["tier"] = [_("Unknown tier.")]
    if hired_on is not None and hired_on > tenant_today(tenant):
        errors["hired_on"] = [_("The hire date cannot be in the future.")]
    if User.objects.filter(username=username).exists():
        errors["username"] = [_("This username is already taken.")]
    if employee_no and Member.objects.filter(tenant=tenant, employee_no=employee_no).exists():
        errors["employee_no"] = [_("This employee number is already in use in the tenant.")]
    user = User(username=username, first_name=display_name[:150], tenant=tenant)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    assert unit is not None  # an unknown unit was reported above
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():  # a savepoint, so the outer transaction survives a clash
            user.save()
            return Member.objects.create(
                tenant=tenant,
                user=user,
                unit=unit,
                display_name=display_name,
                employee_no=employee_no,
                role=role,
                tier=tier,
                supervisor=supervisor,
                hired_on=hired_on,
                active=active,
            )
    except IntegrityError as error:
        # A concurrent request took the username or employee number first.
        raise ValidationError({"username": [_("This username or employee number is already in use.")]}) from error


def code_and_name_errors(model, *, tenant: Tenant, code: str, name: str) -> dict[str, list[str]]:
    """Return the errors of a new reference entry's code (a slug, unique in the tenant) and name."""
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("This field is required.")]
    elif len(code) > CODE_MAX_LENGTH:
        errors["code"] = [_("A code has at most 40 characters.")]
    else:
        try:
            validate_slug(code)
        except ValidationError as error:
            errors["code"] = list(error.messages)
        else:
            if model.objects.filter(tenant=tenant, code=code).exists():
                errors["code"] = [_("This code is already in use.")]
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("A name has at most 100 characters.")]
    return errors


def _reference_create(model, *, tenant: Tenant, actor: Member | None, code: str, name: str):
    require_tenant_admin(actor)
    errors = {}
    if not code:
        errors["code"] = [_("This field is required.")]
    elif model.objects.filter(tenant=tenant, code=code).exists():
        errors["code"] = [_("This code is already in use.")]
    if not (name or "").strip():
        errors["name"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    return model.objects.create(tenant=tenant, code=code, name=name.strip())


@transaction.atomic
def channel_create(*, tenant: Tenant, actor: Member | None, code: str, name: str) -> Channel:
    """Add a sales channel to the tenant."""
    return _reference_create(Channel, tenant=tenant, actor=actor, code=code, name=name)


@transaction.atomic
def product_create(*, tenant: Tenant, actor: Member | None, code: str, name: str) -> Product:
    """Add a product line to the tenant."""
    return _reference_create(Product, tenant=tenant, actor=actor, code=code, name=name)

"""Tenants, their org tree, members with roles and tiers, channels and products.

Every tenant-owned table carries ``tenant`` and every index and unique
constraint on it starts with ``tenant`` (the future Citus distribution
column); foreign keys therefore get no single-column index of their own.
"""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tenant(models.Model):
    """One insurance company or agency; nothing of it is visible to another."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    deviation_threshold = models.DecimalField(
        _("deviation threshold"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.1500"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("An actual this far behind expected-to-date raises a deviation alert."),
    )
    log_edit_window_days = models.PositiveSmallIntegerField(
        _("log edit window (days)"),
        default=2,
        help_text=_("Agents may change a work log for this many days; then only a supervisor may."),
    )
    activity_daily_cap = models.PositiveSmallIntegerField(
        _("activity cap per item and day"),
        default=100,
        validators=[MinValueValidator(1)],
        help_text=_("A work log count above this is refused as implausible."),
    )
    low_activity_days = models.PositiveSmallIntegerField(
        _("low-activity alert after (working days)"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("An agent below the activity standard this many working days in a row raises an alert."),
    )
    low_production_weeks = models.PositiveSmallIntegerField(
        _("low-production alert after (weeks)"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("An agent without a policy for this many weeks raises an alert and a coaching task."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self):
        return self.name


class TenantOwnedModel(models.Model):
    """Base of every tenant-owned table."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, db_index=False, verbose_name=_("tenant"))

    class Meta:
        abstract = True


class User(AbstractUser):
    """A login. ``tenant`` points at the one tenant the login belongs to.

    Usernames are global so that login needs no tenant code; the tenant is
    then resolved server-side from this pointer and the membership row
    (``Member``), never from what the client sends.
    """

    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("tenant")
    )


class OrgUnit(TenantOwnedModel):
    """A company, branch or team; ``path`` (``/1/4/9/``) makes a subtree one query."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        BRANCH = "branch", _("Branch")
        TEAM = "team", _("Team")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    path = models.CharField(max_length=500, editable=False)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        constraints = [
            # Imports name a unit by its name, so a name is unique in the tenant.
            models.UniqueConstraint(fields=["tenant", "name"], name="org_unit_tenant_name_uniq"),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "path"],
                name="org_unit_tenant_path_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["tenant", "parent"], name="org_unit_tenant_parent_idx"),
        ]

    def __str__(self):
        return self.name


class Member(TenantOwnedModel):
    """A person in the tenant's org: their unit, role, tier and supervisor."""

    class Role(models.TextChoices):
        TENANT_ADMIN = "tenant_admin", _("Tenant admin")
        MANAGER = "manager", _("Manager")
        SUPERVISOR = "supervisor", _("Supervisor")
        AGENT = "agent", _("Agent")
        BANK_STAFF = "bank_staff", _("Bank-channel staff")
        RENEWAL_LEAD = "renewal_lead", _("Renewal team lead")
        RENEWAL_ADVISOR = "renewal_advisor", _("Renewal advisor")

    class Tier(models.TextChoices):
        TOP = "top", _("Top")
        MIDDLE = "middle", _("Middle")
        BOTTOM = "bottom", _("Bottom")

    user = models.ForeignKey(User, on_delete=models.CASCADE, db_index=False, related_name="memberships")
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, db_index=False, related_name="members", verbose_name=_("unit")
    )
    display_name = models.CharField(_("name"), max_length=100)
    employee_no = models.CharField(_("employee number"), max_length=32, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.MIDDLE)
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="direct_reports",
        verbose_name=_("supervisor"),
    )
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="org_member_tenant_user_uniq"),
            models.UniqueConstraint(
                fields=["tenant", "employee_no"],
                condition=~models.Q(employee_no=""),
                name="org_member_tenant_employee_no_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "unit"], name="org_member_tenant_unit_idx"),
            models.Index(fields=["tenant", "supervisor"], name="org_member_tenant_sup_idx"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def sees_unit_subtree(self) -> bool:
        """Return whether this member's scope is their unit's whole subtree."""
        return self.role in SUBTREE_ROLES

    @property
    def sets_company_policy(self) -> bool:
        """Return whether this member sets what is the company's: plans, standards, points.

        Tenant admins do, and managers of the company unit (not a branch's manager).
        """
        if self.role == Member.Role.TENANT_ADMIN:
            return True
        return self.role == Member.Role.MANAGER and self.unit.kind == OrgUnit.Kind.COMPANY

    @property
    def leads_others(self) -> bool:
        """Return whether this member's scope holds other people (org page, headcount)."""
        return self.role in LEADING_ROLES


# Roles whose scope is the subtree of the unit they belong to (the unit they
# lead); a company-level manager therefore sees the whole tenant.
SUBTREE_ROLES = frozenset({Member.Role.MANAGER, Member.Role.SUPERVISOR, Member.Role.RENEWAL_LEAD})
# Roles whose scope holds other people: the subtree roles and the tenant admin.
LEADING_ROLES = SUBTREE_ROLES | {Member.Role.TENANT_ADMIN}


class TenantCodeModel(TenantOwnedModel):
    """Reference data named by a code that other endpoints and imports use."""

    code = models.SlugField(_("code"), max_length=40, db_index=False)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="org_%(class)s_tenant_code_uniq")]

    def __str__(self):
        return self.name


class Channel(TenantCodeModel):
    """A sales channel: 个险 agency, 团险 group, 银保 bancassurance, or the tenant's own."""

    class Meta(TenantCodeModel.Meta):
        verbose_name = _("channel")
        verbose_name_plural = _("channels")


class Product(TenantCodeModel):
    """A product line (健康险 health, 年金险 annuity, …)."""

    class Meta(TenantCodeModel.Meta):
        verbose_name = _("product")
        verbose_name_plural = _("products")

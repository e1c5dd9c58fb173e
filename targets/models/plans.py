"""Quarterly plans, their allocation down the org tree, and sale records.

Amounts are ``Decimal`` yuan for a premium plan and whole numbers for a
policy-count plan; every split sums exactly to its parent (targets/rounding.py).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesops.org.models import Channel, Member, OrgUnit, Product, TenantOwnedModel

DEFAULT_MONTH_WEIGHTS = [Decimal(3), Decimal(4), Decimal(3)]


class Plan(TenantOwnedModel):
    """One tenant's target for one quarter and one metric."""

    class Metric(models.TextChoices):
        PREMIUM = "premium", _("Premium")
        POLICIES = "policies", _("Policies")

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    metric = models.CharField(_("metric"), max_length=10, choices=Metric.choices)
    # Baseline: last quarter's production per experienced agent × headcount,
    # new agents counted at ``ramp_up_share``; total = baseline × (1 + uplift)
    # unless the manager typed a total.
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2, default=Decimal(0))
    uplift = models.DecimalField(_("uplift"), max_digits=6, decimal_places=4, default=Decimal("0.2000"))
    ramp_up_share = models.DecimalField(_("ramp-up share"), max_digits=5, decimal_places=4, default=Decimal("0.5000"))
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2)
    month_weights = models.JSONField(_("month weights"), default=list)  # three decimal strings, e.g. ["3", "4", "3"]
    new_customer_share = models.DecimalField(
        _("new-customer share"), max_digits=5, decimal_places=4, default=Decimal("0.4000")
    )
    tier_share_top = models.DecimalField(_("top tier share"), max_digits=5, decimal_places=4, default=Decimal("0.30"))
    tier_share_middle = models.DecimalField(
        _("middle tier share"), max_digits=5, decimal_places=4, default=Decimal("0.50")
    )
    tier_share_bottom = models.DecimalField(
        _("bottom tier share"), max_digits=5, decimal_places=4, default=Decimal("0.20")
    )
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    allocated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "year", "quarter", "metric"], name="targets_plan_quarter_uniq"),
        ]

    def __str__(self):
        return f"{self.year} Q{self.quarter} {self.get_metric_display()}"

    @property
    def months(self) -> list[int]:
        """Return the quarter's calendar months (Q4 → [10, 11, 12])."""
        first = 3 * (self.quarter - 1) + 1
        return [first, first + 1, first + 2]

    @property
    def tier_shares(self) -> dict[str, Decimal]:
        return {"top": self.tier_share_top, "middle": self.tier_share_middle, "bottom": self.tier_share_bottom}


class PlanLine(TenantOwnedModel):
    """The plan's amount for one channel × product (个险 · 健康险 400万)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, db_index=False, related_name="lines")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, db_index=False, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, db_index=False, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "plan", "channel", "product"], name="targets_planline_uniq"),
        ]


class Allocation(TenantOwnedModel):
    """A share of a plan: a unit's or an agent's total, or one month × channel × product cell of it.

    - unit total: ``member``, ``month``, ``channel``, ``product`` empty;
    - agent total: ``member`` set (``unit`` is the agent's team), the rest empty;
    - cell: the same owner with ``month``, ``channel`` and ``product`` set.
    Totals may be overridden; cells always follow the plan's weights.
    """

    # Allocation rows are derived: one service (targets/services/plans.py)
    # rewrites a plan's rows from ids it has just read, under the plan's row
    # lock, in one transaction. A 20,000-agent plan has 350,000 rows, and
    # PostgreSQL checks foreign keys row by row at commit: about 1.2 s per
    # key at that size, 7 s for all six (docs/benchmarks.md). So none is a
    # database constraint; Django cascades deletes (``on_delete``).
    tenant = models.ForeignKey(
        "org.Tenant", on_delete=models.CASCADE, db_index=False, db_constraint=False, verbose_name=_("tenant")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, db_index=False, db_constraint=False, related_name="allocations"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, db_index=False, db_constraint=False, related_name="+")
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        related_name="allocations",
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False
    )
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    overridden = models.BooleanField(_("overridden"), default=False)
    # The agent's tier in this plan (agent totals only).
    tier = models.CharField(_("tier"), max_length=10, choices=Member.Tier.choices, blank=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "plan", "unit", "member", "month", "channel", "product"],
                name="targets_allocation_key",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "plan", "member"], name="targets_alloc_member_idx"),
        ]


class AllocationChange(TenantOwnedModel):
    """The history of a plan's allocations: who changed what, when, old → new."""

    class Kind(models.TextChoices):
        ALLOCATE = "allocate", _("Allocated")
        OVERRIDE = "override", _("Overridden")
        CLEAR = "clear", _("Override cleared")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, db_index=False, related_name="changes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, null=True, blank=True, db_index=False, related_name="+")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, db_index=False, related_name="+"
    )
    old_amount = models.DecimalField(_("old amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    new_amount = models.DecimalField(_("new amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    changed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["tenant", "plan", "changed_at"], name="targets_allocchange_plan_idx")]


class SaleRecord(TenantOwnedModel):
    """One policy written: the result targets are measured against. ``policy_no`` is the key."""

    class CustomerKind(models.TextChoices):
        NEW = "new", _("New customer")
        EXISTING = "existing", _("Existing customer")

    class PaymentMode(models.TextChoices):
        REGULAR = "regular", _("Regular premium")
        SINGLE = "single", _("Single premium")

    policy_no = models.CharField(_("policy number"), max_length=40)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, db_index=False, related_name="sales")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, db_index=False, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, db_index=False, related_name="+")
    premium = models.DecimalField(_("premium"), max_digits=14, decimal_places=2)
    policies = models.PositiveIntegerField(_("policies"), default=1)
    sold_on = models.DateField(_("date written"))
    customer_kind = models.CharField(_("customer kind"), max_length=10, choices=CustomerKind.choices)
    payment_mode = models.CharField(_("payment mode"), max_length=10, choices=PaymentMode.choices)
    bank_branch = models.ForeignKey(
        "bancassurance.BankBranch", on_delete=models.PROTECT, null=True, blank=True, db_index=False, related_name="+"
    )
    # The book entry the policy was sold to (activities' customer book), when the agent names one.
    customer = models.ForeignKey(
        "activities.Customer", on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="sales"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sale record")
        verbose_name_plural = _("sale records")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "policy_no"], name="targets_sale_policy_no_uniq"),
            models.CheckConstraint(condition=models.Q(premium__gte=0), name="targets_sale_premium_nonneg"),
        ]
        indexes = [
            models.Index(fields=["tenant", "sold_on"], name="targets_sale_day_idx"),
            models.Index(fields=["tenant", "member", "sold_on"], name="targets_sale_member_day_idx"),
        ]

    def __str__(self):
        return self.policy_no

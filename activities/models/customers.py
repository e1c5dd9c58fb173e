"""The agent's prospect and customer book (准客户名单, seeds 000–002), its funnel, tiers and objection library.

A customer belongs to one agent (``owner``). The phone and the household
facts are personal information: read in full only by the owner and the
supervisors over them, masked for everyone else, every export logged in
``PersonalDataExport``, and erased on request (``erased_at``: the row stays,
anonymous, so that counts and rollups stay right).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesops.org.models import Member, Product, Tenant, TenantOwnedModel


class Customer(TenantOwnedModel):
    class Source(models.TextChoices):
        REFERRAL = "referral", _("Referral")
        EVENT = "event", _("Event")
        BANK_BRANCH = "bank_branch", _("Bank branch")
        ONLINE = "online", _("Online")
        OWN = "own", _("Own network")

    class Stage(models.TextChoices):
        # Seed 000's six steps, in their order (the funnel reads this order).
        ACQUIRED = "acquired", _("Acquired")
        NEEDS_ANALYSIS = "needs_analysis", _("Needs analysis")
        PROPOSAL = "proposal", _("Proposal")
        OBJECTION = "objection", _("Objection handling")
        SIGNED = "signed", _("Signed")
        SERVICE = "service", _("Service")

    class Tier(models.TextChoices):
        A = "A", _("A")
        B = "B", _("B")
        C = "C", _("C")

    class Consent(models.TextChoices):
        PENDING = "pending", _("Not asked yet")
        GIVEN = "given", _("Given")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    owner = models.ForeignKey(Member, on_delete=models.PROTECT, db_index=False, related_name="customers")
    name = models.CharField(_("name"), max_length=100)
    # Normalised: the 11 digits of a mainland mobile number ("13812341234"), or blank.
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.OWN)
    referred_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="referrals"
    )
    source_event = models.CharField(_("event"), max_length=100, blank=True)
    bank_branch = models.ForeignKey(
        "bancassurance.BankBranch", on_delete=models.PROTECT, null=True, blank=True, db_index=False, related_name="+"
    )
    consent = models.CharField(_("consent"), max_length=10, choices=Consent.choices, default=Consent.PENDING)
    # Household facts for the needs analysis, decimal strings:
    # {"income": "300000.00", "members": 3, "cover": {"health": "2000.00", ...}} (annual premium by product code).
    household = models.JSONField(_("household"), default=dict, blank=True)
    # The saved needs analysis: {"income", "budget_low", "budget_high", "existing", "gaps": {code: amount}, "on"}.
    needs = models.JSONField(_("needs analysis"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    acquired_on = models.DateField(_("acquired on"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.ACQUIRED)
    stage_changed_on = models.DateField(_("stage changed on"))
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices, blank=True)
    tier_computed_on = models.DateField(_("tier computed on"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["id"]
        constraints = [
            # One book entry per phone within the tenant: a second is a duplicate to merge.
            models.UniqueConstraint(
                fields=["tenant", "phone"], condition=~Q(phone=""), name="activities_customer_phone_uniq"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "owner"], name="activities_cust_owner_idx"),
            models.Index(fields=["tenant", "stage"], name="activities_cust_stage_idx"),
        ]

    def __str__(self):
        return self.name


class CustomerStageChange(TenantOwnedModel):
    """A dated move between funnel stages; a move backwards carries its reason."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, db_index=False, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=20, choices=Customer.Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Customer.Stage.choices)
    changed_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["changed_on", "id"]
        indexes = [models.Index(fields=["tenant", "customer"], name="activities_stage_cust_idx")]


class Quote(TenantOwnedModel):
    """A proposal (报价/计划书) given to a customer; several without a policy raise the churn warning."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, db_index=False, related_name="quotes")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, db_index=False, related_name="+")
    premium = models.DecimalField(_("annual premium"), max_digits=14, decimal_places=2)
    quoted_on = models.DateField(_("date"))
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["quoted_on", "id"]
        indexes = [models.Index(fields=["tenant", "customer"], name="activities_quote_cust_idx")]


class Objection(TenantOwnedModel):
    """An entry of the tenant's objection library (异议库) with its answer templates."""

    title = models.CharField(_("objection"), max_length=200)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    answer_case = models.TextField(_("answer with a case"), blank=True)
    answer_data = models.TextField(_("answer with data"), blank=True)
    answer_clause = models.TextField(_("answer with the clause"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "title"], name="activities_objection_title_uniq")]


class CustomerObjection(TenantOwnedModel):
    """An objection that came up with a customer, as the agent recorded it."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, db_index=False, related_name="objections")
    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, db_index=False, related_name="raised")
    raised_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("objection raised")
        verbose_name_plural = _("objections raised")
        ordering = ["raised_on", "id"]
        indexes = [
            models.Index(fields=["tenant", "customer"], name="activities_custobj_cust_idx"),
            models.Index(fields=["tenant", "objection"], name="activities_custobj_obj_idx"),
        ]


class CustomerPolicy(models.Model):
    """The tenant's customer rules: tier thresholds, the household budget, the churn warning (one row a tenant)."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="customer_policy")
    # A: contact within this many months and annual premium above the amount.
    tier_a_months = models.PositiveSmallIntegerField(_("A: contact within months"), default=3)
    tier_a_premium = models.DecimalField(
        _("A: annual premium above"), max_digits=14, decimal_places=2, default=Decimal("50000.00")
    )
    # B: contact within this many months and no policy.
    tier_b_months = models.PositiveSmallIntegerField(_("B: contact within months"), default=6)
    # C: a policy older than this many months.
    tier_c_policy_months = models.PositiveSmallIntegerField(_("C: policy older than months"), default=12)
    # The household-budget rule: premium of 10–15 % of household income.
    budget_low_percent = models.DecimalField(
        _("budget from % of income"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    budget_high_percent = models.DecimalField(
        _("budget to % of income"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    # Churn warning: this many quotes or more and no policy.
    churn_quotes = models.PositiveSmallIntegerField(_("churn warning from quotes"), default=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("customer rules")
        verbose_name_plural = _("customer rules")

    def __str__(self):
        return f"{self.tenant}"


class PersonalDataExport(TenantOwnedModel):
    """Who exported personal data, when, what and how many rows (every export, kept)."""

    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, db_index=False, related_name="+")
    what = models.CharField(_("export"), max_length=100)
    rows = models.PositiveIntegerField(_("rows"))
    masked = models.BooleanField(_("masked"), default=False)
    exported_at = models.DateTimeField(_("exported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        ordering = ["-exported_at", "-id"]
        indexes = [models.Index(fields=["tenant", "exported_at"], name="activities_pdexport_at_idx")]

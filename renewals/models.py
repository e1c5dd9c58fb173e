"""Renewal cases and their follow-ups, the advisors' skills and capacity, service tickets (seed 003).

A case is one expiring policy to renew. It moves pending → contacted →
quoted → renewed, or to lost (with a reason from the tenant's list) from
any open status; ``renewals.pipeline`` holds those rules. ``last_follow_up_at``
and ``assigned_at`` are kept on the case so that the work queue and the
48-hour check read one table.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesops.org.models import Member, TenantCodeModel, TenantOwnedModel


class RenewalPolicy(TenantOwnedModel):
    """The tenant's renewal rules: capacity, the follow-up window, SLAs, staffing ratios.

    One row per tenant, created with its defaults the first time it is read
    (``renewals.selectors.policy_for``). The defaults are seed 003's figures.
    """

    default_capacity = models.PositiveIntegerField(
        _("advisor capacity (open cases)"),
        default=1500,
        validators=[MinValueValidator(1)],
        help_text=_("Open cases an advisor may hold unless their own capacity says otherwise."),
    )
    follow_up_hours = models.PositiveSmallIntegerField(
        _("follow-up window (hours)"),
        default=48,
        validators=[MinValueValidator(1)],
        help_text=_("An assigned open case without a follow-up for this long raises an alert to the team lead."),
    )
    churn_quotes = models.PositiveSmallIntegerField(
        _("quotes before churn risk"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("An open case quoted this many times without renewing is on the churn-risk list."),
    )
    sla_normal_minutes = models.PositiveIntegerField(
        _("response SLA, normal (minutes)"), default=120, validators=[MinValueValidator(1)]
    )
    sla_urgent_minutes = models.PositiveIntegerField(
        _("response SLA, urgent (minutes)"), default=60, validators=[MinValueValidator(1)]
    )
    sla_major_minutes = models.PositiveIntegerField(
        _("response SLA, major (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    callback_hours = models.PositiveSmallIntegerField(
        _("satisfaction call-back within (hours)"), default=24, validators=[MinValueValidator(1)]
    )
    cases_per_advisor = models.PositiveIntegerField(
        _("pending renewals per advisor"), default=1500, validators=[MinValueValidator(1)]
    )
    advisors_per_coordinator = models.PositiveSmallIntegerField(
        _("advisors per coordinator"), default=5, validators=[MinValueValidator(1)]
    )
    staff_per_support = models.PositiveSmallIntegerField(
        _("staff per data or training role"), default=20, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("renewal policy")
        verbose_name_plural = _("renewal policies")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="renewals_policy_tenant_uniq")]


class StaffProfile(TenantOwnedModel):
    """A renewal team member's position, A-group skill and own capacity.

    A renewal advisor without a profile is an advisor for group B only with
    the tenant's default capacity.
    """

    class Position(models.TextChoices):
        ADVISOR = "advisor", _("Renewal advisor")
        COORDINATOR = "coordinator", _("Coordinator")
        ANALYST = "analyst", _("Data analyst")
        TRAINER = "trainer", _("Trainer")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, db_index=False, related_name="renewal_profiles", verbose_name=_("member")
    )
    position = models.CharField(_("position"), max_length=12, choices=Position.choices, default=Position.ADVISOR)
    serves_group_a = models.BooleanField(
        _("serves group A"), default=False, help_text=_("Group A (high net worth) cases go only to these advisors.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity (open cases)"),
        null=True,
        blank=True,
        help_text=_("Empty: the tenant's default capacity."),
    )

    class Meta:
        verbose_name = _("renewal staff profile")
        verbose_name_plural = _("renewal staff profiles")
        constraints = [models.UniqueConstraint(fields=["tenant", "member"], name="renewals_profile_member_uniq")]


class LostReason(TenantCodeModel):
    """Why a renewal was lost (price, competitor, …): the tenant's list."""

    class Meta(TenantCodeModel.Meta):
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")


class RenewalCase(TenantOwnedModel):
    """One expiring policy to renew."""

    class ProductType(models.TextChoices):
        AUTO = "auto", _("Auto")
        HEALTH = "health", _("Health")
        LIFE = "life", _("Life")
        ACCIDENT = "accident", _("Accident")
        PROPERTY = "property", _("Property")
        OTHER = "other", _("Other")

    class Group(models.TextChoices):
        A = "A", _("A (high net worth)")
        B = "B", _("B (standard)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONTACTED = "contacted", _("Contacted")
        QUOTED = "quoted", _("Quoted")
        RENEWED = "renewed", _("Renewed")
        LOST = "lost", _("Lost")

    policy_no = models.CharField(_("policy number"), max_length=40)
    customer = models.CharField(_("customer"), max_length=100)
    product_type = models.CharField(_("product type"), max_length=10, choices=ProductType.choices)
    premium = models.DecimalField(_("premium"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("due on"))
    group = models.CharField(_("customer group"), max_length=1, choices=Group.choices, default=Group.B)
    advisor = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="renewal_cases",
        verbose_name=_("advisor"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    renewed_premium = models.DecimalField(_("renewed premium"), max_digits=14, decimal_places=2, null=True, blank=True)
    lost_reason = models.ForeignKey(
        LostReason, on_delete=models.PROTECT, null=True, blank=True, db_index=False, verbose_name=_("lost reason")
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    first_follow_up_at = models.DateTimeField(_("first follow-up at"), null=True, blank=True)
    last_follow_up_at = models.DateTimeField(_("last follow-up at"), null=True, blank=True)
    quotes = models.PositiveSmallIntegerField(_("quotes"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("renewal case")
        verbose_name_plural = _("renewal cases")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "policy_no"], name="renewals_case_policy_uniq"),
            models.CheckConstraint(
                condition=~models.Q(status="renewed") | models.Q(renewed_premium__isnull=False),
                name="renewals_case_renewed_has_premium",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="lost") | models.Q(lost_reason__isnull=False),
                name="renewals_case_lost_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "advisor", "status"], name="renewals_case_advisor_idx"),
            models.Index(fields=["tenant", "status", "due_on"], name="renewals_case_status_due_idx"),
        ]

    def __str__(self):
        return f"{self.policy_no} {self.customer}"


OPEN_STATUSES = (RenewalCase.Status.PENDING, RenewalCase.Status.CONTACTED, RenewalCase.Status.QUOTED)


class FollowUp(TenantOwnedModel):
    """One contact with the customer of a case: how, what came of it, what is next."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        WECHAT = "wechat", _("WeChat")
        SMS = "sms", _("SMS")
        VISIT = "visit", _("Visit")
        EMAIL = "email", _("E-mail")

    class Outcome(models.TextChoices):
        NO_ANSWER = "no_answer", _("No answer")
        CONTACTED = "contacted", _("Reached the customer")
        QUOTED = "quoted", _("Quoted")
        RENEWED = "renewed", _("Renewed")
        LOST = "lost", _("Lost")

    case = models.ForeignKey(
        RenewalCase, on_delete=models.CASCADE, db_index=False, related_name="follow_ups", verbose_name=_("case")
    )
    author = models.ForeignKey(
        Member, on_delete=models.PROTECT, db_index=False, related_name="+", verbose_name=_("recorded by")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    next_action_on = models.DateField(_("next action on"), null=True, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["tenant", "case", "at"], name="renewals_follow_up_case_idx")]


class ServiceTicket(TenantOwnedModel):
    """A complaint or request, graded by severity, answered within its SLA, closed after a call-back."""

    class Severity(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")
        MAJOR = "major", _("Major")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESPONDED = "responded", _("Responded")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    case = models.ForeignKey(
        RenewalCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="tickets",
        verbose_name=_("case"),
    )
    customer = models.CharField(_("customer"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        Member, on_delete=models.PROTECT, db_index=False, related_name="renewal_tickets", verbose_name=_("owner")
    )
    opened_at = models.DateTimeField(_("opened at"))
    respond_by = models.DateTimeField(_("respond by"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    callback_at = models.DateTimeField(_("call-back at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service ticket")
        verbose_name_plural = _("service tickets")
        indexes = [
            models.Index(fields=["tenant", "status", "respond_by"], name="renewals_ticket_status_idx"),
            models.Index(fields=["tenant", "owner"], name="renewals_ticket_owner_idx"),
        ]

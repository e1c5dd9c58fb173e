"""Banks, their branches (网点) and the work of the bank channel with them (seed 004).

- A branch has a profile (网点档案表), a lifecycle stage whose every change
  is kept (``BranchStageChange``), and the bank-channel staff member who
  looks after it (``assigned_to``; bank staff see only their branches).
- Its roster (``BranchStaff``) keeps everyone who has worked there: a
  person who leaves gets ``left_on`` and stays in the history, because
  branch people move often and the contacts logged with them must stay
  readable.
- Contacts with the roster (``BranchContact``) are measured against the
  tenant's frequency standards (``BancassurancePolicy``); events
  (``BranchEvent``) are the 微沙龙, 答谢会 and 私董会 held at a branch; a
  weekly plan (``WeeklyPlan``) is the PDCA loop of one staff member's week.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from salesops.org.models import Member, TenantCodeModel, TenantOwnedModel


class Bank(TenantCodeModel):
    """A partner bank (工商银行 …), named by a code such as ``ICBC``."""

    class Meta(TenantCodeModel.Meta):
        verbose_name = _("bank")
        verbose_name_plural = _("banks")


class Stage(models.TextChoices):
    """A branch's lifecycle stage (seed 004: 起步期, 成长期, 成熟期, 调整期, 低迷期)."""

    START_UP = "start_up", _("Start-up")
    GROWTH = "growth", _("Growth")
    MATURE = "mature", _("Mature")
    ADJUSTMENT = "adjustment", _("Adjustment")
    SLUMP = "slump", _("Slump")


class BankBranch(TenantCodeModel):
    """One bank branch (网点); imports name it by its code (``ICBC-310100``)."""

    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, db_index=False, related_name="branches", verbose_name=_("bank")
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.START_UP)
    # The bank-channel staff member who looks after the branch.
    assigned_to = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="bank_branches",
        verbose_name=_("assigned to"),
    )
    # 网点档案表: the keys of ``bancassurance.profile.PROFILE_FIELDS``, each a text.
    profile = models.JSONField(_("profile"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantCodeModel.Meta):
        verbose_name = _("bank branch")
        verbose_name_plural = _("bank branches")
        indexes = [
            models.Index(fields=["tenant", "bank"], name="banc_branch_tenant_bank_idx"),
            models.Index(fields=["tenant", "assigned_to"], name="banc_branch_assigned_idx"),
        ]


class BranchStageChange(TenantOwnedModel):
    """One step of a branch's stage history: the stage it entered, when, and who said so."""

    branch = models.ForeignKey(BankBranch, on_delete=models.CASCADE, db_index=False, related_name="stage_changes")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    changed_on = models.DateField(_("since"))
    changed_by = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, db_index=False, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "id"]
        indexes = [models.Index(fields=["tenant", "branch", "changed_on"], name="banc_stage_branch_idx")]


class StaffRole(models.TextChoices):
    HEAD = "head", _("Branch head")
    WEALTH_MANAGER = "wealth_manager", _("Wealth manager")
    TELLER = "teller", _("Teller")


class BranchStaff(TenantOwnedModel):
    """A person on a branch's roster; ``left_on`` ends their time there and keeps them in the history."""

    branch = models.ForeignKey(BankBranch, on_delete=models.CASCADE, db_index=False, related_name="staff")
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)
    phone = models.CharField(_("contact"), max_length=40, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "joined_on", "id"]
        verbose_name = _("branch staff member")
        verbose_name_plural = _("branch staff")
        indexes = [models.Index(fields=["tenant", "branch", "role"], name="banc_staff_branch_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")), name="banc_staff_left_after_join"
            )
        ]

    def __str__(self):
        return self.name


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone")
    MESSAGE = "message", _("Message")
    COACHING = "coaching", _("Coaching")


class BranchContact(TenantOwnedModel):
    """One contact with a person on a branch's roster, and the openings (开口量) they reported."""

    branch = models.ForeignKey(BankBranch, on_delete=models.CASCADE, db_index=False, related_name="contacts")
    staff = models.ForeignKey(BranchStaff, on_delete=models.PROTECT, db_index=False, related_name="contacts")
    contacted_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    # Customers the branch person recommended insurance to since the last contact (开口量).
    openings = models.PositiveIntegerField(_("openings"), default=0)
    notes = models.CharField(_("notes"), max_length=1000, blank=True)
    contacted_by = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, db_index=False, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        indexes = [
            models.Index(fields=["tenant", "branch", "contacted_on"], name="banc_contact_branch_day_idx"),
            models.Index(fields=["tenant", "contacted_on"], name="banc_contact_day_idx"),
        ]


class EventKind(models.TextChoices):
    MORNING_MEETING = "morning_meeting", _("Morning meeting")
    MICRO_SALON = "micro_salon", _("Micro-salon")
    CUSTOMER_APPRECIATION = "customer_appreciation", _("Customer appreciation")
    PRIVATE_BOARD = "private_board", _("Private-board meeting")
    PROJECT_OPERATION = "project_operation", _("Project operation")


class CustomerTier(models.TextChoices):
    """Seed 004's customer tiers by assets."""

    MASS = "mass", _("Under 1 million")
    AFFLUENT = "affluent", _("1 to 5 million")
    HIGH_NET_WORTH = "high_net_worth", _("5 million and over")


class BranchEvent(TenantOwnedModel):
    """An event held at a branch, with who came and what came of it."""

    branch = models.ForeignKey(BankBranch, on_delete=models.CASCADE, db_index=False, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    held_on = models.DateField(_("date"))
    customer_tier = models.CharField(_("customer tier"), max_length=16, choices=CustomerTier.choices)
    attendees = models.PositiveIntegerField(_("attendees"))
    leads = models.PositiveIntegerField(_("leads"))
    policies = models.PositiveIntegerField(_("policies"))
    notes = models.CharField(_("notes"), max_length=1000, blank=True)
    organised_by = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, db_index=False, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["tenant", "branch", "held_on"], name="banc_event_branch_day_idx"),
            models.Index(fields=["tenant", "held_on"], name="banc_event_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(leads__lte=F("attendees")), name="banc_event_leads_le_attendees")
        ]


class WeeklyPlan(TenantOwnedModel):
    """One staff member's week as a PDCA loop: the plan, what was done (counted), the check and the act."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, db_index=False, related_name="+")
    week_start = models.DateField(_("week of"))  # a Monday
    contacts_planned = models.PositiveIntegerField(_("contacts planned"))
    events_planned = models.PositiveIntegerField(_("events planned"))
    policies_planned = models.PositiveIntegerField(_("policies planned"))
    plan_notes = models.CharField(_("plan"), max_length=1000, blank=True)
    check_notes = models.CharField(_("check"), max_length=1000, blank=True)
    act_notes = models.CharField(_("act"), max_length=1000, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "member", "week_start"], name="banc_plan_member_week_uniq")
        ]


class BancassurancePolicy(TenantOwnedModel):
    """The tenant's bank-channel standards; one row per tenant, seed 004's figures by default."""

    head_contacts_per_week = models.PositiveSmallIntegerField(
        _("branch head: contacts a week (at least)"), default=1, validators=[MinValueValidator(1)]
    )
    wealth_manager_days_per_week = models.PositiveSmallIntegerField(
        _("wealth manager: days with a contact a week"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text=_("Seed 004: at least once a day, counted on the working days Monday to Friday."),
    )
    teller_contacts_per_week = models.PositiveSmallIntegerField(
        _("teller: contacts a week (at least)"), default=1, validators=[MinValueValidator(1)]
    )
    activity_target_1 = models.PositiveSmallIntegerField(
        _("activity rate, first target (%)"), default=30, validators=[MaxValueValidator(100)]
    )
    activity_target_2 = models.PositiveSmallIntegerField(
        _("activity rate, second target (%)"), default=60, validators=[MaxValueValidator(100)]
    )
    activity_target_3 = models.PositiveSmallIntegerField(
        _("activity rate, third target (%)"), default=100, validators=[MaxValueValidator(100)]
    )
    single_per_regular_target = models.DecimalField(
        _("single premium per yuan of regular premium, at most"),
        max_digits=5,
        decimal_places=2,
        default=2,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="banc_policy_tenant_uniq"),
            models.CheckConstraint(
                condition=Q(activity_target_1__lte=F("activity_target_2"))
                & Q(activity_target_2__lte=F("activity_target_3")),
                name="banc_policy_targets_rise",
            ),
        ]

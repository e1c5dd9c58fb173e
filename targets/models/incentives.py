"""Judging results against targets: scorecards, bonuses, contests, unit evaluation, improvement plans.

DESIGN.md "Scorecards, incentives, contests" (seeds 000–003). Scores are
computed from the facts whenever they are read (``targets/scorecards``);
what is stored here is what people decided or what must not change once
given: the tenant's weights, a calibration and its reason, an
acknowledgement, an entered satisfaction score, a bonus run paid to payroll,
a contest's frozen standings, a published unit evaluation, an improvement
plan. A period is named by its key, ``2026-11`` (a month) or ``2026-Q4``.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesops.org.models import Member, OrgUnit, TenantOwnedModel

PERIOD_KEY_LENGTH = 7  # "2026-11" or "2026-Q4"


def default_bonus_tiers() -> list[dict[str, str]]:
    """Seed 003: a bonus rate from full attainment, and at 110 % of target the rate rises by 5 points."""
    return [{"from": "1.00", "rate": "0.10"}, {"from": "1.10", "rate": "0.15"}]


class Measure(models.TextChoices):
    """What a scorecard is built from: figures the product already has (DESIGN.md "Scorecards")."""

    PREMIUM_ATTAINMENT = "premium_attainment", _("Premium attainment")
    POLICY_ATTAINMENT = "policy_attainment", _("Policy attainment")
    TEAM_ATTAINMENT = "team_attainment", _("Team premium attainment")
    ACTIVITY_COMPLIANCE = "activity_compliance", _("Activity compliance")
    DUTY_COMPLETION = "duty_completion", _("111 duty completion")
    RENEWAL_RATE = "renewal_rate", _("Renewal rate")
    FOLLOW_UP_COMPLETION = "follow_up_completion", _("Follow-up completion")
    SLA_COMPLIANCE = "sla_compliance", _("SLA compliance")
    SATISFACTION = "satisfaction", _("Customer satisfaction")


class IncentivePolicy(TenantOwnedModel):
    """The tenant's incentive rules: bonus tiers and when a member gets an improvement plan."""

    # [{"from": "1.10", "rate": "0.15"}, ...]: from this attainment on, the
    # bonus is premium × rate (the highest tier reached); decimal strings.
    bonus_tiers = models.JSONField(_("bonus tiers"), default=default_bonus_tiers)
    improvement_floor = models.DecimalField(
        _("improvement plan below score"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    improvement_months = models.PositiveSmallIntegerField(
        _("months in a row below it"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("incentive policy")
        verbose_name_plural = _("incentive policies")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="targets_incentive_policy_tenant_uniq")]


class ScorecardDefinition(TenantOwnedModel):
    """A role's scorecard: its measures and their weights, summing to 100 (the seed's when not stored)."""

    role = models.CharField(_("role"), max_length=20, choices=Member.Role.choices)
    # {"premium_attainment": 50, "activity_compliance": 30, "satisfaction": 20}
    weights = models.JSONField(_("weights"), default=dict)
    updated_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [models.UniqueConstraint(fields=["tenant", "role"], name="targets_scorecard_role_uniq")]


class MemberPeriodModel(TenantOwnedModel):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, db_index=False, related_name="+")
    period = models.CharField(_("period"), max_length=PERIOD_KEY_LENGTH)

    class Meta:
        abstract = True


class SatisfactionScore(MemberPeriodModel):
    """A satisfaction score (0–100) entered for a member and period; call-back results are used without one."""

    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    entered_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("satisfaction score")
        verbose_name_plural = _("satisfaction scores")
        constraints = [models.UniqueConstraint(fields=["tenant", "member", "period"], name="targets_satisfaction_uniq")]


class ScoreCalibration(MemberPeriodModel):
    """A manager's adjustment of a final score, with its reason; the latest one is the final score."""

    original_score = models.DecimalField(_("computed score"), max_digits=5, decimal_places=2)
    score = models.DecimalField(
        _("calibrated score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    reason = models.TextField(_("reason"))
    calibrated_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    calibrated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("score calibration")
        verbose_name_plural = _("score calibrations")
        ordering = ["-calibrated_at", "-id"]
        indexes = [models.Index(fields=["tenant", "period", "member"], name="targets_calibration_idx")]


class ScoreAcknowledgement(MemberPeriodModel):
    """The member saw their final scorecard of a period, and which score it showed."""

    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    acknowledged_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score acknowledgement")
        verbose_name_plural = _("score acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "member", "period"], name="targets_acknowledgement_uniq")
        ]


class BonusRun(TenantOwnedModel):
    """A period's bonuses as handed to payroll: written once, exported again as they were."""

    period = models.CharField(_("period"), max_length=PERIOD_KEY_LENGTH)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bonus run")
        verbose_name_plural = _("bonus runs")
        ordering = ["-starts_on"]
        constraints = [models.UniqueConstraint(fields=["tenant", "period"], name="targets_bonus_run_uniq")]


class BonusLine(MemberPeriodModel):
    """One member's bonus in a run; a member is paid once for a period (the unique key says so)."""

    run = models.ForeignKey(BonusRun, on_delete=models.PROTECT, db_index=False, related_name="lines")
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    premium = models.DecimalField(_("premium"), max_digits=16, decimal_places=2)
    attainment = models.DecimalField(_("attainment"), max_digits=8, decimal_places=4, null=True)
    rate = models.DecimalField(_("rate"), max_digits=6, decimal_places=4)
    amount = models.DecimalField(_("bonus"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("bonus line")
        verbose_name_plural = _("bonus lines")
        constraints = [models.UniqueConstraint(fields=["tenant", "member", "period"], name="targets_bonus_line_uniq")]
        indexes = [models.Index(fields=["tenant", "run"], name="targets_bonus_line_run_idx")]


class Contest(TenantOwnedModel):
    """A contest (first-policy award, weekly champion, quarterly champion, points): a period, a measure, a rule."""

    class ContestMeasure(models.TextChoices):
        POLICIES = "policies", _("Policies")
        PREMIUM = "premium", _("Premium")
        ACTIVITY_POINTS = "activity_points", _("Activity points")
        FIRST_POLICY = "first_policy", _("First policy (new agents)")

    class Rule(models.TextChoices):
        TOP = "top", _("Top places win")
        THRESHOLD = "threshold", _("Everyone reaching the threshold wins")

    name = models.CharField(_("name"), max_length=100)
    measure = models.CharField(_("measure"), max_length=20, choices=ContestMeasure.choices)
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices, default=Rule.TOP)
    top_n = models.PositiveSmallIntegerField(_("winning places"), default=1, validators=[MinValueValidator(1)])
    threshold = models.DecimalField(_("threshold"), max_digits=16, decimal_places=2, null=True, blank=True)
    # The participants: the agents of this unit's subtree; the whole tenant without one.
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, db_index=False, related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    prize = models.CharField(_("prize"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the standings were frozen, the day after the contest ended.
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-starts_on", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="targets_contest_dates"),
        ]
        indexes = [models.Index(fields=["tenant", "ends_on"], name="targets_contest_end_idx")]

    def __str__(self):
        return self.name


class ContestStanding(TenantOwnedModel):
    """A frozen place in an ended contest."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, db_index=False, related_name="standings")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, db_index=False, related_name="+")
    rank = models.PositiveIntegerField(_("rank"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    winner = models.BooleanField(_("winner"), default=False)

    class Meta:
        verbose_name = _("contest standing")
        verbose_name_plural = _("contest standings")
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "contest", "member"], name="targets_contest_standing_uniq")
        ]


class UnitEvaluation(TenantOwnedModel):
    """A month's unit evaluation as published to the tenant (seed 002: 每月对各职场及营业单位…考评)."""

    month = models.DateField(_("month"))  # its first day
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )

    class Meta:
        verbose_name = _("unit evaluation")
        verbose_name_plural = _("unit evaluations")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["tenant", "month"], name="targets_unit_evaluation_uniq")]


class UnitEvaluationRow(TenantOwnedModel):
    """One unit's figures and rank in a published evaluation, as they were when it was published."""

    evaluation = models.ForeignKey(UnitEvaluation, on_delete=models.CASCADE, db_index=False, related_name="rows")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, db_index=False, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=OrgUnit.Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    agents = models.PositiveIntegerField(_("agents"))
    producers = models.PositiveIntegerField(_("producers"))
    policies = models.PositiveIntegerField(_("policies"))
    activity = models.PositiveIntegerField(_("activity"))
    activity_per_agent = models.DecimalField(max_digits=12, decimal_places=4, null=True)
    active_producer_rate = models.DecimalField(max_digits=6, decimal_places=4, null=True)
    policies_per_agent = models.DecimalField(max_digits=12, decimal_places=4, null=True)
    rank = models.PositiveIntegerField(_("rank"))

    class Meta:
        verbose_name = _("unit evaluation row")
        verbose_name_plural = _("unit evaluation rows")
        ordering = ["kind", "rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "evaluation", "unit"], name="targets_unit_evaluation_row_uniq")
        ]


class ImprovementPlan(TenantOwnedModel):
    """A member below the tenant's score for months in a row: goals, coaching, weekly check-ins, an outcome."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IMPROVED = "improved", _("Improved")
        ESCALATED = "escalated", _("Escalated")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, db_index=False, related_name="improvement_plans")
    # Who runs it: the member's supervisor when the plan was opened.
    supervisor = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    opened_on = models.DateField(_("opened on"))
    # The months that put the member on the plan: [{"period": "2026-09", "score": "48.50"}, ...]
    trigger = models.JSONField(_("below the floor in"), default=list)
    goals = models.TextField(_("goals"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        ordering = ["-opened_on", "-id"]
        constraints = [
            # One open plan per member at a time.
            models.UniqueConstraint(
                fields=["tenant", "member"], condition=Q(status="open"), name="targets_improvement_open_uniq"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="targets_improvement_status_idx")]


class ImprovementCheckIn(TenantOwnedModel):
    """A weekly check-in on an improvement plan (one per plan and week, its Monday)."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, db_index=False, related_name="check_ins")
    week = models.DateField(_("week"))
    on_track = models.BooleanField(_("on track"), default=False)
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("improvement check-in")
        verbose_name_plural = _("improvement check-ins")
        ordering = ["-week"]
        constraints = [models.UniqueConstraint(fields=["tenant", "plan", "week"], name="targets_check_in_uniq")]

"""Rollups of the facts (work logs, sale records) up the org tree, their outbox, and alerts.

Rollups are derived data: ``dashboards/rollups/engine.py`` is the only
writer, always from the facts, so any row can be recomputed at any time
(incrementally after a write, nightly by the reconcile, or on demand by
``rebuild_rollups``). DESIGN.md "Rollups and alerts".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salesops.org.models import Member, OrgUnit, TenantOwnedModel


class Scope(models.TextChoices):
    MEMBER = "member", _("Member")
    UNIT = "unit", _("Unit")


class Grain(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class Rollup(TenantOwnedModel):
    """One subject's figures for one day, ISO week (Monday) or month.

    A unit's row covers its whole subtree. Member × day is the grain of the
    facts themselves (one work log per member and day), so it is read from
    the facts and not copied here: member rows are weeks and months, unit
    rows days, weeks and months.
    """

    # subject_id is a member's or a unit's id (``scope`` says which): rollups
    # are rewritten in bulk from the facts, and a foreign key would be
    # checked row by row on every refresh.
    scope = models.CharField(_("scope"), max_length=6, choices=Scope.choices)
    subject_id = models.BigIntegerField(_("subject"))
    grain = models.CharField(_("grain"), max_length=5, choices=Grain.choices)
    period_start = models.DateField(_("period start"))
    phone_appointments = models.PositiveIntegerField(default=0)
    sales_interviews = models.PositiveIntegerField(default=0)
    recruiting_interviews = models.PositiveIntegerField(default=0)
    new_prospects = models.PositiveIntegerField(default=0)
    referrals = models.PositiveIntegerField(default=0)
    # Member-days with a work log.
    logged = models.PositiveIntegerField(default=0)
    policies = models.PositiveIntegerField(default=0)
    premium = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # Agents counted in the subject (hired by the period's end, still active)
    # and how many of them wrote at least one policy in the period (举绩).
    agents = models.PositiveIntegerField(default=0)
    producers = models.PositiveIntegerField(default=0)
    # The period's share of the plan's month targets (premium and policy
    # plans), split by day so that days add up to their month exactly.
    target_premium = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    target_policies = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rollup")
        verbose_name_plural = _("rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "scope", "subject_id", "grain", "period_start"], name="dashboards_rollup_key"
            ),
        ]
        indexes = [
            # Whole levels of one period: the reconcile, the alerts, a manager's table.
            models.Index(fields=["tenant", "grain", "period_start"], name="dashboards_rollup_period_idx"),
        ]


class RollupLine(TenantOwnedModel):
    """A unit's policies and premium by channel × product for one ISO week or month (件数占比)."""

    unit_id = models.BigIntegerField(_("unit"))
    grain = models.CharField(_("grain"), max_length=5, choices=Grain.choices)
    period_start = models.DateField(_("period start"))
    channel_id = models.BigIntegerField(_("channel"))
    product_id = models.BigIntegerField(_("product"))
    policies = models.PositiveIntegerField(default=0)
    premium = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rollup line")
        verbose_name_plural = _("rollup lines")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "unit_id", "grain", "period_start", "channel_id", "product_id"],
                name="dashboards_rollup_line_key",
            ),
        ]


class RollupRequest(TenantOwnedModel):
    """The outbox: a refresh owed, written in the same transaction as the fact it follows.

    ``member`` and ``day`` name a changed member-day; a request without a
    member asks for the whole quarter holding ``day`` (its targets changed).
    The worker deletes the requests it served in the transaction that writes
    the rollups, so a refresh is never lost and never half done.
    """

    member_id = models.BigIntegerField(_("member"), null=True)
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rollup request")
        verbose_name_plural = _("rollup requests")
        indexes = [models.Index(fields=["tenant", "id"], name="dashboards_request_idx")]


class Alert(TenantOwnedModel):
    """A subject falling behind, with its PDCA loop: root cause → action → verify → closed."""

    class Kind(models.TextChoices):
        DEVIATION = "deviation", _("Behind target")
        LOW_ACTIVITY = "low_activity", _("Low activity")
        LOW_PRODUCTION = "low_production", _("No policy")
        # The renewals app raises these (renewals.alerts); the subject is the
        # advisor or ticket owner, ``reference`` the case or ticket.
        FOLLOW_UP_OVERDUE = "follow_up_overdue", _("No follow-up")
        SLA_BREACH = "sla_breach", _("Response SLA breached")
        CALLBACK_OVERDUE = "callback_overdue", _("Call-back overdue")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    class Resolution(models.TextChoices):
        VERIFIED = "verified", _("Closed after verification")
        RECOVERED = "recovered", _("Recovered by itself")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    scope = models.CharField(_("scope"), max_length=6, choices=Scope.choices)
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, db_index=False, related_name="alerts"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, null=True, blank=True, db_index=False, related_name="+")
    # The period the alert is about: the quarter's first day (deviation), the
    # first working day below standard (low activity), the first day without
    # a policy (low production). One open alert per subject, kind and period.
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    # What, of the subject's, the alert is about when it can be several at
    # once: a renewal case (``case:<policy_no>``) or a service ticket (``ticket:<id>``).
    reference = models.CharField(_("reference"), max_length=60, blank=True, default="")
    expected = models.DecimalField(_("expected"), max_digits=16, decimal_places=2, null=True)
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=2, null=True)
    deviation = models.DecimalField(_("deviation"), max_digits=8, decimal_places=4, null=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    root_cause = models.TextField(_("root cause"), blank=True)
    action = models.TextField(_("action"), blank=True)
    verification = models.TextField(_("verification"), blank=True)
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices, blank=True)
    # Who is to act on it: the agent's supervisor, the unit's leader.
    assignee = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="assigned_alerts"
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "member", "unit", "period_start", "reference"],
                condition=~models.Q(status="resolved"),
                name="dashboards_alert_open_uniq",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False, unit__isnull=True)
                | models.Q(member__isnull=True, unit__isnull=False),
                name="dashboards_alert_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "kind"], name="dashboards_alert_status_idx"),
        ]


class AlertNotice(TenantOwnedModel):
    """An alert in someone's inbox; unread until they open it."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, db_index=False, related_name="notices")
    recipient = models.ForeignKey(Member, on_delete=models.CASCADE, db_index=False, related_name="alert_notices")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert notice")
        verbose_name_plural = _("alert notices")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "recipient", "alert"], name="dashboards_notice_uniq"),
        ]

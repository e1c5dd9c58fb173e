"""The agent's daily work log, the activity standards it is measured against, and its edit history.

The five base items (DESIGN.md "Activities", seed 002) are columns of the
log, named as in the glossary. One log per member per day: writing it again
replaces it, and every change is kept in ``DailyLogChange``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salesops.org.models import Member, TenantOwnedModel

# The work log's items, in the order the seed lists them (电话约访, 销售面谈, 增员面谈, 新增准客户, 转介绍).
ITEMS = ("phone_appointments", "sales_interviews", "recruiting_interviews", "new_prospects", "referrals")
ITEM_LABELS = {
    "phone_appointments": _("Phone appointments"),
    "sales_interviews": _("Sales interviews"),
    "recruiting_interviews": _("Recruiting interviews"),
    "new_prospects": _("New prospects"),
    "referrals": _("Referrals"),
}


class ActivityStandard(TenantOwnedModel):
    """A tier's daily standard from ``effective_from`` on; a later row replaces it from its own date.

    ``None`` means the item has no standard (referrals in 5311).
    """

    tier = models.CharField(_("tier"), max_length=10, choices=Member.Tier.choices)
    effective_from = models.DateField(_("effective from"))
    phone_appointments = models.PositiveSmallIntegerField(ITEM_LABELS["phone_appointments"], null=True, blank=True)
    sales_interviews = models.PositiveSmallIntegerField(ITEM_LABELS["sales_interviews"], null=True, blank=True)
    recruiting_interviews = models.PositiveSmallIntegerField(
        ITEM_LABELS["recruiting_interviews"], null=True, blank=True
    )
    new_prospects = models.PositiveSmallIntegerField(ITEM_LABELS["new_prospects"], null=True, blank=True)
    referrals = models.PositiveSmallIntegerField(ITEM_LABELS["referrals"], null=True, blank=True)
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity standard")
        verbose_name_plural = _("activity standards")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "tier", "effective_from"], name="activities_standard_uniq"),
        ]


class DailyLog(TenantOwnedModel):
    """One member's work log for one day (工作日志)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, db_index=False, related_name="daily_logs")
    date = models.DateField(_("date"))
    phone_appointments = models.PositiveIntegerField(ITEM_LABELS["phone_appointments"], default=0)
    sales_interviews = models.PositiveIntegerField(ITEM_LABELS["sales_interviews"], default=0)
    recruiting_interviews = models.PositiveIntegerField(ITEM_LABELS["recruiting_interviews"], default=0)
    new_prospects = models.PositiveIntegerField(ITEM_LABELS["new_prospects"], default=0)
    referrals = models.PositiveIntegerField(ITEM_LABELS["referrals"], default=0)
    # Set when a supervisor's spot-check could not verify a visit: the log is to be reviewed.
    flagged = models.BooleanField(_("flagged"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        constraints = [
            # One log per member per day, also under concurrent writes (the upsert relies on it).
            models.UniqueConstraint(fields=["tenant", "member", "date"], name="activities_log_member_day_uniq"),
        ]
        indexes = [models.Index(fields=["tenant", "date"], name="activities_log_day_idx")]


class Visit(TenantOwnedModel):
    """A customer visited on the log's day, for the supervisor's spot-check."""

    class Kind(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        CUSTOMER = "customer", _("Existing customer")
        REFERRAL = "referral", _("Referral")

    log = models.ForeignKey(DailyLog, on_delete=models.CASCADE, db_index=False, related_name="visits")
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The book entry visited (a visit picks a customer of the agent's book, or creates one).
    customer = models.ForeignKey(
        "activities.Customer", on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="visits"
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["id"]
        indexes = [models.Index(fields=["tenant", "log"], name="activities_visit_log_idx")]


class DailyLogChange(TenantOwnedModel):
    """The edit history of a log: who changed it, when, why (a supervisor's correction), old → new."""

    log = models.ForeignKey(DailyLog, on_delete=models.CASCADE, db_index=False, related_name="changes")
    changed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Snapshots of the five counts and the visits, before (None for a new log) and after.
    old = models.JSONField(_("old"), null=True, blank=True)
    new = models.JSONField(_("new"))

    class Meta:
        verbose_name = _("work log change")
        verbose_name_plural = _("work log changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["tenant", "log", "changed_at"], name="activities_logchange_idx")]


class Duty(TenantOwnedModel):
    """A supervisor's "111" duty done for one report on one day (DESIGN.md "Activities").

    Each day: a tracking call to every direct report, one coaching session
    (陪访 / 辅导) and one spot-check call-back to a customer a report visited
    yesterday. A spot-check names the visit and records its outcome; "not
    verified" flags the visit's log for review.
    """

    class Kind(models.TextChoices):
        TRACKING_CALL = "tracking_call", _("Tracking call")
        COACHING = "coaching", _("Coaching")
        SPOT_CHECK = "spot_check", _("Spot-check call-back")

    class Outcome(models.TextChoices):
        DONE = "done", _("Done")
        VERIFIED = "verified", _("Verified")
        NOT_VERIFIED = "not_verified", _("Not verified")
        UNREACHABLE = "unreachable", _("Unreachable")

    supervisor = models.ForeignKey(Member, on_delete=models.CASCADE, db_index=False, related_name="duties_done")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, db_index=False, related_name="duties_received")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.DONE)
    notes = models.CharField(_("notes"), max_length=1000, blank=True)
    # The visit a spot-check called back (spot-checks only).
    visit = models.ForeignKey(Visit, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["-date", "id"]
        constraints = [
            # One duty of a kind per supervisor, report and day: recording it again replaces it.
            models.UniqueConstraint(
                fields=["tenant", "supervisor", "member", "kind", "date"], name="activities_duty_uniq"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "supervisor", "date"], name="activities_duty_sup_day_idx")]


class ActivityPoints(TenantOwnedModel):
    """Points per work-log item for the hero board (英雄榜); tenant-set, one row per tenant."""

    phone_appointments = models.PositiveSmallIntegerField(ITEM_LABELS["phone_appointments"], default=1)
    sales_interviews = models.PositiveSmallIntegerField(ITEM_LABELS["sales_interviews"], default=3)
    recruiting_interviews = models.PositiveSmallIntegerField(ITEM_LABELS["recruiting_interviews"], default=3)
    new_prospects = models.PositiveSmallIntegerField(ITEM_LABELS["new_prospects"], default=2)
    referrals = models.PositiveSmallIntegerField(ITEM_LABELS["referrals"], default=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity points")
        verbose_name_plural = _("activity points")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="activities_points_tenant_uniq")]

"""Alerts: raised and auto-resolved by ``evaluate_alerts``, moved through PDCA by ``alert_update``.

Three kinds (DESIGN.md "Rollups and alerts"):

- **deviation**: an agent's or a unit's quarter-to-date actual is more than
  the tenant's threshold (default 15%) behind expected-to-date; expected is
  the plan's month targets pro rata (targets' own ``expected_to_date``),
  actual comes from the month rollups. Period: the quarter.
- **low activity**: an agent below their tier's standard on the last
  ``low_activity_days`` working days (Monday–Friday) before the day
  evaluated; a working day without a log is below. Period: the run's first
  day, so a run that goes on keeps its one alert.
- **low production**: an agent with no policy for ``low_production_weeks``
  weeks. Period: the first day without one. It is a coaching task on the
  supervisor's 111 list (``coaching_tasks``).

One open alert per subject, kind and period (a partial unique index); an
open alert whose subject recovers is resolved as "recovered". A new alert
lands in the assignee's inbox and, when they have an address, by e-mail.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import ITEMS, DailyLog
from activities.selectors.standards import meets_standard, standard_on, standards_by_tier
from dashboards.models import Alert, AlertNotice, Grain, Rollup, Scope
from salesops.org.models import LEADING_ROLES, Member, OrgUnit, Tenant
from targets.models import Allocation, Plan, SaleRecord
from targets.quarters import quarter_end, quarter_of, quarter_start
from targets.selectors.attainment import deviation_ratio, expected_to_date

log = logging.getLogger(__name__)

# How far back a low-activity run is followed to find where it began.
LOW_ACTIVITY_LOOKBACK_DAYS = 60
OPEN = (Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED)


@dataclass(frozen=True)
class Finding:
    """A subject found behind: what an alert says about it."""

    kind: str
    member_id: int | None
    unit_id: int | None
    period_start: date
    period_end: date
    expected: Decimal | None = None
    actual: Decimal | None = None
    deviation: Decimal | None = None
    reference: str = ""
    # Who acts on it when the rule names someone (a renewal team lead);
    # otherwise ``_assignees`` finds the supervisor or the unit's leader.
    assignee_id: int | None = None

    @property
    def key(self) -> tuple[str, int | None, int | None, date, str]:
        return (self.kind, self.member_id, self.unit_id, self.period_start, self.reference)


# --- what is behind ------------------------------------------------------------


def _quarter_plan(tenant: Tenant, as_of: date) -> Plan | None:
    """The quarter's premium plan, else its policy plan."""
    year, quarter = quarter_of(as_of)
    plans = {plan.metric: plan for plan in Plan.objects.filter(tenant=tenant, year=year, quarter=quarter)}
    return plans.get(Plan.Metric.PREMIUM) or plans.get(Plan.Metric.POLICIES)


def deviation_findings(*, tenant: Tenant, as_of: date) -> list[Finding]:
    """Agents and units whose actual is more than the threshold behind expected-to-date."""
    plan = _quarter_plan(tenant, as_of)
    if plan is None:
        return []
    threshold = tenant.deviation_threshold
    targets: dict[tuple[int | None, int | None], dict[int, Decimal]] = defaultdict(dict)
    cells = (
        Allocation.objects.filter(tenant=tenant, plan=plan, month__isnull=False)
        .values_list("unit_id", "member_id", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for unit_id, member_id, month, total in cells:
        key = (member_id, None) if member_id else (None, unit_id)
        targets[key][month] = total
    field = "premium" if plan.metric == Plan.Metric.PREMIUM else "policies"
    start = quarter_start(plan.year, plan.quarter)
    actuals: dict[tuple[int | None, int | None], Decimal] = {}
    rows = (
        Rollup.objects.filter(tenant=tenant, grain=Grain.MONTH, period_start__gte=start, period_start__lte=as_of)
        .values_list("scope", "subject_id")
        .annotate(total=Sum(field))
        .order_by()
    )
    for scope, subject_id, total in rows:
        key = (subject_id, None) if scope == Scope.MEMBER else (None, subject_id)
        actuals[key] = Decimal(total or 0)
    findings = []
    for (member_id, unit_id), months in targets.items():
        expected = expected_to_date(months, year=plan.year, as_of=as_of)
        if not expected:
            continue
        actual = actuals.get((member_id, unit_id), Decimal(0))
        deviation = deviation_ratio(actual, expected)
        if deviation is not None and -deviation > threshold:
            findings.append(
                Finding(
                    kind=Alert.Kind.DEVIATION,
                    member_id=member_id,
                    unit_id=unit_id,
                    period_start=start,
                    period_end=quarter_end(plan.year, plan.quarter),
                    expected=expected,
                    actual=actual,
                    deviation=deviation,
                )
            )
    return findings


def working_days_before(as_of: date, count: int) -> list[date]:
    """The ``count`` working days (Monday–Friday) before ``as_of``, oldest first."""
    days: list[date] = []
    day = as_of - timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def low_activity_findings(*, tenant: Tenant, as_of: date) -> list[Finding]:
    """Agents below their standard on each of the last ``low_activity_days`` working days."""
    needed = tenant.low_activity_days
    window = working_days_before(as_of, max(needed, LOW_ACTIVITY_LOOKBACK_DAYS * 5 // 7))
    agents = list(
        Member.objects.filter(tenant=tenant, role=Member.Role.AGENT, active=True).values_list("pk", "tier", "hired_on")
    )
    standards = standards_by_tier(tenant=tenant, until=as_of)
    counts: dict[tuple[int, date], dict[str, int]] = {
        (row["member_id"], row["date"]): {item: row[item] for item in ITEMS}
        for row in DailyLog.objects.filter(tenant=tenant, date__range=(window[0], window[-1])).values(
            "member_id", "date", *ITEMS
        )
    }
    findings = []
    for member_id, tier, hired_on in agents:
        below = [_below(counts.get((member_id, day)), standards[tier], day, hired_on) for day in window]
        if not all(below[-needed:]):
            continue
        run_start = len(window) - needed
        while run_start > 0 and below[run_start - 1]:
            run_start -= 1
        findings.append(
            Finding(
                kind=Alert.Kind.LOW_ACTIVITY,
                member_id=member_id,
                unit_id=None,
                period_start=window[run_start],
                period_end=window[-1],
                # Working days below standard in a row.
                actual=Decimal(len(window) - run_start),
            )
        )
    return findings


def _below(counts: dict[str, int] | None, standards: list, day: date, hired_on: date | None) -> bool:
    """Whether a working day counts against the agent: judged by a standard, and not met."""
    if hired_on and day < hired_on:
        return False
    return meets_standard(counts, standard_on(standards, day)) is False


def low_production_findings(*, tenant: Tenant, as_of: date) -> list[Finding]:
    """Agents with no policy for ``low_production_weeks`` weeks up to ``as_of``."""
    days = 7 * tenant.low_production_weeks
    last_sale = dict(
        SaleRecord.objects.filter(tenant=tenant, sold_on__lte=as_of, policies__gt=0)
        .values_list("member_id")
        .annotate(last=Max("sold_on"))
        .order_by()
    )
    findings = []
    for member_id, hired_on in Member.objects.filter(tenant=tenant, role=Member.Role.AGENT, active=True).values_list(
        "pk", "hired_on"
    ):
        dry_since = last_sale[member_id] + timedelta(days=1) if member_id in last_sale else hired_on
        if dry_since is None or (as_of - dry_since).days + 1 < days:
            continue
        findings.append(
            Finding(
                kind=Alert.Kind.LOW_PRODUCTION,
                member_id=member_id,
                unit_id=None,
                period_start=dry_since,
                period_end=as_of,
                actual=Decimal((as_of - dry_since).days + 1),
            )
        )
    return findings


# --- raising and resolving -----------------------------------------------------


@dataclass
class EvaluationResult:
    raised: int = 0
    updated: int = 0
    recovered: int = 0


def _assignees(tenant: Tenant, findings: list[Finding]) -> dict[tuple, int | None]:
    """Who acts on each finding: an agent's supervisor; a unit's own leader, else its parent's."""
    member_ids = {f.member_id for f in findings if f.member_id}
    supervisors = dict(Member.objects.filter(tenant=tenant, pk__in=member_ids).values_list("pk", "supervisor_id"))
    units = dict(OrgUnit.objects.filter(tenant=tenant).values_list("pk", "parent_id"))
    leaders: dict[int, int] = {}
    for unit_id, member_id in (
        Member.objects.filter(tenant=tenant, role__in=LEADING_ROLES, active=True)
        .exclude(role=Member.Role.TENANT_ADMIN)
        .order_by("-id")
        .values_list("unit_id", "pk")
    ):
        leaders[unit_id] = member_id  # the earliest leader of a unit wins (ordered newest first)

    def unit_leader(unit_id: int | None) -> int | None:
        while unit_id is not None:
            if unit_id in leaders:
                return leaders[unit_id]
            unit_id = units.get(unit_id)
        return None

    def assignee(f: Finding) -> int | None:
        if f.assignee_id is not None:
            return f.assignee_id
        return supervisors.get(f.member_id) if f.member_id else unit_leader(f.unit_id)

    return {f.key: assignee(f) for f in findings}


# The kinds ``evaluate_alerts`` owns; the renewals app syncs its own kinds.
ROLLUP_KINDS = (Alert.Kind.DEVIATION, Alert.Kind.LOW_ACTIVITY, Alert.Kind.LOW_PRODUCTION)


def evaluate_alerts(*, tenant: Tenant, as_of: date) -> EvaluationResult:
    """Raise, update and auto-resolve the tenant's rollup alerts as of ``as_of``; safe to run again."""
    findings = [
        *deviation_findings(tenant=tenant, as_of=as_of),
        *low_activity_findings(tenant=tenant, as_of=as_of),
        *low_production_findings(tenant=tenant, as_of=as_of),
    ]
    return sync_alerts(tenant=tenant, kinds=ROLLUP_KINDS, findings=findings)


@transaction.atomic
def sync_alerts(*, tenant: Tenant, kinds: tuple[str, ...], findings: list[Finding]) -> EvaluationResult:
    """Make the open alerts of ``kinds`` match ``findings``: raise new ones, update, resolve the recovered.

    ``findings`` is everything of those kinds that is behind now; an open
    alert of those kinds without a finding has recovered.
    """
    by_key = {f.key: f for f in findings}
    result = EvaluationResult()
    open_alerts = list(Alert.objects.select_for_update().filter(tenant=tenant, status__in=OPEN, kind__in=kinds))
    now = timezone.now()
    to_update = []
    for alert in open_alerts:
        finding = by_key.pop((alert.kind, alert.member_id, alert.unit_id, alert.period_start, alert.reference), None)
        if finding is None:
            alert.status, alert.resolution, alert.resolved_at = Alert.Status.RESOLVED, Alert.Resolution.RECOVERED, now
            result.recovered += 1
        elif (alert.expected, alert.actual, alert.deviation, alert.period_end) != (
            finding.expected,
            finding.actual,
            finding.deviation,
            finding.period_end,
        ):
            alert.expected, alert.actual, alert.deviation = finding.expected, finding.actual, finding.deviation
            alert.period_end = finding.period_end
            result.updated += 1
        else:
            continue
        alert.updated_at = now
        to_update.append(alert)
    Alert.objects.bulk_update(
        to_update,
        ["status", "resolution", "resolved_at", "expected", "actual", "deviation", "period_end", "updated_at"],
        batch_size=1000,
    )
    new = list(by_key.values())
    assignees = _assignees(tenant, new)
    created = Alert.objects.bulk_create(
        [
            Alert(
                tenant=tenant,
                kind=f.kind,
                scope=Scope.MEMBER if f.member_id else Scope.UNIT,
                member_id=f.member_id,
                unit_id=f.unit_id,
                period_start=f.period_start,
                period_end=f.period_end,
                expected=f.expected,
                actual=f.actual,
                deviation=f.deviation,
                reference=f.reference,
                assignee_id=assignees[f.key],
            )
            for f in new
        ],
        batch_size=1000,
    )
    result.raised = len(created)
    notices = [AlertNotice(tenant=tenant, alert=a, recipient_id=a.assignee_id) for a in created if a.assignee_id]
    AlertNotice.objects.bulk_create(notices, batch_size=1000)
    transaction.on_commit(lambda: _send_mail(tenant, [notice.pk for notice in notices]))
    return result


def _send_mail(tenant: Tenant, notice_ids: list[int]) -> None:
    """E-mail each new notice to its recipient, in the tenant's language, through Django's mail settings."""
    notices = AlertNotice.objects.filter(tenant=tenant, pk__in=notice_ids).select_related(
        "alert__member", "alert__unit", "recipient__user"
    )
    with translation.override(tenant.language):
        messages = [
            (
                _("SalesOps alert: %(kind)s — %(subject)s")
                % {"kind": notice.alert.get_kind_display(), "subject": subject_name(notice.alert)},
                alert_summary(notice.alert),
                settings.DEFAULT_FROM_EMAIL,
                [notice.recipient.user.email],
            )
            for notice in notices
            if notice.recipient.user.email
        ]
    if messages:
        try:
            send_mass_mail(messages, fail_silently=False)
        except OSError:
            log.warning("alerts: e-mail could not be sent; the inbox still has them", exc_info=True)


def subject_name(alert: Alert) -> str:
    return alert.member.display_name if alert.member else alert.unit.name if alert.unit else ""


def reference_label(reference: str) -> str:
    """Return how a reference reads: ``case:P-1`` → ``P-1``, ``ticket:7`` → ``#7``."""
    kind, _sep, value = reference.partition(":")
    return f"#{value}" if kind == "ticket" else value


def alert_summary(alert: Alert) -> str:
    """One sentence on what the alert says, in the active language."""
    if alert.kind == Alert.Kind.DEVIATION:
        return _("%(subject)s is %(behind)s%% behind expected-to-date: %(actual)s of %(expected)s.") % {
            "subject": subject_name(alert),
            "behind": (-(alert.deviation or Decimal(0)) * 100).quantize(Decimal("0.1")),
            "actual": alert.actual,
            "expected": alert.expected,
        }
    if alert.kind == Alert.Kind.LOW_ACTIVITY:
        return _("%(subject)s has been below the activity standard since %(start)s.") % {
            "subject": subject_name(alert),
            "start": alert.period_start,
        }
    if alert.kind == Alert.Kind.FOLLOW_UP_OVERDUE:
        return _("%(subject)s has not followed up renewal %(reference)s since %(start)s.") % {
            "subject": subject_name(alert),
            "reference": reference_label(alert.reference),
            "start": alert.period_start,
        }
    if alert.kind == Alert.Kind.SLA_BREACH:
        return _("Service ticket %(reference)s of %(subject)s was not answered in time (due %(start)s).") % {
            "subject": subject_name(alert),
            "reference": reference_label(alert.reference),
            "start": alert.period_start,
        }
    if alert.kind == Alert.Kind.CALLBACK_OVERDUE:
        return _("Service ticket %(reference)s of %(subject)s still needs its satisfaction call-back.") % {
            "subject": subject_name(alert),
            "reference": reference_label(alert.reference),
        }
    return _("%(subject)s has written no policy since %(start)s: a coaching session is due.") % {
        "subject": subject_name(alert),
        "start": alert.period_start,
    }


# --- the PDCA loop ---------------------------------------------------------------


def require_alert_editor(actor: Member | None) -> None:
    if actor is None or not actor.leads_others:
        raise PermissionDenied(_("Only supervisors, managers and administrators work on alerts."))


PDCA_FIELDS = ("root_cause", "action", "verification")
# The four steps of the loop as the pages name them.
PDCA_LABELS = {
    "root_cause": gettext_lazy("Root cause"),
    "action": gettext_lazy("Action"),
    "verify": gettext_lazy("Verify"),
    "closed": gettext_lazy("Closed"),
}


@transaction.atomic
def alert_update(*, tenant: Tenant, actor: Member | None, alert: Alert, changes: dict) -> Alert:
    """Move ``alert`` through root cause → action → verify → closed.

    ``acknowledged`` needs a root cause; an action needs a root cause;
    ``resolved`` needs all three (closed as verified). A resolved alert is
    closed for good. Errors are per field; nothing is saved with any.
    """
    require_alert_editor(actor)
    alert = Alert.objects.select_for_update().get(tenant=tenant, pk=alert.pk)
    errors: dict[str, list[str]] = {}
    if alert.status == Alert.Status.RESOLVED:
        raise ValidationError({"status": [_("This alert is closed.")]})
    values = {name: getattr(alert, name) for name in PDCA_FIELDS}
    for name in PDCA_FIELDS:
        if name in changes:
            value = changes[name]
            if not isinstance(value, str):
                errors.setdefault(name, []).append(_("Enter text."))
            else:
                values[name] = value.strip()
    status = changes.get("status", alert.status)
    if status not in Alert.Status.values:
        errors.setdefault("status", []).append(_("Unknown status."))
    if values["action"] and not values["root_cause"]:
        errors.setdefault("root_cause", []).append(_("Record the root cause before the action."))
    if values["verification"] and not values["action"]:
        errors.setdefault("action", []).append(_("Record the action before verifying it."))
    if status == Alert.Status.ACKNOWLEDGED and not values["root_cause"]:
        errors.setdefault("root_cause", []).append(_("Acknowledging an alert needs its root cause."))
    if status == Alert.Status.RESOLVED:
        for name in PDCA_FIELDS:
            if not values[name]:
                message = _("Closing an alert needs a root cause, an action and a verification.")
                errors.setdefault(name, []).append(message)
    if status == Alert.Status.OPEN and alert.status == Alert.Status.ACKNOWLEDGED:
        errors.setdefault("status", []).append(_("An acknowledged alert cannot be reopened."))
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(alert, name, value)
    alert.status = status
    if status == Alert.Status.RESOLVED:
        alert.resolution, alert.resolved_at = Alert.Resolution.VERIFIED, timezone.now()
    alert.save()
    return alert


def pdca_step(alert: Alert) -> str:
    """Where the loop stands: root_cause → action → verify → closed."""
    if alert.status == Alert.Status.RESOLVED:
        return "closed"
    if not alert.root_cause:
        return "root_cause"
    if not alert.action:
        return "action"
    return "verify"


def notices_mark_read(*, tenant: Tenant, recipient: Member, alert_ids: list[int] | None = None) -> int:
    """Mark the recipient's unread notices (of ``alert_ids``, or all) read; return how many."""
    notices = AlertNotice.objects.filter(tenant=tenant, recipient=recipient, read_at__isnull=True)
    if alert_ids is not None:
        notices = notices.filter(alert_id__in=alert_ids)
    return notices.update(read_at=timezone.now())

"""Service tickets (complaints): severity SLAs, escalation, the satisfaction call-back (seed 003).

- **Response SLA** by severity, tenant-set (``RenewalPolicy``): normal 2 h,
  urgent 1 h, major 30 min. ``respond_by`` is fixed when the ticket is
  opened; changing the policy later moves no deadline already set.
- **Escalation** (``tickets_escalate``, run by the periodic check): a
  ticket still open past ``respond_by`` is escalated once to the owner's
  supervisor (the team lead); a major one a level higher, to the lead's
  supervisor when there is an active one (seed 003 takes disputes beyond
  the team). The same run raises a *Response SLA breached* alert to them,
  resolved as recovered once the ticket is answered; the late answer still
  counts as a breach in the metrics.
- **Closing** needs the satisfaction call-back (score 1–5). Seed 003 wants
  it within 24 h (tenant-set) of the resolution: a later one is recorded
  and reads as late (``callback_late``, computed from the dates against the
  tenant's current window), and a resolved ticket without one after that
  window raises a *Call-back overdue* alert to the owner's supervisor.

Status: open → responded → resolved → closed, each step dated, none
skipped, no date before the step it follows nor in the future. Who works
on a ticket: its owner, whoever it was escalated to, and those who manage
renewals (``manages_renewals``) in scope.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DurationField, F, Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.models import Alert
from dashboards.selectors.rollups import ratio
from dashboards.services.alerts import EvaluationResult, Finding, sync_alerts
from renewals.models import RenewalCase, RenewalPolicy, ServiceTicket
from renewals.selectors.cases import case_scope_q, manages_renewals, policy_for, require_renewal_reader
from renewals.selectors.tickets import breached_q, ticket_scope_q
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_days, tenant_zone
from salesops.sql import Median
from salesops.tenancy import member_scope_q

Severity = ServiceTicket.Severity
Status = ServiceTicket.Status
KINDS = (Alert.Kind.SLA_BREACH, Alert.Kind.CALLBACK_OVERDUE)
OWNER_ROLES = (Member.Role.RENEWAL_ADVISOR, Member.Role.RENEWAL_LEAD)
SUBJECT_MAX_LENGTH = 200
CUSTOMER_MAX_LENGTH = 100


def sla_minutes(policy: RenewalPolicy, severity: str) -> int:
    return {
        Severity.NORMAL: policy.sla_normal_minutes,
        Severity.URGENT: policy.sla_urgent_minutes,
        Severity.MAJOR: policy.sla_major_minutes,
    }[Severity(severity)]


def is_breached(ticket: ServiceTicket, now: datetime) -> bool:
    """Return whether the ticket missed its SLA: answered after ``respond_by``, or unanswered and past it."""
    return (ticket.responded_at or now) > ticket.respond_by


def callback_late(ticket: ServiceTicket, policy: RenewalPolicy) -> bool:
    """Return whether the call-back came more than the tenant's ``callback_hours`` after the resolution."""
    if ticket.resolved_at is None or ticket.callback_at is None:
        return False
    return ticket.callback_at > ticket.resolved_at + timedelta(hours=policy.callback_hours)


# --- opening -------------------------------------------------------------------


def _owner(tenant: Tenant, actor: Member | None, owner_id: int) -> Member | None:
    """The active renewal advisor or lead ``owner_id`` in the actor's scope; an advisor names only themselves."""
    owners = Member.objects.filter(tenant=tenant, pk=owner_id, role__in=OWNER_ROLES, active=True)
    if actor is not None:
        owners = owners.filter(member_scope_q(actor))
    return owners.first()


@transaction.atomic
def ticket_create(
    *,
    tenant: Tenant,
    actor: Member | None,
    customer: str,
    subject: str,
    severity: str,
    description: str = "",
    owner_id: int | None = None,
    case_id: int | None = None,
    opened_at: datetime | None = None,
) -> ServiceTicket:
    """Open a ticket with its ``respond_by``; the owner is the acting advisor unless someone is named.

    Anyone who reads renewals opens one. ``case_id``, when given, is a case
    in the actor's scope. ``opened_at`` (default now) records a complaint
    received earlier; it cannot be in the future.
    """
    require_renewal_reader(actor)
    customer, subject = (customer or "").strip(), (subject or "").strip()
    errors: dict[str, list[str]] = {}
    if not customer:
        errors["customer"] = [_("This field is required.")]
    elif len(customer) > CUSTOMER_MAX_LENGTH:
        errors["customer"] = [_("A customer name has at most 100 characters.")]
    if not subject:
        errors["subject"] = [_("This field is required.")]
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = [_("A subject has at most 200 characters.")]
    if severity not in Severity.values:
        errors["severity"] = [_("Unknown severity.")]
    if owner_id is None and actor is not None and actor.role == Member.Role.RENEWAL_ADVISOR:
        owner_id = actor.pk
    owner = None
    if owner_id is None:
        errors["owner"] = [_("This field is required.")]
    else:
        owner = _owner(tenant, actor, owner_id)
        if owner is None:
            errors["owner"] = [_("Unknown member.")]
    if case_id is not None and not RenewalCase.objects.filter(case_scope_q(actor), tenant=tenant, pk=case_id).exists():
        errors["case"] = [_("Unknown case.")]
    now = timezone.now()
    opened_at = opened_at or now
    if opened_at > now:
        errors["opened_at"] = [_("A ticket cannot be opened in the future.")]
    if errors:
        raise ValidationError(errors)
    assert owner is not None  # a missing or unknown owner was reported above
    policy = policy_for(tenant)
    return ServiceTicket.objects.create(
        tenant=tenant,
        case_id=case_id,
        customer=customer,
        subject=subject,
        description=(description or "").strip(),
        severity=severity,
        owner=owner,
        opened_at=opened_at,
        respond_by=opened_at + timedelta(minutes=sla_minutes(policy, severity)),
    )


# --- the steps -------------------------------------------------------------------

# Each action: the status it starts from, the status it leads to, the date
# of the step it follows (its own date may not be earlier) and what that
# error says.
STEPS: dict[str, tuple[str, str, str, Promise]] = {
    "respond": (Status.OPEN, Status.RESPONDED, "opened_at", gettext_lazy("The response cannot be before the opening.")),
    "resolve": (
        Status.RESPONDED,
        Status.RESOLVED,
        "responded_at",
        gettext_lazy("The resolution cannot be before the response."),
    ),
    "callback": (
        Status.RESOLVED,
        Status.RESOLVED,
        "resolved_at",
        gettext_lazy("The call-back cannot be before the resolution."),
    ),
    "close": (Status.RESOLVED, Status.CLOSED, "callback_at", gettext_lazy("Closing cannot be before the call-back.")),
}


def _lock(tenant: Tenant, actor: Member | None, ticket: ServiceTicket) -> ServiceTicket:
    """Re-read the ticket locked, in the actor's scope, and check the actor may work on it."""
    require_renewal_reader(actor)
    locked = (
        ServiceTicket.objects.select_for_update(of=("self",))
        .filter(ticket_scope_q(actor), tenant=tenant, pk=ticket.pk)
        .first()
    )
    if locked is None:
        raise ValidationError({"ticket": [_("Unknown ticket.")]})
    if actor is not None and not manages_renewals(actor) and actor.pk not in (locked.owner_id, locked.escalated_to_id):
        raise PermissionDenied(
            _("Only the ticket's owner, whoever it was escalated to or the team's managers may work on it.")
        )
    return locked


def _step_errors(ticket: ServiceTicket, action: str, at: datetime, now: datetime) -> dict[str, list[str]]:
    """The errors every step shares: the status it starts from and the order of the dates."""
    before, _after, previous_field, previous_message = STEPS[action]
    errors: dict[str, list[str]] = {}
    if ticket.status != before:
        errors["action"] = [
            _("A ticket goes open → responded → resolved → closed; this one is %(status)s.")
            % {"status": ticket.get_status_display()}
        ]
        return errors
    previous = getattr(ticket, previous_field)
    if at > now:
        errors["at"] = [_("This cannot be in the future.")]
    elif previous is not None and at < previous:
        errors["at"] = [str(previous_message)]
    return errors


def _save(ticket: ServiceTicket, errors: dict[str, list[str]], **changes) -> ServiceTicket:
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(ticket, name, value)
    ticket.save(update_fields=list(changes))
    return ticket


@transaction.atomic
def ticket_respond(
    *, tenant: Tenant, actor: Member | None, ticket: ServiceTicket, at: datetime | None = None
) -> ServiceTicket:
    """Record the first answer to the customer (default now); after ``respond_by`` it counts as breached."""
    ticket = _lock(tenant, actor, ticket)
    now = timezone.now()
    at = at or now
    errors = _step_errors(ticket, "respond", at, now)
    return _save(ticket, errors, status=Status.RESPONDED, responded_at=at)


@transaction.atomic
def ticket_resolve(
    *, tenant: Tenant, actor: Member | None, ticket: ServiceTicket, resolution: str, at: datetime | None = None
) -> ServiceTicket:
    """Record how the ticket was resolved; the call-back window starts at ``at``."""
    ticket = _lock(tenant, actor, ticket)
    now = timezone.now()
    at = at or now
    errors = _step_errors(ticket, "resolve", at, now)
    resolution = (resolution or "").strip() if isinstance(resolution, str) else ""
    if not resolution:
        errors["resolution"] = [_("Say how the ticket was resolved.")]
    return _save(ticket, errors, status=Status.RESOLVED, resolution=resolution, resolved_at=at)


@transaction.atomic
def ticket_callback(
    *,
    tenant: Tenant,
    actor: Member | None,
    ticket: ServiceTicket,
    satisfaction: int | None,
    at: datetime | None = None,
) -> ServiceTicket:
    """Record the satisfaction call-back (1–5) on a resolved ticket, once; a late one is kept and reads late."""
    ticket = _lock(tenant, actor, ticket)
    now = timezone.now()
    at = at or now
    errors = _step_errors(ticket, "callback", at, now)
    if ticket.callback_at is not None:
        errors.setdefault("action", [_("The call-back is already recorded.")])
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        errors["satisfaction"] = [_("Give the customer's satisfaction from 1 to 5.")]
    return _save(ticket, errors, callback_at=at, satisfaction=satisfaction)


@transaction.atomic
def ticket_close(
    *, tenant: Tenant, actor: Member | None, ticket: ServiceTicket, at: datetime | None = None
) -> ServiceTicket:
    """Close a resolved ticket; it needs the call-back first."""
    ticket = _lock(tenant, actor, ticket)
    now = timezone.now()
    at = at or now
    errors = _step_errors(ticket, "close", at, now)
    if ticket.status == Status.RESOLVED and ticket.callback_at is None:
        errors["action"] = [_("Closing a ticket needs the satisfaction call-back first.")]
    return _save(ticket, errors, status=Status.CLOSED, closed_at=at)


def ticket_act(
    *,
    tenant: Tenant,
    actor: Member | None,
    ticket: ServiceTicket,
    action: str,
    resolution: str = "",
    satisfaction: int | None = None,
) -> ServiceTicket:
    """Take the API's one step ``action``; a score or a resolution given to the wrong step is refused."""
    errors: dict[str, list[str]] = {}
    if action not in STEPS:
        errors["action"] = [_("Unknown action.")]
    if satisfaction is not None and action != "callback":
        errors["satisfaction"] = [_("Only the call-back takes a satisfaction score.")]
    if resolution and action != "resolve":
        errors["resolution"] = [_("Only resolving takes a resolution.")]
    if errors:
        raise ValidationError(errors)
    if action == "respond":
        return ticket_respond(tenant=tenant, actor=actor, ticket=ticket)
    if action == "resolve":
        return ticket_resolve(tenant=tenant, actor=actor, ticket=ticket, resolution=resolution)
    if action == "callback":
        return ticket_callback(tenant=tenant, actor=actor, ticket=ticket, satisfaction=satisfaction)
    return ticket_close(tenant=tenant, actor=actor, ticket=ticket)


# --- escalation and alerts ---------------------------------------------------------


def _escalation_target(ticket: ServiceTicket) -> Member | None:
    """The owner's supervisor; for a major ticket the supervisor's own supervisor, when active."""
    lead = ticket.owner.supervisor
    if ticket.severity == Severity.MAJOR and lead is not None:
        above = lead.supervisor
        if above is not None and above.active:
            return above
    return lead if lead is not None and lead.active else None


@transaction.atomic
def tickets_escalate(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Escalate every open ticket past its SLA that is not escalated yet; return how many. Safe to run again.

    A ticket being answered at this moment is locked by ``ticket_respond``
    and skipped: it will not be open on the next run.
    """
    now = now or timezone.now()
    due = (
        ServiceTicket.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(tenant=tenant, status=Status.OPEN, respond_by__lt=now, escalated_at__isnull=True)
        .select_related("owner__supervisor__supervisor")
    )
    escalated = []
    for ticket in due:
        ticket.escalated_at, ticket.escalated_to = now, _escalation_target(ticket)
        escalated.append(ticket)
    ServiceTicket.objects.bulk_update(escalated, ["escalated_at", "escalated_to"])
    return len(escalated)


def ticket_findings(*, tenant: Tenant, now: datetime) -> list[Finding]:
    """Return the SLA breaches not answered yet and the call-backs overdue, as of ``now``.

    An SLA breach is about the owner, for whoever it was escalated to (else
    the owner's supervisor), from the day (tenant time) ``respond_by``
    passed. An overdue call-back is about the owner, for their supervisor,
    from the day the call-back window ran out.
    """
    zone = tenant_zone(tenant)
    today = timezone.localdate(now, timezone=zone)
    window = timedelta(hours=policy_for(tenant).callback_hours)
    findings = []
    breached = ServiceTicket.objects.filter(tenant=tenant, status=Status.OPEN, respond_by__lt=now).values_list(
        "pk", "owner_id", "respond_by", "escalated_to_id", "owner__supervisor_id"
    )
    for pk, owner_id, respond_by, escalated_to_id, supervisor_id in breached:
        findings.append(
            Finding(
                kind=Alert.Kind.SLA_BREACH,
                member_id=owner_id,
                unit_id=None,
                period_start=timezone.localdate(respond_by, timezone=zone),
                period_end=today,
                reference=f"ticket:{pk}",
                assignee_id=escalated_to_id or supervisor_id,
            )
        )
    overdue = ServiceTicket.objects.filter(
        tenant=tenant, status=Status.RESOLVED, callback_at__isnull=True, resolved_at__lt=now - window
    ).values_list("pk", "owner_id", "resolved_at", "owner__supervisor_id")
    for pk, owner_id, resolved_at, supervisor_id in overdue:
        assert resolved_at is not None  # filtered on it
        findings.append(
            Finding(
                kind=Alert.Kind.CALLBACK_OVERDUE,
                member_id=owner_id,
                unit_id=None,
                period_start=timezone.localdate(resolved_at + window, timezone=zone),
                period_end=today,
                reference=f"ticket:{pk}",
                assignee_id=supervisor_id,
            )
        )
    return findings


def sync_ticket_alerts(*, tenant: Tenant, now: datetime | None = None) -> EvaluationResult:
    """Escalate breached tickets, then raise, keep and resolve the ticket alerts as of ``now``; safe to rerun."""
    now = now or timezone.now()
    tickets_escalate(tenant=tenant, now=now)
    return sync_alerts(tenant=tenant, kinds=KINDS, findings=ticket_findings(tenant=tenant, now=now))


# --- metrics ---------------------------------------------------------------------


def ticket_metrics(
    *, tenant: Tenant, actor: Member | None, start: date, end: date, now: datetime | None = None
) -> dict:
    """Return the figures of the tickets in scope opened from ``start`` to ``end`` (tenant dates, inclusive).

    - ``opened``, ``by_severity``: tickets opened, in all and by severity;
    - ``responded``; ``sla_rate``: answered by ``respond_by`` ÷ answered
      (4 places, None when none was answered);
    - ``breached``: answered late, or unanswered and past ``respond_by`` at ``now``;
    - ``median_response_minutes``: from opening to the answer (1 place);
    - ``satisfaction``: the mean call-back score (2 places); ``callbacks``;
    - ``callbacks_late``: call-backs more than ``callback_hours`` after the resolution.
    """
    require_renewal_reader(actor)
    now = now or timezone.now()
    window = timedelta(hours=policy_for(tenant).callback_hours)
    lower, upper = tenant_days(tenant, start, end)
    figures = ServiceTicket.objects.filter(
        ticket_scope_q(actor), tenant=tenant, opened_at__gte=lower, opened_at__lt=upper
    ).aggregate(
        opened=Count("pk"),
        **{severity: Count("pk", filter=Q(severity=severity)) for severity in Severity.values},
        responded=Count("responded_at"),
        in_sla=Count("pk", filter=Q(responded_at__lte=F("respond_by"))),
        breached=Count("pk", filter=breached_q(now)),
        median_response=Median(F("responded_at") - F("opened_at"), output_field=DurationField()),
        score_sum=Sum("satisfaction"),
        callbacks=Count("satisfaction"),
        callbacks_late=Count("pk", filter=Q(callback_at__gt=F("resolved_at") + window)),
    )
    median = figures["median_response"]
    return {
        "opened": figures["opened"],
        "by_severity": {severity: figures[severity] for severity in Severity.values},
        "responded": figures["responded"],
        "sla_rate": ratio(figures["in_sla"], figures["responded"]),
        "breached": figures["breached"],
        "median_response_minutes": (
            (Decimal(median.total_seconds()) / 60).quantize(Decimal("0.1")) if median is not None else None
        ),
        "satisfaction": (
            (Decimal(figures["score_sum"]) / figures["callbacks"]).quantize(Decimal("0.01"))
            if figures["callbacks"]
            else None
        ),
        "callbacks": figures["callbacks"],
        "callbacks_late": figures["callbacks_late"],
    }

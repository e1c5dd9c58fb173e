"""Writes of renewal cases and their follow-ups. Every service takes the tenant and the acting member.

Who may write:

- creating, assigning, re-assigning and importing cases: a renewal team
  lead, a company manager or a tenant admin (``manages_renewals``);
- follow-ups and status moves: the case's advisor, or one of those who
  manage renewals, on a case in their scope.

The pipeline rules are ``renewals.pipeline``'s; a renewed case needs its
renewed premium, a lost one a reason from the tenant's list. Errors are per
field and nothing is saved with any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.models import Alert
from renewals import pipeline
from renewals.models import OPEN_STATUSES, FollowUp, LostReason, RenewalCase
from renewals.selectors.cases import case_scope_q, manages_renewals, require_renewal_manager, require_renewal_reader
from renewals.services.advisors import advisor_errors
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today
from targets.services.sales import policy_no_error, premium_error

CUSTOMER_MAX_LENGTH = 100
Status = RenewalCase.Status


def errors_add(errors: dict[str, list[str]], name: str, message: str | None) -> None:
    if message:
        errors.setdefault(name, []).append(message)


def amount_error(amount: Decimal | None) -> str | None:
    """A case's premium and a renewed premium: above zero, in fen, not absurd."""
    if amount is None:
        return _("This field is required.")
    if amount <= 0:
        return _("The premium must be above zero.")
    return premium_error(amount)


@dataclass
class CaseFields:
    """The fields of a case as created by hand or by an import row."""

    policy_no: str
    customer: str
    product_type: str
    premium: Decimal | None
    due_on: date | None
    group: str


def case_field_errors(fields: CaseFields) -> dict[str, list[str]]:
    """Return the errors of a case's own fields (not the advisor, not uniqueness): shared with the import.

    A due date in the past is allowed: the case is overdue and comes first in the queue.
    """
    errors: dict[str, list[str]] = {}
    errors_add(errors, "policy_no", policy_no_error(fields.policy_no))
    if not fields.customer:
        errors_add(errors, "customer", _("This field is required."))
    elif len(fields.customer) > CUSTOMER_MAX_LENGTH:
        errors_add(errors, "customer", _("A customer name has at most 100 characters."))
    if fields.product_type not in RenewalCase.ProductType.values:
        errors_add(errors, "product_type", _("Unknown product type."))
    errors_add(errors, "premium", amount_error(fields.premium))
    if fields.due_on is None:
        errors_add(errors, "due_on", _("This field is required."))
    if fields.group not in RenewalCase.Group.values:
        errors_add(errors, "group", _("The customer group is A or B."))
    return errors


@transaction.atomic
def case_create(
    *, tenant: Tenant, actor: Member | None, fields: CaseFields, advisor_id: int | None = None
) -> RenewalCase:
    """Create one case, assigned to ``advisor_id`` when given (skills and capacity are checked)."""
    require_renewal_manager(actor)
    fields.policy_no, fields.customer = (fields.policy_no or "").strip(), (fields.customer or "").strip()
    errors = case_field_errors(fields)
    if "policy_no" not in errors and RenewalCase.objects.filter(tenant=tenant, policy_no=fields.policy_no).exists():
        errors_add(errors, "policy_no", _("A renewal case with this policy number already exists."))
    if advisor_id is not None:
        for message in advisor_errors(tenant=tenant, actor=actor, advisor_id=advisor_id, group=fields.group):
            errors_add(errors, "advisor", message)
    if errors:
        raise ValidationError(errors)
    assert fields.premium is not None and fields.due_on is not None  # missing ones were reported above
    try:
        with transaction.atomic():
            return RenewalCase.objects.create(
                tenant=tenant,
                policy_no=fields.policy_no,
                customer=fields.customer,
                product_type=fields.product_type,
                premium=fields.premium,
                due_on=fields.due_on,
                group=fields.group,
                advisor_id=advisor_id,
                assigned_at=timezone.now() if advisor_id else None,
            )
    except IntegrityError as error:
        raise ValidationError({"policy_no": [_("A renewal case with this policy number already exists.")]}) from error


def _lock_case(tenant: Tenant, actor: Member | None, case: RenewalCase) -> RenewalCase:
    """Re-read ``case`` locked, within the actor's scope: two writers queue instead of losing a move."""
    return RenewalCase.objects.select_for_update(of=("self",)).get(case_scope_q(actor), tenant=tenant, pk=case.pk)


def _require_case_writer(actor: Member | None, case: RenewalCase) -> None:
    require_renewal_reader(actor)
    if actor is not None and not manages_renewals(actor) and case.advisor_id != actor.pk:
        raise PermissionDenied(_("Only the case's advisor or the renewal team's managers may change it."))


def _close_errors(
    errors: dict[str, list[str]],
    *,
    tenant: Tenant,
    status: str,
    renewed_premium: Decimal | None,
    lost_reason: str | None,
) -> LostReason | None:
    """Check what closing needs: a renewed premium for renewed, a known reason for lost; return the reason."""
    if status == Status.RENEWED:
        errors_add(errors, "renewed_premium", amount_error(renewed_premium))
    elif renewed_premium is not None:
        errors_add(errors, "renewed_premium", _("Only a renewed case has a renewed premium."))
    reason = None
    if status == Status.LOST:
        if not lost_reason:
            errors_add(errors, "lost_reason", _("A lost case needs its reason."))
        else:
            reason = LostReason.objects.filter(tenant=tenant, code=lost_reason).first()
            errors_add(errors, "lost_reason", None if reason else _("Unknown lost reason."))
    elif lost_reason:
        errors_add(errors, "lost_reason", _("Only a lost case has a lost reason."))
    return reason


def _apply_status(
    case: RenewalCase, status: str, renewed_premium: Decimal | None, reason: LostReason | None, now: datetime
) -> None:
    if status == case.status:
        return
    case.status = status
    if status == Status.RENEWED:
        case.renewed_premium = renewed_premium
    if status == Status.LOST:
        case.lost_reason = reason
    if status not in OPEN_STATUSES:
        case.closed_at = now


@transaction.atomic
def case_update(*, tenant: Tenant, actor: Member | None, case: RenewalCase, changes: dict) -> RenewalCase:
    """Change a case's ``status`` (with ``renewed_premium`` / ``lost_reason``) or, for managers, its ``advisor``.

    ``advisor: None`` takes the case back to the unassigned list.
    """
    _require_case_writer(actor, case)
    case = _lock_case(tenant, actor, case)
    errors: dict[str, list[str]] = {}
    status = changes.get("status", case.status)
    if status not in Status.values:
        errors_add(errors, "status", _("Unknown status."))
    else:
        errors_add(errors, "status", pipeline.move_error(case.status, status))
    reason = None
    if "status" in changes and status != case.status and "status" not in errors:
        reason = _close_errors(
            errors,
            tenant=tenant,
            status=status,
            renewed_premium=changes.get("renewed_premium"),
            lost_reason=changes.get("lost_reason"),
        )
    elif changes.get("renewed_premium") is not None or changes.get("lost_reason"):
        errors_add(errors, "status", _("Give the new status with the renewed premium or the lost reason."))
    if "advisor" in changes and changes["advisor"] != case.advisor_id:
        if not manages_renewals(actor):
            raise PermissionDenied(_("Only a renewal team lead, a company manager or an administrator may do this."))
        if case.status not in OPEN_STATUSES:
            errors_add(errors, "advisor", _("A closed case keeps its advisor."))
        elif changes["advisor"] is not None:
            for message in advisor_errors(tenant=tenant, actor=actor, advisor_id=changes["advisor"], group=case.group):
                errors_add(errors, "advisor", message)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if "status" in changes:
        _apply_status(case, status, changes.get("renewed_premium"), reason, now)
    if "advisor" in changes and changes["advisor"] != case.advisor_id:
        case.advisor_id = changes["advisor"]
        # The 48-hour clock starts again for the new advisor.
        case.assigned_at = now if case.advisor_id else None
    case.save()
    if case.status not in OPEN_STATUSES or "advisor" in changes:
        resolve_follow_up_alerts(tenant=tenant, policy_nos=[case.policy_no], now=now)
    return case


@transaction.atomic
def follow_up_create(
    *,
    tenant: Tenant,
    actor: Member,
    case: RenewalCase,
    channel: str,
    outcome: str,
    notes: str = "",
    next_action_on: date | None = None,
    renewed_premium: Decimal | None = None,
    lost_reason: str | None = None,
    at: datetime | None = None,
) -> FollowUp:
    """Record a contact on ``case``; its outcome moves the case along the pipeline.

    Outcomes: no answer (no move), reached (→ contacted), quoted (→ quoted,
    counted), renewed (→ renewed, needs ``renewed_premium``), lost (→ lost,
    needs ``lost_reason``). An outcome behind the case's status leaves it
    where it is; one that skips a step is refused.
    """
    _require_case_writer(actor, case)
    case = _lock_case(tenant, actor, case)
    at = at or timezone.now()
    errors: dict[str, list[str]] = {}
    if case.status not in OPEN_STATUSES:
        errors_add(errors, "non_field_errors", _("This case is closed; it takes no more follow-ups."))
    if channel not in FollowUp.Channel.values:
        errors_add(errors, "channel", _("Unknown channel."))
    reason = None
    status = case.status
    if outcome not in FollowUp.Outcome.values:
        errors_add(errors, "outcome", _("Unknown outcome."))
    elif not errors:
        status = pipeline.outcome_status(case.status, outcome)
        errors_add(errors, "outcome", pipeline.move_error(case.status, status))
        reason = _close_errors(
            errors,
            tenant=tenant,
            status=status if status != case.status else "",
            renewed_premium=renewed_premium,
            lost_reason=lost_reason,
        )
    if next_action_on is not None and next_action_on < tenant_today(tenant):
        errors_add(errors, "next_action_on", _("The next action cannot be in the past."))
    if at > timezone.now():
        errors_add(errors, "at", _("A follow-up cannot be in the future."))
    if errors:
        raise ValidationError(errors)
    follow_up = FollowUp.objects.create(
        tenant=tenant,
        case=case,
        author=actor,
        channel=channel,
        outcome=outcome,
        notes=(notes or "").strip(),
        next_action_on=next_action_on,
        at=at,
    )
    _apply_status(case, status, renewed_premium, reason, at)
    if outcome == FollowUp.Outcome.QUOTED:
        case.quotes += 1
    if case.first_follow_up_at is None or at < case.first_follow_up_at:
        case.first_follow_up_at = at
    if case.last_follow_up_at is None or at > case.last_follow_up_at:
        case.last_follow_up_at = at
    case.save()
    resolve_follow_up_alerts(tenant=tenant, policy_nos=[case.policy_no], now=timezone.now())
    return follow_up


def resolve_follow_up_alerts(*, tenant: Tenant, policy_nos: list[str], now: datetime) -> int:
    """Resolve the open no-follow-up alerts of these cases at once (followed up, re-assigned or closed).

    The periodic check would find them recovered too; doing it here keeps
    the lead's list true the moment the advisor acts.
    """
    return Alert.objects.filter(
        tenant=tenant,
        kind=Alert.Kind.FOLLOW_UP_OVERDUE,
        reference__in=[f"case:{policy_no}" for policy_no in policy_nos],
        status__in=(Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED),
    ).update(status=Alert.Status.RESOLVED, resolution=Alert.Resolution.RECOVERED, resolved_at=now, updated_at=now)

"""Auto-assignment (API.md ``renewals/assign/``): the rule is ``renewals.assignment``'s."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from renewals.assignment import REASONS, Unassigned, assign
from renewals.models import OPEN_STATUSES, RenewalCase
from renewals.priority import priority_expression
from renewals.selectors.cases import require_renewal_manager
from renewals.services.advisors import advisor_pool, lock_assignments
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today

BATCH_SIZE = 1000


@dataclass
class AssignResult:
    assigned: int = 0
    # {case, policy_no, reason, message} of each case left unassigned.
    unassigned: list[dict] = field(default_factory=list)


@transaction.atomic
def cases_assign(*, tenant: Tenant, actor: Member | None, today: date | None = None) -> AssignResult:
    """Assign every open unassigned case of the tenant to the advisors in the actor's scope."""
    require_renewal_manager(actor)
    today = today or tenant_today(tenant)
    lock_assignments(tenant)
    cases = list(
        RenewalCase.objects.filter(tenant=tenant, status__in=OPEN_STATUSES, advisor__isnull=True)
        .annotate(points=priority_expression(today))
        .order_by("-points", "due_on", "id")
        .values_list("pk", "policy_no", "group", "points")
    )
    advisors = advisor_pool(tenant=tenant, actor=actor, today=today)
    decisions = assign([Unassigned(pk, group, points) for pk, _no, group, points in cases], advisors)
    policy_nos = {pk: policy_no for pk, policy_no, _group, _points in cases}
    now = timezone.now()
    chosen = [RenewalCase(pk=d.case_id, advisor_id=d.advisor_id, assigned_at=now) for d in decisions if d.advisor_id]
    RenewalCase.objects.bulk_update(chosen, ["advisor_id", "assigned_at"], batch_size=BATCH_SIZE)
    return AssignResult(
        assigned=len(chosen),
        unassigned=[
            {
                "case": d.case_id,
                "policy_no": policy_nos[d.case_id],
                "reason": d.reason,
                "message": str(REASONS[d.reason]),
            }
            for d in decisions
            if d.advisor_id is None
        ],
    )

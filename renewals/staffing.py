"""Staffing of the renewal team against its pending renewals (seed 003: 团队配置比例).

- 1 advisor per 1,500 pending renewals (open cases), rounded up;
- 1 coordinator per 5 advisors, rounded up;
- the data and the training roles each 1 per 20 staff (advisors and
  coordinators needed), rounded up: ``support_needed`` is the two together.

All three ratios are the tenant's (``RenewalPolicy``). "On hand" counts the
active members of the renewal team by their renewal position: a renewal
advisor without a profile is an advisor.
"""

from __future__ import annotations

from dataclasses import dataclass

from renewals.models import OPEN_STATUSES, RenewalCase, RenewalPolicy, StaffProfile
from salesops.org.models import Member, Tenant

Position = StaffProfile.Position


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


@dataclass(frozen=True)
class Staffing:
    pending: int
    advisors_needed: int
    coordinators_needed: int
    analysts_needed: int
    trainers_needed: int
    advisors_now: int
    coordinators_now: int
    analysts_now: int
    trainers_now: int

    @property
    def support_needed(self) -> int:
        return self.analysts_needed + self.trainers_needed

    @property
    def support_now(self) -> int:
        return self.analysts_now + self.trainers_now


def needed(pending: int, policy: RenewalPolicy) -> tuple[int, int, int]:
    """Return (advisors, coordinators, each support role) for ``pending`` open cases: the rule alone."""
    advisors = ceil_div(pending, policy.cases_per_advisor)
    coordinators = ceil_div(advisors, policy.advisors_per_coordinator)
    support_each = ceil_div(advisors + coordinators, policy.staff_per_support)
    return advisors, coordinators, support_each


def staffing(*, tenant: Tenant, policy: RenewalPolicy) -> Staffing:
    """The tenant's renewal staffing now: what the pending cases need against the staff on hand (3 queries)."""
    pending = RenewalCase.objects.filter(tenant=tenant, status__in=OPEN_STATUSES).count()
    advisors, coordinators, support_each = needed(pending, policy)
    positions = dict(StaffProfile.objects.filter(tenant=tenant).values_list("member_id", "position"))
    on_hand = {position: 0 for position in Position.values}
    for pk, role in Member.objects.filter(
        tenant=tenant, active=True, role__in=(Member.Role.RENEWAL_ADVISOR, Member.Role.RENEWAL_LEAD)
    ).values_list("pk", "role"):
        position = positions.get(pk)
        if position is None and role == Member.Role.RENEWAL_ADVISOR:
            position = Position.ADVISOR
        if position is not None:
            on_hand[position] += 1
    return Staffing(
        pending=pending,
        advisors_needed=advisors,
        coordinators_needed=coordinators,
        analysts_needed=support_each,
        trainers_needed=support_each,
        advisors_now=on_hand[Position.ADVISOR],
        coordinators_now=on_hand[Position.COORDINATOR],
        analysts_now=on_hand[Position.ANALYST],
        trainers_now=on_hand[Position.TRAINER],
    )

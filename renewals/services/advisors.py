"""The advisors cases can go to: who they are, whether they serve group A, their capacity and load.

An advisor is an active member with the renewal-advisor role in the
actor's scope whose renewal profile (if any) has the advisor position.
Capacity is the profile's, else the tenant's default; it counts open
cases. Load weighs each open case by its priority level (high 3, medium 2,
low 1, ``renewals.priority``), so an advisor holding the urgent cases gets
fewer new ones than one holding as many quiet ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from renewals import priority
from renewals.models import OPEN_STATUSES, RenewalCase, StaffProfile
from renewals.selectors.cases import policy_for
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today
from salesops.tenancy import member_scope_q


@dataclass
class Advisor:
    id: int
    name: str
    serves_group_a: bool
    capacity: int
    open_cases: int = 0
    load: int = 0

    @property
    def room(self) -> int:
        return max(self.capacity - self.open_cases, 0)


def advisor_pool(
    *, tenant: Tenant, actor: Member | None, today: date | None = None, advisor_id: int | None = None
) -> list[Advisor]:
    """Return the advisors in the actor's scope with their open cases and load (three queries)."""
    today = today or tenant_today(tenant)
    members = Member.objects.filter(
        member_scope_q(actor) if actor is not None else Q(),
        tenant=tenant,
        role=Member.Role.RENEWAL_ADVISOR,
        active=True,
    )
    if advisor_id is not None:
        members = members.filter(pk=advisor_id)
    profiles = {
        profile.member_id: profile
        for profile in StaffProfile.objects.filter(tenant=tenant, member__in=members.values("pk"))
    }
    default_capacity = policy_for(tenant).default_capacity
    pool: dict[int, Advisor] = {}
    for pk, name in members.order_by("id").values_list("pk", "display_name"):
        profile = profiles.get(pk)
        if profile is not None and profile.position != StaffProfile.Position.ADVISOR:
            continue
        capacity = profile.capacity if profile is not None and profile.capacity is not None else default_capacity
        pool[pk] = Advisor(pk, name, bool(profile and profile.serves_group_a), capacity)
    cases = RenewalCase.objects.filter(tenant=tenant, status__in=OPEN_STATUSES, advisor_id__in=list(pool))
    for advisor_pk, due_on, group, product_type in cases.values_list("advisor_id", "due_on", "group", "product_type"):
        advisor = pool[advisor_pk]
        advisor.open_cases += 1
        advisor.load += priority.weight(
            priority.priority(due_on=due_on, group=group, product_type=product_type, today=today)
        )
    return list(pool.values())


def advisor_errors(*, tenant: Tenant, actor: Member | None, advisor_id: int, group: str) -> list[str]:
    """Return why a case of ``group`` may not go to ``advisor_id`` (unknown, not A-skilled, full), or []."""
    pool = advisor_pool(tenant=tenant, actor=actor, advisor_id=advisor_id)
    if not pool:
        return [_("Unknown advisor.")]
    advisor = pool[0]
    errors = []
    if group == RenewalCase.Group.A and not advisor.serves_group_a:
        errors.append(_("This advisor does not serve group A (high net worth) customers."))
    if advisor.room < 1:
        errors.append(_("This advisor is at capacity (%(count)s open cases).") % {"count": advisor.open_cases})
    return errors

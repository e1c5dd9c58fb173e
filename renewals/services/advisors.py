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

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from renewals import priority
from renewals.models import OPEN_STATUSES, RenewalCase, RenewalPolicy, StaffProfile
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
    """Return the advisors in the actor's scope with their open cases and load (four queries)."""
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
    # Counted and weighed in SQL: a page showing loads costs the same for 70 open cases or 7,000.
    loads = (
        RenewalCase.objects.filter(tenant=tenant, status__in=OPEN_STATUSES, advisor_id__in=list(pool))
        .annotate(points=priority.priority_expression(today))
        .values("advisor_id")
        .annotate(open_cases=Count("id"), load=Sum(priority.weight_expression("points")))
        .order_by()
    )
    for row in loads:
        advisor = pool[row["advisor_id"]]
        advisor.open_cases, advisor.load = row["open_cases"], row["load"]
    return list(pool.values())


def lock_assignments(tenant: Tenant) -> None:
    """Take the tenant's assignment lock (its rules row) until the transaction ends.

    Every path that gives advisors cases (auto-assignment, import, by hand)
    takes it before reading their room: two at once would each see the same
    room and together exceed a capacity.
    """
    policy_for(tenant)
    RenewalPolicy.objects.select_for_update().get(tenant=tenant)


def advisor_errors(*, tenant: Tenant, actor: Member | None, advisor_id: int, group: str) -> list[str]:
    """Return why a case of ``group`` may not go to ``advisor_id`` (unknown, not A-skilled, full), or [].

    It takes the assignment lock, so the room it sees stays true until the caller's transaction commits.
    """
    lock_assignments(tenant)
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

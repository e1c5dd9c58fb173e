"""Contact-frequency compliance for a week (seed 004's 网点公关 standards, tenant-set).

For each person on a branch's roster during the week:

- **branch head** and **teller**: at least N contacts in the week (1 by
  default; seed 004 says 1–2);
- **wealth manager**: a contact on N different days (5 by default: "at
  least once a day", on the working days Monday to Friday). A person who
  joined or left during the week, or a week still under way, needs only
  the working days they were on the roster up to today.

A branch's compliance is the share of its people meeting their standard;
the list puts the branches falling short first. A week under way counts
what is logged so far: a weekly standard not yet met reads as short.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q

from bancassurance.models import BancassurancePolicy, BankBranch, BranchContact, BranchStaff, StaffRole
from dashboards.selectors.rollups import ratio
from salesops.org.models import Tenant


@dataclass(frozen=True)
class StaffCompliance:
    staff_id: int
    name: str
    role: str
    role_label: str
    contacts: int
    days: int
    required: int
    # What the standard counts: contacts in the week, or days with a contact.
    counts_days: bool

    @property
    def done(self) -> int:
        return self.days if self.counts_days else self.contacts

    @property
    def met(self) -> bool:
        return self.done >= self.required


@dataclass
class BranchCompliance:
    branch: BankBranch
    people: list[StaffCompliance] = field(default_factory=list)

    @property
    def met(self) -> int:
        return sum(1 for person in self.people if person.met)

    @property
    def headcount(self) -> int:
        return len(self.people)

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.met, self.headcount)

    @property
    def short(self) -> list[StaffCompliance]:
        return [person for person in self.people if not person.met]


def week_of(day: date) -> date:
    """The Monday starting ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _working_days_on_roster(staff: BranchStaff, monday: date, today: date) -> int:
    days = 0
    for offset in range(5):
        day = monday + timedelta(days=offset)
        if day <= today and staff.joined_on <= day and (staff.left_on is None or day <= staff.left_on):
            days += 1
    return days


def required_for(staff: BranchStaff, policy: BancassurancePolicy, monday: date, today: date) -> int:
    if staff.role == StaffRole.HEAD:
        return policy.head_contacts_per_week
    if staff.role == StaffRole.TELLER:
        return policy.teller_contacts_per_week
    return min(policy.wealth_manager_days_per_week, _working_days_on_roster(staff, monday, today))


def week_compliance(
    *, tenant: Tenant, branches: list[BankBranch], policy: BancassurancePolicy, monday: date, today: date
) -> list[BranchCompliance]:
    """Each branch's compliance in the week starting ``monday``, the lowest rate first; two queries."""
    sunday = monday + timedelta(days=6)
    by_id = {branch.pk: BranchCompliance(branch) for branch in branches}
    people = BranchStaff.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=monday),
        tenant=tenant,
        branch__in=list(by_id),
        joined_on__lte=sunday,
    ).order_by("branch_id", "role", "name", "id")
    counted = {
        row["staff_id"]: row
        for row in BranchContact.objects.filter(
            tenant=tenant, branch__in=list(by_id), contacted_on__gte=monday, contacted_on__lte=sunday
        )
        .values("staff_id")
        .annotate(contacts=Count("id"), days=Count("contacted_on", distinct=True))
        .order_by()
    }
    for staff in people:
        done = counted.get(staff.pk, {"contacts": 0, "days": 0})
        by_id[staff.branch_id].people.append(
            StaffCompliance(
                staff_id=staff.pk,
                name=staff.name,
                role=staff.role,
                role_label=str(staff.get_role_display()),
                contacts=done["contacts"],
                days=done["days"],
                required=required_for(staff, policy, monday, today),
                counts_days=staff.role == StaffRole.WEALTH_MANAGER,
            )
        )
    staffed = [item for item in by_id.values() if item.people]
    # Branches with people, lowest compliance first; then those with nobody on the roster.
    return sorted(staffed, key=lambda item: (item.rate, item.branch.code)) + [
        item for item in by_id.values() if not item.people
    ]

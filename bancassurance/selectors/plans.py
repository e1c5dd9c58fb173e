"""What each weekly plan's week came to (the PDCA "do"), counted from the facts; three queries for any plans.

- contacts: those the member logged that week;
- events: those the member organised that week;
- policies: sold that week at the branches assigned to the member now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek

from bancassurance.models import BranchContact, BranchEvent, WeeklyPlan
from dashboards.selectors.rollups import ratio
from salesops.org.models import Tenant
from targets.models import SaleRecord


@dataclass(frozen=True)
class PlanProgress:
    plan: WeeklyPlan
    contacts: int
    events: int
    policies: int

    @property
    def contacts_completion(self) -> Decimal | None:
        return ratio(self.contacts, self.plan.contacts_planned)

    @property
    def events_completion(self) -> Decimal | None:
        return ratio(self.events, self.plan.events_planned)

    @property
    def policies_completion(self) -> Decimal | None:
        return ratio(self.policies, self.plan.policies_planned)


def _by_member_week(queryset, member_field: str, day_field: str, total) -> dict[tuple[int, date], int]:
    rows = queryset.annotate(week=TruncWeek(day_field)).values(member_field, "week").annotate(total=total).order_by()
    return {(row[member_field], row["week"]): row["total"] or 0 for row in rows}


def plan_progress(*, tenant: Tenant, plans: list[WeeklyPlan]) -> list[PlanProgress]:
    if not plans:
        return []
    members = {plan.member_id for plan in plans}
    first = min(plan.week_start for plan in plans)
    last = max(plan.week_start for plan in plans) + timedelta(days=6)
    contacts = _by_member_week(
        BranchContact.objects.filter(
            tenant=tenant, contacted_by__in=members, contacted_on__gte=first, contacted_on__lte=last
        ),
        "contacted_by_id",
        "contacted_on",
        Count("id"),
    )
    events = _by_member_week(
        BranchEvent.objects.filter(tenant=tenant, organised_by__in=members, held_on__gte=first, held_on__lte=last),
        "organised_by_id",
        "held_on",
        Count("id"),
    )
    policies: dict[tuple[int, date], int] = defaultdict(int)
    policies.update(
        _by_member_week(
            SaleRecord.objects.filter(
                tenant=tenant,
                bank_branch__assigned_to__in=members,
                sold_on__gte=first,
                sold_on__lte=last,
            ),
            "bank_branch__assigned_to",
            "sold_on",
            Sum("policies"),
        )
    )
    return [
        PlanProgress(
            plan=plan,
            contacts=contacts.get((plan.member_id, plan.week_start), 0),
            events=events.get((plan.member_id, plan.week_start), 0),
            policies=policies.get((plan.member_id, plan.week_start), 0),
        )
        for plan in plans
    ]

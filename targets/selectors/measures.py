"""The scorecard measures: each member's figure for a period, read in a few queries for a whole table.

Every measure is a figure the product already has (DESIGN.md "Scorecards"):

- ``premium_attainment`` / ``policy_attainment``: the period's sales ÷ the
  member's target cells of the period's months (targets/models "Allocation");
- ``team_attainment`` (supervisors): the team's premium ÷ the team's target;
- ``activity_compliance``: working days meeting the activity standard (5311
  or the tenant's, by tier and date) ÷ working days;
- ``duty_completion`` (111): working days with every duty done — a tracking
  call to each direct report, one coaching, one spot-check — ÷ working days;
- ``renewal_rate``: renewed ÷ cases due; ``follow_up_completion``: next
  actions done on time ÷ due; ``sla_compliance``: tickets answered within
  their SLA ÷ tickets whose deadline has come (renewals' own rules);
- ``satisfaction``: the score entered for the period (0–100), else the
  call-backs' average satisfaction (1–5) × 20.

Working days are Monday to Friday from the later of the period's start and
the member's hiring day (someone who joined mid-period is judged on their
own days), up to the period's end — or yesterday while the period is under
way, since today is not over. A measure without data (no target, no
working day, no standard, no case) is ``None``: the scorecard leaves it out
and says so rather than scoring it as zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone

from activities.models import ITEMS, DailyLog, Duty
from activities.selectors.standards import meets_standard, standard_on, standards_by_tier
from dashboards.periods import Period
from dashboards.selectors.rollups import ratio
from renewals.models import RenewalCase, ServiceTicket
from renewals.selectors.metrics import follow_up_completion
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_days
from targets.models import Allocation, Measure, Plan, SaleRecord, SatisfactionScore

Role = Member.Role
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# The measures each role has data for; a scorecard may weigh only these.
ROLE_MEASURES: dict[str, tuple[str, ...]] = {
    Role.AGENT: (
        Measure.PREMIUM_ATTAINMENT,
        Measure.POLICY_ATTAINMENT,
        Measure.ACTIVITY_COMPLIANCE,
        Measure.SATISFACTION,
    ),
    Role.SUPERVISOR: (Measure.TEAM_ATTAINMENT, Measure.DUTY_COMPLETION, Measure.SATISFACTION),
    Role.RENEWAL_ADVISOR: (
        Measure.RENEWAL_RATE,
        Measure.FOLLOW_UP_COMPLETION,
        Measure.SLA_COMPLIANCE,
        Measure.SATISFACTION,
    ),
}
# The seeds' scorecards (seed 001: attainment 50 / activity compliance 30 /
# satisfaction 20; seed 003: results 60 / service 30 / compliance 10).
DEFAULT_WEIGHTS: dict[str, dict[str, int]] = {
    Role.AGENT: {Measure.PREMIUM_ATTAINMENT: 50, Measure.ACTIVITY_COMPLIANCE: 30, Measure.SATISFACTION: 20},
    Role.SUPERVISOR: {Measure.TEAM_ATTAINMENT: 50, Measure.DUTY_COMPLETION: 30, Measure.SATISFACTION: 20},
    Role.RENEWAL_ADVISOR: {Measure.RENEWAL_RATE: 60, Measure.SATISFACTION: 30, Measure.SLA_COMPLIANCE: 10},
}
# Measures already on a 0–100 scale; the others are ratios (1 = 100 %).
SCORE_MEASURES = frozenset({Measure.SATISFACTION})


@dataclass(frozen=True)
class MeasureValue:
    """A member's figure for one measure: ``value`` = ``actual`` ÷ ``basis`` (or a score), ``None`` without data."""

    value: Decimal | None
    actual: Decimal | None = None
    basis: Decimal | None = None
    source: str = ""  # satisfaction: "entered" or "call_backs"


NO_DATA = MeasureValue(None)


def judged_until(period: Period, today: date) -> date:
    """The last day a period is judged on: its end, or yesterday while it is under way."""
    return min(period.end, today - timedelta(days=1))


def working_days(first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _own_days(member: Member, period: Period, last: date) -> list[date]:
    first = max(period.start, member.hired_on) if member.hired_on else period.start
    return working_days(first, last)


def _share(actual: int | Decimal, basis: int | Decimal) -> MeasureValue:
    if not basis:
        return NO_DATA
    return MeasureValue(ratio(actual, basis), Decimal(actual), Decimal(basis))


def _attainment(tenant: Tenant, members: Sequence[Member], period: Period, today: date) -> dict[int, dict]:
    """Premium and policy attainment of each member: sales to date ÷ the period's target cells."""
    ids = [member.pk for member in members]
    targets: dict[tuple[int, str], Decimal] = {}
    for member_id, metric, total in (
        Allocation.objects.filter(
            tenant=tenant, member_id__in=ids, month__in=period.months, plan__tenant=tenant, plan__year=period.year
        )
        .values_list("member_id", "plan__metric")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        targets[(member_id, metric)] = total
    sales = {
        member_id: (premium, policies)
        for member_id, premium, policies in SaleRecord.objects.filter(
            tenant=tenant, member_id__in=ids, sold_on__range=(period.start, min(period.end, today))
        )
        .values_list("member_id")
        .annotate(premium=Sum("premium"), policies=Sum("policies"))
        .order_by()
    }
    result = {}
    for member_id in ids:
        premium, policies = sales.get(member_id, (Decimal(0), 0))
        result[member_id] = {
            Measure.PREMIUM_ATTAINMENT: _share(premium, targets.get((member_id, Plan.Metric.PREMIUM), 0)),
            Measure.POLICY_ATTAINMENT: _share(policies, targets.get((member_id, Plan.Metric.POLICIES), 0)),
        }
    return result


def premium_attainment(
    tenant: Tenant, members: Sequence[Member], period: Period, today: date
) -> dict[int, MeasureValue]:
    """Each member's premium to date against their premium target for ``period`` (the bonus reads this)."""
    return {
        member_id: values[Measure.PREMIUM_ATTAINMENT]
        for member_id, values in _attainment(tenant, members, period, today).items()
    }


def _team_attainment(tenant: Tenant, supervisors: Sequence[Member], period: Period, today: date) -> dict[int, dict]:
    result = {}
    for supervisor in supervisors:
        unit = supervisor.unit
        target = Allocation.objects.filter(
            tenant=tenant,
            plan__tenant=tenant,
            plan__year=period.year,
            plan__metric=Plan.Metric.PREMIUM,
            unit=unit,
            member__isnull=True,
            month__in=period.months,
        ).aggregate(total=Sum("amount"))["total"]
        premium = SaleRecord.objects.filter(
            tenant=tenant,
            member__unit__path__startswith=unit.path,
            sold_on__range=(period.start, min(period.end, today)),
        ).aggregate(total=Sum("premium"))["total"]
        result[supervisor.pk] = {Measure.TEAM_ATTAINMENT: _share(premium or Decimal(0), target or 0)}
    return result


def _activity_compliance(tenant: Tenant, members: Sequence[Member], period: Period, today: date) -> dict[int, dict]:
    """Working days whose log meets the standard in effect that day ÷ working days with a standard."""
    last = judged_until(period, today)
    standards = standards_by_tier(tenant=tenant, until=last) if last >= period.start else {}
    logs: dict[tuple[int, date], dict[str, int]] = {
        (row["member_id"], row["date"]): row
        for row in DailyLog.objects.filter(tenant=tenant, member__in=members, date__range=(period.start, last)).values(
            "member_id", "date", *ITEMS
        )
    }
    result = {}
    for member in members:
        met = judged = 0
        for day in _own_days(member, period, last):
            verdict = meets_standard(logs.get((member.pk, day)), standard_on(standards.get(member.tier, []), day))
            if verdict is None:
                continue  # no standard that day: nothing to judge
            judged += 1
            met += int(verdict)
        result[member.pk] = {Measure.ACTIVITY_COMPLIANCE: _share(met, judged)}
    return result


def _duty_completion(tenant: Tenant, supervisors: Sequence[Member], period: Period, today: date) -> dict[int, dict]:
    """Working days with the whole 111 done ÷ working days (tracking calls: each active direct report)."""
    last = judged_until(period, today)
    reports = dict(
        Member.objects.filter(tenant=tenant, supervisor__in=supervisors, active=True)
        .values_list("supervisor_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    done: dict[tuple[int, date], dict[str, int]] = defaultdict(dict)
    for supervisor_id, day, kind, people in (
        Duty.objects.filter(tenant=tenant, supervisor__in=supervisors, date__range=(period.start, last))
        .values_list("supervisor_id", "date", "kind")
        .annotate(people=Count("member_id", distinct=True))
        .order_by()
    ):
        done[(supervisor_id, day)][kind] = people
    result = {}
    for supervisor in supervisors:
        days = _own_days(supervisor, period, last)
        complete = 0
        for day in days:
            kinds = done.get((supervisor.pk, day), {})
            complete += int(
                kinds.get(Duty.Kind.TRACKING_CALL, 0) >= reports.get(supervisor.pk, 0)
                and kinds.get(Duty.Kind.COACHING, 0) >= 1
                and kinds.get(Duty.Kind.SPOT_CHECK, 0) >= 1
            )
        result[supervisor.pk] = {Measure.DUTY_COMPLETION: _share(complete, len(days))}
    return result


def _renewal_work(tenant: Tenant, advisors: Sequence[Member], period: Period, today: date) -> dict[int, dict]:
    last = min(period.end, today)
    cases = {
        advisor_id: (due, renewed)
        for advisor_id, due, renewed in RenewalCase.objects.filter(
            tenant=tenant, advisor__in=advisors, due_on__range=(period.start, last)
        )
        .values_list("advisor_id")
        .annotate(due=Count("id"), renewed=Count("id", filter=Q(status=RenewalCase.Status.RENEWED)))
        .order_by()
    }
    lower, upper = tenant_days(tenant, period.start, last)
    now = timezone.now()
    tickets = {
        owner_id: (answered, met)
        for owner_id, answered, met in ServiceTicket.objects.filter(
            Q(responded_at__isnull=False) | Q(respond_by__lt=now),
            tenant=tenant,
            owner__in=advisors,
            opened_at__gte=lower,
            opened_at__lt=upper,
        )
        .values_list("owner_id")
        .annotate(
            due=Count("id"),
            met=Count("id", filter=Q(responded_at__isnull=False, responded_at__lte=F("respond_by"))),
        )
        .order_by()
    }
    result = {}
    for advisor in advisors:
        due, renewed = cases.get(advisor.pk, (0, 0))
        answered, met = tickets.get(advisor.pk, (0, 0))
        # Follow-up completion is the renewals page's own rule, read per advisor (a team's worth of queries).
        completion = follow_up_completion(tenant=tenant, actor=advisor, start=period.start, end=period.end, today=today)
        result[advisor.pk] = {
            Measure.RENEWAL_RATE: _share(renewed, due),
            Measure.SLA_COMPLIANCE: _share(met, answered),
            Measure.FOLLOW_UP_COMPLETION: _share(completion.completed, completion.scheduled),
        }
    return result


def _satisfaction(tenant: Tenant, members: Sequence[Member], period: Period, today: date) -> dict[int, dict]:
    """The score entered for the period, else the call-backs' average (1–5) × 20."""
    entered = dict(
        SatisfactionScore.objects.filter(tenant=tenant, member__in=members, period=period.key).values_list(
            "member_id", "score"
        )
    )
    lower, upper = tenant_days(tenant, period.start, min(period.end, today))
    call_backs = {
        owner_id: (count, average)
        for owner_id, count, average in ServiceTicket.objects.filter(
            tenant=tenant, owner__in=members, satisfaction__isnull=False, callback_at__gte=lower, callback_at__lt=upper
        )
        .values_list("owner_id")
        .annotate(count=Count("id"), average=Avg("satisfaction"))
        .order_by()
    }
    result = {}
    for member in members:
        if member.pk in entered:
            value = MeasureValue(entered[member.pk], source="entered")
        elif member.pk in call_backs:
            count, average = call_backs[member.pk]
            average = Decimal(average).quantize(CENT, ROUND_HALF_UP)
            value = MeasureValue(average * 20, actual=average, basis=Decimal(count), source="call_backs")
        else:
            value = NO_DATA
        result[member.pk] = {Measure.SATISFACTION: value}
    return result


# Which reader fills which measures, and for which role's members.
_READERS = (
    (Role.AGENT, _attainment),
    (Role.AGENT, _activity_compliance),
    (Role.SUPERVISOR, _team_attainment),
    (Role.SUPERVISOR, _duty_completion),
    (Role.RENEWAL_ADVISOR, _renewal_work),
)


def measure_values(
    *, tenant: Tenant, members: Sequence[Member], period: Period, today: date
) -> dict[int, dict[str, MeasureValue]]:
    """Return every member's figure of every measure of their role for ``period`` (a few queries a role)."""
    values: dict[int, dict[str, MeasureValue]] = {member.pk: {} for member in members}
    by_role: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        by_role[member.role].append(member)
    readers = [*_READERS, *((role, _satisfaction) for role in ROLE_MEASURES)]
    for role, reader in readers:
        if not by_role.get(role):
            continue
        for member_id, figures in reader(tenant, by_role[role], period, today).items():
            values[member_id].update(figures)
    return values

"""A small team's October 2026, worked out by hand for the scorecard tests (seen on 22 Nov 2026).

October 2026 has 22 working days (Thu 1, Fri 2, then four full weeks).

- agent (hired 2024): premium target 50,000, sold 40,000 → 80 % → 50 × 0.80
  = 40.00 points; the 5311 standard met on 11 of 22 working days (plus a
  Saturday, which does not count) → 50 % → 30 × 0.50 = 15.00; satisfaction
  entered 90 → 20 × 0.90 = 18.00. Score 73.00.
- agent2, hired Monday 19 October: 10 working days, 8 at standard → 80 % →
  24.00; target 20,000, sold 30,000 → 150 %, capped at 100 → 50.00; no
  satisfaction → left out: (50.00 + 24.00) × 100 ÷ 80 = 92.50.
- supervisor: team north-1 target 100,000, sold 40,000 + 30,000 = 70,000 →
  70 % → 35.00; the whole 111 (tracking calls to both reports, a coaching,
  a spot-check) on 5 of 22 days → 0.2273 → 22.73 → 30 × 0.2273 = 6.82; no
  satisfaction: (35.00 + 6.82) × 100 ÷ 80 = 52.275 → 52.28.
- advisor: 4 cases due in October, 3 renewed → 75 % → 60 × 0.75 = 45.00;
  2 tickets with their deadline passed, 1 answered in time → 50 % →
  10 × 0.50 = 5.00; call-backs 4 and 5 → 4.50 × 20 = 90 → 27.00. Score 77.00.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from activities.models import Duty
from renewals.models import ServiceTicket
from targets.models import Allocation, Plan, SatisfactionScore
from tests.dashboards.rollup_data import log, sale
from tests.renewals.metrics_data import walk
from tests.renewals.renewal_data import make_case

TODAY = date(2026, 11, 22)
ZONE = ZoneInfo("Asia/Shanghai")
STANDARD = {"phone_appointments": 5, "sales_interviews": 3, "recruiting_interviews": 1, "new_prospects": 1}
BELOW = {**STANDARD, "sales_interviews": 2}


def october_working_days() -> list[date]:
    return [date(2026, 10, day) for day in range(1, 32) if date(2026, 10, day).weekday() < 5]


def premium_plan(org) -> Plan:
    return Plan.objects.create(tenant=org.tenant, year=2026, quarter=4, metric=Plan.Metric.PREMIUM, total=170000)


def target(org, plan, member, amount, month=10):
    Allocation.objects.create(
        tenant=org.tenant, plan=plan, unit=member.unit, member=member, month=month, amount=Decimal(amount)
    )


def write_october(org) -> None:
    plan = premium_plan(org)
    target(org, plan, org.agent, "50000")
    target(org, plan, org.agent2, "20000")
    Allocation.objects.create(
        tenant=org.tenant, plan=plan, unit=org.units["north1"], month=10, amount=Decimal("100000")
    )
    sale(org, org.agent, date(2026, 10, 9), "25000")
    sale(org, org.agent, date(2026, 10, 28), "15000")
    sale(org, org.agent2, date(2026, 10, 27), "30000")
    sale(org, org.agent, date(2026, 11, 3), "99999")  # November: not October's

    days = october_working_days()
    for day in days[:11]:
        log(org, org.agent, day, **STANDARD)
    for day in days[11:14]:
        log(org, org.agent, day, **BELOW)
    log(org, org.agent, date(2026, 10, 10), **STANDARD)  # a Saturday: not a working day
    SatisfactionScore.objects.create(tenant=org.tenant, member=org.agent, period="2026-10", score=Decimal(90))

    org.agent2.hired_on = date(2026, 10, 19)
    org.agent2.save(update_fields=["hired_on"])
    joined = [day for day in days if day >= date(2026, 10, 19)]
    for day in joined[:8]:
        log(org, org.agent2, day, **STANDARD)

    for index, day in enumerate(days[:6]):
        for member in (org.agent, org.agent2):
            Duty.objects.create(
                tenant=org.tenant, supervisor=org.supervisor, member=member, kind=Duty.Kind.TRACKING_CALL, date=day
            )
        Duty.objects.create(
            tenant=org.tenant, supervisor=org.supervisor, member=org.agent, kind=Duty.Kind.COACHING, date=day
        )
        if index < 5:  # the sixth day misses its spot-check
            Duty.objects.create(
                tenant=org.tenant, supervisor=org.supervisor, member=org.agent, kind=Duty.Kind.SPOT_CHECK, date=day
            )

    for number, due in enumerate((date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 20), date(2026, 10, 30))):
        case = make_case(org, f"P-{org.tenant.slug}-{number}", due_on=due, advisor=org.advisor)
        if number < 3:
            walk(org, case, "contacted", "quoted", "renewed")
    make_case(org, f"P-{org.tenant.slug}-nov", due_on=date(2026, 11, 4), advisor=org.advisor)  # not October's
    opened = datetime(2026, 10, 14, 9, 0, tzinfo=ZONE)
    for responded, satisfaction in ((opened + timedelta(hours=1), 4), (opened + timedelta(hours=5), 5)):
        ServiceTicket.objects.create(
            tenant=org.tenant,
            customer="客户",
            subject="投诉",
            owner=org.advisor,
            opened_at=opened,
            respond_by=opened + timedelta(hours=2),
            responded_at=responded,
            callback_at=opened + timedelta(days=1),
            satisfaction=satisfaction,
            status=ServiceTicket.Status.CLOSED,
        )

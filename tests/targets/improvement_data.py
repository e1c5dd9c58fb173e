"""Facts for the improvement-plan tests, worked out by hand (no tests here: imported by test_improvement*.py).

The beat runs on Mon 2 Nov 2026: September (22 working days) and October
(22) are the last two months that ended. Every tenant starts with the 5311
standard (activities' seed), so a month without a single log scores 0 on
activity compliance; a measure without data (no target, no satisfaction)
is left out and the other weights scale to 100. Default weights: agents
premium attainment 50 / activity compliance 30 / satisfaction 20;
supervisors team attainment 50 / 111 completion 30 / satisfaction 20.
Floor 60.00, two months in a row.

- agent: Sep target 50,000, sold 20,000 → 40 % → 20.00; 0 of 22 days →
  0.00; satisfaction 70 → 14.00; score 34.00. Oct target 50,000, sold
  25,000 → 50 % → 25.00; 0.00; satisfaction 80 → 16.00; score 41.00.
  Below both months → a plan, trigger 2026-09 34.00, 2026-10 41.00.
- agent2: Sep target 10,000, sold 12,000 → 120 %, capped → 50.00; 0.00;
  satisfaction 75 → 15.00; 65.00, not below. Oct: only the 0 of 22 days →
  0.00. Below in October only → no plan.
- agent3: only the 0 days → 0.00 both months, but October calibrated to
  65.00 → not below in October → no plan.
- agent4: hired Mon 5 Oct. A September target of 10,000 (no sale) would
  score 0.00, but September ended before they came: no score. October
  0 of 20 days → 0.00: one month below → no plan.
- supervisor, supervisor2: no team target; the whole 111 on none of 22
  days → 0.00 both months → plans (supervisor's supervisor is
  branch_manager; supervisor2 has none: a plan without one).
- advisor: no case, ticket or satisfaction → no score → no plan.
- August (for a three-month run): agent 0.00 (0 of 21 days, no target, no
  satisfaction), agent2 and agent3 0.00, agent4 not hired yet.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from activities.models import Duty
from targets.models import Allocation, Plan, SatisfactionScore, ScoreCalibration
from tests.dashboards.rollup_data import sale

RUN_ON = date(2026, 11, 2)  # the beat's run: a Monday
WORK_DAY = date(2026, 12, 10)  # a Thursday, while the plan is worked
EXPECTED_PLANS = {"agent", "supervisor", "supervisor2"}


def target(org, plan: Plan, member, month: int, amount: str) -> None:
    Allocation.objects.create(
        tenant=org.tenant, plan=plan, unit=member.unit, member=member, month=month, amount=Decimal(amount)
    )


def write_two_months(org) -> None:
    """Write the facts of the module's docstring."""
    tenant = org.tenant
    q3 = Plan.objects.create(tenant=tenant, year=2026, quarter=3, metric=Plan.Metric.PREMIUM, total=70000)
    q4 = Plan.objects.create(tenant=tenant, year=2026, quarter=4, metric=Plan.Metric.PREMIUM, total=50000)
    target(org, q3, org.agent, 9, "50000")
    target(org, q4, org.agent, 10, "50000")
    target(org, q3, org.agent2, 9, "10000")
    target(org, q3, org.agent4, 9, "10000")
    sale(org, org.agent, date(2026, 9, 15), "20000")
    sale(org, org.agent, date(2026, 10, 20), "25000")
    sale(org, org.agent2, date(2026, 9, 8), "12000")
    for member, period, score in (
        (org.agent, "2026-09", 70),
        (org.agent, "2026-10", 80),
        (org.agent2, "2026-09", 75),
    ):
        SatisfactionScore.objects.create(tenant=tenant, member=member, period=period, score=Decimal(score))
    ScoreCalibration.objects.create(
        tenant=tenant,
        member=org.agent3,
        period="2026-10",
        original_score=Decimal("0.00"),
        score=Decimal("65.00"),
        reason="新人带教期，校准会议同意",
        calibrated_by=org.manager,
    )
    org.agent4.hired_on = date(2026, 10, 5)
    org.agent4.save(update_fields=["hired_on"])


def coaching(org, member, day: date, notes: str = "陪访", supervisor=None) -> Duty:
    return Duty.objects.create(
        tenant=org.tenant,
        supervisor=supervisor or org.supervisor,
        member=member,
        kind=Duty.Kind.COACHING,
        date=day,
        notes=notes,
    )


def set_today(monkeypatch, day: date) -> None:
    """Make the tenant's today ``day`` wherever the improvement code asks for it."""
    for module in ("services", "apis", "pages"):
        monkeypatch.setattr(f"targets.{module}.improvement.tenant_today", lambda tenant: day)

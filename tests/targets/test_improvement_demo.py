"""The demo's improvement plans: one open plan being worked, one closed as improved, once."""

from datetime import timedelta
from decimal import Decimal

from activities.models import Duty
from salesops.org.demo import seed_demo
from salesops.org.selectors import tenant_today
from targets.demo_improvement import seed_improvement
from targets.models import ImprovementCheckIn, ImprovementPlan

Status = ImprovementPlan.Status


def _months_before(day):
    last = day.replace(day=1) - timedelta(days=1)
    return [(last.replace(day=1) - timedelta(days=1)).replace(day=1), last.replace(day=1)]


def test_the_demo_has_an_open_plan_being_worked_and_a_closed_one(db):
    tenant, _created = seed_demo(password="demo-pass-2026")
    today = tenant_today(tenant)
    seed_improvement(tenant, today)
    seed_improvement(tenant, today)  # a second call leaves the demo as it was
    plans = {plan.status: plan for plan in ImprovementPlan.objects.filter(tenant=tenant).select_related("member")}
    assert set(plans) == {Status.OPEN, Status.IMPROVED}
    worked, closed = plans[Status.OPEN], plans[Status.IMPROVED]
    for plan in (worked, closed):
        assert plan.member.supervisor.user.username == "supervisor" == plan.supervisor.user.username
        assert plan.member.user.username != "agent"
        assert plan.member.hired_on < plan.opened_on
    assert ImprovementCheckIn.objects.filter(plan=worked).count() == 2
    assert ImprovementCheckIn.objects.filter(plan=closed).count() == 4
    assert (worked.opened_on - today).days == -17 and (closed.closed_on - closed.opened_on).days == 35
    coaching = Duty.objects.filter(tenant=tenant, member=worked.member, kind=Duty.Kind.COACHING)
    assert coaching.filter(date__gte=worked.opened_on).count() == 3
    assert closed.outcome and worked.goals
    # The trigger: those of the two months before the plan in which the service found the member below 60.
    months = [f"{month.year}-{month.month:02d}" for month in _months_before(worked.opened_on)]
    assert all(entry["period"] in months for entry in worked.trigger)
    assert all(Decimal(entry["score"]) < 60 for entry in worked.trigger)

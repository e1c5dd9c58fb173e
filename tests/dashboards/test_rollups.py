"""Rollup figures worked out by hand (tests/dashboards/rollup_data.py), incremental and rebuilt."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from dashboards.models import Rollup, RollupLine, RollupRequest
from dashboards.services import rollups
from targets.services import plans as plan_services
from tests.dashboards.rollup_data import NOVEMBER, OCTOBER, WEEK_1, WEEK_2, log, sale, write_boundary_week
from tests.targets.plan_data import one_line_plan

pytestmark = pytest.mark.django_db


def row(org, scope, subject, grain, start):
    return Rollup.objects.get(tenant=org.tenant, scope=scope, subject_id=subject.pk, grain=grain, period_start=start)


def figures(rollup, *names):
    return tuple(getattr(rollup, name) for name in names)


SALES = ("policies", "premium", "producers", "agents")


def assert_boundary_week(org):
    unit, member = org.units, org.members
    # The agent: Friday's log and Saturday's sale in week 1 and October; Monday's log in week 2 and November.
    agent_w1 = row(org, "member", member["agent"], "week", WEEK_1)
    assert figures(agent_w1, "phone_appointments", "sales_interviews", "logged") == (5, 3, 1)
    assert figures(agent_w1, *SALES) == (1, Decimal("1000.00"), 1, 1)
    agent_w2 = row(org, "member", member["agent"], "week", WEEK_2)
    assert figures(agent_w2, "phone_appointments", "sales_interviews", "logged", "policies") == (4, 0, 1, 0)
    assert figures(row(org, "member", member["agent"], "month", OCTOBER), "phone_appointments", "policies") == (5, 1)
    assert figures(row(org, "member", member["agent"], "month", NOVEMBER), "phone_appointments", "policies") == (4, 0)

    # Team north-1 (agent, agent2) on Saturday 31 Oct: the one sale.
    north1_sat = row(org, "unit", unit["north1"], "day", date(2026, 10, 31))
    assert figures(north1_sat, *SALES) == (1, Decimal("1000.00"), 1, 2)
    # Branch north in week 1: agent's log and sale, agent2's Sunday log, agent3's Sunday sale.
    north_w1 = row(org, "unit", unit["north"], "week", WEEK_1)
    assert figures(north_w1, "phone_appointments", "sales_interviews", "logged") == (7, 3, 2)
    assert figures(north_w1, *SALES) == (3, Decimal("1500.00"), 2, 3)
    # The company: week 1 as the branch (south sold nothing then), week 2 Monday's log and agent4's sale.
    company = unit["company"]
    assert figures(row(org, "unit", company, "week", WEEK_1), "phone_appointments", *SALES) == (
        7,
        3,
        Decimal("1500.00"),
        2,
        4,
    )
    assert figures(row(org, "unit", company, "week", WEEK_2), "phone_appointments", *SALES) == (
        4,
        1,
        Decimal("250.50"),
        1,
        4,
    )
    # October holds only Friday and Saturday; November the Sunday and the Monday.
    assert figures(row(org, "unit", company, "month", OCTOBER), "phone_appointments", "sales_interviews", *SALES) == (
        5,
        3,
        1,
        Decimal("1000.00"),
        1,
        4,
    )
    assert figures(row(org, "unit", company, "month", NOVEMBER), "phone_appointments", *SALES) == (
        6,
        3,
        Decimal("750.50"),
        2,
        4,
    )
    # Lines of the company's week 1: agency · health 1 policy, group · employer liability 2.
    lines = {
        (line.channel_id, line.product_id): (line.policies, line.premium)
        for line in RollupLine.objects.filter(tenant=org.tenant, unit_id=company.pk, grain="week", period_start=WEEK_1)
    }
    assert sorted(lines.values()) == [(1, Decimal("1000.00")), (2, Decimal("500.00"))]


def test_writes_file_outbox_requests_in_their_transaction(org):
    # When the six facts are written through the services
    write_boundary_week(org)
    # Then each filed its member-day in the outbox, and no rollup exists before the worker runs
    requests = set(RollupRequest.objects.filter(tenant=org.tenant).values_list("member_id", "day"))
    assert requests == {
        (org.agent.pk, date(2026, 10, 30)),
        (org.agent.pk, date(2026, 10, 31)),
        (org.agent2.pk, date(2026, 11, 1)),
        (org.agent3.pk, date(2026, 11, 1)),
        (org.agent.pk, date(2026, 11, 2)),
        (org.agent4.pk, date(2026, 11, 2)),
    }
    assert not Rollup.objects.filter(tenant=org.tenant).exists()


def test_incremental_refresh_across_week_and_month_boundaries(org):
    write_boundary_week(org)
    # When the outbox is served
    served = rollups.refresh_pending(tenant_id=org.tenant.pk)
    # Then every request was consumed and the figures are the hand-worked ones
    assert served == 6
    assert not RollupRequest.objects.filter(tenant=org.tenant).exists()
    assert_boundary_week(org)


def test_rebuild_gives_the_same_figures_and_repairs_drift(org):
    write_boundary_week(org)
    RollupRequest.objects.all().delete()  # as if the worker never ran
    result = rollups.rebuild(tenant=org.tenant, start=date(2026, 10, 1), end=date(2026, 11, 22))
    assert result.months == 2
    assert_boundary_week(org)
    # Given drift (a row edited behind the engine's back) and a stray row
    company = org.units["company"]
    Rollup.objects.filter(tenant=org.tenant, scope="unit", subject_id=company.pk, grain="month").update(policies=99)
    # When rebuilt again
    result = rollups.rebuild(tenant=org.tenant, start=date(2026, 10, 1), end=date(2026, 11, 22))
    # Then exactly the two drifted rows were rewritten and the figures are right again
    assert result.changed["unit_periods"] == 2
    assert result.changed["member_periods"] == 0
    assert result.changed["unit_days"] == 0
    assert_boundary_week(org)


def test_a_sale_moved_to_another_member_and_day_leaves_both_right(org):
    write_boundary_week(org)
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    # When an import corrects agent4's Monday sale to agent2 on Tuesday
    from targets.models import SaleRecord
    from targets.services.sales import ImportMode, sale_records_import

    moved = SaleRecord.objects.get(tenant=org.tenant, member=org.agent4)
    content = (
        "policy_no,member,channel,product,premium,policies,sold_on,customer_kind,payment_mode\n"
        f"{moved.policy_no},{org.agent2.employee_no},agency,health,250.50,1,2026-11-03,new,regular\n"
    ).encode()
    result = sale_records_import(
        tenant=org.tenant,
        actor=org.admin,
        file=content,
        filename="fix.csv",
        mode=ImportMode.ALL_OR_NOTHING,
        today=date(2026, 11, 22),
    )
    assert result.updated == 1, result.errors
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    # Then the south branch lost the sale and team north-1 has it on Tuesday
    assert row(org, "unit", org.units["south"], "week", WEEK_2).policies == 0
    assert row(org, "unit", org.units["south"], "day", date(2026, 11, 2)).premium == Decimal("0.00")
    assert figures(row(org, "unit", org.units["north1"], "day", date(2026, 11, 3)), *SALES) == (
        1,
        Decimal("250.50"),
        1,
        2,
    )
    assert row(org, "unit", org.units["company"], "week", WEEK_2).premium == Decimal("250.50")


def test_targets_are_split_by_day_exactly(org):
    # Given the 2026 Q4 plan of 1,000,000.00 at 3:4:3, allocated: October 300,000, November 400,000
    plan = one_line_plan(org)
    plan_services.plan_allocate(tenant=org.tenant, actor=org.manager, plan=plan)
    log(org, org.agent, date(2026, 10, 30), phone_appointments=1)
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    company = org.units["company"]
    # Then the month rows carry the month targets
    assert row(org, "unit", company, "month", OCTOBER).target_premium == Decimal("300000.00")
    assert row(org, "unit", company, "month", NOVEMBER).target_premium == Decimal("400000.00")
    # Saturday 31 Oct: 300,000 − round(300,000 × 30/31) = 300,000 − 290,322.58
    assert row(org, "unit", company, "day", date(2026, 10, 31)).target_premium == Decimal("9677.42")
    # Week 1: 26–31 Oct = 300,000 − round(300,000 × 25/31) = 58,064.52, plus 1 Nov = round(400,000/30) = 13,333.33
    assert row(org, "unit", company, "week", WEEK_1).target_premium == Decimal("71397.85")
    # And every day of October adds up to October exactly
    october_days = Rollup.objects.filter(
        tenant=org.tenant,
        scope="unit",
        subject_id=company.pk,
        grain="day",
        period_start__range=(OCTOBER, date(2026, 10, 31)),
    )
    assert october_days.count() == 31
    assert sum(day.target_premium for day in october_days) == Decimal("300000.00")
    # An agent's month rows carry their own month targets, which add up to the company's
    agent_months = Rollup.objects.filter(tenant=org.tenant, scope="member", grain="month", period_start=OCTOBER)
    assert sum(r.target_premium for r in agent_months if r.target_premium) == Decimal("300000.00")


def test_rebuild_command_shows_progress_and_refuses_bad_input(org, capsys):
    write_boundary_week(org)
    call_command("rebuild_rollups", "--tenant", org.tenant.slug, "--from", "2026-10-01", "--to", "2026-11-22")
    out = capsys.readouterr().out
    assert "2/2" in out
    assert_boundary_week(org)
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="unknown tenant"):
        call_command("rebuild_rollups", "--tenant", "nobody")
    with pytest.raises(CommandError, match="after"):
        call_command("rebuild_rollups", "--tenant", org.tenant.slug, "--from", "2026-11-02", "--to", "2026-11-01")


def test_refresh_of_one_tenant_never_touches_another(org, other_org):
    write_boundary_week(org)
    sale(other_org, other_org.agent, date(2026, 10, 31), "7.00")
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    # Then only the first tenant has rollups; the other's request waits for its own refresh
    assert not Rollup.objects.filter(tenant=other_org.tenant).exists()
    assert RollupRequest.objects.filter(tenant=other_org.tenant).count() == 1
    rollups.refresh_pending(tenant_id=other_org.tenant.pk)
    assert row(other_org, "unit", other_org.units["company"], "day", date(2026, 10, 31)).premium == Decimal("7.00")
    assert row(org, "unit", org.units["company"], "day", date(2026, 10, 31)).premium == Decimal("1000.00")


def test_nightly_reconcile_repairs_drift_and_raises_alerts(org, settings):
    from dashboards.models import Alert
    from dashboards.tasks import reconcile_tenant

    write_boundary_week(org)
    RollupRequest.objects.all().delete()  # the refreshes were lost: only the reconcile can help
    # When the nightly task runs (here in this process; beat sends it at 02:30)
    changed = reconcile_tenant.apply(args=[org.tenant.pk]).get()
    # Then this quarter's rollups are right and today's alerts are raised (no one has logged today)
    assert changed["member_periods"] > 0
    assert row(org, "unit", org.units["company"], "month", NOVEMBER).premium == Decimal("750.50")
    assert Alert.objects.filter(tenant=org.tenant, kind="low_activity").exists()
    # And beat has both jobs
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule >= {"dashboards.tasks.reconcile_all", "dashboards.tasks.sweep_rollup_requests"}

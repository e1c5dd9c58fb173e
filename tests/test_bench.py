"""The `make bench` harness: the generated tenant's shape, the scenarios' plumbing, and the table.

The generator and the scenarios run here at a tiny size; their speed, and
every other figure, is measured by `make bench` only (no wall-clock
assertions in tests).
"""

import os
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db.models import Count, Max, Min, Q, Sum
from rest_framework.authtoken.models import Token

from activities.models import ITEMS, DailyLog, DailyLogChange
from dashboards.models import Rollup, RollupRequest
from salesops.bench import report, scenarios
from salesops.bench.database import bench_database_url
from salesops.bench.generate import LOG_MEANS, BenchSize, Quarter, bench_rollups_rebuild, bench_tenant_get_or_generate
from salesops.bench.worker import database_url, queue_delete
from salesops.celery import app as celery_app
from salesops.org.models import Channel, Member, OrgUnit, Product, Tenant, User
from targets.models import Allocation, Plan, SaleRecord

TINY = BenchSize(branches=2, teams_per_branch=3, agents_per_team=5, sales_per_agent=3, recent_sales_per_agent=4)
TODAY = date(2026, 11, 22)  # benchmarked quarter 2026 Q4, sale history 2026 Q3
QUARTER_START, HISTORY_START, HISTORY_END = date(2026, 10, 1), date(2026, 7, 1), date(2026, 9, 30)
FACTS_START = date(2026, 8, 23)  # the 92 days of work logs and recent sales end TODAY
ROLLUP_FIGURES = ("scope", "subject_id", "grain", "period_start", *ITEMS, "logged", "policies", "premium")
ROLLUP_FIGURES += ("agents", "producers", "target_premium", "target_policies")


def rollup_figures(tenant: Tenant) -> set[tuple]:
    """Every rollup row of the tenant as its figures (without when it was written)."""
    return set(Rollup.objects.filter(tenant=tenant).values_list(*ROLLUP_FIGURES))


def tenant_counts(tenant: Tenant) -> dict[str, int]:
    return {
        "units": OrgUnit.objects.filter(tenant=tenant).count(),
        "members": Member.objects.filter(tenant=tenant).count(),
        "users": User.objects.filter(tenant=tenant).count(),
        "sales": SaleRecord.objects.filter(tenant=tenant).count(),
        "channels": Channel.objects.filter(tenant=tenant).count(),
        "products": Product.objects.filter(tenant=tenant).count(),
    }


@pytest.fixture
def generated(org):
    """The tiny bench tenant, generated beside tenant acme (which must stay as it is)."""
    acme_before = tenant_counts(org.tenant)
    lines: list[str] = []
    bench = bench_tenant_get_or_generate(size=TINY, today=TODAY, progress=lines.append)
    return bench, lines, acme_before


def test_generator_builds_the_org_tree_with_correct_paths(generated):
    # Given the tiny size 2 branches × 3 teams × 5 agents
    bench, lines, _ = generated
    # Then the tree has one company, the branches under it and the teams under those
    units = {unit.pk: unit for unit in OrgUnit.objects.filter(tenant=bench.tenant)}
    kinds = {kind: [u for u in units.values() if u.kind == kind] for kind in ("company", "branch", "team")}
    assert [len(kinds[k]) for k in ("company", "branch", "team")] == [1, 2, 6]
    (company,) = kinds["company"]
    assert company.path == f"/{company.pk}/"
    for unit in kinds["branch"] + kinds["team"]:
        parent = units[unit.parent_id]
        assert parent.kind == ("company" if unit.kind == "branch" else "branch")
        assert unit.path == f"{parent.path}{unit.pk}/"
    # And every team has 5 agents
    per_team = Member.objects.filter(tenant=bench.tenant, role="agent").values("unit").annotate(n=Count("id"))
    assert sorted(row["n"] for row in per_team) == [5] * 6
    assert bench.size.agents == 30 and not bench.reused
    # And it said what it did, step by step, with the elapsed seconds
    assert any("users and members" in line for line in lines)
    assert all(" s  " in line for line in lines)


def test_generator_gives_every_agent_a_supervisor_and_every_leader_a_manager(generated):
    bench, _, _ = generated
    members = Member.objects.filter(tenant=bench.tenant).select_related("unit", "supervisor__unit")
    roles = {role: n for role, n in members.values_list("role").annotate(n=Count("id")).order_by()}
    # One company manager and one per branch, one supervisor per team, the tenant admin.
    assert roles == {"agent": 30, "supervisor": 6, "manager": 3, "tenant_admin": 1}
    for member in members:
        if member.role == "agent":
            assert member.supervisor.role == "supervisor" and member.supervisor.unit_id == member.unit_id
        elif member.role == "supervisor" or (member.role == "manager" and member.unit.kind == "branch"):
            assert member.supervisor.role == "manager" and member.supervisor.unit_id == member.unit.parent_id
        else:
            assert member.supervisor is None


def test_generator_writes_unusable_logins_and_unique_employee_numbers(generated):
    bench, _, _ = generated
    users = User.objects.filter(tenant=bench.tenant)
    assert users.count() == 40
    assert all(user.username.startswith("bench-") for user in users)
    assert not any(user.has_usable_password() for user in users)
    numbers = list(Member.objects.filter(tenant=bench.tenant).exclude(role="tenant_admin").values_list("employee_no"))
    assert len(numbers) == 39 and len(set(numbers)) == 39 and ("",) not in numbers


def test_generator_hires_a_tenth_of_the_agents_less_than_three_months_before_the_quarter(generated):
    bench, _, _ = generated
    agents = Member.objects.filter(tenant=bench.tenant, role="agent")
    new = agents.filter(hired_on__gt=HISTORY_START)  # 2026-07-01 is three months before 2026-10-01
    assert bench.quarter == Quarter(2026, 4) and bench.history == Quarter(2026, 3)
    assert new.count() == TINY.new_agents == 3
    assert all(hired < QUARTER_START for hired in new.values_list("hired_on", flat=True))
    assert agents.exclude(pk__in=new).aggregate(last=Max("hired_on"))["last"] <= QUARTER_START - timedelta(days=120)
    # New agents are in the bottom tier; each team of 5 has one top agent, its best experienced producer.
    assert set(new.values_list("tier", flat=True)) == {"bottom"}
    last_quarter = Q(sales__sold_on__range=(HISTORY_START, HISTORY_END))
    experienced = agents.exclude(pk__in=new).annotate(premium=Sum("sales__premium", filter=last_quarter, default=0))
    for team in OrgUnit.objects.filter(tenant=bench.tenant, kind="team"):
        best = max(experienced.filter(unit=team), key=lambda agent: (agent.premium, -agent.pk))
        assert list(agents.filter(unit=team, tier="top")) == [best]


def test_generator_writes_last_quarters_and_recent_sales_for_agents_after_their_hire(generated):
    bench, _, _ = generated
    sales = SaleRecord.objects.filter(tenant=bench.tenant).select_related("member", "channel", "product")
    # Last quarter's (policy numbers BENCH…) and the 92 days' (BENCHR…), each 0–2 × the mean per agent
    history, recent = sales.exclude(policy_no__startswith="BENCHR"), sales.filter(policy_no__startswith="BENCHR")
    assert 0 < history.count() <= 30 * 6 and 0 < recent.count() <= 30 * 8
    assert history.count() + recent.count() == sales.count() == bench.sales
    span = history.aggregate(first=Min("sold_on"), last=Max("sold_on"), low=Min("premium"), high=Max("premium"))
    assert HISTORY_START <= span["first"] and span["last"] <= HISTORY_END
    assert Decimal("1000.00") <= span["low"] and span["high"] <= Decimal("100000.00")
    recent_span = recent.aggregate(first=Min("sold_on"), last=Max("sold_on"))
    assert FACTS_START <= recent_span["first"] and recent_span["last"] <= TODAY  # never after today
    codes = {("agency", "health"), ("agency", "annuity"), ("group", "employer_liability")}
    codes |= {("group", "group_annuity"), ("bancassurance", "single_premium_savings")}
    for sale in sales:
        assert sale.member.role == "agent" and sale.member.tenant_id == bench.tenant.pk
        assert sale.sold_on >= sale.member.hired_on
        assert sale.premium == sale.premium.quantize(Decimal("0.01")) and sale.policies == 1
        assert (sale.channel.code, sale.product.code) in codes
        assert sale.channel.tenant_id == sale.product.tenant_id == bench.tenant.pk
        assert sale.customer_kind in {"new", "existing"} and sale.payment_mode in {"regular", "single"}
        if sale.product.code == "single_premium_savings":
            assert sale.payment_mode == "single"
    assert len({sale.policy_no for sale in sales}) == bench.sales


def test_generator_leaves_other_tenants_alone(generated, org):
    bench, _, acme_before = generated
    assert tenant_counts(org.tenant) == acme_before
    assert bench.tenant.pk != org.tenant.pk


def test_generator_reuses_a_matching_tenant_and_regenerates_on_request(generated, org):
    # Given the generated tenant
    bench, _, acme_before = generated
    premiums = sorted(SaleRecord.objects.filter(tenant=bench.tenant).values_list("premium", flat=True))
    # When it is asked for again, it is reused as it is
    again = bench_tenant_get_or_generate(size=TINY, today=TODAY, progress=None)
    assert again.reused and again.tenant.pk == bench.tenant.pk and again.sales == bench.sales
    # When it is regenerated (one of its logins holding an API token), the old one is gone
    # and the new one is the same data (fixed seed)
    Token.objects.create(user=User.objects.filter(tenant=bench.tenant).first())
    lines: list[str] = []
    fresh = bench_tenant_get_or_generate(size=TINY, today=TODAY, regenerate=True, progress=lines.append)
    assert any("deleted table by table" in line for line in lines)
    assert not fresh.reused and fresh.tenant.pk != bench.tenant.pk
    assert not Tenant.objects.filter(pk=bench.tenant.pk).exists()
    assert sorted(SaleRecord.objects.filter(tenant=fresh.tenant).values_list("premium", flat=True)) == premiums
    # When another size is asked for, the tenant is generated again at that size
    bigger = bench_tenant_get_or_generate(size=BenchSize(1, 2, 3), today=TODAY, progress=None)
    assert not bigger.reused and Member.objects.filter(tenant=bigger.tenant, role="agent").count() == 6
    assert Tenant.objects.filter(slug="bench").count() == 1
    # And tenant acme never changed
    assert tenant_counts(org.tenant) == acme_before


def test_the_default_size_has_branches_of_2000_agents():
    size = BenchSize()
    assert (size.branches, size.teams_per_branch, size.agents_per_team) == (10, 200, 10)
    assert size.teams == 2000 and size.agents == 20000 and size.teams_per_branch * size.agents_per_team == 2000
    assert size.describe() == "10 branches × 200 teams × 10 agents = 20,000 agents"


def test_a_tenant_of_the_same_totals_in_another_shape_is_generated_again(generated):
    # Given the tiny tenant, 2 branches × 3 teams × 5 agents (6 teams, 30 agents)
    bench, _, _ = generated
    # When 3 branches × 2 teams × 5 agents are asked for (the same teams and agents, as the
    # 100 × 20 tenant of old and the 10 × 200 one of now both have 2,000 teams and 20,000 agents)
    reshaped = BenchSize(branches=3, teams_per_branch=2, agents_per_team=5, sales_per_agent=3, recent_sales_per_agent=4)
    lines: list[str] = []
    again = bench_tenant_get_or_generate(size=reshaped, today=TODAY, progress=lines.append)
    # Then it is generated again in the new shape, and says why
    assert not again.reused and again.tenant.pk != bench.tenant.pk
    assert any("has 2 branches × 3 teams × 5 agents, not 3 branches × 2 teams × 5 agents" in line for line in lines)
    per_branch = OrgUnit.objects.filter(tenant=again.tenant, kind="team").values("parent").annotate(n=Count("id"))
    assert sorted(row["n"] for row in per_branch) == [2, 2, 2]


def test_bench_database_is_the_configured_one_plus_bench():
    assert bench_database_url("postgres://postgres@127.0.0.1:5432/salesops") == (
        "postgres://postgres@127.0.0.1:5432/salesops_bench"
    )
    assert bench_database_url("postgres://u:p@db/app?sslmode=require") == "postgres://u:p@db/app_bench?sslmode=require"
    assert bench_database_url("postgres://u@db/app_bench") == "postgres://u@db/app_bench"


def test_plan_lines_sum_exactly_to_an_odd_total():
    total = Decimal("12345678.91")
    lines = scenarios.channel_lines(total)
    assert sum(line["amount"] for line in lines) == total
    assert [line["channel"] for line in lines] == ["agency", "agency", "group", "group", "bancassurance"]


def test_the_registry_holds_the_plan_and_rollup_scenarios_with_their_goals():
    goals = {item.name: item.goal_seconds for item in scenarios.SCENARIOS}
    assert goals["allocate_new_plan_20k_agents"] == goals["allocate_plan_20k_agents"] == 5.0
    assert goals["override_one_agent"] is None
    assert goals["raw_group_by"] is goals["rollup_rebuild"] is goals["rollup_rebuild_from_empty"] is None
    assert goals["quarter_refresh_after_plan"] is None
    assert goals["incremental_refresh"] == 2.0
    assert goals["dashboard_supervisor_branch"] == goals["dashboard_manager_company"] == 0.3
    timed = {item.name: item.timed for item in scenarios.SCENARIOS}
    assert timed["incremental_refresh"] == "samples" and timed["quarter_refresh_after_plan"] == "once"
    assert timed["dashboard_supervisor_branch"] == timed["dashboard_manager_company"] == "samples"
    # The dashboards are timed after two warm-up requests, whatever --warmups says
    warmups = {item.name: item.min_warmups for item in scenarios.SCENARIOS}
    assert warmups["dashboard_supervisor_branch"] == warmups["dashboard_manager_company"] == 2
    assert {timed[name] for name in ("raw_group_by", "rollup_rebuild", "rollup_rebuild_from_empty")} == {"runs"}
    # The rebuild's goal is relative: at most twice the raw GROUP BY, median over median
    ratios = {(ratio.numerator, ratio.denominator): ratio.goal for ratio in scenarios.RATIOS}
    assert ratios == {("rollup_rebuild", "raw_group_by"): 2.0, ("rollup_rebuild_from_empty", "raw_group_by"): 2.0}


def test_table_reports_percentiles_and_whether_the_goal_was_met():
    fast = report.Row("fast", "10 agents", [0.5, 0.1, 0.2, 0.4, 0.3], rows=1200, goal_seconds=1.0)
    slow = report.Row("slow", "10 agents", [2.0, 2.0, 2.0, 2.0, 9.0], goal_seconds=5.0)
    skipped = report.Row("later", "—", [], goal_seconds=5.0, skipped="not written yet")
    assert report.percentile(fast.seconds, 0.5) == 0.3
    assert report.percentile(fast.seconds, 0.95) == pytest.approx(0.48)
    assert (fast.met, slow.met, skipped.met) == ("yes", "**NO**", "not run")
    table = report.render_table([fast, slow, skipped])
    assert "| fast " in table and "1,200" in table and "`later` was not run: not written yet." in table


def test_ratio_lines_divide_the_medians_and_judge_the_goal():
    raw = report.Row("raw", "x", [1.0, 2.0, 3.0])
    fast = report.Row("fast", "x", [3.0, 4.0, 5.0])
    slow = report.Row("slow", "x", [9.0, 10.0, 11.0])
    skipped = report.Row("later", "—", [], skipped="not written yet")
    rows = [raw, fast, slow, skipped]
    assert report.Ratio("fast", "raw", 2.0).value(rows) == 2.0 and not report.Ratio("fast", "raw", 2.0).missed(rows)
    assert report.Ratio("slow", "raw", 2.0).missed(rows)
    assert report.Ratio("later", "raw", 2.0).value(rows) is None and not report.Ratio("later", "raw", 2.0).missed(rows)
    lines = report.render_ratios(
        rows,
        [report.Ratio("fast", "raw", 2.0), report.Ratio("slow", "raw", 2.0), report.Ratio("later", "raw", 2.0)]
        + [report.Ratio("fast", "not asked for", 2.0)],
    ).splitlines()
    assert lines == [
        "- `fast` / `raw` (median over median): 2.00× (goal ≤ 2×: yes)",
        "- `slow` / `raw` (median over median): 5.00× (goal ≤ 2×: **NO**)",
        "- `later` / `raw` (median over median): — (not both timed; goal ≤ 2×)",
    ]


def test_worker_database_url_is_built_from_the_connection_settings():
    assert database_url({"NAME": "salesops_bench", "USER": "postgres", "HOST": "127.0.0.1", "PORT": 5432}) == (
        "postgres://postgres@127.0.0.1:5432/salesops_bench"
    )
    assert database_url({"NAME": "db", "USER": "me", "PASSWORD": "p@ss/word", "HOST": "h", "PORT": ""}) == (
        "postgres://me:p%40ss%2Fword@h/db"
    )


def test_docs_table_is_replaced_between_the_markers_and_the_prose_kept():
    docs = (settings.BASE_DIR / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    updated = report.docs_table_replace(docs, "| new | table |")
    before, after = docs.split(report.DOCS_START)[0], docs.split(report.DOCS_END)[1]
    assert updated.startswith(before) and updated.endswith(after)
    assert "| new | table |" in updated
    with pytest.raises(ValueError):
        report.docs_table_replace("no markers here", "| new | table |")


def test_the_plan_scenarios_run_on_the_generated_tenant(generated):
    # Given the tiny tenant; when each plan scenario runs once (no timing is judged here)
    bench, _, _ = generated
    run = scenarios.BenchRun(bench=bench, warmups=0, runs=1)
    first = scenarios.allocate_new_plan(run)
    allocated = scenarios.allocate_plan(run)
    assert first.rows == allocated.rows
    overridden = scenarios.override_one_agent(run)
    # Then allocation wrote its rows, the override took, and the plan is the benchmarked quarter's
    plan = Plan.objects.get(tenant=bench.tenant)
    assert (plan.year, plan.quarter, plan.metric) == (2026, 4, "premium")
    assert allocated.rows == Allocation.objects.filter(tenant=bench.tenant, plan=plan).count() > 30 * 16
    assert len(allocated.seconds) == len(overridden.seconds) == 1
    assert Allocation.objects.filter(tenant=bench.tenant, plan=plan, overridden=True).count() == 1
    assert sum(line.amount for line in plan.lines.all()) == plan.total == scenarios.plan_total(bench)
    # And the plan's quarter refresh is served (its targets reach the company's month rollup)
    refreshed = scenarios.quarter_refresh_after_plan(run)
    assert refreshed.rows == 1 and len(refreshed.seconds) == 1
    assert not RollupRequest.objects.filter(tenant=bench.tenant).exists()
    company = OrgUnit.objects.get(tenant=bench.tenant, kind="company")
    month = Rollup.objects.get(
        tenant=bench.tenant, scope="unit", subject_id=company.pk, grain="month", period_start=QUARTER_START
    )
    cells = Allocation.objects.filter(tenant=bench.tenant, plan=plan, unit=company, member=None, month=10)
    assert month.target_premium == cells.aggregate(total=Sum("amount"))["total"] > 0


def test_regenerating_the_only_tenant_empties_the_tables_at_once(db):
    # Given a database holding nothing but the bench tenant (as the bench database does)
    first = bench_tenant_get_or_generate(size=TINY, today=TODAY, progress=None)
    lines: list[str] = []
    # When it is regenerated
    fresh = bench_tenant_get_or_generate(size=TINY, today=TODAY, regenerate=True, progress=lines.append)
    # Then the old one went by TRUNCATE and the new one has the full shape
    assert any("truncated" in line for line in lines)
    assert list(Tenant.objects.values_list("pk", flat=True)) == [fresh.tenant.pk] != [first.tenant.pk]
    assert tenant_counts(fresh.tenant) == {
        "units": 9,
        "members": 40,
        "users": 40,
        "sales": fresh.sales,
        "channels": 3,
        "products": 5,
    }
    assert User.objects.count() == 40 and fresh.sales == first.sales


def test_generator_writes_92_days_of_work_logs_mostly_on_weekdays(generated):
    # Given the tiny tenant generated with today 2026-11-22
    bench, lines, _ = generated
    logs = DailyLog.objects.filter(tenant=bench.tenant).select_related("member")
    assert bench.today == TODAY and bench.facts_start == FACTS_START and bench.logs == logs.count()
    # Then each log is an agent's, on a day of the 92 ending today, on or after their hire date
    span = logs.aggregate(first=Min("date"), last=Max("date"))
    assert FACTS_START <= span["first"] and span["last"] <= TODAY  # no future logs
    assert all(log.member.role == "agent" and log.date >= log.member.hired_on for log in logs)
    # And each count lies between 0 and twice its mean (the 5311 standard), none flagged
    for item, mean in LOG_MEANS.items():
        low_high = logs.aggregate(low=Min(item), high=Max(item))
        assert 0 <= low_high["low"] and low_high["high"] <= 2 * mean
    assert not logs.filter(flagged=True).exists()
    # And most agents log on a weekday, few on a weekend (90% and 20% drawn)
    days = Counter(day.weekday() >= 5 for day in logs.values_list("date", flat=True))
    weekdays = sum(1 for n in range(92) if (FACTS_START + timedelta(days=n)).weekday() < 5)
    assert 0.8 * 30 * weekdays <= days[False] <= 30 * weekdays
    assert 0 < days[True] <= 0.35 * 30 * (92 - weekdays)
    assert any("work logs in the 92 days 2026-08-23 – 2026-11-22" in line for line in lines)


def test_generator_rolls_up_the_92_days(generated):
    # Given the tiny tenant; then its rollups are there: the company's day equals that day's logs and sales
    bench, lines, _ = generated
    company = OrgUnit.objects.get(tenant=bench.tenant, kind="company")
    for day in (FACTS_START, date(2026, 10, 14), TODAY):
        row = Rollup.objects.get(
            tenant=bench.tenant, scope="unit", subject_id=company.pk, grain="day", period_start=day
        )
        logs = DailyLog.objects.filter(tenant=bench.tenant, date=day)
        sales = SaleRecord.objects.filter(tenant=bench.tenant, sold_on=day).aggregate(premium=Sum("premium", default=0))
        assert row.logged == logs.count()
        assert row.sales_interviews == (logs.aggregate(n=Sum("sales_interviews"))["n"] or 0)
        assert row.premium == sales["premium"]
    assert any("rolled up month 4 of 4" in line for line in lines)


def test_generation_is_deterministic_logs_and_sales_alike(generated):
    bench, _, _ = generated

    def facts(tenant):
        logs = DailyLog.objects.filter(tenant=tenant).order_by("member__employee_no", "date")
        sales = SaleRecord.objects.filter(tenant=tenant).order_by("policy_no")
        return (
            list(logs.values_list("member__employee_no", "date", *ITEMS)),
            list(sales.values_list("policy_no", "member__employee_no", "sold_on", "premium", "product__code")),
        )

    before = facts(bench.tenant)
    fresh = bench_tenant_get_or_generate(size=TINY, today=TODAY, regenerate=True, progress=None)
    assert facts(fresh.tenant) == before and (fresh.logs, fresh.sales) == (bench.logs, bench.sales)


def test_a_tenant_without_work_logs_or_of_another_day_is_generated_again(generated):
    bench, _, _ = generated
    # Given the generated tenant stripped of its work logs (as one generated before logs were)
    DailyLog.objects.filter(tenant=bench.tenant).delete()
    lines: list[str] = []
    again = bench_tenant_get_or_generate(size=TINY, today=TODAY, progress=lines.append)
    assert not again.reused and any("has no work logs for the 92 days ending 2026-11-22" in line for line in lines)
    assert DailyLog.objects.filter(tenant=again.tenant).count() == again.logs > 0
    # When today has moved on a day, the logs no longer end today: generated again
    tomorrow = bench_tenant_get_or_generate(size=TINY, today=TODAY + timedelta(days=1), progress=None)
    assert not tomorrow.reused and tomorrow.facts_start == FACTS_START + timedelta(days=1)
    assert DailyLog.objects.filter(tenant=tomorrow.tenant).aggregate(last=Max("date"))["last"] <= TODAY + timedelta(1)


def test_the_rebuild_and_raw_group_by_scenarios_read_the_same_facts(generated):
    # Given the tiny tenant, rolled up; when the rollup scenarios run once each (no timing is judged)
    bench, _, _ = generated
    run = scenarios.BenchRun(bench=bench, warmups=0, runs=1)
    rolled_up = rollup_figures(bench.tenant)
    raw = scenarios.raw_group_by(run)
    steady = scenarios.rollup_rebuild(run)
    assert rollup_figures(bench.tenant) == rolled_up
    from_empty = scenarios.rollup_rebuild_from_empty(run)
    # Then the raw GROUP BY saw one group per member-day with a log or a sale
    log_days = set(DailyLog.objects.filter(tenant=bench.tenant).values_list("member_id", "date"))
    sale_days = set(
        SaleRecord.objects.filter(tenant=bench.tenant, sold_on__gte=FACTS_START).values_list("member_id", "sold_on")
    )
    assert raw.rows == len(log_days | sale_days) and len(raw.seconds) == 1
    # And its sums are the company's day rollups summed over the 92 days
    summary = scenarios.raw_group_by_query(bench)
    company = OrgUnit.objects.get(tenant=bench.tenant, kind="company")
    days = Rollup.objects.filter(
        tenant=bench.tenant, scope="unit", subject_id=company.pk, grain="day", period_start__range=(FACTS_START, TODAY)
    ).aggregate(sales_interviews=Sum("sales_interviews"), logged=Sum("logged"), premium=Sum("premium"))
    assert (summary[2], summary[6], summary[8]) == (days["sales_interviews"], days["logged"], days["premium"])
    # And a rebuild over right rollups changed no rollup (it replaces the channel × product lines
    # every time, which it counts), one into emptied tables wrote them all again
    assert 0 < steady.rows < from_empty.rows and len(steady.seconds) == len(from_empty.seconds) == 1
    assert rollup_figures(bench.tenant) == rolled_up


@pytest.fixture
def own_queue():
    """Send this process's tasks to a queue of its own, which only the scenario's worker serves."""
    before = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue = f"salesops-bench-test-{os.getpid()}"
    yield queue
    celery_app.conf.task_default_queue = before
    queue_delete(queue)


def test_the_incremental_scenario_goes_through_a_real_worker(transactional_db, own_queue):
    # Given a committed tiny tenant, rolled up, and a queue of this test's own
    bench = bench_tenant_get_or_generate(size=TINY, today=TODAY, progress=None)
    # When the scenario changes two logs (one warm-up) through daily_log_upsert and waits for the worker
    outcome = scenarios.incremental_refresh(scenarios.BenchRun(bench=bench, warmups=1, runs=1, samples=2))
    # Then it timed two samples, the logs were corrected by supervisors, and the outbox is empty
    assert len(outcome.seconds) == 2 and all(seconds > 0 for seconds in outcome.seconds)
    changes = DailyLogChange.objects.filter(tenant=bench.tenant, reason=scenarios.CORRECTION_REASON)
    assert changes.count() == 3 and {change.changed_by.role for change in changes} == {"supervisor"}
    assert not RollupRequest.objects.filter(tenant=bench.tenant).exists()
    # And the worker left the rollups right: a rebuild from the facts changes none
    refreshed = rollup_figures(bench.tenant)
    bench_rollups_rebuild(bench)
    assert rollup_figures(bench.tenant) == refreshed


def test_the_dashboard_scenarios_open_the_pages_of_a_branch_and_the_company(generated):
    # Given the tiny tenant, without a plan yet; when each dashboard scenario takes two samples
    bench, _, _ = generated
    assert not Plan.objects.filter(tenant=bench.tenant).exists()
    run = scenarios.BenchRun(bench=bench, warmups=0, runs=1, samples=2)
    branch = scenarios.dashboard_supervisor_branch(run)
    company = scenarios.dashboard_manager_company(run)
    # Then each timed its samples (after two warm-up requests: no timing is judged here), as the
    # manager of the branch and of the company
    assert len(branch.seconds) == len(company.seconds) == 2
    assert branch.size.startswith("branch of 15 agents in 3 teams, as its manager; ")
    assert company.size.startswith("company of 30 agents in 2 branches, as its manager; ")
    assert "queries" in branch.size and "KB" in company.size
    # And the quarter's premium plan was allocated and its targets rolled up for the pages to show
    plan = Plan.objects.get(tenant=bench.tenant, year=2026, quarter=4, metric="premium")
    assert Allocation.objects.filter(tenant=bench.tenant, plan=plan).exists()
    assert scenarios._company_month_target(bench) > 0
    assert not RollupRequest.objects.filter(tenant=bench.tenant).exists()


def test_a_dashboard_that_is_not_the_page_makes_the_scenario_unavailable(generated):
    # Given the tiny tenant's branch manager; when the scenario's client opens a page that is not a
    # dashboard, or one that answers 404
    bench, _, _ = generated
    manager = scenarios._manager_of(bench, "branch")
    run = scenarios.BenchRun(bench=bench, warmups=0, runs=1, samples=1)
    # Then it is reported as not run, with the reason, instead of stopping the bench
    with pytest.raises(scenarios.ScenarioUnavailable, match="without data-page"):
        scenarios.dashboard_samples(run, viewer=manager, url="/org/", marker='data-page="dashboard-team"')
    with pytest.raises(scenarios.ScenarioUnavailable, match="answered 404"):
        scenarios.dashboard_samples(run, viewer=manager, url="/no-such-page/", marker='data-page="dashboard-team"')

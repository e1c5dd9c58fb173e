"""The timed scenarios of `make bench`, in a registry later features add to.

A scenario is a function of a ``BenchRun`` (the generated tenant and how
many runs to time) that returns an ``Outcome``; ``@scenario(name, goal)``
registers it, and the table lists scenarios in registration order. Rollups
and dashboards add theirs here as they land. A scenario whose code does not
exist yet, or does not finish in its time limit, raises
``ScenarioUnavailable`` and is reported as not run, with the reason.
"""

from __future__ import annotations

import gc
import importlib
import itertools
import random
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Sum
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from psycopg.errors import QueryCanceled

from activities.models import ITEMS, DailyLog
from dashboards.models import Rollup, RollupLine, RollupRequest
from salesops.bench import worker as bench_worker
from salesops.bench.generate import SEED, BenchTenant, Quarter, bench_rollups_rebuild
from salesops.bench.report import Ratio
from salesops.celery import app as celery_app
from salesops.org.models import Member, OrgUnit
from targets.models import Allocation, Plan, SaleRecord

CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)  # 万元: the unit managers state targets in


@dataclass(frozen=True)
class BenchRun:
    bench: BenchTenant
    warmups: int = 1
    runs: int = 5
    # Latency scenarios time many small events rather than a few big runs.
    samples: int = 30


@dataclass(frozen=True)
class Outcome:
    """What a scenario measured: wall seconds of each timed run, and rows written."""

    size: str
    seconds: list[float]
    rows: int | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    goal_seconds: float | None
    measure: Callable[[BenchRun], Outcome]
    # What is timed: "runs" (warm-ups, then ``BenchRun.runs`` calls),
    # "samples" (warm-ups, then ``BenchRun.samples`` events: a latency) or
    # "once" (one call, too long to repeat).
    timed: str = "runs"
    # Warm-ups the scenario makes at least, whatever --warmups says.
    min_warmups: int = 0

    @property
    def description(self) -> str:
        return (self.measure.__doc__ or "").strip().splitlines()[0].rstrip(".")


class ScenarioUnavailable(Exception):
    """The scenario could not be timed (its code does not exist yet, or did not finish); the message says why."""


SCENARIOS: list[Scenario] = []
# Goals set as a multiple of another scenario's time, printed under the table.
RATIOS: list[Ratio] = []


def scenario(name: str, *, goal_seconds: float | None = None, timed: str = "runs", min_warmups: int = 0):
    """Register the decorated function as the scenario ``name``; goal_seconds None means "just report"."""
    if timed not in {"runs", "samples", "once"}:
        raise ValueError(f"timed must be runs, samples or once, not {timed!r}")

    def register(measure: Callable[[BenchRun], Outcome]) -> Callable[[BenchRun], Outcome]:
        SCENARIOS.append(Scenario(name, goal_seconds, measure, timed, min_warmups))
        return measure

    return register


def ratio(numerator: str, *, over: str, goal: float | None = None) -> None:
    """Register the line "numerator / over (median over median)" under the table, with its goal."""
    RATIOS.append(Ratio(numerator, over, goal))


def time_calls(
    call: Callable[..., Any], *, warmups: int, runs: int, prepare: Callable[[], Any] | None = None
) -> tuple[list[float], Any]:
    """Call ``call`` warmups + runs times; return the wall seconds of the timed runs and the last result.

    The warm-up fills PostgreSQL's buffers and Django's caches, so the timed
    runs measure the steady state rather than a cold start. ``prepare``, if
    given, runs untimed before each call and its result is passed to it.
    """
    seconds = []
    result = None
    for attempt in range(warmups + runs):
        arguments = [prepare()] if prepare is not None else []
        started = time.perf_counter()
        result = call(*arguments)
        if attempt >= warmups:
            seconds.append(time.perf_counter() - started)
    return seconds, result


# --- Plans (targets) ----------------------------------------------------------

PLAN_SERVICES = ("plan_create", "plan_allocate", "allocation_override")
PLAN_UPLIFT = Decimal("0.25")
# The seed's split of 1000万 over channel × product (DESIGN.md, Targets).
PLAN_SPLIT = [
    ("agency", "health", Decimal("0.40")),
    ("agency", "annuity", Decimal("0.20")),
    ("group", "employer_liability", Decimal("0.20")),
    ("group", "group_annuity", Decimal("0.10")),
    ("bancassurance", "single_premium_savings", Decimal("0.10")),
]


def _plan_services() -> ModuleType:
    try:
        plans = importlib.import_module("targets.services.plans")
    except ModuleNotFoundError as error:
        # Only the module's own absence means "not written yet"; a missing
        # import inside it is a bug to show, not to skip.
        if error.name not in {"targets.services", "targets.services.plans"}:
            raise
        raise ScenarioUnavailable("targets.services.plans does not exist yet") from error
    missing = [name for name in PLAN_SERVICES if not hasattr(plans, name)]
    if missing:
        raise ScenarioUnavailable(f"targets.services.plans has no {', '.join(missing)} yet")
    return plans


def plan_total(bench: BenchTenant) -> Decimal:
    """Return last quarter's premium plus the uplift, rounded to 万元 as a manager would type it."""
    history = SaleRecord.objects.filter(
        tenant=bench.tenant, sold_on__range=(bench.history.start, bench.history.end)
    ).aggregate(premium=Sum("premium"))["premium"] or Decimal(0)
    return max((history * (1 + PLAN_UPLIFT) / TEN_THOUSAND).quantize(Decimal(1)) * TEN_THOUSAND, TEN_THOUSAND)


def channel_lines(total: Decimal) -> list[dict]:
    """Split ``total`` by PLAN_SPLIT; the last line takes the remainder, so the lines sum exactly."""
    lines = [
        {"channel": channel, "product": product, "amount": (total * share).quantize(CENT)}
        for channel, product, share in PLAN_SPLIT
    ]
    lines[-1]["amount"] = total - sum((line["amount"] for line in lines[:-1]), Decimal(0))
    return lines


def _plan_recreate(bench: BenchTenant, plans: ModuleType) -> Plan:
    """Create the benchmarked quarter's premium plan afresh (untimed), dropping an older one."""
    quarter = bench.quarter
    old = Plan.objects.filter(tenant=bench.tenant, year=quarter.year, quarter=quarter.quarter, metric="premium")
    for plan in old:
        # Rows of the plan in one tenant-scoped DELETE before the ORM's cascade.
        Allocation.objects.filter(tenant=bench.tenant, plan=plan).delete()
        plan.delete()
    total = plan_total(bench)
    # plan_create takes its percentages in percent (25 means 25 %).
    return plans.plan_create(
        tenant=bench.tenant,
        actor=None,
        year=quarter.year,
        quarter=quarter.quarter,
        metric="premium",
        total=total,
        uplift=PLAN_UPLIFT * 100,
        ramp_up_share=Decimal(50),
        month_weights=[Decimal(3), Decimal(4), Decimal(3)],
        channel_lines=channel_lines(total),
        tier_shares={"top": Decimal(30), "middle": Decimal(50), "bottom": Decimal(20)},
        new_customer_share=Decimal(40),
    )


def _plan_allocated(bench: BenchTenant, plans: ModuleType) -> Plan:
    """Return the benchmarked quarter's premium plan, allocated (untimed) if it is not yet."""
    quarter = bench.quarter
    plan = Plan.objects.filter(
        tenant=bench.tenant, year=quarter.year, quarter=quarter.quarter, metric="premium"
    ).first()
    if plan is None:
        plan = _plan_recreate(bench, plans)
    if not Allocation.objects.filter(tenant=bench.tenant, plan=plan).exists():
        plans.plan_allocate(tenant=bench.tenant, actor=None, plan=plan)
    return plan


def _org_size(bench: BenchTenant) -> str:
    return f"{bench.size.agents:,} agents in {bench.size.teams:,} teams"


@scenario("allocate_new_plan_20k_agents", goal_seconds=5.0)
def allocate_new_plan(run: BenchRun) -> Outcome:
    """Allocate a new premium plan down the tree to every agent, the first time (plan_allocate)."""
    plans = _plan_services()
    # A manager allocates a plan once, right after creating it: every run
    # gets a new plan (created untimed), so every timed run inserts all rows
    # and pays their foreign-key checks at commit.
    seconds, rows = time_calls(
        lambda plan: plans.plan_allocate(tenant=run.bench.tenant, actor=None, plan=plan),
        warmups=run.warmups,
        runs=run.runs,
        prepare=lambda: _plan_recreate(run.bench, plans),
    )
    return Outcome(size=_org_size(run.bench), seconds=seconds, rows=rows)


@scenario("allocate_plan_20k_agents", goal_seconds=5.0)
def allocate_plan(run: BenchRun) -> Outcome:
    """Allocate the same premium plan again down to every agent (plan_allocate, re-run)."""
    plans = _plan_services()
    plan = _plan_recreate(run.bench, plans)
    # Re-allocating the same plan is allowed and idempotent (the warm-up is
    # the first allocation), so each timed run does the whole job again
    # over rows that already exist.
    seconds, rows = time_calls(
        lambda: plans.plan_allocate(tenant=run.bench.tenant, actor=None, plan=plan),
        warmups=run.warmups,
        runs=run.runs,
    )
    return Outcome(size=_org_size(run.bench), seconds=seconds, rows=rows)


@scenario("override_one_agent")
def override_one_agent(run: BenchRun) -> Outcome:
    """Override one agent's total; the team-mates rebalance (allocation_override)."""
    plans = _plan_services()
    plan = _plan_allocated(run.bench, plans)
    allocation = Allocation.objects.filter(
        tenant=run.bench.tenant, plan=plan, member__isnull=False, month__isnull=True
    ).first()
    if allocation is None:
        raise ScenarioUnavailable("plan_allocate wrote no agent totals to override")
    # Alternate between +10% and the original, so every call changes the
    # amount and none is a no-op.
    original = allocation.amount
    amounts = itertools.cycle([(original * Decimal("1.10")).quantize(CENT), original])
    seconds, _allocation = time_calls(
        lambda: plans.allocation_override(
            tenant=run.bench.tenant, actor=None, allocation=allocation, amount=next(amounts)
        ),
        warmups=run.warmups,
        runs=run.runs,
    )
    return Outcome(size=f"1 agent of {run.bench.size.agents_per_team}; {_org_size(run.bench)}", seconds=seconds)


# --- Rollups (dashboards) -----------------------------------------------------

# The goals: a full rebuild within twice one GROUP BY over the same
# facts, and a log change visible in the rollups within 2 s (p95).
REBUILD_GOAL_RATIO = 2.0
REFRESH_GOAL_SECONDS = 2.0
# How often the incremental scenario looks for the change, and for how long.
POLL_SECONDS = 0.02
VISIBLE_TIMEOUT = 60.0
CORRECTION_REASON = "bench: incremental refresh"
# A quarter's refresh should take about three months of rebuild (well under a
# minute); past this it is cancelled and reported as not finished.
QUARTER_REFRESH_TIMEOUT = 180

# The member × day aggregation of both fact tables over the bench days, as
# one statement: every group is computed, one summary row comes back. It is
# the least any rebuild must do (read each fact row of the days once and
# group it); the rebuild also reads the months' other days, the org tree and
# the targets, and writes the rows (see docs/benchmarks.md).
RAW_GROUP_BY = f"""
SELECT count(*), {", ".join(f"sum(l.{item})" for item in ITEMS)}, sum(l.logged), sum(s.policies), sum(s.premium)
FROM (
    SELECT member_id, date AS day, {", ".join(f"sum({item}) AS {item}" for item in ITEMS)}, count(*) AS logged
    FROM {DailyLog._meta.db_table}
    WHERE tenant_id = %(tenant)s AND date BETWEEN %(start)s AND %(end)s
    GROUP BY 1, 2
) AS l
FULL JOIN (
    SELECT member_id, sold_on AS day, sum(policies) AS policies, sum(premium) AS premium
    FROM {SaleRecord._meta.db_table}
    WHERE tenant_id = %(tenant)s AND sold_on BETWEEN %(start)s AND %(end)s
    GROUP BY 1, 2
) AS s USING (member_id, day)
"""


def _rollup_services() -> ModuleType:
    try:
        return importlib.import_module("dashboards.services.rollups")
    except ModuleNotFoundError as error:
        if error.name not in {"dashboards.services", "dashboards.services.rollups"}:
            raise
        raise ScenarioUnavailable("dashboards.services.rollups does not exist yet") from error


def _days_size(bench: BenchTenant) -> str:
    return f"{bench.size.log_days} days, {_org_size(bench)}"


def _outbox_serve(bench: BenchTenant) -> None:
    """Serve, in this process and untimed, the refreshes earlier scenarios requested.

    A plan's allocation requests its quarter's refresh, which
    ``refresh_pending`` serves as one rebuild of the whole quarter in one
    transaction; at this size an engine version once took hours over it
    (docs/benchmarks.md). A quarter request is served here by the same
    rebuild month by month (``rollups.rebuild``) and then deleted, so only
    ``quarter_refresh_after_plan`` times ``refresh_pending``'s own and a
    slow one does not hold up the other scenarios; the member-day requests
    left, if any, go to ``refresh_pending``.
    """
    rollups = _rollup_services()
    quarter_requests = RollupRequest.objects.filter(tenant=bench.tenant, member_id__isnull=True)
    for quarter in sorted({Quarter.of(day) for day in quarter_requests.values_list("day", flat=True)}):
        rollups.rebuild(tenant=bench.tenant, start=quarter.start, end=quarter.end)
    quarter_requests.delete()
    rollups.refresh_pending(tenant_id=bench.tenant.pk)


@scenario("quarter_refresh_after_plan", timed="once")
def quarter_refresh_after_plan(run: BenchRun) -> Outcome:
    """Serve a plan's quarter refresh (refresh_pending: the quarter's rollups with the plan's targets)."""
    plans = _plan_services()
    rollups = _rollup_services()
    bench = run.bench
    _plan_allocated(bench, plans)

    def request() -> None:
        # What plan_allocate and allocation_override request, alone in the outbox.
        _outbox_serve(bench)
        with transaction.atomic():
            rollups.request_quarter_refresh(tenant=bench.tenant, year=bench.quarter.year, quarter=bench.quarter.quarter)

    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{QUARTER_REFRESH_TIMEOUT:d}s'")
    try:
        seconds, served = time_calls(
            lambda _requested: rollups.refresh_pending(tenant_id=bench.tenant.pk),
            warmups=0,
            runs=1,
            prepare=request,
        )
    except OperationalError as error:
        if not isinstance(error.__cause__, QueryCanceled):
            raise
        raise ScenarioUnavailable(
            f"refresh_pending did not finish: a statement was cancelled after {QUARTER_REFRESH_TIMEOUT} s "
            "(statement_timeout); see docs/benchmarks.md"
        ) from error
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
        bench_worker.queue_purge(celery_app.conf.task_default_queue)
    return Outcome(size=f"{bench.quarter}, {_org_size(bench)}; one run", seconds=seconds, rows=served)


def raw_group_by_query(bench: BenchTenant) -> tuple:
    """Run RAW_GROUP_BY over the bench days; return its summary row (member-days first)."""
    with connection.cursor() as cursor:
        cursor.execute(RAW_GROUP_BY, {"tenant": bench.tenant.pk, "start": bench.facts_start, "end": bench.today})
        return cursor.fetchone()


@scenario("raw_group_by")
def raw_group_by(run: BenchRun) -> Outcome:
    """One SQL GROUP BY of both fact tables by member × day over the bench days (the rebuild's yardstick)."""
    seconds, summary = time_calls(lambda: raw_group_by_query(run.bench), warmups=run.warmups, runs=run.runs)
    return Outcome(size=f"{_days_size(run.bench)}; member × day of logs ⟗ sales", seconds=seconds, rows=summary[0])


@scenario("rollup_rebuild")
def rollup_rebuild(run: BenchRun) -> Outcome:
    """Rebuild the rollups of the bench days from the facts, rollups already right (rollups.rebuild)."""
    _outbox_serve(run.bench)
    # As the nightly reconcile finds them: every row is computed and
    # compared, none needs writing ("rows" counts the rows changed).
    seconds, rows = time_calls(lambda: bench_rollups_rebuild(run.bench), warmups=run.warmups, runs=run.runs)
    return Outcome(size=f"{_days_size(run.bench)}; rollups already right", seconds=seconds, rows=rows)


def _rollups_delete(bench: BenchTenant) -> None:
    """Delete the rollups the bench days' rebuild writes (untimed), and VACUUM them when allowed."""
    first = min(bench.facts_start.replace(day=1), bench.facts_start - timedelta(days=bench.facts_start.weekday()))
    with connection.cursor() as cursor:
        for model in (Rollup, RollupLine):
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} "
                "WHERE tenant_id = %s AND period_start BETWEEN %s AND %s",
                [bench.tenant.pk, first, bench.today],
            )
        if not connection.in_atomic_block:
            cursor.execute(f"VACUUM ANALYZE {Rollup._meta.db_table}, {RollupLine._meta.db_table}")


@scenario("rollup_rebuild_from_empty")
def rollup_rebuild_from_empty(run: BenchRun) -> Outcome:
    """Rebuild the rollups of the bench days into empty rollup tables (rollups.rebuild writing every row)."""
    _outbox_serve(run.bench)
    seconds, rows = time_calls(
        lambda _deleted: bench_rollups_rebuild(run.bench),
        warmups=run.warmups,
        runs=run.runs,
        prepare=lambda: _rollups_delete(run.bench),
    )
    return Outcome(size=f"{_days_size(run.bench)}; every row written", seconds=seconds, rows=rows)


ratio("rollup_rebuild", over="raw_group_by", goal=REBUILD_GOAL_RATIO)
ratio("rollup_rebuild_from_empty", over="raw_group_by", goal=REBUILD_GOAL_RATIO)


def _company_day(bench: BenchTenant, company_id: int, day: date) -> int | None:
    """The company's sales interviews of ``day`` as its rollup says (None: no row)."""
    return (
        Rollup.objects.filter(tenant=bench.tenant, scope="unit", subject_id=company_id, grain="day", period_start=day)
        .values_list("sales_interviews", flat=True)
        .first()
    )


@dataclass(frozen=True)
class LogChange:
    """One agent's log of one day, to be written with other counts (sales interviews changed)."""

    agent: Member
    day: date
    old_sales_interviews: int  # 0 when the day has no log yet
    counts: dict[str, int]


def log_change_pick(bench: BenchTenant, agents: list[tuple[int, date]], rng: random.Random) -> LogChange:
    """Pick an agent (id, hire date) and a bench day of theirs; change that day's sales interviews."""
    agent_id, hired_on = rng.choice(agents)
    day = max(bench.facts_start + timedelta(days=rng.randrange(bench.size.log_days)), hired_on)
    agent = Member.objects.select_related("supervisor__unit").get(tenant=bench.tenant, pk=agent_id)
    old = DailyLog.objects.filter(tenant=bench.tenant, member=agent, date=day).values(*ITEMS).first()
    counts = old or dict.fromkeys(ITEMS, 0)
    # Another value in 0..9 (generated counts are at most 2 × 3).
    changed = (counts["sales_interviews"] + 1 + rng.randrange(3)) % 10
    return LogChange(agent, day, counts["sales_interviews"], {**counts, "sales_interviews": changed})


def refresh_sample(
    bench: BenchTenant, company_id: int, worker: bench_worker.BenchWorker, change: LogChange
) -> tuple[float, float]:
    """Write one log change (daily_log_upsert); return (write seconds, commit → visible seconds).

    The change is visible when the company's day row, which the worker
    rewrites with every other ancestor of the agent, shows the new sum.
    """
    from activities.services.logs import daily_log_upsert

    before = _company_day(bench, company_id, change.day)
    if before is None:
        raise ScenarioUnavailable(f"the company has no day rollup for {change.day}: rebuild the rollups first")
    expected = before - change.old_sales_interviews + change.counts["sales_interviews"]
    committed: list[float] = []
    started = time.perf_counter()
    with transaction.atomic():
        # Registered before the service's own on-commit wake-up, so it is
        # the moment of the commit, before the task is sent.
        transaction.on_commit(lambda: committed.append(time.perf_counter()))
        # A correction by the agent's supervisor: any day of the 92 may be
        # corrected (an agent may change only the last few days).
        daily_log_upsert(
            tenant=bench.tenant,
            actor=change.agent.supervisor,
            member=change.agent,
            date=change.day,
            counts=change.counts,
            visits=[],
            reason=CORRECTION_REASON,
        )
    if not committed:
        raise RuntimeError("the change was not committed: the incremental scenario needs autocommit")
    deadline = committed[0] + VISIBLE_TIMEOUT
    while _company_day(bench, company_id, change.day) != expected:
        if not worker.alive() or time.perf_counter() > deadline:
            raise worker.failed(f"member {change.agent.pk}'s log of {change.day} never showed in the company's rollup")
        time.sleep(POLL_SECONDS)
    return committed[0] - started, time.perf_counter() - committed[0]


@scenario("incremental_refresh", goal_seconds=REFRESH_GOAL_SECONDS, timed="samples")
def incremental_refresh(run: BenchRun) -> Outcome:
    """Change one agent's work log; seconds from its commit until the real worker's company rollup shows it."""
    rollups = _rollup_services()
    if not hasattr(rollups, "request_refresh"):
        raise ScenarioUnavailable("dashboards.services.rollups has no request_refresh yet")
    bench = run.bench
    _outbox_serve(bench)
    company_id = OrgUnit.objects.get(tenant=bench.tenant, kind=OrgUnit.Kind.COMPANY).pk
    agents = list(
        Member.objects.filter(tenant=bench.tenant, role=Member.Role.AGENT, supervisor__isnull=False)
        .order_by("pk")
        .values_list("pk", "hired_on")
    )
    rng = random.Random(SEED)
    queue = celery_app.conf.task_default_queue
    bench_worker.queue_purge(queue)
    writes, latencies = [], []
    try:
        with bench_worker.bench_worker(
            queue=queue,
            database=bench_worker.database_url(connection.settings_dict),
            redis=settings.CELERY_BROKER_URL,
        ) as worker:
            for attempt in range(run.warmups + run.samples):
                write, latency = refresh_sample(bench, company_id, worker, log_change_pick(bench, agents, rng))
                if attempt >= run.warmups:
                    writes.append(write)
                    latencies.append(latency)
    finally:
        bench_worker.queue_purge(queue)
    write_ms = statistics.median(writes) * 1000
    return Outcome(
        size=f"1 log of {bench.size.agents:,} agents → company day; commit → visible (write {write_ms:.0f} ms)",
        seconds=latencies,
    )


# --- Dashboards (pages) -------------------------------------------------------

# The goal: a dashboard's server time, p95 under 300 ms, for the
# largest branch (2,000 agents) and for the company (20,000).
DASHBOARD_GOAL_SECONDS = 0.3
# The first request compiles the templates and imports what the page needs,
# the second finds PostgreSQL's buffers warm for the same reads.
DASHBOARD_WARMUPS = 2
# The test client's host name, which ALLOWED_HOSTS must admit (the bench runs
# under the local settings, whose hosts are 127.0.0.1 and localhost).
TEST_CLIENT_HOST = "testserver"


def _targets_rolled_up(bench: BenchTenant) -> None:
    """Make sure, untimed, that the benchmarked quarter has an allocated plan whose targets are in the rollups.

    The dashboards show targets, attainment and the burn-up as in
    production: the plan is the plan scenarios' (created and allocated if
    none is), its quarter refresh served by ``_outbox_serve``; a plan
    allocated before the rollups were last rebuilt from empty tables is
    rolled up again by a quarter refresh.
    """
    plans = _plan_services()
    rollups = _rollup_services()
    _plan_allocated(bench, plans)
    _outbox_serve(bench)
    if not _company_month_target(bench):
        with transaction.atomic():
            rollups.request_quarter_refresh(tenant=bench.tenant, year=bench.quarter.year, quarter=bench.quarter.quarter)
        _outbox_serve(bench)
    if not _company_month_target(bench):
        raise ScenarioUnavailable(f"the plan of {bench.quarter} did not reach the company's rollup of this month")
    bench_worker.queue_purge(celery_app.conf.task_default_queue)


def _company_month_target(bench: BenchTenant) -> Decimal | None:
    """The company's premium target of today's month as its rollup says (None: no row)."""
    company_id = OrgUnit.objects.get(tenant=bench.tenant, kind=OrgUnit.Kind.COMPANY).pk
    return (
        Rollup.objects.filter(
            tenant=bench.tenant,
            scope="unit",
            subject_id=company_id,
            grain="month",
            period_start=bench.today.replace(day=1),
        )
        .values_list("target_premium", flat=True)
        .first()
    )


def _dashboard_url(url_name: str, unit: OrgUnit) -> str:
    try:
        return reverse(url_name, kwargs={"unit_id": unit.pk})
    except NoReverseMatch as error:
        raise ScenarioUnavailable(f"there is no page named {url_name!r} yet") from error


def dashboard_samples(run: BenchRun, *, viewer: Member, url: str, marker: str) -> tuple[list[float], str]:
    """GET ``url`` as ``viewer`` with the test client: warm-ups, then ``run.samples`` timed requests.

    Each sample is the whole ``client.get``: middleware, session and
    membership, the view's queries, the template and the charts' JSON, as
    the server spends it (no network, no browser). Returns the seconds and
    what the first warm-up showed (size and queries) for the table.
    """
    client = Client(raise_request_exception=False)
    client.force_login(viewer.user)
    warmups = max(run.warmups, DASHBOARD_WARMUPS)
    # The first warm-up counts the queries (recording them costs time, so
    # the timed requests do not).
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, TEST_CLIENT_HOST]), warnings.catch_warnings():
        # WhiteNoise says, when the client loads the middleware, that there is
        # no collectstatic directory: the local settings serve from the finders.
        warnings.filterwarnings("ignore", message="No directory at")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        _dashboard_check(response, url, marker)
        shown = f"{len(response.content) / 1024:,.0f} KB, {len(queries)} queries"
        # As the web server does once the app is loaded (salesops/wsgi.py):
        # what lives as long as the process is kept out of full collections.
        gc.collect()
        gc.freeze()
        try:
            seconds, _response = time_calls(
                lambda: _dashboard_check(client.get(url), url, marker), warmups=warmups - 1, runs=run.samples
            )
        finally:
            gc.unfreeze()
    return seconds, shown


def _dashboard_check(response: HttpResponse, url: str, marker: str) -> HttpResponse:
    """Raise ScenarioUnavailable unless ``response`` is the dashboard (200, with its ``data-page``)."""
    if response.status_code != 200:
        failure = getattr(response, "exc_info", None)
        reason = f": {failure[1]!r}" if failure else ""
        where = f" (to {response['Location']})" if response.has_header("Location") else ""
        raise ScenarioUnavailable(f"GET {url} answered {response.status_code}{where}{reason}")
    if marker.encode() not in response.content:
        raise ScenarioUnavailable(f"GET {url} answered a page without {marker}: not the dashboard")
    return response


def _manager_of(bench: BenchTenant, kind: str) -> Member:
    """The manager of the first unit of ``kind`` (a branch's, or the company's), with unit and login."""
    manager = (
        Member.objects.filter(tenant=bench.tenant, role=Member.Role.MANAGER, unit__kind=kind, active=True)
        .select_related("unit", "user")
        .order_by("unit_id", "pk")
        .first()
    )
    if manager is None:
        raise ScenarioUnavailable(f"the bench tenant has no manager of a {kind}")
    return manager


def _agents_under(bench: BenchTenant, unit: OrgUnit) -> int:
    return Member.objects.filter(tenant=bench.tenant, role=Member.Role.AGENT, unit__path__startswith=unit.path).count()


@scenario(
    "dashboard_supervisor_branch", goal_seconds=DASHBOARD_GOAL_SECONDS, timed="samples", min_warmups=DASHBOARD_WARMUPS
)
def dashboard_supervisor_branch(run: BenchRun) -> Outcome:
    """Server time of the team dashboard of a 2,000-agent branch, opened by its manager (GET, test client)."""
    manager = _manager_of(run.bench, OrgUnit.Kind.BRANCH)
    url = _dashboard_url("dashboards-team", manager.unit)
    _targets_rolled_up(run.bench)
    seconds, shown = dashboard_samples(run, viewer=manager, url=url, marker='data-page="dashboard-team"')
    teams = OrgUnit.objects.filter(tenant=run.bench.tenant, kind=OrgUnit.Kind.TEAM, parent=manager.unit).count()
    agents = _agents_under(run.bench, manager.unit)
    return Outcome(size=f"branch of {agents:,} agents in {teams:,} teams, as its manager; {shown}", seconds=seconds)


@scenario(
    "dashboard_manager_company", goal_seconds=DASHBOARD_GOAL_SECONDS, timed="samples", min_warmups=DASHBOARD_WARMUPS
)
def dashboard_manager_company(run: BenchRun) -> Outcome:
    """Server time of the unit dashboard of the 20,000-agent company, opened by its manager (GET, test client)."""
    manager = _manager_of(run.bench, OrgUnit.Kind.COMPANY)
    url = _dashboard_url("dashboards-unit", manager.unit)
    _targets_rolled_up(run.bench)
    seconds, shown = dashboard_samples(run, viewer=manager, url=url, marker='data-page="dashboard-unit"')
    branches = OrgUnit.objects.filter(tenant=run.bench.tenant, kind=OrgUnit.Kind.BRANCH, parent=manager.unit).count()
    agents = _agents_under(run.bench, manager.unit)
    return Outcome(
        size=f"company of {agents:,} agents in {branches} branches, as its manager; {shown}", seconds=seconds
    )

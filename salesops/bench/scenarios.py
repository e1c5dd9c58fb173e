"""The timed scenarios of `make bench`, in a registry later features add to.

A scenario is a function of a ``BenchRun`` (the generated tenant and how
many runs to time) that returns an ``Outcome``; ``@scenario(name, goal)``
registers it, and the table lists scenarios in registration order. Rollups
and dashboards add theirs here as they land. A scenario whose code does not
exist yet raises ``ScenarioUnavailable`` and is reported as not run.
"""

from __future__ import annotations

import importlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType
from typing import Any

from django.db.models import Sum

from salesops.bench.generate import BenchTenant
from targets.models import Allocation, Plan, SaleRecord

CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)  # 万元: the unit managers state targets in


@dataclass(frozen=True)
class BenchRun:
    bench: BenchTenant
    warmups: int = 1
    runs: int = 5


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

    @property
    def description(self) -> str:
        return (self.measure.__doc__ or "").strip().splitlines()[0].rstrip(".")


class ScenarioUnavailable(Exception):
    """The code a scenario times does not exist yet; the message says what is missing."""


SCENARIOS: list[Scenario] = []


def scenario(name: str, *, goal_seconds: float | None = None):
    """Register the decorated function as the scenario ``name``; goal_seconds None means "just report"."""

    def register(measure: Callable[[BenchRun], Outcome]) -> Callable[[BenchRun], Outcome]:
        SCENARIOS.append(Scenario(name, goal_seconds, measure))
        return measure

    return register


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

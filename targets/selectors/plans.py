"""Reads of plans, their baseline and their allocations: by tenant and role scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Q, QuerySet, Sum

from salesops.org.models import Member, OrgUnit, Tenant
from salesops.tenancy import get_in_scope_or_404, member_scope_q, unit_scope_q
from targets.models import Allocation, AllocationChange, Plan, SaleRecord
from targets.quarters import FEN, from_units, months_before, previous_quarter, quarter_end, quarter_start, to_units
from targets.rounding import largest_remainder

NEW_AGENT_MONTHS = 3  # hired less than this many months before the quarter: a new agent


@dataclass(frozen=True)
class AgentRecord:
    member_id: int
    unit_id: int
    production: Decimal
    is_new: bool


@dataclass(frozen=True)
class Baseline:
    """Last quarter's production per experienced agent × this quarter's headcount."""

    year: int
    quarter: int
    metric: str
    production: Decimal  # last quarter, all current agents
    agents: int
    new_agents: int
    per_agent: Decimal
    ramp_up_share: Decimal
    baseline: Decimal


def plan_list(*, tenant: Tenant) -> QuerySet[Plan]:
    """Return the tenant's plans, newest quarter first (every member may read a plan's totals)."""
    return (
        Plan.objects.filter(tenant=tenant)
        .prefetch_related("lines__channel", "lines__product")
        .order_by("-year", "-quarter", "metric")
    )


def access_plan_by_id(*, tenant: Tenant, actor: Member, id) -> Plan:
    return get_in_scope_or_404(plan_list(tenant=tenant), id)


def agent_production(*, tenant: Tenant, year: int, quarter: int, metric: str) -> list[AgentRecord]:
    """Return every active agent with last quarter's production (one query each for agents and sales)."""
    start = quarter_start(year, quarter)
    last_year, last_quarter = previous_quarter(year, quarter)
    field = "premium" if metric == Plan.Metric.PREMIUM else "policies"
    produced = dict(
        SaleRecord.objects.filter(
            tenant=tenant,
            sold_on__gte=quarter_start(last_year, last_quarter),
            sold_on__lte=quarter_end(last_year, last_quarter),
        )
        .values_list("member_id")
        .annotate(total=Sum(field))
        .order_by()
    )
    new_since = months_before(start, NEW_AGENT_MONTHS)
    agents = Member.objects.filter(tenant=tenant, role=Member.Role.AGENT, active=True).values_list(
        "id", "unit_id", "hired_on"
    )
    return [
        AgentRecord(
            member_id=member_id,
            unit_id=unit_id,
            production=Decimal(produced.get(member_id) or 0),
            is_new=hired_on is not None and hired_on > new_since,
        )
        for member_id, unit_id, hired_on in agents
    ]


def plan_baseline(*, tenant: Tenant, year: int, quarter: int, metric: str, ramp_up_share: Decimal) -> Baseline:
    """Return the quarter's baseline (DESIGN.md "Targets"): what the team would do without a challenge.

    Production per agent is last quarter's production over the experienced
    agents (new agents produced little or nothing yet); the baseline counts
    each new agent at ``ramp_up_share`` of an experienced one.
    """
    agents = agent_production(tenant=tenant, year=year, quarter=quarter, metric=metric)
    production = sum((agent.production for agent in agents), Decimal(0))
    new_agents = sum(1 for agent in agents if agent.is_new)
    experienced = len(agents) - new_agents
    per_agent = (production / experienced).quantize(FEN, rounding=ROUND_HALF_UP) if experienced else Decimal(0)
    exact = production / experienced * (experienced + ramp_up_share * new_agents) if experienced else Decimal(0)
    places = FEN if metric == Plan.Metric.PREMIUM else Decimal(1)
    return Baseline(
        year=year,
        quarter=quarter,
        metric=metric,
        production=production.quantize(FEN),
        agents=len(agents),
        new_agents=new_agents,
        per_agent=per_agent,
        ramp_up_share=ramp_up_share,
        baseline=Decimal(exact).quantize(places, rounding=ROUND_HALF_UP).quantize(FEN),
    )


def allocation_list(*, tenant: Tenant, actor: Member, filters: dict | None = None) -> QuerySet[Allocation]:
    """Return allocation rows ``actor`` may see: units in scope, and agents in scope.

    An agent sees their own rows; supervisors and managers their subtree's.
    """
    filters = filters or {}
    if actor.role == Member.Role.AGENT or not actor.leads_others:
        scope = Q(member=actor)
    else:
        unit_q = unit_scope_q(actor)
        units_in_scope = Q(member__isnull=True, unit__in=OrgUnit.objects.filter(unit_q, tenant=tenant))
        scope = units_in_scope | Q(member__isnull=False) & member_scope_q(actor, prefix="member__")
    queryset = (
        Allocation.objects.filter(scope, tenant=tenant)
        .select_related("unit", "member", "channel", "product")
        .order_by("plan_id", "unit__path", "member__display_name", "member_id", "month", "channel_id", "product_id")
    )
    if filters.get("plan"):
        queryset = queryset.filter(plan_id=filters["plan"])
    if filters.get("unit"):
        queryset = queryset.filter(unit_id=filters["unit"])
    if filters.get("member"):
        queryset = queryset.filter(member_id=filters["member"])
    if filters.get("totals") is True:
        queryset = queryset.filter(month__isnull=True)
    if filters.get("month"):
        queryset = queryset.filter(month=filters["month"])
    if filters.get("channel"):
        queryset = queryset.filter(channel__code=filters["channel"])
    if filters.get("product"):
        queryset = queryset.filter(product__code=filters["product"])
    return queryset


def access_allocation_by_id(*, tenant: Tenant, actor: Member, id) -> Allocation:
    return get_in_scope_or_404(allocation_list(tenant=tenant, actor=actor), id)


def allocation_history(*, tenant: Tenant, allocation: Allocation) -> QuerySet[AllocationChange]:
    """Return the changes to ``allocation``'s owner (unit or agent total) in its plan, newest first."""
    owner = Q(member=allocation.member) if allocation.member_id else Q(unit=allocation.unit, member__isnull=True)
    return (
        AllocationChange.objects.filter(owner, tenant=tenant, plan=allocation.plan_id)
        .exclude(kind=AllocationChange.Kind.ALLOCATE)
        .select_related("changed_by")
    )


def plan_month_totals(plan: Plan) -> list[tuple[int, Decimal]]:
    """Return the plan's total per month, split by its month weights to the fen (or policy)."""
    parts = largest_remainder(to_units(plan.total, plan.metric), [Fraction(weight) for weight in plan.month_weights])
    return [(month, from_units(part, plan.metric)) for month, part in zip(plan.months, parts, strict=True)]


def plan_customer_split(plan: Plan) -> tuple[Decimal, Decimal]:
    """Return the new-customer and existing-customer parts of the plan's total."""
    new, existing = largest_remainder(
        to_units(plan.total, plan.metric),
        [Fraction(plan.new_customer_share), 1 - Fraction(plan.new_customer_share)],
    )
    return from_units(new, plan.metric), from_units(existing, plan.metric)

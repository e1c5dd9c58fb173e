"""Decompose a plan down the org tree: pure computation, no database.

The service (targets/services/plans.py) reads the facts in a few queries,
calls ``allocate`` and writes the rows in one statement. Keeping the
arithmetic here makes every rule testable by hand-worked figures.

The rules (DESIGN.md "Targets", seed 000):

1. The company's total is split over the quarter's months by the plan's
   weights, and each month over the plan's channel × product lines, so the
   company holds one cell per (month, line); the month totals and the line
   amounts both hold exactly.
2. A company or branch passes its total to its child units in proportion to
   their last-quarter production. A unit with agents but no history is
   weighted by its (ramp-adjusted) headcount at its siblings' production per
   agent; if no sibling has history, headcount alone decides.
3. A team passes its total to its agents by tier: ranked by last-quarter
   production, the top 20 % share the top tier's share (30 %), the middle
   60 % the middle share (50 %), the bottom 20 % — new agents always among
   them — the bottom share (20 %), split evenly within a tier.
4. Every child's cells are the parent's cells in proportion to the child's
   total, rounded so that both the child's total and the parent's cells hold
   (``round_matrix``).
5. An overridden unit or agent keeps its amount; its siblings share what is
   left of the parent by the same weights.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

from django.utils.translation import gettext as _

from targets.rounding import largest_remainder, round_matrix

TEAM = "team"
TIERS = ("top", "middle", "bottom")


@dataclass(frozen=True)
class UnitNode:
    id: int
    parent_id: int | None
    kind: str
    path: str


@dataclass(frozen=True)
class AgentFacts:
    member_id: int
    unit_id: int
    production: int  # last quarter, in the plan's units (fen or policies)
    is_new: bool  # hired less than three months before the quarter starts


@dataclass(frozen=True)
class PlanShape:
    total: int
    month_weights: tuple[Fraction, ...]
    months: tuple[int, ...]
    lines: tuple[tuple[int, int, int], ...]  # (channel_id, product_id, amount)
    tier_shares: dict[str, Fraction]
    ramp_up_share: Fraction


class AllocationRow(NamedTuple):
    """One row to store; a tuple because a 20,000-agent plan makes 350,000 of them."""

    unit_id: int
    member_id: int | None
    month: int | None
    channel_id: int | None
    product_id: int | None
    amount: int
    tier: str = ""
    overridden: bool = False


@dataclass
class AllocationResult:
    rows: list[AllocationRow] = field(default_factory=list)
    tiers: dict[int, str] = field(default_factory=dict)  # member id → tier
    unplaced_agents: list[int] = field(default_factory=list)  # agents outside any team


class AllocationConflict(Exception):
    """Overrides that leave the parent impossible to balance."""

    def __init__(self, message: str, *, unit_id: int):
        super().__init__(message)
        self.unit_id = unit_id


def tier_sizes(agent_count: int, new_agent_count: int) -> tuple[int, int, int]:
    """Return how many agents of a team fall in the top, middle and bottom tiers.

    Top and bottom are each 20 % of the team, rounded half up; the bottom
    grows to hold every new agent, and the top shrinks if it must.
    """
    fifth = (2 * agent_count + 5) // 10
    bottom = max(fifth, new_agent_count)
    top = min(fifth, agent_count - bottom)
    return top, agent_count - top - bottom, bottom


def rank_agents(agents: list[AgentFacts]) -> dict[int, str]:
    """Return each agent's tier: by production, highest first; new agents last."""
    ranked = sorted(agents, key=lambda agent: (agent.is_new, -agent.production, agent.member_id))
    top, middle, _bottom = tier_sizes(len(ranked), sum(agent.is_new for agent in ranked))
    tiers = {}
    for position, agent in enumerate(ranked):
        tiers[agent.member_id] = "top" if position < top else "middle" if position < top + middle else "bottom"
    return tiers


def company_cells(plan: PlanShape) -> list[int]:
    """Return the company's cells, month-major: [(m1, line1), (m1, line2), …, (m3, lineN)]."""
    month_totals = largest_remainder(plan.total, plan.month_weights)
    matrix = round_matrix(month_totals, [amount for _channel, _product, amount in plan.lines])
    return [cell for month_row in matrix for cell in month_row]


def allocate(
    *,
    plan: PlanShape,
    units: list[UnitNode],
    agents: list[AgentFacts],
    overrides: dict[tuple[str, int], int],
) -> AllocationResult:
    """Return every allocation row of the plan (unit and agent totals, and their cells).

    ``overrides`` maps ``("unit", id)`` or ``("member", id)`` to a fixed amount.
    Units without agents in their subtree get no rows.
    """
    result = AllocationResult()
    by_id = {unit.id: unit for unit in units}
    children: dict[int | None, list[UnitNode]] = defaultdict(list)
    for unit in sorted(units, key=lambda unit: unit.path):
        children[unit.parent_id].append(unit)
    team_agents: dict[int, list[AgentFacts]] = defaultdict(list)
    for agent in agents:
        if by_id.get(agent.unit_id) is not None and by_id[agent.unit_id].kind == TEAM:
            team_agents[agent.unit_id].append(agent)
        else:
            result.unplaced_agents.append(agent.member_id)

    production, headcount = _subtree_facts(units, team_agents, plan.ramp_up_share)
    roots = children[None]
    if len(roots) != 1:
        raise AllocationConflict(_("The tenant needs exactly one company unit."), unit_id=roots[0].id if roots else 0)
    company = roots[0]
    if headcount[company.id] == 0:
        raise AllocationConflict(_("There are no agents in any team to carry the plan."), unit_id=company.id)

    columns = [
        (month, channel_id, product_id) for month in plan.months for channel_id, product_id, _amount in plan.lines
    ]
    # Depth-first from the company: (unit, its total, its cells).
    stack = [(company, plan.total, company_cells(plan))]
    while stack:
        unit, amount, cells = stack.pop()
        overridden = ("unit", unit.id) in overrides
        _emit(result, columns, unit_id=unit.id, member_id=None, amount=amount, cells=cells, overridden=overridden)
        if unit.kind == TEAM:
            _allocate_team(result, columns, plan, unit, amount, cells, team_agents[unit.id], overrides)
            continue
        staffed = [child for child in children[unit.id] if headcount[child.id] > 0]
        if not staffed:
            # Only an override can give an empty branch an amount; refuse it.
            if amount:
                raise AllocationConflict(_("This unit has no agents to carry a target."), unit_id=unit.id)
            continue
        weights = _unit_weights(staffed, production, headcount)
        amounts = _split_with_overrides(
            amount, [("unit", child.id) for child in staffed], weights, overrides, unit_id=unit.id
        )
        child_cells = round_matrix(amounts, cells)
        for child, child_amount, child_row in reversed(list(zip(staffed, amounts, child_cells, strict=True))):
            stack.append((child, child_amount, child_row))
    return result


def _subtree_facts(
    units: list[UnitNode], team_agents: dict[int, list[AgentFacts]], ramp_up_share: Fraction
) -> tuple[dict[int, int], dict[int, Fraction]]:
    """Return each unit's subtree production and ramp-adjusted headcount."""
    production: dict[int, int] = defaultdict(int)
    headcount: dict[int, Fraction] = defaultdict(Fraction)
    by_id = {unit.id: unit for unit in units}
    for team_id, agents in team_agents.items():
        team_production = sum(agent.production for agent in agents)
        team_headcount = sum((ramp_up_share if agent.is_new else Fraction(1) for agent in agents), Fraction(0))
        ancestor_ids = [int(part) for part in by_id[team_id].path.strip("/").split("/")]
        for unit_id in ancestor_ids:
            production[unit_id] += team_production
            headcount[unit_id] += team_headcount
    return production, headcount


def _unit_weights(
    siblings: list[UnitNode], production: dict[int, int], headcount: dict[int, Fraction]
) -> list[Fraction]:
    with_history = [unit for unit in siblings if production[unit.id] > 0]
    if not with_history:
        return [headcount[unit.id] for unit in siblings]
    per_agent = Fraction(sum(production[unit.id] for unit in with_history)) / sum(
        headcount[unit.id] for unit in with_history
    )
    return [
        Fraction(production[unit.id]) if production[unit.id] > 0 else headcount[unit.id] * per_agent
        for unit in siblings
    ]


def _split_with_overrides(
    amount: int,
    keys: list[tuple[str, int]],
    weights: list[Fraction],
    overrides: dict[tuple[str, int], int],
    *,
    unit_id: int,
) -> list[int]:
    """Split ``amount`` over ``keys``: overridden keys keep theirs, the rest share what is left."""
    fixed = sum(overrides[key] for key in keys if key in overrides)
    free = [index for index, key in enumerate(keys) if key not in overrides]
    left = amount - fixed
    if left < 0:
        raise AllocationConflict(_("The overrides add up to more than the parent's amount."), unit_id=unit_id)
    if not free and left:
        raise AllocationConflict(
            _("Every part is overridden and they do not add up to the parent's amount."), unit_id=unit_id
        )
    shares = largest_remainder(left, [weights[index] for index in free])
    amounts = [overrides.get(key, 0) for key in keys]
    for index, share in zip(free, shares, strict=True):
        amounts[index] = share
    return amounts


def _allocate_team(result, columns, plan: PlanShape, team: UnitNode, amount, cells, agents, overrides) -> None:
    if not agents:
        if amount:
            raise AllocationConflict(_("This unit has no agents to carry a target."), unit_id=team.id)
        return
    tiers = rank_agents(agents)
    result.tiers.update(tiers)
    ordered = sorted(
        agents,
        key=lambda agent: (TIERS.index(tiers[agent.member_id]), agent.is_new, -agent.production, agent.member_id),
    )
    keys = [("member", agent.member_id) for agent in ordered]
    if any(key in overrides for key in keys):
        # Each free agent keeps their per-head weight within their tier.
        tier_counts = {tier: sum(1 for agent in ordered if tiers[agent.member_id] == tier) for tier in TIERS}
        weights = [plan.tier_shares[tiers[agent.member_id]] / tier_counts[tiers[agent.member_id]] for agent in ordered]
        amounts = _split_with_overrides(amount, keys, weights, overrides, unit_id=team.id)
    else:
        amounts = _split_by_tier(amount, ordered, tiers, plan.tier_shares)
    agent_cells = round_matrix(amounts, cells)
    for agent, agent_amount, agent_row in zip(ordered, amounts, agent_cells, strict=True):
        _emit(
            result,
            columns,
            unit_id=team.id,
            member_id=agent.member_id,
            amount=agent_amount,
            cells=agent_row,
            overridden=("member", agent.member_id) in overrides,
            tier=tiers[agent.member_id],
        )


def _split_by_tier(amount: int, ordered: list[AgentFacts], tiers: dict[int, str], shares: dict[str, Fraction]):
    """Split ``amount`` over the tiers present by their shares, then evenly within each tier."""
    present = [tier for tier in TIERS if any(tiers[agent.member_id] == tier for agent in ordered)]
    tier_amounts = dict(zip(present, largest_remainder(amount, [shares[tier] for tier in present]), strict=True))
    amounts = []
    for tier in present:
        members = [agent for agent in ordered if tiers[agent.member_id] == tier]
        amounts.extend(largest_remainder(tier_amounts[tier], [1] * len(members)))
    return amounts


def _emit(result, columns, *, unit_id, member_id, amount, cells, overridden, tier="") -> None:
    rows = result.rows
    rows.append(AllocationRow(unit_id, member_id, None, None, None, amount, tier, overridden))
    rows.extend(
        [
            AllocationRow(unit_id, member_id, month, channel_id, product_id, cell, tier, False)
            for (month, channel_id, product_id), cell in zip(columns, cells, strict=True)
        ]
    )

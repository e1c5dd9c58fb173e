"""The allocation arithmetic on its own (no database): figures worked out by hand from DESIGN.md "Targets"."""

import random
from fractions import Fraction

import pytest

from targets.allocation import AgentFacts, AllocationConflict, PlanShape, UnitNode, allocate, rank_agents, tier_sizes
from targets.rounding import largest_remainder, round_matrix

SHARES = {"top": Fraction(3, 10), "middle": Fraction(1, 2), "bottom": Fraction(1, 5)}
WEIGHTS_343 = (Fraction(3), Fraction(4), Fraction(3))


def shape(total, lines=((1, 1, None),), weights=WEIGHTS_343):
    lines = tuple((channel, product, total if amount is None else amount) for channel, product, amount in lines)
    return PlanShape(
        total=total,
        month_weights=weights,
        months=(10, 11, 12),
        lines=lines,
        tier_shares=SHARES,
        ramp_up_share=Fraction(1, 2),
    )


def one_team_org(agent_count, production=None, new=()):
    units = [UnitNode(1, None, "company", "/1/"), UnitNode(2, 1, "branch", "/1/2/"), UnitNode(3, 2, "team", "/1/2/3/")]
    production = production or [0] * agent_count
    agents = [AgentFacts(100 + index, 3, production[index], 100 + index in new) for index in range(agent_count)]
    return units, agents


def totals(result, *, member=None, unit=None):
    return {
        (row.member_id if member else row.unit_id): row.amount
        for row in result.rows
        if row.month is None and ((row.member_id is not None) if member else (row.member_id is None))
    }


def test_largest_remainder_gives_leftover_units_to_largest_remainders_then_earliest():
    # 100,000,001 fen at 3:4:3 is 30,000,000.3 / 40,000,000.4 / 30,000,000.3: the one fen left goes to .4.
    assert largest_remainder(100_000_001, [3, 4, 3]) == [30_000_000, 40_000_001, 30_000_000]
    # Ties go to the earlier item: 10 over three equal weights.
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert largest_remainder(5, [0, 0]) == [3, 2]  # nothing weighted: split evenly


def test_round_matrix_keeps_both_margins_on_random_inputs():
    generator = random.Random(20261122)
    for _trial in range(500):
        total = generator.randint(0, 10**12)
        rows = largest_remainder(total, [generator.randint(0, 9) for _ in range(generator.randint(1, 12))])
        columns = largest_remainder(total, [generator.randint(0, 9) for _ in range(generator.randint(1, 15))])
        cells = round_matrix(rows, columns)
        assert [sum(row) for row in cells] == rows
        assert [sum(row[j] for row in cells) for j in range(len(columns))] == columns
        for i, row in enumerate(cells):
            for j, cell in enumerate(row):
                # Each cell is the floor or the ceiling of its exact share.
                assert abs(Fraction(cell) - Fraction(rows[i] * columns[j], total or 1)) < 1


def test_seed_example_company_cells():
    # Given the seed's 1000万 plan: 个险 600 (健康 400 + 年金 200), 团险 300 (200 + 100), 银保 100, at 3:4:3
    wan = 10_000 * 100  # one 万元 in fen
    lines = ((1, 1, 400 * wan), (1, 2, 200 * wan), (2, 3, 200 * wan), (2, 4, 100 * wan), (3, 5, 100 * wan))
    units, agents = one_team_org(1)
    # When it is allocated
    result = allocate(plan=shape(1000 * wan, lines), units=units, agents=agents, overrides={})
    # Then the company's months are 300 / 400 / 300 万 and each line holds its amount
    company = [row for row in result.rows if row.unit_id == 1 and row.member_id is None and row.month]
    by_month = {month: sum(row.amount for row in company if row.month == month) for month in (10, 11, 12)}
    assert by_month == {10: 300 * wan, 11: 400 * wan, 12: 300 * wan}
    by_line = {}
    for row in company:
        by_line[(row.channel_id, row.product_id)] = by_line.get((row.channel_id, row.product_id), 0) + row.amount
    assert by_line == {(1, 1): 400 * wan, (1, 2): 200 * wan, (2, 3): 200 * wan, (2, 4): 100 * wan, (3, 5): 100 * wan}
    # And October's 健康险 is 400万 × 30 % = 120万
    assert next(row.amount for row in company if row.month == 10 and row.product_id == 1) == 120 * wan


def test_tier_sizes_are_twenty_sixty_twenty_with_new_agents_at_the_bottom():
    assert tier_sizes(10, 0) == (2, 6, 2)
    assert tier_sizes(7, 0) == (1, 5, 1)  # 20 % of 7 is 1.4 → 1
    assert tier_sizes(8, 0) == (2, 4, 2)  # 1.6 → 2
    assert tier_sizes(2, 0) == (0, 2, 0)
    assert tier_sizes(10, 3) == (2, 5, 3)  # every new agent is in the bottom tier


def test_team_of_ten_splits_thirty_fifty_twenty_by_tier():
    # Given a team of 10 whose production last quarter was 100, 90, … 10 thousand yuan
    production = [(100 - 10 * index) * 1000 * 100 for index in range(10)]
    units, agents = one_team_org(10, production)
    # When a 1,000,000.00 yuan plan is allocated
    result = allocate(plan=shape(100_000_000), units=units, agents=agents, overrides={})
    members = totals(result, member=True)
    # Then the top two carry 30 % (150,000.00 each), the bottom two 20 % (100,000.00 each)
    assert [members[100], members[101]] == [15_000_000, 15_000_000]
    assert [members[108], members[109]] == [10_000_000, 10_000_000]
    # And the middle six share 500,000.00: 83,333.33 each, the 2 fen left to the two highest ranked
    assert [members[102 + index] for index in range(6)] == [8_333_334, 8_333_334] + [8_333_333] * 4
    assert sum(members.values()) == 100_000_000
    assert result.tiers == {
        100: "top",
        101: "top",
        **{102 + i: "middle" for i in range(6)},
        108: "bottom",
        109: "bottom",
    }


def test_a_new_agent_is_bottom_tier_whatever_they_sold():
    production = [50, 40, 30, 20, 10]
    tiers = rank_agents([AgentFacts(1 + index, 3, production[index], index == 0) for index in range(5)])
    # The new agent (1) sold most but is bottom; the top fifth (one agent) is 2.
    assert tiers == {1: "bottom", 2: "top", 3: "middle", 4: "middle", 5: "middle"}


def test_awkward_total_sums_to_the_fen_at_every_level():
    # Given 1,000,000.01 yuan over 3 months and 7 agents of one team
    units, agents = one_team_org(7, [70, 60, 50, 40, 30, 20, 10])
    result = allocate(plan=shape(100_000_001), units=units, agents=agents, overrides={})
    # Then company, branch and team each hold 1,000,000.01
    assert totals(result) == {1: 100_000_001, 2: 100_000_001, 3: 100_000_001}
    members = totals(result, member=True)
    # And tiers 30/50/20: 300,000.00 | 500,000.01 over five (100,000.01 + 4 × 100,000.00) | 200,000.00
    assert [members[100 + index] for index in range(7)] == [
        30_000_000,
        10_000_001,
        10_000_000,
        10_000_000,
        10_000_000,
        10_000_000,
        20_000_000,
    ]
    # And the months are 300,000.00 / 400,000.01 / 300,000.00 at every level, summed over the agents too
    for unit_id in (1, 2, 3):
        months = {
            row.month: row.amount
            for row in result.rows
            if row.unit_id == unit_id and row.member_id is None and row.month
        }
        assert months == {10: 30_000_000, 11: 40_000_001, 12: 30_000_000}
    agent_months = {10: 0, 11: 0, 12: 0}
    for row in result.rows:
        if row.member_id and row.month:
            agent_months[row.month] += row.amount
    assert agent_months == {10: 30_000_000, 11: 40_000_001, 12: 30_000_000}
    # And each agent's months add up to the agent's total
    for member_id, amount in members.items():
        assert sum(row.amount for row in result.rows if row.member_id == member_id and row.month) == amount


def test_policy_count_plan_is_in_whole_policies():
    # Given 1001 policies at 3:4:3 over one team of 7
    units, agents = one_team_org(7, [7, 6, 5, 4, 3, 2, 1])
    result = allocate(plan=shape(1001), units=units, agents=agents, overrides={})
    members = totals(result, member=True)
    # Then tiers are 300.3 / 500.5 / 200.2 → 300 / 501 / 200 policies, the middle 501 as 101 + 4 × 100
    assert [members[100 + index] for index in range(7)] == [300, 101, 100, 100, 100, 100, 200]
    months = {row.month: row.amount for row in result.rows if row.unit_id == 1 and row.member_id is None and row.month}
    assert months == {10: 300, 11: 401, 12: 300}
    assert all(isinstance(row.amount, int) for row in result.rows)


def test_units_split_by_production_and_new_units_by_headcount():
    # Given two branches with history (300 and 100) and one with two agents and no history
    units = [
        UnitNode(1, None, "company", "/1/"),
        UnitNode(2, 1, "branch", "/1/2/"),
        UnitNode(3, 1, "branch", "/1/3/"),
        UnitNode(4, 1, "branch", "/1/4/"),
        UnitNode(5, 2, "team", "/1/2/5/"),
        UnitNode(6, 3, "team", "/1/3/6/"),
        UnitNode(7, 4, "team", "/1/4/7/"),
    ]
    agents = [
        AgentFacts(11, 5, 150, False),
        AgentFacts(12, 5, 150, False),
        AgentFacts(13, 6, 100, False),
        AgentFacts(14, 6, 0, False),
        AgentFacts(15, 7, 0, False),
        AgentFacts(16, 7, 0, False),
    ]
    # When 1000 policies are allocated
    result = allocate(plan=shape(1000), units=units, agents=agents, overrides={})
    # Then branch 4 counts as 2 agents × 100 per agent (400 over 4 agents) = 200:
    # weights 300 : 100 : 200 → 500 / 166.67 / 333.33 → 500 / 167 / 333
    assert {unit: amount for unit, amount in totals(result).items() if unit in (2, 3, 4)} == {2: 500, 3: 167, 4: 333}


def test_overrides_keep_their_amount_and_siblings_share_the_rest():
    units, agents = one_team_org(10, [(100 - 10 * index) for index in range(10)])
    # Given the top agent is fixed at 400 of a 1000-policy team
    result = allocate(plan=shape(1000), units=units, agents=agents, overrides={("member", 100): 400})
    members = totals(result, member=True)
    # Then the other nine share 600 by their tier weights: top 0.15, middle 0.5/6, bottom 0.1 per head
    # 600 × 0.15 / 0.85 = 105.88; middle 600 × (1/12) / 0.85 = 58.82; bottom 600 × 0.1 / 0.85 = 70.59.
    # Floors 105 + 6 × 58 + 2 × 70 = 593; the 7 left go to .88 and the six .82s.
    assert members[100] == 400
    assert members[101] == 106
    assert [members[102 + index] for index in range(6)] == [59] * 6
    assert [members[108], members[109]] == [70, 70]
    assert sum(members.values()) == 1000
    overridden = [row for row in result.rows if row.overridden]
    assert [(row.member_id, row.amount) for row in overridden] == [(100, 400)]


def test_overrides_larger_than_the_parent_conflict():
    units, agents = one_team_org(3)
    with pytest.raises(AllocationConflict):
        allocate(plan=shape(100), units=units, agents=agents, overrides={("member", 100): 101})
    with pytest.raises(AllocationConflict):
        overrides = {("member", 100): 10, ("member", 101): 10, ("member", 102): 10}
        allocate(plan=shape(100), units=units, agents=agents, overrides=overrides)


def test_no_agents_cannot_carry_a_plan():
    units, _agents = one_team_org(0)
    with pytest.raises(AllocationConflict):
        allocate(plan=shape(100), units=units, agents=[], overrides={})

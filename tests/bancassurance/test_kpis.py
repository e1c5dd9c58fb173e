"""Branch KPIs worked out by hand (seed 004: activity rate, 网均件数, premium share, 期趸比, 开口量)."""

from datetime import date
from decimal import Decimal

import pytest

from bancassurance.models import Stage
from bancassurance.selectors.branches import policy_for
from bancassurance.selectors.kpis import (
    BranchFigures,
    activity_trend,
    kpi_report,
    kpis_of,
    stage_counts,
    targets_of,
)
from bancassurance.services.standards import standards_update
from tests.bancassurance.channel_data import bank_sale, contact, make_bank, make_branch, person

pytestmark = pytest.mark.django_db
OCTOBER = {"start": date(2026, 10, 1), "end": date(2026, 10, 31)}


def test_forty_branches_thirteen_with_a_policy_is_an_activity_rate_of_32_5_percent(org):
    # Given 40 branches, 13 of which wrote a policy in October (one of them three)
    bank = make_bank(org)
    branches = [make_branch(org, bank, f"B{n:02d}", staff=org.bank) for n in range(40)]
    for branch in branches[:13]:
        bank_sale(org, branch, date(2026, 10, 15), "10000.00")
    bank_sale(org, branches[0], date(2026, 10, 16), "5000.00", policies=2)
    # and a sale outside the month, at a branch that wrote nothing in it
    bank_sale(org, branches[20], date(2026, 9, 30), "9999.00")

    kpis = kpi_report(tenant=org.tenant, actor=org.bank, **OCTOBER).total

    assert (kpis.branches, kpis.active_branches) == (40, 13)
    assert kpis.activity_rate == Decimal("0.3250")
    # 15 policies over 40 branches
    assert (kpis.policies, kpis.policies_per_branch) == (15, Decimal("0.38"))
    assert kpis.premium == Decimal("135000.00")
    # 32.5 % reaches the first target (30 %); the next is 60 %
    targets = targets_of(kpis, policy_for(org.tenant))
    assert (targets.reached, targets.next) == (30, 60)


def test_regular_one_million_to_single_two_and_a_half_million_is_one_to_2_5_and_misses_one_to_two(org):
    bank = make_bank(org)
    branch = make_branch(org, bank, "B01", staff=org.bank)
    bank_sale(org, branch, date(2026, 10, 3), "600000.00", mode="regular")
    bank_sale(org, branch, date(2026, 10, 4), "400000.00", mode="regular")
    bank_sale(org, branch, date(2026, 10, 5), "2500000.00", mode="single")

    kpis = kpi_report(tenant=org.tenant, actor=None, **OCTOBER).total

    assert (kpis.regular_premium, kpis.single_premium) == (Decimal("1000000.00"), Decimal("2500000.00"))
    assert kpis.single_per_regular == Decimal("2.50")
    assert kpis.regular_single_ratio == "1 : 2.5"
    targets = targets_of(kpis, policy_for(org.tenant))
    assert (targets.ratio_target, targets.ratio_met) == (Decimal("2.00"), False)


def test_the_ratio_reads_as_people_write_it_and_is_none_without_regular_premium():
    def ratio(regular, single):
        return kpis_of(
            [BranchFigures(1, Decimal(regular) + Decimal(single), Decimal(regular), Decimal(single))], Decimal(1)
        )

    assert ratio("1000", "2000").regular_single_ratio == "1 : 2"
    assert ratio("3000", "1000").regular_single_ratio == "1 : 0.33"
    assert ratio("0", "1000").regular_single_ratio is None
    assert ratio("0", "1000").single_per_regular is None


def test_premium_share_is_of_the_whole_bank_channel_and_kpis_group_by_bank_and_staff(org):
    # Given two banks: ICBC's two branches are the bank staff's, CCB's one nobody's
    other_staff = _second_bank_staff(org)
    icbc, ccb = make_bank(org), make_bank(org, "CCB", "建设银行")
    b1 = make_branch(org, icbc, "ICBC-1", staff=org.bank)
    b2 = make_branch(org, icbc, "ICBC-2", staff=org.bank)
    c1 = make_branch(org, ccb, "CCB-1", staff=other_staff)
    bank_sale(org, b1, date(2026, 10, 10), "30000.00", mode="regular")
    bank_sale(org, c1, date(2026, 10, 11), "10000.00")
    # and an agency sale, which is not the bank channel's
    from tests.dashboards.rollup_data import sale

    sale(org, org.agent, date(2026, 10, 12), "50000.00")
    contact(org, b2, person(org, b2, "teller", date(2026, 1, 5)), date(2026, 10, 20), openings=7)

    report = kpi_report(tenant=org.tenant, actor=org.admin, **OCTOBER, by="bank")
    assert report.total.premium_share == Decimal("1.0000")
    by_bank = {row["name"]: row["kpis"] for row in report.rows}
    # ICBC: 30,000 of the channel's 40,000; 1 of 2 branches active; 7 openings
    assert by_bank["工商银行"].premium_share == Decimal("0.7500")
    assert by_bank["工商银行"].activity_rate == Decimal("0.5000")
    assert by_bank["工商银行"].opening_volume == 7
    assert by_bank["建设银行"].premium_share == Decimal("0.2500")

    # The bank staff member sees their own branches: ICBC's, 75 % of the channel
    mine = kpi_report(tenant=org.tenant, actor=org.bank, **OCTOBER, by="staff")
    assert mine.total.branches == 2
    assert [(row["name"], row["kpis"].premium) for row in mine.rows] == [(org.bank.display_name, Decimal("30000.00"))]
    assert mine.total.premium_share == Decimal("0.7500")
    # Filtered by staff member, the company manager sees the same
    filtered = kpi_report(tenant=org.tenant, actor=org.manager, **OCTOBER, filters={"staff": other_staff.pk})
    assert (filtered.total.branches, filtered.total.premium) == (1, Decimal("10000.00"))


def test_another_tenants_sales_and_branches_count_for_nothing(org, other_org):
    bank = make_bank(org)
    make_branch(org, bank, "B01", staff=org.bank)
    theirs = make_branch(other_org, make_bank(other_org), "B01", staff=other_org.bank)
    bank_sale(other_org, theirs, date(2026, 10, 3), "1000.00")

    kpis = kpi_report(tenant=org.tenant, actor=org.admin, **OCTOBER).total

    assert (kpis.branches, kpis.active_branches, kpis.premium, kpis.premium_share) == (1, 0, Decimal("0.00"), None)


def test_the_activity_trend_counts_active_branches_month_by_month(org):
    bank = make_bank(org)
    b1, b2, _b3, b4 = (make_branch(org, bank, f"B{n}", staff=org.bank) for n in range(4))
    bank_sale(org, b1, date(2026, 8, 5), "1000.00")
    bank_sale(org, b1, date(2026, 10, 5), "1000.00")
    bank_sale(org, b2, date(2026, 10, 6), "1000.00")
    bank_sale(org, b4, date(2026, 10, 31), "1000.00")

    trend = activity_trend(tenant=org.tenant, actor=org.bank, last=date(2026, 10, 31), months=3)

    assert trend == [
        (date(2026, 8, 1), 4, 1, Decimal("0.2500")),
        (date(2026, 9, 1), 4, 0, Decimal("0.0000")),
        (date(2026, 10, 1), 4, 3, Decimal("0.7500")),
    ]


def test_stage_counts_follow_the_lifecycle_order(org):
    bank = make_bank(org)
    for code, stage in [("A", "growth"), ("B", "growth"), ("C", "slump"), ("D", "start_up")]:
        make_branch(org, bank, code, staff=org.bank, stage=stage)
    assert [(stage, count) for stage, _label, count in stage_counts(tenant=org.tenant, actor=org.bank)] == [
        (Stage.START_UP, 1),
        (Stage.GROWTH, 2),
        (Stage.MATURE, 0),
        (Stage.ADJUSTMENT, 0),
        (Stage.SLUMP, 1),
    ]


def test_the_tenants_own_targets_apply(org):
    standards_update(
        tenant=org.tenant,
        actor=org.manager,
        changes={"activity_target_1": 20, "activity_target_2": 40, "single_per_regular_target": "3"},
    )
    kpis = kpis_of([BranchFigures(1, Decimal(3500), Decimal(1000), Decimal(2500)), BranchFigures()], Decimal(3500))
    targets = targets_of(kpis, policy_for(org.tenant))
    assert (targets.reached, targets.next, targets.ratio_met) == (40, 100, True)


def _second_bank_staff(org):
    from tests.factories import add_member

    return add_member(org.tenant, f"{org.tenant.slug}-bank2", "bank_staff", org.units["bank"])

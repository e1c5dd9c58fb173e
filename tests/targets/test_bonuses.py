"""Bonus tiers: the rule worked out by hand (tests/targets/bonus_data.py), the runs, never paid twice, scope."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from dashboards.periods import Period
from targets.models import BonusLine, BonusRun, IncentivePolicy, SaleRecord
from targets.selectors.bonuses import bonus_lines, bonus_of
from targets.selectors.incentive_policy import BonusTier
from targets.services.bonuses import bonus_run_create
from targets.services.incentive_policy import incentive_policy_update
from tests.dashboards.rollup_data import sale
from tests.factories import build_org
from tests.targets.bonus_data import (
    OCTOBER_BONUSES,
    OCTOBER_TOTAL,
    TODAY,
    expected_rows,
    write_october,
    write_third_quarter,
)

OCTOBER = Period("month", 2026, 10)
Q3 = Period("quarter", 2026, 3)
DEFAULT_TIERS = [BonusTier(Decimal("1.00"), Decimal("0.10")), BonusTier(Decimal("1.10"), Decimal("0.15"))]


@pytest.fixture
def october(org, other_org):
    write_october(org)
    write_october(other_org)  # the other tenant's members and sales: never in org's bonuses
    return org


def figures(sheet) -> list[tuple]:
    rows = [
        (row.member.pk, row.bonus.target, row.bonus.premium, row.bonus.attainment, row.bonus.rate, row.bonus.amount)
        for row in sheet.rows
    ]
    return sorted(rows)


def sheet_of(org, actor, period=OCTOBER):
    return bonus_lines(tenant=org.tenant, actor=actor, period=period, today=TODAY)


# --- the rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("premium", "attainment", "rate", "amount"),
    [
        ("55000", "1.1000", "0.1500", "8250.00"),  # 110 % reaches the second tier: 55,000 × 15 %
        ("54999", "1.0999", "0.1000", "5499.90"),  # 109.998 % does not: 54,999 × 10 %
        ("40000", "0.8000", "0.0000", "0.00"),  # 80 %: below the first tier
        ("50000", "1.0000", "0.1000", "5000.00"),  # exactly 100 %: the first tier
    ],
)
def test_the_rule_on_a_50000_target(premium, attainment, rate, amount):
    bonus = bonus_of(premium=Decimal(premium), target=Decimal("50000"), tiers=DEFAULT_TIERS)
    assert (bonus.attainment, bonus.rate, bonus.amount) == (Decimal(attainment), Decimal(rate), Decimal(amount))


def test_the_bonus_is_rounded_to_the_fen_half_up():
    # 10,000.05 × 10 % = 1,000.005 → 1,000.01 (half up, not the banker's 1,000.00)
    bonus = bonus_of(premium=Decimal("10000.05"), target=Decimal("10000"), tiers=DEFAULT_TIERS)
    assert bonus.amount == Decimal("1000.01")
    # 10,000.04 × 10 % = 1,000.004 → 1,000.00
    assert bonus_of(premium=Decimal("10000.04"), target=Decimal("10000"), tiers=DEFAULT_TIERS).amount == Decimal(
        "1000.00"
    )


def test_without_a_target_there_is_no_bonus():
    bonus = bonus_of(premium=Decimal("12345.67"), target=None, tiers=DEFAULT_TIERS)
    assert (bonus.target, bonus.premium, bonus.attainment, bonus.rate, bonus.amount) == (
        Decimal("0.00"),
        Decimal("12345.67"),
        None,
        Decimal(0),
        Decimal("0.00"),
    )


# --- the preview --------------------------------------------------------------


def test_the_october_preview_worked_out_by_hand(october):
    sheet = sheet_of(october, october.manager)
    assert sheet.run is None and sheet.ended
    # Active agents, and the leaver with a target; "gone" (inactive, no target) and the other tenant are not listed.
    assert figures(sheet) == sorted(expected_rows(october, OCTOBER_BONUSES))
    assert sheet.total == OCTOBER_TOTAL
    assert sheet.tiers == DEFAULT_TIERS


def test_a_member_hired_mid_period_is_judged_on_their_target(october):
    # agent5 joined on 19 October with a 20,000 target for their part of the month: 24,000 → 120 % → 15 %.
    row = next(row for row in sheet_of(october, october.manager).rows if row.member == october.agent5)
    assert (row.bonus.attainment, row.bonus.rate, row.bonus.amount) == (
        Decimal("1.2000"),
        Decimal("0.1500"),
        Decimal("3600.00"),
    )


def test_a_quarter_adds_up_its_three_months(org):
    write_third_quarter(org)
    rows = {row.member.pk: row.bonus for row in sheet_of(org, org.admin, Q3).rows}
    # 33,000 ÷ 30,000 = 110 % → 33,000 × 15 % = 4,950.00; agent3 27,000 ÷ 30,000 = 90 % → nothing.
    assert (rows[org.agent.pk].target, rows[org.agent.pk].premium, rows[org.agent.pk].amount) == (
        Decimal("30000.00"),
        Decimal("33000.00"),
        Decimal("4950.00"),
    )
    assert (rows[org.agent3.pk].attainment, rows[org.agent3.pk].amount) == (Decimal("0.9000"), Decimal("0.00"))


def test_the_tenants_tiers_are_applied(october):
    incentive_policy_update(
        tenant=october.tenant,
        actor=october.admin,
        changes={"bonus_tiers": [{"from": "0.80", "rate": "0.05"}, {"from": "1.20", "rate": "0.20"}]},
    )
    rows = {row.member.pk: row.bonus for row in sheet_of(october, october.manager).rows}
    # agent3 40,000 at 80 % now earns 5 %: 2,000.00; agent5 at 120 %: 24,000 × 20 % = 4,800.00;
    # agent at 110 % falls back to the 80 % tier: 55,000 × 5 % = 2,750.00.
    assert rows[october.agent3.pk].amount == Decimal("2000.00")
    assert rows[october.agent5.pk].amount == Decimal("4800.00")
    assert rows[october.agent.pk].amount == Decimal("2750.00")


# --- scope --------------------------------------------------------------------


def test_an_agent_sees_only_their_own_line(october):
    assert figures(sheet_of(october, october.agent)) == expected_rows(october, ["agent"])


def test_a_supervisor_sees_their_team_and_a_branch_manager_their_branch(october):
    assert figures(sheet_of(october, october.supervisor)) == sorted(
        expected_rows(october, ["agent", "agent2", "leaver"])
    )
    assert figures(sheet_of(october, october.branch_manager)) == sorted(
        expected_rows(october, ["agent", "agent2", "leaver", "agent3", "agent5"])
    )


@pytest.mark.parametrize("role", ["bank", "renewal_lead", "advisor"])
def test_other_roles_see_no_bonuses(october, role):
    with pytest.raises(PermissionDenied):
        sheet_of(october, october.members[role])


# --- runs: written once, never paid twice ------------------------------------


def run(org, period=OCTOBER, actor=None):
    return bonus_run_create(tenant=org.tenant, actor=actor or org.manager, period=period, today=TODAY)


def stored(run_):
    return sorted(
        BonusLine.objects.filter(run=run_).values_list("member_id", "target", "premium", "attainment", "rate", "amount")
    )


def test_a_run_stores_the_lines_of_the_preview(october):
    made, created = run(october)
    assert created
    assert (made.period, made.starts_on.isoformat(), made.ends_on.isoformat(), made.created_by) == (
        "2026-10",
        "2026-10-01",
        "2026-10-31",
        october.manager,
    )
    assert stored(made) == sorted(expected_rows(october, OCTOBER_BONUSES))
    sheet = sheet_of(october, october.admin)
    assert sheet.run == made and sheet.total == OCTOBER_TOTAL


def test_running_twice_gives_the_same_run_and_lines(october):
    first, created = run(october)
    lines = stored(first)
    again, created_again = run(october, actor=october.admin)
    assert created and not created_again
    assert again.pk == first.pk and again.created_by == october.manager
    assert BonusRun.objects.filter(tenant=october.tenant).count() == 1
    assert stored(again) == lines and BonusLine.objects.filter(tenant=october.tenant).count() == 7


def test_a_sale_corrected_after_the_run_does_not_change_its_lines(october):
    made, _created = run(october)
    lines = stored(made)
    # agent2's 54,999 is corrected to 60,000 (which would reach 15 %), and a late sale for agent3 arrives.
    SaleRecord.objects.filter(tenant=october.tenant, member=october.agent2).update(premium=Decimal("60000"))
    sale(october, october.agent3, OCTOBER.end, "20000")
    run(october)
    assert stored(made) == lines
    row = next(row for row in sheet_of(october, october.manager).rows if row.member == october.agent2)
    assert (row.bonus.premium, row.bonus.amount) == (Decimal("54999.00"), Decimal("5499.90"))


def test_a_quarter_run(org):
    write_third_quarter(org)
    made, created = run(org, Q3)
    lines = {member: amount for member, *_rest, amount in stored(made)}
    assert created and lines[org.agent.pk] == Decimal("4950.00") and lines[org.agent3.pk] == Decimal("0.00")
    assert (made.starts_on.isoformat(), made.ends_on.isoformat()) == ("2026-07-01", "2026-09-30")


def test_a_month_inside_a_run_quarter_is_refused(org):
    write_third_quarter(org)
    run(org, Q3)
    with pytest.raises(ValidationError) as error:
        run(org, Period("month", 2026, 8))
    assert "2026-Q3" in error.value.message_dict["period"][0]
    assert BonusRun.objects.filter(tenant=org.tenant).count() == 1


def test_a_quarter_holding_a_run_month_is_refused(org):
    write_third_quarter(org)
    run(org, Period("month", 2026, 9))
    with pytest.raises(ValidationError) as error:
        run(org, Q3)
    assert "2026-09" in error.value.message_dict["period"][0]
    assert list(BonusRun.objects.filter(tenant=org.tenant).values_list("period", flat=True)) == ["2026-09"]
    assert BonusLine.objects.filter(tenant=org.tenant, period="2026-Q3").count() == 0


def test_a_period_not_ended_is_refused(october):
    for period in (Period("month", 2026, 11), Period("quarter", 2026, 4)):
        with pytest.raises(ValidationError) as error:
            run(october, period)
        assert list(error.value.message_dict) == ["period"]
    # The last day of a month is still under way until the day after.
    with pytest.raises(ValidationError):
        bonus_run_create(tenant=october.tenant, actor=october.manager, period=OCTOBER, today=OCTOBER.end)
    assert not BonusRun.objects.exists()


@pytest.mark.parametrize("role", ["branch_manager", "supervisor", "agent", "bank"])
def test_only_a_company_manager_or_an_admin_runs_bonuses(october, role):
    with pytest.raises(PermissionDenied):
        run(october, actor=october.members[role])
    assert not BonusRun.objects.exists()


def test_runs_are_per_tenant(october, other_org):
    run(october)
    made, created = run(other_org)
    assert created and made.tenant == other_org.tenant
    assert {member for member, *_rest in stored(made)} == {other_org.members[key].pk for key in OCTOBER_BONUSES}


def test_bad_tiers_are_refused_by_field_and_nothing_is_saved(org):
    with pytest.raises(ValidationError) as error:
        incentive_policy_update(
            tenant=org.tenant,
            actor=org.admin,
            changes={"bonus_tiers": [{"from": "1.10", "rate": "0.05"}, {"from": "1.00", "rate": "0.10"}]},
        )
    assert list(error.value.message_dict) == ["bonus_tiers"]
    policy = IncentivePolicy.objects.filter(tenant=org.tenant).first()
    assert policy is None or policy.bonus_tiers == [{"from": "1.00", "rate": "0.10"}, {"from": "1.10", "rate": "0.15"}]


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_make_one(transactional_db):
    """A second request waiting on the first's lock finds its run instead of making another."""
    org = build_org("race", "竞速保险")
    write_october(org)
    IncentivePolicy.objects.get_or_create(tenant=org.tenant)  # committed: the second request only waits on its lock
    results: dict = {}

    def second_click():
        try:
            results["second"] = run(org, actor=org.admin)
        except Exception as error:  # reported below, in the test's thread
            results["error"] = error
        finally:
            connection.close()

    with transaction.atomic():
        IncentivePolicy.objects.select_for_update().get(tenant=org.tenant)
        waiter = threading.Thread(target=second_click)
        waiter.start()
        # Wait until the second request is blocked on the policy row's lock (bounded, not a timing assertion).
        for _attempt in range(400):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the second request never waited on the lock")
        first, first_created = run(org)
    waiter.join()
    assert "error" not in results, results.get("error")
    second, second_created = results["second"]
    assert first_created and not second_created and second.pk == first.pk
    assert BonusRun.objects.filter(tenant=org.tenant).count() == 1
    assert BonusLine.objects.filter(tenant=org.tenant).count() == 7

"""Contests: standings, ties, winners by rule, first-policy eligibility, points, freezing, late corrections.

Facts on tests/factories.py's org (agents: agent and agent2 in team north-1,
agent3 in north-2, agent4 in south-1), seen on Sunday 22 Nov 2026. Last
week is Mon 9 – Sun 15 Nov::

    20 Sep  agent2  1 policy     300.00   (before Q4: no first-policy award for agent2)
     8 Nov  agent   4 policies   800.00   (the week before last week)
    10 Nov  agent   2 policies 1,000.00
    11 Nov  agent2  3 policies   900.00
    12 Nov  agent   1 policy     500.00
    13 Nov  agent3  1 policy   2,000.00
    16 Nov  agent3  5 policies 2,500.00   (this week)

So last week: agent 3 policies (1,500.00), agent2 3 (900.00), agent3 1
(2,000.00), agent4 0. Display names are ``<username>-名``, and
"acme-agent-名" sorts before "acme-agent2-名" ("-" < "2").
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from activities.models import ActivityPoints
from salesops.org.models import Member
from targets.models import Contest, ContestStanding
from targets.selectors import contests as selectors
from targets.services import contests as services
from tests.dashboards.rollup_data import log, sale
from tests.factories import add_member

TODAY = date(2026, 11, 22)
LAST_MONDAY, LAST_SUNDAY = date(2026, 11, 9), date(2026, 11, 15)
Measure, Rule = Contest.ContestMeasure, Contest.Rule


def write_sales(org):
    """Write the sales of the module docstring."""
    sale(org, org.agent2, date(2026, 9, 20), "300.00")
    sale(org, org.agent, date(2026, 11, 8), "800.00", policies=4)
    sale(org, org.agent, date(2026, 11, 10), "1000.00", policies=2)
    sale(org, org.agent2, date(2026, 11, 11), "900.00", policies=3)
    sale(org, org.agent, date(2026, 11, 12), "500.00")
    sale(org, org.agent3, date(2026, 11, 13), "2000.00")
    sale(org, org.agent3, date(2026, 11, 16), "2500.00", policies=5)
    return org


def make(
    org, *, actor=None, name="周冠军", measure=Measure.POLICIES, starts_on=LAST_MONDAY, ends_on=LAST_SUNDAY, **rule
):
    return services.contest_create(
        tenant=org.tenant,
        actor=actor or org.manager,
        name=name,
        measure=measure,
        starts_on=starts_on,
        ends_on=ends_on,
        **rule,
    )


def standings(org, contest, today=TODAY):
    return selectors.contest_standings(tenant=org.tenant, contest=contest, today=today)


def table(result) -> list[tuple]:
    """(rank, username, value, winner) per row."""
    names = {m.pk: m.user.username.split("-", 1)[-1] for m in Member.objects.select_related("user")}
    return [(row["rank"], names[row["member"]], row["value"], row["winner"]) for row in result.rows]


@pytest.fixture
def week(org):
    return write_sales(org)


def test_a_tie_at_first_place_gives_two_winners_of_a_top_1_contest(week):
    contest = make(week, rule=Rule.TOP, top_n=1)
    # Ranks by policies 3, 3, 1, 0 → 1, 1, 3, 4 (standard competition ranking); the tie listed by name.
    assert table(standings(week, contest)) == [
        (1, "agent", Decimal(3), True),
        (1, "agent2", Decimal(3), True),
        (3, "agent3", Decimal(1), False),
        (4, "agent4", Decimal(0), False),
    ]


def test_top_2_by_premium_and_rows_carry_names_and_units(week):
    contest = make(week, name="周保费", measure=Measure.PREMIUM, rule=Rule.TOP, top_n=2)
    result = standings(week, contest)
    # 2,000.00 (agent3) > 1,000.00 + 500.00 (agent) > 900.00 (agent2) > 0 (agent4).
    assert table(result) == [
        (1, "agent3", Decimal("2000.00"), True),
        (2, "agent", Decimal("1500.00"), True),
        (3, "agent2", Decimal("900.00"), False),
        (4, "agent4", Decimal("0.00"), False),
    ]
    first = result.rows[0]
    assert first["member_name"] == "acme-agent3-名"
    assert first["unit_name"] == "acme-north-2" and first["unit"] == week.units["north2"].pk


def test_nobody_wins_a_top_contest_with_nothing(org):
    contest = make(org, rule=Rule.TOP, top_n=3)
    # Four agents at 0 share rank 1, but a win needs a value above zero.
    assert table(standings(org, contest)) == [
        (1, "agent", 0, False),
        (1, "agent2", 0, False),
        (1, "agent3", 0, False),
        (1, "agent4", 0, False),
    ]


def test_a_threshold_contest_makes_everyone_reaching_it_a_winner(week):
    contest = make(week, rule=Rule.THRESHOLD, threshold=Decimal(3))
    # 3 ≥ 3, 3 ≥ 3, 1 < 3, 0 < 3.
    assert [row[3] for row in table(standings(week, contest))] == [True, True, False, False]


def test_a_unit_contest_counts_only_that_subtree(week):
    contest = make(week, actor=week.supervisor, unit_id=week.units["north1"].pk, rule=Rule.TOP, top_n=1)
    assert table(standings(week, contest)) == [(1, "agent", 3, True), (1, "agent2", 3, True)]


def test_first_policy_new_agent_hired_mid_contest_takes_part_and_wins(week):
    tenant = week.tenant
    newcomer = add_member(tenant, "acme-agent5", Member.Role.AGENT, week.units["south1"])
    Member.objects.filter(pk=newcomer.pk).update(hired_on=date(2026, 11, 2))
    sale(week, newcomer, date(2026, 11, 5), "450.00")
    contest = make(
        week, name="Q4 首单奖", measure=Measure.FIRST_POLICY, starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 31)
    )
    assert (contest.rule, contest.threshold) == (Rule.THRESHOLD, Decimal(1))
    # agent2 sold on 20 Sep, before the contest: not a participant. Q4 policies so far:
    # agent 4 + 2 + 1 = 7, agent3 1 + 5 = 6, agent5 1, agent4 0. Every one with ≥ 1 wins.
    assert table(standings(week, contest)) == [
        (1, "agent", 7, True),
        (2, "agent3", 6, True),
        (3, "agent5", 1, True),
        (4, "agent4", 0, False),
    ]


def test_activity_points_use_the_tenants_points(org):
    # November, default points 1/3/3/2/2 (phone, sales interview, recruiting, new prospect, referral).
    log(
        org,
        org.agent,
        date(2026, 11, 2),
        phone_appointments=5,
        sales_interviews=3,
        recruiting_interviews=1,
        new_prospects=1,
    )
    log(org, org.agent, date(2026, 11, 3), phone_appointments=4)
    log(org, org.agent2, date(2026, 11, 4), sales_interviews=5, referrals=2)
    log(org, org.agent3, date(2026, 10, 31), phone_appointments=10)  # October: not counted
    log(org, org.agent3, date(2026, 11, 5), new_prospects=3)
    contest = make(
        org,
        name="11月积分",
        measure=Measure.ACTIVITY_POINTS,
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
        rule=Rule.TOP,
        top_n=1,
    )
    # agent 5 + 9 + 3 + 2 + 4 = 23; agent2 15 + 4 = 19; agent3 6; agent4 0.
    assert table(standings(org, contest)) == [
        (1, "agent", 23, True),
        (2, "agent2", 19, False),
        (3, "agent3", 6, False),
        (4, "agent4", 0, False),
    ]
    # The tenant doubles a phone appointment: agent 10 + 9 + 3 + 2 + 8 = 32.
    ActivityPoints.objects.create(tenant=org.tenant, phone_appointments=2)
    assert table(standings(org, contest))[0] == (1, "agent", 32, True)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "status"),
    [
        (date(2026, 11, 23), date(2026, 11, 29), "upcoming"),
        (date(2026, 11, 22), date(2026, 11, 29), "running"),
        (date(2026, 11, 16), date(2026, 11, 22), "running"),
        (date(2026, 11, 9), date(2026, 11, 21), "ended"),
    ],
)
def test_status_by_the_tenants_day(org, starts_on, ends_on, status):
    contest = make(org, starts_on=starts_on, ends_on=ends_on)
    assert selectors.contest_status(contest, TODAY) == status
    listed = selectors.contest_list(tenant=org.tenant, actor=org.admin, today=TODAY, filters={"status": status})
    assert list(listed) == [contest] and listed[0].status == status


def test_an_upcoming_contest_counts_nothing_yet(week):
    contest = make(week, starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 29))
    assert {row[2] for row in table(standings(week, contest))} == {0}


def test_a_running_contest_counts_up_to_today(week):
    contest = make(week, starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 22))
    sale(week, week.agent4, date(2026, 11, 22), "100.00")
    # agent3 5 (16 Nov), agent4 1 (today).
    assert table(standings(week, contest))[:2] == [(1, "agent3", 5, True), (2, "agent4", 1, False)]
    assert standings(week, contest).frozen is False


def test_freezing_is_idempotent_and_writes_every_participant(week):
    contest = make(week, rule=Rule.TOP, top_n=1)
    running = make(week, name="本周", starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 22))
    assert services.freeze_ended_contests(tenant=week.tenant, today=TODAY) == 1
    contest.refresh_from_db()
    frozen_at = contest.frozen_at
    assert frozen_at is not None
    rows = list(
        ContestStanding.objects.filter(contest=contest).values_list("member__user__username", "rank", "value", "winner")
    )
    assert sorted(rows) == [
        ("acme-agent", 1, Decimal("3.00"), True),
        ("acme-agent2", 1, Decimal("3.00"), True),
        ("acme-agent3", 3, Decimal("1.00"), False),
        ("acme-agent4", 4, Decimal("0.00"), False),
    ]
    assert services.freeze_ended_contests(tenant=week.tenant, today=TODAY) == 0
    assert services.contest_freeze(tenant=week.tenant, contest=contest, today=TODAY) is False
    contest.refresh_from_db()
    assert contest.frozen_at == frozen_at and ContestStanding.objects.filter(contest=contest).count() == 4
    running.refresh_from_db()
    assert running.frozen_at is None  # still running: nothing frozen


def test_a_late_sale_after_the_freeze_shows_a_change_but_keeps_the_winners(week):
    contest = make(week, rule=Rule.TOP, top_n=1)
    services.freeze_ended_contests(tenant=week.tenant, today=TODAY)
    contest.refresh_from_db()
    assert standings(week, contest).changed is False
    # A sale dated inside last week, entered after the freeze: agent3 1 + 4 = 5 policies.
    sale(week, week.agent3, date(2026, 11, 14), "1200.00", policies=4)
    result = standings(week, contest)
    assert result.frozen and result.changed
    # The frozen standings stand (agent and agent2 win); live: agent3 5 (1), agent 3 (2), agent2 3 (2), agent4 0 (4).
    assert [(r["rank"], r["value"], r["winner"], r["live_rank"], r["live_value"]) for r in result.rows] == [
        (1, 3, True, 2, 3),
        (1, 3, True, 2, 3),
        (3, 1, False, 1, 5),
        (4, 0, False, 4, 0),
    ]
    assert [row["member"] for row in result.winners] == [week.agent.pk, week.agent2.pk]
    changed = selectors.standings_changed_of(tenant=week.tenant, contests=[contest], today=TODAY)
    assert changed == {contest.pk: True}


def test_a_late_sale_of_a_member_without_a_frozen_row_is_listed_unranked(week):
    contest = make(week, rule=Rule.TOP, top_n=1)
    services.freeze_ended_contests(tenant=week.tenant, today=TODAY)
    contest.refresh_from_db()
    newcomer = add_member(week.tenant, "acme-agent5", Member.Role.AGENT, week.units["south1"])
    sale(week, newcomer, date(2026, 11, 15), "700.00", policies=2)
    result = standings(week, contest)
    # Live: agent 3, agent2 3, agent5 2 (rank 3), agent3 1 (4), agent4 0 (5).
    assert result.changed
    assert [(r["rank"], r["live_rank"]) for r in result.rows] == [(1, 1), (1, 1), (3, 4), (4, 5), (None, 3)]
    assert result.rows[-1]["member"] == newcomer.pk and result.rows[-1]["live_value"] == 2
    assert result.rows[-1]["value"] is None and result.rows[-1]["winner"] is False


def test_a_member_who_left_keeps_their_frozen_row_without_a_change(week):
    contest = make(week, rule=Rule.TOP, top_n=1)
    services.freeze_ended_contests(tenant=week.tenant, today=TODAY)
    contest.refresh_from_db()
    Member.objects.filter(pk=week.agent2.pk).update(active=False)
    result = standings(week, contest)
    # Only the org changed, not the facts: agent2 is still counted live, nothing moved.
    assert result.changed is False
    assert [(r["rank"], r["live_rank"]) for r in result.rows] == [(1, 1), (1, 1), (3, 3), (4, 4)]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_on": date(2026, 11, 15), "ends_on": date(2026, 11, 9)}, "ends_on"),
        ({"rule": Rule.THRESHOLD}, "threshold"),
        ({"rule": Rule.THRESHOLD, "threshold": Decimal(0)}, "threshold"),
        ({"rule": Rule.THRESHOLD, "threshold": Decimal(-5)}, "threshold"),
        ({"rule": Rule.TOP, "threshold": Decimal(-5)}, "threshold"),
        ({"rule": Rule.TOP, "threshold": Decimal(5)}, "threshold"),
        ({"top_n": 0}, "top_n"),
        ({"measure": "sales_volume"}, "measure"),
        ({"rule": "lottery"}, "rule"),
        ({"measure": Measure.FIRST_POLICY, "rule": Rule.TOP}, "rule"),
        ({"measure": Measure.FIRST_POLICY, "threshold": Decimal(2)}, "threshold"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"prize": "x" * 201}, "prize"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(org, fields, field):
    with pytest.raises(ValidationError) as error:
        make(org, **fields)
    assert field in error.value.message_dict
    assert Contest.objects.count() == 0


def test_a_same_name_contest_overlapping_in_days_is_refused(org):
    make(org, name="周冠军")
    with pytest.raises(ValidationError) as error:
        # Case-insensitive, any overlap (here one day, 15 Nov).
        make(org, name="  周冠军 ", starts_on=date(2026, 11, 15), ends_on=date(2026, 11, 21))
    assert list(error.value.message_dict) == ["name"]
    make(org, name="Weekly Champ")
    with pytest.raises(ValidationError):
        make(org, name="WEEKLY champ", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 9))
    # The next week and another name in the same week are fine.
    make(org, name="周冠军", starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 22))
    make(org, name="周冠军（保费）")
    assert Contest.objects.count() == 4


def test_another_tenants_contest_of_that_name_does_not_clash(org, other_org):
    make(other_org, name="周冠军")
    make(org, name="周冠军")
    assert Contest.objects.count() == 2


def test_who_may_create_what(org, other_org):
    with pytest.raises(PermissionDenied):
        make(org, actor=org.agent, unit_id=org.units["north1"].pk)
    with pytest.raises(PermissionDenied):
        make(org, actor=org.supervisor)  # tenant-wide
    with pytest.raises(PermissionDenied):
        make(org, actor=org.branch_manager)  # a branch's manager does not set company policy
    with pytest.raises(ValidationError) as error:
        make(org, actor=org.supervisor, unit_id=org.units["south1"].pk)  # another branch's team
    assert list(error.value.message_dict) == ["unit"]
    with pytest.raises(ValidationError) as error:
        make(org, actor=org.admin, unit_id=other_org.units["north1"].pk)  # another tenant's unit
    assert list(error.value.message_dict) == ["unit"]
    assert Contest.objects.count() == 0
    assert make(org, actor=org.supervisor, unit_id=org.units["north1"].pk).unit == org.units["north1"]
    assert (
        make(org, actor=org.branch_manager, name="北区", unit_id=org.units["north"].pk).created_by == org.branch_manager
    )
    assert make(org, actor=org.admin, name="全司").unit is None


def test_contest_visibility(org):
    team = make(org, actor=org.supervisor, unit_id=org.units["north1"].pk)
    company = make(org, name="全司")

    def seen(member):
        return set(selectors.contest_list(tenant=org.tenant, actor=member, today=TODAY))

    for member in (org.agent, org.agent2, org.supervisor, org.branch_manager, org.manager, org.admin):
        assert seen(member) == {team, company}
    for member in (org.agent3, org.supervisor2, org.agent4, org.bank, org.renewal_lead, org.advisor):
        assert seen(member) == {company}


@pytest.mark.django_db(transaction=True)
def test_two_freezes_at_once_write_the_standings_once(org):
    write_sales(org)
    contest = make(org, rule=Rule.TOP, top_n=1)
    results = run_together(lambda: services.freeze_ended_contests(tenant=org.tenant, today=TODAY))
    assert sorted(results) == [0, 1]
    assert ContestStanding.objects.filter(contest=contest).count() == 4


@pytest.mark.django_db(transaction=True)
def test_two_creates_at_once_cannot_both_pass_the_overlap_check(org):
    def create():
        try:
            make(org, name="周冠军")
        except ValidationError as error:
            return list(error.message_dict)
        return "created"

    results = run_together(create)
    assert sorted(results, key=str) == [["name"], "created"]
    assert Contest.objects.count() == 1


def run_together(work, count: int = 2) -> list:
    """Run ``work`` in ``count`` threads released at the same moment (each its own connection)."""
    barrier = threading.Barrier(count)
    results: list = []

    def run():
        try:
            barrier.wait()
            results.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_demo_contests(org):
    from targets.demo_contests import seed_contests

    # The demo names its company manager "manager".
    add_member(org.tenant, "manager", Member.Role.MANAGER, org.units["company"])
    write_sales(org)
    seed_contests(org.tenant, TODAY)
    contests = {c.name: c for c in Contest.objects.filter(tenant=org.tenant)}
    statuses = {name: selectors.contest_status(c, TODAY) for name, c in contests.items()}
    # Sunday 22 Nov 2026 is in ISO week 47, Q4, November.
    assert statuses == {
        "2026年第4季度 新人首单奖": "running",
        "第46周 周冠军（件数）": "ended",
        "第47周 周冠军（件数）": "running",
        "2026年第4季度 季度销冠（保费）": "running",
        "11月 活动积分赛": "running",
    }
    last_week = contests["第46周 周冠军（件数）"]
    assert last_week.frozen_at is not None
    assert [row[:2] for row in table(standings(org, last_week))] == [
        (1, "agent"),
        (1, "agent2"),
        (3, "agent3"),
        (4, "agent4"),
    ]
    assert [c.frozen_at for name, c in contests.items() if name != last_week.name] == [None] * 4
    points = contests["11月 活动积分赛"]
    assert (points.rule, points.threshold) == (Rule.THRESHOLD, Decimal(300))

"""Improvement plans: who gets one (figures in tests/targets/improvement_data.py), working it, the API, scope."""

from datetime import date

import pytest

from targets.models import ImprovementCheckIn, ImprovementPlan, ScoreCalibration
from targets.selectors import improvement as selectors
from targets.services.improvement import open_due_improvement_plans
from targets.services.incentive_policy import incentive_policy_update
from tests.targets.improvement_data import (
    EXPECTED_PLANS,
    RUN_ON,
    WORK_DAY,
    coaching,
    set_today,
    write_two_months,
)

Status = ImprovementPlan.Status


@pytest.fixture
def facts(org):
    write_two_months(org)
    return org


@pytest.fixture
def opened(facts, monkeypatch):
    """The beat has run on 2 November; we are now on Thursday 10 December."""
    open_due_improvement_plans(tenant=facts.tenant, today=RUN_ON)
    set_today(monkeypatch, WORK_DAY)
    return facts


def names(org, plans) -> set[str]:
    return member_names(org, [plan.member_id for plan in plans])


def member_names(org, member_ids) -> set[str]:
    by_pk = {member.pk: key for key, member in org.members.items()}
    return {by_pk[member_id] for member_id in member_ids}


def agents_plan(org) -> ImprovementPlan:
    return ImprovementPlan.objects.get(tenant=org.tenant, member=org.agent)


@pytest.fixture
def api(api_en):
    return api_en


# --- who gets a plan -------------------------------------------------------------------------------------------


def test_two_months_below_the_floor_open_one_plan_each(facts):
    opened = open_due_improvement_plans(tenant=facts.tenant, today=RUN_ON)
    # agent 34.00 then 41.00; the supervisors 0.00 twice. agent2 (65.00 then 0.00), agent3 (October
    # calibrated to 65.00), agent4 (September before they were hired) and advisor (no score) get none.
    assert names(facts, opened) == EXPECTED_PLANS
    plan = agents_plan(facts)
    assert plan.trigger == [{"period": "2026-09", "score": "34.00"}, {"period": "2026-10", "score": "41.00"}]
    assert (plan.status, plan.opened_on, plan.supervisor) == (Status.OPEN, RUN_ON, facts.supervisor)
    assert "60.00" in plan.goals
    by_member = {plan.member_id: plan for plan in opened}
    assert by_member[facts.supervisor.pk].supervisor == facts.branch_manager
    assert by_member[facts.supervisor.pk].trigger == [
        {"period": "2026-09", "score": "0.00"},
        {"period": "2026-10", "score": "0.00"},
    ]
    assert by_member[facts.supervisor2.pk].supervisor is None


def test_running_twice_opens_nothing_more(facts):
    open_due_improvement_plans(tenant=facts.tenant, today=RUN_ON)
    assert open_due_improvement_plans(tenant=facts.tenant, today=RUN_ON) == []
    assert open_due_improvement_plans(tenant=facts.tenant, today=date(2026, 11, 20)) == []
    assert ImprovementPlan.objects.filter(tenant=facts.tenant, member=facts.agent).count() == 1
    assert ImprovementPlan.objects.filter(tenant=facts.tenant).count() == 3


def test_a_run_that_loses_the_race_skips_the_member(facts, monkeypatch):
    def another_run_meanwhile(**kwargs):
        # Another run opens the agent's plan after this one read who had one: the constraint settles it.
        if not ImprovementPlan.objects.filter(member=facts.agent).exists():
            ImprovementPlan.objects.create(tenant=facts.tenant, member=facts.agent, opened_on=RUN_ON, goals="先到")
        return selectors.final_scores(**kwargs)

    monkeypatch.setattr("targets.services.improvement.final_scores", another_run_meanwhile)
    opened = open_due_improvement_plans(tenant=facts.tenant, today=RUN_ON)
    assert names(facts, opened) == {"supervisor", "supervisor2"}
    assert list(ImprovementPlan.objects.filter(member=facts.agent).values_list("goals", flat=True)) == ["先到"]


def test_a_custom_floor(facts):
    incentive_policy_update(tenant=facts.tenant, actor=facts.admin, changes={"improvement_floor": "35"})
    opened = open_due_improvement_plans(tenant=facts.tenant, today=RUN_ON)
    # agent: 34.00 < 35 in September but 41.00 ≥ 35 in October → no plan; the supervisors' 0.00 stay below.
    assert names(facts, opened) == {"supervisor", "supervisor2"}


def test_one_month_is_enough_when_the_tenant_says_so(facts):
    incentive_policy_update(tenant=facts.tenant, actor=facts.admin, changes={"improvement_months": 1})
    opened = open_due_improvement_plans(tenant=facts.tenant, today=RUN_ON)
    # October alone: agent 41.00, agent2 0.00, agent4 0.00 (0 of 20 days), supervisors 0.00; agent3 65.00 is not.
    assert names(facts, opened) == {"agent", "agent2", "agent4", "supervisor", "supervisor2"}
    assert agents_plan(facts).trigger == [{"period": "2026-10", "score": "41.00"}]


def test_three_months_reach_back_to_august(facts):
    incentive_policy_update(
        tenant=facts.tenant, actor=facts.admin, changes={"improvement_months": 3, "improvement_floor": "45"}
    )
    opened = open_due_improvement_plans(tenant=facts.tenant, today=RUN_ON)
    # August: agent 0.00 (0 of 21 days); agent2's September 65.00 and agent3's October 65.00 break their runs.
    assert names(facts, opened) == EXPECTED_PLANS
    assert agents_plan(facts).trigger == [
        {"period": "2026-08", "score": "0.00"},
        {"period": "2026-09", "score": "34.00"},
        {"period": "2026-10", "score": "41.00"},
    ]


def test_a_month_without_data_is_not_below(facts):
    facts.agent.hired_on = date(2026, 10, 1)  # September ended before they came: no score, whatever its target
    facts.agent.save(update_fields=["hired_on"])
    opened = open_due_improvement_plans(tenant=facts.tenant, today=RUN_ON)
    assert "agent" not in names(facts, opened)
    assert not ImprovementPlan.objects.filter(member=facts.advisor).exists()  # no data at all


def test_a_calibration_above_the_floor_prevents_the_plan(facts):
    ScoreCalibration.objects.create(
        tenant=facts.tenant,
        member=facts.agent,
        period="2026-10",
        original_score="41.00",
        score="60.00",
        reason="复核",
    )
    opened = open_due_improvement_plans(tenant=facts.tenant, today=RUN_ON)
    assert "agent" not in names(facts, opened)  # 60.00 is not below a floor of 60.00


def test_after_a_closed_plan_only_later_months_count(opened, api):
    plan = agents_plan(opened)
    response = api(opened.supervisor).post(
        f"/api/v1/improvement-plans/{plan.pk}/close/", {"status": "escalated", "outcome": "交经理处理"}, format="json"
    )
    assert response.status_code == 200, response.content
    # Closed on 10 December: November and December were worked under it; they do not count for the agent.
    # (agent2, agent3 and agent4 score 0.00 in both — no log, target or satisfaction — and get their plans.)
    january = open_due_improvement_plans(tenant=opened.tenant, today=date(2027, 1, 4))
    assert names(opened, january) == {"agent2", "agent3", "agent4"}
    assert open_due_improvement_plans(tenant=opened.tenant, today=date(2027, 2, 1)) == []  # December, January
    # January and February 2027 begin after the closing: 0.00 each → a new plan.
    again = open_due_improvement_plans(tenant=opened.tenant, today=date(2027, 3, 1))
    assert names(opened, again) == {"agent"}
    assert again[0].trigger == [{"period": "2027-01", "score": "0.00"}, {"period": "2027-02", "score": "0.00"}]


def test_each_tenant_judges_its_own_members(facts, other_org):
    open_due_improvement_plans(tenant=other_org.tenant, today=RUN_ON)
    # The other tenant has no facts: its agents and supervisors score 0.00 on activity and the 111 → plans;
    # none of them is ours, and ours are still to be opened.
    assert not ImprovementPlan.objects.filter(tenant=facts.tenant).exists()
    assert set(ImprovementPlan.objects.filter(tenant=other_org.tenant).values_list("member__tenant", flat=True)) == {
        other_org.tenant.pk
    }


# --- the API: reading -------------------------------------------------------------------------------------------


def test_the_list_open_plans_first_with_counts(opened, api):
    plan = agents_plan(opened)
    coaching(opened, opened.agent, date(2026, 11, 4))
    coaching(opened, opened.agent, date(2026, 10, 30))  # before the plan opened: not counted
    response = api(opened.manager).get("/api/v1/improvement-plans/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    row = next(row for row in body["results"] if row["id"] == plan.pk)
    assert row == {
        "id": plan.pk,
        "member": opened.agent.pk,
        "member_name": opened.agent.display_name,
        "unit": opened.units["north1"].name,
        "supervisor": opened.supervisor.pk,
        "supervisor_name": opened.supervisor.display_name,
        "opened_on": "2026-11-02",
        "trigger": [{"period": "2026-09", "score": "34.00"}, {"period": "2026-10", "score": "41.00"}],
        "months_below": 2,
        "goals": plan.goals,
        "status": "open",
        "closed_on": None,
        "closed_by": None,
        "outcome": "",
        "check_in_count": 0,
        "coaching_count": 1,
    }


def test_the_list_filters_and_orders(opened, api):
    client = api(opened.manager)
    plan = agents_plan(opened)
    client.post(f"/api/v1/improvement-plans/{plan.pk}/close/", {"status": "improved", "outcome": "达标"}, format="json")
    rows = client.get("/api/v1/improvement-plans/").json()["results"]
    assert [row["status"] for row in rows] == ["open", "open", "improved"]  # open ones first
    assert [row["id"] for row in client.get("/api/v1/improvement-plans/?status=improved").json()["results"]] == [
        plan.pk
    ]
    by_member = client.get(f"/api/v1/improvement-plans/?member={opened.supervisor.pk}").json()["results"]
    assert [row["member"] for row in by_member] == [opened.supervisor.pk]
    assert client.get("/api/v1/improvement-plans/?status=lost").status_code == 400


def test_the_detail_with_check_ins_coaching_and_scores_since(opened, api):
    plan = agents_plan(opened)
    for day in (date(2026, 10, 30), date(2026, 11, 4), date(2026, 11, 18), date(2026, 12, 2)):
        coaching(opened, opened.agent, day, notes=f"陪访 {day:%m-%d}")
    coaching(opened, opened.agent2, date(2026, 11, 5))  # someone else's
    client = api(opened.supervisor)
    client.post(
        f"/api/v1/improvement-plans/{plan.pk}/check-ins/",
        {"week": "2026-11-04", "on_track": False, "notes": "面谈不足"},
        format="json",
    )
    body = client.get(f"/api/v1/improvement-plans/{plan.pk}/").json()
    assert [session["date"] for session in body["coaching"]] == ["2026-12-02", "2026-11-18", "2026-11-04"]
    assert body["coaching"][0] == {
        "id": body["coaching"][0]["id"],
        "date": "2026-12-02",
        "supervisor": opened.supervisor.pk,
        "supervisor_name": opened.supervisor.display_name,
        "notes": "陪访 12-02",
    }
    assert [(c["week"], c["on_track"], c["notes"]) for c in body["check_ins"]] == [("2026-11-02", False, "面谈不足")]
    # November: 0 of 21 working days, no target, no satisfaction → 0.00, ended; December to date (1–9 Dec, 7 days) 0.00.
    assert body["scores_since"] == [
        {"period": "2026-11", "score": "0.00", "final": True, "below": True},
        {"period": "2026-12", "score": "0.00", "final": False, "below": True},
    ]
    assert (body["floor"], body["may_write"], body["check_in_count"], body["coaching_count"]) == ("60.00", True, 1, 3)


def test_the_detail_counts_coaching_only_up_to_the_closing(opened, api, monkeypatch):
    plan = agents_plan(opened)
    coaching(opened, opened.agent, date(2026, 12, 8))
    api(opened.supervisor).post(
        f"/api/v1/improvement-plans/{plan.pk}/close/", {"status": "improved", "outcome": "达标"}, format="json"
    )
    coaching(opened, opened.agent, date(2026, 12, 11))  # after the closing on 10 Dec
    set_today(monkeypatch, date(2026, 12, 14))
    body = api(opened.supervisor).get(f"/api/v1/improvement-plans/{plan.pk}/").json()
    assert [session["date"] for session in body["coaching"]] == ["2026-12-08"]
    assert body["coaching_count"] == 1
    assert [month["period"] for month in body["scores_since"]] == ["2026-11", "2026-12"]  # up to the closing


# --- the API: working a plan ------------------------------------------------------------------------------------


def test_a_check_in_is_kept_as_its_monday_and_replaced_the_same_week(opened, api):
    plan = agents_plan(opened)
    client = api(opened.supervisor)
    url = f"/api/v1/improvement-plans/{plan.pk}/check-ins/"
    first = client.post(url, {"week": "2026-11-04", "on_track": False, "notes": "面谈不足"}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["week"] == "2026-11-02"  # Wednesday 4 Nov → its Monday
    again = client.post(url, {"week": "2026-11-08", "on_track": True, "notes": "已补足"}, format="json")  # Sunday
    assert again.status_code == 201
    check_ins = ImprovementCheckIn.objects.filter(plan=plan)
    assert [(c.week, c.on_track, c.notes, c.recorded_by) for c in check_ins] == [
        (date(2026, 11, 2), True, "已补足", opened.supervisor)
    ]
    this_week = client.post(url, {"on_track": True, "notes": "本周"}, format="json")  # no week: this week
    assert this_week.json()["week"] == "2026-12-07"
    assert ImprovementCheckIn.objects.filter(plan=plan).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"week": "2026-12-14", "on_track": True, "notes": "x"}, "week"),  # next Monday: not begun
        ({"week": "2026-10-28", "on_track": True, "notes": "x"}, "week"),  # before the plan's week
        ({"week": "2026-12-07", "on_track": True, "notes": "  "}, "notes"),
        ({"week": "12/07/2026", "on_track": True, "notes": "x"}, "week"),
    ],
)
def test_a_bad_check_in_is_refused_by_field(opened, api, body, field):
    plan = agents_plan(opened)
    response = api(opened.supervisor).post(f"/api/v1/improvement-plans/{plan.pk}/check-ins/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not ImprovementCheckIn.objects.exists()


def test_goals_are_changed_and_required(opened, api):
    plan = agents_plan(opened)
    client = api(opened.supervisor)
    url = f"/api/v1/improvement-plans/{plan.pk}/"
    assert client.patch(url, {"goals": " "}, format="json").json() == {"goals": ["Write the plan's goals."]}
    response = client.patch(url, {"goals": "每天 5 个电话约访"}, format="json")
    assert response.status_code == 200 and response.json()["goals"] == "每天 5 个电话约访"


def test_closing_improved_then_twice_refused(opened, api):
    plan = agents_plan(opened)
    client = api(opened.supervisor)
    url = f"/api/v1/improvement-plans/{plan.pk}/close/"
    missing = client.post(url, {"status": "improved", "outcome": ""}, format="json")
    assert missing.status_code == 400 and list(missing.json()) == ["outcome"]
    wrong = client.post(url, {"status": "open", "outcome": "x"}, format="json")
    assert wrong.status_code == 400 and list(wrong.json()) == ["status"]
    plan.refresh_from_db()
    assert plan.status == Status.OPEN
    done = client.post(url, {"status": "improved", "outcome": "十二月活动量达标"}, format="json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["closed_on"], done.json()["closed_by"]) == (
        "improved",
        "2026-12-10",
        opened.supervisor.pk,
    )
    twice = client.post(url, {"status": "escalated", "outcome": "再议"}, format="json")
    assert twice.status_code == 400 and twice.json() == {"status": ["This plan is already closed."]}
    plan.refresh_from_db()
    assert (plan.status, plan.outcome) == (Status.IMPROVED, "十二月活动量达标")
    late = client.post(f"/api/v1/improvement-plans/{plan.pk}/check-ins/", {"notes": "x"}, format="json")
    assert late.status_code == 400 and list(late.json()) == ["status"]
    assert client.patch(f"/api/v1/improvement-plans/{plan.pk}/", {"goals": "x"}, format="json").status_code == 400


def test_closing_escalated_by_the_branch_manager(opened, api):
    plan = agents_plan(opened)
    response = api(opened.branch_manager).post(
        f"/api/v1/improvement-plans/{plan.pk}/close/",
        {"status": "escalated", "outcome": "连续未改善，转经理面谈"},
        format="json",
    )
    assert response.status_code == 200
    plan.refresh_from_db()
    assert (plan.status, plan.closed_by, plan.closed_on) == (Status.ESCALATED, opened.branch_manager, WORK_DAY)


def test_a_manager_opens_a_plan_by_hand(opened, api):
    client = api(opened.branch_manager)
    response = client.post(
        "/api/v1/improvement-plans/", {"member": opened.agent2.pk, "goals": "每周三次面谈"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    # The last two months that ended before 10 Dec: October 0.00 (below), November 0.00 (below).
    assert body["trigger"] == [{"period": "2026-10", "score": "0.00"}, {"period": "2026-11", "score": "0.00"}]
    assert (body["member"], body["supervisor"], body["opened_on"], body["status"]) == (
        opened.agent2.pk,
        opened.supervisor.pk,
        "2026-12-10",
        "open",
    )
    again = client.post("/api/v1/improvement-plans/", {"member": opened.agent.pk, "goals": "x"}, format="json")
    assert again.status_code == 400 and again.json() == {
        "member": ["This member already has an open improvement plan."]
    }
    assert ImprovementPlan.objects.filter(member=opened.agent).count() == 1


def test_opening_by_hand_refuses_bad_input(opened, other_org, api):
    client = api(opened.branch_manager)
    for body in (
        {"member": other_org.agent.pk, "goals": "x"},  # another tenant's
        {"member": opened.agent4.pk, "goals": "x"},  # branch south: outside this manager's scope
        {"member": opened.bank.pk, "goals": "x"},  # no scorecard
        {"member": 99999999, "goals": "x"},
    ):
        response = client.post("/api/v1/improvement-plans/", body, format="json")
        assert response.status_code == 400 and list(response.json()) == ["member"], body
    blank = client.post("/api/v1/improvement-plans/", {"member": opened.agent2.pk, "goals": ""}, format="json")
    assert blank.status_code == 400 and list(blank.json()) == ["goals"]
    assert not ImprovementPlan.objects.filter(member__in=[opened.agent2, opened.agent4, other_org.agent]).exists()
    supervisor = api(opened.supervisor).post(
        "/api/v1/improvement-plans/", {"member": opened.agent2.pk, "goals": "x"}, format="json"
    )
    assert supervisor.status_code == 403


# --- scope and tenancy ------------------------------------------------------------------------------------------


def test_the_member_reads_their_plan_but_may_not_write(opened, api):
    plan = agents_plan(opened)
    client = api(opened.agent)
    rows = client.get("/api/v1/improvement-plans/").json()["results"]
    assert [row["id"] for row in rows] == [plan.pk]  # only their own
    detail = client.get(f"/api/v1/improvement-plans/{plan.pk}/")
    assert detail.status_code == 200 and detail.json()["may_write"] is False
    url = f"/api/v1/improvement-plans/{plan.pk}/"
    assert client.patch(url, {"goals": "我自己改"}, format="json").status_code == 403
    assert client.post(url + "check-ins/", {"notes": "x"}, format="json").status_code == 403
    assert client.post(url + "close/", {"status": "improved", "outcome": "x"}, format="json").status_code == 403
    plan.refresh_from_db()
    assert plan.status == Status.OPEN and not ImprovementCheckIn.objects.exists()


def test_who_sees_which_plans(opened, api):
    def seen(member):
        return member_names(opened, [row["member"] for row in _rows(api(member))])

    assert seen(opened.supervisor) == {"agent", "supervisor"}  # their team north-1 (themself included)
    assert seen(opened.supervisor2) == {"supervisor2"}
    assert seen(opened.branch_manager) == EXPECTED_PLANS  # branch north
    assert seen(opened.admin) == EXPECTED_PLANS
    assert seen(opened.agent2) == set()
    assert seen(opened.bank) == set()


def _rows(client):
    return client.get("/api/v1/improvement-plans/").json()["results"]


def test_a_supervisor_of_another_team_gets_404(opened, api):
    plan = agents_plan(opened)
    client = api(opened.supervisor2)
    url = f"/api/v1/improvement-plans/{plan.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"goals": "x"}, format="json").status_code == 404
    assert client.post(url + "check-ins/", {"notes": "x"}, format="json").status_code == 404
    assert client.post(url + "close/", {"status": "improved", "outcome": "x"}, format="json").status_code == 404


def test_a_supervisor_reads_their_own_plan_run_by_the_branch_manager(opened, api):
    plan = ImprovementPlan.objects.get(member=opened.supervisor)
    client = api(opened.supervisor)
    assert client.get(f"/api/v1/improvement-plans/{plan.pk}/").json()["may_write"] is False
    close = client.post(f"/api/v1/improvement-plans/{plan.pk}/close/", {"status": "improved", "outcome": "x"})
    assert close.status_code == 403
    boss = api(opened.branch_manager).get(f"/api/v1/improvement-plans/{plan.pk}/")
    assert boss.json()["may_write"] is True


def test_another_tenants_plans_are_404_and_never_listed(opened, other_org, api):
    open_due_improvement_plans(tenant=other_org.tenant, today=RUN_ON)
    theirs = ImprovementPlan.objects.get(tenant=other_org.tenant, member=other_org.agent)
    ours = agents_plan(opened)
    client = api(opened.admin)
    assert theirs.pk not in {row["id"] for row in _rows(client)}
    url = f"/api/v1/improvement-plans/{theirs.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"goals": "x"}, format="json").status_code == 404
    assert client.post(url + "check-ins/", {"notes": "x"}, format="json").status_code == 404
    assert client.post(url + "close/", {"status": "improved", "outcome": "x"}, format="json").status_code == 404
    their_admin = api(other_org.admin)
    assert their_admin.get(f"/api/v1/improvement-plans/{ours.pk}/").status_code == 404
    assert ours.pk not in {row["id"] for row in _rows(their_admin)}
    theirs.refresh_from_db()
    assert theirs.status == Status.OPEN and theirs.goals != "x"


def test_the_list_reads_in_a_fixed_number_of_queries(opened, api, django_assert_max_num_queries):
    for day in (date(2026, 11, 4), date(2026, 11, 11)):
        coaching(opened, opened.agent, day)
    client = api(opened.admin)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/improvement-plans/").status_code == 200

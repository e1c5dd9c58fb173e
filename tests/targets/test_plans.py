"""Plans, allocation, overrides and attainment through the services and the REST API.

The org is tests/factories.py's: agents ``agent`` and ``agent2`` in team
north-1, ``agent3`` in north-2 (branch north), ``agent4`` in south-1 (branch
south). Last quarter (2026 Q3) they sold 60,000 / 20,000 / 20,000 / 100,000
yuan, so branch north and branch south weigh 100,000 each.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from salesops.org.models import Member
from targets.models import Allocation, AllocationChange, Plan
from targets.services import plans as services
from tests.factories import add_member
from tests.targets.plan_data import one_line_plan, sell

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/targets/plans/"
ALLOCATIONS = "/api/v1/targets/allocations/"
ATTAINMENT = "/api/v1/targets/attainment/"


@pytest.fixture
def history(org):
    """Last quarter's sales: agent 60,000, agent2 20,000, agent3 20,000, agent4 100,000."""
    sell(org, org.agent, "40000.00", date(2026, 7, 10))
    sell(org, org.agent, "20000.00", date(2026, 9, 30))
    sell(org, org.agent2, "20000.00", date(2026, 8, 1))
    sell(org, org.agent3, "20000.00", date(2026, 8, 2))
    sell(org, org.agent4, "100000.00", date(2026, 9, 1))
    sell(org, org.agent4, "99999.99", date(2026, 6, 30))  # Q2: not last quarter
    return org


def total_of(org, plan, name=None, unit=None):
    query = Allocation.objects.filter(tenant=org.tenant, plan=plan, month__isnull=True)
    if name:
        return query.get(member=org.members[name]).amount
    return query.get(unit=org.units[unit], member__isnull=True).amount


def test_baseline_is_last_quarters_production_per_agent_times_headcount(history, api_client_for):
    # Given four experienced agents who sold 200,000.00 last quarter, and one new agent hired in August
    add_member(history.tenant, "acme-rookie", "agent", history.units["south1"])
    Member.objects.filter(user__username="acme-rookie").update(hired_on=date(2026, 8, 15))
    # When the manager asks for the Q4 baseline with new agents at 50 %
    response = api_client_for(history.manager).get(
        PLANS + "baseline/", {"year": 2026, "quarter": 4, "metric": "premium", "ramp_up_share": "50"}
    )
    # Then 200,000 / 4 experienced = 50,000 per agent, × (4 + 0.5) = 225,000.00
    assert response.status_code == 200, response.content
    assert response.json() | {} == {
        "year": 2026,
        "quarter": 4,
        "metric": "premium",
        "production": "200000.00",
        "agents": 5,
        "new_agents": 1,
        "per_agent": "50000.00",
        "baseline": "225000.00",
    }


def test_plan_without_total_takes_baseline_plus_uplift(history):
    # Given a baseline of 200,000.00 and a 25 % uplift
    plan = services.plan_create(
        tenant=history.tenant,
        actor=history.manager,
        year=2026,
        quarter=4,
        metric="premium",
        uplift=Decimal(25),
        channel_lines=[
            {"channel": "agency", "product": "health", "amount": Decimal("150000.00")},
            {"channel": "bancassurance", "product": "single_premium_savings", "amount": Decimal("100000.00")},
        ],
    )
    # Then the total is 250,000.00
    assert (plan.baseline, plan.total, plan.uplift) == (Decimal("200000.00"), Decimal("250000.00"), Decimal("0.25"))


def test_seed_example_plan_through_the_api(org, api_client_for):
    # Given the seed's 1000万 plan at 3:4:3 with its five lines
    body = {
        "year": 2026,
        "quarter": 4,
        "metric": "premium",
        "total": "10000000.00",
        "month_weights": [3, 4, 3],
        "channel_lines": [
            {"channel": "agency", "product": "health", "amount": "4000000.00"},
            {"channel": "agency", "product": "annuity", "amount": "2000000.00"},
            {"channel": "group", "product": "employer_liability", "amount": "2000000.00"},
            {"channel": "group", "product": "group_annuity", "amount": "1000000.00"},
            {"channel": "bancassurance", "product": "single_premium_savings", "amount": "1000000.00"},
        ],
        "tier_shares": {"top": 30, "middle": 50, "bottom": 20},
        "new_customer_share": 40,
    }
    client = api_client_for(org.manager)
    response = client.post(PLANS, body, format="json")
    assert response.status_code == 201, response.content
    plan = response.json()
    # Then the months are 300 / 400 / 300 万 and new / existing customers 400 / 600 万
    assert plan["months"] == [
        {"month": 10, "amount": "3000000.00"},
        {"month": 11, "amount": "4000000.00"},
        {"month": 12, "amount": "3000000.00"},
    ]
    assert plan["customer_split"] == {"new": "4000000.00", "existing": "6000000.00"}
    assert plan["tier_shares"] == {"top": "30.00", "middle": "50.00", "bottom": "20.00"}
    # When it is allocated (four agents in three teams, no history: split by headcount)
    allocated = client.post(f"{PLANS}{plan['id']}/allocate/")
    assert allocated.status_code == 200, allocated.content
    # Then company + 2 branches + 3 teams + 4 agents each have a total and 3 × 5 cells
    assert allocated.json() == {"count": (1 + 2 + 3 + 4) * 16}
    company = Allocation.objects.filter(plan_id=plan["id"], unit=org.units["company"], member__isnull=True)
    by_line = {}
    for row in company.exclude(month=None):
        by_line[row.channel.code] = by_line.get(row.channel.code, Decimal(0)) + row.amount
    assert by_line == {
        "agency": Decimal("6000000.00"),
        "group": Decimal("3000000.00"),
        "bancassurance": Decimal("1000000.00"),
    }
    # And by headcount north (3 agents) gets 750万, south (1) 250万
    assert total_of(org, plan["id"], unit="north") == Decimal("7500000.00")
    assert total_of(org, plan["id"], unit="south") == Decimal("2500000.00")


def test_allocation_follows_production_and_sums_exactly(history):
    plan = one_line_plan(history)
    services.plan_allocate(tenant=history.tenant, actor=history.manager, plan=plan)
    # Branches weigh 100,000 each; north-1 80,000 against north-2 20,000
    assert total_of(history, plan, unit="north") == Decimal("500000.00")
    assert total_of(history, plan, unit="south") == Decimal("500000.00")
    assert total_of(history, plan, unit="north1") == Decimal("400000.00")
    assert total_of(history, plan, unit="north2") == Decimal("100000.00")
    # Two agents are both middle tier (20 % of 2 rounds to 0): 200,000.00 each
    assert total_of(history, plan, "agent") == total_of(history, plan, "agent2") == Decimal("200000.00")
    assert total_of(history, plan, "agent4") == Decimal("500000.00")
    # Months 3:4:3 of the agent's 200,000.00
    months = dict(
        Allocation.objects.filter(plan=plan, member=history.agent, month__isnull=False).values_list("month", "amount")
    )
    assert months == {10: Decimal("60000.00"), 11: Decimal("80000.00"), 12: Decimal("60000.00")}
    # Teams without agents (bank, renewals) carry nothing
    assert not Allocation.objects.filter(
        plan=plan, unit__in=[history.units["bank"], history.units["renewals"]]
    ).exists()


def test_override_rebalances_siblings_and_survives_reallocation(history, api_client_for):
    plan = one_line_plan(history)
    services.plan_allocate(tenant=history.tenant, actor=history.manager, plan=plan)
    client = api_client_for(history.manager)
    north1 = Allocation.objects.get(plan=plan, unit=history.units["north1"], member=None, month=None)
    # When the manager sets team north-1 to 450,000.00
    response = client.patch(f"{ALLOCATIONS}{north1.pk}/", {"amount": "450000.00"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["overridden"] is True
    # Then north-2 takes the rest of branch north's 500,000.00, and north-1's agents share 450,000.00
    assert total_of(history, plan, unit="north2") == Decimal("50000.00")
    assert total_of(history, plan, "agent") == Decimal("225000.00")
    # When the agent is then set to 300,000.00
    agent_row = Allocation.objects.get(plan=plan, member=history.agent, month=None)
    response = client.patch(f"{ALLOCATIONS}{agent_row.pk}/", {"amount": "300000.00"}, format="json")
    assert response.status_code == 200, response.content
    assert total_of(history, plan, "agent2") == Decimal("150000.00")
    # And re-running the allocation keeps both overrides and the row ids
    assert client.post(f"{PLANS}{plan.pk}/allocate/").status_code == 200
    assert total_of(history, plan, unit="north1") == Decimal("450000.00")
    assert total_of(history, plan, "agent") == Decimal("300000.00")
    assert Allocation.objects.get(pk=agent_row.pk).amount == Decimal("300000.00")
    # And every change is kept: who, old → new
    history_rows = client.get(f"{ALLOCATIONS}{agent_row.pk}/history/").json()["results"]
    assert [(row["kind"], row["old_amount"], row["new_amount"]) for row in history_rows] == [
        ("override", "225000.00", "300000.00")
    ]
    assert history_rows[0]["changed_by"] == history.manager.display_name
    assert AllocationChange.objects.filter(plan=plan, kind="override").count() == 2
    # When the override on north-1 is cleared, production decides again
    response = client.patch(f"{ALLOCATIONS}{north1.pk}/", {"amount": None}, format="json")
    assert response.status_code == 200, response.content
    assert total_of(history, plan, unit="north1") == Decimal("400000.00")
    assert total_of(history, plan, "agent") == Decimal("300000.00")  # still overridden
    assert total_of(history, plan, "agent2") == Decimal("100000.00")


def test_override_larger_than_the_parent_is_refused_and_changes_nothing(history, api_client_for):
    plan = one_line_plan(history)
    services.plan_allocate(tenant=history.tenant, actor=history.manager, plan=plan)
    before = list(Allocation.objects.filter(plan=plan).order_by("id").values_list("id", "amount", "overridden"))
    agent_row = Allocation.objects.get(plan=plan, member=history.agent, month=None)
    client = api_client_for(history.manager)
    # Larger than team north-1's 400,000.00, negative, finer than a fen
    for amount in ["400000.01", "-1.00", "10.001"]:
        response = client.patch(f"{ALLOCATIONS}{agent_row.pk}/", {"amount": amount}, format="json")
        assert response.status_code == 400, response.content
        assert "amount" in response.json(), response.json()
    cell = Allocation.objects.filter(plan=plan, member=history.agent, month=10).first()
    response = client.patch(f"{ALLOCATIONS}{cell.pk}/", {"amount": "1.00"}, format="json")
    assert response.status_code == 400
    company = Allocation.objects.get(plan=plan, unit=history.units["company"], member=None, month=None)
    assert client.patch(f"{ALLOCATIONS}{company.pk}/", {"amount": "1.00"}, format="json").status_code == 400
    after = list(Allocation.objects.filter(plan=plan).order_by("id").values_list("id", "amount", "overridden"))
    assert after == before
    assert not AllocationChange.objects.filter(plan=plan, kind="override").exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"month_weights": [3, 0, 3]}, "month_weights"),
        ({"month_weights": [3, -4, 3]}, "month_weights"),
        ({"month_weights": [5, 5]}, "month_weights"),
        ({"tier_shares": {"top": 30, "middle": 50, "bottom": 30}}, "tier_shares"),
        ({"new_customer_share": 140}, "new_customer_share"),
        ({"channel_lines": [{"channel": "agency", "product": "health", "amount": "999999.99"}]}, "channel_lines"),
        ({"channel_lines": [{"channel": "telesales", "product": "health", "amount": "1000000.00"}]}, "channel_lines"),
        ({"total": "-5.00"}, "total"),
        ({"metric": "policies", "total": "10.5"}, "total"),
        ({"quarter": 5}, "quarter"),
    ],
)
def test_bad_plan_input_gets_a_field_error_and_saves_nothing(org, api_client_for, change, field):
    body = {
        "year": 2026,
        "quarter": 4,
        "metric": "premium",
        "total": "1000000.00",
        "channel_lines": [{"channel": "agency", "product": "health", "amount": "1000000.00"}],
    } | change
    response = api_client_for(org.manager).post(PLANS, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Plan.objects.exists()


def test_a_quarter_has_one_plan_per_metric(org, api_client_for):
    one_line_plan(org)
    body = {
        "year": 2026,
        "quarter": 4,
        "metric": "premium",
        "total": "5.00",
        "channel_lines": [{"channel": "agency", "product": "health", "amount": "5.00"}],
    }
    client = api_client_for(org.manager)
    response = client.post(PLANS, body, format="json")
    assert response.status_code == 400 and "quarter" in response.json()
    assert client.post(PLANS, body | {"metric": "policies"}, format="json").status_code == 201
    assert Plan.objects.count() == 2


def test_policy_count_plan_allocates_whole_policies(history):
    plan = one_line_plan(history, total="101", metric="policies")
    services.plan_allocate(tenant=history.tenant, actor=history.manager, plan=plan)
    amounts = Allocation.objects.filter(plan=plan).values_list("amount", flat=True)
    assert all(amount == amount.to_integral_value() for amount in amounts)
    # Last quarter's policies: north 4 (agent 2, agent2 1, agent3 1), south 1 (its Q2 sale does not count):
    # 101 × 4/5 = 80.8 → 81, 101 × 1/5 = 20.2 → 20
    assert total_of(history, plan, unit="north") == 81
    assert total_of(history, plan, unit="south") == 20


def test_attainment_against_expected_to_date(history, api_client_for):
    plan = one_line_plan(history)
    services.plan_allocate(tenant=history.tenant, actor=history.manager, plan=plan)
    # Given the agent (target 200,000: 60,000 / 80,000 / 60,000) sold 50,000 in October and 30,000 in November
    sell(history, history.agent, "50000.00", date(2026, 10, 8))
    sell(history, history.agent, "30000.00", date(2026, 11, 2))
    sell(history, history.agent2, "10000.00", date(2026, 11, 3), policies=2)
    # When the supervisor looks at team north-1 on 15 November
    response = api_client_for(history.supervisor).get(
        ATTAINMENT, {"plan": plan.pk, "unit": history.units["north1"].pk, "as_of": "2026-11-15"}
    )
    assert response.status_code == 200, response.content
    rows = {row["name"]: row for row in response.json()["rows"]}
    agent = rows[history.agent.display_name]
    # Then expected = October in full + half of November = 60,000 + 40,000 = 100,000.00
    assert (agent["target"], agent["actual"], agent["expected"]) == ("200000.00", "80000.00", "100000.00")
    assert (agent["attainment"], agent["deviation"]) == ("0.4000", "-0.2000")
    team = rows[history.units["north1"].name]
    assert (team["target"], team["actual"], team["expected"]) == ("400000.00", "90000.00", "200000.00")
    # And for November alone: target 80,000, expected 40,000, actual 30,000
    response = api_client_for(history.agent).get(ATTAINMENT, {"plan": plan.pk, "month": 11, "as_of": "2026-11-15"})
    (own,) = response.json()["rows"]
    assert (own["target"], own["actual"], own["expected"], own["deviation"]) == (
        "80000.00",
        "30000.00",
        "40000.00",
        "-0.2500",
    )


def test_company_drilldown_rolls_up_the_subtree(history, api_client_for):
    plan = one_line_plan(history)
    services.plan_allocate(tenant=history.tenant, actor=history.manager, plan=plan)
    sell(history, history.agent3, "7000.00", date(2026, 10, 9))
    sell(history, history.agent4, "3000.00", date(2026, 12, 1))
    response = api_client_for(history.manager).get(ATTAINMENT, {"plan": plan.pk, "as_of": "2026-12-31"})
    rows = [(row["name"], row["target"], row["actual"], row["attainment"]) for row in response.json()["rows"]]
    assert rows == [
        (history.units["company"].name, "1000000.00", "10000.00", "0.0100"),
        (history.units["north"].name, "500000.00", "7000.00", "0.0140"),
        (history.units["south"].name, "500000.00", "3000.00", "0.0060"),
    ]


def test_allocation_queries_do_not_grow_with_the_org(history):
    def count_queries(plan):
        with CaptureQueriesContext(connection) as captured:
            services.plan_allocate(tenant=history.tenant, actor=history.manager, plan=plan)
        return len(captured.captured_queries)

    # Given a first allocation and a re-allocation on the small org
    premium = one_line_plan(history)
    small_first, small_again = count_queries(premium), count_queries(premium)
    # When the org has 30 more agents
    for index in range(30):
        add_member(history.tenant, f"acme-extra{index}", "agent", history.units["south1"])
    policies = one_line_plan(history, total="500", metric="policies")
    # Then both paths cost the same number of statements as before
    assert count_queries(policies) == small_first
    assert count_queries(premium) == small_again
    # Lock, five reads, stage (create, COPY, analyse, drop), update/insert/delete, tiers, bookkeeping,
    # and the rollups' outbox request for the quarter's targets
    assert small_first < small_again <= 20


# --- tenancy and role scope ---------------------------------------------------------------


def test_another_tenants_plan_and_allocations_are_not_found(history, other_org, api_client_for):
    plan = one_line_plan(history)
    services.plan_allocate(tenant=history.tenant, actor=history.manager, plan=plan)
    row = Allocation.objects.filter(plan=plan, member=history.agent, month=None).get()
    outsider = api_client_for(other_org.manager)
    assert outsider.get(f"{PLANS}{plan.pk}/").status_code == 404
    assert outsider.post(f"{PLANS}{plan.pk}/allocate/").status_code == 404
    assert outsider.get(f"{ALLOCATIONS}{row.pk}/").status_code == 404
    assert outsider.patch(f"{ALLOCATIONS}{row.pk}/", {"amount": "1.00"}, format="json").status_code == 404
    assert outsider.get(ATTAINMENT, {"plan": plan.pk}).status_code == 404
    assert outsider.get(PLANS).json()["count"] == 0
    assert outsider.get(ALLOCATIONS).json()["count"] == 0
    # Another tenant's unit in an attainment query is not found either
    own_plan = one_line_plan(other_org)
    response = outsider.get(ATTAINMENT, {"plan": own_plan.pk, "unit": history.units["north"].pk})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["agent", "supervisor", "branch_manager", "bank", "renewal_lead"])
def test_only_tenant_admins_and_company_managers_plan(org, api_client_for, name):
    body = {
        "year": 2026,
        "quarter": 4,
        "metric": "premium",
        "total": "5.00",
        "channel_lines": [{"channel": "agency", "product": "health", "amount": "5.00"}],
    }
    assert api_client_for(org.members[name]).post(PLANS, body, format="json").status_code == 403
    assert api_client_for(org.admin).post(PLANS, body, format="json").status_code == 201


def test_allocation_scope_by_role(history, api_client_for):
    plan = one_line_plan(history)
    services.plan_allocate(tenant=history.tenant, actor=history.manager, plan=plan)

    def owners(name):
        response = api_client_for(history.members[name]).get(ALLOCATIONS, {"totals": "true", "page_size": 500})
        assert response.status_code == 200, response.content
        return {row["member_name"] or row["unit_name"] for row in response.json()["results"]}

    units, people = history.units, history.members
    assert owners("supervisor") == {units["north1"].name, people["agent"].display_name, people["agent2"].display_name}
    assert owners("agent") == {people["agent"].display_name}
    assert owners("branch_manager") == {
        units["north"].name,
        units["north1"].name,
        units["north2"].name,
        people["agent"].display_name,
        people["agent2"].display_name,
        people["agent3"].display_name,
    }
    assert len(owners("manager")) == 1 + 2 + 3 + 4


def test_who_may_override(history, api_client_for):
    plan = one_line_plan(history)
    services.plan_allocate(tenant=history.tenant, actor=history.manager, plan=plan)
    north = Allocation.objects.get(plan=plan, unit=history.units["north"], member=None, month=None)
    north1 = Allocation.objects.get(plan=plan, unit=history.units["north1"], member=None, month=None)
    south1 = Allocation.objects.get(plan=plan, unit=history.units["south1"], member=None, month=None)
    # A supervisor sees their team but may not change it; an agent may not either
    assert api_client_for(history.supervisor).patch(f"{ALLOCATIONS}{north1.pk}/", {"amount": "1.00"}).status_code == 403
    assert api_client_for(history.agent).patch(f"{ALLOCATIONS}{north1.pk}/", {"amount": "1.00"}).status_code == 404
    # A branch manager sets their teams, not their own branch, and never sees the other branch
    branch_manager = api_client_for(history.branch_manager)
    assert branch_manager.patch(f"{ALLOCATIONS}{north.pk}/", {"amount": "1.00"}).status_code == 403
    assert branch_manager.patch(f"{ALLOCATIONS}{south1.pk}/", {"amount": "1.00"}).status_code == 404
    assert branch_manager.patch(f"{ALLOCATIONS}{north1.pk}/", {"amount": "300000.00"}).status_code == 200
    assert total_of(history, plan, unit="north2") == Decimal("200000.00")


@pytest.mark.django_db(transaction=True)
def test_two_overrides_at_once_both_land_and_the_parent_still_sums(history, api_client_for):
    # Given an allocated plan and two managers' clients
    plan = one_line_plan(history)
    services.plan_allocate(tenant=history.tenant, actor=history.manager, plan=plan)
    north1 = Allocation.objects.get(plan=plan, unit=history.units["north1"], member=None, month=None)
    north2 = Allocation.objects.get(plan=plan, unit=history.units["north2"], member=None, month=None)
    clients = [api_client_for(history.manager), api_client_for(history.admin)]

    def override(args):
        client, row, amount = args
        try:
            return client.patch(f"{ALLOCATIONS}{row.pk}/", {"amount": amount}, format="json").status_code
        finally:
            connections.close_all()

    # When both teams of branch north are overridden at the same moment
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = list(pool.map(override, [(clients[0], north1, "300000.00"), (clients[1], north2, "200000.00")]))
    # Then both succeed (one waits for the other) and branch north still adds up
    assert codes == [200, 200]
    assert total_of(history, plan, unit="north1") == Decimal("300000.00")
    assert total_of(history, plan, unit="north2") == Decimal("200000.00")
    assert AllocationChange.objects.filter(plan=plan, kind="override").count() == 2

"""The target pages and their XLSX exports: by role, across tenants, with figures worked out by hand.

The org is tests/factories.py's. Last quarter (2026 Q3) agent, agent2, agent3
and agent4 sold 60,000 / 20,000 / 20,000 / 100,000 yuan; the plan is 2026 Q4,
premium, 1,000,000.00 yuan on one line (agency · health), months 3:4:3. So:

    company 1,000,000   north 500,000   north-1 400,000   agent 200,000   agent2 200,000
                                        north-2 100,000   agent3 100,000
                        south 500,000   south-1 500,000   agent4 500,000

and each owner's months are 30 / 40 / 30 % of their total. In October agent
sells 50,000 and agent2 57,000; on 31 October (October over) expected-to-date
is October's target: 60,000 for each agent, 120,000 for north-1.
"""

import re
from datetime import date
from io import BytesIO
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation
from openpyxl import load_workbook

from salesops.org import services as org_services
from salesops.org.models import Member, OrgUnit
from targets.models import Allocation
from targets.services import plans as plan_services
from tests.targets.plan_data import one_line_plan, sell

pytestmark = pytest.mark.django_db

AS_OF = "2026-10-31"


@pytest.fixture
def plan(org):
    """The allocated 1,000,000.00 plan above, with October's sales."""
    sell(org, org.agent, "60000.00", date(2026, 7, 10))
    sell(org, org.agent2, "20000.00", date(2026, 8, 1))
    sell(org, org.agent3, "20000.00", date(2026, 8, 2))
    sell(org, org.agent4, "100000.00", date(2026, 9, 1))
    plan = one_line_plan(org)
    plan_services.plan_allocate(tenant=org.tenant, actor=org.manager, plan=plan)
    sell(org, org.agent, "50000.00", date(2026, 10, 15))
    sell(org, org.agent2, "57000.00", date(2026, 10, 20))
    plan.refresh_from_db()
    return plan


def page(plan, **query):
    return f"/targets/plans/{plan.pk}/" + (f"?{urlencode(query)}" if query else "")


def table_rows(response):
    """Return {name: row} of the attainment table the page rendered."""
    return {item["row"].name: item for item in response.context["rows"]}


def workbook(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(BytesIO(response.content)).active


# --- plan list -------------------------------------------------------------------------


def test_plan_list_shows_the_tenants_plans_and_offers_new_plan_to_planners(plan, org, other_org, client):
    one_line_plan(other_org, total="5.00")  # bolt's plan must not show
    client.force_login(org.manager.user)
    response = client.get("/targets/")
    assert response.status_code == 200
    assert [row["plan"].pk for row in response.context["rows"]] == [plan.pk]
    html = response.content.decode()
    assert 'data-action="new-plan"' in html and f"/targets/plans/{plan.pk}/" in html
    assert "100.00" in html  # 1,000,000.00 yuan is 100.00 万元


@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_plan_list_has_no_new_plan_button_for_non_planners(org, client, role):
    client.force_login(org.members[role].user)
    response = client.get("/targets/")
    assert response.status_code == 200
    assert 'data-action="new-plan"' not in response.content.decode()


@pytest.mark.parametrize("role", ["bank", "advisor", "renewal_lead"])
def test_target_pages_are_forbidden_to_roles_outside_the_plan(plan, org, client, role):
    client.force_login(org.members[role].user)
    assert client.get("/targets/").status_code == 403
    assert client.get(page(plan)).status_code == 403
    assert client.get(f"/targets/plans/{plan.pk}/allocations.xlsx").status_code == 403


# --- wizard ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_wizard_opens_for_planners_with_the_tenants_channels_and_products(org, client, role):
    client.force_login(org.members[role].user)
    response = client.get("/targets/plans/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="agency">个险</option>' in html
    assert '<option value="single_premium_savings">趸交储蓄险</option>' in html
    assert 'id="wizard-labels"' in html and "vendor/plotly/plotly.min.js" in html
    # Every script and style comes from our own static files (no CDN, no other host)
    assert not re.search(r'(src|href)="(https?:)?//', html)


@pytest.mark.parametrize("role", ["branch_manager", "supervisor", "agent"])
def test_wizard_is_forbidden_to_non_planners(org, client, role):
    # A branch manager is a manager, but plans are the company's
    client.force_login(org.members[role].user)
    response = client.get("/targets/plans/new/")
    assert response.status_code == 403
    assert 'data-field="message"' in response.content.decode()


# --- plan page: scope ------------------------------------------------------------------------


def test_company_manager_starts_at_the_company_and_drills_down_to_agents(plan, org, client):
    client.force_login(org.manager.user)
    # The company: itself, then its branches (teams without targets are left out)
    response = client.get(page(plan, as_of=AS_OF))
    assert response.status_code == 200
    rows = table_rows(response)
    assert list(rows) == ["阿克米保险", "acme-north", "acme-south"]
    assert rows["acme-north"]["target"] == "500,000.00"
    assert response.context["chart"]["data"][0]["x"] == ["acme-north", "acme-south"]
    # The branch: breadcrumbs lead back up
    response = client.get(page(plan, unit=org.units["north"].pk, as_of=AS_OF))
    assert list(table_rows(response)) == ["acme-north", "acme-north-1", "acme-north-2"]
    assert [name for name, _url in response.context["breadcrumbs"]] == ["阿克米保险", "acme-north"]
    # The team: its agents with tier, target, actual, attainment, expected and deviation
    response = client.get(page(plan, unit=org.units["north1"].pk, as_of=AS_OF))
    rows = table_rows(response)
    assert list(rows) == ["acme-north-1", "acme-agent-名", "acme-agent2-名"]
    team, agent, agent2 = rows.values()
    assert (team["target"], team["actual"], team["expected"]) == ("400,000.00", "107,000.00", "120,000.00")
    assert (team["attainment"], team["deviation"]) == ("26.8%", "-10.8%")
    assert (agent["target"], agent["actual"], agent["expected"]) == ("200,000.00", "50,000.00", "60,000.00")
    assert (agent["attainment"], agent["deviation"]) == ("25.0%", "-16.7%")
    # Below the tenant's −15 % threshold is marked; −5 % is not
    assert agent["behind"] and not agent2["behind"] and not team["behind"]
    assert agent["tier"] == str(Member.Tier.MIDDLE.label)
    # The manager may override the rows below, never the unit whose page it is
    assert agent["editable"] and agent2["editable"] and not team["editable"]
    html = response.content.decode()
    assert html.count('data-action="edit"') == 2 and 'class="num behind"' in html


def test_month_filter_shows_one_months_targets_and_sales(plan, org, client):
    client.force_login(org.manager.user)
    response = client.get(page(plan, unit=org.units["north1"].pk, month=10, as_of=AS_OF))
    rows = table_rows(response)
    assert rows["acme-north-1"]["target"] == "120,000.00"
    assert rows["acme-agent-名"]["target"] == "60,000.00"
    assert rows["acme-agent2-名"]["actual"] == "57,000.00"
    # The tabs keep the unit: quarter, October, November, December
    tabs = response.context["month_tabs"]
    assert [active for _label, _url, active in tabs] == [False, True, False, False]
    assert all(f"unit={org.units['north1'].pk}" in url for _label, url, _active in tabs)


def test_supervisor_starts_at_their_team_and_cannot_leave_it(plan, org, client):
    client.force_login(org.supervisor.user)
    response = client.get(page(plan, as_of=AS_OF))
    assert response.status_code == 200
    assert list(table_rows(response)) == ["acme-north-1", "acme-agent-名", "acme-agent2-名"]
    # Breadcrumbs start at their own team: nothing above it is theirs to open
    assert [name for name, _url in response.context["breadcrumbs"]] == ["acme-north-1"]
    # A supervisor does not override; the history is readable
    html = response.content.decode()
    assert 'data-action="edit"' not in html and 'data-action="history"' in html
    # Another team, their own branch and the company are all 404
    for unit in ["north2", "north", "company", "south1"]:
        assert client.get(page(plan, unit=org.units[unit].pk)).status_code == 404, unit
    assert client.get(f"/targets/plans/{plan.pk}/attainment.xlsx?unit={org.units['north2'].pk}").status_code == 404


def test_branch_manager_sees_their_branch_only(plan, org, client):
    client.force_login(org.branch_manager.user)
    response = client.get(page(plan))
    assert list(table_rows(response)) == ["acme-north", "acme-north-1", "acme-north-2"]
    assert client.get(page(plan, unit=org.units["south"].pk)).status_code == 404


def test_agent_sees_only_their_own_row(plan, org, client):
    client.force_login(org.agent.user)
    response = client.get(page(plan, as_of=AS_OF))
    assert response.status_code == 200
    rows = table_rows(response)
    assert list(rows) == ["acme-agent-名"]
    assert (rows["acme-agent-名"]["target"], rows["acme-agent-名"]["actual"]) == ("200,000.00", "50,000.00")
    html = response.content.decode()
    assert "acme-agent2-名" not in html and "acme-north-1" not in html
    assert 'data-action="allocate"' not in html and 'data-action="edit"' not in html
    # Opening a unit is not for an agent, not even their own team
    assert client.get(page(plan, unit=org.units["north1"].pk)).status_code == 404


def test_another_tenants_plan_is_404_everywhere(plan, org, other_org, client):
    client.force_login(other_org.admin.user)
    assert client.get(page(plan)).status_code == 404
    assert client.get(f"/targets/plans/{plan.pk}/allocations.xlsx").status_code == 404
    assert client.get(f"/targets/plans/{plan.pk}/attainment.xlsx").status_code == 404
    # Nor can a unit of another tenant be opened on one's own plan
    own = one_line_plan(other_org)
    client.force_login(other_org.manager.user)
    assert client.get(page(own, unit=org.units["north"].pk)).status_code == 404


def test_plan_header_shows_totals_months_and_customer_split(plan, org, client):
    client.force_login(org.admin.user)
    response = client.get(page(plan))
    context = response.context
    assert context["total_exact"] == "1,000,000.00"
    assert [amount for _name, amount in context["months"]] == [
        "30.00 万元",
        "40.00 万元",
        "30.00 万元",
    ]
    assert context["customer_split"] == ("40.00 万元", "60.00 万元")
    assert 'data-action="allocate"' in response.content.decode()
    # When it was allocated is shown in the tenant's time zone, not the server's
    org.tenant.time_zone = "America/New_York"
    org.tenant.save(update_fields=["time_zone"])
    with translation.override("en"):
        expected = formats.date_format(
            plan.allocated_at.astimezone(ZoneInfo("America/New_York")), "SHORT_DATETIME_FORMAT"
        )
    client.cookies["django_language"] = "en"
    assert client.get(page(plan)).context["allocated_at"] == expected


def test_unallocated_and_policy_plans_render(org, client):
    plan = one_line_plan(org, total="120.00", metric="policies")
    client.force_login(org.manager.user)
    response = client.get(page(plan))
    assert response.status_code == 200
    assert 'data-field="not-allocated"' in response.content.decode()
    assert response.context["total"] == "120 件"
    plan_services.plan_allocate(tenant=org.tenant, actor=org.manager, plan=plan)
    response = client.get(page(plan, unit=org.units["north1"].pk))
    # 120 by headcount (no history): north 3 of 4 agents = 90, north-1 2 of north's 3 = 60
    assert table_rows(response)["acme-north-1"]["target"] == "60"


def test_plan_page_query_count_is_flat_when_the_org_grows(plan, org, client, django_assert_max_num_queries):
    client.force_login(org.admin.user)
    team_page = page(plan, unit=org.units["north1"].pk)
    with django_assert_max_num_queries(40) as company_small:
        assert client.get(page(plan)).status_code == 200
    with django_assert_max_num_queries(40) as team_small:
        assert client.get(team_page).status_code == 200
    # Grow the tenant: nine more branches of three teams of four agents, and more agents in north-1
    for copy in range(9):
        branch = org_services.unit_create(
            tenant=org.tenant, actor=None, name=f"b{copy}", kind=OrgUnit.Kind.BRANCH, parent_id=org.units["company"].pk
        )
        for team_no in range(3):
            team = org_services.unit_create(
                tenant=org.tenant, actor=None, name=f"b{copy}t{team_no}", kind=OrgUnit.Kind.TEAM, parent_id=branch.pk
            )
            for person in range(4):
                add_agent(org, f"p{copy}-{team_no}-{person}", team)
    for person in range(10):
        add_agent(org, f"n1-{person}", org.units["north1"])
    plan_services.plan_allocate(tenant=org.tenant, actor=org.manager, plan=plan)
    assert Allocation.objects.filter(plan=plan, member__isnull=False, month__isnull=True).count() == 4 + 9 * 12 + 10
    with django_assert_max_num_queries(len(company_small.captured_queries)):
        response = client.get(page(plan))
    assert len(response.context["rows"]) == 1 + 2 + 9
    with django_assert_max_num_queries(len(team_small.captured_queries)):
        response = client.get(team_page)
    assert len(response.context["rows"]) == 1 + 2 + 10


def add_agent(org, username, team):
    return org_services.member_create(
        tenant=org.tenant,
        actor=None,
        username=username,
        display_name=username,
        role=Member.Role.AGENT,
        unit_id=team.pk,
    )


# --- exports -------------------------------------------------------------------------------


def test_allocations_export_has_every_row_in_scope_with_real_figures(plan, org, client):
    client.force_login(org.manager.user)
    client.cookies["django_language"] = "en"
    sheet = workbook(client.get(f"/targets/plans/{plan.pk}/allocations.xlsx"))
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header == ("Unit", "Agent", "Employee number", "Tier", "Month", "Channel", "Product", "Amount", "Overridden")
    assert all(cell.font.b for cell in sheet[1])
    # Company, 2 branches, 3 teams and 4 agents: a total and three month cells each
    assert len(body) == 10 * 4
    totals = {(unit, agent): amount for unit, agent, _no, _tier, month, _c, _p, amount, _o in body if month is None}
    assert totals[("阿克米保险", None)] == 1_000_000
    assert totals[("acme-north", None)] == 500_000
    assert totals[("acme-north-1", None)] == 400_000
    assert totals[("acme-north-1", "acme-agent-名")] == 200_000
    assert totals[("acme-south-1", "acme-agent4-名")] == 500_000
    agent_cells = [(row[4], row[5], row[6], row[7]) for row in body if row[1] == "acme-agent-名" and row[4]]
    assert agent_cells == [
        (10, "个险", "健康险", 60_000),
        (11, "个险", "健康险", 80_000),
        (12, "个险", "健康险", 60_000),
    ]
    agent_total = next(row for row in body if row[1] == "acme-agent-名" and row[4] is None)
    assert agent_total[2] == org.agent.employee_no and agent_total[3] == "Middle" and agent_total[8] == "No"
    amount_cells = [row[7] for row in sheet.iter_rows(min_row=2)]
    assert {cell.number_format for cell in amount_cells} == {"0.00"}
    assert all(isinstance(cell.value, int | float) for cell in amount_cells)


def test_allocations_export_headers_follow_the_language(plan, org, client):
    client.force_login(org.manager.user)
    client.cookies["django_language"] = "zh-hans"
    sheet = workbook(client.get(f"/targets/plans/{plan.pk}/allocations.xlsx"))
    with translation.override("zh-hans"):
        expected = [translation.gettext(word) for word in ("Unit", "Agent", "Employee number", "Amount")]
    header = [cell.value for cell in sheet[1]]
    assert [header[0], header[1], header[2], header[7]] == expected


def test_allocations_export_of_a_supervisor_is_their_team(plan, org, client):
    client.force_login(org.supervisor.user)
    sheet = workbook(client.get(f"/targets/plans/{plan.pk}/allocations.xlsx"))
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    # north-1's own total and cells, and its two agents'
    assert len(body) == 3 * 4
    assert {row[0] for row in body} == {"acme-north-1"}
    assert {row[1] for row in body} == {None, "acme-agent-名", "acme-agent2-名"}
    assert sum(row[7] for row in body if row[4] is None and row[1]) == 400_000


def test_allocations_export_of_an_agent_is_their_own_rows(plan, org, client):
    client.force_login(org.agent.user)
    body = list(
        workbook(client.get(f"/targets/plans/{plan.pk}/allocations.xlsx")).iter_rows(min_row=2, values_only=True)
    )
    assert {row[1] for row in body} == {"acme-agent-名"} and len(body) == 4


def test_attainment_export_is_the_table_shown(plan, org, client):
    client.force_login(org.supervisor.user)
    client.cookies["django_language"] = "en"
    sheet = workbook(client.get(f"/targets/plans/{plan.pk}/attainment.xlsx?as_of={AS_OF}"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Name",
        "Kind",
        "Tier",
        "Target",
        "Actual",
        "Attainment",
        "Expected to date",
        "Deviation",
    )
    assert rows[1:] == [
        ("acme-north-1", "Team", None, 400_000, 107_000, 0.2675, 120_000, -0.1083),
        ("acme-agent-名", "Agent", "Middle", 200_000, 50_000, 0.25, 60_000, -0.1667),
        ("acme-agent2-名", "Agent", "Middle", 200_000, 57_000, 0.285, 60_000, -0.05),
    ]
    assert sheet["F2"].number_format == "0.0%" and sheet["D2"].number_format == "0.00"
    # One month, as on the page
    sheet = workbook(client.get(f"/targets/plans/{plan.pk}/attainment.xlsx?as_of={AS_OF}&month=11"))
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == [160_000, 80_000, 80_000]

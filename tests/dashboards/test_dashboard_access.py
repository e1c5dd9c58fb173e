"""Dashboards: who may open which, bad filters, the XLSX exports, and queries that stay flat as the org grows."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dashboards.services import rollups
from dashboards.services.alerts import evaluate_alerts
from salesops.org.models import Channel, Member, OrgUnit
from tests.dashboards.rollup_data import log, sale
from tests.factories import add_member, add_unit

pytestmark = pytest.mark.django_db


def get(client, member, url, **params):
    client.force_login(member.user)
    return client.get(url, params)


def team(org, name):
    return f"/dashboards/teams/{org.units[name].pk}/"


def unit(org, name):
    return f"/dashboards/units/{org.units[name].pk}/"


def test_each_role_lands_on_its_own_dashboard(org, client):
    cases = {
        org.agent: f"/dashboards/members/{org.agent.pk}/",
        org.supervisor: team(org, "north1"),
        org.branch_manager: unit(org, "north"),
        org.manager: unit(org, "company"),
        org.admin: unit(org, "company"),
    }
    for member, url in cases.items():
        assert get(client, member, "/dashboards/").url == url
    for member in (org.bank, org.advisor, org.renewal_lead):
        assert get(client, member, "/dashboards/").status_code == 403


def test_a_supervisor_cannot_open_another_teams_dashboard_by_its_id(rolled_up, client):
    org = rolled_up
    assert get(client, org.supervisor, team(org, "north1")).status_code == 200
    for url in (
        team(org, "north2"),
        unit(org, "north2"),
        team(org, "north"),
        unit(org, "company"),
        f"/dashboards/members/{org.agent3.pk}/",
        f"{team(org, 'north2')}today.xlsx",
        f"/dashboards/members/{org.agent3.pk}/pacing.xlsx",
    ):
        assert get(client, org.supervisor, url).status_code == 404, url
    # Their own agents are theirs to open
    assert get(client, org.supervisor, f"/dashboards/members/{org.agent.pk}/").status_code == 200


def test_an_agent_sees_only_their_own_dashboard(rolled_up, client):
    org = rolled_up
    assert get(client, org.agent, f"/dashboards/members/{org.agent2.pk}/").status_code == 404
    assert get(client, org.agent, team(org, "north1")).status_code == 403
    assert get(client, org.agent, unit(org, "north1")).status_code == 403
    assert get(client, org.agent, f"/dashboards/members/{org.agent.pk}/today.xlsx").status_code == 200


def test_a_branch_manager_sees_their_branch_and_not_the_other(rolled_up, client):
    org = rolled_up
    assert get(client, org.branch_manager, team(org, "north")).status_code == 200
    assert get(client, org.branch_manager, f"/dashboards/members/{org.agent3.pk}/").status_code == 200
    assert get(client, org.branch_manager, unit(org, "south")).status_code == 404
    assert get(client, org.branch_manager, f"/dashboards/members/{org.agent4.pk}/").status_code == 404


def test_no_dashboard_of_another_tenant(rolled_up, other_org, client):
    org = rolled_up
    for url in (
        unit(other_org, "company"),
        team(other_org, "north1"),
        f"/dashboards/members/{other_org.agent.pk}/",
        f"{unit(other_org, 'company')}children.xlsx",
    ):
        assert get(client, org.admin, url).status_code == 404, url
    # Nor another tenant's channel as a filter
    other_channel = Channel.objects.get(tenant=other_org.tenant, code="agency")
    response = get(client, org.manager, unit(org, "company"), channel=other_channel.pk)
    assert response.status_code == 400 and "channel" in response.context["form"].errors


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("unit", {"period": "2026-13"}, "period"),
        ("unit", {"period": "Q4"}, "period"),
        ("unit", {"period": "2027-Q1"}, "period"),  # not begun on 22 Nov 2026
        ("unit", {"product": "x"}, "product"),
        ("team", {"date": "2026-11-23"}, "date"),  # tomorrow
        ("team", {"date": "2026-02-30"}, "date"),
    ],
)
def test_a_bad_filter_is_a_field_error_and_the_default_view(rolled_up, client, path, params, field):
    org = rolled_up
    client.cookies["django_language"] = "en"
    url = unit(org, "company") if path == "unit" else team(org, "north1")
    response = get(client, org.manager, url, **params)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert f'data-error="{field}"' in response.content.decode()
    # The dashboard still shows, for the defaults: this quarter, today
    assert response.context["values"]["period"].key == "2026-Q4"
    assert response.context["values"]["date"] == date(2026, 11, 22)
    # The export refuses the same filter and says why
    export = get(client, org.manager, f"{url}{'children' if path == 'unit' else 'today'}.xlsx", **params)
    assert export.status_code == 400 and field in export.content.decode()


def test_a_period_error_in_chinese_by_default(rolled_up, client):
    response = get(client, rolled_up.manager, unit(rolled_up, "company"), period="2026-13")
    assert "请输入季度（如 2026-Q4）或月份（如 2026-11）。" in response.content.decode()


def test_every_table_exports_to_xlsx_as_the_page_lists_it(rolled_up, client):
    org = rolled_up
    response = get(client, org.manager, unit(org, "company"), period="2026-Q4")
    tables = response.context["tables"]
    assert set(tables) == {"children", "channel_product", "count_share", "quadrant", "alerts"}
    for name, table in tables.items():
        export = get(client, org.manager, f"{unit(org, 'company')}{name}.xlsx", period="2026-Q4")
        assert export.status_code == 200, name
        assert export["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(BytesIO(export.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == tuple(str(column.header) for column in table.columns)
        assert len(rows) == 1 + len(table.rows), name
    # Amounts stay in yuan in the workbook (numbers Excel sums); headers in the user's language (Chinese)
    sheet = load_workbook(BytesIO(get(client, org.manager, f"{unit(org, 'company')}children.xlsx").content)).active
    header, north = list(sheet.iter_rows(values_only=True))[:2]
    assert header[:3] == ("姓名", "保费（万元）", "目标（万元）")
    assert north[:4] == (org.units["north"].name, 1500, 750000, 0.002)
    assert get(client, org.manager, f"{unit(org, 'company')}nothing.xlsx").status_code == 404


def _grow_tenfold(org):
    """Add nine teams of agents (ten times the org's agents), each with a day's log and a sale, rolled up."""
    tenant = org.tenant
    for number in range(9):
        team_unit = add_unit(tenant, f"grow-{number}", OrgUnit.Kind.TEAM, org.units["north"])
        supervisor = add_member(tenant, f"grow-{number}-sup", Member.Role.SUPERVISOR, team_unit)
        for agent_number in range(4):
            agent = add_member(
                tenant, f"grow-{number}-{agent_number}", Member.Role.AGENT, team_unit, supervisor=supervisor
            )
            log(org, agent, date(2026, 11, 2), phone_appointments=3)
            sale(org, agent, date(2026, 11, 2), "100.00")
    rollups.refresh_pending(tenant_id=tenant.pk)


def test_each_pages_queries_stay_flat_when_the_org_grows_tenfold(rolled_up, client):
    org = rolled_up
    pages = [
        (org.manager, unit(org, "company"), {"period": "2026-Q4"}),
        (org.manager, unit(org, "north"), {"period": "2026-11"}),
        (org.manager, team(org, "north"), {"date": "2026-11-02"}),
        (org.supervisor, team(org, "north1"), {}),
        (org.agent, f"/dashboards/members/{org.agent.pk}/", {}),
    ]

    def counts():
        result = []
        for member, url, params in pages:
            client.force_login(member.user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    _grow_tenfold(org)
    assert Member.objects.filter(tenant=org.tenant, role="agent").count() == 40  # 4 → 40
    assert counts() == before
    assert max(before) <= 30


def test_a_long_table_shows_its_first_rows_and_exports_them_all(rolled_up, client):
    org = rolled_up
    for number in range(55):
        add_member(org.tenant, f"many-{number:02d}", Member.Role.AGENT, org.units["north1"], supervisor=org.supervisor)
    response = get(client, org.supervisor, team(org, "north1"))
    today = response.context["tables"]["today"]
    # 57 agents: the page lists 50 and says how many more the Excel file holds
    assert (len(today.visible_rows), today.row_count, today.hidden) == (50, 57, 7)
    assert 'data-field="hidden-rows"' in response.content.decode()
    export = get(client, org.supervisor, f"{team(org, 'north1')}today.xlsx")
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 57


def test_the_page_reads_the_newest_alerts_and_the_export_all(rolled_up, client, monkeypatch):
    org = rolled_up
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 22))
    monkeypatch.setattr("dashboards.pages.PAGE_ROWS", 2)
    response = get(client, org.manager, team(org, "north"))
    alerts = response.context["tables"]["alerts"]
    total = response.context["data"]["alert_count"]
    # agent, agent2 and agent3 are each alerted (low activity, no policy): more than the page's two
    assert total > 2 and (len(alerts.rows), alerts.row_count) == (2, total)
    assert f'<dd data-field="open-alerts">{total}</dd>' in response.content.decode()
    export = get(client, org.manager, f"{team(org, 'north')}alerts.xlsx")
    assert len(list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))) == 1 + total

"""The funnel pages: ``/customers/funnel/`` (chart, tables, XLSX) and the customer page's stage section and action.

Figures: tests/activities/funnel_data.py (worked out by hand in its docstring), seen on 30 Nov 2026.
"""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.messages import get_messages

from activities.models.customers import Customer, CustomerStageChange, Quote
from tests.activities.funnel_data import TODAY, build_funnel, build_other_funnel, customer, nov
from tests.pages import login, workbook_rows

S = Customer.Stage
PAGE = "/customers/funnel/"
PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    for where in ("activities.services.funnel", "activities.pages.funnel"):
        monkeypatch.setattr(f"{where}.tenant_today", lambda tenant: TODAY)


@pytest.fixture
def funnel(org, other_org):
    build_other_funnel(other_org)
    return build_funnel(org)


def table_rows(body: str, name: str) -> list[list[str]]:
    """A rendered table's cells, row by row (the first row the headers)."""
    table = re.search(rf'data-table="{name}".*?<table class="table">(.*?)</table>', body, re.S)[1]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


# --- the funnel page ------------------------------------------------------------------------------


def test_the_supervisor_sees_the_teams_funnel_chart_and_tables(funnel, client):
    response = login(client, funnel.supervisor, "en").get(PAGE, PERIOD)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-chart="funnel"' in body
    assert table_rows(body, "stages") == [
        ["Stage", "Customers reaching it", "On to the next stage"],
        ["Acquired", "11", "81.8%"],
        ["Needs analysis", "9", "77.8%"],
        ["Proposal", "7", "57.1%"],
        ["Objection handling", "4", "75.0%"],
        ["Signed", "3", "33.3%"],
        ["Service", "1", "—"],
    ]
    agents = {row[0]: row for row in table_rows(body, "agents")[1:]}
    assert agents[funnel.agent.display_name][-1] == "Proposal → Objection handling"
    assert agents[funnel.agent2.display_name][-1] == "Objection handling → Signed"
    assert agents[funnel.agent5.display_name][-1] == "—"
    assert [row[0] for row in table_rows(body, "churn")[1:]] == ["W2"]
    assert f'href="/customers/{funnel.customers["W2"].pk}/"' in body
    assert 'data-table="branches"' not in body  # a supervisor leads no branch


def test_the_agents_table_exports_with_every_rate_and_median(funnel, client):
    response = login(client, funnel.manager, "en").get("/customers/funnel/agents.xlsx", PERIOD)
    rows = workbook_rows(response)
    assert rows[0][:6] == ["Agent", "Team", "Acquired", "Signed", "Acquired → Needs analysis", "Team median"]
    agent = next(row for row in rows if row[0] == funnel.agent.display_name)
    # Rates 0.8, 0.75, 0.3333, 1, 0 beside the team's 0.8, 0.75, 0.5, 1, 0.
    assert [float(value) for value in agent[4:14]] == [0.8, 0.8, 0.75, 0.75, 0.3333, 0.5, 1, 1, 0, 0]
    assert agent[14] == "Proposal → Objection handling"
    branches = workbook_rows(login(client, funnel.manager, "en").get("/customers/funnel/branches.xlsx", PERIOD))
    assert [row[:7] for row in branches[1:]] == [
        [f"{funnel.tenant.slug}-north", 12, 10, 7, 4, 3, 1],
        [f"{funnel.tenant.slug}-south", 2, 2, 1, 1, 1, 0],
    ]


def test_a_period_running_backwards_is_a_400_with_the_error_by_field(funnel, client):
    response = login(client, funnel.admin, "en").get(PAGE, {"from": "2026-11-10", "to": "2026-11-09"})
    assert response.status_code == 400
    assert "The end of the period cannot be before its start." in response.content.decode()
    assert client.get("/customers/funnel/agents.xlsx", {"from": "2026-11-10", "to": "2026-11-09"}).status_code == 400


def test_the_page_keeps_to_the_role_and_tenant(funnel, other_org, client):
    for no_book in (funnel.bank, funnel.renewal_lead, funnel.advisor):
        assert login(client, no_book).get(PAGE).status_code == 403
    response = login(client, funnel.agent, "en").get(PAGE, PERIOD)
    assert [row[0] for row in table_rows(response.content.decode(), "agents")[1:]] == [funnel.agent.display_name]
    # Another tenant's unit is not among the choices: a 400 by the field, the caller's own funnel shown.
    response = login(client, other_org.admin, "en").get(PAGE, {**PERIOD, "unit": funnel.units["north"].pk})
    assert response.status_code == 400 and 'data-error="unit"' in response.content.decode()
    assert table_rows(response.content.decode(), "stages")[1][:2] == ["Acquired", "1"]
    response = login(client, other_org.admin, "en").get(PAGE, PERIOD)
    assert table_rows(response.content.decode(), "stages")[1][:2] == ["Acquired", "1"]


# --- the customer page's section and its action ------------------------------------------------------


def action_url(entry) -> str:
    return f"/customers/{entry.pk}/stage/"


def messages_of(response) -> list[str]:
    """The messages the response leaves for the next page (unread ones of earlier requests included)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_customer_page_shows_the_stage_section(org, client):
    entry = customer(org, org.agent, "王", nov(2))
    client = login(client, org.agent, "en")
    client.post(action_url(entry), {"action": "stage", "to_stage": "proposal", "changed_on": "2026-11-09"})
    response = client.get(f"/customers/{entry.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-section="stage"' in body and f'action="{action_url(entry)}"' in body
    assert table_rows(body, "stage-history")[1] == ["2026-11-09", "Acquired", "Proposal", "—", org.agent.display_name]


def test_a_move_from_the_page_goes_back_to_the_customer(org, client):
    entry = customer(org, org.agent, "王", nov(2))
    response = login(client, org.agent, "en").post(
        action_url(entry), {"action": "stage", "to_stage": "objection", "changed_on": "2026-11-05"}
    )
    assert response.status_code == 302 and response["Location"] == f"/customers/{entry.pk}/"
    assert messages_of(response) == ["Moved to “Objection handling”."]
    assert Customer.objects.get(pk=entry.pk).stage == S.OBJECTION


def test_a_move_back_without_a_reason_from_the_page_saves_nothing_and_says_why(org, client):
    entry = customer(org, org.agent, "王", nov(2))
    client = login(client, org.agent, "en")
    client.post(action_url(entry), {"action": "stage", "to_stage": "objection", "changed_on": "2026-11-05"})
    response = client.post(action_url(entry), {"action": "stage", "to_stage": "proposal", "changed_on": "2026-11-06"})
    assert response.status_code == 302 and response["Location"] == f"/customers/{entry.pk}/"
    assert (
        messages_of(response)[-1] == "Reason (needed for a move back): A move back to an earlier stage needs a reason."
    )
    assert CustomerStageChange.objects.count() == 1 and Customer.objects.get(pk=entry.pk).stage == S.OBJECTION


def test_a_quote_from_the_page(org, client):
    entry = customer(org, org.agent, "王", nov(2))
    client = login(client, org.agent, "en")
    quote = {"action": "quote", "product": "health", "premium": "5800.00", "quoted_on": "2026-11-08"}
    response = client.post(action_url(entry), quote)
    assert response.status_code == 302 and messages_of(response) == ["Quote recorded."]
    assert Quote.objects.get().premium == 5800 and Customer.objects.get(pk=entry.pk).stage == S.PROPOSAL
    response = client.post(action_url(entry), {**quote, "premium": "0"})
    assert messages_of(response)[-1] == "Annual premium (yuan): The premium must be above zero."
    assert Quote.objects.count() == 1


def test_the_action_keeps_to_the_callers_scope_and_tenant(org, other_org, client):
    entry = customer(org, org.agent, "王", nov(2))
    move = {"action": "stage", "to_stage": "proposal", "changed_on": "2026-11-05"}
    for outsider in (org.agent2, org.supervisor2, other_org.admin):
        assert login(client, outsider).post(action_url(entry), move).status_code == 404
    assert login(client, org.bank).post(action_url(entry), move).status_code == 403
    assert login(client, org.agent).get(action_url(entry)).status_code == 405
    assert not CustomerStageChange.objects.exists()
    assert login(client, org.supervisor).post(action_url(entry), move).status_code == 302
    assert Customer.objects.get(pk=entry.pk).stage == S.PROPOSAL

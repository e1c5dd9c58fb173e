"""The funnel API: stage moves and history, quotes, the conversion, churn warnings, the sale link.

Figures: tests/activities/funnel_data.py (worked out by hand in its docstring), seen on 30 Nov 2026.
"""

from __future__ import annotations

import pytest

from activities.models.customers import Customer, CustomerStageChange, Quote
from targets.models import SaleRecord
from tests.activities.funnel_data import TODAY, build_funnel, build_other_funnel, customer, nov

S = Customer.Stage


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    for where in ("activities.services.funnel", "activities.apis.funnel", "targets.services.sales"):
        monkeypatch.setattr(f"{where}.tenant_today", lambda tenant: TODAY)


@pytest.fixture
def funnel(org, other_org):
    other_org.customer = build_other_funnel(other_org)
    return build_funnel(org)


def stage_url(entry) -> str:
    return f"/api/v1/customers/{entry.pk}/stage/"


# --- stage ---------------------------------------------------------------------------------------


def test_the_owner_moves_a_customer_and_reads_the_history(org, api_en):
    entry = customer(org, org.agent, "王", nov(2))
    client = api_en(org.agent)
    response = client.post(stage_url(entry), {"to_stage": "proposal", "changed_on": "2026-11-09"}, format="json")
    assert response.status_code == 201, response.content
    change = CustomerStageChange.objects.get()
    assert response.json() == {
        "id": change.pk,
        "customer": entry.pk,
        "from_stage": "acquired",
        "to_stage": "proposal",
        "changed_on": "2026-11-09",
        "reason": "",
        "changed_by": org.agent.pk,
        "changed_by_name": org.agent.display_name,
    }
    response = client.post(stage_url(entry), {"to_stage": "needs_analysis", "reason": "重新分析"}, format="json")
    assert response.status_code == 201 and response.json()["changed_on"] == "2026-11-30"
    history = client.get(f"/api/v1/customers/{entry.pk}/stages/").json()
    assert [(row["from_stage"], row["to_stage"], row["reason"]) for row in history] == [
        ("acquired", "proposal", ""),
        ("proposal", "needs_analysis", "重新分析"),
    ]


def test_a_backward_move_without_a_reason_is_a_400_and_nothing_saved(org, api_en):
    entry = customer(org, org.agent, "王", nov(2))
    client = api_en(org.agent)
    client.post(stage_url(entry), {"to_stage": "objection", "changed_on": "2026-11-05"}, format="json")
    response = client.post(stage_url(entry), {"to_stage": "proposal"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": ["A move back to an earlier stage needs a reason."]}
    assert CustomerStageChange.objects.count() == 1
    assert Customer.objects.get(pk=entry.pk).stage == S.OBJECTION


def test_an_unknown_stage_and_a_future_date_are_400_by_field(org, api_en):
    entry = customer(org, org.agent, "王", nov(2))
    client = api_en(org.agent)
    response = client.post(stage_url(entry), {"to_stage": "won"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["to_stage"]
    response = client.post(stage_url(entry), {"to_stage": "signed", "changed_on": "2026-12-01"}, format="json")
    assert response.json() == {"changed_on": ["The date cannot be in the future."]}
    assert not CustomerStageChange.objects.exists()


def test_the_stage_endpoints_keep_to_the_callers_scope(org, api_en):
    entry = customer(org, org.agent, "王", nov(2))
    for outsider in (org.agent2, org.supervisor2, org.agent4):
        client = api_en(outsider)
        assert client.post(stage_url(entry), {"to_stage": "proposal"}, format="json").status_code == 404
        assert client.get(f"/api/v1/customers/{entry.pk}/stages/").status_code == 404
        assert client.get(f"/api/v1/customers/{entry.pk}/quotes/").status_code == 404
    for no_book in (org.bank, org.renewal_lead, org.advisor):
        assert api_en(no_book).post(stage_url(entry), {"to_stage": "proposal"}, format="json").status_code == 403
    assert not CustomerStageChange.objects.exists()
    for leader in (org.supervisor, org.branch_manager):
        assert api_en(leader).get(f"/api/v1/customers/{entry.pk}/stages/").status_code == 200
    response = api_en(org.supervisor).post(stage_url(entry), {"to_stage": "proposal"}, format="json")
    assert response.status_code == 201


def test_another_tenants_customer_is_a_404_and_left_alone(org, other_org, api_en):
    theirs = customer(other_org, other_org.agent, "外", nov(2))
    client = api_en(org.admin)
    assert client.post(stage_url(theirs), {"to_stage": "proposal"}, format="json").status_code == 404
    assert client.get(f"/api/v1/customers/{theirs.pk}/stages/").status_code == 404
    quote = {"product": "health", "premium": "100.00", "quoted_on": "2026-11-05"}
    assert client.post(f"/api/v1/customers/{theirs.pk}/quotes/", quote, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.stage == S.ACQUIRED
    assert not CustomerStageChange.objects.exists() and not Quote.objects.exists()


# --- quotes -----------------------------------------------------------------------------------------


def test_a_quote_is_recorded_and_moves_the_customer_to_the_proposal(org, api_en):
    entry = customer(org, org.agent, "王", nov(2))
    client = api_en(org.agent)
    url = f"/api/v1/customers/{entry.pk}/quotes/"
    response = client.post(url, {"product": "health", "premium": "5800.00", "quoted_on": "2026-11-08"}, format="json")
    assert response.status_code == 201, response.content
    quote = Quote.objects.get()
    assert response.json() == {
        "id": quote.pk,
        "customer": entry.pk,
        "product": "health",
        "product_name": quote.product.name,
        "premium": "5800.00",
        "quoted_on": "2026-11-08",
        "created_by": org.agent.pk,
    }
    assert Customer.objects.get(pk=entry.pk).stage == S.PROPOSAL
    assert [row["id"] for row in client.get(url).json()] == [quote.pk]


def test_a_bad_quote_is_a_400_by_field_and_nothing_saved(org, api_en):
    entry = customer(org, org.agent, "王", nov(2))
    url = f"/api/v1/customers/{entry.pk}/quotes/"
    body = {"product": "nope", "premium": "0", "quoted_on": "2026-11-08"}
    response = api_en(org.agent).post(url, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"product": ["Unknown product."], "premium": ["The premium must be above zero."]}
    assert not Quote.objects.exists() and Customer.objects.get(pk=entry.pk).stage == S.ACQUIRED


# --- the funnel -----------------------------------------------------------------------------------------

PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


def test_the_funnel_of_the_whole_tenant(funnel, api_en):
    body = api_en(funnel.admin).get("/api/v1/funnel/", PERIOD).json()
    assert (body["from"], body["to"], body["unit"]) == ("2026-11-01", "2026-11-30", None)
    assert [(row["stage"], row["reached"], row["rate_to_next"]) for row in body["stages"]] == [
        ("acquired", 14, "0.8571"),
        ("needs_analysis", 12, "0.6667"),
        ("proposal", 8, "0.6250"),
        ("objection", 5, "0.8000"),
        ("signed", 4, "0.2500"),
        ("service", 1, None),
    ]
    agents = {row["member"]: row for row in body["agents"]}
    agent = agents[funnel.agent.pk]
    assert agent["reached"] == {
        "acquired": 5,
        "needs_analysis": 4,
        "proposal": 3,
        "objection": 1,
        "signed": 1,
        "service": 0,
    }
    assert agent["steps"][2] == {
        "step": "proposal→objection",
        "rate": "0.3333",
        "team_median": "0.5000",
        "shortfall": "0.1667",
    }
    assert agent["losing_step"] == "proposal→objection"
    assert agents[funnel.agent2.pk]["losing_step"] == "objection→signed"
    assert agents[funnel.agent5.pk]["losing_step"] is None
    assert [row["reached"]["acquired"] for row in body["branches"]] == [12, 2]
    assert [row["rates"]["acquired→needs_analysis"] for row in body["teams"]] == ["0.8182", "1.0000", "1.0000"]


def test_the_funnel_keeps_to_the_callers_scope_and_tenant(funnel, other_org, api_en):
    def acquired(member, **query):
        response = api_en(member).get("/api/v1/funnel/", {**PERIOD, **query})
        assert response.status_code == 200, response.content
        return response.json()["stages"][0]["reached"]

    assert acquired(funnel.agent) == 5
    assert acquired(funnel.supervisor) == 11
    assert acquired(funnel.branch_manager) == 12
    assert acquired(funnel.manager) == 14
    assert acquired(other_org.admin) == 1  # their own signed customer only
    assert acquired(funnel.admin, unit=funnel.units["south1"].pk) == 2
    for no_book in (funnel.bank, funnel.renewal_lead, funnel.advisor):
        assert api_en(no_book).get("/api/v1/funnel/", PERIOD).status_code == 403
    # A unit outside the caller's scope or tenant is a 404.
    assert api_en(funnel.supervisor).get("/api/v1/funnel/", {"unit": funnel.units["south1"].pk}).status_code == 404
    assert api_en(other_org.admin).get("/api/v1/funnel/", {"unit": funnel.units["north"].pk}).status_code == 404


def test_a_period_ending_before_it_starts_is_a_400(funnel, api_en):
    response = api_en(funnel.admin).get("/api/v1/funnel/", {"from": "2026-11-10", "to": "2026-11-09"})
    assert response.status_code == 400
    assert response.json() == {"to": ["The end of the period cannot be before its start."]}


# --- churn warnings ----------------------------------------------------------------------------------------


def test_churn_warnings_in_scope(funnel, other_org, api_en):
    body = api_en(funnel.supervisor).get("/api/v1/customers/churn-warnings/").json()
    w2 = funnel.customers["W2"]
    assert body["results"] == [
        {
            "id": w2.pk,
            "name": "W2",
            "stage": "proposal",
            "owner": funnel.agent.pk,
            "owner_name": funnel.agent.display_name,
            "quotes": 3,
            "last_quoted_on": "2026-10-12",
        }
    ]
    assert api_en(funnel.agent2).get("/api/v1/customers/churn-warnings/").json()["count"] == 0
    assert api_en(other_org.admin).get("/api/v1/customers/churn-warnings/").json()["count"] == 0
    assert api_en(funnel.bank).get("/api/v1/customers/churn-warnings/").status_code == 403


# --- the sale link ---------------------------------------------------------------------------------------------


def sale_body(member, entry, **extra):
    return {
        "policy_no": "P2026990001",
        "member": member.pk,
        "channel": "agency",
        "product": "health",
        "premium": "6000.00",
        "sold_on": "2026-11-12",
        "customer_kind": "new",
        "payment_mode": "regular",
        "customer": entry.pk,
        **extra,
    }


def test_a_sale_posted_for_the_members_customer_signs_them(org, api_en):
    entry = customer(org, org.agent, "王", nov(2))
    response = api_en(org.manager).post("/api/v1/sales/", sale_body(org.agent, entry), format="json")
    assert response.status_code == 201, response.content
    assert SaleRecord.objects.get().customer == entry
    entry.refresh_from_db()
    assert (entry.stage, entry.stage_changed_on) == (S.SIGNED, nov(12))


def test_a_sale_posted_for_another_agents_customer_is_a_400_on_customer(org, other_org, api_en):
    theirs = customer(org, org.agent2, "李", nov(2))
    foreign = customer(other_org, other_org.agent, "外", nov(2))
    message = "Unknown customer, or not in the book of the member the sale is credited to."
    for entry in (theirs, foreign):
        response = api_en(org.manager).post("/api/v1/sales/", sale_body(org.agent, entry), format="json")
        assert response.status_code == 400
        assert response.json() == {"customer": [message]}
    assert not SaleRecord.objects.exists() and not CustomerStageChange.objects.exists()


def test_the_lists_take_a_fixed_number_of_queries(funnel, api_en, django_assert_max_num_queries):
    client = api_en(funnel.admin)
    a1 = funnel.customers["A1"]
    # The request's savepoint pair (ATOMIC_REQUESTS), auth, member, the rules, the list and its count: no row adds one.
    with django_assert_max_num_queries(8):
        assert len(client.get(f"/api/v1/customers/{a1.pk}/stages/").json()) == 4
    client.get("/api/v1/customers/churn-warnings/")  # the first read writes the tenant's default rules
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/customers/churn-warnings/").json()["count"] == 1
    with django_assert_max_num_queries(8):
        assert len(client.get(f"/api/v1/customers/{funnel.customers['W2'].pk}/quotes/").json()) == 3

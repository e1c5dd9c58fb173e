"""The tier and needs section of the customer page, its form's action, and the customer rules page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from activities.models import Customer, CustomerPolicy
from activities.selectors.tiers import policy_for
from activities.services.needs import needs_analyse
from activities.services.tiers import recompute_tiers
from salesops.org.selectors import tenant_today
from tests.activities.tiers_data import TODAY, build_edge_customers, make_customer, sell
from tests.pages import login, workbook_rows

pytestmark = pytest.mark.django_db

RULES_URL = "/customers/rules/"


def page_url(customer) -> str:
    return f"/customers/{customer.pk}/"


def action_url(customer) -> str:
    return f"/customers/{customer.pk}/needs/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def customer(org):
    """A contact today and a policy of 60,000.00 a month ago: A on the real today."""
    today = tenant_today(org.tenant)
    customer = make_customer(org, org.agent, "王先生", phone="13812341234", contact=today)
    sell(org, customer, today - timedelta(days=30), "60000.00", today=today)
    return customer


NEEDS_POST = {
    "income": "300000",
    "cover_health": "2000",
    "cover_annuity": "8000",
    "cover_employer_liability": "",
    "cover_group_annuity": "",
    "cover_single_premium_savings": "",
}


def test_the_urls_are_named():
    assert reverse("customer-needs-action", kwargs={"customer_id": 5}) == "/customers/5/needs/"
    assert reverse("customer-rules-page") == RULES_URL
    assert reverse("customer-rules-page-xlsx", kwargs={"table": "agents"}) == "/customers/rules/agents.xlsx"


# The customer page's section ------------------------------------------------------------------


def test_the_owner_sees_the_tier_why_next_action_and_the_needs_form(org, client, customer):
    login(client, org.agent, "en")
    response = client.get(page_url(customer))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-section="tier-needs"' in html
    assert 'data-tier="A"' in html
    assert "A: last contact on" in html
    assert "dedicated service team" in html
    assert 'data-form="needs"' in html and f'action="{action_url(customer)}"' in html
    assert 'name="cover_health"' in html and 'name="income"' in html
    assert "No needs analysis yet." in html


def test_the_owner_analyses_from_the_page_and_sees_the_result(org, client, customer):
    login(client, org.agent, "en")
    response = client.post(action_url(customer), NEEDS_POST)
    assert response.status_code == 302 and response["Location"] == page_url(customer)
    assert messages_of(response) == ["Needs analysis saved."]
    customer.refresh_from_db()
    assert customer.needs["gap"] == "20000.00"
    assert customer.household["cover"] == {"health": "2000.00", "annuity": "8000.00"}
    html = client.get(page_url(customer)).content.decode()
    assert 'data-field="needs-result"' in html
    assert 'data-bar="budget_low"' in html and 'data-gap="employer_liability"' in html
    assert "30,000.00" in html and "45,000.00" in html and "6,666.67" in html
    # The form comes back filled with the saved facts.
    assert 'name="income" value="300000.00"' in html


def test_bad_input_goes_back_with_the_errors_by_field_and_nothing_saved(org, client, customer):
    login(client, org.agent, "en")
    response = client.post(action_url(customer), {**NEEDS_POST, "income": "-5", "cover_health": "abc"})
    assert response.status_code == 302 and response["Location"] == page_url(customer)
    errors = messages_of(response)
    assert any(message.startswith("Household annual income (yuan):") for message in errors)
    assert any(message.startswith("Existing cover: 健康险") for message in errors)
    customer.refresh_from_db()
    assert (customer.household, customer.needs) == ({}, {})
    html = client.get(page_url(customer)).content.decode()
    assert 'data-error="income"' in html and 'data-error="cover_health"' in html
    assert 'value="-5"' in html
    # Once shown, the form in error is gone: the next visit shows the saved facts.
    assert 'data-error="income"' not in client.get(page_url(customer)).content.decode()


def test_a_supervisor_over_the_owner_sees_and_uses_the_form(org, client, customer):
    login(client, org.supervisor, "en")
    assert 'data-form="needs"' in client.get(page_url(customer)).content.decode()
    assert client.post(action_url(customer), NEEDS_POST).status_code == 302
    customer.refresh_from_db()
    assert customer.needs["by"] == org.supervisor.pk


@pytest.mark.parametrize("who", ["manager", "branch_manager", "admin"])
def test_masked_readers_see_the_tier_but_no_needs_and_may_not_post(org, client, customer, who):
    needs_analyse(tenant=org.tenant, actor=org.agent, customer=customer, income="300000", cover={})
    login(client, getattr(org, who), "en")
    html = client.get(page_url(customer)).content.decode()
    assert 'data-section="tier-needs"' in html and 'data-tier="A"' in html
    assert 'data-form="needs"' not in html and 'data-field="needs-result"' not in html
    assert "300,000.00" not in html
    assert client.post(action_url(customer), NEEDS_POST).status_code == 403
    customer.refresh_from_db()
    assert customer.needs["income"] == "300000.00" and customer.needs["by"] == org.agent.pk


@pytest.mark.parametrize("who", ["agent2", "supervisor2", "agent4"])
def test_out_of_scope_posts_are_404(org, client, customer, who):
    login(client, getattr(org, who))
    assert client.post(action_url(customer), NEEDS_POST).status_code == 404
    customer.refresh_from_db()
    assert customer.needs == {}


def test_another_tenants_customer_is_404_and_unchanged(org, other_org, client):
    theirs = make_customer(other_org, other_org.agent, "外")
    login(client, org.admin)
    assert client.post(action_url(theirs), NEEDS_POST).status_code == 404
    login(client, org.agent)
    assert client.post(action_url(theirs), NEEDS_POST).status_code == 404
    theirs.refresh_from_db()
    assert theirs.needs == {}


def test_the_action_only_takes_posts(org, client, customer):
    login(client, org.agent)
    assert client.get(action_url(customer)).status_code == 405


# The rules page -----------------------------------------------------------------------------


@pytest.fixture
def tiered(org, other_org):
    build_edge_customers(org)
    make_customer(org, org.agent3, "三号", contact=date(2026, 8, 1))
    make_customer(other_org, other_org.agent, "外人", contact=date(2026, 8, 1))
    recompute_tiers(tenant=org.tenant, today=TODAY)
    recompute_tiers(tenant=other_org.tenant, today=TODAY)


def test_a_company_manager_sees_the_rules_summary_chart_and_form(org, client, tiered):
    login(client, org.manager, "en")
    response = client.get(RULES_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-section="rules-form"' in html and 'name="tier_a_premium"' in html
    assert 'data-chart="tiers"' in html
    assert 'data-field="total-a">2<' in html and 'data-field="total-b">5<' in html
    assert "Tiers as recomputed on 2026-08-15" in html
    assert "A contact within 3 months and a premium above 50,000.00 yuan" in html
    # Another tenant's agent and customers are nowhere.
    assert "bolt-agent-名" not in html


def test_the_agents_table_exports_to_xlsx_with_the_counts_by_hand(org, client, tiered):
    login(client, org.manager, "en")
    rows = workbook_rows(client.get("/customers/rules/agents.xlsx"))
    assert rows[0] == ["Employee number", "Agent", "Unit", "A", "B", "C", "No tier", "Customers"]
    assert rows[1][1:] == [org.agent.display_name, org.units["north1"].name, 2, 4, 2, 7, 15]
    assert rows[2][1:] == [org.agent3.display_name, org.units["north2"].name, 0, 1, 0, 0, 1]
    assert rows[3][1:] == ["Total", None, 2, 5, 2, 7, 16]
    assert len(rows) == 4
    units = workbook_rows(client.get("/customers/rules/units.xlsx"))
    assert [row[0] for row in units[1:]] == [org.units["north1"].name, org.units["north2"].name, "Total"]


def test_a_supervisor_sees_their_teams_summary_without_the_form(org, client, tiered):
    login(client, org.supervisor2, "en")
    response = client.get(RULES_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-section="rules-form"' not in html
    assert 'data-field="total-b">1<' in html and 'data-field="total-a">0<' in html
    assert client.post(RULES_URL, {"action": "rules", "tier_a_months": "2"}).status_code == 403


@pytest.mark.parametrize("who", ["agent", "bank", "renewal_lead", "advisor"])
def test_others_may_not_open_the_rules_page(org, client, who):
    login(client, getattr(org, who))
    assert client.get(RULES_URL).status_code == 403
    assert client.get("/customers/rules/agents.xlsx").status_code == 403


RULES_POST = {
    "action": "rules",
    "tier_a_months": "3",
    "tier_a_premium": "40000",
    "tier_b_months": "6",
    "tier_c_policy_months": "12",
    "budget_low_percent": "10",
    "budget_high_percent": "15",
    "churn_quotes": "3",
}


def test_a_company_manager_sets_the_thresholds_and_the_book_is_retiered(org, client):
    customer = make_customer(org, org.agent, "甲", contact=tenant_today(org.tenant))
    sell(org, customer, tenant_today(org.tenant), "45000.00", today=tenant_today(org.tenant))
    login(client, org.admin, "en")
    response = client.post(RULES_URL, RULES_POST)
    assert response.status_code == 302 and response["Location"] == RULES_URL
    assert policy_for(org.tenant).tier_a_premium == Decimal("40000.00")
    customer.refresh_from_db()
    assert customer.tier == "A"  # 45,000.00 above the new 40,000.00


def test_bad_thresholds_come_back_by_field_with_400_and_nothing_saved(org, client):
    before = CustomerPolicy.objects.filter(pk=policy_for(org.tenant).pk).values().get()
    login(client, org.manager, "en")
    response = client.post(RULES_URL, {**RULES_POST, "tier_a_months": "9", "budget_low_percent": "-1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error="budget_low_percent"' in html
    # A's 9 months pass the form, then the service names the field: longer than B's 6.
    response = client.post(RULES_URL, {**RULES_POST, "tier_a_months": "9"})
    assert response.status_code == 400
    assert 'data-error="tier_a_months"' in response.content.decode()
    assert "longer than B" in response.content.decode()
    assert CustomerPolicy.objects.filter(tenant=org.tenant).values().get() == before


def test_a_branch_manager_sees_the_page_but_may_not_set_the_rules(org, client):
    login(client, org.branch_manager)
    assert 'data-section="rules-form"' not in client.get(RULES_URL).content.decode()
    assert client.post(RULES_URL, RULES_POST).status_code == 403
    assert policy_for(org.tenant).tier_a_premium == Decimal("50000.00")


def test_one_tenants_rules_page_sets_only_its_own(org, other_org, client):
    login(client, org.manager)
    client.post(RULES_URL, RULES_POST)
    assert policy_for(org.tenant).tier_a_premium == Decimal("40000.00")
    assert policy_for(other_org.tenant).tier_a_premium == Decimal("50000.00")
    assert Customer.objects.filter(tenant=other_org.tenant).count() == 0


def test_the_section_and_the_rules_page_render_in_chinese_by_default(org, client, customer):
    login(client, org.agent)
    response = client.get(page_url(customer))
    assert response.status_code == 200
    assert 'data-section="tier-needs"' in response.content.decode()
    login(client, org.manager)
    assert client.get(RULES_URL).status_code == 200

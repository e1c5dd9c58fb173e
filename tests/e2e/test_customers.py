"""The customer book in a real browser: an agent adds a customer on a phone, moves them along the funnel and
analyses their needs; the manager, on a desktop, sees the phone masked.

Needs analysis by hand (the default budget of 10–15 % of income): income 200,000 → 20,000.00–30,000.00 yuan a
year; existing health cover 5,000 → a gap of 20,000 − 5,000 = 15,000.00 to the budget's lower end.
Screenshots land in test-artifacts/screenshots/.
"""

import pytest
from playwright.sync_api import expect

from activities.models import Customer, CustomerStageChange
from tests.e2e.test_shell import has_no_horizontal_scroll, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_an_agent_books_a_customer_on_a_phone_and_the_manager_sees_it_masked(
    live_server, org, desktop, phone, screenshot
):
    # Given the agent on a 390 px phone, in their (empty) book
    log_in(phone, live_server.url, org.agent.user.username, PASSWORD)
    phone.wait_for_url(f"{live_server.url}/")
    phone.click("[data-nav=customers-page]")
    expect(phone.locator("h1")).to_contain_text("客户名册")
    # When they add a customer with a spaced phone number
    form = phone.locator("[data-form=create]")
    form.locator("[name=name]").fill("王芳")
    form.locator("[name=phone]").fill("138 1234 1234")
    form.locator("[data-action=save-create]").click()
    # Then their page opens, the phone normalised, and the book lists them
    expect(phone.locator("h1 [data-field=name]")).to_have_text("王芳")
    customer = Customer.objects.get(tenant=org.tenant, name="王芳")
    assert (customer.owner_id, customer.phone, customer.stage) == (org.agent.pk, "13812341234", "acquired")
    expect(phone.locator("dd[data-field=phone]")).to_have_text("13812341234")
    phone.goto(f"{live_server.url}/customers/")
    expect(phone.locator("[data-section=customers] tbody")).to_contain_text("王芳")
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, "customers-book-agent-phone")

    # When they open the customer, move them to needs analysis and analyse the household's needs
    phone.goto(f"{live_server.url}/customers/{customer.pk}/")
    phone.select_option("[data-form=stage] [name=to_stage]", "needs_analysis")
    phone.click("[data-action=move-stage]")
    expect(phone.locator("h1 [data-field=stage]")).to_have_attribute("data-stage", "needs_analysis")
    needs = phone.locator("[data-form=needs]")
    needs.locator("[name=income]").fill("200000")
    needs.locator("[name=cover_health]").fill("5000")
    needs.locator("[data-action=save-needs]").click()
    # Then the budget and the gap are worked out from the tenant's 10–15 %
    expect(phone.locator("[data-field=needs-result]")).to_contain_text("20000.00")
    expect(phone.locator("[data-field=needs-result]")).to_contain_text("30000.00")
    expect(phone.locator("[data-field=gap]")).to_contain_text("15000.00")
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, "customer-agent-phone")
    assert list(CustomerStageChange.objects.filter(customer=customer).values_list("from_stage", "to_stage")) == [
        ("", "acquired"),
        ("acquired", "needs_analysis"),
    ]

    # When the manager opens the same customer on a desktop
    log_in(desktop, live_server.url, org.manager.user.username, PASSWORD)
    desktop.wait_for_url(f"{live_server.url}/")
    desktop.goto(f"{live_server.url}/customers/{customer.pk}/")
    # Then the phone is masked and the household hidden
    expect(desktop.locator("dd[data-field=phone]")).to_have_text("138****1234")
    expect(desktop.locator("[data-field=household-hidden]")).to_be_visible()
    screenshot(desktop, "customer-manager-desktop")

"""The bank-channel staff member in a real browser: the channel page on a desktop, a contact logged on a phone.

The org is tests/factories.py's: ``acme-bank`` is bank-channel staff.
Screenshots land in test-artifacts/screenshots/.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from bancassurance.models import BranchContact
from salesops.org.selectors import tenant_today
from tests.bancassurance.channel_data import bank_sale, make_bank, make_branch, person
from tests.e2e.test_shell import has_no_horizontal_scroll, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def branches(org):
    """Four branches of the staff member; one sold this month, one has a wealth manager on the roster."""
    bank = make_bank(org)
    rows = [
        make_branch(org, bank, f"ICBC-{n}", staff=org.bank, name=name)
        for n, name in enumerate(["陆家嘴支行", "张江支行", "徐家汇支行", "静安寺支行"])
    ]
    today = tenant_today(org.tenant)
    bank_sale(org, rows[0], today.replace(day=1), "50000.00")
    person(org, rows[1], "wealth_manager", date(2026, 1, 5), name="李丽")
    return rows


def test_the_staff_member_sees_the_channel_and_logs_a_contact_from_a_phone(
    live_server, org, branches, desktop, phone, screenshot
):
    # Given the staff member on a desktop, the channel page shows their KPIs and the charts
    log_in(desktop, live_server.url, org.bank.user.username, PASSWORD)
    desktop.wait_for_url(f"{live_server.url}/")
    desktop.click("[data-nav=bancassurance-page]")
    expect(desktop.locator("[data-field=activity-rate]")).to_have_text("25.0%")
    expect(desktop.locator("[data-field=activity-counts]")).to_have_text("4 个网点中 1 个出单")
    expect(desktop.locator("#chart-trend .main-svg").first).to_be_visible()
    expect(desktop.locator("#chart-stages .main-svg").first).to_be_visible()
    expect(desktop.locator("[data-table=branches] tbody tr")).to_have_count(4)
    screenshot(desktop, "bancassurance-channel-desktop")

    # When on a 390 px phone they open 张江支行 and log a visit with 李丽 and three openings
    log_in(phone, live_server.url, org.bank.user.username, PASSWORD)
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/bancassurance/")
    phone.locator("[data-table=branches] a", has_text="ICBC-1").click()
    phone.wait_for_url(re.compile(rf"/bancassurance/branches/{branches[1].pk}/$"))
    assert has_no_horizontal_scroll(phone)
    form = phone.locator("form[data-form=contact]")
    form.locator("select[name=staff]").select_option(label="李丽 · 理财经理")
    form.locator("label.pill", has_text="拜访").click()
    form.locator("input[name=openings]").fill("3")
    form.locator("textarea[name=notes]").fill("推荐养老年金")
    screenshot(phone, "bancassurance-contact-phone")
    form.locator("[data-action=save-contact]").click()

    # Then the contact is saved, listed, and the wealth manager's day counts this week
    expect(phone.locator(".messages li.success")).to_have_text("已记录拜访。")
    expect(phone.locator("[data-table=contacts] tbody tr").first).to_contain_text("推荐养老年金")
    expect(phone.locator("[data-field=opening-volume]")).to_have_text("3")
    contact = BranchContact.objects.get()
    assert (contact.staff.name, contact.openings, contact.contacted_on) == ("李丽", 3, tenant_today(org.tenant))
    expect(phone.locator("[data-table=compliance] tbody tr").first).to_contain_text("李丽")
    screenshot(phone, "bancassurance-branch-phone")

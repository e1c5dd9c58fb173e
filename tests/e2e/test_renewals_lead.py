"""The renewal lead's page in a real browser: figures drawn, auto-assignment, the demo team at work."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from renewals.models import RenewalCase
from salesops.org.selectors import tenant_today
from tests.e2e.test_shell import has_no_horizontal_scroll, log_in
from tests.factories import PASSWORD
from tests.renewals.renewal_data import make_case

pytestmark = pytest.mark.e2e


def test_the_lead_sees_the_pipeline_and_auto_assigns(live_server, org, desktop, phone, screenshot):
    today = tenant_today(org.tenant)
    for index in range(3):
        make_case(org, f"RN-{index}", due_on=today + timedelta(days=3 + 7 * index))
    make_case(org, "RN-A", due_on=today + timedelta(days=5), group="A")
    # Given the lead on the renewals page (续保 in the navigation)
    log_in(desktop, live_server.url, org.renewal_lead.user.username, PASSWORD)
    desktop.click("[data-nav=renewals-page]")
    desktop.wait_for_url(re.compile(r"/renewals/$"))
    # Then the pipeline is drawn by plotly, in Chinese
    expect(desktop.locator("#chart-pipeline .main-svg").first).to_be_visible()
    expect(desktop.locator("#chart-pipeline")).to_contain_text("续保进度")
    expect(desktop.locator("[data-field=unassigned]")).to_have_text("4")
    # When they press Auto-assign
    desktop.click("[data-action=assign]")
    # Then three cases went to the advisor, and the A case stayed, with the reason
    expect(desktop.locator("[data-field=assigned]")).to_contain_text("已分配 3 件")
    expect(desktop.locator("[data-field=left-unassigned]")).to_contain_text("RN-A")
    expect(desktop.locator("[data-field=left-unassigned]")).to_contain_text("没有负责 A 组（高净值）客户的专员")
    assert RenewalCase.objects.filter(tenant=org.tenant, advisor=org.advisor).count() == 3
    screenshot(desktop, "renewals-lead-desktop")
    # And the page fits a phone
    log_in(phone, live_server.url, org.renewal_lead.user.username, PASSWORD)
    phone.goto(f"{live_server.url}/renewals/")
    expect(phone.locator("#chart-pipeline .main-svg").first).to_be_visible()
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, "renewals-lead-phone")


def test_the_demo_renewal_team(live_server, demo, desktop, screenshot):
    log_in(desktop, live_server.url, "renewal")
    desktop.click("[data-nav=renewals-page]")
    expect(desktop.locator("#chart-trend .main-svg").first).to_be_visible()
    # The demo has cases past the 48-hour window and open tickets.
    for table in ("no_follow_up", "tickets", "churn"):
        expect(desktop.locator(f"[data-table={table}] tbody tr td.muted")).to_have_count(0)
        expect(desktop.locator(f"[data-table={table}] tbody tr").first).to_be_visible()
    screenshot(desktop, "renewals-lead-demo-desktop")

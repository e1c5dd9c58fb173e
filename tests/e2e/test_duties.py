"""The supervisor's morning review in a real browser on a phone: a tracking call and a spot-check.

The org is tests/factories.py's: ``acme-supervisor`` leads agent and agent2.
"""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from activities.models import DailyLog, Duty
from activities.services.logs import daily_log_upsert
from salesops.org.selectors import tenant_today
from tests.e2e.test_shell import has_no_horizontal_scroll, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

ZERO = {"phone_appointments": 0, "sales_interviews": 0, "recruiting_interviews": 0, "new_prospects": 0, "referrals": 0}


def test_supervisor_ticks_a_tracking_call_and_records_a_spot_check(live_server, org, phone, desktop, screenshot):
    today = tenant_today(org.tenant)
    # Given agent logged today and visited a customer yesterday
    daily_log_upsert(
        tenant=org.tenant,
        actor=org.agent,
        member=org.agent,
        date=today,
        counts={**ZERO, "phone_appointments": 5},
        visits=[],
    )
    yesterday_log = daily_log_upsert(
        tenant=org.tenant,
        actor=org.agent,
        member=org.agent,
        date=today - timedelta(days=1),
        # The visit puts 王女士 in the book that day: she is the day's new prospect.
        counts={**ZERO, "new_prospects": 1},
        visits=[{"name": "王女士", "phone": "13800138000", "kind": "prospect"}],
    )
    page = phone
    log_in(page, live_server.url, org.supervisor.user.username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.click('[data-nav="activities-team-page"]')
    page.wait_for_url(f"{live_server.url}/activities/team/")
    assert has_no_horizontal_scroll(page)
    agent_row = page.locator(f'[data-member="{org.agent.pk}"]')
    expect(agent_row.locator('[data-item="phone_appointments"]')).to_have_attribute("data-state", "met")
    expect(page.locator('[data-field="customer-name"]')).to_have_text("王女士")
    box = agent_row.locator('[data-action="tracking-call"]').locator("xpath=..").bounding_box()
    assert box["height"] >= 44

    # When the supervisor ticks agent's tracking call
    agent_row.locator('[data-action="tracking-call"]').check()
    # Then the page reloads with the call counted
    expect(page.locator('[data-check="tracking_calls"]')).to_have_attribute("data-done", "1")
    expect(page.locator(f'[data-member="{org.agent.pk}"] [data-action="tracking-call"]')).to_be_checked()

    # When the customer denies the visit
    page.click('[data-outcome="not_verified"]')
    # Then the spot-check is done and the log flagged
    expect(page.locator('[data-field="spot-check-done"]')).to_have_attribute("data-outcome", "not_verified")
    expect(page.locator('[data-check="spot_check"]')).to_have_class("done")
    screenshot(page, "duties-supervisor-phone")
    assert Duty.objects.filter(tenant=org.tenant, supervisor=org.supervisor).count() == 2
    assert DailyLog.objects.get(pk=yesterday_log.pk).flagged is True

    # And the desktop layout shows the same without sideways scrolling
    log_in(desktop, live_server.url, org.supervisor.user.username, PASSWORD)
    desktop.wait_for_url(f"{live_server.url}/")
    desktop.goto(f"{live_server.url}/activities/team/")
    assert has_no_horizontal_scroll(desktop)
    screenshot(desktop, "duties-supervisor-desktop")

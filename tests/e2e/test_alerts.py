"""The alerts inbox in a real browser on a phone: the header badge, then the PDCA loop to closed.

The org is tests/factories.py's: ``acme-supervisor`` leads agent and agent2,
neither of whom has sold or logged, so both are alerted (no policy, low activity).
"""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dashboards.models import Alert
from dashboards.services.alerts import evaluate_alerts
from tests.e2e.test_shell import has_no_horizontal_scroll, log_in
from tests.factories import PASSWORD
from tests.targets.plan_data import sell

pytestmark = pytest.mark.e2e


def test_supervisor_works_an_alert_through_pdca(live_server, org, phone, screenshot):
    sell(org, org.agent, Decimal("1000.00"), date(2026, 11, 1))
    evaluate_alerts(tenant=org.tenant, as_of=date(2026, 11, 15))
    alert = Alert.objects.get(tenant=org.tenant, kind="low_production", member=org.agent)
    # When the supervisor logs in on a phone
    log_in(phone, live_server.url, org.supervisor.user.username, PASSWORD)
    # Then the header shows four unread alerts
    expect(phone.locator("[data-field=alerts-unread]")).to_have_text("4")
    phone.click("[data-nav=alerts-page]")
    card = phone.locator(f"[data-alert='{alert.pk}']")
    expect(card.locator("[data-field=summary]")).to_contain_text("未出保单")
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, "alerts-supervisor-phone")
    # Opening the inbox read them
    expect(phone.locator("[data-field=alerts-unread]")).to_have_count(0)
    # When they close it without a root cause: the field error, nothing saved
    card.locator("button[value=close]").click()
    card = phone.locator(f"[data-alert='{alert.pk}']")
    expect(card.locator("[data-error-for=root_cause]")).to_be_visible()
    # Then root cause, action and verification, and close
    card.locator("textarea[name=root_cause]").fill("准客户名单用完")
    card.locator("textarea[name=action]").fill("每天两次转介绍")
    card.locator("textarea[name=verification]").fill("11月20日出单")
    card.locator("button[value=close]").click()
    # The default filter shows open alerts only: the closed one is gone from the list
    expect(phone.locator(f"[data-alert='{alert.pk}']")).to_have_count(0)
    alert.refresh_from_db()
    assert (alert.status, alert.resolution, alert.verification) == ("resolved", "verified", "11月20日出单")
    phone.select_option("#alert-status", "resolved")
    phone.click("form[data-form=alert-filters] button")
    expect(phone.locator(f"[data-alert='{alert.pk}'] [data-field=resolution]")).to_have_text("验证后关闭")

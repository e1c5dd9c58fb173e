"""The work log in a real browser on a phone: steppers, Save, offline and back, one log on the server.

The org is tests/factories.py's; every tenant is seeded with 5311 (5 / 3 / 1 / 1,
referrals without a standard), and ``acme-agent`` logs their own day.
"""

import re

import pytest
from playwright.sync_api import expect

from activities.models import DailyLog, DailyLogChange
from salesops.org.selectors import tenant_today
from tests.e2e.test_shell import has_no_horizontal_scroll, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

ITEMS = ["phone_appointments", "sales_interviews", "recruiting_interviews", "new_prospects", "referrals"]


def item(page, name):
    return page.locator(f'[data-item="{name}"]')


def tap(page, name, step, times=1):
    button = item(page, name).locator(f'[data-step="{step}"]')
    for _ in range(times):
        button.click()


def stored(page, key):
    return page.evaluate("key => JSON.parse(window.localStorage.getItem(key))", key)


def counts_of(log):
    return {name: getattr(log, name) for name in ITEMS}


def shoot(screenshot, page, name):
    # Scrolled to the end, the sticky Save bar sits in its place instead of over the visits in a full-page shot.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    screenshot(page, name)


def open_work_log(page, base_url, member):
    log_in(page, base_url, member.user.username, PASSWORD)
    page.wait_for_url(f"{base_url}/")
    page.click('[data-nav="activities-page"]')
    page.wait_for_url(f"{base_url}/activities/")
    expect(page.locator('[data-action="save"]')).to_be_enabled()


def test_agent_logs_a_day_goes_offline_and_the_page_resends_it(live_server, org, phone, screenshot):
    page = phone
    agent = org.agent
    today = tenant_today(org.tenant)
    key = f"salesops.worklog.{org.tenant.pk}.{agent.pk}.{today.isoformat()}"
    status = page.locator('[data-field="status"]')
    open_work_log(page, live_server.url, agent)

    # Given the page on a 390 px phone: no sideways scrolling, thumb-sized steppers
    assert has_no_horizontal_scroll(page)
    for step in ("-1", "1"):
        box = item(page, "phone_appointments").locator(f'[data-step="{step}"]').bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    assert page.locator('[data-action="save"]').bounding_box()["height"] >= 44
    expect(item(page, "phone_appointments").locator('[data-field="progress"]')).to_have_text("0 / 5")
    expect(item(page, "referrals").locator('[data-field="progress"]')).to_have_text("0")

    # When the agent taps today's 5311 and a referral, and adds a visit
    tap(page, "phone_appointments", "1", 5)
    tap(page, "sales_interviews", "1", 3)
    tap(page, "recruiting_interviews", "1", 1)
    tap(page, "new_prospects", "1", 2)
    tap(page, "new_prospects", "-1", 1)
    tap(page, "referrals", "1", 1)
    # Then each item shows its progress, green once the standard is met
    expect(item(page, "phone_appointments").locator('[data-field="progress"]')).to_have_text("5 / 5")
    expect(item(page, "phone_appointments")).to_have_class(re.compile(r"\bmet\b"))
    expect(item(page, "referrals").locator('[data-field="progress"]')).to_have_text("1")
    # And every change is already kept on the phone, as a draft
    assert stored(page, key)["draft"]["phone_appointments"] == 5
    page.click('[data-action="add-visit"]')
    visit = page.locator("[data-visit]").last
    visit.locator(".visit-name").fill("王女士")
    visit.locator(".visit-phone").fill("13800001111")
    visit.locator(".visit-kind").select_option("referral")
    assert has_no_horizontal_scroll(page)

    # When they save
    expect(page.locator('[data-field="streak"]')).to_have_text("连续达标 0 天")
    page.click('[data-action="save"]')
    # Then the page says it is saved, the phone's copy is gone and the server holds the day
    expect(status).to_have_attribute("data-state", "saved")
    # And today, meeting 5311, now counts in the streak without a reload
    expect(page.locator('[data-field="streak"]')).to_have_text("连续达标 1 天")
    assert stored(page, key) is None
    log = DailyLog.objects.get(tenant=org.tenant, member=agent, date=today)
    assert counts_of(log) == {
        "phone_appointments": 5,
        "sales_interviews": 3,
        "recruiting_interviews": 1,
        "new_prospects": 1,
        "referrals": 1,
    }
    assert [(v.name, v.phone, v.kind) for v in log.visits.all()] == [("王女士", "13800001111", "referral")]
    expect(page.locator(f'.week li[data-date="{today.isoformat()}"]')).to_have_attribute("data-state", "met")
    shoot(screenshot, page, "activities-log-phone")

    # When the network drops and the agent logs more and saves (twice, as people do)
    page.context.set_offline(True)
    tap(page, "phone_appointments", "1", 2)
    tap(page, "referrals", "1", 2)
    page.fill("#item-sales_interviews", "4")
    page.click('[data-action="save"]')
    page.click('[data-action="save"]')
    # Then the page says the day is kept on this phone, pending, and the server still has the first save
    expect(status).to_have_attribute("data-state", "pending")
    expect(status).to_have_text(re.compile(r"\S"))
    pending = stored(page, key)["pending"]
    assert {name: pending[name] for name in ITEMS} == {
        "phone_appointments": 7,
        "sales_interviews": 4,
        "recruiting_interviews": 1,
        "new_prospects": 1,
        "referrals": 3,
    }
    log.refresh_from_db()
    assert log.phone_appointments == 5
    shoot(screenshot, page, "activities-log-phone-offline")

    # When the connection returns, the page sends the day again by itself
    page.context.set_offline(False)
    expect(status).to_have_attribute("data-state", "saved")
    page.wait_for_function("key => window.localStorage.getItem(key) === null", arg=key)

    # Then the server holds exactly one log for the day, with the last counts and the visit
    logs = DailyLog.objects.filter(tenant=org.tenant, member=agent, date=today)
    assert logs.count() == 1
    log = logs.get()
    assert counts_of(log) == {
        "phone_appointments": 7,
        "sales_interviews": 4,
        "recruiting_interviews": 1,
        "new_prospects": 1,
        "referrals": 3,
    }
    assert log.visits.count() == 1
    # And the history has both changes, old → new
    changes = list(DailyLogChange.objects.filter(tenant=org.tenant, log=log).order_by("changed_at", "id"))
    assert len(changes) == 2
    assert changes[0].old is None and changes[0].new["phone_appointments"] == 5
    assert changes[1].old["phone_appointments"] == 5 and changes[1].new["phone_appointments"] == 7
    assert changes[1].changed_by_id == agent.pk

    # And a fresh load shows the saved day
    page.reload()
    expect(page.locator("#item-phone_appointments")).to_have_value("7")
    expect(page.locator(".visit-name")).to_have_value("王女士")


def test_a_day_left_pending_on_the_phone_is_sent_when_the_page_loads(live_server, org, desktop, screenshot):
    # On a desktop, where the page also has to work
    page = desktop
    agent = org.agent
    today = tenant_today(org.tenant)
    key = f"salesops.worklog.{org.tenant.pk}.{agent.pk}.{today.isoformat()}"
    open_work_log(page, live_server.url, agent)
    # Given a day saved on the phone while offline, its tab closed before the network came back
    day = {
        "phone_appointments": 2,
        "sales_interviews": 1,
        "recruiting_interviews": 0,
        "new_prospects": 0,
        "referrals": 0,
        "visits": [],
    }
    page.evaluate(
        "([key, day]) => window.localStorage.setItem(key, JSON.stringify({draft: null, pending: day, base: null}))",
        [key, day],
    )
    # When the page opens again
    page.reload()
    # Then it sends the day and shows it
    expect(page.locator('[data-field="status"]')).to_have_attribute("data-state", "saved")
    expect(page.locator("#item-phone_appointments")).to_have_value("2")
    assert stored(page, key) is None
    assert DailyLog.objects.filter(tenant=org.tenant, member=agent, date=today).get().phone_appointments == 2
    assert has_no_horizontal_scroll(page)
    shoot(screenshot, page, "activities-log-desktop")


def test_a_refused_day_is_shown_beside_the_field_and_not_retried(live_server, org, phone):
    page = phone
    agent = org.agent
    today = tenant_today(org.tenant)
    key = f"salesops.worklog.{org.tenant.pk}.{agent.pk}.{today.isoformat()}"
    open_work_log(page, live_server.url, agent)
    # When the agent types a count above the tenant's cap and a visit without a name, and saves
    page.fill("#item-phone_appointments", str(org.tenant.activity_daily_cap + 1))
    page.click('[data-action="add-visit"]')
    page.locator("[data-visit] .visit-phone").last.fill("13800002222")
    page.click('[data-action="save"]')
    # Then the page names the problems next to the fields, and nothing is saved
    status = page.locator('[data-field="status"]')
    expect(status).to_have_attribute("data-state", "error")
    expect(item(page, "phone_appointments").locator(".field-error")).to_be_visible()
    expect(item(page, "phone_appointments")).to_have_class(re.compile(r"\binvalid\b"))
    expect(page.locator('[data-error-for="visits"]')).to_be_visible()
    assert not DailyLog.objects.filter(tenant=org.tenant, member=agent, date=today).exists()
    # And the entry stays on the phone as a draft, never sent again by itself
    entry = stored(page, key)
    assert entry["pending"] is None
    assert entry["draft"]["phone_appointments"] == org.tenant.activity_daily_cap + 1
    assert has_no_horizontal_scroll(page)

"""The dashboards in a real browser: the worker's rollup reaching the supervisor, drill-down, language, screenshots.

Screenshots of each role's dashboard land in test-artifacts/screenshots/
(git-ignored) so a person can look at what each role sees.
"""

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from dashboards.models import Rollup
from salesops.org.selectors import tenant_today
from tests.dashboards.dashboard_data import roll_up_with_plan
from tests.e2e.test_activities import open_work_log, tap
from tests.e2e.test_shell import has_no_horizontal_scroll, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

# A deadline for a failure message on a slow shared machine, not a speed requirement.
DEADLINE_SECONDS = 120
Q4 = "period=2026-Q4"


def wait_for_rollup(org, member, week_start, worker):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if Rollup.objects.filter(
            tenant=org.tenant, scope="member", subject_id=member.pk, grain="week", period_start=week_start
        ).exists():
            return
        assert worker.poll() is None, worker.communicate(timeout=30)[0]
        time.sleep(0.2)
    raise AssertionError("the worker did not roll up the agent's week")


def hero_points(page, name):
    row = page.locator("[data-table=hero] tbody tr", has_text=name)
    return row.locator("td").nth(3)


def test_an_agents_day_reaches_the_supervisors_dashboard_after_the_worker(
    live_server, org, phone, celery_worker, screenshot
):
    worker = celery_worker()
    today = tenant_today(org.tenant)
    # Given the supervisor's dashboard before the agent has logged
    log_in(phone, live_server.url, org.supervisor.user.username, PASSWORD)
    phone.click("[data-nav=dashboards-home]")
    phone.wait_for_url(re.compile(rf"/dashboards/teams/{org.units['north1'].pk}/$"))
    agent_row = phone.locator("[data-table=today] tbody tr", has_text=org.agent.display_name)
    expect(agent_row.locator("td").nth(2)).to_have_text("尚未填写")
    expect(hero_points(phone, org.agent.display_name)).to_have_text("0")
    phone.context.clear_cookies()

    # When the agent logs today's 5311 and a referral on their phone
    open_work_log(phone, live_server.url, org.agent)
    for name, times in (
        ("phone_appointments", 5),
        ("sales_interviews", 3),
        ("recruiting_interviews", 1),
        ("new_prospects", 1),
        ("referrals", 1),
    ):
        tap(phone, name, "1", times)
    phone.click('[data-action="save"]')
    expect(phone.locator('[data-field="status"]')).to_have_attribute("data-state", "saved")
    # And the worker has rolled it up
    wait_for_rollup(org, org.agent, today - timedelta(days=today.weekday()), worker)
    phone.context.clear_cookies()

    # Then the supervisor's dashboard shows the day met and the hero board's points: 5×1 + 3×3 + 1×3 + 1×2 + 1×2
    log_in(phone, live_server.url, org.supervisor.user.username, PASSWORD)
    phone.goto(f"{live_server.url}/dashboards/")
    expect(agent_row.locator("td").nth(2)).to_have_text("已达标")
    expect(hero_points(phone, org.agent.display_name)).to_have_text("21")
    expect(phone.locator("[data-field=logged]")).to_have_text("1 / 2")
    expect(phone.locator("#chart-funnel .main-svg").first).to_be_visible()
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, "dashboard-supervisor-phone")


@pytest.fixture
def rolled_up(org):
    return roll_up_with_plan(org)


def test_manager_drills_down_from_the_company_to_an_agent(live_server, rolled_up, desktop, screenshot):
    org = rolled_up
    page = desktop
    log_in(page, live_server.url, org.manager.user.username, PASSWORD)
    page.goto(f"{live_server.url}/dashboards/units/{org.units['company'].pk}/?{Q4}")
    expect(page.locator("[data-page=dashboard-unit] h1")).to_contain_text(org.units["company"].name)
    expect(page.locator("#chart-burn_up .main-svg").first).to_be_visible()
    screenshot(page, "dashboard-manager-desktop")
    # When they click the north branch's bar in the chart of the units below
    north = org.units["north"]
    # (plotly's drag layer lies over the bars, so the mouse clicks where the bar is drawn)
    bar = page.locator("#chart-children .trace.bars").first.locator(".point").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(rf"/dashboards/units/{north.pk}/\?{Q4}$"))
    expect(page.locator("[data-field=trail]")).to_contain_text(org.units["company"].name)
    # Then the branch, its team by the table's link, and the agent
    page.locator("[data-table=children] a", has_text=org.units["north1"].name).click()
    page.wait_for_url(re.compile(rf"/dashboards/units/{org.units['north1'].pk}/\?{Q4}$"))
    page.locator("[data-table=children] a", has_text=org.agent.display_name).click()
    page.wait_for_url(re.compile(rf"/dashboards/members/{org.agent.pk}/\?{Q4}$"))
    expect(page.locator("[data-page=dashboard-agent] [data-field=member-name]")).to_have_text(org.agent.display_name)
    # The way back names every level
    expect(page.locator("[data-field=trail] a")).to_have_text(
        [org.units["company"].name, north.name, org.units["north1"].name]
    )


def test_the_language_switch_turns_a_dashboard_into_english(live_server, rolled_up, phone, screenshot):
    org = rolled_up
    log_in(phone, live_server.url, org.manager.user.username, PASSWORD)
    phone.goto(f"{live_server.url}/dashboards/units/{org.units['company'].pk}/?{Q4}")
    title = phone.locator("#chart-burn_up .gtitle")
    expect(title).to_have_text("目标达成累计与分解曲线")
    expect(phone.locator("#chart-burn_up .ytitle")).to_have_text("保费（万元）")
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, "dashboard-manager-phone")
    phone.click("button[data-lang=en]")
    expect(title).to_have_text("Target burn-up against the phasing curve")
    expect(phone.locator("#chart-burn_up .ytitle")).to_have_text("Premium (10k yuan)")
    expect(phone.locator("[data-table=children] th").first).to_have_text("Name")
    screenshot(phone, "dashboard-manager-phone-en")


def test_the_agents_dashboard_on_a_phone(live_server, rolled_up, phone, screenshot):
    org = rolled_up
    log_in(phone, live_server.url, org.agent.user.username, PASSWORD)
    phone.click("[data-nav=dashboards-home]")
    phone.wait_for_url(re.compile(rf"/dashboards/members/{org.agent.pk}/$"))
    expect(phone.locator("#chart-today .main-svg").first).to_be_visible()
    expect(phone.locator("#chart-pacing .main-svg").first).to_be_visible()
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, "dashboard-agent-phone")


@pytest.mark.parametrize("username", ["manager", "supervisor", "agent"])
def test_each_demo_roles_dashboard_for_a_person_to_look_at(live_server, demo, desktop, phone, screenshot, username):
    # The demo tenant's figures (three branches, this quarter's plan, four weeks of logs), on both screens
    for page, screen in ((desktop, "desktop"), (phone, "phone")):
        log_in(page, live_server.url, username)
        page.click("[data-nav=dashboards-home]")
        page.wait_for_selector("[data-page^=dashboard-] .chart .main-svg")
        assert has_no_horizontal_scroll(page)
        screenshot(page, f"dashboard-demo-{username}-{screen}")

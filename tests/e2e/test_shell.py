"""The UI shell in a real browser: Chinese login, each demo user, the language switch, 390 px."""

import pytest

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "salesops-demo"
# username → (role as shown in Chinese, navigation entries they get)
DEMO_USERS = {
    "admin": (
        "租户管理员",
        [
            *("首页", "看板", "英雄榜", "复盘", "预警", "组织", "目标", "业绩"),
            *("客户", "续保", "银保", "考核", "竞赛", "API 文档"),
        ],
    ),
    "manager": (
        "经理",
        ["首页", "看板", "英雄榜", "复盘", "预警", "组织", "目标", "业绩", "客户", "续保", "银保", "考核", "竞赛"],
    ),
    "supervisor": (
        "主管",
        [
            *("首页", "看板", "工作日志", "二次早会", "英雄榜", "复盘", "预警"),
            *("组织", "目标", "业绩", "客户", "考核", "竞赛"),
        ],
    ),
    "agent": ("营销员", ["首页", "看板", "工作日志", "英雄榜", "预警", "目标", "业绩", "客户", "考核", "竞赛"]),
    "bank": ("银保客户经理", ["首页", "银保", "竞赛"]),
    "renewal": ("续保组长", ["首页", "预警", "组织", "续保", "考核", "竞赛"]),
    "advisor": ("续保专员", ["首页", "续保", "考核", "竞赛"]),
}


def log_in(page, base_url, username, password=DEMO_PASSWORD):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")


def has_no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_login_page_is_chinese_and_fits_a_phone(live_server, demo, phone, screenshot):
    # Given a phone whose browser prefers English
    phone.goto(f"{live_server.url}/login/")
    # Then the login page is in Chinese and fits 390 px
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    assert phone.locator("h1").inner_text() == "登录"
    assert phone.locator("label[for=id_username]").inner_text() == "用户名"
    assert has_no_horizontal_scroll(phone)
    box = phone.locator("button.primary").bounding_box()
    assert box["height"] >= 44, "the login button is thumb-sized"
    screenshot(phone, "login-phone-zh")


@pytest.mark.parametrize("username", sorted(DEMO_USERS))
def test_each_demo_user_logs_in_and_sees_their_role(live_server, demo, phone, screenshot, username):
    role, nav = DEMO_USERS[username]
    # When the demo user logs in with the documented password
    log_in(phone, live_server.url, username)
    # Then their home page names their role and organisation, and the navigation fits their role
    phone.wait_for_url(f"{live_server.url}/")
    assert phone.locator("[data-field=role]").inner_text() == role
    assert phone.locator("[data-field=tenant]").inner_text() == "安和人寿（演示）"
    assert phone.locator("nav.nav a .nav-label").all_inner_texts() == nav
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, f"home-{username}-phone")
    # And logging out returns to the login page
    phone.click("[data-action=logout]")
    phone.wait_for_url(f"{live_server.url}/login/")


def test_wrong_password_shows_a_clear_error(live_server, demo, phone):
    log_in(phone, live_server.url, "agent", "not-the-password")
    assert "请输入一个正确的" in phone.locator(".error").inner_text()
    assert phone.url == f"{live_server.url}/login/"


def test_language_switch_turns_the_ui_english_and_back(live_server, demo, desktop, screenshot):
    log_in(desktop, live_server.url, "manager")
    desktop.wait_for_url(f"{live_server.url}/")
    # When the manager switches to English
    desktop.click("button[data-lang=en]")
    # Then the page, its navigation and its role names are English
    desktop.wait_for_selector("html[lang=en]")
    assert desktop.locator("[data-field=role]").inner_text() == "Manager"
    assert desktop.locator("nav.nav a .nav-label").all_inner_texts() == [
        "Home",
        "Dashboard",
        "Hero board",
        "Reviews",
        "Alerts",
        "Organisation",
        "Targets",
        "Sales",
        "Customers",
        "Renewals",
        "Bank channel",
        "Scorecards",
        "Contests",
    ]
    screenshot(desktop, "home-manager-desktop-en")
    # And the choice sticks across pages
    desktop.click("[data-nav=org-page]")
    assert desktop.locator("h1").inner_text() == "Organisation"
    # And switching back gives Chinese
    desktop.click("button[data-lang=zh-hans]")
    desktop.wait_for_selector("html[lang=zh-hans]")
    assert desktop.locator("h1").inner_text() == "组织"


def test_supervisor_sees_only_their_team_on_the_org_page(live_server, demo, desktop, screenshot):
    from salesops.org.models import Member

    log_in(desktop, live_server.url, "supervisor")
    desktop.click("[data-nav=org-page]")
    supervisor = Member.objects.get(user__username="supervisor")
    team_size = Member.objects.filter(unit=supervisor.unit).count()
    assert desktop.locator(".tree > li").count() == 1
    assert desktop.locator(".tree summary strong").inner_text() == supervisor.unit.name
    assert desktop.locator(".tree tbody tr").count() == team_size
    screenshot(desktop, "org-supervisor-desktop")


def test_plotly_js_loads_from_our_own_server(live_server, demo, phone):
    response = phone.request.get(f"{live_server.url}/static/vendor/plotly/plotly.min.js")
    assert response.ok and len(response.body()) > 1_000_000

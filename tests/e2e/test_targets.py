"""Targets in a real browser: the wizard's live preview, allocation, drill-down and inline override.

The org is tests/factories.py's with last quarter's (2026 Q3) sales: agent
60,000, agent2 20,000, agent3 20,000, agent4 100,000 yuan. Four experienced
agents: a baseline of 200,000.00, so a 20 % uplift suggests 240,000.00.
Allocated: branches north and south 120,000.00 each (100,000 of history
each); north-1 96,000.00 against north-2's 24,000.00 (80,000 : 20,000);
agent and agent2, both middle tier, 48,000.00 each.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.dates import MONTHS
from playwright.sync_api import expect

from salesops.org.models import Channel, Product
from targets.models import Plan, SaleRecord
from tests.e2e.test_shell import has_no_horizontal_scroll, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def history(live_server, org):
    channel = Channel.objects.get(tenant=org.tenant, code="agency")
    product = Product.objects.get(tenant=org.tenant, code="health")
    sales = [(org.agent, "60000.00"), (org.agent2, "20000.00"), (org.agent3, "20000.00"), (org.agent4, "100000.00")]
    for number, (member, premium) in enumerate(sales, start=1):
        SaleRecord.objects.create(
            tenant=org.tenant,
            policy_no=f"E2E{number:04d}",
            member=member,
            channel=channel,
            product=product,
            premium=Decimal(premium),
            sold_on=date(2026, 8, number),
            customer_kind="existing",
            payment_mode="regular",
        )
    return org


def row(page, name):
    return page.locator(f'table[data-table="attainment"] tr[data-name="{name}"]')


def target_of(page, name):
    return row(page, name).locator('[data-field="target"]')


def test_manager_plans_allocates_drills_down_and_overrides(live_server, history, desktop, phone, screenshot):
    org = history
    page = desktop
    log_in(page, live_server.url, org.manager.user.username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")

    # Given the plan list, when the manager starts a new plan
    page.click('[data-nav="targets-page"]')
    page.click('[data-action="new-plan"]')
    page.wait_for_url(f"{live_server.url}/targets/plans/new/")

    # When they choose 2026 Q4 premium, the baseline comes from last quarter and suggests the total
    page.fill('input[name="year"]', "2026")
    page.select_option('select[name="quarter"]', "4")
    expect(page.locator('[data-baseline="baseline"]')).to_have_text("200,000.00")
    expect(page.locator('[data-baseline="agents"]')).to_have_text("4")
    expect(page.locator('[data-field="suggested"]')).to_have_text("240,000.00")
    expect(page.locator('input[name="total"]')).to_have_value("240000.00")
    # The month chart appears at once with the quarter's three months, 3 : 4 : 3
    months_chart = page.locator("#preview-months .main-svg").first
    expect(months_chart).to_be_visible()
    with translation.override("zh-hans"):
        month_names = [str(MONTHS[month]) for month in (10, 11, 12)]
    expect(page.locator("#preview-months .xtick text")).to_have_text(month_names)
    expect(page.locator("#preview-months .bartext")).to_have_text(["7.20", "9.60", "7.20"])  # 万元

    # When one line takes a part of the total, the running sum says it differs
    line = page.locator("#lines tr").first
    line.locator('select[name="line_channel"]').select_option("agency")
    line.locator('select[name="line_product"]').select_option("health")
    line.locator('input[name="line_amount"]').fill("200000.00")
    expect(page.locator('[data-field="line-sum"]')).to_have_attribute("data-match", "false")
    expect(page.locator('[data-field="line-sum"]')).to_have_class(re.compile("mismatch"))
    # And a second line completes it; the sunburst shows channel → product
    page.click('[data-action="add-line"]')
    second = page.locator("#lines tr").nth(1)
    second.locator('select[name="line_channel"]').select_option("agency")
    second.locator('select[name="line_product"]').select_option("annuity")
    second.locator('input[name="line_amount"]').fill("40000.00")
    expect(page.locator('[data-field="line-sum"]')).to_have_attribute("data-match", "true")
    split_chart = page.locator("#preview-split .main-svg").first
    expect(split_chart).to_be_visible()
    for name in ["个险", "健康险", "年金险"]:
        expect(page.locator("#preview-split .main-svg").first).to_contain_text(name)
    screenshot(page, "targets-wizard-desktop")

    # When a tier share is wrong, the server's message sits next to the tier fields and nothing is saved
    page.fill('input[name="tier_top"]', "40")
    page.click('[data-action="create-plan"]')
    expect(page.locator('[data-error-for="tier_shares"]')).to_be_visible()
    assert not Plan.objects.filter(tenant=org.tenant).exists()

    # When it is fixed and submitted, the plan's page opens
    page.fill('input[name="tier_top"]', "30")
    page.click('[data-action="create-plan"]')
    page.wait_for_url(re.compile(r".*/targets/plans/\d+/$"))
    plan = Plan.objects.get(tenant=org.tenant)
    assert (plan.total, plan.year, plan.quarter) == (Decimal("240000.00"), 2026, 4)
    expect(page.locator('[data-field="not-allocated"]')).to_be_visible()

    # When the manager allocates, a busy indicator shows, then the company's branches
    page.click('[data-action="allocate"]')
    expect(page.locator('a[data-action="drill"]').first).to_be_visible()
    expect(target_of(page, "acme-north")).to_have_text("120,000.00")
    expect(target_of(page, "acme-south")).to_have_text("120,000.00")
    expect(page.locator("#plan-chart .main-svg").first).to_be_visible()

    # Drill down: company → branch → team → agents
    row(page, "acme-north").locator('a[data-action="drill"]').click()
    expect(target_of(page, "acme-north-1")).to_have_text("96,000.00")
    expect(target_of(page, "acme-north-2")).to_have_text("24,000.00")
    row(page, "acme-north-1").locator('a[data-action="drill"]').click()
    expect(target_of(page, "acme-agent-名")).to_have_text("48,000.00")
    expect(target_of(page, "acme-agent2-名")).to_have_text("48,000.00")
    expect(page.locator('[data-field="unit-path"] a')).to_have_text(["阿克米保险", "acme-north"])
    team_url = page.url

    # When an override is larger than the team, the 400 message shows inline and nothing changes
    row(page, "acme-agent-名").locator('[data-action="edit"]').click()
    form = page.locator("tr.override-row:not([hidden]) form")
    form.locator('input[name="amount"]').fill("100000.00")
    form.locator('[data-action="save-override"]').click()
    expect(form.locator('[data-error-for="amount"]')).to_contain_text("96000.00")
    expect(target_of(page, "acme-agent2-名")).to_have_text("48,000.00")

    # When the manager sets the agent to 60,000.00, the sibling takes the rest of the team's 96,000.00
    form.locator('input[name="amount"]').fill("60000.00")
    form.locator('[data-action="save-override"]').click()
    expect(target_of(page, "acme-agent2-名")).to_have_text("36,000.00")
    expect(target_of(page, "acme-agent-名")).to_have_text("60,000.00")
    expect(row(page, "acme-agent-名").locator('[data-field="overridden"]')).to_be_visible()
    expect(target_of(page, "acme-north-1")).to_have_text("96,000.00")
    # And the history says who changed it, old → new
    row(page, "acme-agent-名").locator('[data-action="history"]').click()
    expect(page.locator("tr.history-row:not([hidden]) li")).to_contain_text("48000.00 → 60000.00")
    screenshot(page, "targets-plan-team-desktop")

    # And on a 390 px phone the wizard and the team's page fit the screen
    log_in(phone, live_server.url, org.manager.user.username, PASSWORD)
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/targets/plans/new/")
    expect(phone.locator('[data-baseline="agents"]')).not_to_have_text("—")
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, "targets-wizard-phone")
    phone.goto(team_url)
    expect(target_of(phone, "acme-agent2-名")).to_have_text("36,000.00")
    expect(phone.locator("#plan-chart .main-svg").first).to_be_visible()
    assert has_no_horizontal_scroll(phone)
    box = phone.locator('[data-action="allocate"]').bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390
    screenshot(phone, "targets-plan-team-phone")


def test_agent_sees_only_their_own_row_on_a_phone(live_server, history, phone, screenshot):
    from targets.services import plans as services

    org = history
    plan = services.plan_create(
        tenant=org.tenant,
        actor=org.manager,
        year=2026,
        quarter=4,
        metric="premium",
        total=Decimal("240000.00"),
        channel_lines=[{"channel": "agency", "product": "health", "amount": Decimal("240000.00")}],
    )
    services.plan_allocate(tenant=org.tenant, actor=org.manager, plan=plan)
    log_in(phone, live_server.url, org.agent.user.username, PASSWORD)
    phone.wait_for_url(f"{live_server.url}/")
    phone.click('[data-nav="targets-page"]')
    phone.click('a[data-action="open-plan"]')
    expect(phone.locator('table[data-table="attainment"] tbody tr[data-row]')).to_have_count(1)
    expect(target_of(phone, "acme-agent-名")).to_have_text("48,000.00")
    assert phone.locator('[data-action="allocate"]').count() == 0
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, "targets-plan-agent-phone")


def test_manager_imports_an_export_on_a_phone_and_reads_the_report(live_server, org, phone, screenshot, tmp_path):
    # Given an export with two good rows and an unknown employee number
    export = tmp_path / "承保清单.csv"
    export.write_text(
        "保单号,工号,业务员姓名,渠道,险种,保费(元),件数,承保日期,客户类型,缴费方式,网点代码\n"
        f'P1,{org.agent.employee_no},甲,个险,健康险,"12,000.50",1,2026/10/08,新客户,期交,\n'
        f"P2,{org.agent3.employee_no},乙,团险,团体年金,3000.00,1,2026-10-09,老客户,期交,\n"
        "P3,E99999,无名,个险,健康险,5.00,1,2026/10/08,新客户,期交,\n",
        encoding="gbk",
    )
    page = phone
    log_in(page, live_server.url, org.manager.user.username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/targets/sales/")
    # When the manager imports it keeping the valid rows
    page.set_input_files('input[name="file"]', str(export))
    page.check('input[name="mode"][value="valid_rows"]')
    page.click('[data-action="import"]')
    # Then the report shows 2 created and row 4's unknown member, and the sales are listed
    expect(page.locator('[data-field="created"]')).to_have_text("2")
    expect(page.locator('table[data-table="row-errors"] tr[data-row="4"]')).to_contain_text("工号")
    expect(page.locator('table[data-table="sales"] tbody tr')).to_have_count(2)
    assert has_no_horizontal_scroll(page)
    screenshot(page, "sales-import-manager-phone")

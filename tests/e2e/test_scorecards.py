"""Scorecards in a real browser: the agent reads and acknowledges theirs on a phone, the manager calibrates.

The team's October 2026 is tests/targets/scorecard_data.py's (agent: 73.00).
Screenshots land in test-artifacts/screenshots/.
"""

import pytest
from playwright.sync_api import expect

from targets.models import ScoreAcknowledgement, ScoreCalibration
from tests.e2e.test_shell import has_no_horizontal_scroll, log_in
from tests.factories import PASSWORD
from tests.targets.scorecard_data import write_october

pytestmark = pytest.mark.e2e
OCTOBER = "/scorecards/?period=2026-10"


def test_the_agent_acknowledges_on_a_phone_and_the_manager_calibrates(live_server, org, desktop, phone, screenshot):
    write_october(org)
    # Given the agent on a 390 px phone, their October scorecard shows how it was computed
    log_in(phone, live_server.url, org.agent.user.username, PASSWORD)
    phone.wait_for_url(f"{live_server.url}/")
    phone.click("[data-nav=scorecards-page]")
    phone.goto(f"{live_server.url}{OCTOBER}")
    expect(phone.locator("[data-field=final-score]")).to_have_text("73.00")
    expect(phone.locator("[data-table=measures] tbody tr")).to_have_count(3)
    expect(phone.locator("#chart-points .main-svg").first).to_be_visible()
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, "scorecards-agent-phone")
    # When they acknowledge it
    phone.click("[data-action=acknowledge]")
    # Then it is acknowledged at 73.00
    expect(phone.locator("[data-field=acknowledged]")).to_have_text("是")
    assert ScoreAcknowledgement.objects.get().score == 73

    # When the manager, on a desktop, calibrates it with a reason
    log_in(desktop, live_server.url, org.manager.user.username, PASSWORD)
    desktop.wait_for_url(f"{live_server.url}/")
    desktop.goto(f"{live_server.url}{OCTOBER}")
    expect(desktop.locator("#chart-scores .main-svg").first).to_be_visible()
    desktop.locator("[data-table=team] a", has_text=org.agent.display_name).click()
    form = desktop.locator("form[data-form=calibrate]")
    form.locator("input[name=score]").fill("76.5")
    form.locator("textarea[name=reason]").fill("客户投诉经核实撤销")
    form.locator("[data-action=save-calibrate]").click()
    # Then the final score is the calibrated one, the computed one beside it
    expect(desktop.locator("[data-field=final-score]")).to_have_text("76.50")
    expect(desktop.locator("[data-field=computed-score]")).to_have_text("73.00")
    expect(desktop.locator("[data-field=calibration-reason]")).to_have_text("客户投诉经核实撤销")
    screenshot(desktop, "scorecards-member-desktop")
    assert ScoreCalibration.objects.get().original_score == 73

    # And the agent is asked to acknowledge again
    phone.goto(f"{live_server.url}{OCTOBER}")
    expect(phone.locator("[data-field=acknowledged]")).to_have_text("尚未确认")

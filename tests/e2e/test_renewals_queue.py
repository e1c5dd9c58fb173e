"""The renewal advisor's work queue in a real browser on a phone: open the top case, record a follow-up.

The org is tests/factories.py's: ``acme-advisor`` is a renewal advisor of
the renewals team. Screenshots land in test-artifacts/screenshots/.
"""

import re
from datetime import timedelta

import pytest
from django.utils import translation
from playwright.sync_api import expect

from renewals.models import FollowUp, RenewalCase
from salesops.org.selectors import tenant_today
from tests.e2e.test_shell import has_no_horizontal_scroll, log_in
from tests.factories import PASSWORD
from tests.renewals.renewal_data import add_advisor, hours_ago, make_case

pytestmark = pytest.mark.e2e


def chinese(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_an_advisor_records_a_follow_up_on_the_top_case_from_a_phone(live_server, org, phone, screenshot):
    today = tenant_today(org.tenant)
    # Given three open cases of the advisor: the overdue health policy comes first (60 + 15 = 75 points)
    top = make_case(
        org,
        "RN-OVERDUE",
        due_on=today - timedelta(days=3),
        product_type="health",
        advisor=org.advisor,
        assigned_at=hours_ago(50),
    )
    make_case(org, "RN-MONTH", due_on=today + timedelta(days=25), advisor=org.advisor)
    make_case(org, "RN-LATER", due_on=today + timedelta(days=80), product_type="property", advisor=org.advisor)

    # When the advisor opens the queue on a 390 px phone
    log_in(phone, live_server.url, org.advisor.user.username, PASSWORD)
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/renewals/queue/")

    # Then the cases come in priority order, the overdue one flagged in words, and the page fits the phone
    cards = phone.locator("[data-table=queue] > li")
    expect(cards).to_have_count(3)
    expect(cards.locator("[data-field=policy_no]")).to_have_text(["RN-OVERDUE", "RN-MONTH", "RN-LATER"])
    first = cards.first
    expect(first.locator("[data-field=due-text]")).to_be_visible()
    expect(first.locator("[data-field=flag]")).to_be_visible()  # assigned 50 h ago, no follow-up
    assert has_no_horizontal_scroll(phone)
    assert first.locator("a").bounding_box()["height"] >= 44, "a case is one thumb-sized tap"
    screenshot(phone, "renewals-queue-phone")

    # When they open the top case
    first.locator("a").click()
    phone.wait_for_url(re.compile(rf"/renewals/cases/{top.pk}/$"))
    status = phone.locator("[data-section=case] [data-field=status]")
    expect(status).to_have_text(chinese(RenewalCase.Status.PENDING.label))
    assert has_no_horizontal_scroll(phone)
    # The renewed premium shows only with the outcome "renewed"
    form = phone.locator("form[data-form=follow-up]")
    premium = form.locator("input[name=renewed_premium]")
    expect(premium).to_be_hidden()
    form.locator("label.pill", has=phone.locator("input[value=renewed]")).click()
    expect(premium).to_be_visible()
    assert premium.get_attribute("inputmode") == "decimal"
    assert form.locator("input[name=next_action_on]").get_attribute("type") == "date"

    # And record "reached the customer" by phone with a note and the next action
    reached = form.locator("label.pill", has=phone.locator("input[value=contacted]"))
    assert reached.bounding_box()["height"] >= 44, "an outcome is thumb-sized"
    reached.click()
    expect(premium).to_be_hidden()
    form.locator("textarea[name=notes]").fill("客户已接通，下周报价")
    form.locator("input[name=next_action_on]").fill((today + timedelta(days=3)).isoformat())
    screenshot(phone, "renewals-queue-case-phone")
    form.locator("[data-action=save-follow-up]").click()

    # Then the page comes back with the status moved on, the message and the follow-up on top of the history
    phone.wait_for_url(re.compile(rf"/renewals/cases/{top.pk}/$"))
    expect(status).to_have_text(chinese(RenewalCase.Status.CONTACTED.label))
    expect(phone.locator(".messages li.success")).to_be_visible()
    expect(phone.locator("[data-list=follow-ups] li").first).to_have_attribute("data-outcome", "contacted")
    expect(phone.locator("[data-section=case] [data-field=flag]")).to_have_count(0)
    assert has_no_horizontal_scroll(phone)
    screenshot(phone, "renewals-queue-followed-up-phone")
    top.refresh_from_db()
    assert top.status == "contacted"
    follow_up = FollowUp.objects.get(tenant=org.tenant, case=top)
    assert (follow_up.channel, follow_up.notes, follow_up.next_action_on) == (
        "phone",
        "客户已接通，下周报价",
        today + timedelta(days=3),
    )

    # And back in the queue the case is contacted and no longer flagged
    phone.locator("[data-action=back]").click()
    phone.wait_for_url(f"{live_server.url}/renewals/queue/")
    first = phone.locator("[data-table=queue] > li").first
    expect(first.locator("[data-field=status]")).to_have_text(chinese(RenewalCase.Status.CONTACTED.label))
    expect(first.locator("[data-field=flag]")).to_have_count(0)


def test_the_lead_filters_the_queue_by_advisor_and_reassigns_on_a_desktop(live_server, org, desktop, screenshot):
    today = tenant_today(org.tenant)
    other = add_advisor(org, "other", group_a=True)
    make_case(org, "RN-MINE", due_on=today + timedelta(days=5), advisor=org.advisor)
    theirs = make_case(org, "RN-THEIRS", due_on=today + timedelta(days=9), group="A", advisor=other)
    make_case(org, "RN-NOBODY", due_on=today + timedelta(days=40))
    log_in(desktop, live_server.url, org.renewal_lead.user.username, PASSWORD)
    desktop.wait_for_url(f"{live_server.url}/")
    desktop.goto(f"{live_server.url}/renewals/queue/")
    cards = desktop.locator("[data-table=queue] > li")
    expect(cards).to_have_count(3)
    # When the lead picks one advisor
    desktop.select_option("select[name=advisor]", str(other.pk))
    desktop.click("form[data-field=filters] button")
    expect(cards.locator("[data-field=policy_no]")).to_have_text(["RN-THEIRS"])
    expect(cards.first.locator("[data-field=advisor]")).to_contain_text(other.display_name)
    screenshot(desktop, "renewals-queue-lead-desktop")
    # And tries to give the group A case to the advisor who serves group B only: refused by the field
    cards.first.locator("a").click()
    form = desktop.locator("form[data-form=advisor]")
    form.locator("select[name=advisor]").select_option(str(org.advisor.pk))
    form.locator("[data-action=reassign]").click()
    expect(desktop.locator("form[data-form=advisor] [data-error=advisor]")).to_be_visible()
    screenshot(desktop, "renewals-queue-reassign-refused-desktop")
    theirs.refresh_from_db()
    assert theirs.advisor == other

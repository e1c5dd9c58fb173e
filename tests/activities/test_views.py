"""The work log page (/activities/): pre-filled day, standard and progress, week strip, scope and roles.

The org is tests/factories.py's; every tenant is seeded with 5311 (5 / 3 / 1 / 1,
referrals without a standard). Logs are written through the real upsert service.
"""

import json
import re
from datetime import date, timedelta

import pytest

from activities.models import Customer, DailyLog
from activities.services.logs import daily_log_upsert
from salesops.org.selectors import tenant_today

PAGE = "/activities/"
ZERO = {"phone_appointments": 0, "sales_interviews": 0, "recruiting_interviews": 0, "new_prospects": 0, "referrals": 0}


def log(member, day, visits=(), **counts):
    return daily_log_upsert(
        tenant=member.tenant,
        actor=member,
        member=member,
        date=day,
        counts={**ZERO, **counts},
        visits=list(visits),
    )


def config_of(response) -> dict:
    html = response.content.decode()
    found = re.search(r'<script id="worklog-config" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page carries its configuration for the script"
    return json.loads(found.group(1))


def input_value(html: str, name: str) -> str:
    found = re.search(rf'<input id="item-{name}" name="{name}"[^>]* value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def progress(html: str, name: str) -> str:
    found = re.search(rf'data-item="{name}".*?data-field="progress">([^<]*)<', html, re.S)
    assert found, name
    return found.group(1)


@pytest.fixture
def today(org):
    return tenant_today(org.tenant)


def test_agent_sees_today_prefilled_with_progress_against_the_standard(org, client, today):
    # Given the agent logged part of today, with one visit
    log(
        org.agent,
        today,
        visits=[{"name": "王女士", "phone": "13800001111", "kind": "referral"}],
        phone_appointments=3,
        sales_interviews=3,
        recruiting_interviews=1,
        referrals=2,
    )
    client.force_login(org.agent.user)
    # When they open the work log
    response = client.get(PAGE)
    # Then today's form holds what is logged, each item against the 5311 standard
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["day"] == today and response.context["is_today"]
    values = {name: input_value(html, name) for name in ZERO}
    assert values == {
        "phone_appointments": "3",
        "sales_interviews": "3",
        "recruiting_interviews": "1",
        "new_prospects": "0",
        "referrals": "2",
    }
    assert progress(html, "phone_appointments") == "3 / 5"
    assert progress(html, "sales_interviews") == "3 / 3"
    assert progress(html, "new_prospects") == "0 / 1"
    assert progress(html, "referrals") == "2", "referrals have no standard: only the count"
    items = {item["name"]: item for item in response.context["items"]}
    assert items["sales_interviews"]["met"] and not items["phone_appointments"]["met"]
    assert items["phone_appointments"]["percent"] == 60
    assert 'class="item met" data-item="sales_interviews"' in html
    # And the visit is listed for editing
    assert 'value="王女士"' in html and 'value="13800001111"' in html
    assert '<option value="referral" selected>' in html
    # And the script knows the day, its API path and a storage key of this tenant and member
    config = config_of(response)
    assert config["date"] == today.isoformat()
    assert config["api"] == f"/api/v1/activities/logs/{today.isoformat()}/"
    assert config["apiRoot"] == "/api/v1/activities/logs/"
    assert config["storagePrefix"] == f"salesops.worklog.{org.tenant.pk}.{org.agent.pk}."
    assert config["server"]["phone_appointments"] == 3
    entry = Customer.objects.get(tenant=org.tenant, phone="13800001111")
    assert config["server"]["visits"] == [
        {"name": "王女士", "phone": "13800001111", "kind": "referral", "customer": entry.pk}
    ]
    assert {item["name"]: item["standard"] for item in config["items"]} == {
        "phone_appointments": 5,
        "sales_interviews": 3,
        "recruiting_interviews": 1,
        "new_prospects": 1,
        "referrals": None,
    }
    assert config["cap"] == org.tenant.activity_daily_cap and config["locked"] is False
    assert 'name="csrfmiddlewaretoken"' in html
    assert "js/activities-log.js" in html and "css/activities.css" in html


def test_a_day_without_a_log_opens_at_zero(org, client):
    client.force_login(org.agent.user)
    response = client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert {name: input_value(html, name) for name in ZERO} == dict.fromkeys(ZERO, "0")
    assert progress(html, "phone_appointments") == "0 / 5"
    assert config_of(response)["server"] == {**ZERO, "visits": []}


def test_other_members_and_other_tenants_logs_are_never_shown(org, other_org, client, today):
    # Given a teammate and an agent of another tenant logged today, with visits
    log(
        org.agent2,
        today,
        visits=[{"name": "同队客户", "phone": "13900000001", "kind": "prospect"}],
        referrals=7,
        new_prospects=1,
    )
    log(other_org.agent, today, visits=[{"name": "他司客户", "phone": "", "kind": "customer"}], referrals=9)
    client.force_login(org.agent.user)
    # When the agent opens their own page
    response = client.get(PAGE)
    html = response.content.decode()
    # Then only their own (empty) day is there
    assert input_value(html, "referrals") == "0"
    assert "同队客户" not in html and "他司客户" not in html
    assert config_of(response)["server"] == {**ZERO, "visits": []}
    # And the other tenant's agent, whose primary key may be anything, sees only theirs
    client.force_login(other_org.agent.user)
    response = client.get(PAGE)
    assert input_value(response.content.decode(), "referrals") == "9"
    assert "同队客户" not in response.content.decode()


def test_date_opens_another_day_and_a_future_or_bad_date_opens_today(org, client, today):
    yesterday = today - timedelta(days=1)
    log(org.agent, yesterday, phone_appointments=6)
    client.force_login(org.agent.user)
    # A past day opens that day, with links to its neighbours
    response = client.get(PAGE, {"date": yesterday.isoformat()})
    html = response.content.decode()
    assert response.context["day"] == yesterday and not response.context["is_today"]
    assert input_value(html, "phone_appointments") == "6"
    assert config_of(response)["api"].endswith(f"/logs/{yesterday.isoformat()}/")
    assert f'href="?date={today.isoformat()}" data-action="next-day"' in html
    # A future day, a malformed and an impossible one open today, which has no next day
    for asked in [(today + timedelta(days=3)).isoformat(), "yesterday", "2026-02-30"]:
        response = client.get(PAGE, {"date": asked})
        assert response.status_code == 200
        assert response.context["day"] == today, asked
        assert 'data-action="next-day"' not in response.content.decode()


def test_a_day_past_the_edit_window_is_shown_locked(org, client, today):
    old_day = today - timedelta(days=org.tenant.log_edit_window_days + 1)
    client.force_login(org.agent.user)
    response = client.get(PAGE, {"date": old_day.isoformat()})
    html = response.content.decode()
    assert response.context["locked"] and config_of(response)["locked"] is True
    assert 'data-field="locked"' in html
    assert re.search(r'<button type="submit"[^>]*data-action="save" disabled>', html)
    # The last open day is not locked
    response = client.get(PAGE, {"date": (today - timedelta(days=org.tenant.log_edit_window_days)).isoformat()})
    assert not response.context["locked"]


def test_week_strip_and_streak(org, client, monkeypatch):
    # Given a Thursday, with Monday and Tuesday met, Wednesday missed and Thursday logged below standard
    thursday = date(2026, 11, 19)
    monkeypatch.setattr("activities.views.tenant_today", lambda tenant: thursday)
    monkeypatch.setattr("activities.services.logs.tenant_today", lambda tenant: thursday)
    met = {"phone_appointments": 5, "sales_interviews": 3, "recruiting_interviews": 1, "new_prospects": 1}
    for day in (date(2026, 11, 15), date(2026, 11, 16), date(2026, 11, 17)):  # Sunday, Monday, Tuesday
        DailyLog.objects.create(tenant=org.tenant, member=org.agent, date=day, **met)
    log(org.agent, thursday, phone_appointments=2)
    client.force_login(org.agent.user)
    # When the agent opens today
    response = client.get(PAGE)
    # Then the strip runs Monday to Sunday with each day's state, the future greyed
    week = response.context["week"]
    assert [cell["iso"] for cell in week] == [f"2026-11-{day}" for day in range(16, 23)]
    assert [cell["state"] for cell in week] == ["met", "met", "missed", "logged", "future", "future", "future"]
    assert week[3]["is_today"] and week[3]["is_shown"]
    html = response.content.decode()
    assert 'data-date="2026-11-20" data-state="future"' in html
    assert 'href="?date=2026-11-20"' not in html, "a future day is not a link"
    # And the streak is broken by Wednesday (today below standard does not count yet)
    assert response.context["streak"] == 0
    # Given Wednesday had been met instead, the streak runs Sunday to Wednesday
    DailyLog.objects.create(tenant=org.tenant, member=org.agent, date=date(2026, 11, 18), **met)
    response = client.get(PAGE)
    assert response.context["streak"] == 4
    assert 'data-field="streak" data-value="4"' in response.content.decode()


def test_a_supervisor_keeps_their_own_log_on_the_page(org, client, today):
    log(org.agent, today, referrals=4)  # a report's log is not theirs
    client.force_login(org.supervisor.user)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert input_value(response.content.decode(), "referrals") == "0"
    assert config_of(response)["storagePrefix"].endswith(f".{org.supervisor.pk}.")


@pytest.mark.parametrize("role", ["admin", "manager", "branch_manager", "bank", "renewal_lead", "advisor"])
def test_roles_that_keep_no_log_are_refused(org, client, role):
    client.force_login(org.members[role].user)
    assert client.get(PAGE).status_code == 403


def test_anonymous_is_sent_to_log_in(db, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize(("role", "offered"), [("agent", True), ("supervisor", True), ("manager", False)])
def test_navigation_offers_the_page_to_those_who_log(org, client, role, offered):
    client.force_login(org.members[role].user)
    html = client.get("/").content.decode()
    assert ('data-nav="activities-page"' in html) is offered


def test_query_count_is_flat_whatever_the_day_and_week_hold(org, client, today, django_assert_max_num_queries):
    # Given a logged day with one visit
    visits = [{"name": f"客户{n}", "phone": f"1380000{n:04d}", "kind": "prospect"} for n in range(20)]
    log(org.agent, today, visits=visits[:1], phone_appointments=1, new_prospects=1)
    client.force_login(org.agent.user)
    with django_assert_max_num_queries(30) as small:
        assert client.get(PAGE).status_code == 200
    # When the day holds twenty visits and a logged, met week lies behind it
    met = {"phone_appointments": 5, "sales_interviews": 3, "recruiting_interviews": 1, "new_prospects": 1}
    # (each visit puts a new entry in the book today: twenty new prospects)
    log(org.agent, today, visits=visits, **{**met, "new_prospects": 20})
    for back in range(1, 3):
        log(org.agent, today - timedelta(days=back), visits=visits[:5], **met)
    # Then the page costs no more queries than before
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(PAGE)
    assert len(response.context["visits"]) == 20

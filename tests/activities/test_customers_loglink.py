"""The work log and the customer book agree: visits link to book entries, counts cover the day's entries.

Figures: tests/activities/loglink_data.py.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from activities.models import Customer, CustomerStageChange, DailyLog, DailyLogChange, Visit
from activities.services.logs import count_book_entry, daily_log_upsert
from dashboards.models import Rollup, RollupRequest
from dashboards.services import rollups
from tests.activities.loglink_data import build_book

pytestmark = pytest.mark.django_db

ZEROS = {"phone_appointments": 0, "sales_interviews": 0, "recruiting_interviews": 0, "new_prospects": 0, "referrals": 0}
# D's counts that cover the book (张伟, 李娜).
COVERED = {**ZEROS, "phone_appointments": 5, "new_prospects": 1, "referrals": 1}


@pytest.fixture
def book(org, other_org):
    return build_book(org, other_org)


def own(day):
    return f"/api/v1/activities/logs/{day.isoformat()}/"


def members_log(member, day):
    return f"/api/v1/activities/members/{member.pk}/logs/{day.isoformat()}/"


def stored():
    """Return what the log and book tables hold, to show that a refused write saved nothing."""
    return (
        list(DailyLog.objects.order_by("id").values()),
        list(Visit.objects.order_by("id").values()),
        DailyLogChange.objects.count(),
        list(Customer.objects.order_by("id").values()),
        CustomerStageChange.objects.count(),
    )


def put(client, day, counts, visits=(), **extra):
    return client.put(own(day), {**counts, "visits": list(visits), **extra}, format="json")


# --- the counts cover the book's entries of the day ------------------------------------------------


def test_counts_below_the_days_book_entries_are_refused_naming_them(org, book, api_en):
    # Given the agent's book holds 张伟 (own) and 李娜 (referral) acquired on D
    client = api_en(org.agent)
    before = stored()
    # When D's log says no new prospects and no referrals
    response = put(client, book.day, {**ZEROS, "phone_appointments": 5})
    # Then both items are refused, naming the entries, and nothing is saved
    assert response.status_code == 400
    assert response.json() == {
        "new_prospects": [
            "The customer book holds 1 new prospect acquired on this day (张伟): count at least 1.",
        ],
        "referrals": ["The customer book holds 1 referral acquired on this day (李娜): count at least 1."],
    }
    assert stored() == before


def test_counts_that_cover_the_book_are_saved_and_the_day_lists_the_names(org, book, api_en):
    # When D's log says 1 new prospect and 1 referral
    response = put(api_en(org.agent), book.day, COVERED)
    # Then it is saved, and the day names the entries behind the counts, linked to their pages
    assert response.status_code == 200
    assert response.json()["book"] == {
        "new_prospects": [
            {"id": book.zhang.pk, "name": "张伟", "erased": False, "url": f"/customers/{book.zhang.pk}/"}
        ],
        "referrals": [{"id": book.li.pk, "name": "李娜", "erased": False, "url": f"/customers/{book.li.pk}/"}],
    }
    assert DailyLog.objects.get(member=org.agent, date=book.day).new_prospects == 1


def test_another_day_is_not_held_to_ds_entries(org, book, api_en):
    response = put(api_en(org.agent), book.day - timedelta(days=1), ZEROS)
    assert response.status_code == 200
    assert response.json()["book"] == {"new_prospects": [], "referrals": []}


# --- a visit picks an entry of the member's own book -----------------------------------------------


def test_a_visit_picks_the_members_own_customer(org, book, api_en):
    # When the agent logs a visit to 王芳, picked from the book, leaving name and phone blank
    visits = [{"customer": book.wang.pk, "kind": "customer"}, {"customer": str(book.liu.pk), "name": "刘总"}]
    response = put(api_en(org.agent), book.day, COVERED, visits)
    # Then the visit links to 王芳 and takes the book's name and phone; what the agent typed is kept
    assert response.status_code == 200
    assert response.json()["visits"] == [
        {"name": "王芳", "phone": "13800000003", "kind": "customer", "customer": book.wang.pk},
        {"name": "刘总", "phone": "13800000004", "kind": "prospect", "customer": book.liu.pk},
    ]
    # And the last contact moves up to D, never back (刘强 was contacted after D)
    book.wang.refresh_from_db()
    book.liu.refresh_from_db()
    assert book.wang.last_contact_on == book.day
    assert book.liu.last_contact_on == book.day + timedelta(days=1)
    # And no entry was added
    assert Customer.objects.filter(tenant=org.tenant).count() == 5


def test_a_visit_for_another_agents_customer_is_refused_and_nothing_is_saved(org, book, api_en):
    # Given D's log already saved
    client = api_en(org.agent)
    put(client, book.day, COVERED)
    before = stored()
    # When the agent logs a visit to agent2's 赵敏 (by id)
    response = put(client, book.day, COVERED, [{"customer": book.zhao.pk, "kind": "customer"}])
    # Then the visits field names the row and whose book it is; nothing changed
    assert response.status_code == 400
    assert response.json() == {
        "visits": [f"Visit 1: 赵敏 is in another agent's book, not in {org.agent.display_name}'s."]
    }
    assert stored() == before


def test_a_supervisor_correcting_a_log_may_not_link_a_teammates_customer(org, book, api_en):
    # The book is the log's member's, whoever writes: the supervisor corrects the agent's day
    client = api_en(org.supervisor)
    before = stored()
    bad = client.put(
        members_log(org.agent, book.day),
        {**COVERED, "visits": [{"customer": book.zhao.pk}], "reason": "from the paper sheet"},
        format="json",
    )
    assert bad.status_code == 400 and list(bad.json()) == ["visits"]
    assert stored() == before
    good = client.put(
        members_log(org.agent, book.day),
        {**COVERED, "visits": [{"customer": book.wang.pk}], "reason": "from the paper sheet"},
        format="json",
    )
    assert good.status_code == 200
    assert good.json()["visits"][0]["customer"] == book.wang.pk


@pytest.mark.parametrize("which", ["other_tenant", "missing", "not_an_id"])
def test_a_customer_id_of_another_tenant_or_none_at_all_is_refused(org, other_org, book, api_en, which):
    customer = {"other_tenant": book.chen.pk, "missing": 10**9, "not_an_id": "陈静"}[which]
    before = stored()
    response = put(api_en(org.agent), book.day, COVERED, [{"customer": customer, "name": "陈静"}])
    # The same answer whether the id is another tenant's or nobody's: nothing of the other tenant shows
    assert response.status_code == 400
    assert response.json() == {"visits": ["Visit 1: this customer is not in the book."]}
    assert stored() == before
    chen = Customer.objects.get(pk=book.chen.pk)
    assert (chen.name, chen.last_contact_on) == ("陈静", None)


# --- a visit to someone new adds them to the book --------------------------------------------------


def test_a_new_visit_with_a_phone_creates_a_book_entry(org, book, api_en):
    # Given D's log with 张伟 and 李娜 covered
    client = api_en(org.agent)
    visit = {"name": "周杰", "phone": "139-1234-5678", "kind": "referral"}
    # When the agent logs a referral visit to someone new but counts only 1 referral
    before = stored()
    short = put(client, book.day, COVERED, [visit])
    # Then the referrals item names both entries, and nothing is saved (no entry either)
    assert short.status_code == 400
    assert short.json() == {
        "referrals": ["The customer book holds 2 referrals acquired on this day (李娜, 周杰): count at least 2."]
    }
    assert stored() == before
    # When the referrals say 2
    response = put(client, book.day, {**COVERED, "referrals": 2}, [visit])
    # Then 周杰 is in the agent's book: a referral acquired on D, phone normalised, contacted on D
    assert response.status_code == 200
    zhou = Customer.objects.get(tenant=org.tenant, name="周杰")
    assert (zhou.owner_id, zhou.phone, zhou.source, zhou.acquired_on, zhou.last_contact_on, zhou.stage) == (
        org.agent.pk,
        "13912345678",
        "referral",
        book.day,
        book.day,
        "acquired",
    )
    assert list(zhou.stage_changes.values_list("from_stage", "to_stage", "changed_on")) == [("", "acquired", book.day)]
    # And the visit keeps what was typed, linked to the new entry; the day names it
    assert response.json()["visits"] == [{**visit, "customer": zhou.pk}]
    assert [row["name"] for row in response.json()["book"]["referrals"]] == ["李娜", "周杰"]


def test_the_same_new_visit_put_twice_adds_one_entry_and_one_history_row(org, book, api_en):
    client = api_en(org.agent)
    body = {**COVERED, "new_prospects": 2}
    visits = [{"name": "吴敏", "phone": "13600000009"}, {"name": "吴敏", "phone": "136 0000 0009"}]
    first = put(client, book.day, body, visits)
    second = put(client, book.day, body, visits)
    assert first.status_code == second.status_code == 200
    wu = Customer.objects.get(tenant=org.tenant, phone="13600000009")
    assert [visit["customer"] for visit in second.json()["visits"]] == [wu.pk, wu.pk]
    assert Customer.objects.filter(tenant=org.tenant, name="吴敏").count() == 1
    assert DailyLogChange.objects.filter(log__member=org.agent).count() == 1


def test_a_visit_reuses_the_entry_with_its_phone(org, book, api_en):
    # When the agent logs a visit to "+86 138 0000 0001" under another name (张伟's phone)
    response = put(api_en(org.agent), book.day, COVERED, [{"name": "张总", "phone": "+86 138 0000 0001"}])
    # Then it links to 张伟: no new entry, no higher count needed
    assert response.status_code == 200
    assert response.json()["visits"][0]["customer"] == book.zhang.pk
    assert Customer.objects.filter(tenant=org.tenant).count() == 5


def test_a_visit_by_name_alone_links_only_a_single_entry_of_that_name(org, book, api_en):
    # 王芳 is one entry of the agent's book; 赵敏 is agent2's; nobody is called 孙丽
    visits = [{"name": "王芳"}, {"name": "赵敏"}, {"name": "孙丽"}]
    response = put(api_en(org.agent), book.day, COVERED, visits)
    assert response.status_code == 200
    assert [visit["customer"] for visit in response.json()["visits"]] == [book.wang.pk, None, None]
    # Nothing is created from a name alone
    assert Customer.objects.filter(tenant=org.tenant).count() == 5


def test_a_phone_in_another_agents_book_is_refused(org, book, api_en):
    before = stored()
    response = put(api_en(org.agent), book.day, COVERED, [{"name": "赵女士", "phone": "139 0000 0001"}])
    assert response.status_code == 400
    assert response.json() == {
        "visits": ["Visit 1: the phone number 139 0000 0001 is already in another agent's book."]
    }
    assert stored() == before


@pytest.mark.parametrize("phone", ["12345", "1380000000", "23800000001", "+44 20 7946 0958"])
def test_a_malformed_phone_is_refused(org, book, api_en, phone):
    before = stored()
    response = put(api_en(org.agent), book.day, COVERED, [{"name": "孙丽"}, {"name": "周杰", "phone": phone}])
    assert response.status_code == 400
    assert response.json() == {"visits": [f"Visit 2: {phone} is not a mobile number (11 digits starting with 1)."]}
    assert stored() == before


def test_a_visit_whose_customer_was_erased_keeps_the_link(org, book, api_en):
    from activities.services.customers import customer_erase

    # Given D's log with a visit to 王芳, who is then erased on request
    client = api_en(org.agent)
    put(client, book.day, COVERED, [{"customer": book.wang.pk}])
    customer_erase(tenant=org.tenant, actor=org.supervisor, customer=book.wang, reason="asked by phone")
    # When the agent saves the day again as the page reads it
    shown = client.get(own(book.day)).json()
    response = put(client, book.day, {**COVERED, "phone_appointments": 6}, shown["visits"])
    # Then the visit still points at the (anonymous) entry
    assert response.status_code == 200
    (visit,) = response.json()["visits"]
    assert visit["customer"] == book.wang.pk
    assert visit["phone"] == "" and "王芳" not in visit["name"]


# --- a book entry added for a day raises that day's count -------------------------------------------


def test_count_book_entry_raises_the_days_count_through_the_log(org, book, api_en):
    # Given D's log at 1 new prospect and 1 referral, rolled up
    put(api_en(org.agent), book.day, COVERED)
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    # When a second referral entry is added to the book for D
    Customer.objects.create(
        tenant=org.tenant,
        owner=org.agent,
        name="郑洁",
        phone="13500000001",
        source="referral",
        acquired_on=book.day,
        stage_changed_on=book.day,
    )
    log = count_book_entry(tenant=org.tenant, member=org.agent, day=book.day, source="referral", actor=org.agent)
    # Then D's referrals rise to 2, through the log's history and a rollup request
    assert log is not None
    log.refresh_from_db()
    assert (log.new_prospects, log.referrals, log.phone_appointments) == (1, 2, 5)
    change = DailyLogChange.objects.filter(log=log).order_by("-id").first()
    assert (change.old["referrals"], change.new["referrals"], change.changed_by_id) == (1, 2, org.agent.pk)
    assert change.reason
    assert RollupRequest.objects.filter(tenant=org.tenant, member_id=org.agent.pk, day=book.day).exists()
    # And adding it again (the count already covers it) changes nothing
    assert count_book_entry(tenant=org.tenant, member=org.agent, day=book.day, source="referral", actor=None) is None


def test_count_book_entry_writes_a_log_for_a_day_without_one_and_ignores_future_days(org, book):
    # D has no log yet: the book's entries give it its counts (the edit window does not apply)
    old_day = book.day - timedelta(days=10)
    log = count_book_entry(tenant=org.tenant, member=org.agent, day=old_day, source="own", actor=org.agent)
    assert log is not None and (log.new_prospects, log.referrals) == (2, 0)
    # (王芳 and 刘强 were acquired on D − 10)
    assert (
        count_book_entry(
            tenant=org.tenant, member=org.agent, day=book.day + timedelta(days=5), source="own", actor=org.agent
        )
        is None
    )


def test_customer_create_raises_the_count_of_its_day(org, book, api_en):
    from activities.services.customers import customer_create

    # Given D's log at 1 new prospect
    put(api_en(org.agent), book.day, COVERED)
    # When the agent adds a prospect to the book acquired on D
    customer_create(
        tenant=org.tenant,
        actor=org.agent,
        owner_id=None,
        name="何静",
        phone="13500000002",
        source="own",
        consent="given",
        acquired_on=book.day,
    )
    # Then D's new prospects cover it
    assert DailyLog.objects.get(member=org.agent, date=book.day).new_prospects == 2


def test_the_rollups_count_what_the_log_says_after_the_book_raised_it(org, book, api_en):
    # Given D's log with 5 phone appointments, 1 new prospect and 2 referrals (李娜 and a new visit)
    visits = [{"name": "周杰", "phone": "13912345678", "kind": "referral"}]
    assert put(api_en(org.agent), book.day, {**COVERED, "referrals": 2}, visits).status_code == 200
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    monday = book.day - timedelta(days=book.day.weekday())

    def figures():
        week = Rollup.objects.get(
            tenant=org.tenant, scope="member", subject_id=org.agent.pk, grain="week", period_start=monday
        )
        team_day = Rollup.objects.get(
            tenant=org.tenant, scope="unit", subject_id=org.units["north1"].pk, grain="day", period_start=book.day
        )
        return (week.new_prospects, week.referrals, team_day.new_prospects, team_day.referrals)

    assert figures() == (1, 2, 1, 2)
    # When a third referral entry is added for D, through the hook
    Customer.objects.create(
        tenant=org.tenant,
        owner=org.agent,
        name="郑洁",
        phone="13500000001",
        source="referral",
        acquired_on=book.day,
        stage_changed_on=book.day,
    )
    count_book_entry(tenant=org.tenant, member=org.agent, day=book.day, source="referral", actor=org.agent)
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    # Then the rollups follow the log
    assert figures() == (1, 3, 1, 3)


# --- reading: masked phones for managers, the page ---------------------------------------------------


def test_visit_phones_are_masked_for_managers_and_full_for_the_member_and_supervisor(org, book, api_en):
    put(api_en(org.agent), book.day, COVERED, [{"customer": book.wang.pk}])
    path = members_log(org.agent, book.day)
    assert api_en(org.supervisor).get(path).json()["visits"][0]["phone"] == "13800000003"
    assert api_en(org.branch_manager).get(path).json()["visits"][0]["phone"] == "138****0003"
    rows = api_en(org.admin).get("/api/v1/activities/logs/").json()["results"]
    assert rows[0]["visits"][0]["phone"] == "138****0003"
    history = api_en(org.manager).get(f"{path}history/").json()["results"][0]
    assert history["new"]["visits"][0]["phone"] == "138****0003"
    # And a manager's correction sending the masked phone back keeps the book's phone
    response = api_en(org.branch_manager).put(
        path,
        {**COVERED, "visits": [{"customer": book.wang.pk, "name": "王芳", "phone": "138****0003"}], "reason": "fix"},
        format="json",
    )
    assert response.status_code == 200
    assert Visit.objects.get(log__member=org.agent).phone == "13800000003"


def test_the_page_lists_the_days_names_and_offers_the_members_own_book(org, book, client, api_en):
    put(api_en(org.agent), book.day, COVERED, [{"customer": book.wang.pk}])
    client.force_login(org.agent.user)
    html = client.get(f"/activities/?date={book.day.isoformat()}").content.decode()
    # The names behind the counts, linked to the customers' pages
    assert f'<a href="/customers/{book.zhang.pk}/" data-customer="{book.zhang.pk}">张伟</a>' in html
    assert f'<a href="/customers/{book.li.pk}/" data-customer="{book.li.pk}">李娜</a>' in html
    # The picker offers the agent's own book only (not agent2's 赵敏, not the other tenant's 陈静)
    assert 'value="王芳 · 0003"' in html and "赵敏" not in html and "陈静" not in html
    # The visit row is linked
    assert f'name="visit-customer" class="visit-customer" value="{book.wang.pk}"' in html
    assert f'href="/customers/{book.wang.pk}/"' in html


def test_service_errors_are_field_errors(org, book):
    with pytest.raises(ValidationError) as refused:
        daily_log_upsert(
            tenant=org.tenant,
            actor=org.agent,
            member=org.agent,
            date=book.day,
            counts=ZEROS,
            visits=[{"customer": book.zhao.pk}],
        )
    assert set(refused.value.message_dict) == {"visits"}

"""The advisor's work queue and the case page: order, the follow-up flag, filters, the forms, export, scope."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from renewals.models import FollowUp, RenewalCase, RenewalPolicy, StaffProfile
from renewals.services.cases import follow_up_create
from salesops.org.models import Member
from tests.factories import add_member
from tests.renewals.renewal_data import add_advisor, hours_ago, make_case

# The pages' today: Wednesday 18 November 2026 (this week runs to Sunday the 22nd).
TODAY = date(2026, 11, 18)
QUEUE = "/renewals/queue/"
EXPORT = "/renewals/queue/queue.xlsx"


@pytest.fixture(autouse=True)
def queue_today(monkeypatch):
    monkeypatch.setattr("renewals.pages.queue.tenant_today", lambda tenant: TODAY)
    return TODAY


def case_url(case):
    return f"/renewals/cases/{case.pk}/"


def get(client, member, url, english=True, **params):
    client.force_login(member.user)
    if english:
        client.cookies["django_language"] = "en"
    return client.get(url, params)


def post(client, member, url, data):
    client.force_login(member.user)
    client.cookies["django_language"] = "en"
    return client.post(url, data)


def policies(response):
    return [row["policy_no"] for row in response.context["table"].rows]


def serve_group_a(member):
    StaffProfile.objects.create(tenant=member.tenant, member=member, serves_group_a=True)


def advance(org, case, *outcomes, **extra):
    """Move ``case`` through the pipeline as its advisor would (the real service)."""
    for outcome in outcomes:
        follow_up_create(tenant=org.tenant, actor=org.advisor, case=case, channel="phone", outcome=outcome, **extra)
        case.refresh_from_db()
    return case


def test_the_queue_lists_the_advisors_open_cases_highest_priority_first(org, client):
    # Given the advisor's cases on Wednesday 18 Nov 2026 (points: due + group + product)
    serve_group_a(org.advisor)
    due = {
        "P-FAR": ("2027-03-01", "B", "property"),  # 103 days: 0 + 0 + 5 = 5, low
        "P-MID": ("2027-01-10", "B", "health"),  # 53 days: 20 + 0 + 15 = 35, medium
        "P-WEEK": ("2026-11-20", "B", "auto"),  # 2 days: 50 + 0 + 10 = 60, high
        "P-A-LIFE": ("2026-12-10", "A", "life"),  # 22 days: 30 + 30 + 15 = 75, high
        "P-OVER": ("2026-11-16", "B", "other"),  # overdue 2 days: 60 + 0 + 0 = 60, high, due before P-WEEK
    }
    for policy_no, (due_on, group, product) in due.items():
        make_case(
            org, policy_no, due_on=date.fromisoformat(due_on), group=group, product_type=product, advisor=org.advisor
        )
    advance(org, make_case(org, "P-DONE", due_on=TODAY, advisor=org.advisor), "contacted")
    closed = make_case(org, "P-CLOSED", due_on=TODAY, advisor=org.advisor)
    advance(org, closed, "lost", lost_reason="price")
    make_case(org, "P-THEIRS", due_on=TODAY, advisor=add_advisor(org, "other"))
    make_case(org, "P-NOBODY", due_on=TODAY)

    # When the advisor opens the queue
    response = get(client, org.advisor, QUEUE)

    # Then their open cases come highest priority first, then the earliest due; nobody else's, nothing closed
    assert response.status_code == 200
    rows = [
        (row["policy_no"], row["priority"], row["level_key"], row["days_to_due"], row["overdue"])
        for row in response.context["table"].rows
    ]
    assert rows == [
        ("P-A-LIFE", 75, "high", 22, False),
        ("P-OVER", 60, "high", -2, True),
        ("P-DONE", 60, "high", 0, False),  # due today 50 + auto 10: tied at 60, the earliest due first
        ("P-WEEK", 60, "high", 2, False),
        ("P-MID", 35, "medium", 53, False),
        ("P-FAR", 5, "low", 103, False),
    ]
    html = response.content.decode()
    # Overdue in words as well as in red; levels and statuses in words
    over = html[html.index('data-case="P-OVER"') :]
    over = over[: over.index("</li>")]
    assert "is-overdue" in over and "Overdue by 2 days" in over and "High · 60" in over
    assert "Due in 2 days" in html and "Due today" in html
    assert 'data-field="advisor"' not in html  # an advisor's own queue names no advisor
    assert response.context["table"].rows[2]["status"] == "Contacted"


def test_the_follow_up_flag_at_49_hours_not_at_47(org, client):
    now = timezone.now()
    make_case(org, "P-47", due_on=TODAY, advisor=org.advisor, assigned_at=hours_ago(47, now))
    make_case(org, "P-49", due_on=TODAY, advisor=org.advisor, assigned_at=hours_ago(49, now))
    # The clock restarts at the last follow-up: assigned 100 h ago, followed up 47 h / 49 h ago
    for policy_no, hours in (("F-47", 47), ("F-49", 49)):
        case = make_case(org, policy_no, due_on=TODAY, advisor=org.advisor, assigned_at=hours_ago(100, now))
        advance(org, case, "no_answer", at=hours_ago(hours, now))

    rows = {row["policy_no"]: row for row in get(client, org.advisor, QUEUE).context["table"].rows}

    assert {name: (row["since_hours"], row["flagged"]) for name, row in rows.items()} == {
        "P-47": (47, False),
        "P-49": (49, True),
        "F-47": (47, False),
        "F-49": (49, True),
    }
    assert rows["P-49"]["flag"] == "No follow-up for 48 h"
    assert rows["P-47"]["last_follow_up"] is None and rows["F-49"]["last_follow_up"] is not None
    html = get(client, org.advisor, QUEUE).content.decode()
    assert html.count('data-field="flag"') == 2
    # The tenant's own window: 72 h flags neither
    RenewalPolicy.objects.filter(tenant=org.tenant).update(follow_up_hours=72)
    rows = get(client, org.advisor, QUEUE).context["table"].rows
    assert [row["flagged"] for row in rows] == [False] * 4


def test_filters_by_status_group_and_due_window(org, client):
    serve_group_a(org.advisor)
    for policy_no, due_on, group in (
        ("D-1116", "2026-11-16", "B"),  # overdue
        ("D-1118", "2026-11-18", "A"),  # today
        ("D-1122", "2026-11-22", "B"),  # this Sunday: the end of this week
        ("D-1123", "2026-11-23", "B"),  # next Monday
        ("D-1218", "2026-12-18", "B"),  # 30 days on
        ("D-1219", "2026-12-19", "B"),  # 31 days on
    ):
        make_case(org, policy_no, due_on=date.fromisoformat(due_on), group=group, advisor=org.advisor)
    advance(org, RenewalCase.objects.get(tenant=org.tenant, policy_no="D-1123"), "contacted")
    advance(org, RenewalCase.objects.get(tenant=org.tenant, policy_no="D-1219"), "contacted", "quoted")
    advance(org, RenewalCase.objects.get(tenant=org.tenant, policy_no="D-1219"), "renewed", renewed_premium=Decimal(1))

    def shown(**params):
        response = get(client, org.advisor, QUEUE, **params)
        assert response.status_code == 200, response.content
        return sorted(policies(response))

    assert shown() == ["D-1116", "D-1118", "D-1122", "D-1123", "D-1218"]  # open only
    assert shown(status="all") == ["D-1116", "D-1118", "D-1122", "D-1123", "D-1218", "D-1219"]
    assert shown(status="contacted") == ["D-1123"]
    assert shown(status="renewed") == ["D-1219"]
    assert shown(group="A") == ["D-1118"]
    assert shown(due="week") == ["D-1118", "D-1122"]
    assert shown(due="30d") == ["D-1118", "D-1122", "D-1123", "D-1218"]
    assert shown(due="overdue") == ["D-1116"]
    assert shown(due="30d", group="B", status="pending") == ["D-1122", "D-1218"]


@pytest.mark.parametrize(("params", "field"), [({"due": "year"}, "due"), ({"status": "won"}, "status")])
def test_a_bad_filter_is_a_400_field_error_with_the_default_list(org, client, params, field):
    make_case(org, "P-1", due_on=TODAY, advisor=org.advisor)
    response = get(client, org.advisor, QUEUE, **params)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert f'data-error="{field}"' in response.content.decode()
    assert policies(response) == ["P-1"]
    assert get(client, org.advisor, EXPORT, **params).status_code == 400


def test_a_lead_filters_by_advisor_within_their_scope_only(org, other_org, client):
    other = add_advisor(org, "other")
    # An advisor outside the renewals team (the north branch): out of the lead's scope, in the manager's
    north = add_member(org.tenant, "acme-far", Member.Role.RENEWAL_ADVISOR, org.units["north"])
    make_case(org, "MINE", due_on=TODAY, advisor=org.advisor)
    make_case(org, "THEIRS", due_on=TODAY, advisor=other)
    make_case(org, "NOBODY", due_on=TODAY)
    make_case(org, "FAR", due_on=TODAY, advisor=north)
    make_case(other_org, "FOREIGN", due_on=TODAY, advisor=other_org.advisor)

    response = get(client, org.renewal_lead, QUEUE)
    assert sorted(policies(response)) == ["MINE", "NOBODY", "THEIRS"]
    assert 'data-field="advisor"' in response.content.decode()
    assert [value for value, _label in response.context["form"].fields["advisor"].choices] == [
        "",
        "none",
        str(org.advisor.pk),  # by name: acme-advisor-名, acme-other-名
        str(other.pk),
    ]
    assert policies(get(client, org.renewal_lead, QUEUE, advisor=other.pk)) == ["THEIRS"]
    assert policies(get(client, org.renewal_lead, QUEUE, advisor="none")) == ["NOBODY"]
    # Another team's or another tenant's advisor: a field error, and not their cases
    for outsider in (north, other_org.advisor):
        response = get(client, org.renewal_lead, QUEUE, advisor=outsider.pk)
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["advisor"]
        assert "FAR" not in policies(response) and "FOREIGN" not in policies(response)
        assert get(client, org.renewal_lead, EXPORT, advisor=outsider.pk).status_code == 400
    # The company manager and the admin see the tenant's cases, the far advisor's too
    for member in (org.manager, org.admin):
        assert sorted(policies(get(client, member, QUEUE))) == ["FAR", "MINE", "NOBODY", "THEIRS"]
        assert policies(get(client, member, QUEUE, advisor=north.pk)) == ["FAR"]


def follow_up(client, member, case, **data):
    return post(client, member, case_url(case), {"action": "follow_up", "channel": "phone", **data})


def test_a_follow_up_moves_pending_to_contacted_and_comes_back_with_a_message(org, client):
    case = make_case(org, "P-1", due_on=TODAY + timedelta(days=5), advisor=org.advisor)
    page = get(client, org.advisor, case_url(case))
    assert page.status_code == 200
    assert 'data-form="follow-up"' in page.content.decode()
    assert 'data-form="advisor"' not in page.content.decode()  # an advisor does not re-assign

    response = follow_up(client, org.advisor, case, outcome="contacted", notes="  接通了，下周报价  ")

    assert response.status_code == 302 and response.url == case_url(case)
    case.refresh_from_db()
    assert case.status == "contacted" and case.last_follow_up_at is not None
    saved = FollowUp.objects.get(tenant=org.tenant, case=case)
    assert (saved.channel, saved.outcome, saved.notes, saved.author) == (
        "phone",
        "contacted",
        "接通了，下周报价",
        org.advisor,
    )
    page = client.get(response.url)
    html = page.content.decode()
    assert "Follow-up recorded. The case is Contacted." in html
    assert 'data-field="status">Contacted<' in html
    assert [item["outcome_key"] for item in page.context["follow_ups"]] == ["contacted"]


def test_the_history_lists_the_newest_follow_up_first(org, client):
    case = make_case(org, "P-1", due_on=TODAY, advisor=org.advisor)
    advance(org, case, "no_answer", at=hours_ago(30))
    advance(org, case, "contacted", at=hours_ago(5))
    advance(org, case, "no_answer", at=hours_ago(20))
    page = get(client, org.advisor, case_url(case))
    assert [item["outcome_key"] for item in page.context["follow_ups"]] == ["contacted", "no_answer", "no_answer"]


def assert_nothing_saved(org, case, status):
    case.refresh_from_db()
    assert case.status == status
    assert not FollowUp.objects.filter(tenant=org.tenant, case=case, at__gte=timezone.now() - timedelta(minutes=5))


def test_a_skip_from_pending_to_renewed_is_refused_with_the_message_and_nothing_saved(org, client):
    case = make_case(org, "P-1", due_on=TODAY, advisor=org.advisor)
    response = follow_up(client, org.advisor, case, outcome="renewed", renewed_premium="5200.00")
    assert response.status_code == 400
    message = "A case goes pending → contacted → quoted → renewed; record Contacted first."
    assert response.context["form"].errors == {"outcome": [message]}
    html = response.content.decode()
    assert f'data-error="outcome" role="alert">{message}<' in html
    # What was typed stays in the form
    assert 'value="5200.00"' in html
    assert_nothing_saved(org, case, "pending")
    assert FollowUp.objects.filter(tenant=org.tenant).count() == 0


def test_renewed_needs_the_renewed_premium(org, client):
    case = advance(org, make_case(org, "P-1", due_on=TODAY, advisor=org.advisor), "contacted", "quoted")
    before = FollowUp.objects.filter(tenant=org.tenant).count()
    response = follow_up(client, org.advisor, case, outcome="renewed", renewed_premium="")
    assert response.status_code == 400
    assert response.context["form"].errors == {"renewed_premium": ["This field is required."]}
    assert 'data-error="renewed_premium"' in response.content.decode()
    response = follow_up(client, org.advisor, case, outcome="renewed", renewed_premium="12.345")
    assert response.status_code == 400 and list(response.context["form"].errors) == ["renewed_premium"]
    assert FollowUp.objects.filter(tenant=org.tenant).count() == before
    case.refresh_from_db()
    assert case.status == "quoted"
    # With it, the case is renewed at that premium and takes no more follow-ups
    assert follow_up(client, org.advisor, case, outcome="renewed", renewed_premium="5200.50").status_code == 302
    case.refresh_from_db()
    assert (case.status, case.renewed_premium) == ("renewed", Decimal("5200.50"))
    html = get(client, org.advisor, case_url(case)).content.decode()
    assert 'data-field="closed"' in html and 'data-form="follow-up"' not in html


def test_a_premium_left_in_the_hidden_field_is_not_sent_with_another_outcome(org, client):
    case = make_case(org, "P-1", due_on=TODAY, advisor=org.advisor)
    # (a renewed premium typed, then the outcome changed: the hidden field is not read, even unparsable)
    response = follow_up(client, org.advisor, case, outcome="contacted", renewed_premium="9x", lost_reason="price")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.renewed_premium, case.lost_reason) == ("contacted", None, None)


def test_lost_needs_a_reason_from_the_tenants_list(org, client):
    case = make_case(org, "P-1", due_on=TODAY, advisor=org.advisor)
    response = follow_up(client, org.advisor, case, outcome="lost")
    assert response.status_code == 400
    assert response.context["form"].errors == {"lost_reason": ["A lost case needs its reason."]}
    response = follow_up(client, org.advisor, case, outcome="lost", lost_reason="moon")
    assert response.status_code == 400 and list(response.context["form"].errors) == ["lost_reason"]
    assert_nothing_saved(org, case, "pending")
    # The select offers the tenant's reasons
    assert '<option value="competitor">转投其他公司</option>' in response.content.decode()
    assert follow_up(client, org.advisor, case, outcome="lost", lost_reason="competitor").status_code == 302
    case.refresh_from_db()
    assert (case.status, case.lost_reason.code) == ("lost", "competitor")


def test_a_follow_up_form_error_keeps_its_field(org, client):
    case = make_case(org, "P-1", due_on=TODAY, advisor=org.advisor)
    response = follow_up(client, org.advisor, case, outcome="", next_action_on="2026-02-30")
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"outcome", "next_action_on"}
    response = post(
        client, org.advisor, case_url(case), {"action": "follow_up", "channel": "pigeon", "outcome": "contacted"}
    )
    assert response.status_code == 400 and list(response.context["form"].errors) == ["channel"]
    assert_nothing_saved(org, case, "pending")


def test_a_lead_reassigns_but_not_a_group_a_case_to_a_b_only_advisor(org, client):
    b_only = add_advisor(org, "bonly")
    a_skilled = add_advisor(org, "askilled", group_a=True)
    case = make_case(org, "P-A", due_on=TODAY, group="A", advisor=a_skilled)
    page = get(client, org.renewal_lead, case_url(case))
    assert 'data-form="advisor"' in page.content.decode()
    assert [a.id for a in page.context["advisors"]] == sorted([org.advisor.pk, b_only.pk, a_skilled.pk])

    response = post(client, org.renewal_lead, case_url(case), {"action": "reassign", "advisor": b_only.pk})

    assert response.status_code == 400
    assert response.context["advisor_form"].errors == {
        "advisor": ["This advisor does not serve group A (high net worth) customers."]
    }
    assert 'data-error="advisor"' in response.content.decode()
    case.refresh_from_db()
    assert case.advisor == a_skilled
    # Back to the unassigned list, then to the skilled advisor again
    assert post(client, org.renewal_lead, case_url(case), {"action": "reassign", "advisor": ""}).status_code == 302
    case.refresh_from_db()
    assert case.advisor is None and case.assigned_at is None
    response = post(client, org.renewal_lead, case_url(case), {"action": "reassign", "advisor": a_skilled.pk})
    assert response.status_code == 302
    assert f"The case now goes to {a_skilled.display_name}." in client.get(response.url).content.decode()
    case.refresh_from_db()
    assert case.advisor == a_skilled and case.assigned_at is not None


def test_an_advisor_cannot_reassign(org, client):
    other = add_advisor(org, "other")
    case = make_case(org, "P-1", due_on=TODAY, advisor=org.advisor)
    assert post(client, org.advisor, case_url(case), {"action": "reassign", "advisor": other.pk}).status_code == 403
    case.refresh_from_db()
    assert case.advisor == org.advisor


def test_the_case_page_explains_the_priority_part_by_part(org, client):
    serve_group_a(org.advisor)
    case = make_case(org, "P-1", due_on=date(2026, 11, 25), group="A", product_type="health", advisor=org.advisor)
    page = get(client, org.advisor, case_url(case))
    # 7 days to due: ≤ 7 → 50; group A: 30; health: 15
    assert [(part.label, part.points) for part in page.context["parts"]] == [
        ("Days to due", 50),
        ("Customer group", 30),
        ("Product type", 15),
    ]
    assert page.context["parts"][0].detail == "Due in 7 days (within 7 days)"
    assert (page.context["points"], page.context["level_key"]) == (95, "high")
    # The same points as the queue's SQL ordering gives
    assert get(client, org.advisor, QUEUE).context["table"].rows[0]["priority"] == 95
    html = page.content.decode()
    assert 'data-field="points">95<' in html
    assert "High from 60 points, medium from 30, low below." in html


def test_the_export_holds_every_row_as_the_page_lists_them(org, client):
    other = add_advisor(org, "other")
    for number in range(52):
        make_case(
            org,
            f"X-{number:02d}",
            due_on=TODAY + timedelta(days=number * 3 - 5),
            group="B",
            product_type=("auto", "life", "other")[number % 3],
            premium=f"{1000 + number}.50",
            advisor=(org.advisor, other, None)[number % 3],
        )
    response = get(client, org.renewal_lead, QUEUE)
    table = response.context["table"]
    # 52 cases: the page lists 50 and says how many more the Excel file holds
    assert (len(table.visible_rows), table.row_count, table.hidden) == (50, 52, 2)
    html = response.content.decode()
    assert 'data-count="52"' in html and 'data-field="hidden-rows"' in html
    assert html.count('class="queue-case') == 50

    export = get(client, org.renewal_lead, EXPORT)
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0] == tuple(str(column.header) for column in table.columns)
    assert len(rows) == 1 + 52

    def expected(row):
        values = []
        for column in table.columns:
            cell = row.get(column.key)
            if cell is None:
                values.append(None)
            elif column.kind == "text":
                values.append(str(cell))
            else:
                values.append(float(cell) if isinstance(cell, Decimal) else cell)
        return tuple(values)

    assert rows[1:51] == [expected(row) for row in table.visible_rows]
    # First X-01: 2 days overdue (60) + life (15) = 75, in yuan, overdue days negative, its advisor named
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["Policy number"], first["Priority"], first["Premium (yuan)"], first["Advisor"]) == (
        "X-01",
        75,
        1001.5,
        other.display_name,
    )
    assert (first["Days to due"], first["Due"], first["Level"]) == (-2, "Overdue by 2 days", "High")
    x02 = next(dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[0] == "X-02")
    assert (x02["Advisor"], x02["Priority"], x02["Due"]) == ("Unassigned", 50, "Due in 1 day")  # ≤ 7 days: 50
    # The filters apply to the export as to the page
    export = get(client, org.renewal_lead, EXPORT, advisor=other.pk)
    assert len(list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))) == 1 + 17


def test_another_tenants_cases_are_404_for_every_role(org, other_org, client):
    theirs = make_case(other_org, "FOREIGN", due_on=TODAY, advisor=other_org.advisor)
    for member in (org.admin, org.manager, org.renewal_lead, org.advisor):
        assert "FOREIGN" not in policies(get(client, member, QUEUE))
        assert get(client, member, case_url(theirs)).status_code == 404
        assert follow_up(client, member, theirs, outcome="contacted").status_code == 404
        assert post(client, member, case_url(theirs), {"action": "reassign", "advisor": ""}).status_code == 404
    assert get(client, org.admin, "/renewals/cases/999999999/").status_code == 404
    theirs.refresh_from_db()
    assert (theirs.status, theirs.advisor) == ("pending", other_org.advisor)
    assert not FollowUp.objects.filter(case=theirs).exists()


def test_an_advisor_sees_only_their_own_cases(org, client):
    other = add_advisor(org, "other")
    mine = make_case(org, "MINE", due_on=TODAY, advisor=org.advisor)
    theirs = make_case(org, "THEIRS", due_on=TODAY, advisor=other)
    nobody = make_case(org, "NOBODY", due_on=TODAY)
    assert policies(get(client, org.advisor, QUEUE)) == ["MINE"]
    assert get(client, org.advisor, case_url(mine)).status_code == 200
    for case in (theirs, nobody):
        assert get(client, org.advisor, case_url(case)).status_code == 404
        assert follow_up(client, org.advisor, case, outcome="contacted").status_code == 404
        case.refresh_from_db()
        assert case.status == "pending"
    # An advisor's ?advisor= is no filter of theirs: still only their own
    assert policies(get(client, org.advisor, QUEUE, advisor=other.pk)) == ["MINE"]
    # A lead does not reach a case of an advisor outside their team
    north = add_member(org.tenant, "acme-far", Member.Role.RENEWAL_ADVISOR, org.units["north"])
    far = make_case(org, "FAR", due_on=TODAY, advisor=north)
    assert get(client, org.renewal_lead, case_url(far)).status_code == 404
    assert get(client, org.manager, case_url(far)).status_code == 200


@pytest.mark.parametrize("role", ["agent", "supervisor", "branch_manager", "bank"])
def test_roles_without_renewals_get_the_403_page(org, client, role):
    case = make_case(org, "P-1", due_on=TODAY, advisor=org.advisor)
    member = org.members[role]
    assert get(client, member, QUEUE).status_code == 403
    assert get(client, member, EXPORT).status_code == 403
    assert get(client, member, case_url(case)).status_code == 403
    assert follow_up(client, member, case, outcome="contacted").status_code == 403
    case.refresh_from_db()
    assert case.status == "pending"


def test_anonymous_visitors_go_to_the_login_page(org, client):
    case = make_case(org, "P-1", due_on=TODAY, advisor=org.advisor)
    for url in (QUEUE, EXPORT, case_url(case)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_chinese_by_default_english_with_the_cookie(org, client):
    make_case(org, "P-1", due_on=TODAY, advisor=org.advisor)
    chinese = get(client, org.advisor, QUEUE, english=False).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "<label>状态" in chinese and ">查询</button>" in chinese and ">全部</option>" in chinese
    header = [
        cell.value
        for cell in next(load_workbook(BytesIO(get(client, org.advisor, EXPORT, english=False).content)).active.rows)
    ]
    assert (header[0], header[3], header[8]) == ("保单号", "保费（元）", "状态")
    header = [cell.value for cell in next(load_workbook(BytesIO(get(client, org.advisor, EXPORT).content)).active.rows)]
    assert (header[0], header[3], header[8]) == ("Policy number", "Premium (yuan)", "Status")
    english = get(client, org.advisor, QUEUE).content.decode()
    assert '<html lang="en">' in english
    assert "<h1>Work queue</h1>" in english and "<label>Status" in english and ">Show</button>" in english


def test_query_counts_stay_flat_as_cases_grow(org, client):
    other = add_advisor(org, "other")

    def add(count, start):
        for number in range(start, start + count):
            advisor = (org.advisor, other)[number % 2]
            case = make_case(org, f"Q-{number:03d}", due_on=TODAY + timedelta(days=number), advisor=advisor)
            if advisor == org.advisor:
                advance(org, case, "contacted")

    first = make_case(org, "FIRST", due_on=TODAY, advisor=org.advisor)
    add(4, 0)

    def counts():
        result = []
        for member, url in (
            (org.advisor, QUEUE),
            (org.renewal_lead, QUEUE),
            (org.manager, EXPORT),
            (org.advisor, case_url(first)),
            (org.renewal_lead, case_url(first)),
        ):
            client.force_login(member.user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    add(40, 100)
    for _ in range(5):
        advance(org, first, "no_answer")
    assert RenewalCase.objects.filter(tenant=org.tenant).count() == 45
    assert counts() == before
    assert max(before) <= 20

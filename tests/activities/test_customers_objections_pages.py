"""The objection pages: the library page (search, costs ranked with its chart, XLSX, the managers' form)
and the customer page's objections section with its record action. Figures: tests/activities/objections_data.py.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from activities.models.customers import Customer, CustomerObjection, Objection
from tests.activities.objections_data import TITLES, TODAY, library, make_customer, write_costs
from tests.pages import login, workbook_rows

PAGE = "/customers/objections/"
SEPTEMBER = {"date_from": "2025-09-01", "date_to": "2025-09-30"}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("activities.pages.objections.tenant_today", lambda tenant: TODAY)
    monkeypatch.setattr("activities.services.objections.tenant_today", lambda tenant: TODAY)


def record_url(customer) -> str:
    return f"/customers/{customer.pk}/objections/"


# --- the library page -----------------------------------------------------------------------------------------


def test_the_urls_are_named_as_promised(org):
    assert reverse("objections-page") == PAGE
    assert reverse("objections-page-xlsx", kwargs={"table": "costs"}) == "/customers/objections/costs.xlsx"
    assert reverse("customer-objection-action", kwargs={"customer_id": 7}) == "/customers/7/objections/"


def test_the_library_page_shows_every_entry_with_its_three_answers(client, org):
    response = login(client, org.agent).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-objection="') == 10
    assert "10%–15%" in html
    assert html.count('data-field="answer_case"') == 10
    assert html.count('data-field="answer_clause"') == 10
    # An agent gets no form to change the library
    assert 'data-section="entry-form"' not in html


def test_search_narrows_the_library(client, org):
    response = login(client, org.agent).get(PAGE, {"q": "社保"})
    html = response.content.decode()
    assert html.count('data-objection="') == 1
    assert TITLES["C"] in html
    response = client.get(PAGE, {"q": "火星"})
    assert 'data-field="no-match"' in response.content.decode()


def test_the_costs_are_ranked_with_a_chart(client, org, other_org):
    write_costs(org, other_org)
    response = login(client, org.admin, "en").get(PAGE, SEPTEMBER)
    assert response.status_code == 200
    table = response.context["tables"]["costs"]
    assert [(row["title"], row["lost"], row["raised"]) for row in table.rows] == [
        (TITLES["A"], 3, 5),
        (TITLES["C"], 3, 3),
        (TITLES["B"], 1, 3),
    ]
    figure = response.context["figures"]["costs"]
    bars = figure["data"][0]
    # The costliest on top: plotly draws the last bar at the top.
    assert list(bars["y"]) == [TITLES["B"], TITLES["C"], TITLES["A"]]
    assert list(bars["x"]) == [1, 3, 3]
    assert 'data-chart="costs"' in response.content.decode()


def test_the_costs_follow_the_viewers_scope(client, org):
    write_costs(org)
    response = login(client, org.agent4).get(PAGE, SEPTEMBER)
    rows = response.context["tables"]["costs"].rows
    assert [(row["title"], row["lost"]) for row in rows] == [(TITLES["C"], 2), (TITLES["A"], 1)]


def test_a_bad_period_is_a_400_with_the_error_by_field(client, org):
    response = login(client, org.admin, "en").get(PAGE, {"date_from": "2025-09-30", "date_to": "2025-09-01"})
    assert response.status_code == 400
    assert 'data-error="date_to"' in response.content.decode()


def test_both_tables_export_to_xlsx(client, org):
    write_costs(org)
    login(client, org.admin, "en")
    rows = workbook_rows(client.get(reverse("objections-page-xlsx", kwargs={"table": "costs"}), SEPTEMBER))
    assert rows[0][:4] == ["Rank", "Objection", "Deals lost", "Times raised"]
    assert rows[1][:4] == [1, TITLES["A"], 3, 5]
    assert rows[1][6] == pytest.approx(0.75)
    library_rows = workbook_rows(client.get(reverse("objections-page-xlsx", kwargs={"table": "library"})))
    assert len(library_rows) == 11
    assert library_rows[0][:3] == ["Objection", "Keywords", "Answer with a case"]
    assert client.get(reverse("objections-page-xlsx", kwargs={"table": "nope"})).status_code == 404


@pytest.mark.parametrize("who", ["bank", "renewal_lead", "advisor"])
def test_roles_without_a_book_get_403(client, org, who):
    login(client, org.members[who])
    assert client.get(PAGE).status_code == 403
    assert client.get(reverse("objections-page-xlsx", kwargs={"table": "library"})).status_code == 403
    customer = make_customer(org, "agent", "张三")
    assert client.post(record_url(customer), {"objection": library(org)["A"].pk}).status_code == 403


def test_a_company_manager_adds_an_entry_from_the_page(client, org):
    login(client, org.manager)
    html = client.get(PAGE).content.decode()
    assert 'data-section="entry-form"' in html
    response = client.post(PAGE, {"action": "create", "title": "孩子还小", "answer_case": "案例"})
    assert response.status_code == 302
    assert Objection.objects.get(tenant=org.tenant, title="孩子还小").answer_case == "案例"


def test_a_duplicate_title_comes_back_with_the_error_and_nothing_saved(client, org):
    login(client, org.admin, "en")
    response = client.post(PAGE, {"action": "create", "title": "理赔难"})
    assert response.status_code == 400
    assert 'data-error="title"' in response.content.decode()
    assert Objection.objects.filter(tenant=org.tenant).count() == 10


def test_a_manager_edits_and_deactivates_an_entry(client, org):
    objection = library(org)["A"]
    login(client, org.admin)
    form = client.get(PAGE, {"edit": objection.pk})
    assert form.status_code == 200
    assert form.context["editing"] == objection
    response = client.post(
        f"{PAGE}?edit={objection.pk}",
        {"action": "edit", "title": objection.title, "keywords": "钱", "answer_case": "新案例"},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    # "active" unchecked: deactivated
    assert (objection.keywords, objection.answer_case, objection.active) == ("钱", "新案例", False)


def test_remove_deletes_an_unused_entry(client, org):
    objection = library(org)["B"]
    response = login(client, org.admin).post(PAGE, {"action": "remove", "objection_id": objection.pk})
    assert response.status_code == 302
    assert not Objection.objects.filter(pk=objection.pk).exists()


@pytest.mark.parametrize("who", ["branch_manager", "supervisor", "agent"])
def test_others_posting_to_the_library_get_403(client, org, who):
    objection = library(org)["A"]
    login(client, org.members[who])
    assert client.post(PAGE, {"action": "create", "title": "新"}).status_code == 403
    assert client.post(PAGE, {"action": "remove", "objection_id": objection.pk}).status_code == 403
    assert Objection.objects.filter(tenant=org.tenant).count() == 10


def test_another_tenants_entry_cannot_be_edited_or_removed(client, org, other_org):
    theirs = Objection.objects.filter(tenant=other_org.tenant).first()
    login(client, org.admin)
    assert client.get(PAGE, {"edit": theirs.pk}).status_code == 404
    assert client.post(PAGE, {"action": "remove", "objection_id": theirs.pk}).status_code == 404
    assert client.post(f"{PAGE}?edit={theirs.pk}", {"action": "edit", "title": "改"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title != "改"
    assert Objection.objects.filter(pk=theirs.pk).exists()


# --- the customer page's section and its action ---------------------------------------------------------------


def test_the_customer_page_shows_the_section_with_the_records(client, org):
    customer = make_customer(org, "agent", "张三")
    CustomerObjection.objects.create(
        tenant=org.tenant, customer=customer, objection=library(org)["A"], raised_on=TODAY, recorded_by=org.agent
    )
    response = login(client, org.agent).get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-section="objections"' in html
    assert TITLES["A"] in html
    assert 'data-form="record-objection"' in html


def test_the_customer_page_searches_the_library(client, org):
    customer = make_customer(org, "agent", "张三")
    response = login(client, org.agent).get(f"/customers/{customer.pk}/", {"objection_q": "商量"})
    html = response.content.decode()
    assert 'data-form="record-{}"'.format(library(org)["D"].pk) in html
    assert "受益人" in html  # its answers are there to read


def test_recording_from_the_customer_page_redirects_back(client, org):
    customer = make_customer(org, "agent", "张三", stage=Customer.Stage.PROPOSAL)
    objection = library(org)["A"]
    response = login(client, org.agent, "en").post(
        record_url(customer), {"objection": objection.pk, "raised_on": "2025-10-14"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/#objections"
    record = CustomerObjection.objects.get()
    assert (record.objection_id, record.raised_on.isoformat()) == (objection.pk, "2025-10-14")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"Recorded: “{TITLES['A']}”."]
    customer.refresh_from_db()
    assert customer.stage == Customer.Stage.OBJECTION


def test_bad_records_from_the_page_say_which_field_and_save_nothing(client, org, other_org):
    customer = make_customer(org, "agent", "张三")
    theirs = Objection.objects.filter(tenant=other_org.tenant).first()
    login(client, org.agent, "en")
    cases = [
        ({"objection": theirs.pk}, "Objection: Unknown objection."),
        ({"objection": ""}, "Objection: Choose the objection that came up."),
        (
            {"objection": library(org)["A"].pk, "raised_on": "2025-10-16"},
            "Raised on: The date cannot be in the future.",
        ),
        ({"objection": library(org)["A"].pk, "raised_on": "yesterday"}, "Raised on: Enter a valid date."),
    ]
    for body, message in cases:
        response = client.post(record_url(customer), body)
        assert response.status_code == 302
        # The messages wait (unread) for the customer page: this post's is the last.
        assert [str(m) for m in get_messages(response.wsgi_request)][-1] == message
    assert not CustomerObjection.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("agent", 302), ("supervisor", 302), ("manager", 302), ("agent2", 404), ("supervisor2", 404), ("agent4", 404)],
)
def test_role_scope_of_the_record_action(client, org, who, status):
    customer = make_customer(org, "agent", "张三")
    response = login(client, org.members[who]).post(record_url(customer), {"objection": library(org)["A"].pk})
    assert response.status_code == status
    assert CustomerObjection.objects.count() == (1 if status == 302 else 0)


def test_another_tenants_customer_is_404_and_nothing_recorded(client, org, other_org):
    theirs = make_customer(other_org, "agent", "别家客户")
    response = login(client, org.admin).post(record_url(theirs), {"objection": library(org)["A"].pk})
    assert response.status_code == 404
    assert not CustomerObjection.objects.exists()


def test_the_record_action_takes_only_posts(client, org):
    customer = make_customer(org, "agent", "张三")
    assert login(client, org.agent).get(record_url(customer)).status_code == 405

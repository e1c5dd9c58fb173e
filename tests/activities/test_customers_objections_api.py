"""The objection API: the library (search, create, edit, remove), the costs, a customer's objections.

Every endpoint: a cross-tenant test (another tenant's id → 404, nothing
changed) and a role-scope test. Figures: tests/activities/objections_data.py.
"""

from __future__ import annotations

import pytest

from activities.models.customers import Customer, CustomerObjection, Objection
from tests.activities.objections_data import EXPECTED, TITLES, TODAY, library, make_customer, write_costs

URL = "/api/v1/objections/"
COSTS = "/api/v1/objections/costs/"


def customer_url(customer) -> str:
    return f"/api/v1/customers/{customer.pk}/objections/"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("activities.apis.objections.tenant_today", lambda tenant: TODAY)
    monkeypatch.setattr("activities.services.objections.tenant_today", lambda tenant: TODAY)


# --- the library ------------------------------------------------------------------------------------------------


def test_every_book_reader_lists_the_library(org, api_en):
    for who in ("agent", "supervisor", "manager", "admin"):
        response = api_en(org.members[who]).get(URL)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["count"] == 10
        first = body["results"][0]
        assert set(first) == {"id", "title", "keywords", "answer_case", "answer_data", "answer_clause", "active"}


@pytest.mark.parametrize("who", ["bank", "renewal_lead", "advisor"])
def test_roles_without_a_book_get_403_everywhere(org, api_en, who):
    client = api_en(org.members[who])
    objection = library(org)["A"]
    customer = make_customer(org, "agent", "张三")
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{objection.pk}/").status_code == 403
    assert client.get(COSTS).status_code == 403
    assert client.get(customer_url(customer)).status_code == 403
    assert client.post(customer_url(customer), {"objection": objection.pk}, format="json").status_code == 403
    assert client.post(URL, {"title": "新"}, format="json").status_code == 403
    assert not CustomerObjection.objects.exists()


def test_search_by_q(org, api_en):
    response = api_en(org.agent).get(URL, {"q": "社保"})
    assert [row["title"] for row in response.json()["results"]] == [TITLES["C"]]
    response = api_en(org.agent).get(URL, {"q": "老婆"})
    assert [row["title"] for row in response.json()["results"]] == [TITLES["D"]]


def test_inactive_entries_only_when_asked(org, api_en):
    objection = library(org)["C"]
    assert api_en(org.admin).patch(f"{URL}{objection.pk}/", {"active": False}, format="json").status_code == 200
    assert api_en(org.agent).get(URL).json()["count"] == 9
    assert api_en(org.agent).get(URL, {"include_inactive": "true"}).json()["count"] == 10


def test_a_company_manager_creates_and_edits_an_entry(org, api_en):
    client = api_en(org.manager)
    response = client.post(
        URL, {"title": "孩子还小", "keywords": "孩子", "answer_case": "案例", "answer_clause": "条款"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "title": "孩子还小",
        "keywords": "孩子",
        "answer_case": "案例",
        "answer_data": "",
        "answer_clause": "条款",
        "active": True,
    }
    response = client.patch(f"{URL}{body['id']}/", {"answer_data": "数据"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["answer_data"] == "数据"
    assert response.json()["answer_case"] == "案例"  # untouched


@pytest.mark.parametrize("who", ["branch_manager", "supervisor", "agent"])
def test_others_may_not_change_the_library(org, api_en, who):
    client = api_en(org.members[who])
    objection = library(org)["A"]
    assert client.post(URL, {"title": "新异议"}, format="json").status_code == 403
    assert client.patch(f"{URL}{objection.pk}/", {"title": "改"}, format="json").status_code == 403
    assert client.delete(f"{URL}{objection.pk}/").status_code == 403
    objection.refresh_from_db()
    assert objection.title == TITLES["A"]
    assert Objection.objects.filter(tenant=org.tenant).count() == 10


def test_bad_input_answers_400_by_field(org, api_en):
    client = api_en(org.admin)
    response = client.post(URL, {"title": "理赔难"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"title": ["The library already has an objection with this title."]}
    response = client.post(URL, {"keywords": "只有关键词"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"title": ["Name the objection."]}
    objection = library(org)["A"]
    response = client.patch(f"{URL}{objection.pk}/", {"title": TITLES["B"]}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["title"]
    assert Objection.objects.filter(tenant=org.tenant).count() == 10


def test_the_api_answers_in_chinese_by_default(org, api_client_for):
    response = api_client_for(org.admin).post(URL, {"title": ""}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["title"]


def test_delete_removes_an_unused_entry_and_deactivates_a_used_one(org, api_en):
    objections = library(org)
    CustomerObjection.objects.create(
        tenant=org.tenant, customer=make_customer(org, "agent", "张三"), objection=objections["A"], raised_on=TODAY
    )
    client = api_en(org.admin)
    used = client.delete(f"{URL}{objections['A'].pk}/")
    assert used.status_code == 200
    assert used.json()["active"] is False
    assert client.delete(f"{URL}{objections['B'].pk}/").status_code == 204
    assert not Objection.objects.filter(pk=objections["B"].pk).exists()


def test_another_tenants_entry_is_404_and_unchanged(org, other_org, api_en):
    theirs = Objection.objects.filter(tenant=other_org.tenant).first()
    client = api_en(org.admin)
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.patch(f"{URL}{theirs.pk}/", {"title": "改"}, format="json").status_code == 404
    assert client.delete(f"{URL}{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert (theirs.title, theirs.active) != ("改", False)
    assert Objection.objects.filter(pk=theirs.pk).exists()
    # And their entries never show in our list
    ours = {row["id"] for row in client.get(URL, {"page_size": 100}).json()["results"]}
    assert theirs.pk not in ours


# --- the costs --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "supervisor", "agent"])
def test_costs_ranked_in_the_callers_scope(org, other_org, api_en, who):
    facts = write_costs(org, other_org)
    key_of = {objection.pk: key for key, objection in facts.objections.items()}
    response = api_en(org.members[who]).get(COSTS, {"date_from": "2025-09-01", "date_to": "2025-09-30"})
    assert response.status_code == 200, response.content
    rows = [
        (key_of[row["objection"]], row["raised"], row["customers"], row["signed"], row["lost"])
        for row in response.json()
    ]
    assert rows == EXPECTED[who]


def test_costs_row_shape(org, api_en):
    write_costs(org)
    row = api_en(org.admin).get(COSTS, {"date_from": "2025-09-01", "date_to": "2025-09-30"}).json()[0]
    assert row == {
        "objection": library(org)["A"].pk,
        "title": TITLES["A"],
        "active": True,
        "raised": 5,
        "customers": 4,
        "signed": 1,
        "lost": 3,
        "lost_share": "0.7500",
    }


def test_costs_bad_period_is_400(org, api_en):
    response = api_en(org.admin).get(COSTS, {"date_from": "2025-09-30", "date_to": "2025-09-01"})
    assert response.status_code == 400
    assert list(response.json()) == ["date_to"]
    assert list(api_en(org.admin).get(COSTS, {"date_from": "Sept"}).json()) == ["date_from"]


def test_another_tenants_records_never_count(org, other_org, api_en):
    write_costs(other_org)
    assert api_en(org.admin).get(COSTS).json() == []


# --- a customer's objections ------------------------------------------------------------------------------------


def test_the_owner_records_and_lists(org, api_en):
    customer = make_customer(org, "agent", "张三", stage=Customer.Stage.PROPOSAL)
    objection = library(org)["A"]
    client = api_en(org.agent)
    response = client.post(
        customer_url(customer), {"objection": objection.pk, "raised_on": "2025-10-14"}, format="json"
    )
    assert response.status_code == 201, response.content
    record = CustomerObjection.objects.get()
    assert response.json() == {
        "id": record.pk,
        "customer": customer.pk,
        "objection": objection.pk,
        "title": TITLES["A"],
        "raised_on": "2025-10-14",
        "recorded_by": org.agent.pk,
    }
    # The same again that day: 200 with the first record, nothing added
    again = client.post(customer_url(customer), {"objection": objection.pk, "raised_on": "2025-10-14"}, format="json")
    assert (again.status_code, again.json()["id"]) == (200, record.pk)
    listed = client.get(customer_url(customer)).json()
    assert [row["id"] for row in listed["results"]] == [record.pk]
    # The customer moved on from the proposal
    customer.refresh_from_db()
    assert customer.stage == Customer.Stage.OBJECTION


def test_raised_on_defaults_to_today(org, api_en):
    customer = make_customer(org, "agent", "张三")
    response = api_en(org.agent).post(customer_url(customer), {"objection": library(org)["A"].pk}, format="json")
    assert response.status_code == 201
    assert response.json()["raised_on"] == TODAY.isoformat()


def test_bad_records_answer_400_by_field(org, other_org, api_en):
    customer = make_customer(org, "agent", "张三")
    theirs = Objection.objects.filter(tenant=other_org.tenant).first()
    client = api_en(org.agent)

    def post(body):
        response = client.post(customer_url(customer), body, format="json")
        assert response.status_code == 400, response.content
        return response.json()

    assert post({}) == {"objection": ["Choose the objection that came up."]}
    assert post({"objection": theirs.pk}) == {"objection": ["Unknown objection."]}
    assert post({"objection": 987654}) == {"objection": ["Unknown objection."]}
    assert post({"objection": library(org)["A"].pk, "raised_on": "2025-10-16"}) == {
        "raised_on": ["The date cannot be in the future."]
    }
    assert list(post({"objection": "abc"})) == ["objection"]
    assert not CustomerObjection.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("agent", 201),
        ("supervisor", 201),
        ("branch_manager", 201),
        ("manager", 201),
        ("admin", 201),
        ("agent2", 404),
        ("supervisor2", 404),
        ("agent4", 404),
    ],
)
def test_role_scope_of_a_customers_objections(org, api_en, who, status):
    customer = make_customer(org, "agent", "张三")
    client = api_en(org.members[who])
    response = client.post(customer_url(customer), {"objection": library(org)["A"].pk}, format="json")
    assert response.status_code == status
    assert client.get(customer_url(customer)).status_code == (200 if status == 201 else 404)
    assert CustomerObjection.objects.count() == (1 if status == 201 else 0)


def test_another_tenants_customer_is_404_and_nothing_recorded(org, other_org, api_en):
    theirs = make_customer(other_org, "agent", "别家客户")
    client = api_en(org.admin)
    assert client.get(customer_url(theirs)).status_code == 404
    response = client.post(customer_url(theirs), {"objection": library(org)["A"].pk}, format="json")
    assert response.status_code == 404
    assert not CustomerObjection.objects.exists()


def test_an_erased_customer_is_404(org, api_en):
    customer = make_customer(org, "agent", "张三")
    Customer.objects.filter(pk=customer.pk).update(erased_at="2025-10-01T00:00:00Z", name="")
    response = api_en(org.agent).post(customer_url(customer), {"objection": library(org)["A"].pk}, format="json")
    assert response.status_code == 404
    assert not CustomerObjection.objects.exists()


def test_the_list_reads_in_few_queries(org, api_en, django_assert_max_num_queries):
    customer = make_customer(org, "agent", "张三")
    for key in "ABC":
        CustomerObjection.objects.create(
            tenant=org.tenant, customer=customer, objection=library(org)[key], raised_on=TODAY, recorded_by=org.agent
        )
    client = api_en(org.agent)
    # Auth (token, member), the customer, the count, the page: no query per row.
    with django_assert_max_num_queries(7):
        response = client.get(customer_url(customer))
    assert response.json()["count"] == 3

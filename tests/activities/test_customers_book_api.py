"""The customer book's API: shape (API.md ``customers/``), masking by role, duplicates, merge, erase, exports log.

Data: tests/activities/book_data.py.
"""

from __future__ import annotations

import pytest

from activities.models.customers import Customer
from dashboards.services import rollups
from tests.activities.book_data import (
    AGENT_NOVEMBER_POLICIES,
    AGENT_NOVEMBER_PREMIUM,
    TODAY,
    customer,
    write_book,
    write_sales,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers/"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("activities.services.customers.tenant_today", lambda tenant: TODAY)


@pytest.fixture
def book(org):
    return write_book(org)


def test_the_owner_reads_the_entry_in_full_as_api_md_names_it(org, book, api_en):
    zhang = book["张三"]
    body = api_en(org.agent).get(f"{URL}{zhang.pk}/").json()
    assert body == {
        "id": zhang.pk,
        "name": "张三",
        "phone": "13812341234",
        "source": "referral",
        "tier": "",
        "stage": "acquired",
        "owner": org.agent.pk,
        "owner_name": org.agent.display_name,
        "referred_by": None,
        "consent": "given",
        "acquired_on": "2026-11-02",
        "last_contact_on": None,
        "household": {"income": "300000.00", "members": 3, "cover": {"health": "2000.00"}},
        "notes": "喜欢周末见面",
    }


@pytest.mark.parametrize(
    ("role", "status", "phone"),
    [
        ("agent", 200, "13812341234"),
        ("supervisor", 200, "13812341234"),
        ("supervisor2", 404, None),
        ("agent2", 404, None),
        ("branch_manager", 200, "138****1234"),
        ("manager", 200, "138****1234"),
        ("admin", 200, "138****1234"),
        ("bank", 403, None),
        ("advisor", 403, None),
        ("renewal_lead", 403, None),
    ],
)
def test_masking_and_scope_by_role(org, book, api_en, role, status, phone):
    response = api_en(org.members[role]).get(f"{URL}{book['张三'].pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["phone"] == phone
        assert (body["household"] == {}) is (phone != "13812341234")


def test_the_list_is_paginated_and_filtered(org, book, api_en):
    body = api_en(org.supervisor).get(URL).json()
    assert body["count"] == 3 and {"next", "previous", "results"} <= set(body)
    assert [row["name"] for row in body["results"]] == ["张三", "李四", "王五"]
    assert [row["phone"] for row in body["results"]] == ["13812341234", "13900001111", "15000002222"]
    masked = api_en(org.manager).get(URL, {"source": "event"}).json()
    assert [(row["name"], row["phone"]) for row in masked["results"]] == [("王五", "150****2222")]
    assert api_en(org.bank).get(URL).status_code == 403


def test_post_creates_in_the_agents_own_book(org, api_en):
    response = api_en(org.agent).post(
        URL, {"name": "周八", "phone": "+86 137 0000 0000", "source": "online", "consent": "given"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["owner"], body["phone"], body["stage"], body["acquired_on"]) == (
        org.agent.pk,
        "13700000000",
        "acquired",
        TODAY.isoformat(),
    )


def test_a_duplicate_phone_is_400_with_the_entry_to_merge(org, book, api_en):
    response = api_en(org.supervisor).post(
        URL, {"owner": org.agent2.pk, "name": "张三丰", "phone": "138 1234 1234"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["duplicate_of"] == book["张三"].pk and "张三" in body["phone"][0]
    # agent2 may not read agent's entry: no id to merge, no name.
    response = api_en(org.agent2).post(URL, {"name": "张三丰", "phone": "13812341234"}, format="json")
    assert response.status_code == 400 and "duplicate_of" not in response.json()
    assert "张三" not in response.json()["phone"][0]
    assert Customer.objects.filter(tenant=org.tenant).count() == 4


def test_malformed_phone_is_a_field_error(org, api_en):
    response = api_en(org.agent).post(URL, {"name": "周八", "phone": "12345"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["phone"]
    assert not Customer.objects.exists()


def test_patch_and_the_masked_readers_limits(org, book, api_en):
    url = f"{URL}{book['张三'].pk}/"
    response = api_en(org.supervisor).patch(url, {"phone": "13700000000", "notes": "新号码"}, format="json")
    assert response.status_code == 200 and response.json()["phone"] == "13700000000"
    assert api_en(org.manager).patch(url, {"phone": "13711111111"}, format="json").status_code == 403
    response = api_en(org.manager).patch(url, {"owner": org.agent2.pk}, format="json")
    assert response.status_code == 200 and response.json()["owner"] == org.agent2.pk
    assert api_en(org.agent).patch(url, {"notes": "x"}, format="json").status_code == 404


def test_merge_and_erase_endpoints(org, book, api_en):
    duplicate = customer(org, org.agent, "张三", "", birthday=None)
    client = api_en(org.agent)
    response = client.post(f"{URL}{book['张三'].pk}/merge/", {"duplicate": duplicate.pk}, format="json")
    assert response.status_code == 200 and not Customer.objects.filter(pk=duplicate.pk).exists()
    erase = f"{URL}{book['张三'].pk}/erase/"
    assert client.post(erase, {"reason": "客户要求"}, format="json").status_code == 403
    supervisor = api_en(org.supervisor)
    assert list(supervisor.post(erase, {"reason": ""}, format="json").json()) == ["reason"]
    response = supervisor.post(erase, {"reason": "客户来电要求删除"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == f"已删除客户 #{book['张三'].pk}"
    assert supervisor.get(f"{URL}{book['张三'].pk}/").status_code == 404


def test_erasure_leaves_the_agents_rollup_right(org, book, api_en):
    write_sales(org, book)
    api_en(org.supervisor).post(f"{URL}{book['张三'].pk}/erase/", {"reason": "客户要求"}, format="json")
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    rows = (
        api_en(org.agent)
        .get(
            "/api/v1/rollups/",
            {"scope": "member", "id": org.agent.pk, "grain": "month", "from": "2026-11-01", "to": "2026-11-30"},
        )
        .json()
    )
    [november] = rows
    assert (november["policies"], november["premium"]) == (AGENT_NOVEMBER_POLICIES, str(AGENT_NOVEMBER_PREMIUM))
    sales = api_en(org.manager).get("/api/v1/sales/", {"member": org.agent.pk}).json()
    assert sales["count"] == AGENT_NOVEMBER_POLICIES


def test_another_tenants_ids_are_404_and_change_nothing(org, other_org, book, api_en):
    foreign = customer(other_org, other_org.agent, "外人", "13700000000")
    other = customer(other_org, other_org.agent, "外人二", "")
    admin = api_en(org.admin)
    assert admin.get(f"{URL}{foreign.pk}/").status_code == 404
    assert admin.patch(f"{URL}{foreign.pk}/", {"owner": org.agent.pk}, format="json").status_code == 404
    assert admin.post(f"{URL}{foreign.pk}/erase/", {"reason": "x"}, format="json").status_code == 404
    supervisor = api_en(org.supervisor)
    assert supervisor.post(f"{URL}{foreign.pk}/merge/", {"duplicate": other.pk}, format="json").status_code == 404
    response = supervisor.post(f"{URL}{book['张三'].pk}/merge/", {"duplicate": foreign.pk}, format="json")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert (foreign.name, foreign.phone, foreign.erased_at, foreign.owner) == (
        "外人",
        "13700000000",
        None,
        other_org.agent,
    )
    assert Customer.objects.filter(pk=other.pk).exists()


def test_the_export_log_endpoint(org, other_org, api_en):
    from activities.services.customers import export_personal_data

    export_personal_data(tenant=org.tenant, actor=org.supervisor, what="customers-page-xlsx", rows=3, masked=False)
    export_personal_data(
        tenant=other_org.tenant, actor=other_org.admin, what="customers-page-xlsx", rows=9, masked=True
    )
    body = api_en(org.manager).get("/api/v1/personal-data-exports/").json()
    assert body["count"] == 1
    [row] = body["results"]
    assert (row["member"], row["member_name"], row["what"], row["rows"], row["masked"]) == (
        org.supervisor.pk,
        org.supervisor.display_name,
        "customers-page-xlsx",
        3,
        False,
    )
    assert api_en(org.branch_manager).get("/api/v1/personal-data-exports/").status_code == 403
    assert api_en(org.agent).get("/api/v1/personal-data-exports/").status_code == 403

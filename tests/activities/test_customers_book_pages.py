"""The customer book's pages: the book (filters, add form, duplicates, XLSX export and its log), one customer.

Data: tests/activities/book_data.py.
"""

from __future__ import annotations

import pytest

from activities.models.customers import Customer, PersonalDataExport
from tests.activities.book_data import TODAY, customer, write_book
from tests.pages import login, workbook_rows

pytestmark = pytest.mark.django_db
BOOK = "/customers/"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("activities.pages.customers.tenant_today", lambda tenant: TODAY)
    monkeypatch.setattr("activities.services.customers.tenant_today", lambda tenant: TODAY)


@pytest.fixture
def book(org):
    return write_book(org)


def test_the_book_shows_full_phones_to_the_supervisor_and_masked_to_the_manager(client, org, book):
    page = login(client, org.supervisor, "en").get(BOOK).content.decode()
    assert "13812341234" in page and "赵六" not in page
    client.logout()
    page = login(client, org.manager, "en").get(BOOK).content.decode()
    assert "138****1234" in page and "13812341234" not in page and "赵六" in page


@pytest.mark.parametrize("role", ["bank", "renewal_lead", "advisor"])
def test_roles_without_a_book_get_403(client, org, book, role):
    assert login(client, org.members[role], "en").get(BOOK).status_code == 403
    assert login(client, org.members[role], "en").get(f"{BOOK}{book['张三'].pk}/").status_code == 403


def test_search_filters_the_book(client, org, book):
    page = login(client, org.agent, "en").get(BOOK, {"q": "李"}).content.decode()
    assert "李四" in page and "张三</a>" not in page


def test_adding_a_customer_from_the_phone_form(client, org):
    response = login(client, org.agent, "en").post(
        BOOK,
        {
            "action": "create",
            "name": "周八",
            "phone": "137-0000-0000",
            "source": "online",
            "consent": "given",
            "acquired_on": "2026-11-20",
        },
    )
    created = Customer.objects.get(tenant=org.tenant)
    assert response.status_code == 302 and response["Location"] == f"{BOOK}{created.pk}/"
    assert (created.owner, created.phone) == (org.agent, "13700000000")


def test_a_duplicate_is_answered_with_a_link_to_the_existing_entry(client, org, book):
    response = login(client, org.supervisor, "en").post(
        BOOK,
        {
            "action": "create",
            "owner": org.agent2.pk,
            "name": "张三丰",
            "phone": "13812341234",
            "source": "own",
            "consent": "pending",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'data-duplicate="{book["张三"].pk}"' in page and 'data-error="phone"' in page
    assert Customer.objects.filter(tenant=org.tenant).count() == 4


def test_the_export_masks_for_managers_and_is_logged(client, org, book):
    rows = workbook_rows(login(client, org.manager, "en").get(f"{BOOK}customers.xlsx"))
    assert rows[0][:2] == ["Name", "Phone"]
    assert sorted((row[0], row[1]) for row in rows[1:]) == [
        ("张三", "138****1234"),
        ("李四", "139****1111"),
        ("王五", "150****2222"),
        ("赵六", "186****3333"),
    ]
    logged = PersonalDataExport.objects.get(tenant=org.tenant)
    assert (logged.member, logged.rows, logged.masked) == (org.manager, 4, True)


def test_the_supervisors_export_is_full_and_logged_unmasked(client, org, book):
    rows = workbook_rows(login(client, org.supervisor, "en").get(f"{BOOK}customers.xlsx"))
    assert [row[1] for row in rows[1:]] == ["13812341234", "13900001111", "15000002222"]
    logged = PersonalDataExport.objects.get(tenant=org.tenant)
    assert (logged.member, logged.rows, logged.masked, logged.what) == (
        org.supervisor,
        3,
        False,
        "customers-page-xlsx:customers",
    )


@pytest.mark.parametrize(
    ("role", "status", "full"),
    [
        ("agent", 200, True),
        ("supervisor", 200, True),
        ("supervisor2", 404, None),
        ("manager", 200, False),
        ("admin", 200, False),
    ],
)
def test_the_customer_page_by_role(client, org, book, role, status, full):
    response = login(client, org.members[role], "en").get(f"{BOOK}{book['张三'].pk}/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert ("13812341234" in page) is full and ("300000.00" in page) is full
        assert ("138****1234" in page) is not full


def test_another_tenants_customer_page_is_404_and_posts_change_nothing(client, org, other_org):
    foreign = customer(other_org, other_org.agent, "外人", "13700000000")
    login(client, org.admin, "en")
    assert client.get(f"{BOOK}{foreign.pk}/").status_code == 404
    assert client.post(f"{BOOK}{foreign.pk}/", {"action": "erase", "reason": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.erased_at is None and foreign.name == "外人"


def test_edit_merge_and_erase_from_the_page(client, org, book):
    zhang = book["张三"]
    url = f"{BOOK}{zhang.pk}/"
    login(client, org.agent, "en")
    form = {
        "action": "update",
        "name": "张三",
        "phone": "13812341234",
        "source": "referral",
        "consent": "given",
        "acquired_on": "2026-11-02",
        "notes": "改约周六",
    }
    assert client.post(url, form).status_code == 302
    zhang.refresh_from_db()
    assert zhang.notes == "改约周六"
    bad = client.post(url, {**form, "phone": "13900001111"})
    assert bad.status_code == 400 and 'data-error="phone"' in bad.content.decode()
    duplicate = customer(org, org.agent, "张三", "")
    assert client.post(url, {"action": "merge", "duplicate": duplicate.pk}).status_code == 302
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    assert client.post(url, {"action": "erase", "reason": "客户要求"}).status_code == 403
    client.logout()
    login(client, org.supervisor, "en")
    assert client.post(url, {"action": "erase", "reason": ""}).status_code == 400
    response = client.post(url, {"action": "erase", "reason": "客户来电要求删除"})
    assert response.status_code == 302 and response["Location"] == BOOK
    zhang.refresh_from_db()
    assert zhang.erased_at is not None and zhang.phone == ""

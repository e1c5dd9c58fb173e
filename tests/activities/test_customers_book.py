"""The customer book's services and selectors: phones, duplicates, scope and masking, merge, erasure.

Data: tests/activities/book_data.py (figures worked out there).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404

from activities.models import DailyLog, Visit
from activities.models.customers import Customer, CustomerObjection, CustomerStageChange, Objection, Quote
from activities.selectors import customers as selectors
from activities.services import customers as services
from salesops.org.models import Product
from targets.models import SaleRecord
from targets.selectors.sales import sale_record_list
from tests.activities.book_data import (
    AGENT_NOVEMBER_POLICIES,
    AGENT_NOVEMBER_PREMIUM,
    TODAY,
    customer,
    write_book,
    write_sales,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(org):
    return write_book(org)


# Phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "13812341234",
        "138 1234 1234",
        "138-1234-1234",
        "+86 138 1234 1234",
        "+8613812341234",
        "0086 13812341234",
        "8613812341234",
        "１３８１２３４１２３４",
        " (138) 1234-1234 ",
    ],
)
def test_phones_are_kept_as_eleven_digits(text):
    assert services.normalise_phone(text) == "13812341234"


def test_a_blank_phone_stays_blank():
    assert services.normalise_phone("") == "" and services.normalise_phone("   ") == ""


@pytest.mark.parametrize(
    "text", ["1381234123", "138123412345", "12812341234", "23812341234", "+1 212 555 0100", "1381234abcd", "phone"]
)
def test_malformed_phones_are_refused(text):
    with pytest.raises(ValidationError):
        services.normalise_phone(text)


def test_a_malformed_phone_saves_nothing(org):
    with pytest.raises(ValidationError) as caught:
        customer(org, org.agent, "张三", "1381234")
    assert list(caught.value.message_dict) == ["phone"]
    assert not Customer.objects.exists() and not CustomerStageChange.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"), [("13812341234", "138****1234"), ("", ""), ("15000002222", "150****2222")]
)
def test_mask_phone(text, expected):
    assert selectors.mask_phone(text) == expected


# Creating ------------------------------------------------------------------------------------


def test_create_writes_the_entry_and_its_first_stage_change(org, book):
    zhang = book["张三"]
    assert (zhang.phone, zhang.stage, zhang.stage_changed_on, zhang.owner) == (
        "13812341234",
        "acquired",
        date(2026, 11, 2),
        org.agent,
    )
    assert zhang.household == {"income": "300000.00", "members": 3, "cover": {"health": "2000.00"}}
    change = CustomerStageChange.objects.get(customer=zhang)
    assert (change.from_stage, change.to_stage, change.changed_on, change.changed_by) == (
        "",
        "acquired",
        date(2026, 11, 2),
        org.agent,
    )
    assert book["李四"].phone == "13900001111" and book["李四"].referred_by == zhang


def test_same_phone_for_another_agent_is_a_duplicate_naming_the_entry(org, book):
    with pytest.raises(ValidationError) as caught:
        customer(org, org.agent2, "张三丰", "138-1234-1234")
    [error] = caught.value.error_dict["phone"]
    assert error.code == "duplicate" and error.params["customer_id"] == book["张三"].pk
    # agent2 may not read agent's book: the message gives the id, not the name.
    assert f"#{book['张三'].pk}" in error.message % error.params or f"#{book['张三'].pk}" in str(error.messages)
    assert "张三" not in " ".join(caught.value.messages)
    assert services.duplicate_of(caught.value) is None
    assert Customer.objects.filter(tenant=org.tenant).count() == 4


def test_a_supervisor_is_told_the_duplicates_name_and_may_merge(org, book):
    with pytest.raises(ValidationError) as caught:
        customer(org, org.agent2, "张三丰", "13812341234", actor=org.supervisor)
    assert "张三" in " ".join(caught.value.messages)
    assert services.duplicate_of(caught.value) == book["张三"].pk


def test_same_phone_in_another_tenant_is_fine(org, other_org, book):
    other = customer(other_org, other_org.agent, "张三", "13812341234")
    assert other.phone == book["张三"].phone and other.tenant == other_org.tenant


@pytest.mark.parametrize(
    ("actor", "owner", "ok"),
    [
        ("agent", "agent", True),
        ("agent", "agent2", False),
        ("supervisor", "agent2", True),
        ("supervisor", "agent3", False),
        ("branch_manager", "agent3", True),
        ("branch_manager", "agent4", False),
        ("admin", "agent4", True),
    ],
)
def test_who_adds_to_whose_book(org, actor, owner, ok):
    make = lambda: customer(org, org.members[owner], "新客户", "", actor=org.members[actor])  # noqa: E731
    if ok:
        assert make().owner == org.members[owner]
    else:
        with pytest.raises(ValidationError) as caught:
            make()
        assert list(caught.value.message_dict) == ["owner"]


@pytest.mark.parametrize("role", ["bank", "renewal_lead", "advisor"])
def test_roles_without_a_book_add_nothing(org, role):
    with pytest.raises(PermissionDenied):
        customer(org, org.agent, "新客户", "", actor=org.members[role])


def test_bad_facts_answer_by_field_and_save_nothing(org, other_org, book):
    foreign = customer(other_org, other_org.agent, "外人", "13700000000")
    with pytest.raises(ValidationError) as caught:
        services.customer_create(
            tenant=org.tenant,
            actor=org.agent,
            owner_id=org.agent.pk,
            name="  ",
            phone="",
            source="nowhere",
            referred_by_id=foreign.pk,
            consent="maybe",
            household={"income": "-5"},
            acquired_on=date(2026, 11, 23),
            today=TODAY,
        )
    assert set(caught.value.message_dict) == {"name", "source", "referred_by", "consent", "household", "acquired_on"}
    assert Customer.objects.filter(tenant=org.tenant).count() == 4


# Scope and masking ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "names"),
    [
        ("agent", {"张三", "李四"}),
        ("agent2", {"王五"}),
        ("supervisor", {"张三", "李四", "王五"}),
        ("supervisor2", {"赵六"}),
        ("branch_manager", {"张三", "李四", "王五", "赵六"}),
        ("manager", {"张三", "李四", "王五", "赵六"}),
        ("admin", {"张三", "李四", "王五", "赵六"}),
        ("agent4", set()),
    ],
)
def test_each_role_reads_its_book(org, book, role, names):
    actor = org.members[role]
    assert {c.name for c in selectors.customer_list(tenant=org.tenant, actor=actor)} == names


@pytest.mark.parametrize("role", ["bank", "renewal_lead", "advisor"])
def test_bank_and_renewal_roles_have_no_book(org, book, role):
    with pytest.raises(PermissionDenied):
        selectors.customer_list(tenant=org.tenant, actor=org.members[role])
    with pytest.raises(PermissionDenied):
        selectors.access_customer_by_id(tenant=org.tenant, actor=org.members[role], id=book["张三"].pk)


@pytest.mark.parametrize(
    ("role", "full"),
    [("agent", True), ("supervisor", True), ("branch_manager", False), ("manager", False), ("admin", False)],
)
def test_who_reads_personal_data_in_full(org, book, role, full):
    actor = org.members[role]
    zhang = selectors.access_customer_by_id(tenant=org.tenant, actor=actor, id=book["张三"].pk)
    assert selectors.reads_in_full(actor, zhang) is full
    shown = selectors.customer_dict(zhang, full=selectors.reads_in_full(actor, zhang))
    if full:
        assert (shown["phone"], shown["household"]["income"]) == ("13812341234", "300000.00")
    else:
        assert (shown["phone"], shown["household"]) == ("138****1234", {})


@pytest.mark.parametrize("role", ["agent2", "supervisor2", "agent4"])
def test_out_of_scope_is_404(org, book, role):
    with pytest.raises(Http404):
        selectors.access_customer_by_id(tenant=org.tenant, actor=org.members[role], id=book["张三"].pk)


def test_another_tenants_customer_is_404(org, other_org, book):
    foreign = customer(other_org, other_org.agent, "外人", "13700000000")
    with pytest.raises(Http404):
        selectors.access_customer_by_id(tenant=org.tenant, actor=org.admin, id=foreign.pk)
    with pytest.raises(Http404):
        services.customer_update(tenant=org.tenant, actor=org.admin, customer=foreign, data={"owner": org.agent.pk})
    assert Customer.objects.get(pk=foreign.pk).owner == other_org.agent


def test_phone_search_only_within_what_the_reader_reads_in_full(org, book):
    by_supervisor = selectors.customer_list(tenant=org.tenant, actor=org.supervisor, filters={"q": "1234"})
    by_manager = selectors.customer_list(tenant=org.tenant, actor=org.manager, filters={"q": "1234"})
    assert [c.name for c in by_supervisor] == ["张三"] and list(by_manager) == []
    assert [c.name for c in selectors.customer_list(tenant=org.tenant, actor=org.manager, filters={"q": "王"})] == [
        "王五"
    ]


def test_the_book_is_read_in_a_fixed_number_of_queries(org, book, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        rows = [
            selectors.customer_dict(c, full=selectors.reads_in_full(org.supervisor, c))
            for c in selectors.customer_list(tenant=org.tenant, actor=org.supervisor)
        ]
    assert len(rows) == 3


# Updating -----------------------------------------------------------------------------------


def test_the_owner_updates_and_a_duplicate_phone_is_refused(org, book):
    zhang = book["张三"]
    services.customer_update(
        tenant=org.tenant, actor=org.agent, customer=zhang, data={"notes": "改约周六"}, today=TODAY
    )
    with pytest.raises(ValidationError) as caught:
        services.customer_update(
            tenant=org.tenant, actor=org.agent, customer=zhang, data={"phone": "13900001111"}, today=TODAY
        )
    assert services.duplicate_of(caught.value) == book["李四"].pk
    zhang.refresh_from_db()
    assert (zhang.notes, zhang.phone) == ("改约周六", "13812341234")


def test_a_manager_hands_a_customer_over_but_changes_no_personal_data(org, book):
    zhang = book["张三"]
    with pytest.raises(PermissionDenied):
        services.customer_update(tenant=org.tenant, actor=org.manager, customer=zhang, data={"phone": "13700000000"})
    services.customer_update(tenant=org.tenant, actor=org.manager, customer=zhang, data={"owner": org.agent2.pk})
    zhang.refresh_from_db()
    assert (zhang.owner, zhang.phone) == (org.agent2, "13812341234")


# Merging ------------------------------------------------------------------------------------


def test_merge_moves_everything_onto_the_entry_kept(org, book):
    zhang, li = book["张三"], book["李四"]
    duplicate = customer(org, org.agent2, "张三", "", notes="", birthday=date(1980, 5, 1))
    referred = customer(org, org.agent2, "孙七", "", referred_by_id=duplicate.pk, actor=org.supervisor)
    log = DailyLog.objects.create(tenant=org.tenant, member=org.agent2, date=date(2026, 11, 9))
    visit = Visit.objects.create(tenant=org.tenant, log=log, name="张三", kind="prospect", customer=duplicate)
    product = Product.objects.get(tenant=org.tenant, code="health")
    quote = Quote.objects.create(
        tenant=org.tenant, customer=duplicate, product=product, premium=Decimal("5000.00"), quoted_on=TODAY
    )
    objection = Objection.objects.create(tenant=org.tenant, title="太贵了")
    raised = CustomerObjection.objects.create(
        tenant=org.tenant, customer=duplicate, objection=objection, raised_on=TODAY
    )
    write_sales(org, {"张三": duplicate})
    kept = services.customer_merge(tenant=org.tenant, actor=org.supervisor, keep=zhang, duplicate=duplicate)
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    visit.refresh_from_db()
    quote.refresh_from_db()
    raised.refresh_from_db()
    referred.refresh_from_db()
    assert (
        visit.customer == kept and quote.customer == kept and raised.customer == kept and referred.referred_by == kept
    )
    assert SaleRecord.objects.filter(customer=kept).count() == 1
    assert CustomerStageChange.objects.filter(customer=kept).count() == 2
    # Blanks filled from the duplicate; the kept entry's own facts stay.
    assert (kept.birthday, kept.notes, kept.phone) == (date(1980, 5, 1), "喜欢周末见面", "13812341234")
    assert li.pk != kept.pk and Customer.objects.get(pk=li.pk).referred_by == kept


def test_merge_needs_full_read_of_both(org, book):
    with pytest.raises(PermissionDenied):
        services.customer_merge(tenant=org.tenant, actor=org.manager, keep=book["张三"], duplicate=book["李四"])
    with pytest.raises(Http404):
        services.customer_merge(tenant=org.tenant, actor=org.agent, keep=book["张三"], duplicate=book["王五"])
    with pytest.raises(ValidationError):
        services.customer_merge(tenant=org.tenant, actor=org.agent, keep=book["张三"], duplicate=book["张三"])
    assert Customer.objects.filter(tenant=org.tenant).count() == 4


# Erasure ------------------------------------------------------------------------------------


def test_erasure_removes_personal_data_and_keeps_the_rollups_right(org, book):
    write_sales(org, book)
    zhang = book["张三"]
    log = DailyLog.objects.create(tenant=org.tenant, member=org.agent, date=date(2026, 11, 9))
    Visit.objects.create(tenant=org.tenant, log=log, name="张三", phone="13812341234", kind="prospect", customer=zhang)
    services.customer_erase(tenant=org.tenant, actor=org.supervisor, customer=zhang, reason="客户来电要求删除")
    zhang.refresh_from_db()
    assert zhang.name == f"已删除客户 #{zhang.pk}"
    assert (zhang.phone, zhang.household, zhang.needs, zhang.birthday, zhang.consent) == ("", {}, {}, None, "withdrawn")
    assert zhang.erased_at is not None and "客户来电要求删除" in zhang.notes and "喜欢" not in zhang.notes
    visit = Visit.objects.get(log=log)
    assert (visit.name, visit.phone, visit.customer_id) == (zhang.name, "", zhang.pk)
    # Out of the book, 404 by id.
    with pytest.raises(Http404):
        selectors.access_customer_by_id(tenant=org.tenant, actor=org.agent, id=zhang.pk)
    assert "张三" not in [c.name for c in selectors.customer_list(tenant=org.tenant, actor=org.agent)]
    # The agent's November still counts both sales (worked out in book_data).
    sales = sale_record_list(tenant=org.tenant, actor=org.agent, filters={"from": date(2026, 11, 1)})
    assert sales.count() == AGENT_NOVEMBER_POLICIES
    assert sales.aggregate(total=Sum("premium"))["total"] == AGENT_NOVEMBER_PREMIUM
    assert SaleRecord.objects.get(tenant=org.tenant, customer=zhang).premium == Decimal("12000.00")


def test_only_supervisors_managers_and_admins_erase_with_a_reason(org, book):
    zhang = book["张三"]
    with pytest.raises(PermissionDenied):
        services.customer_erase(tenant=org.tenant, actor=org.agent, customer=zhang, reason="客户要求")
    with pytest.raises(ValidationError) as caught:
        services.customer_erase(tenant=org.tenant, actor=org.manager, customer=zhang, reason="  ")
    assert list(caught.value.message_dict) == ["reason"]
    with pytest.raises(Http404):
        services.customer_erase(tenant=org.tenant, actor=org.supervisor2, customer=zhang, reason="客户要求")
    zhang.refresh_from_db()
    assert zhang.erased_at is None and zhang.name == "张三"


def test_an_erased_phone_may_be_entered_again(org, book):
    services.customer_erase(tenant=org.tenant, actor=org.admin, customer=book["张三"], reason="客户要求")
    again = customer(org, org.agent, "张三", "13812341234")
    assert again.pk != book["张三"].pk


# The export log -------------------------------------------------------------------------------


def test_exports_are_logged_and_read_by_company_leaders_only(org, book):
    services.export_personal_data(tenant=org.tenant, actor=org.manager, what="customers", rows=4, masked=True)
    [logged] = selectors.personal_data_export_list(tenant=org.tenant, actor=org.admin)
    assert (logged.member, logged.rows, logged.masked, logged.what) == (org.manager, 4, True, "customers")
    for role in ("branch_manager", "supervisor", "agent", "bank"):
        with pytest.raises(PermissionDenied):
            selectors.personal_data_export_list(tenant=org.tenant, actor=org.members[role])

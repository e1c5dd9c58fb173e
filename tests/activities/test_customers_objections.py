"""The objection library: the default library, search, writes and their bad input, recording, the cost ranking.

Figures: tests/activities/objections_data.py (worked out by hand in its docstring).
"""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from activities.models.customers import Customer, CustomerObjection, CustomerStageChange, Objection
from activities.objection_library import DEFAULT_OBJECTIONS, seed_objections
from activities.selectors import objections as selectors
from activities.services import objections as services
from salesops.org import services as org_services
from tests.activities.objections_data import (
    EXPECTED,
    EXPECTED_ADMIN_ALL_TIME,
    SEPTEMBER,
    TITLES,
    TODAY,
    cost_rows,
    library,
    make_customer,
    write_costs,
)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("activities.services.objections.tenant_today", lambda tenant: TODAY)


# --- the default library ---------------------------------------------------------------------------------------


def test_a_new_tenant_gets_the_default_library(db):
    # Given a tenant created through the onboarding service
    tenant, _admin = org_services.tenant_create(
        slug="newco", name="新公司", admin_username="newco-admin", admin_password="Test-pass-2026!"
    )
    # Then it has the ten default objections, each with its three answers
    entries = list(Objection.objects.filter(tenant=tenant).order_by("id"))
    assert [entry.title for entry in entries] == [default["title"] for default in DEFAULT_OBJECTIONS]
    assert len(entries) == 10
    assert all(entry.active and entry.answer_case and entry.answer_data and entry.answer_clause for entry in entries)
    # And the seed's named objections and its household-budget rule are there
    titles = {entry.title for entry in entries}
    assert {"保险都是骗人的（保险是传销）", "理赔难", "没钱，保费太贵了", "我已经有社保了"} <= titles
    assert "10%–15%" in Objection.objects.get(tenant=tenant, title="没钱，保费太贵了").answer_data


def test_seeding_again_adds_nothing_and_keeps_the_tenants_edits(org, other_org):
    # Given the tenant edited one default and deactivated another
    objection = Objection.objects.get(tenant=org.tenant, title=TITLES["A"])
    services.objection_update(
        tenant=org.tenant, actor=org.admin, objection_id=objection.pk, answer_data="我们的数据", active=False
    )
    # When the library is seeded again (twice)
    assert seed_objections(org.tenant) == 0
    assert seed_objections(org.tenant) == 0
    # Then nothing was added and the edit stands; the other tenant is untouched
    assert Objection.objects.filter(tenant=org.tenant).count() == 10
    objection.refresh_from_db()
    assert (objection.answer_data, objection.active) == ("我们的数据", False)
    assert Objection.objects.filter(tenant=other_org.tenant).count() == 10


def test_seeding_fills_in_what_a_tenant_lacks(org):
    # Given a tenant missing two defaults (as a tenant from before the library would be)
    Objection.objects.filter(tenant=org.tenant, title__in=[TITLES["B"], TITLES["C"]]).delete()
    # When seeded
    assert seed_objections(org.tenant) == 2
    # Then it has all ten again
    assert Objection.objects.filter(tenant=org.tenant).count() == 10


def test_the_data_migration_seeds_existing_tenants_once(org):
    # Given an existing tenant without its library
    Objection.objects.filter(tenant=org.tenant).delete()
    migration = importlib.import_module("activities.migrations.0005_seed_objections")
    # When the migration's function runs (twice: a re-run must not duplicate)
    migration.seed_objections(django_apps, None)
    migration.seed_objections(django_apps, None)
    # Then the tenant has the frozen copy of the defaults, which matches the library as written
    assert Objection.objects.filter(tenant=org.tenant).count() == 10
    assert migration.OBJECTIONS == [dict(entry) for entry in DEFAULT_OBJECTIONS]


# --- search ----------------------------------------------------------------------------------------------------


def _titles(queryset) -> list[str]:
    return [entry.title for entry in queryset]


def test_search_finds_chinese_words_in_title_keywords_and_answers(org):
    def search(q):
        return _titles(selectors.objection_search(tenant=org.tenant, actor=org.agent, q=q))

    # A word of a title
    assert search("社保") == ["我已经有社保了"]
    # A keyword only (老婆 is a keyword of 和家人商量, in no title)
    assert search("老婆") == ["我要和家人商量一下"]
    # A word in an answer only (犹豫期 is in 再考虑's clause answer)
    assert "我再考虑考虑" in search("犹豫期")
    # Several words: every one must match somewhere
    assert search("商量 受益人") == ["我要和家人商量一下"]
    assert search("商量 社保") == []
    # Nothing matches
    assert search("火星") == []
    # Empty: the whole active library
    assert len(search("  ")) == 10


def test_search_puts_title_matches_first(org):
    # 理赔 is the title of 理赔难 and appears in the answers of others (骗人的, 倒闭)
    found = _titles(selectors.objection_search(tenant=org.tenant, actor=org.agent, q="理赔"))
    assert found[0] == "理赔难"
    assert len(found) > 1


def test_search_leaves_out_inactive_entries_unless_asked(org):
    objection = Objection.objects.get(tenant=org.tenant, title=TITLES["C"])
    services.objection_update(tenant=org.tenant, actor=org.admin, objection_id=objection.pk, active=False)
    assert _titles(selectors.objection_search(tenant=org.tenant, actor=org.agent, q="社保")) == []
    found = selectors.objection_search(tenant=org.tenant, actor=org.agent, q="社保", include_inactive=True)
    assert _titles(found) == [TITLES["C"]]


def test_search_never_reaches_another_tenant(org, other_org):
    services.objection_create(tenant=other_org.tenant, actor=other_org.admin, title="别家独有的异议")
    assert _titles(selectors.objection_search(tenant=org.tenant, actor=org.admin, q="别家独有")) == []


def test_roles_without_a_customer_book_cannot_read_the_library(org):
    for who in ("bank", "renewal_lead", "advisor"):
        with pytest.raises(PermissionDenied):
            selectors.objection_search(tenant=org.tenant, actor=org.members[who], q="")


# --- writes of the library ------------------------------------------------------------------------------------


def test_a_company_manager_adds_an_entry(org):
    objection = services.objection_create(
        tenant=org.tenant,
        actor=org.manager,
        title="  孩子还小，  以后再说  ",
        keywords="孩子  以后",
        answer_case="案例",
        answer_data="数据",
        answer_clause="条款",
    )
    assert (objection.title, objection.keywords, objection.active) == ("孩子还小， 以后再说", "孩子 以后", True)
    assert objection.tenant_id == org.tenant.pk


@pytest.mark.parametrize("who", ["branch_manager", "supervisor", "agent", "bank", "advisor"])
def test_only_company_policy_setters_change_the_library(org, who):
    before = Objection.objects.count()
    with pytest.raises(PermissionDenied):
        services.objection_create(tenant=org.tenant, actor=org.members[who], title="新异议")
    objection = Objection.objects.filter(tenant=org.tenant).first()
    with pytest.raises(PermissionDenied):
        services.objection_update(tenant=org.tenant, actor=org.members[who], objection_id=objection.pk, title="x")
    with pytest.raises(PermissionDenied):
        services.objection_remove(tenant=org.tenant, actor=org.members[who], objection_id=objection.pk)
    assert Objection.objects.count() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "理赔难"}, "title"),  # a default's title
        ({"title": " 理赔难 "}, "title"),  # the same once trimmed
        ({"title": "x" * 201}, "title"),
        ({"title": "新的", "keywords": "k" * 201}, "keywords"),
        ({"title": "新的", "answer_case": "长" * 4001}, "answer_case"),
    ],
)
def test_bad_entries_are_refused_by_field_with_nothing_saved(org, fields, field):
    before = Objection.objects.count()
    with pytest.raises(ValidationError) as error:
        services.objection_create(tenant=org.tenant, actor=org.admin, **fields)
    assert field in error.value.message_dict
    assert Objection.objects.count() == before


def test_a_duplicate_title_ignores_case(org):
    services.objection_create(tenant=org.tenant, actor=org.admin, title="Too Expensive")
    with pytest.raises(ValidationError) as error:
        services.objection_create(tenant=org.tenant, actor=org.admin, title="too expensive")
    assert list(error.value.message_dict) == ["title"]


def test_the_same_title_is_fine_in_another_tenant(org, other_org):
    services.objection_create(tenant=org.tenant, actor=org.admin, title="只在这里")
    services.objection_create(tenant=other_org.tenant, actor=other_org.admin, title="只在这里")


def test_renaming_onto_another_entry_is_refused_but_keeping_ones_own_title_is_fine(org):
    objection = Objection.objects.get(tenant=org.tenant, title=TITLES["A"])
    with pytest.raises(ValidationError) as error:
        services.objection_update(tenant=org.tenant, actor=org.admin, objection_id=objection.pk, title=TITLES["B"])
    assert "title" in error.value.message_dict
    updated = services.objection_update(
        tenant=org.tenant, actor=org.admin, objection_id=objection.pk, title=TITLES["A"], keywords="钱"
    )
    assert (updated.title, updated.keywords) == (TITLES["A"], "钱")


def test_another_tenants_entry_is_not_found(org, other_org):
    theirs = Objection.objects.filter(tenant=other_org.tenant).first()
    with pytest.raises(Http404):
        services.objection_update(tenant=org.tenant, actor=org.admin, objection_id=theirs.pk, title="改")
    with pytest.raises(Http404):
        services.objection_remove(tenant=org.tenant, actor=org.admin, objection_id=theirs.pk)
    with pytest.raises(Http404):
        selectors.access_objection_by_id(tenant=org.tenant, actor=org.admin, id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.title != "改"


def test_removing_deletes_an_unused_entry_and_deactivates_a_used_one(org):
    objections = library(org)
    customer = make_customer(org, "agent", "张三")
    services.objection_record(tenant=org.tenant, actor=org.agent, customer=customer, objection_id=objections["A"].pk)
    used = services.objection_remove(tenant=org.tenant, actor=org.admin, objection_id=objections["A"].pk)
    unused = services.objection_remove(tenant=org.tenant, actor=org.admin, objection_id=objections["B"].pk)
    assert (used.deleted, unused.deleted) == (False, True)
    assert Objection.objects.get(pk=objections["A"].pk).active is False
    assert not Objection.objects.filter(pk=objections["B"].pk).exists()
    assert CustomerObjection.objects.filter(customer=customer).count() == 1


# --- recording an objection with a customer ---------------------------------------------------------------------


def test_the_owner_records_an_objection_today_by_default(org):
    customer = make_customer(org, "agent", "张三")
    objection = library(org)["A"]
    record, created = services.objection_record(
        tenant=org.tenant, actor=org.agent, customer=customer, objection_id=objection.pk
    )
    assert created
    assert (record.raised_on, record.objection_id, record.recorded_by_id) == (TODAY, objection.pk, org.agent.pk)


def test_recording_the_same_objection_on_the_same_day_twice_keeps_one(org):
    customer = make_customer(org, "agent", "张三")
    objection = library(org)["A"]
    first, _ = services.objection_record(
        tenant=org.tenant, actor=org.agent, customer=customer, objection_id=objection.pk, raised_on=TODAY
    )
    again, created = services.objection_record(
        tenant=org.tenant, actor=org.supervisor, customer=customer, objection_id=objection.pk, raised_on=TODAY
    )
    assert (created, again.pk) == (False, first.pk)
    assert CustomerObjection.objects.count() == 1


@pytest.mark.parametrize("who", ["agent", "supervisor", "branch_manager", "manager", "admin"])
def test_the_owner_and_the_leaders_over_them_record(org, who):
    customer = make_customer(org, "agent", "张三")
    _record, created = services.objection_record(
        tenant=org.tenant, actor=org.members[who], customer=customer, objection_id=library(org)["A"].pk
    )
    assert created


@pytest.mark.parametrize("who", ["agent2", "supervisor2", "agent4", "bank", "renewal_lead", "advisor"])
def test_nobody_else_records(org, who):
    customer = make_customer(org, "agent", "张三")
    with pytest.raises(PermissionDenied):
        services.objection_record(
            tenant=org.tenant, actor=org.members[who], customer=customer, objection_id=library(org)["A"].pk
        )
    assert not CustomerObjection.objects.exists()


def test_another_tenants_customer_is_refused(org, other_org):
    theirs = make_customer(other_org, "agent", "别家客户")
    with pytest.raises(PermissionDenied):
        services.objection_record(
            tenant=org.tenant, actor=org.admin, customer=theirs, objection_id=library(org)["A"].pk
        )
    assert not CustomerObjection.objects.exists()


def test_bad_records_are_refused_by_field_with_nothing_saved(org, other_org):
    customer = make_customer(org, "agent", "张三")
    objection = library(org)["A"]
    theirs = Objection.objects.filter(tenant=other_org.tenant).first()
    inactive = library(org)["B"]
    services.objection_update(tenant=org.tenant, actor=org.admin, objection_id=inactive.pk, active=False)

    def refused(**fields):
        with pytest.raises(ValidationError) as error:
            services.objection_record(tenant=org.tenant, actor=org.agent, customer=customer, **fields)
        return error.value.message_dict

    assert list(refused(objection_id=None)) == ["objection"]
    assert list(refused(objection_id=999999)) == ["objection"]
    # Another tenant's objection reads exactly like an unknown one
    assert refused(objection_id=theirs.pk) == refused(objection_id=999999)
    assert list(refused(objection_id=inactive.pk)) == ["objection"]
    assert list(refused(objection_id=objection.pk, raised_on=TODAY + timedelta(days=1))) == ["raised_on"]
    assert set(refused(objection_id=None, raised_on=date(2030, 1, 1))) == {"objection", "raised_on"}
    assert not CustomerObjection.objects.exists()


def test_an_erased_customer_takes_no_new_record(org):
    customer = make_customer(org, "agent", "张三")
    Customer.objects.filter(pk=customer.pk).update(erased_at="2025-10-01T00:00:00Z", name="")
    customer.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.objection_record(
            tenant=org.tenant, actor=org.agent, customer=customer, objection_id=library(org)["A"].pk
        )
    assert "customer" in error.value.message_dict
    assert not CustomerObjection.objects.exists()


def test_a_customer_at_the_proposal_moves_to_objection_handling(org):
    # Given a customer given a proposal on 1 Aug
    customer = make_customer(org, "agent", "张三", stage=Customer.Stage.PROPOSAL)
    # When an objection is recorded as raised on 10 Oct
    services.objection_record(
        tenant=org.tenant,
        actor=org.agent,
        customer=customer,
        objection_id=library(org)["A"].pk,
        raised_on=date(2025, 10, 10),
    )
    # Then they are in objection handling from that day, with the dated change written
    customer.refresh_from_db()
    assert (customer.stage, customer.stage_changed_on) == (Customer.Stage.OBJECTION, date(2025, 10, 10))
    change = CustomerStageChange.objects.get(customer=customer)
    assert (change.from_stage, change.to_stage, change.changed_on) == ("proposal", "objection", date(2025, 10, 10))


def test_other_stages_and_earlier_days_leave_the_stage_alone(org):
    acquired = make_customer(org, "agent", "李四")
    late = make_customer(org, "agent", "王五", stage=Customer.Stage.PROPOSAL)  # stage changed on 1 Aug
    for customer, day in ((acquired, TODAY), (late, date(2025, 7, 20))):
        services.objection_record(
            tenant=org.tenant, actor=org.agent, customer=customer, objection_id=library(org)["A"].pk, raised_on=day
        )
    acquired.refresh_from_db()
    late.refresh_from_db()
    assert (acquired.stage, late.stage) == (Customer.Stage.ACQUIRED, Customer.Stage.PROPOSAL)
    assert not CustomerStageChange.objects.exists()


# --- what each objection costs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_cost_ranking_by_hand(org, other_org, who):
    facts = write_costs(org, other_org)
    costs = selectors.objection_costs(
        tenant=org.tenant, actor=org.members[who], date_from=SEPTEMBER[0], date_to=SEPTEMBER[1]
    )
    assert cost_rows(costs, facts.objections) == EXPECTED[who]


def test_the_cost_figures_of_the_top_row(org, other_org):
    facts = write_costs(org, other_org)
    top = selectors.objection_costs(tenant=org.tenant, actor=org.admin, date_from=SEPTEMBER[0], date_to=SEPTEMBER[1])[0]
    assert (top.title, top.lost_share, top.active) == (TITLES["A"], Decimal("0.7500"), True)
    assert facts.customers["c7"].erased_at is not None  # the erased customer's records count (C's three)


def test_the_costs_without_a_period_take_every_record(org):
    facts = write_costs(org)
    costs = selectors.objection_costs(tenant=org.tenant, actor=org.admin)
    assert cost_rows(costs, facts.objections) == EXPECTED_ADMIN_ALL_TIME
    assert costs[-1].lost_share == Decimal("0.0000")


def test_the_costs_of_an_empty_period(org):
    write_costs(org)
    assert (
        selectors.objection_costs(
            tenant=org.tenant, actor=org.admin, date_from=date(2025, 10, 1), date_to=date(2025, 10, 31)
        )
        == []
    )


def test_the_costs_read_in_one_query(org, django_assert_max_num_queries):
    write_costs(org)
    with django_assert_max_num_queries(1):
        selectors.objection_costs(tenant=org.tenant, actor=org.supervisor, date_from=SEPTEMBER[0])


def test_roles_without_a_book_have_no_costs(org):
    for who in ("bank", "renewal_lead"):
        with pytest.raises(PermissionDenied):
            selectors.objection_costs(tenant=org.tenant, actor=org.members[who])

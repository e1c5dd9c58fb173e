"""The needs-analysis helper: the budget, the gap by product, what is saved, bad input and who may.

Figures by hand in tests/activities/tiers_data.py.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from activities.models import Customer
from activities.services.needs import needs_analyse, share_gap
from activities.services.tiers import customer_policy_update
from tests.activities.tiers_data import NEEDS_300K, TODAY, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(org):
    customer = make_customer(org, org.agent, "王先生", phone="13812341234")
    Customer.objects.filter(pk=customer.pk).update(household={"members": 3})
    customer.refresh_from_db()
    return customer


def analyse(org, customer, income, cover, actor=None):
    return needs_analyse(
        tenant=org.tenant, actor=actor or org.agent, customer=customer, income=income, cover=cover, today=TODAY
    )


def test_the_300k_household_by_hand_is_saved_with_the_customer(org, customer):
    needs = analyse(org, customer, "300000", {"health": "2000", "annuity": Decimal("8000.00")})
    expected = {**NEEDS_300K, "on": "2026-08-15", "by": org.agent.pk}
    assert needs == expected
    assert sum(Decimal(amount) for amount in needs["gaps"].values()) == Decimal(needs["gap"])
    customer.refresh_from_db()
    assert customer.needs == expected
    # The other household facts stay; income and cover are written as decimal strings.
    assert customer.household == {
        "members": 3,
        "income": "300000.00",
        "cover": {"health": "2000.00", "annuity": "8000.00"},
    }


def test_budget_ends_round_half_up_to_the_fen(org, customer):
    needs = analyse(org, customer, "123456.78", {})
    assert (needs["budget_low"], needs["budget_high"]) == ("12345.68", "18518.52")
    needs = analyse(org, customer, "0.30", {})
    assert (needs["budget_low"], needs["budget_high"]) == ("0.03", "0.05")


def test_the_tenants_budget_percentages_are_used(org, customer):
    customer_policy_update(tenant=org.tenant, actor=org.admin, budget_high_percent="12.5")
    needs = analyse(org, customer, "123456.78", {})
    assert (needs["budget_low"], needs["budget_high"]) == ("12345.68", "15432.10")


def test_cover_above_the_budget_leaves_no_gap_and_lists_the_uncovered_products(org, customer):
    needs = analyse(org, customer, "100000", {"health": "20000"})
    assert (needs["budget_low"], needs["budget_high"], needs["existing"]) == ("10000.00", "15000.00", "20000.00")
    assert (needs["gap"], needs["above_budget"]) == ("0.00", True)
    assert needs["gaps"] == {
        "annuity": "0.00",
        "employer_liability": "0.00",
        "group_annuity": "0.00",
        "single_premium_savings": "0.00",
    }


def test_with_every_product_covered_the_gap_is_shared_among_all(org, customer):
    codes = ["health", "annuity", "employer_liability", "group_annuity", "single_premium_savings"]
    needs = analyse(org, customer, "100000", {code: "1000" for code in codes})
    assert (needs["existing"], needs["gap"]) == ("5000.00", "5000.00")
    assert needs["gaps"] == {code: "1000.00" for code in codes}


def test_a_zero_cover_counts_as_no_cover_and_blank_is_skipped(org, customer):
    cover = {"health": "2000", "annuity": "8000", "group_annuity": "0", "single_premium_savings": None}
    needs = analyse(org, customer, "300000", cover)
    assert needs["gaps"] == NEEDS_300K["gaps"]
    customer.refresh_from_db()
    assert customer.household["cover"] == {"health": "2000.00", "annuity": "8000.00", "group_annuity": "0.00"}


def test_share_gap_gives_the_left_over_fen_to_the_first():
    assert share_gap(Decimal("0.05"), ["a", "b", "c"]) == {
        "a": Decimal("0.02"),
        "b": Decimal("0.02"),
        "c": Decimal("0.01"),
    }
    assert share_gap(Decimal("10.00"), []) == {}


@pytest.mark.parametrize(
    ("income", "cover", "field"),
    [
        ("-1", {}, "income"),
        ("abc", {}, "income"),
        (None, {}, "income"),
        (True, {}, "income"),
        ("1.001", {}, "income"),
        ("NaN", {}, "income"),
        ("1000", {"car": "10"}, "cover"),
        ("1000", {"health": "-5"}, "cover"),
        ("1000", {"health": "lots"}, "cover"),
        ("1000", ["health", "10"], "cover"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(org, customer, income, cover, field):
    with pytest.raises(ValidationError) as raised:
        analyse(org, customer, income, cover)
    assert field in raised.value.message_dict
    customer.refresh_from_db()
    assert (customer.household, customer.needs) == ({"members": 3}, {})


def test_an_unknown_product_is_named(org, customer):
    with pytest.raises(ValidationError) as raised:
        analyse(org, customer, "1000", {"car": "10"})
    assert raised.value.message_dict["cover"] == ["Unknown product: car."]


def test_another_tenants_product_code_is_unknown(org, other_org, customer):
    from salesops.org.models import Product

    Product.objects.create(tenant=other_org.tenant, code="pet", name="宠物险")
    with pytest.raises(ValidationError):
        analyse(org, customer, "1000", {"pet": "10"})


def test_the_supervisor_over_the_owner_may_analyse(org, customer):
    needs = analyse(org, customer, "300000", {"health": "2000", "annuity": "8000"}, actor=org.supervisor)
    assert needs["by"] == org.supervisor.pk


@pytest.mark.parametrize("who", ["manager", "branch_manager", "admin", "agent2", "supervisor2"])
def test_masked_readers_and_others_may_not(org, customer, who):
    with pytest.raises(PermissionDenied):
        analyse(org, customer, "300000", {}, actor=getattr(org, who))
    customer.refresh_from_db()
    assert customer.needs == {}


def test_another_tenants_customer_is_not_found(org, other_org):
    theirs = make_customer(other_org, other_org.agent, "外")
    with pytest.raises(Http404):
        needs_analyse(tenant=org.tenant, actor=org.agent, customer=theirs, income="1", cover={}, today=TODAY)
    theirs.refresh_from_db()
    assert theirs.needs == {}

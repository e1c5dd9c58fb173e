"""The A/B/C tier rules at their edges, their precedence, tenant-set thresholds and the bulk recompute.

Every figure is worked out by hand in tests/activities/tiers_data.py.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activities.models import Customer, CustomerPolicy
from activities.selectors.tiers import (
    NEXT_ACTIONS,
    TierFacts,
    customer_verdict,
    months_before,
    policy_for,
    premium_window,
    tier_of,
    tier_rule,
    tier_summary,
)
from activities.services.tiers import customer_policy_update, recompute_tiers
from tests.activities.tiers_data import (
    DEFAULT_COUNTS,
    EDGE_CUSTOMERS,
    TODAY,
    build_edge_customers,
    make_customer,
    sell,
)

pytestmark = pytest.mark.django_db


def tiers_of(org) -> dict[str, str]:
    return dict(Customer.objects.filter(tenant=org.tenant).values_list("name", "tier"))


def set_policy(org, **fields) -> CustomerPolicy:
    policy = policy_for(org.tenant)
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save()
    return policy


# Month arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 8, 15), 3, date(2026, 5, 15)),
        (date(2026, 8, 15), 12, date(2025, 8, 15)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),  # clamped to February's end
        (date(2024, 5, 31), 3, date(2024, 2, 29)),  # a leap year
        (date(2026, 1, 31), 1, date(2025, 12, 31)),  # across the year
        (date(2026, 3, 1), 6, date(2025, 9, 1)),
    ],
)
def test_months_before_is_the_same_calendar_day_clamped_to_the_month_end(day, months, expected):
    assert months_before(day, months) == expected


def test_months_before_agrees_with_relativedelta_on_every_day_of_two_years():
    day = date(2024, 1, 1)
    while day < date(2026, 1, 1):
        for months in (1, 3, 6, 12, 18):
            assert months_before(day, months) == day - relativedelta(months=months), (day, months)
        day += timedelta(days=1)


def test_the_annual_premium_window_is_the_12_months_up_to_today_both_ends_included():
    assert premium_window(TODAY) == (date(2025, 8, 16), date(2026, 8, 15))


# The rules on hand-made facts ------------------------------------------------------------------


def test_tier_rule_edges_on_plain_facts(org):
    policy = policy_for(org.tenant)

    def tier(contact=None, premium="0.00", last_policy=None):
        return tier_rule(TierFacts(contact, Decimal(premium), last_policy), policy=policy, today=TODAY)

    assert tier(date(2026, 5, 15), "50000.01", date(2026, 1, 10)) == "A"
    assert tier(date(2026, 5, 14), "50000.01", date(2026, 1, 10)) == ""
    assert tier(date(2026, 5, 15), "50000.00", date(2026, 1, 10)) == ""
    assert tier(date(2026, 2, 15)) == "B"
    assert tier(date(2026, 2, 14)) == ""
    assert tier(date(2026, 7, 1), "1000.00", date(2025, 10, 1)) == ""
    assert tier(None, "0.00", date(2025, 8, 15)) == ""
    assert tier(None, "0.00", date(2025, 8, 14)) == "C"
    assert tier(TODAY) == "B"
    assert tier(TODAY + timedelta(days=1)) == ""  # a contact after today is no contact
    assert tier() == ""


def test_tier_of_reads_the_customer_contact_and_other_contacts(org):
    policy = policy_for(org.tenant)
    customer = make_customer(org, org.agent, "甲", contact=date(2026, 2, 14))
    assert tier_of(customer, policy=policy, today=TODAY, premium_12m=Decimal(0), last_policy_on=None) == ""
    assert (
        tier_of(
            customer,
            policy=policy,
            today=TODAY,
            premium_12m=Decimal(0),
            last_policy_on=None,
            other_contacts=[date(2026, 2, 15), None],
        )
        == "B"
    )


def test_recompute_assigns_each_edge_customer_its_tier_by_hand(org):
    build_edge_customers(org)
    assert recompute_tiers(tenant=org.tenant, today=TODAY) == len(EDGE_CUSTOMERS)
    assert tiers_of(org) == {name: expected for name, (_c, _s, expected) in EDGE_CUSTOMERS.items()}
    assert set(Customer.objects.filter(tenant=org.tenant).values_list("tier_computed_on", flat=True)) == {TODAY}


def test_the_live_verdict_agrees_with_the_recompute_and_says_why(org):
    customers = build_edge_customers(org)
    for name, (_contact, _sales, expected) in EDGE_CUSTOMERS.items():
        verdict = customer_verdict(tenant=org.tenant, customer=customers[name], today=TODAY)
        assert verdict.tier == expected, name
        assert verdict.reason.startswith(f"{expected}:" if expected else "No tier:"), (name, verdict.reason)
    a_edge = customer_verdict(tenant=org.tenant, customer=customers["a_edge"], today=TODAY)
    assert a_edge.facts == TierFacts(date(2026, 5, 15), Decimal("50000.01"), date(2026, 1, 10))
    assert "2026-05-15" in a_edge.reason and "50,000.01" in a_edge.reason and "50,000.00" in a_edge.reason
    assert a_edge.next_action == str(NEXT_ACTIONS["A"])
    by_visit = customer_verdict(tenant=org.tenant, customer=customers["by_visit"], today=TODAY)
    assert by_visit.facts.contact_on == date(2026, 3, 1)
    assert "salon" in customer_verdict(tenant=org.tenant, customer=customers["b_edge"], today=TODAY).next_action
    assert "referral" in customer_verdict(tenant=org.tenant, customer=customers["c_over"], today=TODAY).next_action


def test_next_actions_are_translated():
    from django.utils import translation

    with translation.override("zh-hans"):
        text = str(NEXT_ACTIONS["A"])
    assert "专属服务团队" in text


# Tenant-set thresholds ----------------------------------------------------------------------


def test_a_lower_premium_threshold_makes_the_exact_50000_customer_a(org):
    build_edge_customers(org)
    set_policy(org, tier_a_premium=Decimal("40000.00"))
    recompute_tiers(tenant=org.tenant, today=TODAY)
    assert tiers_of(org)["a_premium_eq"] == "A"


def test_a_longer_a_window_takes_in_the_contact_a_day_too_old(org):
    build_edge_customers(org)
    set_policy(org, tier_a_months=4)
    recompute_tiers(tenant=org.tenant, today=TODAY)
    assert tiers_of(org)["a_late"] == "A"


def test_precedence_a_before_c_when_both_hold(org):
    build_edge_customers(org)
    set_policy(org, tier_c_policy_months=6)
    recompute_tiers(tenant=org.tenant, today=TODAY)
    tiers = tiers_of(org)
    # a_edge: contact 3 months exactly, 50,000.01, policy of 2026-01-10 (older than 6 months): A and C hold.
    assert tiers["a_edge"] == "A"
    assert tiers["a_late"] == "C"
    assert tiers["a_premium_eq"] == "C"
    assert tiers["c_edge"] == "C"
    assert tiers["b_policy"] == "C"


def test_precedence_b_before_c_cannot_clash_and_a_before_b_cannot_either(org):
    policy = set_policy(org, tier_a_premium=Decimal("0.00"), tier_c_policy_months=1)
    # B needs no policy, C needs one; A needs premium above 0, so a sale: A and B never hold together.
    facts = TierFacts(date(2026, 8, 1), Decimal("0.00"), None)
    assert tier_rule(facts, policy=policy, today=TODAY) == "B"
    facts = TierFacts(date(2026, 8, 1), Decimal("0.01"), date(2026, 6, 1))
    assert tier_rule(facts, policy=policy, today=TODAY) == "A"


def test_a_shorter_b_window_drops_the_contacts_before_it(org):
    build_edge_customers(org)
    set_policy(org, tier_b_months=5)
    recompute_tiers(tenant=org.tenant, today=TODAY)
    tiers = tiers_of(org)
    assert (tiers["b_edge"], tiers["by_visit"], tiers["by_stage"], tiers["by_quote"]) == ("", "", "", "B")


# The recompute: efficient, scoped to the tenant, erased left alone -----------------------------------


def test_recompute_takes_the_same_few_queries_whatever_the_book(org, django_assert_max_num_queries):
    build_edge_customers(org)
    for number in range(40):
        customer = make_customer(org, org.agent2, f"多{number}", contact=date(2026, 8, 1))
        if number % 2:
            sell(org, customer, date(2026, 6, 1), "60000.00")
    policy_for(org.tenant)  # made on first read: not part of the nightly cost
    # The policy, four grouped fact reads, the book, one UPDATE per tier, the savepoint pair.
    with django_assert_max_num_queries(12):
        assert recompute_tiers(tenant=org.tenant, today=TODAY) == len(EDGE_CUSTOMERS) + 40
    assert Customer.objects.filter(tenant=org.tenant, owner=org.agent2, tier="A").count() == 20
    assert Customer.objects.filter(tenant=org.tenant, owner=org.agent2, tier="B").count() == 20


def test_recompute_skips_erased_customers_and_other_tenants(org, other_org):
    build_edge_customers(org)
    theirs = make_customer(other_org, other_org.agent, "外", contact=date(2026, 8, 1))
    erased = make_customer(org, org.agent, "已删除", contact=date(2026, 8, 1))
    Customer.objects.filter(pk=erased.pk).update(erased_at=timezone.now(), tier="C")
    recompute_tiers(tenant=org.tenant, today=TODAY)
    erased.refresh_from_db()
    theirs.refresh_from_db()
    assert (erased.tier, erased.tier_computed_on) == ("C", None)
    assert (theirs.tier, theirs.tier_computed_on) == ("", None)


def test_recompute_is_idempotent(org):
    build_edge_customers(org)
    recompute_tiers(tenant=org.tenant, today=TODAY)
    first = tiers_of(org)
    recompute_tiers(tenant=org.tenant, today=TODAY)
    assert tiers_of(org) == first


def test_a_sale_of_another_customer_or_unlinked_does_not_count(org):
    mine = make_customer(org, org.agent, "本人", contact=date(2026, 8, 1))
    other = make_customer(org, org.agent, "别人", contact=date(2026, 8, 1))
    sell(org, other, date(2026, 6, 1), "90000.00")
    recompute_tiers(tenant=org.tenant, today=TODAY)
    assert tiers_of(org) == {"本人": "B", "别人": "A"}
    assert mine.pk != other.pk


# The summary ----------------------------------------------------------------------------------


def test_tier_summary_counts_by_hand_per_agent_and_unit(org):
    build_edge_customers(org)
    make_customer(org, org.agent3, "三号", contact=date(2026, 8, 1))
    recompute_tiers(tenant=org.tenant, today=TODAY)
    summary = tier_summary(tenant=org.tenant, actor=org.manager, by="owner")
    by_name = {row.name: row.counts.as_dict() for row in summary.rows}
    assert by_name[org.agent.display_name] == DEFAULT_COUNTS
    assert by_name[org.agent3.display_name] == {"A": 0, "B": 1, "C": 0, "untiered": 0, "total": 1}
    assert summary.totals.as_dict() == {"A": 2, "B": 5, "C": 2, "untiered": 7, "total": 16}
    assert summary.computed_on == TODAY
    units = tier_summary(tenant=org.tenant, actor=org.manager, by="unit")
    assert [(row.name, row.counts.total) for row in units.rows] == [
        (org.units["north1"].name, 15),
        (org.units["north2"].name, 1),
    ]


def test_tier_summary_follows_the_book_scope(org):
    build_edge_customers(org)
    make_customer(org, org.agent3, "三号", contact=date(2026, 8, 1))
    recompute_tiers(tenant=org.tenant, today=TODAY)
    assert tier_summary(tenant=org.tenant, actor=org.agent2, by="owner").totals.total == 0
    assert tier_summary(tenant=org.tenant, actor=org.supervisor, by="owner").totals.total == 15
    assert tier_summary(tenant=org.tenant, actor=org.supervisor2, by="owner").totals.total == 1
    assert tier_summary(tenant=org.tenant, actor=org.admin, by="owner").totals.total == 16
    with pytest.raises(PermissionDenied):
        tier_summary(tenant=org.tenant, actor=org.bank, by="owner")


# The rules' service ---------------------------------------------------------------------------


def test_policy_defaults_are_the_seed(org):
    policy = policy_for(org.tenant)
    assert (policy.tier_a_months, policy.tier_a_premium, policy.tier_b_months, policy.tier_c_policy_months) == (
        3,
        Decimal("50000.00"),
        6,
        12,
    )
    assert (policy.budget_low_percent, policy.budget_high_percent, policy.churn_quotes) == (
        Decimal("10.00"),
        Decimal("15.00"),
        3,
    )


def test_policy_update_saves_and_retiers_at_once(org):
    customer = make_customer(org, org.agent, "甲")
    sell(org, customer, date(2025, 1, 1), "1000.00")
    customer_policy_update(tenant=org.tenant, actor=org.manager, tier_c_policy_months=6, tier_a_premium="100000")
    policy = policy_for(org.tenant)
    assert (policy.tier_c_policy_months, policy.tier_a_premium) == (6, Decimal("100000.00"))
    customer.refresh_from_db()
    assert customer.tier == "C"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"tier_a_months": 0}, "tier_a_months"),
        ({"tier_b_months": "six"}, "tier_b_months"),
        ({"tier_c_policy_months": True}, "tier_c_policy_months"),
        ({"tier_a_months": 7}, "tier_a_months"),  # above B's 6
        ({"tier_b_months": 2}, "tier_b_months"),  # below A's 3
        ({"tier_a_premium": "-1"}, "tier_a_premium"),
        ({"tier_a_premium": "abc"}, "tier_a_premium"),
        ({"tier_a_premium": "1.001"}, "tier_a_premium"),
        ({"budget_low_percent": "-0.01"}, "budget_low_percent"),
        ({"budget_high_percent": "100.01"}, "budget_high_percent"),
        ({"budget_low_percent": "16"}, "budget_low_percent"),  # above the upper end 15
        ({"budget_high_percent": "9"}, "budget_high_percent"),  # below the lower end 10
        ({"churn_quotes": 0}, "churn_quotes"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_policy_update_refuses_bad_values_by_field_and_saves_nothing(org, fields, field):
    before = CustomerPolicy.objects.filter(pk=policy_for(org.tenant).pk).values().get()
    with pytest.raises(ValidationError) as raised:
        customer_policy_update(tenant=org.tenant, actor=org.admin, **fields)
    assert field in raised.value.message_dict
    assert CustomerPolicy.objects.filter(tenant=org.tenant).values().get() == before


def test_policy_update_checks_the_pair_on_the_new_values_together(org):
    customer_policy_update(tenant=org.tenant, actor=org.admin, tier_a_months=8, tier_b_months=9)
    customer_policy_update(tenant=org.tenant, actor=org.admin, budget_low_percent="20", budget_high_percent="25")
    policy = policy_for(org.tenant)
    assert (policy.tier_a_months, policy.tier_b_months) == (8, 9)
    assert (policy.budget_low_percent, policy.budget_high_percent) == (Decimal("20.00"), Decimal("25.00"))


@pytest.mark.parametrize("who", ["branch_manager", "supervisor", "agent", "bank", "renewal_lead"])
def test_only_company_managers_and_admins_set_the_rules(org, who):
    with pytest.raises(PermissionDenied):
        customer_policy_update(tenant=org.tenant, actor=getattr(org, who), tier_a_months=2)
    assert policy_for(org.tenant).tier_a_months == 3


def test_one_tenants_rules_do_not_touch_anothers(org, other_org):
    customer_policy_update(tenant=org.tenant, actor=org.manager, tier_a_premium="1000")
    assert policy_for(other_org.tenant).tier_a_premium == Decimal("50000.00")

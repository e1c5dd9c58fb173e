"""The funnel's services and selectors: stage moves, quotes, the sale link, conversion, team median, churn.

Figures: tests/activities/funnel_data.py (worked out by hand in its docstring).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from activities.models.customers import Customer, CustomerPolicy, CustomerStageChange, Quote
from activities.selectors import funnel as selectors
from activities.services import funnel as services
from targets.models import SaleRecord
from tests.activities.funnel_data import END, START, TODAY, build_funnel, build_other_funnel, customer, nov, sale_for

S = Customer.Stage
D = Decimal


@pytest.fixture
def funnel(org, other_org):
    build_other_funnel(other_org)
    return build_funnel(org)


def conversion(org, actor, **extra):
    return selectors.funnel_conversion(tenant=org.tenant, actor=actor, start=START, end=END, **extra)


def by_name(rows):
    return {row.name: row for row in rows}


# --- stage moves -----------------------------------------------------------------------------


def test_a_forward_move_may_skip_stages_and_dates_everything(org):
    entry = customer(org, org.agent, "王", nov(2))
    change = services.stage_change(
        tenant=org.tenant, actor=org.agent, customer=entry, to_stage=S.PROPOSAL, changed_on=nov(9), today=TODAY
    )
    entry.refresh_from_db()
    assert (change.from_stage, change.to_stage, change.changed_on, change.changed_by) == (
        S.ACQUIRED,
        S.PROPOSAL,
        nov(9),
        org.agent,
    )
    assert (entry.stage, entry.stage_changed_on, entry.last_contact_on) == (S.PROPOSAL, nov(9), nov(9))


def test_the_date_defaults_to_today_and_the_last_contact_keeps_the_later_day(org):
    entry = customer(org, org.agent, "王", nov(2))
    Customer.objects.filter(pk=entry.pk).update(last_contact_on=TODAY)
    services.stage_change(tenant=org.tenant, actor=org.agent, customer=entry, to_stage=S.NEEDS_ANALYSIS, today=nov(20))
    entry.refresh_from_db()
    assert (entry.stage_changed_on, entry.last_contact_on) == (nov(20), TODAY)


def test_a_backward_move_without_a_reason_is_refused_and_nothing_saved(org):
    entry = customer(org, org.agent, "王", nov(2))
    services.stage_change(
        tenant=org.tenant, actor=org.agent, customer=entry, to_stage=S.OBJECTION, changed_on=nov(5), today=TODAY
    )
    with pytest.raises(ValidationError) as error:
        services.stage_change(
            tenant=org.tenant, actor=org.agent, customer=entry, to_stage=S.PROPOSAL, changed_on=nov(6), reason="  "
        )
    assert error.value.message_dict == {"reason": ["A move back to an earlier stage needs a reason."]}
    entry.refresh_from_db()
    assert (entry.stage, entry.stage_changed_on) == (S.OBJECTION, nov(5))
    assert CustomerStageChange.objects.filter(customer=entry).count() == 1


def test_a_backward_move_with_a_reason_is_kept_with_it(org):
    entry = customer(org, org.agent, "王", nov(2))
    services.stage_change(
        tenant=org.tenant, actor=org.agent, customer=entry, to_stage=S.OBJECTION, changed_on=nov(5), today=TODAY
    )
    change = services.stage_change(
        tenant=org.tenant,
        actor=org.supervisor,
        customer=entry,
        to_stage=S.NEEDS_ANALYSIS,
        changed_on=nov(6),
        reason="家庭收入变了",
        today=TODAY,
    )
    assert (change.from_stage, change.to_stage, change.reason, change.changed_by) == (
        S.OBJECTION,
        S.NEEDS_ANALYSIS,
        "家庭收入变了",
        org.supervisor,
    )


@pytest.mark.parametrize(
    "to_stage, changed_on, errors",
    [
        (S.ACQUIRED, nov(10), {"to_stage": ["The customer is at this stage already."]}),
        ("won", nov(10), {"to_stage": ["Unknown stage."]}),
        (S.SIGNED, TODAY, None),
        (S.SIGNED, TODAY.replace(month=12, day=1), {"changed_on": ["The date cannot be in the future."]}),
        (
            S.SIGNED,
            nov(1),
            {"changed_on": ["The date cannot be before the customer's last stage change (2026-11-02)."]},
        ),
    ],
)
def test_bad_moves_are_refused_by_field(org, to_stage, changed_on, errors):
    entry = customer(org, org.agent, "王", nov(2))
    call = dict(tenant=org.tenant, actor=org.agent, customer=entry, to_stage=to_stage, changed_on=changed_on)
    if errors is None:
        services.stage_change(**call, today=TODAY)
        return
    with pytest.raises(ValidationError) as error:
        services.stage_change(**call, today=TODAY)
    assert error.value.message_dict == errors
    assert not CustomerStageChange.objects.exists()


def test_only_the_owner_and_leaders_in_scope_move_a_customer(org, other_org):
    entry = customer(org, org.agent, "王", nov(2))
    call = dict(tenant=org.tenant, customer=entry, to_stage=S.NEEDS_ANALYSIS, changed_on=nov(3), today=TODAY)
    for outsider in (org.agent2, org.supervisor2, org.agent4):
        with pytest.raises(Http404):
            services.stage_change(actor=outsider, **call)
    with pytest.raises(PermissionDenied):
        services.stage_change(actor=org.bank, **call)
    with pytest.raises(Http404):  # another tenant's member with this tenant's customer
        services.stage_change(**{**call, "tenant": other_org.tenant}, actor=other_org.admin)
    assert not CustomerStageChange.objects.exists()
    services.stage_change(actor=org.branch_manager, **call)
    assert Customer.objects.get(pk=entry.pk).stage == S.NEEDS_ANALYSIS


def test_an_erased_customer_cannot_be_moved(org):
    entry = customer(org, org.agent, "王", nov(2))
    Customer.objects.filter(pk=entry.pk).update(erased_at=TODAY_AWARE())
    with pytest.raises(Http404):
        services.stage_change(
            tenant=org.tenant, actor=org.agent, customer=entry, to_stage=S.PROPOSAL, changed_on=nov(3), today=TODAY
        )


def TODAY_AWARE():
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime(2026, 11, 30, 9, 0))


# --- quotes ---------------------------------------------------------------------------------------


def test_a_quote_moves_an_early_customer_to_the_proposal_dated_the_quote(org):
    entry = customer(org, org.agent, "王", nov(2))
    quote = services.quote_record(
        tenant=org.tenant,
        actor=org.agent,
        customer=entry,
        product_code="health",
        premium=D("5800.00"),
        quoted_on=nov(8),
        today=TODAY,
    )
    entry.refresh_from_db()
    assert (quote.premium, quote.product.code, quote.created_by) == (D("5800.00"), "health", org.agent)
    assert (entry.stage, entry.stage_changed_on, entry.last_contact_on) == (S.PROPOSAL, nov(8), nov(8))
    change = CustomerStageChange.objects.get(customer=entry)
    assert (change.from_stage, change.to_stage, change.changed_on) == (S.ACQUIRED, S.PROPOSAL, nov(8))


def test_a_quote_leaves_a_later_stage_where_it_is(org):
    entry = customer(org, org.agent, "王", nov(2))
    services.stage_change(
        tenant=org.tenant, actor=org.agent, customer=entry, to_stage=S.OBJECTION, changed_on=nov(5), today=TODAY
    )
    # Dated before the last change: fine, since it moves nothing.
    services.quote_record(
        tenant=org.tenant,
        actor=org.agent,
        customer=entry,
        product_code="health",
        premium=D("100"),
        quoted_on=nov(4),
        today=TODAY,
    )
    entry.refresh_from_db()
    assert (entry.stage, entry.stage_changed_on) == (S.OBJECTION, nov(5))
    assert CustomerStageChange.objects.filter(customer=entry).count() == 1


@pytest.mark.parametrize(
    "fields, errors",
    [
        ({"product_code": "nope"}, {"product": ["Unknown product."]}),
        ({"premium": D("0")}, {"premium": ["The premium must be above zero."]}),
        ({"premium": D("-5")}, {"premium": ["The premium must be above zero."]}),
        ({"premium": D("1.234")}, {"premium": ["The premium has at most 2 decimal places (fen)."]}),
        ({"quoted_on": TODAY.replace(month=12, day=1)}, {"quoted_on": ["The date cannot be in the future."]}),
        (
            {"quoted_on": nov(1)},
            {"quoted_on": ["The date cannot be before the customer was acquired (2026-11-02)."]},
        ),
    ],
)
def test_bad_quotes_are_refused_by_field_and_nothing_saved(org, fields, errors):
    entry = customer(org, org.agent, "王", nov(2))
    call = dict(product_code="health", premium=D("100.00"), quoted_on=nov(5)) | fields
    with pytest.raises(ValidationError) as error:
        services.quote_record(tenant=org.tenant, actor=org.agent, customer=entry, today=TODAY, **call)
    assert error.value.message_dict == errors
    assert not Quote.objects.exists() and not CustomerStageChange.objects.exists()
    assert Customer.objects.get(pk=entry.pk).stage == S.ACQUIRED


def test_another_tenants_product_is_unknown(org, other_org):
    from salesops.org.services import product_create

    product_create(tenant=other_org.tenant, actor=None, code="bolt_only", name="博尔特专属")
    entry = customer(org, org.agent, "王", nov(2))
    with pytest.raises(ValidationError) as error:
        services.quote_record(
            tenant=org.tenant,
            actor=org.agent,
            customer=entry,
            product_code="bolt_only",
            premium=D("100"),
            quoted_on=nov(3),
            today=TODAY,
        )
    assert error.value.message_dict == {"product": ["Unknown product."]}


# --- the sale link ---------------------------------------------------------------------------------


def test_a_sale_linked_to_the_members_own_customer_signs_them_on_the_day_of_the_sale(org):
    entry = customer(org, org.agent, "王", nov(2))
    sale = sale_for(org, entry, org.agent, nov(12))
    entry.refresh_from_db()
    assert sale.customer == entry
    assert (entry.stage, entry.stage_changed_on, entry.last_contact_on) == (S.SIGNED, nov(12), nov(12))
    change = CustomerStageChange.objects.get(customer=entry)
    assert (change.from_stage, change.to_stage, change.changed_by) == (S.ACQUIRED, S.SIGNED, org.admin)


def test_a_sale_for_a_customer_in_service_leaves_the_stage(org):
    entry = customer(org, org.agent, "王", nov(2))
    services.stage_change(
        tenant=org.tenant, actor=org.agent, customer=entry, to_stage=S.SERVICE, changed_on=nov(5), today=TODAY
    )
    sale_for(org, entry, org.agent, nov(12))
    entry.refresh_from_db()
    assert (entry.stage, entry.stage_changed_on, entry.last_contact_on) == (S.SERVICE, nov(5), nov(12))
    assert CustomerStageChange.objects.filter(customer=entry).count() == 1


def test_a_late_sale_is_dated_on_the_last_change_so_the_history_stays_in_order(org):
    entry = customer(org, org.agent, "王", nov(2))
    services.stage_change(
        tenant=org.tenant, actor=org.agent, customer=entry, to_stage=S.OBJECTION, changed_on=nov(10), today=TODAY
    )
    sale_for(org, entry, org.agent, nov(8))
    entry.refresh_from_db()
    assert (entry.stage, entry.stage_changed_on) == (S.SIGNED, nov(10))


def test_a_sale_for_another_agents_customer_is_a_field_error_and_nothing_saved(org, other_org):
    theirs = customer(org, org.agent2, "李", nov(2))
    foreign = customer(other_org, other_org.agent, "外", nov(2))
    erased = customer(org, org.agent, "删", nov(2))
    Customer.objects.filter(pk=erased.pk).update(erased_at=TODAY_AWARE())
    message = "Unknown customer, or not in the book of the member the sale is credited to."
    for entry in (theirs, foreign, erased):
        with pytest.raises(ValidationError) as error:
            sale_for(org, entry, org.agent, nov(12))
        assert error.value.message_dict == {"customer": [message]}
    assert not SaleRecord.objects.exists() and not CustomerStageChange.objects.exists()
    theirs.refresh_from_db()
    assert theirs.stage == S.ACQUIRED


def test_a_sale_without_a_customer_is_as_before(org):
    sale = sale_for(org, None, org.agent, nov(12))
    assert sale.customer is None


# --- conversion --------------------------------------------------------------------------------------


def test_the_whole_tenant_converts_as_worked_out_by_hand(funnel):
    result = conversion(funnel, funnel.admin)
    assert result.total.reached == (14, 12, 8, 5, 4, 1)
    assert result.total.rates == (D("0.8571"), D("0.6667"), D("0.6250"), D("0.8000"), D("0.2500"))
    teams = by_name(result.teams)
    slug = funnel.tenant.slug
    assert teams[f"{slug}-north-1"].reached == (11, 9, 7, 4, 3, 1)
    assert teams[f"{slug}-north-2"].reached == (1, 1, 0, 0, 0, 0)
    assert teams[f"{slug}-south-1"].reached == (2, 2, 1, 1, 1, 0)
    assert [(row.name, row.reached) for row in result.branches] == [
        (f"{slug}-north", (12, 10, 7, 4, 3, 1)),
        (f"{slug}-south", (2, 2, 1, 1, 1, 0)),
    ]


def test_each_agent_against_the_team_median_and_where_they_lose_customers(funnel):
    agents = by_name(conversion(funnel, funnel.admin).agents)
    agent, agent2, agent5 = (agents[m.display_name] for m in (funnel.agent, funnel.agent2, funnel.agent5))
    assert agent.reached == (5, 4, 3, 1, 1, 0)
    assert agent.rates == (D("0.8"), D("0.75"), D("0.3333"), D("1"), D("0"))
    assert agent2.reached == (4, 3, 2, 2, 1, 0)
    assert agent2.rates == (D("0.75"), D("0.6667"), D("1"), D("0.5"), D("0"))
    assert agent5.rates == (D("1"), D("1"), D("0.5"), D("1"), D("1"))
    median = (D("0.8"), D("0.75"), D("0.5"), D("1"), D("0"))
    assert agent.team_median == agent2.team_median == agent5.team_median == median
    assert agent.shortfalls == (D("0"), D("0"), D("0.1667"), D("0"), D("0"))
    assert agent.losing_step == 2  # proposal → objection handling
    assert agent2.shortfalls == (D("0.05"), D("0.0833"), D("-0.5"), D("0.5"), D("0"))
    assert agent2.losing_step == 3  # objection handling → signed
    assert agent5.losing_step is None
    agent3 = agents[funnel.agent3.display_name]
    assert agent3.rates == (D("1"), D("0"), None, None, None)
    assert agent3.team_median == (D("1"), D("0"), None, None, None) and agent3.losing_step is None


def test_an_erased_customer_still_counts(funnel):
    agent4 = by_name(conversion(funnel, funnel.admin).agents)[funnel.agent4.display_name]
    assert agent4.reached == (2, 2, 1, 1, 1, 0)


def test_the_period_bounds_are_both_included(funnel):
    one_day = selectors.funnel_conversion(tenant=funnel.tenant, actor=funnel.agent, start=nov(20), end=nov(20))
    # A1 signed on 20 Nov: reached every stage up to signed that day; nothing else moved.
    assert one_day.total.reached == (1, 1, 1, 1, 1, 0)


@pytest.mark.parametrize(
    "who, total, agents, teams, branches",
    [
        ("agent", (5, 4, 3, 1, 1, 0), ["agent"], ["north-1"], []),
        ("supervisor", (11, 9, 7, 4, 3, 1), ["agent", "agent2", "agent5"], ["north-1"], []),
        ("supervisor2", (1, 1, 0, 0, 0, 0), ["agent3"], ["north-2"], []),
        (
            "branch_manager",
            (12, 10, 7, 4, 3, 1),
            ["agent", "agent2", "agent5", "agent3"],
            ["north-1", "north-2"],
            ["north"],
        ),
        (
            "manager",
            (14, 12, 8, 5, 4, 1),
            ["agent", "agent2", "agent5", "agent3", "agent4"],
            ["north-1", "north-2", "south-1"],
            ["north", "south"],
        ),
    ],
)
def test_each_role_sees_its_own_scope(funnel, who, total, agents, teams, branches):
    slug = funnel.tenant.slug
    result = conversion(funnel, getattr(funnel, who))
    assert result.total.reached == total
    assert [row.name for row in result.agents] == [getattr(funnel, name).display_name for name in agents]
    assert [row.name for row in result.teams] == [f"{slug}-{name}" for name in teams]
    assert [row.name for row in result.branches] == [f"{slug}-{name}" for name in branches]


def test_an_agent_is_not_compared_with_colleagues_they_may_not_see(funnel):
    (own,) = conversion(funnel, funnel.agent).agents
    assert own.team_median == (None,) * 5 and own.losing_step is None


def test_a_unit_narrows_to_its_subtree(funnel):
    result = conversion(funnel, funnel.admin, unit=funnel.units["north2"])
    assert result.total.reached == (1, 1, 0, 0, 0, 0)
    assert [row.name for row in result.agents] == [funnel.agent3.display_name]


def test_bank_staff_and_renewal_roles_have_no_funnel(funnel):
    for who in ("bank", "renewal_lead", "advisor"):
        with pytest.raises(PermissionDenied):
            conversion(funnel, getattr(funnel, who))


def test_the_period_defaults_to_the_quarter_so_far_and_must_not_run_backwards():
    assert selectors.funnel_period(start=None, end=None, today=TODAY) == (TODAY.replace(month=10, day=1), TODAY)
    with pytest.raises(ValidationError) as error:
        selectors.funnel_period(start=nov(10), end=nov(9), today=TODAY)
    assert error.value.message_dict == {"to": ["The end of the period cannot be before its start."]}


def test_the_conversion_takes_a_fixed_number_of_queries(funnel, django_assert_max_num_queries):
    # The owners' counts, the owners, every team's medians at once, the branches: however many teams.
    with django_assert_max_num_queries(4):
        conversion(funnel, funnel.admin)


# --- churn warning -------------------------------------------------------------------------------------


def test_churn_warning_at_the_edge(funnel):
    warned = list(selectors.churn_warnings(tenant=funnel.tenant, actor=funnel.admin))
    assert [(entry.name, entry.quote_count, entry.last_quoted_on) for entry in warned] == [
        ("W2", 3, TODAY.replace(month=10, day=12))
    ]


def test_the_tenant_sets_how_many_quotes_warn(funnel):
    CustomerPolicy.objects.update_or_create(tenant=funnel.tenant, defaults={"churn_quotes": 2})
    warned = selectors.churn_warnings(tenant=funnel.tenant, actor=funnel.admin)
    assert [entry.name for entry in warned] == ["W2", "W1"]


def test_churn_warnings_stay_in_scope(funnel, other_org):
    assert [e.name for e in selectors.churn_warnings(tenant=funnel.tenant, actor=funnel.agent)] == ["W2"]
    assert not list(selectors.churn_warnings(tenant=funnel.tenant, actor=funnel.agent2))
    assert not list(selectors.churn_warnings(tenant=funnel.tenant, actor=funnel.supervisor2))
    assert not list(selectors.churn_warnings(tenant=other_org.tenant, actor=other_org.admin))

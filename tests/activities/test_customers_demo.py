"""The demo's customer books: invariants after ``seed_demo`` (which seeds them with ``seed_customers_demo``).

Seeding the demo is the slow part, so each test checks several invariants (one helper each).
"""

import re
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone

from activities.demo_customers import FUNNEL
from activities.models import Customer, CustomerObjection, CustomerStageChange, DailyLog, Quote, Visit
from activities.selectors.log_book import item_for_source
from activities.services.logs import daily_log_upsert
from salesops.org.demo import seed_demo
from salesops.org.models import Member
from targets.models import SaleRecord

pytestmark = pytest.mark.django_db

ORDER = {str(stage): number for number, stage in enumerate(FUNNEL)}


@pytest.fixture
def demo(db):
    """Seed the demo tenant (its customer books with it)."""
    tenant, _ = seed_demo()
    return tenant, timezone.localdate()


def _phones_are_mobile_numbers_unique_in_the_tenant(demo):
    tenant, _ = demo
    phones = list(Customer.objects.filter(tenant=tenant).values_list("phone", flat=True))
    assert phones and all(re.fullmatch(r"1[3-9]\d{9}", phone) for phone in phones)
    assert len(phones) == len(set(phones))


def _every_agent_has_a_book_of_at_least_eight_with_mixed_sources_and_consent_mostly_given(demo):
    tenant, today = demo
    agents = Member.objects.filter(tenant=tenant, role=Member.Role.AGENT, active=True)
    sizes = Counter(Customer.objects.filter(tenant=tenant).values_list("owner_id", flat=True))
    assert all(sizes[agent.pk] >= 8 for agent in agents)
    book = Customer.objects.filter(tenant=tenant)
    assert {"referral", "own", "event", "online"} <= set(book.values_list("source", flat=True))
    consents = Counter(book.values_list("consent", flat=True))
    assert consents["given"] > sum(consents.values()) / 2
    assert book.exclude(household={}).exists() and book.filter(household={}).exists()
    assert not book.filter(last_contact_on__isnull=True).exists()
    assert not book.filter(acquired_on__lt=today - timedelta(days=90)).exists()
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name) for name in book.values_list("name", flat=True))


def _stages_agree_with_their_dated_changes_and_backward_moves_have_reasons(demo):
    tenant, today = demo
    changes = defaultdict(list)
    for change in CustomerStageChange.objects.filter(tenant=tenant).order_by("changed_on", "id"):
        changes[change.customer_id].append(change)
    backward = 0
    stages = Counter()
    for customer in Customer.objects.filter(tenant=tenant):
        path = changes[customer.pk]
        assert (
            path[0].from_stage == "" and path[0].to_stage == "acquired" and path[0].changed_on == customer.acquired_on
        )
        assert (path[-1].to_stage, path[-1].changed_on) == (customer.stage, customer.stage_changed_on)
        assert path[-1].changed_on <= today
        for before, after in zip(path, path[1:], strict=False):
            assert after.from_stage == before.to_stage
            if ORDER[after.to_stage] < ORDER[after.from_stage]:
                backward += 1
                assert after.reason
        stages[customer.stage] += 1
    assert backward > 0
    assert set(stages) == set(ORDER), "every stage of the funnel holds someone"


def _quotes_follow_a_proposal_and_some_stall_for_the_churn_warning(demo):
    tenant, _ = demo
    quoted = Counter(Quote.objects.filter(tenant=tenant).values_list("customer_id", flat=True))
    proposed = set(
        CustomerStageChange.objects.filter(tenant=tenant, to_stage="proposal").values_list("customer_id", flat=True)
    )
    assert quoted and set(quoted) <= proposed
    assert max(quoted.values()) <= 4
    sold = set(SaleRecord.objects.filter(tenant=tenant, customer__isnull=False).values_list("customer_id", flat=True))
    churn = [cid for cid, count in quoted.items() if count >= 3 and cid not in sold]
    assert len(churn) >= 3
    assert not Customer.objects.filter(pk__in=churn, stage__in=["signed", "service"]).exists()


def _linked_sales_are_the_owners_and_signed_on_the_sales_day(demo):
    tenant, _ = demo
    sales = list(SaleRecord.objects.filter(tenant=tenant, customer__isnull=False).select_related("customer"))
    assert len(sales) >= 5
    for sale in sales:
        assert sale.customer.owner_id == sale.member_id
        assert sale.customer.stage in ("signed", "service")
        signed = CustomerStageChange.objects.get(customer=sale.customer, to_stage="signed")
        assert signed.changed_on == sale.sold_on


def _recent_visits_of_agents_link_to_their_own_books_and_the_counts_cover_the_book(demo):
    tenant, today = demo
    recent = Visit.objects.filter(
        tenant=tenant, log__member__role=Member.Role.AGENT, log__date__gte=today - timedelta(days=28)
    ).select_related("log", "customer")
    assert recent.exists()
    for visit in recent:
        assert visit.customer is not None and visit.customer.owner_id == visit.log.member_id
        assert visit.customer.last_contact_on >= visit.log.date
    needed = defaultdict(Counter)
    for owner, day, source in Customer.objects.filter(tenant=tenant).values_list("owner_id", "acquired_on", "source"):
        needed[(owner, day)][item_for_source(source)] += 1
    for log in DailyLog.objects.filter(tenant=tenant, member__role=Member.Role.AGENT):
        counts = needed.get((log.member_id, log.date), Counter())
        assert log.new_prospects >= counts["new_prospects"] and log.referrals >= counts["referrals"]


def _a_demo_day_saves_again_as_it_reads(demo):
    # Given an agent's logged day with linked visits, when it is written back as it is, then the log service accepts it
    tenant, _ = demo
    log = (
        DailyLog.objects.filter(tenant=tenant, member__role=Member.Role.AGENT, visits__customer__isnull=False)
        .select_related("member", "tenant")
        .order_by("-date", "id")
        .first()
    )
    visits = [{"name": v.name, "phone": v.phone, "kind": v.kind, "customer": v.customer_id} for v in log.visits.all()]
    counts = {
        item: getattr(log, item)
        for item in ("phone_appointments", "sales_interviews", "recruiting_interviews", "new_prospects", "referrals")
    }
    admin = Member.objects.get(tenant=tenant, role=Member.Role.TENANT_ADMIN, user__username="admin")
    daily_log_upsert(
        tenant=tenant, actor=admin, member=log.member, date=log.date, counts=counts, visits=visits, reason="check"
    )


def _objections_came_up_where_the_funnel_handled_them_and_every_customer_is_tiered(demo):
    tenant, today = demo
    raised = list(CustomerObjection.objects.filter(tenant=tenant).select_related("objection"))
    handled = {
        (change.customer_id, change.changed_on)
        for change in CustomerStageChange.objects.filter(tenant=tenant, to_stage="objection")
    }
    assert raised and {(record.customer_id, record.raised_on) for record in raised} <= handled
    assert all(record.objection.tenant_id == tenant.pk for record in raised)
    book = Customer.objects.filter(tenant=tenant, erased_at__isnull=True)
    assert not book.exclude(tier_computed_on=today).exists()
    assert book.filter(tier="B").exists()


def test_the_books_phones_people_and_stages(demo):
    _phones_are_mobile_numbers_unique_in_the_tenant(demo)
    _every_agent_has_a_book_of_at_least_eight_with_mixed_sources_and_consent_mostly_given(demo)
    _stages_agree_with_their_dated_changes_and_backward_moves_have_reasons(demo)
    _objections_came_up_where_the_funnel_handled_them_and_every_customer_is_tiered(demo)


def test_the_books_quotes_sales_visits_and_counts(demo):
    _quotes_follow_a_proposal_and_some_stall_for_the_churn_warning(demo)
    _linked_sales_are_the_owners_and_signed_on_the_sales_day(demo)
    _recent_visits_of_agents_link_to_their_own_books_and_the_counts_cover_the_book(demo)
    _a_demo_day_saves_again_as_it_reads(demo)

"""The demo tenant's customer books: each agent's prospects and customers along the funnel, linked to the log and sales.

Called once the org, the sales (targets) and the work logs (activities) exist,
and before the rollups are computed (``seed_dashboards_demo``): linking the
work log's visits to the book can raise a day's new prospects or referrals.
Deterministic from ``rng``. For each active agent:

- 8–15 book entries with Chinese names and mobile numbers unique in the
  tenant, sources mixed, consent mostly given, household income for some;
- stages spread along the funnel, each move a dated ``CustomerStageChange``
  within the last three months, a few moving back with a reason;
- 0–4 quotes for those at proposal or later (a few with 3+ quotes and no
  policy: the churn warning); some signed customers linked to the agent's
  demo sale records (``SaleRecord.customer``, signed on the sale's day);
- ``last_contact_on`` on every entry;
- the agent's visits of the last four weeks linked to the book: to the
  entry of that name when there is one, else to a new entry acquired on the
  visit's day (then the day's counts are raised to cover the book).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from activities.models import Customer, CustomerObjection, CustomerStageChange, DailyLog, Objection, Quote, Visit
from activities.selectors.log_book import item_for_source
from activities.services.log_book import source_for_kind
from activities.services.tiers import recompute_tiers
from dashboards.services.rollups import request_refresh
from salesops.org.demo import GIVEN_NAMES, SURNAMES
from salesops.org.models import Member, Product, Tenant
from targets.models import SaleRecord

Stage = Customer.Stage
FUNNEL = [Stage.ACQUIRED, Stage.NEEDS_ANALYSIS, Stage.PROPOSAL, Stage.OBJECTION, Stage.SIGNED, Stage.SERVICE]
# How far along the funnel the book's entries are (acquired … service), most still early.
STAGE_WEIGHTS = [5, 4, 3, 2, 2, 1]
SOURCES = [
    (Customer.Source.REFERRAL, 4),
    (Customer.Source.OWN, 4),
    (Customer.Source.EVENT, 2),
    (Customer.Source.ONLINE, 1),
]
CONSENTS = [(Customer.Consent.GIVEN, 8), (Customer.Consent.PENDING, 2), (Customer.Consent.REFUSED, 1)]
BACKWARD_REASONS = [
    "客户家庭情况变化，重新做需求分析",
    "客户对方案保额有疑虑，重新调整计划书",
    "配偶不同意，回到需求沟通",
]
EVENTS = ["客户答谢会", "健康讲座", "亲子活动日"]
BOOK_DAYS = 90
VISIT_DAYS = 28


def _pick(rng: random.Random, weighted: list) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


class _Phones:
    """Mobile numbers unique in the tenant (the book's constraint), drawn from ``rng``."""

    def __init__(self, tenant: Tenant, rng: random.Random) -> None:
        self.rng = rng
        self.used = set(Customer.objects.filter(tenant=tenant).exclude(phone="").values_list("phone", flat=True))

    def new(self) -> str:
        while True:
            phone = f"1{self.rng.choice('35789')}{self.rng.randint(0, 999_999_999):09d}"
            if phone not in self.used:
                self.used.add(phone)
                return phone


def _days_between(rng: random.Random, start: date, end: date, count: int) -> list[date]:
    """Return ``count`` sorted days from ``start`` to ``end`` (inclusive; repeats allowed)."""
    span = max(0, (end - start).days)
    return sorted(start + timedelta(days=rng.randint(0, span)) for _ in range(count))


def seed_customers_demo(*, tenant: Tenant, rng: random.Random, today: date) -> None:
    agents = list(Member.objects.filter(tenant=tenant, role=Member.Role.AGENT, active=True).order_by("id"))
    products = list(Product.objects.filter(tenant=tenant).order_by("id"))
    phones = _Phones(tenant, rng)
    sales_by_agent: dict[int, list[SaleRecord]] = defaultdict(list)
    for record in SaleRecord.objects.filter(
        tenant=tenant, customer__isnull=True, sold_on__gte=today - timedelta(days=BOOK_DAYS - 20), sold_on__lte=today
    ).order_by("sold_on", "id"):
        sales_by_agent[record.member_id].append(record)
    customers: list[Customer] = []
    changes: list[CustomerStageChange] = []
    quotes: list[Quote] = []
    linked_sales: list[SaleRecord] = []
    for agent in agents:
        sales = list(sales_by_agent.get(agent.pk, []))
        rng.shuffle(sales)
        for _number in range(rng.randint(8, 15)):
            target = rng.choices(range(len(FUNNEL)), weights=STAGE_WEIGHTS)[0]
            sale: SaleRecord | None = sales.pop() if target >= FUNNEL.index(Stage.SIGNED) and sales else None
            customer, path, dates, reasons = _entry(rng, tenant, agent, phones, today, target, sale)
            customers.append(customer)
            for (from_stage, to_stage), day, reason in zip(
                zip(["", *path[:-1]], path, strict=True), dates, reasons, strict=True
            ):
                changes.append(
                    CustomerStageChange(
                        tenant=tenant,
                        customer=customer,
                        from_stage=from_stage,
                        to_stage=to_stage,
                        changed_on=day,
                        reason=reason,
                        changed_by=agent,
                    )
                )
            proposal_on = dates[path.index(Stage.PROPOSAL)] if Stage.PROPOSAL in path else None
            quotes.extend(_quotes(rng, tenant, agent, customer, products, path, proposal_on, today, sale))
            if sale is not None:
                sale.customer = customer
                linked_sales.append(sale)
    # The children were built on unsaved customers: bulk_create sets their keys once these have theirs.
    Customer.objects.bulk_create(customers, batch_size=2000)
    CustomerStageChange.objects.bulk_create(changes, batch_size=2000)
    Quote.objects.bulk_create(quotes, batch_size=2000)
    SaleRecord.objects.bulk_update(linked_sales, ["customer"], batch_size=2000)
    _link_visits(tenant=tenant, rng=rng, today=today, agents=agents, phones=phones)
    _record_objections(tenant=tenant, rng=random.Random(10), changes=changes)
    recompute_tiers(tenant=tenant, today=today)


def _record_objections(*, tenant: Tenant, rng: random.Random, changes: list[CustomerStageChange]) -> None:
    """One or two objections of the library for every customer who reached objection handling, on that day.

    Its own random stream, so that the rest of the demo stays as it was.
    """
    library = list(Objection.objects.filter(tenant=tenant, active=True).order_by("id"))
    if not library:
        return
    raised = []
    for change in changes:
        if change.to_stage != Stage.OBJECTION:
            continue
        for objection in rng.sample(library, rng.randint(1, 2)):
            raised.append(
                CustomerObjection(
                    tenant=tenant,
                    customer=change.customer,
                    objection=objection,
                    raised_on=change.changed_on,
                    recorded_by=change.changed_by,
                )
            )
    CustomerObjection.objects.bulk_create(raised, batch_size=2000)


def _entry(
    rng: random.Random,
    tenant: Tenant,
    agent: Member,
    phones: _Phones,
    today: date,
    target: int,
    sale: SaleRecord | None,
) -> tuple[Customer, list[str], list[date], list[str]]:
    """Create one book entry moved along the funnel to ``FUNNEL[target]``; return it, its path, dates and reasons."""
    path = [str(stage) for stage in FUNNEL[: target + 1]]
    reasons = [""] * len(path)
    # A few customers stepped back once (objection → needs analysis, or proposal → needs analysis), with a reason.
    if target >= FUNNEL.index(Stage.PROPOSAL) and rng.random() < 0.25:
        # (before signing: a signed customer does not go back to a needs analysis)
        back_from = rng.randint(FUNNEL.index(Stage.PROPOSAL), min(target, FUNNEL.index(Stage.OBJECTION)))
        detour = [Stage.NEEDS_ANALYSIS, *FUNNEL[FUNNEL.index(Stage.PROPOSAL) : back_from + 1]]
        path = path[: back_from + 1] + [str(stage) for stage in detour] + path[back_from + 1 :]
        reasons = reasons[: back_from + 1] + [rng.choice(BACKWARD_REASONS)] + [""] * (len(path) - back_from - 2)
    if sale is not None:
        signed_at = path.index(Stage.SIGNED)
        signed_on = sale.sold_on
        acquired_on = signed_on - timedelta(days=rng.randint(signed_at * 3, min(signed_at * 12, 60)))
        acquired_on = max(acquired_on, today - timedelta(days=BOOK_DAYS))
        dates = _days_between(rng, acquired_on, signed_on, signed_at - 1)
        dates = [acquired_on, *dates, signed_on] + _days_between(rng, signed_on, today, len(path) - signed_at - 1)
    else:
        acquired_on = today - timedelta(days=rng.randint(3, BOOK_DAYS))
        dates = [acquired_on, *_days_between(rng, acquired_on, today, len(path) - 1)]
    source = _pick(rng, SOURCES)
    household: dict = {}
    if rng.random() < 0.5:
        household = {"income": f"{rng.randint(12, 80) * 10000}.00", "members": rng.randint(1, 5)}
    # Saved in bulk by the caller (with its stage changes and quotes).
    customer = Customer(
        tenant=tenant,
        owner=agent,
        name=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        phone=phones.new(),
        source=source,
        source_event=rng.choice(EVENTS) if source == Customer.Source.EVENT else "",
        consent=_pick(rng, CONSENTS),
        household=household,
        acquired_on=acquired_on,
        stage=path[-1],
        stage_changed_on=dates[-1],
        last_contact_on=max(dates[-1], min(today, dates[-1] + timedelta(days=rng.randint(0, 20)))),
    )
    return customer, path, dates, reasons


def _quotes(
    rng: random.Random,
    tenant: Tenant,
    agent: Member,
    customer: Customer,
    products: list[Product],
    path: list[str],
    proposal_on: date | None,
    today: date,
    sale: SaleRecord | None,
) -> list[Quote]:
    """Return 0–4 quotes for a customer at proposal or later; 3–4 for some who stall (the churn warning)."""
    if not products or proposal_on is None:
        return []
    stalled = path[-1] in (Stage.PROPOSAL, Stage.OBJECTION) and rng.random() < 0.35
    count = rng.randint(3, 4) if stalled else rng.randint(0, 2 if sale is None else 3)
    start = proposal_on
    end = sale.sold_on if sale is not None else today
    return [
        Quote(
            tenant=tenant,
            customer=customer,
            product=sale.product if sale is not None and number == 0 else rng.choice(products),
            premium=Decimal(rng.randint(30, 900) * 100),
            quoted_on=day,
            created_by=agent,
        )
        for number, day in enumerate(_days_between(rng, start, max(start, end), count))
    ]


def _link_visits(*, tenant: Tenant, rng: random.Random, today: date, agents: list[Member], phones: _Phones) -> None:
    """Link the agents' visits of the last four weeks to their books; raise a day's counts to cover new entries."""
    visits = list(
        Visit.objects.filter(
            tenant=tenant,
            log__member__in=agents,
            log__date__gte=today - timedelta(days=VISIT_DAYS),
            customer__isnull=True,
        )
        .select_related("log")
        .order_by("log__date", "id")
    )
    by_name: dict[tuple[int, str], list[Customer]] = defaultdict(list)
    by_phone: dict[str, Customer] = {}
    for known in Customer.objects.filter(tenant=tenant, owner__in=agents, erased_at__isnull=True).order_by("id"):
        by_name[(known.owner_id, known.name)].append(known)
        if known.phone:
            by_phone[known.phone] = known
    contacted: dict[int, date] = {}
    added: list[Customer] = []
    added_changes: list[CustomerStageChange] = []
    for visit in visits:
        member_id, day = visit.log.member_id, visit.log.date
        same_name = by_name.get((member_id, visit.name), [])
        mine = by_phone.get(visit.phone)
        entry: Customer
        if len(same_name) == 1:
            entry = same_name[0]
        elif mine is not None and mine.owner_id == member_id:
            entry = mine
        else:
            if not visit.phone or visit.phone in phones.used:
                # The demo's visit phone is someone else's: the agent wrote down another number.
                visit.phone = phones.new()
            else:
                phones.used.add(visit.phone)
            entry = Customer(
                tenant=tenant,
                owner_id=member_id,
                name=visit.name,
                phone=visit.phone,
                source=source_for_kind(visit.kind),
                consent=_pick(rng, CONSENTS),
                acquired_on=day,
                stage=Stage.ACQUIRED,
                stage_changed_on=day,
                last_contact_on=day,
            )
            added.append(entry)
            added_changes.append(
                CustomerStageChange(
                    tenant=tenant, customer=entry, to_stage=Stage.ACQUIRED, changed_on=day, changed_by_id=member_id
                )
            )
            by_name[(member_id, entry.name)].append(entry)
            by_phone[entry.phone] = entry
        visit.customer = entry
        if entry.pk is None:
            entry.last_contact_on = max(entry.last_contact_on or day, day)
        else:
            contacted[entry.pk] = max(contacted.get(entry.pk, day), day)
    Customer.objects.bulk_create(added, batch_size=2000)
    CustomerStageChange.objects.bulk_create(added_changes, batch_size=2000)
    Visit.objects.bulk_update(visits, ["customer", "phone"], batch_size=2000)
    # Existing entries' last contact moves up to their latest visit (never back), in one bulk write.
    raised = [
        entry
        for entry in Customer.objects.filter(tenant=tenant, pk__in=contacted).only("pk", "last_contact_on")
        if entry.last_contact_on is None or entry.last_contact_on < contacted[entry.pk]
    ]
    for entry in raised:
        entry.last_contact_on = contacted[entry.pk]
    Customer.objects.bulk_update(raised, ["last_contact_on"], batch_size=2000)
    _cover_the_book(tenant=tenant, agents=agents)


def _cover_the_book(*, tenant: Tenant, agents: list[Member]) -> None:
    """Raise each logged day's new prospects and referrals to the book entries acquired that day."""
    needed: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for owner_id, day, source in Customer.objects.filter(tenant=tenant, owner__in=agents).values_list(
        "owner_id", "acquired_on", "source"
    ):
        needed[(owner_id, day)][item_for_source(source)] += 1
    raised = []
    logs = DailyLog.objects.filter(tenant=tenant, member__in=agents, date__in={day for _, day in needed})
    for log in logs:
        counts = needed.get((log.member_id, log.date))
        if not counts:
            continue
        changed = False
        for item, count in counts.items():
            if getattr(log, item) < count:
                setattr(log, item, count)
                changed = True
        if changed:
            raised.append(log)
    DailyLog.objects.bulk_update(raised, ["new_prospects", "referrals"], batch_size=2000)
    # Written in bulk past the service: the rollups hear of the days here (the demo's rebuild also covers them).
    request_refresh(tenant=tenant, member_days=[(log.member_id, log.date) for log in raised])

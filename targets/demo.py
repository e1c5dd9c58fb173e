"""The demo tenant's sales history and its current-quarter plan.

Called by ``seed_demo`` once the org exists: a partner bank with seven
branches, last quarter's and this quarter's sale records (deterministic),
and a premium plan for the current quarter at baseline + 25 %, allocated.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from bancassurance import services as bank_services
from salesops.org.models import Channel, Member, Product, Tenant
from targets.models import SaleRecord
from targets.quarters import FEN, previous_quarter, quarter_of, quarter_start
from targets.rounding import largest_remainder
from targets.selectors.plans import plan_baseline
from targets.services import plans as plan_services

BRANCH_NAMES = ["浦东支行", "陆家嘴支行", "张江支行", "徐家汇支行", "静安寺支行", "南京西路支行", "人民广场支行"]
# The seed's structure (个险 60 = 健康 40 + 年金 20; 团险 30 = 20 + 10; 银保 10), as weights.
PLAN_LINES = [
    ("agency", "health", 40),
    ("agency", "annuity", 20),
    ("group", "employer_liability", 20),
    ("group", "group_annuity", 10),
    ("bancassurance", "single_premium_savings", 10),
]
TEN_THOUSAND = Decimal(10000)
SALE_MIX = [line for line in PLAN_LINES for _ in range(line[2] // 10)]


def seed_targets_demo(*, tenant: Tenant, rng: random.Random, today: date) -> None:
    bank = bank_services.bank_create(tenant=tenant, actor=None, code="ICBC", name="工商银行")
    branches = [
        bank_services.bank_branch_create(
            tenant=tenant, actor=None, bank_id=bank.pk, code=f"ICBC-3101{index:02d}", name=name
        )
        for index, name in enumerate(BRANCH_NAMES)
    ]
    year, quarter = quarter_of(today)
    history_start = quarter_start(*previous_quarter(year, quarter))
    _seed_sales(tenant=tenant, rng=rng, branches=branches, start=history_start, end=today)
    baseline = plan_baseline(tenant=tenant, year=year, quarter=quarter, metric="premium", ramp_up_share=Decimal("0.5"))
    # A round figure in 万元, as a manager would set it.
    total = (baseline.baseline * Decimal("1.25") / TEN_THOUSAND).quantize(Decimal(1)) * TEN_THOUSAND
    parts = largest_remainder(int(total / FEN), [Fraction(weight) for _c, _p, weight in PLAN_LINES])
    plan = plan_services.plan_create(
        tenant=tenant,
        actor=None,
        year=year,
        quarter=quarter,
        metric="premium",
        total=total,
        uplift=Decimal(25),
        channel_lines=[
            {"channel": channel, "product": product, "amount": Decimal(part) * FEN}
            for (channel, product, _weight), part in zip(PLAN_LINES, parts, strict=True)
        ],
    )
    plan_services.plan_allocate(tenant=tenant, actor=None, plan=plan)


def _seed_sales(*, tenant, rng, branches, start: date, end: date) -> None:
    channels = {channel.code: channel for channel in Channel.objects.filter(tenant=tenant)}
    products = {product.code: product for product in Product.objects.filter(tenant=tenant)}
    agents = list(Member.objects.filter(tenant=tenant, role=Member.Role.AGENT).order_by("id"))
    records = []
    for agent in agents:
        # Stronger and weaker agents: a personal rate of about 0.5 to 3 policies a month.
        skill = rng.uniform(0.5, 3.0)
        first_day = max(start, agent.hired_on or start)
        active_days = (end - first_day).days + 1
        if active_days <= 0:
            continue
        for _sale in range(round(skill * active_days / 30)):
            channel, product, _weight = rng.choice(SALE_MIX)
            sold_on = first_day + timedelta(days=rng.randrange(active_days))
            premium = (
                Decimal(rng.randint(300, 6000) * 10) if channel == "agency" else Decimal(rng.randint(20, 300) * 100)
            )
            records.append(
                SaleRecord(
                    tenant=tenant,
                    policy_no=f"DEMO{len(records) + 1:06d}",
                    member=agent,
                    channel=channels[channel],
                    product=products[product],
                    premium=premium,
                    policies=1,
                    sold_on=sold_on,
                    customer_kind=rng.choice(["new", "new", "existing", "existing", "existing"]),
                    payment_mode="single" if product == "single_premium_savings" else "regular",
                    bank_branch=rng.choice(branches) if channel == "bancassurance" else None,
                )
            )
    SaleRecord.objects.bulk_create(records, batch_size=2000)

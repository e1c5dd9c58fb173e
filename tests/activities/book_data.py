"""The customer book's test data, written through the services (part A of issue 10).

On tests/factories.py's org, seen on Sunday 22 Nov 2026 (``TODAY``)::

    #  owner    name    phone         source     acquired
    张三     agent    张三   13812341234  referral   2026-11-02
    李四     agent    李四   13900001111  own        2026-11-05
    王五     agent2   王五   15000002222  event      2026-11-06
    赵六     agent3   赵六   18600003333  own        2026-11-07   (team north-2, supervisor2)

Sales credited to agent in November (``write_sales``)::

    P-BOOK-1  2026-11-10  1 policy  12,000.00  linked to 张三
    P-BOOK-2  2026-11-12  1 policy   3,000.00  no customer

agent's November by hand: 1 + 1 = 2 policies, 12,000.00 + 3,000.00 = 15,000.00.
Erasing 张三 changes neither figure: the sale stays, linked to the anonymous row.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from activities.services.customers import customer_create
from targets.models import SaleRecord
from targets.services.sales import sale_record_create

TODAY = date(2026, 11, 22)
NOVEMBER = date(2026, 11, 1)
AGENT_NOVEMBER_POLICIES = 2
AGENT_NOVEMBER_PREMIUM = Decimal("15000.00")
_serial = itertools.count(1)


def customer(org, owner, name, phone, *, actor=None, source="own", acquired_on=None, **extra):
    return customer_create(
        tenant=org.tenant,
        actor=actor or owner,
        owner_id=owner.pk,
        name=name,
        phone=phone,
        source=source,
        consent="given",
        acquired_on=acquired_on or date(2026, 11, 2),
        today=TODAY,
        **extra,
    )


def write_book(org) -> dict:
    """The four entries of the module docstring, by name."""
    zhang = customer(
        org,
        org.agent,
        "张三",
        "138 1234 1234",
        source="referral",
        household={"income": "300000", "members": 3, "cover": {"health": "2000"}},
        notes="喜欢周末见面",
    )
    li = customer(org, org.agent, "李四", "+86 139-0000-1111", acquired_on=date(2026, 11, 5), referred_by_id=zhang.pk)
    wang = customer(org, org.agent2, "王五", "15000002222", source="event", acquired_on=date(2026, 11, 6))
    zhao = customer(org, org.agent3, "赵六", "18600003333", acquired_on=date(2026, 11, 7))
    return {"张三": zhang, "李四": li, "王五": wang, "赵六": zhao}


def sale(org, member, day, premium, *, customer=None):
    record = sale_record_create(
        tenant=org.tenant,
        actor=org.admin,
        policy_no=f"P-BOOK-{next(_serial)}-{org.tenant.slug}",
        member_id=member.pk,
        channel_code="agency",
        product_code="health",
        premium=Decimal(premium),
        policies=1,
        sold_on=day,
        customer_kind="new",
        payment_mode="regular",
        today=TODAY,
    )
    if customer is not None:
        # The sale's link to a book entry is written by the funnel part; the link itself is what matters here.
        SaleRecord.objects.filter(tenant=org.tenant, pk=record.pk).update(customer=customer)
    return record


def write_sales(org, book) -> None:
    sale(org, org.agent, date(2026, 11, 10), "12000.00", customer=book["张三"])
    sale(org, org.agent, date(2026, 11, 12), "3000.00")

"""A hand-made funnel: who reached which stage in November 2026, worked out by hand.

Period: 1–30 Nov 2026 (``START``–``END``), seen on ``TODAY`` = 30 Nov.
A customer *reached* a stage when a stage change to it or to a later stage is
dated in the period, or (for ``acquired``) when they were acquired in it.
Counts are ``(acquired, needs analysis, proposal, objection, signed, service)``.

Team north-1 (supervisor): agent, agent2, agent5 (added here)::

    agent   A1 acq 2 Nov → needs 5 → proposal 10 → objection 15 → signed 20     furthest signed
            A2 acq 3 Nov → needs 6 → proposal 12                                furthest proposal
            A3 acq 4 Nov → needs 8                                              furthest needs
            A4 acq 4 Nov                                                        acquired
            A5 acq 10 Oct → needs 20 Oct (before) → proposal 7 Nov               proposal (so acq, needs too)
            A6 acq 1 Oct, nothing in November                                   not counted
            counts (5, 4, 3, 1, 1, 0); rates 4/5 = 0.8, 3/4 = 0.75, 1/3 = 0.3333, 1/1 = 1, 0/1 = 0
    agent2  B1 acq 2 Nov → needs 3 → proposal 4 → signed 9 (skips objection)     signed
            B2 acq 2 Nov → needs 5 → proposal 6 → objection 7 → back to proposal
               10 Nov, with a reason (a backward move lowers nothing reached)    objection
            B3 acq 3 Nov                                                        acquired
            B4 acq 3 Nov → needs 4                                              needs
            counts (4, 3, 2, 2, 1, 0); rates 3/4 = 0.75, 2/3 = 0.6667, 2/2 = 1, 1/2 = 0.5, 0/1 = 0
    agent5  C1 acq 1 Nov → needs 2 → proposal 3 → objection 4 → signed 5 → service 25
            C2 acq 1 Nov → proposal 3 (skips needs analysis)
            counts (2, 2, 2, 1, 1, 1); rates 1, 1, 1/2 = 0.5, 1, 1

Team north-1's median per step (three agents; the middle value):
step 1 (acquired→needs) of 0.8, 0.75, 1 = 0.8; step 2 (needs→proposal) of
0.75, 0.6667, 1 = 0.75; step 3 (proposal→objection) of 0.3333, 1, 0.5 = 0.5;
step 4 (objection→signed) of 1, 0.5, 1 = 1; step 5 (signed→service) of 0, 0, 1 = 0.

Shortfall = team median − own rate; the losing step is the largest above zero:

- agent: 0, 0, 0.5 − 0.3333 = 0.1667, 0, 0 → loses at proposal→objection;
- agent2: 0.05, 0.75 − 0.6667 = 0.0833, −0.5, 1 − 0.5 = 0.5, 0 → loses at objection→signed;
- agent5: −0.2, −0.25, 0, 0, −1 → loses nowhere.

Team north-2: agent3 D1 acq 10 Nov → needs 12: (1, 1, 0, 0, 0, 0), rates 1, 0, none, none,
none; alone, the median is their own and they lose nowhere.
Team south-1: agent4 E1 acq 15 Nov → signed 20 (skips three); E2 acq 16 Nov → needs 17, then erased
(an erased customer still counts): (2, 2, 1, 1, 1, 0), rates 1, 0.5, 1, 1, 0.

Teams: north-1 (11, 9, 7, 4, 3, 1); north-2 (1, 1, 0, 0, 0, 0); south-1 (2, 2, 1, 1, 1, 0).
Branches: north = north-1 + north-2 = (12, 10, 7, 4, 3, 1); south (2, 2, 1, 1, 1, 0).
Whole tenant: (14, 12, 8, 5, 4, 1); rates 12/14 = 0.8571, 8/12 = 0.6667, 5/8 = 0.625, 4/5 = 0.8, 1/4 = 0.25.
Another tenant's customer reached signed in November too: it counts nowhere here.

Churn warning (policy default: 3 quotes), customers acquired 1 Oct, quotes in October (each quote
moved them to the proposal in October, outside the period, so the funnel above is untouched):
W1 (agent) 2 quotes: no; W2 (agent) 3 quotes: yes; W3 (agent2) 3 quotes and a sale linked 20 Oct: no;
W4 (agent) 3 quotes, erased: no. With ``churn_quotes = 2`` W1 is warned too.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from activities.models.customers import Customer
from activities.services.funnel import quote_record, stage_change
from salesops.org.models import Member
from targets.services.sales import sale_record_create
from tests.factories import OrgFixture, add_member

TODAY = date(2026, 11, 30)
START = date(2026, 11, 1)
END = date(2026, 11, 30)
_phone = itertools.count(13800000001)
_policy = itertools.count(1)

S = Customer.Stage


def nov(day: int) -> date:
    return date(2026, 11, day)


def octo(day: int) -> date:
    return date(2026, 10, day)


def customer(org: OrgFixture, owner: Member, name: str, acquired_on: date) -> Customer:
    """A book entry at ``acquired`` since ``acquired_on`` (the book's own service belongs to another part)."""
    return Customer.objects.create(
        tenant=org.tenant,
        owner=owner,
        name=name,
        phone=str(next(_phone)),
        acquired_on=acquired_on,
        stage=S.ACQUIRED,
        stage_changed_on=acquired_on,
    )


def walk(org: OrgFixture, entry: Customer, *moves: tuple[str, date]) -> Customer:
    """Move ``entry`` through ``moves`` (stage, day) as its owner, as the service does."""
    for to_stage, day in moves:
        stage_change(
            tenant=org.tenant, actor=entry.owner, customer=entry, to_stage=to_stage, changed_on=day, today=TODAY
        )
    entry.refresh_from_db()
    return entry


def quotes(org: OrgFixture, entry: Customer, *days: date) -> Customer:
    for day in days:
        quote_record(
            tenant=org.tenant,
            actor=entry.owner,
            customer=entry,
            product_code="health",
            premium=Decimal("6000.00"),
            quoted_on=day,
            today=TODAY,
        )
    entry.refresh_from_db()
    return entry


def sale_for(org: OrgFixture, entry: Customer | None, member: Member, day: date, **extra):
    return sale_record_create(
        tenant=org.tenant,
        actor=org.admin,
        policy_no=f"F{next(_policy):06d}-{org.tenant.slug}",
        member_id=member.pk,
        channel_code="agency",
        product_code="health",
        premium=Decimal("6000.00"),
        policies=1,
        sold_on=day,
        customer_kind="new",
        payment_mode="regular",
        customer_id=entry.pk if entry is not None else None,
        today=TODAY,
        **extra,
    )


def build_funnel(org: OrgFixture) -> OrgFixture:
    """Write the November funnel of the module docstring; ``org.customers`` names each entry."""
    org.members["agent5"] = add_member(
        org.tenant, f"{org.tenant.slug}-agent5", Member.Role.AGENT, org.units["north1"], supervisor=org.supervisor
    )
    c: dict[str, Customer] = {}
    a, a2, a3, a4, a5 = org.agent, org.agent2, org.agent3, org.agent4, org.agent5
    c["A1"] = walk(
        org,
        customer(org, a, "A1", nov(2)),
        (S.NEEDS_ANALYSIS, nov(5)),
        (S.PROPOSAL, nov(10)),
        (S.OBJECTION, nov(15)),
        (S.SIGNED, nov(20)),
    )
    c["A2"] = walk(org, customer(org, a, "A2", nov(3)), (S.NEEDS_ANALYSIS, nov(6)), (S.PROPOSAL, nov(12)))
    c["A3"] = walk(org, customer(org, a, "A3", nov(4)), (S.NEEDS_ANALYSIS, nov(8)))
    c["A4"] = customer(org, a, "A4", nov(4))
    c["A5"] = walk(org, customer(org, a, "A5", octo(10)), (S.NEEDS_ANALYSIS, octo(20)), (S.PROPOSAL, nov(7)))
    c["A6"] = customer(org, a, "A6", octo(1))
    c["B1"] = walk(
        org,
        customer(org, a2, "B1", nov(2)),
        (S.NEEDS_ANALYSIS, nov(3)),
        (S.PROPOSAL, nov(4)),
        (S.SIGNED, nov(9)),
    )
    c["B2"] = walk(
        org,
        customer(org, a2, "B2", nov(2)),
        (S.NEEDS_ANALYSIS, nov(5)),
        (S.PROPOSAL, nov(6)),
        (S.OBJECTION, nov(7)),
    )
    stage_change(
        tenant=org.tenant,
        actor=a2,
        customer=c["B2"],
        to_stage=S.PROPOSAL,
        changed_on=nov(10),
        reason="客户要求换一份保额更低的计划书",
        today=TODAY,
    )
    c["B3"] = customer(org, a2, "B3", nov(3))
    c["B4"] = walk(org, customer(org, a2, "B4", nov(3)), (S.NEEDS_ANALYSIS, nov(4)))
    c["C1"] = walk(
        org,
        customer(org, a5, "C1", nov(1)),
        (S.NEEDS_ANALYSIS, nov(2)),
        (S.PROPOSAL, nov(3)),
        (S.OBJECTION, nov(4)),
        (S.SIGNED, nov(5)),
        (S.SERVICE, nov(25)),
    )
    c["C2"] = walk(org, customer(org, a5, "C2", nov(1)), (S.PROPOSAL, nov(3)))
    c["D1"] = walk(org, customer(org, a3, "D1", nov(10)), (S.NEEDS_ANALYSIS, nov(12)))
    c["E1"] = walk(org, customer(org, a4, "E1", nov(15)), (S.SIGNED, nov(20)))
    c["E2"] = walk(org, customer(org, a4, "E2", nov(16)), (S.NEEDS_ANALYSIS, nov(17)))
    Customer.objects.filter(pk=c["E2"].pk).update(
        name="", phone="", erased_at=timezone.make_aware(datetime(2026, 11, 28, 9, 0))
    )
    # The churn warning's customers: quotes in October only.
    c["W1"] = quotes(org, customer(org, a, "W1", octo(1)), octo(5), octo(6))
    c["W2"] = quotes(org, customer(org, a, "W2", octo(1)), octo(5), octo(8), octo(12))
    c["W3"] = quotes(org, customer(org, a2, "W3", octo(1)), octo(5), octo(8), octo(12))
    sale_for(org, c["W3"], a2, octo(20))
    c["W4"] = quotes(org, customer(org, a, "W4", octo(1)), octo(5), octo(8), octo(12))
    Customer.objects.filter(pk=c["W4"].pk).update(erased_at=timezone.make_aware(datetime(2026, 11, 28, 9, 0)))
    org.customers = c  # type: ignore[attr-defined]
    return org


def build_other_funnel(other: OrgFixture) -> Customer:
    """Another tenant's customer who signed in November (counts nowhere in tenant A)."""
    entry = customer(other, other.agent, "外", nov(2))
    return walk(other, entry, (S.SIGNED, nov(9)))

"""A hand-made day of the customer book and the work log (part "loglink" of issue 10).

On tests/factories.py's orgs, ``D`` is the day before the tenant's today (open
for the agent's own writes)::

    acme agent's book
      张伟    13800000001  own       acquired D       → counts into D's new_prospects
      李娜    13800000002  referral  acquired D       → counts into D's referrals
      王芳    13800000003  own       acquired D − 10  (last contact D − 10)
      刘强    13800000004  own       acquired D − 10  (last contact D + 1: later than D)
    acme agent2's book
      赵敏    13900000001  own       acquired D − 3
    bolt agent's book (the other tenant)
      陈静    13700000001  own       acquired D − 3

So D's log of the acme agent must say new_prospects ≥ 1 (张伟) and
referrals ≥ 1 (李娜): 0 / 0 is refused on both items, naming the entries;
1 / 1 is saved.

A new visit of kind referral to 周杰 (139-1234-5678) adds a referral entry
acquired on D: referrals must then be ≥ 2 (李娜, 周杰). A visit of kind
prospect to "+86 138 0000 0001" names 张伟's phone: it links to 张伟, no new
entry, and new_prospects stays ≥ 1.

Rollups: with D's log at 5 phone appointments, 1 new prospect and 2
referrals, the agent's week and month rows and their team's day row hold
new_prospects 1 and referrals 2; once a second referral entry is added for D
(count_book_entry), D's referrals become 3 and the rollups follow (3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from activities.models import Customer, CustomerStageChange
from salesops.org.models import Member
from salesops.org.selectors import tenant_today
from tests.factories import OrgFixture


@dataclass
class Book:
    day: date
    zhang: Customer
    li: Customer
    wang: Customer
    liu: Customer
    zhao: Customer
    chen: Customer


def entry(member: Member, name: str, phone: str, source: str, acquired_on: date, last_contact_on=None) -> Customer:
    customer = Customer.objects.create(
        tenant=member.tenant,
        owner=member,
        name=name,
        phone=phone,
        source=source,
        acquired_on=acquired_on,
        stage=Customer.Stage.ACQUIRED,
        stage_changed_on=acquired_on,
        last_contact_on=last_contact_on,
        consent=Customer.Consent.GIVEN,
    )
    CustomerStageChange.objects.create(
        tenant=member.tenant, customer=customer, to_stage=Customer.Stage.ACQUIRED, changed_on=acquired_on
    )
    return customer


def build_book(org: OrgFixture, other_org: OrgFixture) -> Book:
    """Write the entries of the module docstring straight into the book (no log is touched)."""
    day = tenant_today(org.tenant) - timedelta(days=1)
    own, referral = Customer.Source.OWN, Customer.Source.REFERRAL
    earlier = day - timedelta(days=10)
    return Book(
        day=day,
        zhang=entry(org.agent, "张伟", "13800000001", own, day),
        li=entry(org.agent, "李娜", "13800000002", referral, day),
        wang=entry(org.agent, "王芳", "13800000003", own, earlier, last_contact_on=earlier),
        liu=entry(org.agent, "刘强", "13800000004", own, earlier, last_contact_on=day + timedelta(days=1)),
        zhao=entry(org.agent2, "赵敏", "13900000001", own, day - timedelta(days=3)),
        chen=entry(other_org.agent, "陈静", "13700000001", own, day - timedelta(days=3)),
    )

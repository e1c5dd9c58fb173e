"""A small week of facts across a week and a month boundary, written through the services.

On tests/factories.py's org (2026, ISO week of Mon 26 Oct – Sun 1 Nov, then
the week from Mon 2 Nov; October ends on the Saturday)::

    Fri 30 Oct  agent    log: 5 phone appointments, 3 sales interviews
    Sat 31 Oct  agent    sale 1 policy   1,000.00  agency · health
    Sun  1 Nov  agent2   log: 2 phone appointments
    Sun  1 Nov  agent3   sale 2 policies   500.00  group · employer_liability
    Mon  2 Nov  agent    log: 4 phone appointments
    Mon  2 Nov  agent4   sale 1 policy     250.50  agency · health

agent and agent2 are in team north-1, agent3 in north-2 (both in branch
north), agent4 in south-1 (branch south); every unit is in the company.
"""

from datetime import date
from decimal import Decimal

from activities.models import ITEMS
from activities.services.logs import daily_log_upsert
from targets.services.sales import sale_record_create

TODAY = date(2026, 11, 22)
WEEK_1 = date(2026, 10, 26)
WEEK_2 = date(2026, 11, 2)
OCTOBER = date(2026, 10, 1)
NOVEMBER = date(2026, 11, 1)


def log(org, member, day, **counts):
    return daily_log_upsert(
        tenant=org.tenant,
        actor=org.admin,  # past the agents' edit window
        member=member,
        date=day,
        counts={item: counts.get(item, 0) for item in ITEMS},
        visits=[],
        reason="entered from the paper sheet",
    )


_policy_serial = iter(range(1, 10**6))


def sale(org, member, day, premium, *, policies=1, channel="agency", product="health"):
    return sale_record_create(
        tenant=org.tenant,
        actor=org.admin,
        policy_no=f"R{next(_policy_serial):06d}-{org.tenant.slug}",
        member_id=member.pk,
        channel_code=channel,
        product_code=product,
        premium=Decimal(premium),
        policies=policies,
        sold_on=day,
        customer_kind="new",
        payment_mode="regular",
        today=TODAY,
    )


def write_boundary_week(org):
    """Write the facts of the module docstring (each write also files its outbox request)."""
    log(org, org.agent, date(2026, 10, 30), phone_appointments=5, sales_interviews=3)
    sale(org, org.agent, date(2026, 10, 31), "1000.00")
    log(org, org.agent2, date(2026, 11, 1), phone_appointments=2)
    sale(org, org.agent3, date(2026, 11, 1), "500.00", policies=2, channel="group", product="employer_liability")
    log(org, org.agent, date(2026, 11, 2), phone_appointments=4)
    sale(org, org.agent4, date(2026, 11, 2), "250.50")

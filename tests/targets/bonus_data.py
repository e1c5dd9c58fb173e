"""A small team's bonuses worked out by hand (no tests here: the data the bonus tests share), seen on 22 Nov 2026.

Default tiers: from 100 % of target 10 % of premium; from 110 % 15 %.

October 2026 (premium plan Q4, targets of October)::

    member   unit      target   premium     attainment            rate  bonus
    agent    north-1   50,000   55,000.00   55,000/50,000 = 110 %  15 %  8,250.00
    agent2   north-1   50,000   54,999.00   1.09998 → 1.0999       10 %  5,499.90
    agent3   north-2   50,000   40,000.00   80 %                    0    0.00
    agent4   south-1   10,000   10,000.05   1.000005 → 1.0000      10 %  1,000.005 → 1,000.01 (half up)
    agent5   north-2   20,000   24,000.00   120 % (hired 19 Oct)   15 %  3,600.00
    agent6   south-1   —        12,345.67   no target               0    0.00
    leaver   north-1   10,000   11,000.00   110 % (inactive now)   15 %  1,650.00
    gone     north-1   —         5,000.00   inactive, no target: not listed

    total 8,250.00 + 5,499.90 + 1,000.01 + 3,600.00 + 1,650.00 = 19,999.91

agent also sold 99,999 on 3 November (November's, not October's). The
other tenant's agent has a target and sales in October too: never listed.

Third quarter 2026 (premium plan Q3): agent's targets 10,000 a month
(30,000), sales 5,000 + 20,000 + 8,000 = 33,000 → 110 % → 15 % → 4,950.00;
agent3 targets 10,000 a month, sales 27,000 → 90 % → 0.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salesops.org.models import Member
from targets.models import Allocation, Plan
from tests.dashboards.rollup_data import sale
from tests.factories import add_member

TODAY = date(2026, 11, 22)

OCTOBER_BONUSES = {
    # member key: (target, premium, attainment, rate, amount)
    "agent": ("50000.00", "55000.00", "1.1000", "0.1500", "8250.00"),
    "agent2": ("50000.00", "54999.00", "1.0999", "0.1000", "5499.90"),
    "agent3": ("50000.00", "40000.00", "0.8000", "0.0000", "0.00"),
    "agent4": ("10000.00", "10000.05", "1.0000", "0.1000", "1000.01"),
    "agent5": ("20000.00", "24000.00", "1.2000", "0.1500", "3600.00"),
    "agent6": ("0.00", "12345.67", None, "0.0000", "0.00"),
    "leaver": ("10000.00", "11000.00", "1.1000", "0.1500", "1650.00"),
}
OCTOBER_TOTAL = Decimal("19999.91")


def plan(org, quarter: int) -> Plan:
    return Plan.objects.create(tenant=org.tenant, year=2026, quarter=quarter, metric=Plan.Metric.PREMIUM, total=1)


def target(org, plan: Plan, member: Member, amount: str, month: int) -> None:
    Allocation.objects.create(
        tenant=org.tenant, plan=plan, unit=member.unit, member=member, month=month, amount=Decimal(amount)
    )


def write_october(org) -> None:
    """Write the October table of the module's docstring; ``org.members`` gains agent5, agent6, leaver, gone."""
    Role = Member.Role
    m = org.members
    m["agent5"] = add_member(org.tenant, f"{org.tenant.slug}-agent5", Role.AGENT, org.units["north2"])
    m["agent5"].hired_on = date(2026, 10, 19)
    m["agent5"].save(update_fields=["hired_on"])
    m["agent6"] = add_member(org.tenant, f"{org.tenant.slug}-agent6", Role.AGENT, org.units["south1"])
    m["leaver"] = add_member(org.tenant, f"{org.tenant.slug}-leaver", Role.AGENT, org.units["north1"])
    m["gone"] = add_member(org.tenant, f"{org.tenant.slug}-gone", Role.AGENT, org.units["north1"])

    q4 = plan(org, 4)
    for key, amount in (
        ("agent", "50000"),
        ("agent2", "50000"),
        ("agent3", "50000"),
        ("agent4", "10000"),
        ("agent5", "20000"),
        ("leaver", "10000"),
    ):
        target(org, q4, m[key], amount, 10)
    sale(org, m["agent"], date(2026, 10, 9), "30000")
    sale(org, m["agent"], date(2026, 10, 28), "25000")
    sale(org, m["agent"], date(2026, 11, 3), "99999")  # November's
    sale(org, m["agent2"], date(2026, 10, 30), "54999")
    sale(org, m["agent3"], date(2026, 10, 15), "40000")
    sale(org, m["agent4"], date(2026, 10, 31), "10000.05")
    sale(org, m["agent5"], date(2026, 10, 26), "24000")
    sale(org, m["agent6"], date(2026, 10, 20), "12345.67")
    sale(org, m["leaver"], date(2026, 10, 5), "11000")
    sale(org, m["gone"], date(2026, 10, 6), "5000")
    for key in ("leaver", "gone"):
        m[key].active = False
        m[key].save(update_fields=["active"])


def write_third_quarter(org) -> None:
    """Write the third quarter of the module's docstring."""
    q3 = plan(org, 3)
    for month in (7, 8, 9):
        target(org, q3, org.agent, "10000", month)
        target(org, q3, org.agent3, "10000", month)
    sale(org, org.agent, date(2026, 7, 10), "5000")
    sale(org, org.agent, date(2026, 8, 10), "20000")
    sale(org, org.agent, date(2026, 9, 10), "8000")
    sale(org, org.agent3, date(2026, 8, 20), "27000")


def expected_rows(org, keys) -> list[tuple]:
    """``(member id, target, premium, attainment, rate, amount)`` of the October table for ``keys``."""
    rows = []
    for key in keys:
        target_, premium, attainment, rate, amount = OCTOBER_BONUSES[key]
        rows.append(
            (
                org.members[key].pk,
                Decimal(target_),
                Decimal(premium),
                None if attainment is None else Decimal(attainment),
                Decimal(rate),
                Decimal(amount),
            )
        )
    return rows

"""Test data built through the real services, so tests see what production writes.

``build_org`` gives each tenant this tree (names prefixed by the tenant slug)::

    company                       admin (tenant_admin), manager (manager)
    ├── branch north              branch_manager (manager)
    │   ├── team north-1          supervisor, agent, agent2 (agents report to supervisor)
    │   └── team north-2          supervisor2, agent3
    ├── branch south
    │   └── team south-1          agent4
    ├── team bank                 bank (bank_staff)
    └── team renewals             renewal_lead, advisor (renewal_advisor)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

from salesops.org import services
from salesops.org.models import Member, OrgUnit, Tenant

PASSWORD = "Test-pass-2026!"
# Active members of a ``build_org`` tenant by role, counted by hand from the tree above.
ORG_HEADCOUNT = {
    "agent": 4,
    "bank_staff": 1,
    "manager": 2,
    "renewal_advisor": 1,
    "renewal_lead": 1,
    "supervisor": 2,
    "tenant_admin": 1,
}
_serial = itertools.count(1)


@dataclass
class OrgFixture:
    tenant: Tenant
    units: dict[str, OrgUnit] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)

    def __getattr__(self, name):
        members = self.__dict__.get("members", {})
        if name in members:
            return members[name]
        raise AttributeError(name)


def add_unit(tenant: Tenant, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
    return services.unit_create(
        tenant=tenant, actor=None, name=name, kind=kind, parent_id=parent.pk if parent else None
    )


def add_member(
    tenant: Tenant,
    username: str,
    role: str,
    unit: OrgUnit,
    *,
    supervisor: Member | None = None,
    tier: str = Member.Tier.MIDDLE,
    password: str | None = PASSWORD,
) -> Member:
    return services.member_create(
        tenant=tenant,
        actor=None,
        username=username,
        display_name=f"{username}-名",
        role=role,
        unit_id=unit.pk,
        password=password,
        employee_no=f"E{next(_serial):05d}",
        tier=tier,
        supervisor_id=supervisor.pk if supervisor else None,
        hired_on=date(2024, 3, 1),
    )


def build_org(slug: str, name: str) -> OrgFixture:
    tenant, admin = services.tenant_create(
        slug=slug, name=name, admin_username=f"{slug}-admin", admin_password=PASSWORD
    )
    company = admin.unit
    org = OrgFixture(tenant=tenant)
    org.units["company"] = company
    org.members["admin"] = admin
    Kind, Role = OrgUnit.Kind, Member.Role
    north = org.units["north"] = add_unit(tenant, f"{slug}-north", Kind.BRANCH, company)
    south = org.units["south"] = add_unit(tenant, f"{slug}-south", Kind.BRANCH, company)
    north1 = org.units["north1"] = add_unit(tenant, f"{slug}-north-1", Kind.TEAM, north)
    north2 = org.units["north2"] = add_unit(tenant, f"{slug}-north-2", Kind.TEAM, north)
    south1 = org.units["south1"] = add_unit(tenant, f"{slug}-south-1", Kind.TEAM, south)
    bank = org.units["bank"] = add_unit(tenant, f"{slug}-bank", Kind.TEAM, company)
    renewals = org.units["renewals"] = add_unit(tenant, f"{slug}-renewals", Kind.TEAM, company)

    m = org.members
    m["manager"] = add_member(tenant, f"{slug}-manager", Role.MANAGER, company)
    m["branch_manager"] = add_member(tenant, f"{slug}-branch-manager", Role.MANAGER, north, supervisor=m["manager"])
    m["supervisor"] = add_member(tenant, f"{slug}-supervisor", Role.SUPERVISOR, north1, supervisor=m["branch_manager"])
    m["agent"] = add_member(tenant, f"{slug}-agent", Role.AGENT, north1, supervisor=m["supervisor"], tier="top")
    m["agent2"] = add_member(tenant, f"{slug}-agent2", Role.AGENT, north1, supervisor=m["supervisor"], tier="bottom")
    m["supervisor2"] = add_member(tenant, f"{slug}-supervisor2", Role.SUPERVISOR, north2)
    m["agent3"] = add_member(tenant, f"{slug}-agent3", Role.AGENT, north2, supervisor=m["supervisor2"])
    m["agent4"] = add_member(tenant, f"{slug}-agent4", Role.AGENT, south1)
    m["bank"] = add_member(tenant, f"{slug}-bank", Role.BANK_STAFF, bank)
    m["renewal_lead"] = add_member(tenant, f"{slug}-renewal-lead", Role.RENEWAL_LEAD, renewals)
    m["advisor"] = add_member(tenant, f"{slug}-advisor", Role.RENEWAL_ADVISOR, renewals, supervisor=m["renewal_lead"])
    return org

"""The people and branches the sample exports name, built through the real services.

``/work/shared/samples`` (``../shared/samples`` beside the repo, in CI too)
holds three real-world exports of the same 40 sale rows; see its README.

Where the sample agents sit in ``build_org``'s tree, so scope tests mean something::

    team north-1 (supervisor)     A1001 A1002 A1003 A1004
    team north-2 (supervisor2)    A1005 A1006 A1007 A1008
    team south-1                  A1009 A1010 A1011 A1012
"""

from __future__ import annotations

from pathlib import Path

from bancassurance.services import bank_branch_create, bank_create
from salesops.org import services as org_services
from salesops.org.models import Member
from tests.factories import PASSWORD, OrgFixture

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
GBK_CSV = SAMPLES / "sales_export_gbk.csv"
UTF8_CSV = SAMPLES / "sales_export_utf8bom.csv"
XLSX = SAMPLES / "sales_export.xlsx"

SAMPLE_AGENTS = {
    "A1001": ("王芳", "north1"),
    "A1002": ("李娜", "north1"),
    "A1003": ("张伟", "north1"),
    "A1004": ("刘洋", "north1"),
    "A1005": ("陈静", "north2"),
    "A1006": ("杨磊", "north2"),
    "A1007": ("赵敏", "north2"),
    "A1008": ("黄强", "north2"),
    "A1009": ("周杰", "south1"),
    "A1010": ("吴婷", "south1"),
    "A1011": ("徐明", "south1"),
    "A1012": ("孙丽", "south1"),
}
TEAM_SUPERVISOR = {"north1": "supervisor", "north2": "supervisor2", "south1": None}
SAMPLE_BRANCHES = [f"ICBC-3101{n:02d}" for n in range(7)]  # ICBC-310100 … ICBC-310106


def add_sample_people(org: OrgFixture) -> dict[str, Member]:
    """Create agents A1001–A1012 and the ICBC branches in ``org``; return the agents by employee number."""
    slug = org.tenant.slug
    agents = {}
    for employee_no, (name, team) in SAMPLE_AGENTS.items():
        supervisor = org.members[TEAM_SUPERVISOR[team]] if TEAM_SUPERVISOR[team] else None
        agents[employee_no] = org_services.member_create(
            tenant=org.tenant,
            actor=None,
            username=f"{slug}-{employee_no.lower()}",
            display_name=name,
            role=Member.Role.AGENT,
            unit_id=org.units[team].pk,
            password=PASSWORD,
            employee_no=employee_no,
            supervisor_id=supervisor.pk if supervisor else None,
        )
    bank = bank_create(tenant=org.tenant, actor=None, code="ICBC", name="工商银行")
    for code in SAMPLE_BRANCHES:
        bank_branch_create(tenant=org.tenant, actor=None, bank_id=bank.pk, code=code, name=f"工行{code[-3:]}网点")
    return agents

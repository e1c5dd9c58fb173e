"""The boundary week (tests/dashboards/rollup_data.py) with the 2026 Q4 plan, rolled up, seen on 22 Nov 2026.

The plan is 1,000,000.00 yuan on agency · health, months 3:4:3 (300,000 /
400,000 / 300,000). Without last quarter's production every agent gets an
equal share: 250,000 each (75,000 / 100,000 / 75,000 by month); north
750,000 (three agents), south 250,000.
"""

from dashboards.services import rollups
from targets.services import plans as plan_services
from tests.dashboards.rollup_data import write_boundary_week
from tests.targets.plan_data import one_line_plan


def roll_up_with_plan(org):
    write_boundary_week(org)
    plan = one_line_plan(org)
    plan_services.plan_allocate(tenant=org.tenant, actor=org.manager, plan=plan)
    rollups.refresh_pending(tenant_id=org.tenant.pk)
    return org

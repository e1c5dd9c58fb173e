"""Sale records and one-line plans for the target tests, on tests/factories.py's org.

Sales are written straight to the table (they are the facts the plan reads;
their own validation is tested in test_sales_api.py / test_sale_import.py).
"""

import itertools
from decimal import Decimal

from salesops.org.models import Channel, Product
from targets.models import SaleRecord
from targets.services import plans as plan_services

_policy_serial = itertools.count(1)


def sell(org, member, premium, sold_on, channel="agency", product="health", policies=1):
    """Record one policy sold by ``member``."""
    return SaleRecord.objects.create(
        tenant=org.tenant,
        policy_no=f"T{next(_policy_serial):07d}",
        member=member,
        channel=Channel.objects.get(tenant=org.tenant, code=channel),
        product=Product.objects.get(tenant=org.tenant, code=product),
        premium=Decimal(premium),
        policies=policies,
        sold_on=sold_on,
        customer_kind="new",
        payment_mode="regular",
    )


def one_line_plan(org, total="1000000.00", **overrides):
    """Create the 2026 Q4 plan of ``total`` on one line (agency · health), months 3:4:3, by the manager."""
    fields = dict(
        tenant=org.tenant,
        actor=org.manager,
        year=2026,
        quarter=4,
        metric="premium",
        total=Decimal(total),
        channel_lines=[{"channel": "agency", "product": "health", "amount": Decimal(total)}],
    )
    fields.update(overrides)
    return plan_services.plan_create(**fields)

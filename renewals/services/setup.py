"""What every tenant starts with in renewals: its rules row and seed 003's lost reasons."""

from __future__ import annotations

from renewals.models import LostReason, RenewalPolicy
from salesops.org.models import Tenant

# The usual reasons a renewal is lost (seed 003: 客户流失原因); the tenant edits the list.
DEFAULT_LOST_REASONS = [
    ("price", "价格因素"),
    ("competitor", "转投其他公司"),
    ("coverage", "保障不满足需求"),
    ("service", "服务不满意"),
    ("no_need", "不再需要"),
    ("unreachable", "联系不上"),
    ("other", "其他"),
]


def renewals_seed_defaults(*, tenant: Tenant) -> None:
    """Give ``tenant`` its renewal rules and lost reasons unless it has them (safe to run again)."""
    RenewalPolicy.objects.get_or_create(tenant=tenant)
    have = set(LostReason.objects.filter(tenant=tenant).values_list("code", flat=True))
    LostReason.objects.bulk_create(
        LostReason(tenant=tenant, code=code, name=name) for code, name in DEFAULT_LOST_REASONS if code not in have
    )

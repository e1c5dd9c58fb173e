"""The demo tenant's unit evaluation: last month's, published by the company manager.

Runs after the dashboards' demo (its rollups cover last month); the
publication recomputes last month's rollups from the facts anyway, so it
does not depend on that order. This month stays the managers' live draft.
"""

from __future__ import annotations

from datetime import date

from salesops.org.models import Member, OrgUnit, Tenant
from targets.models import UnitEvaluation
from targets.selectors.unit_evaluations import last_month
from targets.services.unit_evaluations import unit_evaluation_publish


def _publisher(tenant: Tenant) -> Member:
    """The company's manager (the demo's ``manager``), else the tenant's administrator."""
    people = Member.objects.filter(tenant=tenant, active=True).select_related("unit").order_by("pk")
    manager = people.filter(role=Member.Role.MANAGER, unit__kind=OrgUnit.Kind.COMPANY).first()
    return manager or people.filter(role=Member.Role.TENANT_ADMIN).first()


def seed_unit_evaluations(tenant: Tenant, today: date) -> UnitEvaluation | None:
    """Publish last month's evaluation of the branches and teams (once: a second run leaves it as it is)."""
    month = last_month(today)
    existing = UnitEvaluation.objects.filter(tenant=tenant, month=month).first()
    if existing:
        return existing
    publisher = _publisher(tenant)
    if publisher is None:
        return None
    return unit_evaluation_publish(tenant=tenant, actor=publisher, month=month, today=today)

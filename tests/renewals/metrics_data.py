"""Follow-ups at given moments for the metrics and the lead's page tests, through the real services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from renewals.models import FollowUp, RenewalCase
from renewals.services.cases import follow_up_create

ZONE = ZoneInfo("Asia/Shanghai")  # the tenants' default zone (UTC+8)


def local(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def walk(org, case: RenewalCase, *outcomes: str, premium: str = "5200.00", reason: str = "price") -> RenewalCase:
    """Move ``case`` through ``outcomes`` now, by its advisor (the lead for an unassigned case)."""
    for outcome in outcomes:
        follow_up_create(
            tenant=org.tenant,
            actor=case.advisor or org.renewal_lead,
            case=case,
            channel="phone",
            outcome=outcome,
            renewed_premium=Decimal(premium) if outcome == "renewed" else None,
            lost_reason=reason if outcome == "lost" else None,
        )
        case.refresh_from_db()
    return case


def record(
    org,
    case: RenewalCase,
    at: datetime,
    *,
    next_on: date | None = None,
    outcome: str = "no_answer",
    premium: str = "5200.00",
    reason: str = "price",
) -> FollowUp:
    """A follow-up made at ``at`` that planned the next action for ``next_on``.

    The service refuses a next action in the past as of the real today, so
    the plan of a follow-up made back then is written after it.
    """
    follow_up = follow_up_create(
        tenant=org.tenant,
        actor=case.advisor,
        case=case,
        channel="phone",
        outcome=outcome,
        at=at,
        renewed_premium=Decimal(premium) if outcome == "renewed" else None,
        lost_reason=reason if outcome == "lost" else None,
    )
    FollowUp.objects.filter(pk=follow_up.pk).update(next_action_on=next_on)
    case.refresh_from_db()
    return follow_up

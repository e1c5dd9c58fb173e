"""Running a period's bonuses for payroll: written once, never paid twice.

A run stores one line per agent (targets/selectors/bonuses.py says who and
by which rule) for a month or a quarter that has ended. It is idempotent:
running a period again returns the run already made, unchanged, so a sale
corrected afterwards changes the preview of nothing and the payroll file not
at all. A month and the quarter holding it are the same sales, so once one
of them is run the other is refused.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dashboards.periods import Period
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today
from targets.models import BonusLine, BonusRun, IncentivePolicy
from targets.selectors.bonuses import bonus_members, live_bonuses, require_bonus_runner
from targets.selectors.incentive_policy import bonus_tiers, policy_for


@transaction.atomic
def bonus_run_create(
    *, tenant: Tenant, actor: Member | None, period: Period, today: date | None = None
) -> tuple[BonusRun, bool]:
    """Run ``period``'s bonuses for payroll; return the run and whether it was made now (``False``: it existed).

    Two requests at once make one run: both wait on the tenant's incentive
    policy row (which also holds the tiers being applied), and the second
    finds the first's run.
    """
    require_bonus_runner(actor)
    today = today or tenant_today(tenant)
    if period.end >= today:
        raise ValidationError(
            {
                "period": [
                    _("%(period)s has not ended yet: its bonuses can be run from %(day)s.")
                    % {"period": period.key, "day": (period.end + timedelta(days=1)).isoformat()}
                ]
            }
        )
    policy_for(tenant)
    policy = IncentivePolicy.objects.select_for_update().get(tenant=tenant)
    existing = BonusRun.objects.filter(tenant=tenant, period=period.key).first()
    if existing is not None:
        return existing, False
    overlapping = (
        BonusRun.objects.filter(tenant=tenant, starts_on__lte=period.end, ends_on__gte=period.start)
        .order_by("starts_on")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                "period": [
                    _(
                        "%(other)s has already been paid, and it covers the same sales as %(period)s: "
                        "paying both would pay them twice."
                    )
                    % {"other": overlapping.period, "period": period.key}
                ]
            }
        )
    members = list(bonus_members(tenant=tenant, period=period))
    rows = live_bonuses(tenant=tenant, members=members, period=period, today=today, tiers=bonus_tiers(policy))
    run = BonusRun.objects.create(
        tenant=tenant, period=period.key, starts_on=period.start, ends_on=period.end, created_by=actor
    )
    BonusLine.objects.bulk_create(
        [
            BonusLine(
                tenant=tenant,
                run=run,
                member=row.member,
                period=period.key,
                target=row.bonus.target,
                premium=row.bonus.premium,
                attainment=row.bonus.attainment,
                rate=row.bonus.rate,
                amount=row.bonus.amount,
            )
            for row in rows
        ]
    )
    return run, True

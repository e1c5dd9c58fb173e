"""Bonuses on the tenant's attainment tiers: each agent's bonus for a month or a quarter, live or as paid.

The rule (seed 003, 阶梯式奖金: at 110 % of target the rate rises by 5 points):

- attainment = premium to date ÷ the premium target of the period's months;
- the tier reached is the highest whose ``from`` ≤ attainment;
- bonus = premium × that tier's rate, rounded to the fen (half up);
- below the first tier, or without a target: no bonus (rate 0, 0.00).

Worked example with the default tiers (from 100 %: 10 %; from 110 %: 15 %),
target 50,000: premium 55,000 → 110 % → 15 % → 8,250.00; premium 54,999 →
109.998 % → 10 % → 5,499.90; premium 40,000 → 80 % → no bonus.

Attainment is kept to 0.01 % and rounded *down* (54,999 ÷ 50,000 is
1.0999, not 1.1000): a tier starts at no more than four decimals (the
policy service says so), so the rounded figure reaches exactly the tiers the
exact one reaches, and the table never shows 110 % beside a 10 % rate.

Who is paid: the tenant's active agents, and agents since made inactive who
have a premium target in the period (they earned it before leaving). A
period that has been run (``BonusRun``) is read from its stored lines, as
they were handed to payroll; any other is a live preview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dashboards.periods import Period
from salesops.org.models import Member, Tenant
from salesops.tenancy import get_in_scope_or_404, member_scope_q
from targets.models import Allocation, BonusLine, BonusRun, Plan, SaleRecord
from targets.selectors.incentive_policy import BonusTier, bonus_tiers, policy_for, tier_reached
from targets.selectors.measures import premium_attainment

Role = Member.Role
CENT = Decimal("0.01")
ATTAINMENT_PLACES = Decimal("0.0001")
ZERO = Decimal("0.00")
NO_RATE = Decimal("0.0000")
# Who may read bonuses: a company manager or admin everyone, a manager or supervisor their subtree, an agent their own.
READERS = frozenset({Role.TENANT_ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.AGENT})
ROW_ORDER = ("unit__path", "display_name", "id")


@dataclass(frozen=True)
class Bonus:
    """One member's bonus of a period: what it was judged on and what it pays."""

    target: Decimal  # the period's premium target; 0.00 without one
    premium: Decimal  # premium to date
    attainment: Decimal | None  # premium ÷ target, 4 places rounded down; None without a target
    rate: Decimal  # the tier's rate; 0 below the first tier
    amount: Decimal  # premium × rate, to the fen


@dataclass(frozen=True)
class BonusRow:
    member: Member
    bonus: Bonus


@dataclass(frozen=True)
class BonusSheet:
    """A period's bonuses as a reader sees them: the stored run's lines, or the live preview."""

    period: Period
    tiers: list[BonusTier]
    run: BonusRun | None
    rows: list[BonusRow]
    ended: bool  # the period is over: it may be run (if it has not been)

    @property
    def total(self) -> Decimal:
        return sum((row.bonus.amount for row in self.rows), ZERO)

    @property
    def premium(self) -> Decimal:
        return sum((row.bonus.premium for row in self.rows), ZERO)

    @property
    def target(self) -> Decimal:
        return sum((row.bonus.target for row in self.rows), ZERO)


def bonus_of(*, premium: Decimal, target: Decimal | None, tiers: Sequence[BonusTier]) -> Bonus:
    """Apply the rule (see the module's docstring) to one member's premium and target."""
    premium = Decimal(premium).quantize(CENT)
    if not target:
        return Bonus(ZERO, premium, None, NO_RATE, ZERO)
    target = Decimal(target).quantize(CENT)
    attainment = (premium / target).quantize(ATTAINMENT_PLACES, ROUND_DOWN)
    tier = tier_reached(list(tiers), attainment)
    if tier is None:
        return Bonus(target, premium, attainment, NO_RATE, ZERO)
    amount = (premium * tier.rate).quantize(CENT, ROUND_HALF_UP)
    return Bonus(target, premium, attainment, tier.rate.quantize(ATTAINMENT_PLACES), amount)


def require_bonus_reader(actor: Member) -> None:
    if actor.role not in READERS:
        raise PermissionDenied(_("Your role has no bonuses to see."))


def require_bonus_runner(actor: Member | None) -> None:
    """Running the bonuses for payroll, and its files, are the company's: a company manager or an admin."""
    if actor is not None and not actor.sets_company_policy:
        raise PermissionDenied(_("Only a company manager or an administrator may run the bonuses for payroll."))


def _premium_targets(tenant: Tenant, period: Period) -> QuerySet[Allocation]:
    """The agents' premium target cells of the period's months."""
    return Allocation.objects.filter(
        tenant=tenant,
        plan__tenant=tenant,
        plan__year=period.year,
        plan__metric=Plan.Metric.PREMIUM,
        month__in=period.months,
        member__isnull=False,
    )


def bonus_members(*, tenant: Tenant, period: Period, scope: Q | None = None) -> QuerySet[Member]:
    """The agents paid for ``period`` (active ones, and inactive ones with a target in it), in table order."""
    with_target = _premium_targets(tenant, period).values("member_id")
    return (
        Member.objects.filter(scope or Q(), tenant=tenant, role=Role.AGENT)
        .filter(Q(active=True) | Q(pk__in=with_target))
        .select_related("unit")
        .order_by(*ROW_ORDER)
    )


def live_bonuses(
    *, tenant: Tenant, members: Sequence[Member], period: Period, today: date, tiers: Sequence[BonusTier]
) -> list[BonusRow]:
    """Compute every member's bonus from the facts (premium to date, target of the period): three queries."""
    figures = premium_attainment(tenant, members, period, today)
    # A member without a target has no attainment figure, but their premium is still shown (it earns nothing).
    untargeted = [member_id for member_id, figure in figures.items() if figure.basis is None]
    premiums: dict[int, Decimal] = {}
    if untargeted:
        premiums = dict(
            SaleRecord.objects.filter(
                tenant=tenant, member_id__in=untargeted, sold_on__range=(period.start, period.to_date(today))
            )
            .values_list("member_id")
            .annotate(premium=Sum("premium"))
            .order_by()
        )
    rows = []
    for member in members:
        figure = figures[member.pk]
        if figure.basis is None:
            bonus = bonus_of(premium=premiums.get(member.pk, ZERO), target=None, tiers=tiers)
        else:
            bonus = bonus_of(premium=figure.actual or ZERO, target=figure.basis, tiers=tiers)
        rows.append(BonusRow(member, bonus))
    return rows


def run_of(*, tenant: Tenant, period: Period) -> BonusRun | None:
    return BonusRun.objects.filter(tenant=tenant, period=period.key).select_related("created_by").first()


def stored_bonuses(*, tenant: Tenant, run: BonusRun, scope: Q | None = None) -> list[BonusRow]:
    """A run's lines, as they were paid, in table order."""
    lines = (
        BonusLine.objects.filter(scope or Q(), tenant=tenant, run=run)
        .select_related("member__unit")
        .order_by(*(f"member__{field}" for field in ROW_ORDER))
    )
    return [
        BonusRow(line.member, Bonus(line.target, line.premium, line.attainment, line.rate, line.amount))
        for line in lines
    ]


def bonus_lines(*, tenant: Tenant, actor: Member, period: Period, today: date) -> BonusSheet:
    """The bonuses of ``period`` that ``actor`` may see: the run's stored lines if it was run, else the preview.

    A company manager or admin sees everyone; a manager or supervisor their
    subtree; an agent their own line; any other role gets 403.
    """
    require_bonus_reader(actor)
    tiers = bonus_tiers(policy_for(tenant))
    run = run_of(tenant=tenant, period=period)
    if run is not None:
        rows = stored_bonuses(tenant=tenant, run=run, scope=member_scope_q(actor, prefix="member__"))
    else:
        members = list(bonus_members(tenant=tenant, period=period, scope=member_scope_q(actor)))
        rows = live_bonuses(tenant=tenant, members=members, period=period, today=today, tiers=tiers)
    return BonusSheet(period=period, tiers=tiers, run=run, rows=rows, ended=period.end < today)


def bonus_run_list(*, tenant: Tenant, actor: Member | None) -> QuerySet[BonusRun]:
    """The tenant's runs, newest period first, with their line count and total (company managers and admins)."""
    require_bonus_runner(actor)
    return (
        BonusRun.objects.filter(tenant=tenant)
        .select_related("created_by")
        .annotate(line_count=Count("lines"), total=Coalesce(Sum("lines__amount"), ZERO))
        .order_by("-starts_on", "-ends_on", "-id")
    )


def access_bonus_run_by_id(*, tenant: Tenant, actor: Member | None, id) -> BonusRun:
    """The run ``id`` of ``tenant``; 403 for a role that may not see runs, 404 for missing or another tenant's."""
    return get_in_scope_or_404(bonus_run_list(tenant=tenant, actor=actor), id)


def payroll_rows(*, tenant: Tenant, run: BonusRun) -> list[BonusRow]:
    """Every line of ``run`` for the payroll file (the whole tenant, in table order)."""
    return stored_bonuses(tenant=tenant, run=run)

"""Reads of the sales funnel: stage history and quotes, conversion between stages, the churn warning.

**Reaching a stage.** For a period ``[start, end]`` (both days included), a
customer *reached* a stage when a ``CustomerStageChange`` to that stage or
to any later stage is dated in the period; a customer acquired in the
period (``acquired_on``) reached ``acquired`` as well. So a customer
who went acquired → needs analysis → proposal in the period reached three
stages, and one who was at the proposal before the period and signed in it
reached acquired, needs analysis, proposal and signed (signing means they
got through the steps before). The counts therefore never grow from one
stage to the next, and each rate is at most 1.

**Rate to the next stage.** ``reached(next) / reached(stage)``, four decimal
places (half up); ``None`` when nobody reached the stage.

Example (period 1–30 Nov): Wang acquired 3 Nov, needs analysis 10 Nov,
proposal 20 Nov; Li acquired 5 Nov and nothing more; Zhao at the proposal
since October, signed 12 Nov. Acquired 3 (Wang, Li, Zhao), needs analysis 2
(Wang, Zhao), proposal 2, objection handling 1 (Zhao, who skipped it on
the way to signed), signed 1, service 0. Rates: 2/3 = 0.6667, 2/2 = 1,
1/2 = 0.5, 1/1 = 1, 0/1 = 0.

**Where the customers are counted.** With the customer's owner (today's
owner): per agent, per team (the owner's unit) and per branch (the owners'
units under the branch). Erased customers count: their anonymous row
stays so that rollups stay right.

**Against the team.** For each of the five steps, the team's median is the
median of the rates of the agents of the team (the owners whose unit is
the team) who have a rate for that step (PostgreSQL's ``percentile_cont``,
``salesops.sql.Median``). An agent's shortfall at a step is the team's
median less the agent's rate; "where the agent loses customers" is the
step with the largest shortfall above zero (the earlier step on a tie), or
none when the agent is at or above the median everywhere. The median is
taken within the caller's book: a supervisor, manager or admin compares the
agents of the teams they see; an agent, whose book is their own, is shown
no team median (it would be their own rates, or reveal their colleagues').

**Churn warning.** A customer (not erased) with at least
``CustomerPolicy.churn_quotes`` quotes (3 by default) and no sale record
linked to them.

Everything is within the actor's customer book (``customer_scope_q``):
bank staff and the renewal roles have none (403).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf
from django.utils.translation import gettext as _

from activities.models.customers import Customer, CustomerPolicy, CustomerStageChange, Quote
from activities.selectors.customers import customer_scope_q
from activities.selectors.tiers import policy_for
from dashboards.periods import Period
from salesops.org.models import Member, OrgUnit, Tenant
from salesops.org.selectors import unit_list
from salesops.sql import Median
from targets.models import SaleRecord

Stage = Customer.Stage
STAGES: tuple[str, ...] = tuple(Stage.values)
# The five steps between consecutive stages: step k goes from STAGES[k] to STAGES[k + 1].
STEPS: tuple[tuple[str, str], ...] = tuple(zip(STAGES, STAGES[1:], strict=False))
RATE_PLACES = Decimal("0.0001")


def customer_policy_for(tenant: Tenant) -> CustomerPolicy:
    """Return the tenant's customer rules (the tiers' ``policy_for``: seed 000's defaults on first read)."""
    return policy_for(tenant)


# --- one customer ------------------------------------------------------------------


def stage_history(*, tenant: Tenant, customer: Customer) -> QuerySet[CustomerStageChange]:
    """Return the customer's stage changes, the oldest first (``customer`` comes from ``access_customer_by_id``)."""
    return (
        CustomerStageChange.objects.filter(tenant=tenant, customer=customer)
        .select_related("changed_by")
        .order_by("changed_on", "id")
    )


def quote_list(*, tenant: Tenant, customer: Customer) -> QuerySet[Quote]:
    """Return the customer's quotes, the latest first."""
    return (
        Quote.objects.filter(tenant=tenant, customer=customer)
        .select_related("product", "created_by")
        .order_by("-quoted_on", "-id")
    )


# --- conversion -----------------------------------------------------------------------


def funnel_period(*, start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """Return the period asked for (this quarter so far by default); ``to`` may not come before ``from``."""
    start = start or Period.quarter_of(today).start
    end = end or max(today, start)
    if end < start:
        raise ValidationError({"to": [_("The end of the period cannot be before its start.")]})
    return start, end


def rate(reached: int, of: int) -> Decimal | None:
    """Return ``reached / of`` to four places (half up), ``None`` when ``of`` is 0."""
    if not of:
        return None
    return (Decimal(reached) / Decimal(of)).quantize(RATE_PLACES, ROUND_HALF_UP)


@dataclass
class FunnelRow:
    """Customers who reached each stage (six counts) and the rate of each step (five)."""

    id: int | None
    name: str
    reached: tuple[int, ...]

    @property
    def rates(self) -> tuple[Decimal | None, ...]:
        return tuple(rate(self.reached[k + 1], self.reached[k]) for k in range(len(STEPS)))


@dataclass
class AgentRow(FunnelRow):
    """An owner's funnel beside their team's median rate at each step, and the step they lose the most at."""

    team_id: int = 0
    team_name: str = ""
    team_median: tuple[Decimal | None, ...] = ()

    @property
    def shortfalls(self) -> tuple[Decimal | None, ...]:
        """The team's median less the agent's rate at each step (positive: below the team)."""
        return tuple(
            None if own is None or median is None else median - own
            for own, median in zip(self.rates, self.team_median, strict=True)
        )

    @property
    def losing_step(self) -> int | None:
        """The step (0–4) with the largest shortfall above zero, the earlier one on a tie; ``None`` if none."""
        best: int | None = None
        largest = Decimal(0)
        for step, shortfall in enumerate(self.shortfalls):
            if shortfall is not None and shortfall > largest:
                best, largest = step, shortfall
        return best


@dataclass
class Funnel:
    start: date
    end: date
    unit: OrgUnit | None
    total: FunnelRow
    agents: list[AgentRow] = field(default_factory=list)
    teams: list[FunnelRow] = field(default_factory=list)
    branches: list[FunnelRow] = field(default_factory=list)


def _stage_rank() -> Case:
    return Case(
        *[When(to_stage=stage, then=Value(index)) for index, stage in enumerate(STAGES)],
        output_field=IntegerField(),
    )


def _reached_by_owner(*, tenant: Tenant, actor: Member, start: date, end: date, unit: OrgUnit | None) -> QuerySet:
    """One row per owner: ``r0`` … ``r5``, the customers who reached each stage in the period (one query)."""
    furthest_change = (
        CustomerStageChange.objects.filter(tenant=tenant, customer=OuterRef("pk"), changed_on__range=(start, end))
        .annotate(rank=_stage_rank())
        .order_by("-rank")
        .values("rank")[:1]
    )
    acquired_in_period = Case(When(acquired_on__range=(start, end), then=Value(0)), default=Value(-1))
    customers = Customer.objects.filter(customer_scope_q(actor), tenant=tenant).annotate(
        furthest=Greatest(Coalesce(Subquery(furthest_change), Value(-1)), acquired_in_period)
    )
    if unit is not None:
        customers = customers.filter(owner__unit__path__startswith=unit.path)
    return (
        customers.filter(furthest__gte=0)
        .values("owner_id", team_id=F("owner__unit_id"))
        .annotate(**{f"r{k}": Count("pk", filter=Q(furthest__gte=k)) for k in range(len(STAGES))})
        .order_by()
    )


def _team_medians(per_owner: QuerySet, team_ids: list[int]) -> dict[int, tuple[Decimal | None, ...]]:
    """The median over each team's owners of each step's rate: one query, the medians of the per-owner rows."""
    if not team_ids:
        return {}
    rates = {
        f"rate{k}": Cast(F(f"r{k + 1}"), FloatField()) / Cast(NullIf(F(f"r{k}"), 0), FloatField())
        for k in range(len(STEPS))
    }
    medians = per_owner.annotate(**rates).aggregate(
        **{
            f"median_{team_id}_{k}": Median(f"rate{k}", filter=Q(team_id=team_id))
            for team_id in team_ids
            for k in range(len(STEPS))
        }
    )

    def decimal(value: float | None) -> Decimal | None:
        return None if value is None else Decimal(repr(value)).quantize(RATE_PLACES)

    return {
        team_id: tuple(decimal(medians[f"median_{team_id}_{k}"]) for k in range(len(STEPS))) for team_id in team_ids
    }


def funnel_conversion(*, tenant: Tenant, actor: Member, start: date, end: date, unit: OrgUnit | None = None) -> Funnel:
    """Return the conversion of the actor's book in ``[start, end]``: in total, per agent, team and branch.

    ``unit`` (from ``access_unit_by_id``) narrows to the owners in its subtree.
    Agents are listed by team then name; teams and branches by their place in the tree.
    """
    per_owner = _reached_by_owner(tenant=tenant, actor=actor, start=start, end=end, unit=unit)
    counts = {row["owner_id"]: tuple(row[f"r{k}"] for k in range(len(STAGES))) for row in per_owner}
    owners = Member.objects.filter(tenant=tenant, pk__in=counts).select_related("unit")
    zero = (0,) * len(STAGES)

    def add(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(x + y for x, y in zip(a, b, strict=True))

    by_team: dict[int, tuple[int, ...]] = defaultdict(lambda: zero)
    teams: dict[int, OrgUnit] = {}
    for owner in owners:
        by_team[owner.unit_id] = add(by_team[owner.unit_id], counts[owner.pk])
        teams[owner.unit_id] = owner.unit
    medians: dict[int, tuple[Decimal | None, ...]]
    if actor.role == Member.Role.AGENT:
        # An agent's book is their own: a "median" of it would be their own rates, not the team's.
        medians = {team_id: (None,) * len(STEPS) for team_id in teams}
    else:
        medians = _team_medians(per_owner, list(teams))
    agents = sorted(
        (
            AgentRow(
                id=owner.pk,
                name=owner.display_name,
                reached=counts[owner.pk],
                team_id=owner.unit_id,
                team_name=owner.unit.name,
                team_median=medians[owner.unit_id],
            )
            for owner in owners
        ),
        key=lambda row: (teams[row.team_id].path, row.name, row.id),
    )
    team_rows = [
        FunnelRow(id=team.pk, name=team.name, reached=by_team[team.pk])
        for team in sorted(teams.values(), key=lambda team: team.path)
    ]
    branch_rows = []
    for branch in unit_list(tenant=tenant, actor=actor).filter(kind=OrgUnit.Kind.BRANCH):
        if unit is not None and not (branch.path.startswith(unit.path) or unit.path.startswith(branch.path)):
            continue
        reached = zero
        for team in teams.values():
            if team.path.startswith(branch.path):
                reached = add(reached, by_team[team.pk])
        branch_rows.append(FunnelRow(id=branch.pk, name=branch.name, reached=reached))
    total = zero
    for reached in counts.values():
        total = add(total, reached)
    return Funnel(
        start=start,
        end=end,
        unit=unit,
        total=FunnelRow(id=None, name="", reached=total),
        agents=agents,
        teams=team_rows,
        branches=branch_rows,
    )


# --- churn warning ------------------------------------------------------------------------


def churn_warnings(*, tenant: Tenant, actor: Member) -> QuerySet[Customer]:
    """Return the actor's customers with ``churn_quotes`` quotes or more and no linked sale; most quotes first.

    Each carries ``quote_count`` and ``last_quoted_on``. Erased customers are left out.
    """
    threshold = customer_policy_for(tenant).churn_quotes
    sold = SaleRecord.objects.filter(tenant=tenant, customer=OuterRef("pk"))
    return (
        Customer.objects.filter(customer_scope_q(actor), tenant=tenant, erased_at__isnull=True)
        .annotate(quote_count=Count("quotes"), last_quoted_on=Max("quotes__quoted_on"))
        .filter(quote_count__gte=max(threshold, 1))
        .exclude(Exists(sold))
        .select_related("owner", "owner__unit")
        .order_by("-quote_count", "-last_quoted_on", "id")
    )

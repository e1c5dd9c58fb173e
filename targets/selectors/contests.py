"""Reads of the contests (seed 000 五: 首单奖, 周冠军, 季度销冠, activity-points contests; the hero board 英雄榜).

A contest runs from ``starts_on`` to ``ends_on`` (both included) in the
tenant's days. Its participants are the active agents of its unit's subtree
(the whole tenant without a unit), whenever they were hired: an agent who
joins mid-contest counts with the facts they have. Values are summed in SQL
over ``starts_on``..min(``ends_on``, today):

- ``policies``: Σ policies of the sale records; ``premium``: Σ premium (yuan);
- ``activity_points``: Σ work-log item × the tenant's points per item;
- ``first_policy``: policies, among the agents without any sale before the
  contest began (the first-policy award is for new producers).

Ranking is standard competition ranking (ties share a rank: 1, 1, 3),
listed by value, then name. Winners: rule ``top`` → rank ≤ ``top_n`` with a
value above zero (a tie on the last winning place makes every tied member a
winner); rule ``threshold`` → value ≥ threshold (a first policy: 1).

Once a contest has ended its standings are frozen (``services.contests``):
from then on the frozen rows are the standings. The live standings are
still computed beside them; when a late fact moved any value or rank, the
answer says so (``changed``) and shows the live figures, without re-ranking.

Who sees a contest: a tenant-wide one, every member of the tenant; a unit's,
the members inside that unit's subtree, the leaders whose scope holds the
unit, and the tenant admins. Anybody else gets a 404.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from activities.selectors.leaderboard import activity_totals, path_ids, points_for, points_of
from salesops.org.models import Member, OrgUnit, Tenant
from salesops.tenancy import get_in_scope_or_404, unit_scope_q
from targets.models import Contest, ContestStanding, SaleRecord

Measure = Contest.ContestMeasure
Rule = Contest.Rule
Role = Member.Role
# Who may create a contest for a unit in their scope; a tenant-wide one needs ``sets_company_policy``.
CONTEST_CREATORS = frozenset({Role.TENANT_ADMIN, Role.MANAGER, Role.SUPERVISOR})
# Measures counted in whole numbers (policies, points); premium is in yuan with fen.
COUNTED = frozenset({Measure.POLICIES, Measure.ACTIVITY_POINTS, Measure.FIRST_POLICY})
FIRST_POLICY_THRESHOLD = Decimal(1)
FEN = Decimal("0.01")


class ContestStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")


def contest_status(contest: Contest, today: date) -> str:
    """Return upcoming (not begun), running (today inside it) or ended (its last day is past)."""
    if contest.starts_on > today:
        return ContestStatus.UPCOMING
    if contest.ends_on < today:
        return ContestStatus.ENDED
    return ContestStatus.RUNNING


def _status_case(today: date) -> Case:
    return Case(
        When(starts_on__gt=today, then=Value(ContestStatus.UPCOMING.value)),
        When(ends_on__lt=today, then=Value(ContestStatus.ENDED.value)),
        default=Value(ContestStatus.RUNNING.value),
        output_field=models.CharField(),
    )


def contest_scope_q(actor: Member) -> Q:
    """Return the contests ``actor`` may see, as a Q over ``Contest`` (combine with the tenant filter).

    Tenant-wide contests; contests of a unit on the actor's own path (their
    team, branch, company: they take part or lead someone who does); contests
    of a unit the actor's scope holds (a supervisor's or manager's subtree;
    every unit for a tenant admin).
    """
    in_scope = OrgUnit.objects.filter(unit_scope_q(actor), tenant_id=actor.tenant_id).values("pk")
    return Q(unit__isnull=True) | Q(unit_id__in=path_ids(actor.unit)) | Q(unit_id__in=in_scope)


def contest_list(*, tenant: Tenant, actor: Member, today: date, filters: dict | None = None) -> QuerySet[Contest]:
    """Return the contests ``actor`` may see, each with its ``status`` on ``today``; newest first.

    ``filters``: ``status`` (upcoming / running / ended).
    """
    filters = filters or {}
    queryset = (
        Contest.objects.filter(contest_scope_q(actor), tenant=tenant)
        .select_related("unit")
        .annotate(status=_status_case(today))
        .order_by("-starts_on", "name", "id")
    )
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return queryset


def access_contest_by_id(*, tenant: Tenant, actor: Member, id: Any, today: date) -> Contest:
    """Return the contest ``id`` if ``actor`` may see it; 404 alike for missing, foreign and out of scope."""
    return get_in_scope_or_404(contest_list(tenant=tenant, actor=actor, today=today), id)


def may_create_contests(actor: Member) -> bool:
    """Return whether ``actor`` may create a contest at all (for some unit, or tenant-wide)."""
    return actor.sets_company_policy or actor.role in CONTEST_CREATORS


def creatable_units(*, tenant: Tenant, actor: Member) -> QuerySet[OrgUnit]:
    """Return the units ``actor`` may hold a contest for: those of their scope (none unless they create contests)."""
    if not may_create_contests(actor):
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(unit_scope_q(actor), tenant=tenant).order_by("path")


def contest_window(contest: Contest, today: date) -> tuple[date, date] | None:
    """Return the days counted so far, ``starts_on``..min(``ends_on``, today); ``None`` before it begins."""
    end = min(contest.ends_on, today)
    if end < contest.starts_on:
        return None
    return contest.starts_on, end


def threshold_of(contest: Contest) -> Decimal | None:
    """Return the value a threshold contest asks for: 1 for a first policy, else the contest's own."""
    if contest.measure == Measure.FIRST_POLICY:
        return FIRST_POLICY_THRESHOLD
    return contest.threshold


def rule_of(contest: Contest) -> str:
    """Return the contest's rule: a first-policy award always goes by its threshold (a first policy)."""
    return Rule.THRESHOLD if contest.measure == Measure.FIRST_POLICY else contest.rule


def is_winner(contest: Contest, rank: int, value: Decimal) -> bool:
    if rule_of(contest) == Rule.THRESHOLD:
        threshold = threshold_of(contest)
        return threshold is not None and value >= threshold
    return rank <= contest.top_n and value > 0


def shown_value(contest: Contest, value: Decimal | int | None) -> Decimal | None:
    """Return ``value`` as the contest counts it: whole numbers for policies and points, yuan with fen for premium."""
    if value is None:
        return None
    if contest.measure in COUNTED:
        return Decimal(int(value))
    return Decimal(value).quantize(FEN)


def rank_rows(contest: Contest, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order ``rows`` (value desc, name, id), give standard competition ranks and mark the winners."""
    rows = sorted(rows, key=lambda row: (-row["value"], row["member_name"], row["member"]))
    previous = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        if row["value"] != previous:
            rank, previous = position, row["value"]
        row["rank"] = rank
        row["winner"] = is_winner(contest, rank, row["value"])
    return rows


def _participants(*, tenant: Tenant, contest: Contest, also: Iterable[int]) -> list[dict[str, Any]]:
    """Return the contest's participants (id, name, unit): one query.

    ``also`` adds members who must be counted whatever their state now (the
    frozen members of an ended contest who since left the unit or the
    tenant), so that only the facts, never a change of the org, move a
    frozen contest's live figures.
    """
    taking_part = Q(active=True, role=Role.AGENT)
    if contest.unit is not None:
        taking_part &= Q(unit__path__startswith=contest.unit.path)
    also = list(also)
    if also:
        taking_part |= Q(pk__in=also)
    members = Member.objects.filter(taking_part, tenant=tenant)
    if contest.measure == Measure.FIRST_POLICY:
        earlier = SaleRecord.objects.filter(tenant=tenant, member=OuterRef("pk"), sold_on__lt=contest.starts_on)
        members = members.filter(~Exists(earlier))
    rows: Any = members.values("id", "display_name", "unit_id", "unit__name").order_by("id")
    return list(rows)


def _values(*, tenant: Tenant, contest: Contest, member_ids: list[int], today: date) -> dict[int, Decimal]:
    """Return each participant's value over the contest's window: one GROUP BY (two queries for points)."""
    window = contest_window(contest, today)
    if window is None or not member_ids:
        return {}
    start, end = window
    if contest.measure == Measure.ACTIVITY_POINTS:
        points = points_for(tenant)
        totals = activity_totals(tenant=tenant, members_q=Q(member_id__in=member_ids), start=start, end=end)
        return {member_id: Decimal(points_of(counts, points)) for member_id, counts in totals.items()}
    field = "premium" if contest.measure == Measure.PREMIUM else "policies"
    rows = (
        SaleRecord.objects.filter(tenant=tenant, member_id__in=member_ids, sold_on__range=(start, end))
        .values("member_id")
        .annotate(value=Sum(field))
        .order_by()
    )
    return {row["member_id"]: Decimal(row["value"]) for row in rows}


def live_standings(*, tenant: Tenant, contest: Contest, today: date, also: Iterable[int] = ()) -> list[dict[str, Any]]:
    """Return the contest's standings from the facts as they are now.

    Rows ``{rank, member, member_name, unit, unit_name, value, winner}`` of
    every participant (zero values included), ranked as the module says.
    """
    members = _participants(tenant=tenant, contest=contest, also=also)
    values = _values(tenant=tenant, contest=contest, member_ids=[member["id"] for member in members], today=today)
    rows = [
        {
            "member": member["id"],
            "member_name": member["display_name"],
            "unit": member["unit_id"],
            "unit_name": member["unit__name"],
            "value": shown_value(contest, values.get(member["id"], 0)),
        }
        for member in members
    ]
    return rank_rows(contest, rows)


@dataclass
class Standings:
    """A contest's standings as answered: frozen rows once it has ended, live ones before."""

    contest: Contest
    status: str
    frozen: bool
    # A late fact moved a value or a rank after the freeze: the live figures differ from the frozen ones.
    changed: bool
    # {rank, member, member_name, unit, unit_name, value, winner, live_rank, live_value}
    rows: list[dict[str, Any]]

    @property
    def winners(self) -> list[dict[str, Any]]:
        return [row for row in self.rows if row["winner"]]


def _frozen_rows(*, tenant: Tenant, contests: Sequence[Contest]) -> dict[int, list[ContestStanding]]:
    by_contest: dict[int, list[ContestStanding]] = {contest.pk: [] for contest in contests}
    if not contests:
        return by_contest
    standings = (
        ContestStanding.objects.filter(tenant=tenant, contest__in=[contest.pk for contest in contests])
        .select_related("member__unit")
        .order_by("contest_id", "rank", "member__display_name", "member_id")
    )
    for standing in standings:
        by_contest[standing.contest_id].append(standing)
    return by_contest


def _compare(contest: Contest, frozen: list[ContestStanding], live: list[dict[str, Any]]) -> tuple[bool, list[dict]]:
    """Return (changed, rows): the frozen rows with the live figures beside, then live-only members with a value.

    A frozen member the live standings no longer hold (a backdated sale made
    a first-policy contestant ineligible) has no live figures: a change. A
    member without a frozen row who now has a value (a sale added late for
    an agent who had none) is listed after the frozen rows, unranked: also
    a change. Members without either are not listed.
    """
    live_by_member = {row["member"]: row for row in live}
    changed = False
    rows = []
    for standing in frozen:
        current = live_by_member.pop(standing.member_id, None)
        value = shown_value(contest, standing.value)
        live_rank = current["rank"] if current else None
        live_value = current["value"] if current else None
        if live_rank != standing.rank or live_value != value:
            changed = True
        rows.append(
            {
                "rank": standing.rank,
                "member": standing.member_id,
                "member_name": standing.member.display_name,
                "unit": standing.member.unit_id,
                "unit_name": standing.member.unit.name,
                "value": value,
                "winner": standing.winner,
                "live_rank": live_rank,
                "live_value": live_value,
            }
        )
    for current in live:
        if current["member"] in live_by_member and current["value"] > 0:
            changed = True
            rows.append(
                {
                    **current,
                    "rank": None,
                    "value": None,
                    "winner": False,
                    "live_rank": current["rank"],
                    "live_value": current["value"],
                }
            )
    return changed, rows


def contest_standings(*, tenant: Tenant, contest: Contest, today: date) -> Standings:
    """Return the standings of ``contest`` on ``today``: the frozen rows with the live beside, or the live rows.

    Reads only: an ended contest not frozen yet is answered live here; the
    API and pages freeze it first (``services.contests.contest_freeze``).
    A fixed number of queries (4–5) whatever the team's size.
    """
    status = contest_status(contest, today)
    if contest.frozen_at is None:
        live = live_standings(tenant=tenant, contest=contest, today=today)
        rows = [{**row, "live_rank": row["rank"], "live_value": row["value"]} for row in live]
        return Standings(contest=contest, status=status, frozen=False, changed=False, rows=rows)
    frozen = _frozen_rows(tenant=tenant, contests=[contest])[contest.pk]
    live = live_standings(tenant=tenant, contest=contest, today=today, also=[standing.member_id for standing in frozen])
    changed, rows = _compare(contest, frozen, live)
    return Standings(contest=contest, status=status, frozen=True, changed=changed, rows=rows)


def standings_changed_of(*, tenant: Tenant, contests: Sequence[Contest], today: date) -> dict[int, bool]:
    """Return, per contest id, whether its frozen standings differ from the live ones (False unless frozen).

    One query for every frozen row of the list, then the live standings of
    each frozen contest (3–4 queries each): a page of contests, not a loop
    over members.
    """
    frozen_contests = [contest for contest in contests if contest.frozen_at is not None]
    frozen = _frozen_rows(tenant=tenant, contests=frozen_contests)
    changed = {contest.pk: False for contest in contests}
    for contest in frozen_contests:
        rows = frozen[contest.pk]
        live = live_standings(tenant=tenant, contest=contest, today=today, also=[row.member_id for row in rows])
        changed[contest.pk] = _compare(contest, rows, live)[0]
    return changed


def standings_of(*, tenant: Tenant, contests: Sequence[Contest], today: date) -> dict[int, Standings]:
    """Return each contest's standings (the contest list's leaders and winners): 4–5 queries per contest."""
    return {contest.pk: contest_standings(tenant=tenant, contest=contest, today=today) for contest in contests}

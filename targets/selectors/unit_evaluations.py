"""Reading the monthly unit evaluation (seed 002: 每月对各职场及营业单位的人均活动量、举绩率、人均件数进行考评).

Every branch or every team of the tenant, for one month, with its three
measures (DESIGN.md "Rollups and alerts"):

- 人均活动量 activity per agent = the five work-log items ÷ agents;
- 举绩率 active-producer rate = agents with ≥ 1 policy ÷ agents;
- 人均件数 policies per agent = policies ÷ agents;

read from the stored monthly unit rollups (a unit's whole subtree), so the
evaluation says what the dashboards say. Within the kind, each unit is
ranked on each measure (standard competition ranking: higher is better,
ties share, 1, 1, 3), and overall by the sum of its three ranks (lower is
better, equal sums share). Units without agents have no measures: they are
listed last, unranked.

Once a month is published (``UnitEvaluation``), its evaluation is the
snapshot taken then, whatever the facts say later. Beside each unit stands
the month before: its published evaluation when there is one (what the
tenant was shown), else its rollups as they are now.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from activities.models import ITEMS
from dashboards.models import Grain, Rollup, Scope
from dashboards.selectors.rollups import FIGURES, with_derived
from salesops.org.models import Member, OrgUnit, Tenant
from salesops.org.selectors import tenant_zone
from targets.models import UnitEvaluation, UnitEvaluationRow
from targets.quarters import month_end

# The kinds of unit evaluated: the company is one unit, it has nobody to be ranked against.
EVALUATED_KINDS = (OrgUnit.Kind.TEAM, OrgUnit.Kind.BRANCH)
DEFAULT_KIND = OrgUnit.Kind.TEAM
# Each measure and the name of its rank.
MEASURE_RANKS = {
    "activity_per_agent": "activity_rank",
    "active_producer_rate": "producer_rank",
    "policies_per_agent": "policies_rank",
}
MEASURES = tuple(MEASURE_RANKS)
# ``UnitEvaluationRow.rank`` cannot be empty: 0 stands for "unranked" (a unit without agents).
UNRANKED = 0
MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR = 1900


def parse_month(value: str | None) -> date | None:
    """Return the first day of the month ``2026-10`` names; ``None`` when it names none."""
    match = MONTH_KEY.match((value or "").strip())
    if not match or int(match[1]) < FIRST_YEAR or not 1 <= int(match[2]) <= 12:
        return None
    return date(int(match[1]), int(match[2]), 1)


def month_key(month: date) -> str:
    return f"{month.year}-{month.month:02d}"


def previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def last_month(today: date) -> date:
    """The last month that has ended: the one a company manager publishes next."""
    return previous_month(today.replace(day=1))


def month_last_day(month: date) -> date:
    return month_end(month.year, month.month)


def has_ended(month: date, today: date) -> bool:
    return month_last_day(month) < today


def competition_ranks(keys: Sequence[Any]) -> list[int]:
    """Rank ``keys`` where a smaller key is better: 1 + how many are strictly better (ties share: 1, 1, 3)."""
    first: dict[Any, int] = {}
    for place, key in enumerate(sorted(keys), start=1):
        first.setdefault(key, place)
    return [first[key] for key in keys]


def rank_units(rows: list[dict[str, Any]], *, overall: bool = True) -> list[dict[str, Any]]:
    """Rank the units with agents on each measure and overall; return them in order, the unranked last.

    With ``overall=False`` the rows keep the overall ``rank`` they carry (a
    published evaluation's, as it was published) and only the measure ranks
    are worked out again from the published figures.
    """
    ranked = [row for row in rows if row["agents"]]
    unranked = [row for row in rows if not row["agents"]]
    for measure, rank_name in MEASURE_RANKS.items():
        # Higher is better: rank the negated figures.
        for row, rank in zip(ranked, competition_ranks([-row[measure] for row in ranked]), strict=True):
            row[rank_name] = rank
    for row in ranked:
        row["rank_sum"] = sum(row[rank_name] for rank_name in MEASURE_RANKS.values())
    if overall:
        for row, rank in zip(ranked, competition_ranks([row["rank_sum"] for row in ranked]), strict=True):
            row["rank"] = rank
    for row in unranked:
        row.update({rank_name: None for rank_name in MEASURE_RANKS.values()}, rank_sum=None, rank=None)
    ranked.sort(key=lambda row: (row["rank"], row["name"], row["unit"]))
    unranked.sort(key=lambda row: (row["name"], row["unit"]))
    return ranked + unranked


def _unit_row(unit: Mapping[str, Any], stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """A unit's month as the evaluation reads it from its rollup (zeros when nothing was rolled up)."""
    figures: dict[str, Any] = {name: 0 for name in FIGURES}
    figures.update(premium=Decimal(0), target_premium=None, target_policies=None)
    if stored:
        figures.update({name: stored[name] for name in FIGURES})
    derived = with_derived(figures)
    return {
        "unit": unit["id"],
        "name": unit["name"],
        "kind": unit["kind"],
        "agents": derived["agents"],
        "producers": derived["producers"],
        "policies": derived["policies"],
        "activity": sum(derived[item] for item in ITEMS),
        **{measure: derived[measure] for measure in MEASURES},
    }


def live_rows(*, tenant: Tenant, months: Iterable[date], kinds: Iterable[str]) -> dict[tuple[date, str], list]:
    """Return each (month, kind)'s ranked rows from the stored unit rollups: two queries whatever the months."""
    months, kinds = list(months), list(kinds)
    units = list(
        OrgUnit.objects.filter(tenant=tenant, kind__in=kinds).order_by("name", "id").values("id", "name", "kind")
    )
    stored = {
        (row["subject_id"], row["period_start"]): row
        for row in Rollup.objects.filter(
            tenant=tenant,
            scope=Scope.UNIT,
            grain=Grain.MONTH,
            period_start__in=months,
            subject_id__in=[unit["id"] for unit in units],
        ).values("subject_id", "period_start", *FIGURES)
    }
    return {
        (month, kind): rank_units(
            [_unit_row(unit, stored.get((unit["id"], month))) for unit in units if unit["kind"] == kind]
        )
        for month in months
        for kind in kinds
    }


PUBLISHED_FIELDS = ("agents", "producers", "policies", "activity", *MEASURES, "rank")


def _published_rows(tenant: Tenant, evaluations: Iterable[UnitEvaluation], kind: str) -> dict[date, list]:
    """Return each published evaluation's rows of ``kind`` as they were published: one query."""
    by_id = {evaluation.pk: evaluation.month for evaluation in evaluations}
    rows: dict[date, list] = {month: [] for month in by_id.values()}
    for row in UnitEvaluationRow.objects.filter(tenant=tenant, evaluation_id__in=list(by_id), kind=kind).values(
        "evaluation_id", "unit_id", "name", "kind", *PUBLISHED_FIELDS
    ):
        month = by_id[row.pop("evaluation_id")]
        row["unit"] = row.pop("unit_id")
        rows[month].append(row)
    return {month: rank_units(month_rows, overall=False) for month, month_rows in rows.items()}


@dataclass
class Evaluation:
    """A month's evaluation of one kind of unit: published (the snapshot) or the live draft."""

    month: date
    kind: str
    publication: UnitEvaluation | None
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.publication is not None

    @property
    def published_at(self) -> datetime | None:
        return self.publication.published_at if self.publication else None

    @property
    def key(self) -> str:
        return month_key(self.month)


def _with_previous(rows: list[dict[str, Any]], previous_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put the month before beside each unit: its three measures, its rank, and how the rank moved (up > 0)."""
    previous = {row["unit"]: row for row in previous_rows}
    for row in rows:
        before = previous.get(row["unit"])
        row["previous"] = None
        row["rank_change"] = None
        if before is None:
            continue
        row["previous"] = {**{measure: before[measure] for measure in MEASURES}, "rank": before["rank"]}
        if row["rank"] is not None and before["rank"] is not None:
            row["rank_change"] = before["rank"] - row["rank"]
    return rows


def unit_evaluation(*, tenant: Tenant, month: date, kind: str) -> Evaluation:
    """Return ``month``'s evaluation of the ``kind`` units, the month before beside it; at most four queries.

    No role check: ``access_unit_evaluation`` is the door for callers.
    """
    before = previous_month(month)
    publications = {
        publication.month: publication
        for publication in UnitEvaluation.objects.filter(tenant=tenant, month__in=[month, before]).select_related(
            "published_by"
        )
    }
    unpublished = [each for each in (month, before) if each not in publications]
    rows: dict[date, list] = {}
    if unpublished:
        live = live_rows(tenant=tenant, months=unpublished, kinds=[kind])
        rows.update({each: live[(each, kind)] for each in unpublished})
    if publications:
        rows.update(_published_rows(tenant, publications.values(), kind))
    return Evaluation(
        month=month, kind=kind, publication=publications.get(month), rows=_with_previous(rows[month], rows[before])
    )


def reads_drafts(actor: Member) -> bool:
    """Whether ``actor`` may read a month before it is published: the company's managers (who publish it)."""
    return actor.sets_company_policy


def not_published_message(month: date) -> str:
    return _("The unit evaluation of %(month)s has not been published yet.") % {"month": month_key(month)}


def access_unit_evaluation(*, tenant: Tenant, actor: Member, month: date, kind: str) -> Evaluation:
    """Return the evaluation ``actor`` may read: a published month for everyone, the draft for its publishers.

    Anybody else asking for an unpublished month gets a 404 saying so.
    """
    evaluation = unit_evaluation(tenant=tenant, month=month, kind=kind)
    if not evaluation.published and not reads_drafts(actor):
        raise Http404(not_published_message(month))
    return evaluation


def latest_published_month(*, tenant: Tenant) -> date | None:
    return UnitEvaluation.objects.filter(tenant=tenant).order_by("-month").values_list("month", flat=True).first()


def published_on_text(publication: UnitEvaluation, tenant: Tenant) -> str:
    """When it was published, ``2026-11-03 09:30`` in the tenant's time zone."""
    return formats.date_format(timezone.localtime(publication.published_at, tenant_zone(tenant)), "Y-m-d H:i")

"""The contest pages' tables and chart, from plain data (contests and standings in, ``Table`` and a figure out)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from dashboards import figures
from dashboards.tables import Column, Table
from targets.models import Contest
from targets.selectors.contests import Standings, rule_of, threshold_of

Measure = Contest.ContestMeasure
# The leaders a running contest shows in the list, and the bars of a contest's chart.
LEADERS_SHOWN = 3
BARS_SHOWN = 10
TEN_THOUSAND = Decimal(10000)


def value_kind(contest: Contest) -> str:
    """How a contest's values are shown: yuan for premium, whole numbers for the rest."""
    return "yuan" if contest.measure == Measure.PREMIUM else "count"


def value_header(contest: Contest) -> str:
    return {
        Measure.POLICIES: _("Policies (件)"),
        Measure.PREMIUM: _("Premium (yuan)"),
        Measure.ACTIVITY_POINTS: _("Activity points"),
        Measure.FIRST_POLICY: _("Policies (件)"),
    }[Measure(contest.measure)]


def value_text(contest: Contest, value: Decimal | None) -> str:
    if value is None:
        return "—"
    if contest.measure == Measure.PREMIUM:
        return number_format(value, 2, use_l10n=True, force_grouping=True)
    return number_format(int(value), 0, use_l10n=True, force_grouping=True)


def unit_text(contest: Contest) -> str:
    return contest.unit.name if contest.unit_id else _("Whole company")


def rule_text(contest: Contest) -> str:
    """The rule in words, as the contest's page and list say it."""
    if contest.measure == Measure.FIRST_POLICY:
        return _("Every agent without a sale before the contest who writes a first policy in it wins.")
    if rule_of(contest) == Contest.Rule.THRESHOLD:
        return _("Everyone reaching %(threshold)s wins.") % {"threshold": value_text(contest, threshold_of(contest))}
    if contest.top_n == 1:
        return _("The first place wins (members tied on it all win; a value above zero is needed).")
    return _("The top %(count)s places win (members tied on the last one all win; a value above zero is needed).") % {
        "count": contest.top_n
    }


def contest_link(contest: Contest) -> str:
    return reverse("contest-page", kwargs={"contest_id": contest.pk})


def _people(contest: Contest, rows: Sequence[dict[str, Any]]) -> str:
    return " · ".join(f"{row['member_name']} {value_text(contest, row['value'])}" for row in rows)


def _contest_row(contest: Contest, standings: Standings | None) -> dict[str, Any]:
    row = {
        "name": contest.name,
        "link": contest_link(contest),
        "measure": contest.get_measure_display(),
        "rule": rule_text(contest),
        "unit": unit_text(contest),
        "starts_on": contest.starts_on.isoformat(),
        "ends_on": contest.ends_on.isoformat(),
        "prize": contest.prize,
        "leaders": "",
        "winners": "",
        "changed": "",
    }
    if standings is not None:
        leading = [item for item in standings.rows if item["rank"] is not None and item["value"] > 0]
        row["leaders"] = _people(contest, leading[:LEADERS_SHOWN])
        row["winners"] = _people(contest, standings.winners) or _("No winner")
        row["changed"] = _("Standings changed after the contest ended") if standings.changed else ""
        row["state_class"] = "state-below" if standings.changed else ""
    return row


def _columns(*extra: Column) -> list[Column]:
    # Who leads or won comes right after the name: on a phone it is what fits without scrolling.
    return [
        Column("name", _("Contest"), link="link", width=20),
        *extra,
        Column("measure", _("Measure"), width=14),
        Column("unit", _("Who takes part"), width=14),
        Column("starts_on", _("Starts on"), width=12),
        Column("ends_on", _("Ends on"), width=12),
        Column("prize", _("Prize"), width=20),
    ]


def contests_tables(
    *,
    running: Sequence[Contest],
    upcoming: Sequence[Contest],
    ended: Sequence[Contest],
    standings: dict[int, Standings],
) -> dict[str, Table]:
    """The list page's three tables: running (with the leaders), upcoming, ended (with the winners)."""
    return {
        "running": Table(
            "running",
            _("Running contests"),
            _columns(Column("leaders", _("Leading now"), width=36)),
            [_contest_row(contest, standings.get(contest.pk)) for contest in running],
        ),
        "upcoming": Table(
            "upcoming",
            _("Upcoming contests"),
            _columns(Column("rule", _("Rule"), width=30)),
            [_contest_row(contest, None) for contest in upcoming],
        ),
        "ended": Table(
            "ended",
            _("Ended contests"),
            _columns(Column("winners", _("Winners"), width=36), Column("changed", _("Note"), width=24)),
            [_contest_row(contest, standings.get(contest.pk)) for contest in ended],
        ),
    }


def standings_table(standings: Standings) -> Table:
    """The contest's standings: rank, member, unit, value, winner; the live figures too once they differ."""
    contest = standings.contest
    kind = value_kind(contest)
    columns = [
        Column("rank", _("Rank"), "count", width=6),
        Column("member_name", _("Member"), width=16),
        Column("unit_name", _("Unit"), width=16),
        Column("value", value_header(contest), kind, width=14),
        Column("winner_text", _("Winner"), width=8),
    ]
    if standings.changed:
        columns += [
            Column("live_rank", _("Rank now"), "count", width=8),
            Column("live_value", _("Value now"), kind, width=14),
        ]
    rows = [
        {
            **row,
            "winner_text": _("Winner") if row["winner"] else "",
            "state_class": "state-met" if row["winner"] else "",
        }
        for row in standings.rows
    ]
    title = _("Final standings (frozen)") if standings.frozen else _("Standings so far")
    return Table("standings", title, columns, rows)


def _wan(value: Decimal) -> Decimal:
    return (value / TEN_THOUSAND).quantize(Decimal("0.01"))


def standings_figure(standings: Standings) -> dict | None:
    """Bars of the top values (the frozen ones once frozen), the first on top; none while nobody has a value."""
    contest = standings.contest
    leading = [row for row in standings.rows if row["rank"] is not None and row["value"] > 0][:BARS_SHOWN]
    if not leading:
        return None
    premium = contest.measure == Measure.PREMIUM
    axis = _("Premium (10k yuan)") if premium else value_header(contest)
    return figures.count_bars(
        names=[row["member_name"] for row in leading],
        counts=[_wan(row["value"]) if premium else int(row["value"]) for row in leading],
        labels=figures.Labels(
            _("Top %(count)s: %(contest)s") % {"count": len(leading), "contest": contest.name}, axis, ""
        ),
    )

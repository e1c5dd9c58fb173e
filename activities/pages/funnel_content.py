"""The funnel page's tables and chart, from plain data (a ``Funnel`` and the churn warnings in, ``Table`` out)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.translation import gettext as _

from activities.models.customers import Customer
from activities.selectors.funnel import STAGES, STEPS, AgentRow, Funnel, FunnelRow
from dashboards import figures
from dashboards.tables import Column, Table


def stage_labels() -> dict[str, str]:
    return {stage: str(label) for stage, label in Customer.Stage.choices}


def step_label(step: int) -> str:
    labels = stage_labels()
    before, after = STEPS[step]
    return f"{labels[before]} → {labels[after]}"


def funnel_figure(funnel: Funnel) -> dict | None:
    """The stages of the viewer's book as a funnel; none when nobody reached a stage in the period."""
    if not any(funnel.total.reached):
        return None
    labels = stage_labels()
    return figures.stage_funnel(
        stages=[labels[stage] for stage in STAGES],
        counts=list(funnel.total.reached),
        labels=figures.Labels(title=_("Customers reaching each stage"), x=_("Customers"), y=_("Stage")),
    )


def _stages_table(funnel: Funnel) -> Table:
    labels = stage_labels()
    rates = [*funnel.total.rates, None]
    return Table(
        name="stages",
        title=_("Stages"),
        columns=[
            Column("stage", _("Stage"), width=22),
            Column("reached", _("Customers reaching it"), "count"),
            Column("rate", _("On to the next stage"), "percent"),
        ],
        rows=[
            {"stage": labels[stage], "reached": count, "rate": rates[k]}
            for k, (stage, count) in enumerate(zip(STAGES, funnel.total.reached, strict=True))
        ],
    )


def _agent_row(row: AgentRow) -> dict:
    values: dict = {"name": row.name, "team": row.team_name, "acquired": row.reached[0], "signed": row.reached[4]}
    for k, (own, median) in enumerate(zip(row.rates, row.team_median, strict=True)):
        values[f"rate{k}"] = own
        values[f"median{k}"] = median
    losing = row.losing_step
    values["losing"] = step_label(losing) if losing is not None else "—"
    return values


def _agents_table(funnel: Funnel) -> Table:
    steps: list[Column] = []
    for k in range(len(STEPS)):
        steps.append(Column(f"rate{k}", step_label(k), "percent"))
        steps.append(Column(f"median{k}", _("Team median"), "percent"))
    return Table(
        name="agents",
        title=_("Agents against their team's median"),
        columns=[
            Column("name", _("Agent"), width=16),
            Column("team", _("Team"), width=16),
            Column("acquired", _("Acquired"), "count"),
            Column("signed", _("Signed"), "count"),
            *steps,
            Column("losing", _("Loses the most customers at"), width=28),
        ],
        rows=[_agent_row(row) for row in funnel.agents],
    )


def _units_table(name: str, title: str, header: str, rows: Sequence[FunnelRow]) -> Table:
    labels = stage_labels()
    return Table(
        name=name,
        title=title,
        columns=[
            Column("name", header, width=18),
            *(Column(f"reached{k}", labels[stage], "count") for k, stage in enumerate(STAGES)),
            *(Column(f"rate{k}", step_label(k), "percent") for k in range(len(STEPS))),
        ],
        rows=[
            {
                "name": row.name,
                **{f"reached{k}": count for k, count in enumerate(row.reached)},
                **{f"rate{k}": value for k, value in enumerate(row.rates)},
            }
            for row in rows
        ],
    )


def _churn_table(churn: Sequence[Customer], customer_url: Callable[[int], str]) -> Table:
    return Table(
        name="churn",
        title=_("Churn warning: several quotes, no policy"),
        columns=[
            Column("name", _("Customer"), link="link", width=16),
            Column("owner", _("Agent"), width=16),
            Column("stage", _("Stage"), width=18),
            Column("quotes", _("Quotes"), "count"),
            Column("last_quoted_on", _("Last quote"), width=12),
        ],
        rows=[
            {
                "name": entry.name,
                "link": customer_url(entry.pk),
                "owner": entry.owner.display_name,
                "stage": entry.get_stage_display(),
                "quotes": entry.quote_count,  # type: ignore[attr-defined]
                "last_quoted_on": entry.last_quoted_on.isoformat(),  # type: ignore[attr-defined]
            }
            for entry in churn
        ],
    )


def funnel_tables(funnel: Funnel, churn: Sequence[Customer], *, customer_url: Callable[[int], str]) -> dict[str, Table]:
    return {
        "stages": _stages_table(funnel),
        "agents": _agents_table(funnel),
        "teams": _units_table("teams", _("Teams"), _("Team"), funnel.teams),
        "branches": _units_table("branches", _("Branches"), _("Branch"), funnel.branches),
        "churn": _churn_table(churn, customer_url),
    }

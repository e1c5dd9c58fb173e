"""Auto-assignment of unassigned cases to advisors: the rule, without the database (seed 003).

Cases are taken highest priority first. Each goes to the advisor with the
lightest load (open cases weighted by priority level; then fewer open
cases; then the lower id) among those who

- have room under their capacity (it is never exceeded), and
- serve group A, when the case is group A (high net worth).

A case nobody may take stays unassigned with the reason, so the lead knows
whether to grant the A skill, raise a capacity or hire (the staffing
figures say how many).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from renewals import priority
from renewals.services.advisors import Advisor

REASONS = {
    "no_advisor": _("There is no active renewal advisor."),
    "no_group_a_advisor": _("No advisor serves group A (high net worth) customers."),
    "group_a_full": _("Every advisor serving group A is at capacity."),
    "all_full": _("Every advisor is at capacity."),
}


@dataclass(frozen=True)
class Unassigned:
    """A case to assign: its id, group and priority points."""

    id: int
    group: str
    points: int


@dataclass(frozen=True)
class Decision:
    case_id: int
    advisor_id: int | None
    reason: str = ""  # a key of REASONS when advisor_id is None


def assign(cases: list[Unassigned], advisors: list[Advisor]) -> list[Decision]:
    """Decide an advisor for each case; ``advisors``' open cases and loads are updated as cases go to them.

    ``cases`` come in queue order (priority, then due date); a stable sort
    by points keeps that order among equals.
    """
    decisions = []
    for case in sorted(cases, key=lambda c: -c.points):
        group_a = case.group == "A"
        skilled = [a for a in advisors if a.serves_group_a or not group_a]
        eligible = [a for a in skilled if a.room > 0]
        if not eligible:
            if not advisors:
                reason = "no_advisor"
            elif group_a:
                reason = "group_a_full" if skilled else "no_group_a_advisor"
            else:
                reason = "all_full"
            decisions.append(Decision(case.id, None, reason))
            continue
        chosen = min(eligible, key=lambda a: (a.load, a.open_cases, a.id))
        chosen.open_cases += 1
        chosen.load += priority.weight(case.points)
        decisions.append(Decision(case.id, chosen.id))
    return decisions

"""The renewal pipeline: which status may follow which (DESIGN.md "Renewals").

pending → contacted → quoted → renewed, one step at a time; lost from any
open status. Renewed and lost are closed. A jump that skips a step (a
pending case renewed) is refused with the step that is missing, so the
pipeline's counts mean what they say: every renewed case was quoted, every
quoted case was contacted. Staying in a status is no move (a second
quote keeps a case quoted).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from renewals.models import OPEN_STATUSES, RenewalCase

Status = RenewalCase.Status
ORDER = (Status.PENDING, Status.CONTACTED, Status.QUOTED, Status.RENEWED)
# What a follow-up's outcome moves the case to (no answer: nothing).
OUTCOME_STATUS = {
    "contacted": Status.CONTACTED,
    "quoted": Status.QUOTED,
    "renewed": Status.RENEWED,
    "lost": Status.LOST,
}


def move_error(current: str, new: str) -> str | None:
    """Return why ``current`` may not move to ``new``, or ``None`` when it may."""
    if current == new:
        return None
    if current not in OPEN_STATUSES:
        return _("This case is closed (%(status)s); it cannot change status.") % {"status": Status(current).label}
    if new == Status.LOST:
        return None
    current_step, new_step = ORDER.index(Status(current)), ORDER.index(Status(new))
    if new_step < current_step:
        return _("A case does not go back from %(current)s to %(new)s.") % {
            "current": Status(current).label,
            "new": Status(new).label,
        }
    if new_step > current_step + 1:
        return _("A case goes pending → contacted → quoted → renewed; record %(missing)s first.") % {
            "missing": Status(ORDER[current_step + 1]).label
        }
    return None


def outcome_status(current: str, outcome: str) -> str:
    """Return the status a follow-up with ``outcome`` leaves the case in.

    An outcome behind the case (reached a customer already quoted) keeps it
    where it is; one ahead must be the next step (``move_error`` says).
    """
    new = OUTCOME_STATUS.get(outcome)
    if new is None:
        return current
    if new in ORDER and current in ORDER and ORDER.index(Status(new)) < ORDER.index(Status(current)):
        return current
    return new

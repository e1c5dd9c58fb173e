"""What the renewal pages share: the period filter, links, labels of the priority levels and statuses."""

from __future__ import annotations

from functools import cache

from django.urls import reverse

from dashboards.pages import DashboardFilters
from dashboards.periods import Period

_PLACEHOLDER = 987654321
STATUS_COLOURS = {
    "pending": "#9aa5b1",
    "contacted": "#1f5aa6",
    "quoted": "#e08e0b",
    "renewed": "#2e7d32",
    "lost": "#c8102e",
}


class RenewalFilters(DashboardFilters):
    """The renewal pages' period: this month unless a month or a quarter is asked for."""

    def default_period(self) -> Period:
        return Period("month", self.today.year, self.today.month)


@cache
def _case_pattern() -> str:
    return reverse("renewals-case", kwargs={"case_id": _PLACEHOLDER})


def case_link(case_id: int) -> str:
    """The case page's URL (reversed once: a page links to hundreds of cases)."""
    return _case_pattern().replace(str(_PLACEHOLDER), str(case_id))

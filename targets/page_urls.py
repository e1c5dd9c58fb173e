"""Pages of the incentives (issue 9): scorecards, bonuses, contests, unit evaluation, improvement plans."""

from targets.pages import bonuses, contests, improvement, scorecards, unit_evaluations

urlpatterns: list = [
    *scorecards.urlpatterns,
    *bonuses.urlpatterns,
    *contests.urlpatterns,
    *unit_evaluations.urlpatterns,
    *improvement.urlpatterns,
]

"""REST paths of the activities app (API.md), mounted under /api/v1/activities/."""

from datetime import date

from django.urls import path, register_converter

from activities.apis import duties, leaderboard, logs, reviews, standards


class IsoDateConverter:
    """A ``YYYY-MM-DD`` path segment as a ``date``; an impossible date (2026-02-30) does not match: 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value: date) -> str:
        return value.isoformat()


register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("logs/", logs.DailyLogListApi.as_view(), name="activity-logs"),
    path("logs/<isodate:date>/", logs.OwnDailyLogApi.as_view(), name="activity-log"),
    path("logs/<isodate:date>/history/", logs.OwnDailyLogHistoryApi.as_view(), name="activity-log-history"),
    path(
        "members/<int:member_id>/logs/<isodate:date>/",
        logs.MemberDailyLogApi.as_view(),
        name="activity-member-log",
    ),
    path(
        "members/<int:member_id>/logs/<isodate:date>/history/",
        logs.MemberDailyLogHistoryApi.as_view(),
        name="activity-member-log-history",
    ),
    path("standards/", standards.StandardListCreateApi.as_view(), name="activity-standards"),
    path("leaderboard/", leaderboard.LeaderboardApi.as_view(), name="activity-leaderboard"),
    path("points/", leaderboard.PointsApi.as_view(), name="activity-points"),
    path("reviews/weekly/", reviews.WeeklyReviewApi.as_view(), name="activity-review-weekly"),
    path("reviews/monthly/", reviews.MonthlyReviewApi.as_view(), name="activity-review-monthly"),
    path("duties/", duties.DutyListCreateApi.as_view(), name="activity-duties"),
    path("duties/checklist/", duties.DutyChecklistApi.as_view(), name="activity-duty-checklist"),
]

"""REST paths of rollups and alerts (API.md), mounted under /api/v1/."""

from django.urls import path

from dashboards import apis

urlpatterns = [
    path("rollups/", apis.RollupListApi.as_view(), name="rollups"),
    path("alerts/", apis.AlertListApi.as_view(), name="alerts"),
    path("alerts/<int:alert_id>/", apis.AlertDetailApi.as_view(), name="alert"),
]

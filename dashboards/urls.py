"""REST paths of the dashboards app (API.md), mounted under /api/v1/."""

urlpatterns: list = []

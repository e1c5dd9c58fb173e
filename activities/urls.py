"""REST paths of the activities app (API.md), mounted under /api/v1/."""

urlpatterns: list = []

"""REST paths of the targets app (API.md), mounted under /api/v1/."""

urlpatterns: list = []

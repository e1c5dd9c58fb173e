"""REST paths of the renewals app (API.md), mounted under /api/v1/."""

urlpatterns: list = []

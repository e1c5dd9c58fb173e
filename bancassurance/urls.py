"""REST paths of the bancassurance app (API.md), mounted under /api/v1/."""

urlpatterns: list = []

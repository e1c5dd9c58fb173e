"""REST paths of the bancassurance app (API.md), mounted under /api/v1/bancassurance/."""

from bancassurance.apis import branches, work

urlpatterns = [*branches.urlpatterns, *work.urlpatterns]

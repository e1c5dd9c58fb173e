"""REST paths of the renewals app (API.md), mounted under /api/v1/renewals/."""

from renewals.apis import cases, imports, tickets

urlpatterns = [*cases.urlpatterns, *imports.urlpatterns, *tickets.urlpatterns]

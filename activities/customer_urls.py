"""REST paths of the customer book (API.md `customers/`), mounted under /api/v1/."""

from activities.apis import customers, funnel, objections, tiers

urlpatterns: list = [
    *customers.urlpatterns,
    *funnel.urlpatterns,
    *tiers.urlpatterns,
    *objections.urlpatterns,
]

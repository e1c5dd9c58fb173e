"""Pages of the customer book: the book and a customer, the funnel, the objection library, the customer rules."""

from activities.pages import customers, funnel, objections, tiers

urlpatterns: list = [
    *funnel.urlpatterns,
    *objections.urlpatterns,
    *tiers.urlpatterns,
    # Last: its ``customers/<int:id>/`` must not shadow the fixed paths above.
    *customers.urlpatterns,
]

from django.urls import path

from salesops.org import apis

urlpatterns = [
    path("auth/token/", apis.TokenObtainApi.as_view(), name="auth-token"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("org/units/", apis.UnitListCreateApi.as_view(), name="org-units"),
    path("org/units/<int:unit_id>/", apis.UnitDetailApi.as_view(), name="org-unit"),
    path("org/members/", apis.MemberListCreateApi.as_view(), name="org-members"),
    path("org/members/<int:member_id>/", apis.MemberDetailApi.as_view(), name="org-member"),
    path("org/channels/", apis.ChannelListCreateApi.as_view(), name="org-channels"),
    path("org/products/", apis.ProductListCreateApi.as_view(), name="org-products"),
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from activities import review_pages as activity_review_pages
from activities import views as activity_views
from dashboards import pages as dashboard_pages
from dashboards import views as alert_views
from salesops import views
from salesops.org import views as org_views
from targets.views import plans as target_views
from targets.views import sales as sale_views

api_v1 = [
    path("", include("salesops.org.urls")),
    path("", include("targets.urls")),
    path("activities/", include("activities.urls")),
    path("", include("activities.customer_urls")),
    path("renewals/", include("renewals.urls")),
    path("bancassurance/", include("bancassurance.urls")),
    path("", include("dashboards.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("activities/", activity_views.log_page, name="activities-page"),
    path("activities/hero-board/", activity_review_pages.hero_board_page, name="activities-hero-board"),
    path("activities/reviews/", activity_review_pages.reviews_page, name="activities-reviews"),
    path("activities/reviews/weekly.xlsx", activity_review_pages.weekly_xlsx, name="activities-reviews-weekly-xlsx"),
    path("activities/reviews/monthly.xlsx", activity_review_pages.monthly_xlsx, name="activities-reviews-monthly-xlsx"),
    path("activities/team/", activity_views.team_page, name="activities-team-page"),
    path("alerts/", alert_views.alerts_page, name="alerts-page"),
    path("dashboards/", dashboard_pages.dashboard_home, name="dashboards-home"),
    path("dashboards/members/<int:member_id>/", dashboard_pages.agent_page, name="dashboards-member"),
    path(
        "dashboards/members/<int:member_id>/<slug:table>.xlsx",
        dashboard_pages.agent_xlsx,
        name="dashboards-member-xlsx",
    ),
    path("dashboards/teams/<int:unit_id>/", dashboard_pages.team_page, name="dashboards-team"),
    path("dashboards/teams/<int:unit_id>/<slug:table>.xlsx", dashboard_pages.team_xlsx, name="dashboards-team-xlsx"),
    path("dashboards/units/<int:unit_id>/", dashboard_pages.unit_page, name="dashboards-unit"),
    path("dashboards/units/<int:unit_id>/<slug:table>.xlsx", dashboard_pages.unit_xlsx, name="dashboards-unit-xlsx"),
    path("org/", org_views.org_page, name="org-page"),
    path("bancassurance/", include("bancassurance.page_urls")),
    path("renewals/", include("renewals.page_urls")),
    path("", include("targets.page_urls")),
    path("", include("activities.customer_page_urls")),
    path("targets/", target_views.plan_list_page, name="targets-page"),
    path("targets/sales/", sale_views.sales_page, name="sales-page"),
    path("targets/sales.xlsx", sale_views.sales_xlsx, name="sales-xlsx"),
    path("targets/plans/new/", target_views.plan_wizard_page, name="targets-plan-new"),
    path("targets/plans/<int:plan_id>/", target_views.plan_page, name="targets-plan"),
    path(
        "targets/plans/<int:plan_id>/allocations.xlsx",
        target_views.allocations_xlsx,
        name="targets-plan-allocations-xlsx",
    ),
    path(
        "targets/plans/<int:plan_id>/attainment.xlsx",
        target_views.attainment_xlsx,
        name="targets-plan-attainment-xlsx",
    ),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
]

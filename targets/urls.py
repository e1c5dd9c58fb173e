from django.urls import path

from targets.apis import bonuses, contests, improvement, plans, sales, scorecards, unit_evaluations

urlpatterns = [
    path("targets/plans/", plans.PlanListCreateApi.as_view(), name="target-plans"),
    path("targets/plans/<int:plan_id>/", plans.PlanDetailApi.as_view(), name="target-plan"),
    path("targets/plans/<int:plan_id>/allocate/", plans.PlanAllocateApi.as_view(), name="target-plan-allocate"),
    path("targets/plans/baseline/", plans.PlanBaselineApi.as_view(), name="target-plan-baseline"),
    path("targets/allocations/", plans.AllocationListApi.as_view(), name="target-allocations"),
    path("targets/allocations/<int:allocation_id>/", plans.AllocationDetailApi.as_view(), name="target-allocation"),
    path(
        "targets/allocations/<int:allocation_id>/history/",
        plans.AllocationHistoryApi.as_view(),
        name="target-allocation-history",
    ),
    path("targets/attainment/", plans.AttainmentApi.as_view(), name="target-attainment"),
    path("sales/", sales.SaleRecordListCreateApi.as_view(), name="sales"),
    path("sales/import/", sales.SaleRecordImportApi.as_view(), name="sales-import"),
    *scorecards.urlpatterns,
    *bonuses.urlpatterns,
    *contests.urlpatterns,
    *unit_evaluations.urlpatterns,
    *improvement.urlpatterns,
]

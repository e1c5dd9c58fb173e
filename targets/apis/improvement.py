"""REST endpoints of the improvement plans: the list, one plan, its goals, weekly check-ins and closing.

- ``improvement-plans/`` GET (filters ``status``, ``member``), POST ``{member, goals}`` (a manager, by hand);
- ``improvement-plans/{id}/`` GET (with ``check_ins``, ``coaching``, ``scores_since``), PATCH ``{goals}``;
- ``improvement-plans/{id}/check-ins/`` POST ``{week, on_track, notes}``;
- ``improvement-plans/{id}/close/`` POST ``{status: improved/escalated, outcome}``.

Plans are reached through ``access_improvement_plan_by_id``: another
tenant's, or one outside the caller's scope, is a 404; the member reads
their own plan but writing on it is a 403.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org.selectors import tenant_today
from targets.models import ImprovementPlan
from targets.selectors import improvement as selectors
from targets.services import improvement as services


class ImprovementTriggerSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="A month, 2026-10")
    score = serializers.DecimalField(max_digits=5, decimal_places=2)


class ImprovementPlanOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.CharField(source="member.display_name")
    unit = serializers.CharField(source="member.unit.name")
    supervisor = serializers.IntegerField(source="supervisor_id", allow_null=True)
    supervisor_name = serializers.SerializerMethodField()
    opened_on = serializers.DateField()
    trigger = ImprovementTriggerSerializer(many=True, help_text="The months below the floor that opened the plan.")
    months_below = serializers.SerializerMethodField()
    goals = serializers.CharField()
    status = serializers.ChoiceField(choices=ImprovementPlan.Status.choices)
    closed_on = serializers.DateField(allow_null=True)
    closed_by = serializers.IntegerField(source="closed_by_id", allow_null=True)
    outcome = serializers.CharField()
    check_in_count = serializers.IntegerField()
    coaching_count = serializers.IntegerField(help_text="Coaching sessions of the 111 log since the plan opened.")

    def get_supervisor_name(self, plan) -> str:
        return plan.supervisor.display_name if plan.supervisor else ""

    def get_months_below(self, plan) -> int:
        return len(plan.trigger or [])


class ImprovementCheckInOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    week = serializers.DateField(help_text="The week's Monday")
    on_track = serializers.BooleanField()
    notes = serializers.CharField()
    recorded_by = serializers.IntegerField(source="recorded_by_id", allow_null=True)
    recorded_by_name = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()

    def get_recorded_by_name(self, check_in) -> str:
        return check_in.recorded_by.display_name if check_in.recorded_by else ""


class ImprovementCoachingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    supervisor = serializers.IntegerField(source="supervisor_id")
    supervisor_name = serializers.CharField(source="supervisor.display_name")
    notes = serializers.CharField()


class ImprovementMonthScoreSerializer(serializers.Serializer):
    period = serializers.CharField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    final = serializers.BooleanField(help_text="The month has ended; otherwise the score is to date.")
    below = serializers.BooleanField(allow_null=True, help_text="Below the floor; null without a score.")


class ImprovementPlanDetailOutputSerializer(ImprovementPlanOutputSerializer):
    """A plan with what its page shows (``plan.detail``, a ``PlanDetail``)."""

    floor = serializers.DecimalField(
        source="detail.floor", max_digits=5, decimal_places=2, help_text="The tenant's improvement floor."
    )
    check_ins = ImprovementCheckInOutputSerializer(source="detail.check_ins", many=True)
    coaching = ImprovementCoachingSerializer(source="detail.coaching", many=True)
    scores_since = ImprovementMonthScoreSerializer(
        source="detail.scores_since", many=True, help_text="Final scores of the months since the plan opened."
    )
    may_write = serializers.BooleanField(
        source="detail.may_write", help_text="The caller works this plan: goals, check-ins, closing (while open)."
    )


def _detail(api: MemberAPIMixin, plan_id) -> dict:
    """The plan as the caller may read it, fetched afresh (its counts included)."""
    plan = selectors.access_improvement_plan_by_id(tenant=api.tenant, actor=api.actor, id=plan_id)
    plan.detail = selectors.plan_detail(tenant=api.tenant, actor=api.actor, plan=plan, today=tenant_today(api.tenant))
    return ImprovementPlanDetailOutputSerializer(plan).data


class ImprovementPlanListCreateApi(MemberAPIMixin, APIView):
    """The plans the caller may read, open ones first; a manager opens one by hand ``{member, goals}``."""

    class ImprovementPlanFilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=ImprovementPlan.Status.choices, required=False)
        member = serializers.IntegerField(required=False)

    class ImprovementPlanInputSerializer(serializers.Serializer):
        member = serializers.IntegerField()
        goals = serializers.CharField(allow_blank=True, trim_whitespace=True)

    @extend_schema(parameters=[ImprovementPlanFilterSerializer], responses=ImprovementPlanOutputSerializer(many=True))
    def get(self, request):
        filters = self.ImprovementPlanFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        plans = selectors.improvement_plan_list(tenant=self.tenant, actor=self.actor, filters=filters.validated_data)
        return paginated_response(
            queryset=plans, serializer_class=ImprovementPlanOutputSerializer, request=request, view=self
        )

    @extend_schema(request=ImprovementPlanInputSerializer, responses={201: ImprovementPlanDetailOutputSerializer})
    def post(self, request):
        serializer = self.ImprovementPlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.plan_open(
            tenant=self.tenant,
            actor=self.actor,
            member_id=serializer.validated_data["member"],
            goals=serializer.validated_data["goals"],
            today=tenant_today(self.tenant),
        )
        return Response(_detail(self, plan.pk), status=status.HTTP_201_CREATED)


class ImprovementPlanDetailApi(MemberAPIMixin, APIView):
    """One plan with its check-ins, coaching sessions and scores since it opened; PATCH ``{goals}``."""

    class ImprovementGoalsInputSerializer(serializers.Serializer):
        goals = serializers.CharField(allow_blank=True)

    @extend_schema(responses=ImprovementPlanDetailOutputSerializer)
    def get(self, request, plan_id: int):
        return Response(_detail(self, plan_id))

    @extend_schema(request=ImprovementGoalsInputSerializer, responses=ImprovementPlanDetailOutputSerializer)
    def patch(self, request, plan_id: int):
        plan = selectors.access_improvement_plan_by_id(tenant=self.tenant, actor=self.actor, id=plan_id)
        serializer = self.ImprovementGoalsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.plan_update_goals(
            tenant=self.tenant, actor=self.actor, plan=plan, goals=serializer.validated_data["goals"]
        )
        return Response(_detail(self, plan_id))


class ImprovementCheckInApi(MemberAPIMixin, APIView):
    """POST ``{week, on_track, notes}``: the week's check-in (kept as its Monday); again for that week replaces it."""

    class ImprovementCheckInInputSerializer(serializers.Serializer):
        week = serializers.DateField(required=False, help_text="Any day of the week; this week if left out")
        on_track = serializers.BooleanField(default=False)
        notes = serializers.CharField(allow_blank=True)

    @extend_schema(request=ImprovementCheckInInputSerializer, responses={201: ImprovementCheckInOutputSerializer})
    def post(self, request, plan_id: int):
        plan = selectors.access_improvement_plan_by_id(tenant=self.tenant, actor=self.actor, id=plan_id)
        serializer = self.ImprovementCheckInInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        today = tenant_today(self.tenant)
        check_in = services.check_in_record(
            tenant=self.tenant,
            actor=self.actor,
            plan=plan,
            week=data.get("week") or today,
            on_track=data["on_track"],
            notes=data["notes"],
            today=today,
        )
        return Response(ImprovementCheckInOutputSerializer(check_in).data, status=status.HTTP_201_CREATED)


class ImprovementCloseApi(MemberAPIMixin, APIView):
    """POST ``{status: improved/escalated, outcome}``: the supervisor closes an open plan."""

    class ImprovementCloseInputSerializer(serializers.Serializer):
        # Checked by the service (improved or escalated), so that a wrong one is a 400 on ``status`` in words.
        status = serializers.CharField(help_text="improved or escalated")
        outcome = serializers.CharField(allow_blank=True)

    @extend_schema(request=ImprovementCloseInputSerializer, responses=ImprovementPlanDetailOutputSerializer)
    def post(self, request, plan_id: int):
        plan = selectors.access_improvement_plan_by_id(tenant=self.tenant, actor=self.actor, id=plan_id)
        serializer = self.ImprovementCloseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.plan_close(
            tenant=self.tenant,
            actor=self.actor,
            plan=plan,
            status=serializer.validated_data["status"],
            outcome=serializer.validated_data["outcome"],
            today=tenant_today(self.tenant),
        )
        return Response(_detail(self, plan_id))


urlpatterns = [
    path("improvement-plans/", ImprovementPlanListCreateApi.as_view(), name="improvement-plans"),
    path("improvement-plans/<int:plan_id>/", ImprovementPlanDetailApi.as_view(), name="improvement-plan"),
    path(
        "improvement-plans/<int:plan_id>/check-ins/", ImprovementCheckInApi.as_view(), name="improvement-plan-check-ins"
    ),
    path("improvement-plans/<int:plan_id>/close/", ImprovementCloseApi.as_view(), name="improvement-plan-close"),
]

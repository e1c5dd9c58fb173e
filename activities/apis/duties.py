"""REST endpoints of the supervisor's "111" duties (API.md ``activities/duties/``) and the day's checklist."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.models import Duty
from activities.selectors import duties as selectors
from activities.services import duties as services
from salesops.api.serializers import DateRangeFilterSerializer
from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org.selectors import tenant_today


class DutyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    supervisor = serializers.IntegerField(source="supervisor_id")
    supervisor_name = serializers.CharField(source="supervisor.display_name")
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.CharField(source="member.display_name")
    date = serializers.DateField()
    outcome = serializers.CharField()
    notes = serializers.CharField()
    visit = serializers.IntegerField(source="visit_id", allow_null=True)
    visit_date = serializers.DateField(source="visit.log.date", allow_null=True, default=None)


class DutyListCreateApi(MemberAPIMixin, APIView):
    """GET: the duties the caller did or received (a leader also those of their scope). POST: record one."""

    class FilterSerializer(DateRangeFilterSerializer):
        member = serializers.IntegerField(required=False)
        date = serializers.DateField(required=False)
        kind = serializers.ChoiceField(choices=Duty.Kind.choices, required=False)

    class InputSerializer(serializers.Serializer):
        # Lenient on kind and outcome: the service answers each with its own field error.
        kind = serializers.CharField()
        member = serializers.IntegerField()
        date = serializers.DateField(required=False)
        outcome = serializers.CharField(required=False, allow_blank=True, default="")
        notes = serializers.CharField(required=False, allow_blank=True, default="")
        visit = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(parameters=[FilterSerializer], responses=DutyOutputSerializer(many=True))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.duty_list(tenant=self.tenant, actor=self.actor, filters=filters.validated_data)
        return paginated_response(queryset=queryset, serializer_class=DutyOutputSerializer, request=request, view=self)

    @extend_schema(request=InputSerializer, responses={201: DutyOutputSerializer})
    def post(self, request):
        if not self.actor.leads_others:
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        duty = services.duty_record(
            tenant=self.tenant,
            actor=self.actor,
            member_id=data["member"],
            kind=data["kind"],
            date=data.get("date") or tenant_today(self.tenant),
            outcome=data["outcome"],
            notes=data["notes"],
            visit_id=data["visit"],
        )
        duty = selectors.duty_list(tenant=self.tenant, actor=self.actor).get(pk=duty.pk)
        return Response(DutyOutputSerializer(duty).data, status=status.HTTP_201_CREATED)


class DutyChecklistApi(MemberAPIMixin, APIView):
    """The caller's 111 checklist of a day (``?date=``, default today): tracking calls, coaching, spot-check."""

    class QuerySerializer(serializers.Serializer):
        date = serializers.DateField(required=False)

    class ChecklistOutputSerializer(serializers.Serializer):
        class TrackingCallsSerializer(serializers.Serializer):
            class MissingSerializer(serializers.Serializer):
                id = serializers.IntegerField()
                name = serializers.CharField(source="display_name")

            done = serializers.IntegerField()
            of = serializers.IntegerField()
            missing = MissingSerializer(many=True)

        date = serializers.DateField()
        tracking_calls = TrackingCallsSerializer()
        coaching = serializers.BooleanField()
        spot_check = serializers.BooleanField()
        complete = serializers.BooleanField()

    @extend_schema(parameters=[QuerySerializer], responses=ChecklistOutputSerializer)
    def get(self, request):
        if not self.actor.leads_others:
            raise PermissionDenied
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("date") or tenant_today(self.tenant)
        checklist = selectors.checklist_111(tenant=self.tenant, supervisor=self.actor, date=day)
        return Response(self.ChecklistOutputSerializer({"date": day, **checklist}).data)

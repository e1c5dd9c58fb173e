"""REST endpoints of rollups and alerts (API.md ``rollups/``, ``alerts/``, ``alerts/{id}/``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.apis.serializers import ItemCountsSerializer
from dashboards.models import Alert, Grain, Scope
from dashboards.selectors import alerts as alert_selectors
from dashboards.selectors.rollups import Subject, rollup_series
from dashboards.services import alerts as alert_services
from salesops.api.serializers import DateRangeFilterSerializer
from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org.selectors import access_member_by_id, access_unit_by_id, tenant_today

# A day series longer than this is a mistake or an export: use weeks or months.
MAX_DAYS = {Grain.DAY: 400, Grain.WEEK: 3 * 366, Grain.MONTH: 5 * 366}


class LineSerializer(serializers.Serializer):
    channel = serializers.CharField()
    product = serializers.CharField()
    policies = serializers.IntegerField()
    premium = serializers.DecimalField(max_digits=16, decimal_places=2)
    count_share = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    count_share_moving_average = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)


class RollupRowSerializer(ItemCountsSerializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    logged = serializers.IntegerField()
    policies = serializers.IntegerField()
    premium = serializers.DecimalField(max_digits=16, decimal_places=2)
    target = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    attainment = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    policy_target = serializers.DecimalField(max_digits=16, decimal_places=0, allow_null=True)
    policy_attainment = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    agents = serializers.IntegerField()
    producers = serializers.IntegerField()
    active_producer_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    policies_per_agent = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    activity_per_agent = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    interviews_per_appointment = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    policies_per_interview = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    lines = LineSerializer(many=True, required=False)


class RollupListApi(MemberAPIMixin, APIView):
    """A member's or a unit's (whole subtree's) rollups by day, ISO week or month, within the caller's scope."""

    class QuerySerializer(DateRangeFilterSerializer):
        scope = serializers.ChoiceField(choices=Scope.choices)
        id = serializers.IntegerField()
        grain = serializers.ChoiceField(choices=Grain.choices, default=Grain.DAY)

        def validate(self, data):
            today = self.context["today"]
            end = data.get("to") or today
            start = data.get("from") or end.replace(day=1)
            if start > end:
                raise serializers.ValidationError({"from": [_("The start is after the end.")]})
            if (end - start) > timedelta(days=MAX_DAYS[data["grain"]]):
                raise serializers.ValidationError({"to": [_("The range is too long for this grain.")]})
            return {**data, "from": start, "to": end}

    @extend_schema(parameters=[QuerySerializer], responses=RollupRowSerializer(many=True))
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params, context={"today": tenant_today(self.tenant)})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        member = None
        if data["scope"] == Scope.MEMBER:
            member = access_member_by_id(tenant=self.tenant, actor=self.actor, id=data["id"])
        else:
            access_unit_by_id(tenant=self.tenant, actor=self.actor, id=data["id"])
        rows = rollup_series(
            tenant=self.tenant,
            subject=Subject(data["scope"], data["id"]),
            grain=data["grain"],
            start=data["from"],
            end=data["to"],
            member=member,
        )
        return Response(RollupRowSerializer(rows, many=True).data)


class AlertOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    scope = serializers.CharField()
    subject = serializers.SerializerMethodField()
    subject_name = serializers.SerializerMethodField()
    period = serializers.SerializerMethodField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    reference = serializers.CharField()
    expected = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    actual = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    deviation = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    summary = serializers.SerializerMethodField()
    status = serializers.CharField()
    pdca_step = serializers.SerializerMethodField()
    root_cause = serializers.CharField()
    action = serializers.CharField()
    verification = serializers.CharField()
    resolution = serializers.CharField()
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True)
    unread = serializers.BooleanField(default=False)
    raised_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)

    def get_subject(self, alert: Alert) -> int:
        return alert.member_id or alert.unit_id

    def get_subject_name(self, alert: Alert) -> str:
        return alert_services.subject_name(alert)

    def get_period(self, alert: Alert) -> str:
        return f"{alert.period_start.isoformat()}/{alert.period_end.isoformat()}"

    def get_summary(self, alert: Alert) -> str:
        return alert_services.alert_summary(alert)

    def get_pdca_step(self, alert: Alert) -> str:
        return alert_services.pdca_step(alert)


class AlertListApi(MemberAPIMixin, APIView):
    """The alerts on subjects in the caller's scope; ``mine=true``: the caller's inbox."""

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Alert.Status.choices, required=False)
        kind = serializers.ChoiceField(choices=Alert.Kind.choices, required=False)
        mine = serializers.BooleanField(required=False, default=False)

    @extend_schema(parameters=[FilterSerializer], responses=AlertOutputSerializer(many=True))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = alert_selectors.alert_list(tenant=self.tenant, actor=self.actor, filters=filters.validated_data)
        return paginated_response(queryset=queryset, serializer_class=AlertOutputSerializer, request=request, view=self)


class AlertDetailApi(MemberAPIMixin, APIView):
    """GET one alert (reading it marks it read in the caller's inbox); PATCH moves it through PDCA."""

    class InputSerializer(serializers.Serializer):
        # Lenient: the service answers each field with its own error.
        status = serializers.CharField(required=False)
        root_cause = serializers.CharField(required=False, allow_blank=True)
        action = serializers.CharField(required=False, allow_blank=True)
        verification = serializers.CharField(required=False, allow_blank=True)

    def _alert(self, alert_id):
        return alert_selectors.access_alert_by_id(tenant=self.tenant, actor=self.actor, id=alert_id)

    @extend_schema(responses=AlertOutputSerializer)
    def get(self, request, alert_id: int):
        alert = self._alert(alert_id)
        alert_services.notices_mark_read(tenant=self.tenant, recipient=self.actor, alert_ids=[alert.pk])
        alert.unread = False  # just read
        return Response(AlertOutputSerializer(alert).data)

    @extend_schema(request=InputSerializer, responses=AlertOutputSerializer)
    def patch(self, request, alert_id: int):
        alert = self._alert(alert_id)
        alert_services.require_alert_editor(self.actor)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert_services.alert_update(
            tenant=self.tenant, actor=self.actor, alert=alert, changes=serializer.validated_data
        )
        return Response(AlertOutputSerializer(self._alert(alert_id)).data)

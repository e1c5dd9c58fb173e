"""REST endpoints of the review rhythm: the weekly summary and the monthly activity-vs-results table."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.apis.leaderboard import PointsSerializer
from activities.apis.serializers import ItemCountsSerializer
from activities.selectors import reviews as selectors
from salesops.api.views import MemberAPIMixin
from salesops.org.selectors import access_member_by_id, access_unit_by_id, tenant_today

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ItemTotalsSerializer(ItemCountsSerializer):
    days_logged = serializers.IntegerField()
    policies = serializers.IntegerField()


class WeeklyTotalsSerializer(ItemTotalsSerializer):
    appointment_to_interview = serializers.FloatField(allow_null=True)
    interview_to_policy = serializers.FloatField(allow_null=True)


class WeeklyRowSerializer(WeeklyTotalsSerializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()


class WeeklyOutputSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    results = WeeklyRowSerializer(many=True, source="rows")
    totals = WeeklyTotalsSerializer()


class MonthlyTotalsSerializer(ItemTotalsSerializer):
    points = serializers.IntegerField()
    premium = serializers.DecimalField(max_digits=16, decimal_places=2)


class MonthlyRowSerializer(MonthlyTotalsSerializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()


class MonthlyOutputSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    points = PointsSerializer()
    results = MonthlyRowSerializer(many=True, source="rows")
    totals = MonthlyTotalsSerializer()


def parse_month(value: str | None, today: date) -> tuple[int, int]:
    """Return ``(year, month)`` of ``YYYY-MM``; the current month when empty; a field error when malformed."""
    if not value:
        return today.year, today.month
    match = MONTH.match(value)
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise serializers.ValidationError({"month": [_("Enter a month as YYYY-MM.")]})
    return int(match.group(1)), int(match.group(2))


class WeeklyReviewApi(MemberAPIMixin, APIView):
    """The weekly work-log summary (周工作总结) of a unit's subtree or one member, in the caller's scope.

    Without ``unit`` or ``member``: the caller's own unit. ``week``: any day of the week (default today).
    """

    class FilterSerializer(serializers.Serializer):
        unit = serializers.IntegerField(required=False, allow_null=True, default=None)
        member = serializers.IntegerField(required=False, allow_null=True, default=None)
        week = serializers.DateField(required=False, allow_null=True, default=None)

        def validate(self, attrs):
            if attrs["unit"] is not None and attrs["member"] is not None:
                raise serializers.ValidationError({"member": [_("Give a unit or a member, not both.")]})
            return attrs

    @extend_schema(parameters=[FilterSerializer], responses=WeeklyOutputSerializer)
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if data["member"] is not None:
            subject = access_member_by_id(tenant=self.tenant, actor=self.actor, id=data["member"])
        else:
            subject = access_unit_by_id(tenant=self.tenant, actor=self.actor, id=data["unit"] or self.actor.unit_id)
        summary = selectors.weekly_summary(
            tenant=self.tenant,
            actor=self.actor,
            unit_or_member=subject,
            week_start=data["week"] or tenant_today(self.tenant),
        )
        return Response(WeeklyOutputSerializer(summary).data)


class MonthlyReviewApi(MemberAPIMixin, APIView):
    """The month's activity against results (月看业绩) for every agent of a unit's subtree in the caller's scope."""

    class FilterSerializer(serializers.Serializer):
        unit = serializers.IntegerField(required=False, allow_null=True, default=None)
        month = serializers.CharField(required=False, allow_blank=True, default="", help_text="YYYY-MM")

    @extend_schema(parameters=[FilterSerializer], responses=MonthlyOutputSerializer)
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        year, month = parse_month(data["month"], tenant_today(self.tenant))
        unit = access_unit_by_id(tenant=self.tenant, actor=self.actor, id=data["unit"] or self.actor.unit_id)
        table = selectors.monthly_table(tenant=self.tenant, actor=self.actor, unit=unit, year=year, month=month)
        return Response(MonthlyOutputSerializer(table).data)

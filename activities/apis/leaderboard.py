"""REST endpoints of the hero board (英雄榜) and the tenant's points per item."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.apis.serializers import ItemCountsSerializer
from activities.models import ITEMS
from activities.selectors import leaderboard as selectors
from activities.services import points as services
from salesops.api.views import MemberAPIMixin
from salesops.org.selectors import tenant_today


class PointsSerializer(ItemCountsSerializer):
    """The tenant's points per item."""


class BoardRowSerializer(PointsSerializer):
    rank = serializers.IntegerField()
    member = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    points = serializers.IntegerField()
    days_logged = serializers.IntegerField()


class BoardUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class LeaderboardOutputSerializer(serializers.Serializer):
    scope = serializers.CharField()
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    unit = BoardUnitSerializer()
    points = PointsSerializer()
    results = BoardRowSerializer(many=True, source="rows")


class LeaderboardApi(MemberAPIMixin, APIView):
    """The hero board of a team, branch or company for the week or month holding ``date`` (default today)."""

    class FilterSerializer(serializers.Serializer):
        scope = serializers.ChoiceField(choices=selectors.SCOPES, required=False, default="team")
        unit = serializers.IntegerField(required=False, allow_null=True, default=None)
        period = serializers.ChoiceField(choices=selectors.PERIODS, required=False, default="week")
        date = serializers.DateField(required=False, allow_null=True, default=None)
        limit = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=1000)

    @extend_schema(parameters=[FilterSerializer], responses=LeaderboardOutputSerializer)
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        unit = selectors.board_unit(tenant=self.tenant, actor=self.actor, scope=data["scope"], unit_id=data["unit"])
        board = selectors.leaderboard(
            tenant=self.tenant,
            actor=self.actor,
            scope=data["scope"],
            unit=unit,
            period=data["period"],
            start=data["date"] or tenant_today(self.tenant),
            limit=data["limit"],
        )
        return Response(LeaderboardOutputSerializer(board).data)


class PointsApi(MemberAPIMixin, APIView):
    """The tenant's points per item (every member reads them); tenant admins and company managers change them."""

    @extend_schema(responses=PointsSerializer)
    def get(self, request):
        return Response(PointsSerializer(selectors.points_for(self.tenant)).data)

    # Items left out keep their value; each value is checked by the service (0–100, whole), one error per field.
    @extend_schema(request=PointsSerializer(partial=True), responses=PointsSerializer)
    def put(self, request):
        # The role check comes before validation: an agent is told 403, not what was wrong with the body.
        services.require_points_setter(self.actor)
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Send an object of points per item.")]})
        # Unknown keys are refused, not dropped: a misspelt item must not look saved.
        unknown = sorted(set(request.data) - set(ITEMS))
        if unknown:
            raise serializers.ValidationError({key: [_("Unknown item.")] for key in unknown})
        row = services.points_update(
            tenant=self.tenant, actor=self.actor, **{item: request.data[item] for item in ITEMS if item in request.data}
        )
        return Response(PointsSerializer({item: getattr(row, item) for item in ITEMS}).data)

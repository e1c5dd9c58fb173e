"""REST endpoints of the scorecards: the scores, the weights, satisfaction, calibration, acknowledgement."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards.periods import Period
from salesops.api.views import MemberAPIMixin, Pagination
from salesops.org.models import Member
from salesops.org.selectors import access_unit_by_id, tenant_today
from targets.models import Measure, ScoreCalibration
from targets.selectors import scorecards as selectors
from targets.selectors.measures import ROLE_MEASURES
from targets.selectors.scorecards import Scorecard
from targets.services import scorecards as services

SCORED_ROLE_CHOICES = [(role, Member.Role(role).label) for role in ROLE_MEASURES]


class PeriodField(serializers.CharField):
    """A month ``2026-11`` or a quarter ``2026-Q4``, as a ``Period``."""

    default_error_messages = {"period": gettext_lazy("Enter a month (2026-11) or a quarter (2026-Q4).")}

    def to_internal_value(self, data):
        period = Period.parse(super().to_internal_value(data))
        if period is None:
            self.fail("period")
        return period


def scorecard_data(card: Scorecard) -> dict:
    """A scorecard as API.md names it, with how each measure was computed."""
    return {
        "member": card.member.pk,
        "member_name": card.member.display_name,
        "role": card.member.role,
        "unit": card.member.unit.name,
        "period": card.period.key,
        "final": card.ended,
        "score": card.score,
        "measures": [
            {
                "measure": line.measure,
                "weight": line.weight,
                "value": line.value,
                "actual": line.figure.actual,
                "basis": line.figure.basis,
                "source": line.figure.source,
                "score": line.score,
                "points": line.points,
            }
            for line in card.lines
        ],
        "calibrated_score": card.calibration.score if card.calibration else None,
        "calibration_reason": card.calibration.reason if card.calibration else "",
        "final_score": card.final_score,
        "acknowledged": card.acknowledged,
        "acknowledged_at": card.acknowledgement.acknowledged_at if card.acknowledgement else None,
    }


class ScorecardMeasureSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=Measure.choices)
    weight = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    actual = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    basis = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    source = serializers.CharField()
    score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    points = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)


class ScorecardOutputSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    member_name = serializers.CharField()
    role = serializers.ChoiceField(choices=SCORED_ROLE_CHOICES)
    unit = serializers.CharField()
    period = serializers.CharField()
    final = serializers.BooleanField(help_text="The period has ended: the score may be calibrated and acknowledged.")
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    measures = ScorecardMeasureSerializer(many=True)
    calibrated_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    calibration_reason = serializers.CharField()
    final_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    acknowledged = serializers.BooleanField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class ScorecardListApi(MemberAPIMixin, APIView):
    """The scorecards in scope for a period (this month by default): an agent their own, a leader their subtree."""

    class ScorecardFilterSerializer(serializers.Serializer):
        period = PeriodField(required=False)
        member = serializers.IntegerField(required=False)
        unit = serializers.IntegerField(required=False)
        role = serializers.ChoiceField(choices=SCORED_ROLE_CHOICES, required=False)

    @extend_schema(parameters=[ScorecardFilterSerializer], responses=ScorecardOutputSerializer(many=True))
    def get(self, request):
        filters = self.ScorecardFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        today = tenant_today(self.tenant)
        period = data.pop("period", None) or Period("month", today.year, today.month)
        if data.get("unit"):
            data["unit"] = access_unit_by_id(tenant=self.tenant, actor=self.actor, id=data["unit"])
        members = selectors.scorecard_members(tenant=self.tenant, actor=self.actor, filters=data)
        paginator = Pagination()
        page = paginator.paginate_queryset(members, request, view=self)
        cards = selectors.scorecards(tenant=self.tenant, members=page, period=period, today=today)
        return paginator.get_paginated_response(ScorecardOutputSerializer(map(scorecard_data, cards), many=True).data)


class ScorecardDefinitionSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=SCORED_ROLE_CHOICES)
    weights = serializers.DictField(child=serializers.IntegerField(), help_text="{measure: weight}, summing to 100")
    measures = serializers.ListField(
        child=serializers.ChoiceField(choices=Measure.choices), read_only=True, help_text="The measures the role has."
    )


class ScorecardDefinitionApi(MemberAPIMixin, APIView):
    """Every scored role's weights (the tenant's or the seeds'); POST sets one role's ``{role, weights}``."""

    @extend_schema(responses=ScorecardDefinitionSerializer(many=True))
    def get(self, request):
        weights = selectors.weights_by_role(self.tenant)
        rows = [{"role": role, "weights": weights[role], "measures": list(ROLE_MEASURES[role])} for role in weights]
        return Response(ScorecardDefinitionSerializer(rows, many=True).data)

    class DefinitionInputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=SCORED_ROLE_CHOICES)
        # Checked by the service (measures of the role, whole numbers, sum 100), not coerced here.
        weights = serializers.JSONField()

    @extend_schema(request=DefinitionInputSerializer, responses=ScorecardDefinitionSerializer)
    def post(self, request):
        serializer = self.DefinitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = serializer.validated_data["role"]
        definition = services.scorecard_define(
            tenant=self.tenant, actor=self.actor, role=role, weights=serializer.validated_data["weights"]
        )
        body = {"role": definition.role, "weights": definition.weights, "measures": list(ROLE_MEASURES[role])}
        return Response(ScorecardDefinitionSerializer(body).data)


def _member(api: MemberAPIMixin, member_id: int) -> Member:
    return selectors.access_scored_member_by_id(tenant=api.tenant, actor=api.actor, id=member_id)


class SatisfactionApi(MemberAPIMixin, APIView):
    """POST ``{member, period, score}``: a leader enters (or replaces) a satisfaction score out of 100."""

    class SatisfactionInputSerializer(serializers.Serializer):
        member = serializers.IntegerField()
        period = PeriodField()
        score = serializers.CharField(help_text="0–100, two decimals at most")

    @extend_schema(request=SatisfactionInputSerializer, responses={200: ScorecardOutputSerializer})
    def post(self, request):
        serializer = self.SatisfactionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = _member(self, data["member"])
        services.satisfaction_enter(
            tenant=self.tenant, actor=self.actor, member=member, period=data["period"], score=data["score"]
        )
        card = selectors.scorecard_of(
            tenant=self.tenant, member=member, period=data["period"], today=tenant_today(self.tenant)
        )
        return Response(ScorecardOutputSerializer(scorecard_data(card)).data)


class CalibrationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id")
    period = serializers.CharField()
    original_score = serializers.DecimalField(max_digits=5, decimal_places=2)
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    reason = serializers.CharField()
    calibrated_by = serializers.IntegerField(source="calibrated_by_id", allow_null=True)
    calibrated_at = serializers.DateTimeField()


class CalibrationApi(MemberAPIMixin, APIView):
    """A member's calibrations of a period, newest first; POST ``{member, period, score, reason}`` adds one."""

    class CalibrationFilterSerializer(serializers.Serializer):
        member = serializers.IntegerField()
        period = PeriodField()

    class CalibrationInputSerializer(serializers.Serializer):
        member = serializers.IntegerField()
        period = PeriodField()
        score = serializers.CharField(help_text="0–100, two decimals at most")
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(parameters=[CalibrationFilterSerializer], responses=CalibrationOutputSerializer(many=True))
    def get(self, request):
        filters = self.CalibrationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        member = _member(self, filters.validated_data["member"])
        history = selectors.calibration_history(
            tenant=self.tenant, member=member, period=filters.validated_data["period"]
        )
        return Response(CalibrationOutputSerializer(history, many=True).data)

    @extend_schema(request=CalibrationInputSerializer, responses={201: CalibrationOutputSerializer})
    def post(self, request):
        serializer = self.CalibrationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        calibration: ScoreCalibration = services.score_calibrate(
            tenant=self.tenant,
            actor=self.actor,
            member=_member(self, data["member"]),
            period=data["period"],
            score=data["score"],
            reason=data["reason"],
            today=tenant_today(self.tenant),
        )
        return Response(CalibrationOutputSerializer(calibration).data, status=status.HTTP_201_CREATED)


class AcknowledgementApi(MemberAPIMixin, APIView):
    """POST ``{period}``: the caller acknowledges their own final scorecard of an ended period."""

    class AcknowledgementInputSerializer(serializers.Serializer):
        period = PeriodField()

    @extend_schema(request=AcknowledgementInputSerializer, responses={200: ScorecardOutputSerializer})
    def post(self, request):
        serializer = self.AcknowledgementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = serializer.validated_data["period"]
        today = tenant_today(self.tenant)
        services.score_acknowledge(tenant=self.tenant, actor=self.actor, period=period, today=today)
        card = selectors.scorecard_of(tenant=self.tenant, member=self.actor, period=period, today=today)
        return Response(ScorecardOutputSerializer(scorecard_data(card)).data)


urlpatterns = [
    path("scorecards/", ScorecardListApi.as_view(), name="scorecards"),
    path("scorecards/definitions/", ScorecardDefinitionApi.as_view(), name="scorecard-definitions"),
    path("scorecards/satisfaction/", SatisfactionApi.as_view(), name="scorecard-satisfaction"),
    path("scorecards/calibrations/", CalibrationApi.as_view(), name="scorecard-calibrations"),
    path("scorecards/acknowledgements/", AcknowledgementApi.as_view(), name="scorecard-acknowledgements"),
]

"""REST endpoints of the monthly unit evaluation: read a month's table, publish a month.

``GET unit-evaluations/?month=2026-10&kind=team`` answers every unit of the
kind with its figures, ranks and the month before; a published month for
every member of the tenant, the unpublished draft only for the company's
managers (anybody else: 404, the month is not published).
``POST unit-evaluations/2026-10/publish/`` publishes an ended month once.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from salesops.api.views import MemberAPIMixin
from salesops.org.models import OrgUnit
from salesops.org.selectors import tenant_today
from targets.models import UnitEvaluationRow
from targets.selectors import unit_evaluations as selectors
from targets.services import unit_evaluations as services

KIND_CHOICES = [(kind.value, kind.label) for kind in selectors.EVALUATED_KINDS]


def _bad_month() -> ValidationError:
    return ValidationError({"month": [_("Enter a month such as 2026-10.")]})


def parse_month_or_400(value: str | None) -> date:
    month = selectors.parse_month(value)
    if month is None:
        raise _bad_month()
    return month


def evaluation_data(evaluation: selectors.Evaluation) -> dict:
    """The evaluation as the API names it: plain dicts, one per unit."""
    fields = (
        "unit",
        "name",
        "kind",
        "agents",
        "producers",
        "policies",
        "activity",
        *selectors.MEASURES,
        "rank",
        *selectors.MEASURE_RANKS.values(),
        "rank_sum",
        "previous",
        "rank_change",
    )
    return {
        "month": evaluation.key,
        "kind": evaluation.kind,
        "published": evaluation.published,
        "published_at": evaluation.published_at,
        "rows": [{name: row[name] for name in fields} for row in evaluation.rows],
    }


def _ratio(help_text: str = "") -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True, help_text=help_text)


def _rank(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(allow_null=True, help_text=help_text)


class UnitEvaluationPreviousSerializer(serializers.Serializer):
    activity_per_agent = _ratio()
    active_producer_rate = _ratio()
    policies_per_agent = _ratio()
    rank = _rank("The month before's overall rank; null when the unit was unranked.")


class UnitEvaluationRowOutputSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices)
    agents = serializers.IntegerField()
    producers = serializers.IntegerField(help_text="Agents with at least one policy in the month.")
    policies = serializers.IntegerField()
    activity = serializers.IntegerField(help_text="The five work-log items, summed.")
    activity_per_agent = _ratio("人均活动量: activity ÷ agents.")
    active_producer_rate = _ratio("举绩率: producers ÷ agents.")
    policies_per_agent = _ratio("人均件数: policies ÷ agents.")
    rank = _rank("Overall rank by the sum of the three ranks (ties share); null without agents.")
    activity_rank = _rank("Rank on activity per agent (higher is better, ties share: 1, 1, 3).")
    producer_rank = _rank("Rank on the active-producer rate.")
    policies_rank = _rank("Rank on policies per agent.")
    rank_sum = _rank("The sum of the three ranks the overall rank orders by.")
    previous = UnitEvaluationPreviousSerializer(allow_null=True)
    rank_change = _rank("Places moved up since the month before (negative: down); null without both ranks.")


class UnitEvaluationOutputSerializer(serializers.Serializer):
    month = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices)
    published = serializers.BooleanField(help_text="False: the live draft, which only the company's managers see.")
    published_at = serializers.DateTimeField(allow_null=True)
    rows = UnitEvaluationRowOutputSerializer(many=True)


class UnitEvaluationApi(MemberAPIMixin, APIView):
    """A month's unit evaluation (last month by default) of the branches or the teams (default)."""

    class UnitEvaluationFilterSerializer(serializers.Serializer):
        month = serializers.CharField(required=False, help_text="2026-10; the last month that has ended by default")
        kind = serializers.ChoiceField(choices=KIND_CHOICES, required=False, default=selectors.DEFAULT_KIND)

    @extend_schema(parameters=[UnitEvaluationFilterSerializer], responses=UnitEvaluationOutputSerializer)
    def get(self, request):
        filters = self.UnitEvaluationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        today = tenant_today(self.tenant)
        raw = filters.validated_data.get("month")
        month = parse_month_or_400(raw) if raw is not None else selectors.last_month(today)
        if month > today:
            raise ValidationError({"month": [_("This month has not begun yet.")]})
        evaluation = selectors.access_unit_evaluation(
            tenant=self.tenant, actor=self.actor, month=month, kind=filters.validated_data["kind"]
        )
        return Response(UnitEvaluationOutputSerializer(evaluation_data(evaluation)).data)


class UnitEvaluationPublishedSerializer(serializers.Serializer):
    month = serializers.CharField()
    published_at = serializers.DateTimeField()
    published_by = serializers.IntegerField(allow_null=True)
    branches = serializers.IntegerField(help_text="Branch rows published.")
    teams = serializers.IntegerField(help_text="Team rows published.")


class UnitEvaluationPublishApi(MemberAPIMixin, APIView):
    """Publish an ended month's evaluation of every branch and team, once (company managers)."""

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("month", str, OpenApiParameter.PATH, description="2026-10")],
        responses={201: UnitEvaluationPublishedSerializer},
    )
    def post(self, request, month: str):
        services.require_publisher(self.actor)
        publication = services.unit_evaluation_publish(
            tenant=self.tenant,
            actor=self.actor,
            month=parse_month_or_400(month),
            today=tenant_today(self.tenant),
        )
        kinds = list(
            UnitEvaluationRow.objects.filter(tenant=self.tenant, evaluation=publication).values_list("kind", flat=True)
        )
        body = {
            "month": selectors.month_key(publication.month),
            "published_at": publication.published_at,
            "published_by": publication.published_by_id,
            "branches": kinds.count(OrgUnit.Kind.BRANCH),
            "teams": kinds.count(OrgUnit.Kind.TEAM),
        }
        return Response(UnitEvaluationPublishedSerializer(body).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("unit-evaluations/", UnitEvaluationApi.as_view(), name="unit-evaluations"),
    path("unit-evaluations/<str:month>/publish/", UnitEvaluationPublishApi.as_view(), name="unit-evaluation-publish"),
]

"""REST endpoints of the contests: list and create, one contest, its standings.

- ``GET contests/?status=running`` (paginated) and ``POST contests/``;
- ``GET contests/{id}/``;
- ``GET contests/{id}/standings/``: a plain list (API.md promises a list),
  the frozen rows once the contest has ended, with the live figures beside.

Reading an ended contest that is not frozen yet freezes it first, so an
answer never depends on whether the nightly job has run. Who sees and who
creates what: ``targets.selectors.contests`` and ``targets.services.contests``.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org.selectors import tenant_today
from targets.models import Contest
from targets.selectors import contests as selectors
from targets.services import contests as services

VALUE_HELP = "Policies and points as whole numbers, premium in yuan (decimal string)."


def _value(help_text: str = VALUE_HELP) -> serializers.DecimalField:
    # decimal_places=None keeps a count whole ("3") and premium to the fen ("1234.50").
    return serializers.DecimalField(max_digits=18, decimal_places=None, allow_null=True, help_text=help_text)


class ContestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    measure = serializers.ChoiceField(choices=Contest.ContestMeasure.choices)
    rule = serializers.ChoiceField(choices=Contest.Rule.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.ChoiceField(choices=selectors.ContestStatus.choices, help_text="In the tenant's today.")
    top_n = serializers.IntegerField(help_text="Winning places of a top contest (ties on the last place all win).")
    threshold = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, help_text="What a threshold contest asks for; null for top."
    )
    unit = serializers.IntegerField(source="unit_id", allow_null=True, help_text="Null: the whole tenant takes part.")
    unit_name = serializers.SerializerMethodField()
    prize = serializers.CharField()
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)
    frozen_at = serializers.DateTimeField(allow_null=True)
    standings_changed = serializers.BooleanField(
        help_text="A fact corrected or added after the freeze moved a value or rank; the frozen winners stand."
    )

    def get_unit_name(self, contest) -> str | None:
        return contest.unit.name if contest.unit_id else None


class ContestStandingOutputSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="Null for a member with a value only after the freeze.")
    member = serializers.IntegerField()
    value = _value()
    member_name = serializers.CharField()
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    winner = serializers.BooleanField()
    live_rank = serializers.IntegerField(allow_null=True, help_text="The rank from the facts as they are now.")
    live_value = _value("The value from the facts as they are now.")


def _with_changes(tenant, contests, today) -> list[Contest]:
    """Attach ``standings_changed`` to each contest of a page (ended ones are frozen before)."""
    contests = list(contests)
    for contest in contests:
        services.contest_freeze(tenant=tenant, contest=contest, today=today)
    changed = selectors.standings_changed_of(tenant=tenant, contests=contests, today=today)
    for contest in contests:
        contest.standings_changed = changed[contest.pk]
    return contests


class ContestListApi(MemberAPIMixin, APIView):
    """The contests the caller may see, newest first (``status``); POST creates one."""

    class ContestFilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=selectors.ContestStatus.choices, required=False)

    class ContestInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=services.NAME_MAX)
        measure = serializers.ChoiceField(choices=Contest.ContestMeasure.choices)
        rule = serializers.ChoiceField(
            choices=Contest.Rule.choices,
            required=False,
            help_text="top (default) or threshold; first_policy: threshold",
        )
        top_n = serializers.IntegerField(required=False, help_text="Winning places of a top contest; 1 by default.")
        threshold = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
        unit = serializers.IntegerField(required=False, allow_null=True, help_text="Omit for a tenant-wide contest.")
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        prize = serializers.CharField(required=False, allow_blank=True, default="", max_length=services.PRIZE_MAX)

    @extend_schema(parameters=[ContestFilterSerializer], responses=ContestOutputSerializer(many=True))
    def get(self, request):
        filters = self.ContestFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        today = tenant_today(self.tenant)
        queryset = selectors.contest_list(
            tenant=self.tenant, actor=self.actor, today=today, filters=filters.validated_data
        )
        return paginated_response(
            queryset=queryset,
            serializer_class=lambda page, many: ContestOutputSerializer(
                _with_changes(self.tenant, page, today), many=many
            ),
            request=request,
            view=self,
        )

    @extend_schema(request=ContestInputSerializer, responses={201: ContestOutputSerializer})
    def post(self, request):
        # The role decides first: a member who may create no contest gets 403 whatever they sent.
        services.require_may_create_contests(self.actor)
        serializer = self.ContestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contest = services.contest_create(
            tenant=self.tenant,
            actor=self.actor,
            name=data["name"],
            measure=data["measure"],
            rule=data.get("rule"),
            top_n=data.get("top_n"),
            threshold=data.get("threshold"),
            unit_id=data.get("unit"),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            prize=data["prize"],
        )
        today = tenant_today(self.tenant)
        created = selectors.access_contest_by_id(tenant=self.tenant, actor=self.actor, id=contest.pk, today=today)
        created.standings_changed = False
        return Response(ContestOutputSerializer(created).data, status=status.HTTP_201_CREATED)


class ContestDetailApi(MemberAPIMixin, APIView):
    """One contest the caller may see (404 otherwise)."""

    @extend_schema(responses=ContestOutputSerializer)
    def get(self, request, contest_id: int):
        today = tenant_today(self.tenant)
        contest = selectors.access_contest_by_id(tenant=self.tenant, actor=self.actor, id=contest_id, today=today)
        return Response(ContestOutputSerializer(_with_changes(self.tenant, [contest], today)[0]).data)


class ContestStandingsApi(MemberAPIMixin, APIView):
    """A contest's standings: frozen once it has ended (with the live figures beside), live before."""

    @extend_schema(responses=ContestStandingOutputSerializer(many=True))
    def get(self, request, contest_id: int):
        today = tenant_today(self.tenant)
        contest = selectors.access_contest_by_id(tenant=self.tenant, actor=self.actor, id=contest_id, today=today)
        services.contest_freeze(tenant=self.tenant, contest=contest, today=today)
        standings = selectors.contest_standings(tenant=self.tenant, contest=contest, today=today)
        return Response(ContestStandingOutputSerializer(standings.rows, many=True).data)


urlpatterns = [
    path("contests/", ContestListApi.as_view(), name="contests"),
    path("contests/<int:contest_id>/", ContestDetailApi.as_view(), name="contest"),
    path("contests/<int:contest_id>/standings/", ContestStandingsApi.as_view(), name="contest-standings"),
]

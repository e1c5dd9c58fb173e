"""REST endpoints of the work log (API.md ``activities/logs/``, and the supervisor's correction).

Each visit names the book entry it links to (``customer``); the day's
answer also lists the book entries acquired that day (``book``: the names
behind ``new_prospects`` and ``referrals``). Phone numbers of visits are
personal data: shown in full to the log's member and to supervisors (every
reader of a log is in scope), masked (``138****1234``) for managers, admins
and the renewal roles (DESIGN.md "Customers and the funnel").
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.models import ITEMS, Visit
from activities.selectors import logs as selectors
from activities.selectors.customers import mask_phone
from activities.selectors.log_book import book_of_day
from activities.services import logs as services
from salesops.api.serializers import DateRangeFilterSerializer
from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org.models import Member
from salesops.org.selectors import access_member_by_id, tenant_today

DATE_PARAMETER = OpenApiParameter("date", OpenApiTypes.DATE, OpenApiParameter.PATH, description="YYYY-MM-DD")


class VisitSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    kind = serializers.ChoiceField(choices=Visit.Kind.choices)
    customer = serializers.IntegerField(source="customer_id", allow_null=True, help_text="The book entry visited.")


class BookEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="An erased entry shows its anonymous name.")
    erased = serializers.BooleanField()
    url = serializers.CharField(allow_null=True, help_text="The customer page.")


class DayBookSerializer(serializers.Serializer):
    new_prospects = BookEntrySerializer(many=True)
    referrals = BookEntrySerializer(many=True)


class DailyLogOutputSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.CharField(source="member.display_name")
    date = serializers.DateField()
    phone_appointments = serializers.IntegerField()
    sales_interviews = serializers.IntegerField()
    recruiting_interviews = serializers.IntegerField()
    new_prospects = serializers.IntegerField()
    referrals = serializers.IntegerField()
    visits = VisitSerializer(many=True)
    flagged = serializers.BooleanField()


class DayLogOutputSerializer(DailyLogOutputSerializer):
    """One member's day: a day without a log answers zeros and ``exists: false``."""

    exists = serializers.BooleanField()
    locked = serializers.BooleanField(help_text="Whether the member themself may no longer change this day.")
    book = DayBookSerializer(help_text="The member's book entries acquired this day, by the item they count into.")


class DailyLogInputSerializer(serializers.Serializer):
    """The whole day: an item left out counts as 0, visits left out as none (PUT replaces)."""

    class VisitInputSerializer(serializers.Serializer):
        # Lenient here so the service reports each visit's problem in one message per visit.
        name = serializers.CharField(required=False, allow_blank=True, default="")
        phone = serializers.CharField(required=False, allow_blank=True, default="")
        kind = serializers.CharField(required=False, allow_blank=True, default="")
        customer = serializers.JSONField(
            required=False, allow_null=True, default=None, help_text="The id of a book entry of the member's own book."
        )

    phone_appointments = serializers.IntegerField(required=False, default=0)
    sales_interviews = serializers.IntegerField(required=False, default=0)
    recruiting_interviews = serializers.IntegerField(required=False, default=0)
    new_prospects = serializers.IntegerField(required=False, default=0)
    referrals = serializers.IntegerField(required=False, default=0)
    visits = VisitInputSerializer(many=True, required=False, default=list)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DailyLogChangeOutputSerializer(serializers.Serializer):
    changed_at = serializers.DateTimeField()
    changed_by = serializers.IntegerField(source="changed_by_id", allow_null=True)
    changed_by_name = serializers.CharField(source="changed_by.display_name", allow_null=True, default=None)
    reason = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField()


def _reads_visit_phones(actor: Member, member: Member) -> bool:
    """Return whether ``actor`` reads the phones of ``member``'s visits in full: the member and supervisors.

    Every reader of a log has the member in scope, so a supervisor reading it
    leads the member's unit or one above it: the book's rule (``reads_in_full``).
    """
    return actor.pk == member.pk or actor.role == Member.Role.SUPERVISOR


def _shown_visits(visits, *, full: bool) -> list:
    if full:
        return list(visits)
    return [
        SimpleNamespace(name=v.name, phone=mask_phone(v.phone), kind=v.kind, customer_id=v.customer_id) for v in visits
    ]


def _day(*, tenant, actor: Member, member: Member, day: date) -> dict[str, Any]:
    """Return ``member``'s day as the API shows it, with zeros when nothing is logged yet."""
    log = selectors.daily_log_for(tenant=tenant, member=member, date=day)
    shown = SimpleNamespace(
        member_id=member.pk,
        member=member,
        date=day,
        **selectors.log_counts(log),
        visits=_shown_visits(log.visits.all() if log is not None else [], full=_reads_visit_phones(actor, member)),
        flagged=log.flagged if log is not None else False,
        exists=log is not None,
        locked=services.log_is_locked(tenant=tenant, date=day, today=tenant_today(tenant)),
        book=book_of_day(tenant=tenant, member=member, day=day),
    )
    return DayLogOutputSerializer(shown).data


def _upsert(view: MemberAPIMixin, request, *, member: Member, day: date) -> Response:
    serializer = DailyLogInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    services.daily_log_upsert(
        tenant=view.tenant,
        actor=view.actor,
        member=member,
        date=day,
        counts={item: data[item] for item in ITEMS},
        visits=[dict(visit) for visit in data["visits"]],
        reason=data["reason"],
    )
    return Response(_day(tenant=view.tenant, actor=view.actor, member=member, day=day))


def _masked_snapshot(snapshot: dict | None) -> dict | None:
    if not snapshot:
        return snapshot
    visits = [{**visit, "phone": mask_phone(visit.get("phone") or "")} for visit in snapshot.get("visits", [])]
    return {**snapshot, "visits": visits}


def _history(view: MemberAPIMixin, request, *, member: Member, day: date) -> Response:
    log = selectors.daily_log_for(tenant=view.tenant, member=member, date=day)
    if log is None:
        queryset: Any = []
    else:
        queryset = selectors.log_history(tenant=view.tenant, log=log)
    response = paginated_response(
        queryset=queryset, serializer_class=DailyLogChangeOutputSerializer, request=request, view=view
    )
    if not _reads_visit_phones(view.actor, member):
        for row in response.data["results"]:
            row["old"], row["new"] = _masked_snapshot(row["old"]), _masked_snapshot(row["new"])
    return response


def _rows_serializer(actor: Member) -> type[DailyLogOutputSerializer]:
    """Return the list's row serializer for ``actor``: each row's visit phones masked unless ``actor`` reads them."""

    class Rows(DailyLogOutputSerializer):
        visits = serializers.SerializerMethodField()  # type: ignore[assignment]

        def get_visits(self, log) -> Any:
            full = _reads_visit_phones(actor, log.member)
            return VisitSerializer(_shown_visits(log.visits.all(), full=full), many=True).data

    return Rows


class DailyLogListApi(MemberAPIMixin, APIView):
    """Logs of the members in the caller's scope (an agent: their own), newest day first."""

    class DailyLogFilterSerializer(DateRangeFilterSerializer):
        member = serializers.IntegerField(required=False)

    @extend_schema(parameters=[DailyLogFilterSerializer], responses=DailyLogOutputSerializer(many=True))
    def get(self, request):
        filters = self.DailyLogFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.daily_log_list(tenant=self.tenant, actor=self.actor, filters=filters.validated_data)
        return paginated_response(
            queryset=queryset, serializer_class=_rows_serializer(self.actor), request=request, view=self
        )


class OwnDailyLogApi(MemberAPIMixin, APIView):
    """The caller's own log of a day. PUT replaces the whole day (idempotent: a retry changes nothing)."""

    @extend_schema(parameters=[DATE_PARAMETER], responses=DayLogOutputSerializer)
    def get(self, request, date):
        return Response(_day(tenant=self.tenant, actor=self.actor, member=self.actor, day=date))

    @extend_schema(parameters=[DATE_PARAMETER], request=DailyLogInputSerializer, responses=DayLogOutputSerializer)
    def put(self, request, date):
        return _upsert(self, request, member=self.actor, day=date)


class MemberDailyLogApi(MemberAPIMixin, APIView):
    """A member's log of a day, for their supervisor or manager; PUT corrects it and needs a ``reason``."""

    @extend_schema(parameters=[DATE_PARAMETER], responses=DayLogOutputSerializer)
    def get(self, request, member_id, date):
        member = access_member_by_id(tenant=self.tenant, actor=self.actor, id=member_id)
        return Response(_day(tenant=self.tenant, actor=self.actor, member=member, day=date))

    @extend_schema(parameters=[DATE_PARAMETER], request=DailyLogInputSerializer, responses=DayLogOutputSerializer)
    def put(self, request, member_id, date):
        member = access_member_by_id(tenant=self.tenant, actor=self.actor, id=member_id)
        return _upsert(self, request, member=member, day=date)


class OwnDailyLogHistoryApi(MemberAPIMixin, APIView):
    """Every change of the caller's log of a day, newest first (empty for a day without a log)."""

    @extend_schema(parameters=[DATE_PARAMETER], responses=DailyLogChangeOutputSerializer(many=True))
    def get(self, request, date):
        return _history(self, request, member=self.actor, day=date)


class MemberDailyLogHistoryApi(MemberAPIMixin, APIView):
    """Every change of a member's log of a day, newest first."""

    @extend_schema(parameters=[DATE_PARAMETER], responses=DailyLogChangeOutputSerializer(many=True))
    def get(self, request, member_id, date):
        member = access_member_by_id(tenant=self.tenant, actor=self.actor, id=member_id)
        return _history(self, request, member=member, day=date)

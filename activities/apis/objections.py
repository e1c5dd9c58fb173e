"""REST endpoints of the objection library (异议库) and of the objections recorded with a customer.

- ``GET objections/?q=&include_inactive=`` (paginated): the tenant's library, searched;
  ``POST objections/``: a new entry (company managers and tenant admins);
- ``GET`` / ``PATCH`` / ``DELETE objections/{id}/``: one entry; ``DELETE`` deletes an
  entry never recorded (204) and deactivates one that was (200 with the entry);
- ``GET objections/costs/?date_from=&date_to=``: per objection, how often it came up in
  the caller's book, with how many customers, how many signed and how many deals it cost;
- ``GET customers/{id}/objections/`` (paginated) and ``POST customers/{id}/objections/
  {objection, raised_on}``: the objections that came up with a customer of the caller's book.

Bank staff and the renewal roles have no customer book: 403 on all of these.
Who may do what, and the cost definitions: ``activities.services.objections``
and ``activities.selectors.objections``.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.selectors import objections as selectors
from activities.selectors.customers import access_customer_by_id, require_book_reader
from activities.services import objections as services
from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org.selectors import tenant_today


class ObjectionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    keywords = serializers.CharField(allow_blank=True, help_text="Words to find it by, separated by spaces.")
    answer_case = serializers.CharField(allow_blank=True, help_text="The answer with a case (案例).")
    answer_data = serializers.CharField(allow_blank=True, help_text="The answer with data (数据).")
    answer_clause = serializers.CharField(allow_blank=True, help_text="The answer with the clause (条款).")
    active = serializers.BooleanField(help_text="An inactive entry can no longer be recorded; its history stays.")


class ObjectionCostOutputSerializer(serializers.Serializer):
    objection = serializers.IntegerField(source="objection_id")
    title = serializers.CharField()
    active = serializers.BooleanField()
    raised = serializers.IntegerField(help_text="Times it was recorded in the period.")
    customers = serializers.IntegerField(help_text="Distinct customers it came up with.")
    signed = serializers.IntegerField(help_text="Of those, signed: stage signed or service, or a linked sale.")
    lost = serializers.IntegerField(help_text="customers − signed: the deals it came up in not won.")
    lost_share = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True, help_text="lost / customers")


class CustomerObjectionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer_id")
    objection = serializers.IntegerField(source="objection_id")
    title = serializers.CharField(source="objection.title")
    raised_on = serializers.DateField()
    recorded_by = serializers.IntegerField(source="recorded_by_id", allow_null=True)


def _text() -> serializers.CharField:
    # Lengths and required-ness are the service's to check, so its messages are the ones the API answers.
    return serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class ObjectionListApi(MemberAPIMixin, APIView):
    """The tenant's objection library, searched by ``q``; POST adds an entry."""

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, help_text="Words in the title, keywords or answers")
        include_inactive = serializers.BooleanField(required=False, default=False)

    class ObjectionInputSerializer(serializers.Serializer):
        title = _text()
        keywords = _text()
        answer_case = _text()
        answer_data = _text()
        answer_clause = _text()

    @extend_schema(parameters=[FilterSerializer], responses=ObjectionOutputSerializer(many=True))
    def get(self, request):
        require_book_reader(self.actor)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.objection_search(
            tenant=self.tenant,
            actor=self.actor,
            q=filters.validated_data.get("q", ""),
            include_inactive=filters.validated_data["include_inactive"],
        )
        return paginated_response(
            queryset=queryset, serializer_class=ObjectionOutputSerializer, request=request, view=self
        )

    @extend_schema(request=ObjectionInputSerializer, responses={201: ObjectionOutputSerializer})
    def post(self, request):
        # The role decides first: who may not change the library gets 403 whatever they sent.
        services.require_library_editor(self.actor)
        serializer = self.ObjectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {"title": "", **serializer.validated_data}  # a missing title is the service's "name it" error
        objection = services.objection_create(tenant=self.tenant, actor=self.actor, **data)
        return Response(ObjectionOutputSerializer(objection).data, status=status.HTTP_201_CREATED)


class ObjectionDetailApi(MemberAPIMixin, APIView):
    """One entry of the tenant's library (404 for another tenant's)."""

    class UpdateSerializer(serializers.Serializer):
        title = _text()
        keywords = _text()
        answer_case = _text()
        answer_data = _text()
        answer_clause = _text()
        active = serializers.BooleanField(required=False)

    @extend_schema(responses=ObjectionOutputSerializer)
    def get(self, request, objection_id: int):
        objection = selectors.access_objection_by_id(tenant=self.tenant, actor=self.actor, id=objection_id)
        return Response(ObjectionOutputSerializer(objection).data)

    @extend_schema(request=UpdateSerializer, responses=ObjectionOutputSerializer)
    def patch(self, request, objection_id: int):
        services.require_library_editor(self.actor)
        serializer = self.UpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        objection = services.objection_update(
            tenant=self.tenant, actor=self.actor, objection_id=objection_id, **serializer.validated_data
        )
        return Response(ObjectionOutputSerializer(objection).data)

    @extend_schema(
        responses={
            204: OpenApiResponse(description="Deleted: it was never recorded."),
            200: OpenApiResponse(ObjectionOutputSerializer, description="Recorded before: deactivated instead."),
        }
    )
    def delete(self, request, objection_id: int):
        services.require_library_editor(self.actor)
        removal = services.objection_remove(tenant=self.tenant, actor=self.actor, objection_id=objection_id)
        if removal.deleted:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ObjectionOutputSerializer(removal.objection).data)


class ObjectionCostsApi(MemberAPIMixin, APIView):
    """Which objections cost the most deals in the caller's book (a plain list, ranked)."""

    class FilterSerializer(serializers.Serializer):
        date_from = serializers.DateField(required=False, help_text="First day of raised_on (open when omitted).")
        date_to = serializers.DateField(required=False, help_text="Last day of raised_on (open when omitted).")

        def validate(self, attrs):
            if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
                raise serializers.ValidationError({"date_to": [_("The end cannot be before the start.")]})
            return attrs

    @extend_schema(parameters=[FilterSerializer], responses=ObjectionCostOutputSerializer(many=True))
    def get(self, request):
        require_book_reader(self.actor)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        costs = selectors.objection_costs(
            tenant=self.tenant,
            actor=self.actor,
            date_from=filters.validated_data.get("date_from"),
            date_to=filters.validated_data.get("date_to"),
        )
        return Response(ObjectionCostOutputSerializer(costs, many=True).data)


class CustomerObjectionListApi(MemberAPIMixin, APIView):
    """The objections that came up with a customer of the caller's book; POST records one."""

    class CustomerObjectionInputSerializer(serializers.Serializer):
        objection = serializers.IntegerField(required=False, allow_null=True, help_text="An active library entry.")
        raised_on = serializers.DateField(required=False, allow_null=True, help_text="Today when omitted.")

    @extend_schema(responses=CustomerObjectionOutputSerializer(many=True))
    def get(self, request, customer_id: int):
        customer = access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer_id)
        queryset = selectors.customer_objection_list(tenant=self.tenant, customer=customer)
        return paginated_response(
            queryset=queryset, serializer_class=CustomerObjectionOutputSerializer, request=request, view=self
        )

    @extend_schema(
        request=CustomerObjectionInputSerializer,
        responses={
            201: CustomerObjectionOutputSerializer,
            200: OpenApiResponse(CustomerObjectionOutputSerializer, description="Recorded already that day."),
        },
    )
    def post(self, request, customer_id: int):
        customer = access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer_id)
        serializer = self.CustomerObjectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record, created = services.objection_record(
            tenant=self.tenant,
            actor=self.actor,
            customer=customer,
            objection_id=serializer.validated_data.get("objection"),
            raised_on=serializer.validated_data.get("raised_on"),
            today=tenant_today(self.tenant),
        )
        return Response(
            CustomerObjectionOutputSerializer(record).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


urlpatterns = [
    path("objections/", ObjectionListApi.as_view(), name="objections"),
    path("objections/costs/", ObjectionCostsApi.as_view(), name="objection-costs"),
    path("objections/<int:objection_id>/", ObjectionDetailApi.as_view(), name="objection"),
    path("customers/<int:customer_id>/objections/", CustomerObjectionListApi.as_view(), name="customer-objections"),
]

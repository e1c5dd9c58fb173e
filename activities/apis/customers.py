"""REST endpoints of the customer book (API.md ``customers/``) and the personal-data export log.

- ``GET customers/`` (paginated; ``q``, ``stage``, ``tier``, ``source``, ``owner``) and ``POST customers/``;
- ``GET`` / ``PATCH customers/{id}/``;
- ``POST customers/{id}/merge/ {duplicate}``: moves the duplicate's rows onto this entry and deletes it;
- ``POST customers/{id}/erase/ {reason}``: erases the personal data on request;
- ``GET personal-data-exports/``: who exported personal data, when, what, how many rows.

The phone is masked (``138****1234``) and the household facts hidden (``{}``)
for anyone but the owner and their supervisors. A duplicate phone answers
``400 {"phone": [...], "duplicate_of": id}`` (``duplicate_of`` only when the
caller may read that entry), so a client can offer the merge.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.models.customers import Customer
from activities.selectors import customers as selectors
from activities.services import customers as services
from salesops.api.views import MemberAPIMixin, paginated_response

PHONE_HELP = "11 digits; masked (138****1234) for anyone but the owner and their supervisors."
HOUSEHOLD_HELP = (
    '{"income": "300000.00", "members": 3, "cover": {"health": "2000.00"}}; '
    "{} for anyone but the owner and their supervisors."
)


class CustomerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text=PHONE_HELP)
    source = serializers.ChoiceField(choices=Customer.Source.choices)
    tier = serializers.ChoiceField(choices=Customer.Tier.choices, allow_blank=True, help_text="Blank until computed.")
    stage = serializers.ChoiceField(choices=Customer.Stage.choices)
    owner = serializers.IntegerField()
    owner_name = serializers.CharField()
    referred_by = serializers.IntegerField(allow_null=True)
    consent = serializers.ChoiceField(choices=Customer.Consent.choices)
    acquired_on = serializers.DateField()
    last_contact_on = serializers.DateField(allow_null=True)
    household = serializers.DictField(help_text=HOUSEHOLD_HELP)
    notes = serializers.CharField(allow_blank=True)


class DuplicateErrorSerializer(serializers.Serializer):
    phone = serializers.ListField(child=serializers.CharField())
    duplicate_of = serializers.IntegerField(
        required=False, help_text="The entry with the same phone, when the caller may read it: merge with it."
    )


class CustomerErasedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    erased_at = serializers.DateTimeField()


class PersonalDataExportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id", allow_null=True)
    member_name = serializers.SerializerMethodField()
    what = serializers.CharField()
    rows = serializers.IntegerField()
    masked = serializers.BooleanField()
    exported_at = serializers.DateTimeField()

    def get_member_name(self, export) -> str | None:
        return export.member.display_name if export.member_id else None


def _shown(actor, customer: Customer) -> dict[str, Any]:
    return selectors.customer_dict(customer, full=selectors.reads_in_full(actor, customer))


def _error_response(error: DjangoValidationError) -> Response:
    """400 with the fields' messages, and ``duplicate_of`` when the phone duplicates an entry the caller reads."""
    body: dict[str, Any] = (
        dict(error.message_dict) if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )
    duplicate = services.duplicate_of(error)
    if duplicate is not None:
        body["duplicate_of"] = duplicate
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class _CustomerFields(serializers.Serializer):
    owner = serializers.IntegerField(required=False, help_text="An agent in the caller's scope; an agent: themselves.")
    name = serializers.CharField(max_length=services.NAME_MAX)
    phone = serializers.CharField(
        max_length=30, allow_blank=True, required=False, help_text="+86 138-1234-1234 and the like are accepted."
    )
    source = serializers.ChoiceField(choices=Customer.Source.choices, required=False)
    referred_by = serializers.IntegerField(required=False, allow_null=True)
    source_event = serializers.CharField(max_length=services.EVENT_MAX, allow_blank=True, required=False)
    bank_branch = serializers.IntegerField(required=False, allow_null=True)
    consent = serializers.ChoiceField(choices=Customer.Consent.choices, required=False)
    household = serializers.DictField(required=False, help_text=HOUSEHOLD_HELP)
    notes = serializers.CharField(max_length=services.NOTES_MAX, allow_blank=True, required=False)
    acquired_on = serializers.DateField(required=False, help_text="Today by default; not in the future.")
    birthday = serializers.DateField(required=False, allow_null=True)


class CustomerListApi(MemberAPIMixin, APIView):
    """The caller's book (erased entries left out); POST adds a customer."""

    class CustomerFilterSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False, help_text="Part of the name; digits match the phone for full readers."
        )
        stage = serializers.ChoiceField(choices=Customer.Stage.choices, required=False)
        tier = serializers.ChoiceField(choices=Customer.Tier.choices, required=False)
        source = serializers.ChoiceField(choices=Customer.Source.choices, required=False)
        owner = serializers.IntegerField(required=False)

    class CustomerInputSerializer(_CustomerFields):
        pass

    @extend_schema(parameters=[CustomerFilterSerializer], responses=CustomerOutputSerializer(many=True))
    def get(self, request):
        selectors.require_book_reader(self.actor)
        filters = self.CustomerFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.customer_list(tenant=self.tenant, actor=self.actor, filters=filters.validated_data)
        return paginated_response(
            queryset=queryset,
            serializer_class=lambda page, many: CustomerOutputSerializer(
                [_shown(self.actor, customer) for customer in page], many=many
            ),
            request=request,
            view=self,
        )

    @extend_schema(
        request=CustomerInputSerializer,
        responses={
            201: CustomerOutputSerializer,
            400: OpenApiResponse(
                DuplicateErrorSerializer, description="Bad fields; a duplicate phone names the entry."
            ),
        },
    )
    def post(self, request):
        selectors.require_book_reader(self.actor)  # 403 before saying what was wrong with the body
        serializer = self.CustomerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            customer = services.customer_create(
                tenant=self.tenant,
                actor=self.actor,
                owner_id=data.get("owner"),
                name=data["name"],
                phone=data.get("phone", ""),
                source=data.get("source", Customer.Source.OWN),
                referred_by_id=data.get("referred_by"),
                source_event=data.get("source_event", ""),
                bank_branch_id=data.get("bank_branch"),
                consent=data.get("consent", Customer.Consent.PENDING),
                household=data.get("household"),
                notes=data.get("notes", ""),
                acquired_on=data.get("acquired_on"),
                birthday=data.get("birthday"),
            )
        except DjangoValidationError as error:
            return _error_response(error)
        customer = selectors.access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer.pk)
        return Response(CustomerOutputSerializer(_shown(self.actor, customer)).data, status=status.HTTP_201_CREATED)


class CustomerDetailApi(MemberAPIMixin, APIView):
    """One customer of the caller's book (404 otherwise); PATCH changes the fields sent."""

    class CustomerPatchSerializer(_CustomerFields):
        name = serializers.CharField(max_length=services.NAME_MAX, required=False)

    @extend_schema(responses=CustomerOutputSerializer)
    def get(self, request, customer_id: int):
        customer = selectors.access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer_id)
        return Response(CustomerOutputSerializer(_shown(self.actor, customer)).data)

    @extend_schema(
        request=CustomerPatchSerializer,
        responses={
            200: CustomerOutputSerializer,
            400: OpenApiResponse(
                DuplicateErrorSerializer, description="Bad fields; a duplicate phone names the entry."
            ),
        },
    )
    def patch(self, request, customer_id: int):
        customer = selectors.access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer_id)
        serializer = self.CustomerPatchSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            customer = services.customer_update(
                tenant=self.tenant, actor=self.actor, customer=customer, data=dict(serializer.validated_data)
            )
        except DjangoValidationError as error:
            return _error_response(error)
        customer = selectors.access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer.pk)
        return Response(CustomerOutputSerializer(_shown(self.actor, customer)).data)


class CustomerMergeApi(MemberAPIMixin, APIView):
    """Merge ``duplicate`` into this customer: its visits, sales, quotes, objections, stage changes, referrals."""

    class CustomerMergeInputSerializer(serializers.Serializer):
        duplicate = serializers.IntegerField(help_text="The entry merged in and then deleted.")

    @extend_schema(request=CustomerMergeInputSerializer, responses=CustomerOutputSerializer)
    def post(self, request, customer_id: int):
        keep = selectors.access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer_id)
        serializer = self.CustomerMergeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        duplicate = selectors.access_customer_by_id(
            tenant=self.tenant, actor=self.actor, id=serializer.validated_data["duplicate"]
        )
        keep = services.customer_merge(tenant=self.tenant, actor=self.actor, keep=keep, duplicate=duplicate)
        keep = selectors.access_customer_by_id(tenant=self.tenant, actor=self.actor, id=keep.pk)
        return Response(CustomerOutputSerializer(_shown(self.actor, keep)).data)


class CustomerEraseApi(MemberAPIMixin, APIView):
    """Erase a customer's personal data on request (the owner's supervisors, managers, admins; with a reason)."""

    class CustomerEraseInputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=services.REASON_MAX, allow_blank=True, required=False, default="")

    @extend_schema(request=CustomerEraseInputSerializer, responses=CustomerErasedSerializer)
    def post(self, request, customer_id: int):
        customer = selectors.access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer_id)
        serializer = self.CustomerEraseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_erase(
            tenant=self.tenant, actor=self.actor, customer=customer, reason=serializer.validated_data["reason"]
        )
        return Response(CustomerErasedSerializer(customer).data)


class PersonalDataExportListApi(MemberAPIMixin, APIView):
    """The personal-data export log, newest first (tenant admins and company managers)."""

    @extend_schema(responses=PersonalDataExportOutputSerializer(many=True))
    def get(self, request):
        queryset = selectors.personal_data_export_list(tenant=self.tenant, actor=self.actor)
        return paginated_response(
            queryset=queryset, serializer_class=PersonalDataExportOutputSerializer, request=request, view=self
        )


urlpatterns = [
    path("customers/", CustomerListApi.as_view(), name="customers"),
    path("customers/<int:customer_id>/", CustomerDetailApi.as_view(), name="customer"),
    path("customers/<int:customer_id>/merge/", CustomerMergeApi.as_view(), name="customer-merge"),
    path("customers/<int:customer_id>/erase/", CustomerEraseApi.as_view(), name="customer-erase"),
    path("personal-data-exports/", PersonalDataExportListApi.as_view(), name="personal-data-exports"),
]

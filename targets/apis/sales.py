"""REST endpoints of sale records (API.md ``sales/`` and ``sales/import/``)."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from salesops.api.serializers import DateRangeFilterSerializer
from salesops.api.views import MemberAPIMixin, paginated_response
from targets.models import SaleRecord
from targets.selectors import sales as selectors
from targets.services import sales as services


class SaleRecordOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    policy_no = serializers.CharField()
    member = serializers.IntegerField(source="member_id")
    channel = serializers.CharField(source="channel.code")
    product = serializers.CharField(source="product.code")
    premium = serializers.DecimalField(max_digits=14, decimal_places=2)
    policies = serializers.IntegerField()
    sold_on = serializers.DateField()
    customer_kind = serializers.ChoiceField(choices=SaleRecord.CustomerKind.choices)
    payment_mode = serializers.ChoiceField(choices=SaleRecord.PaymentMode.choices)
    bank_branch = serializers.IntegerField(source="bank_branch_id", allow_null=True)


class SaleRecordListCreateApi(MemberAPIMixin, APIView):
    """Sales of the members in the caller's scope; tenant admins and managers record sales."""

    class SaleRecordFilterSerializer(DateRangeFilterSerializer):
        member = serializers.IntegerField(required=False)
        channel = serializers.CharField(required=False)
        product = serializers.CharField(required=False)

    class SaleRecordInputSerializer(serializers.Serializer):
        policy_no = serializers.CharField(max_length=40)
        member = serializers.IntegerField()
        channel = serializers.CharField(max_length=40)
        product = serializers.CharField(max_length=40)
        premium = serializers.DecimalField(max_digits=14, decimal_places=2)
        policies = serializers.IntegerField(default=1)
        sold_on = serializers.DateField()
        customer_kind = serializers.ChoiceField(choices=SaleRecord.CustomerKind.choices)
        payment_mode = serializers.ChoiceField(choices=SaleRecord.PaymentMode.choices)
        bank_branch = serializers.IntegerField(required=False, allow_null=True)
        customer = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(parameters=[SaleRecordFilterSerializer], responses=SaleRecordOutputSerializer(many=True))
    def get(self, request):
        filters = self.SaleRecordFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.sale_record_list(tenant=self.tenant, actor=self.actor, filters=filters.validated_data)
        return paginated_response(
            queryset=queryset, serializer_class=SaleRecordOutputSerializer, request=request, view=self
        )

    @extend_schema(request=SaleRecordInputSerializer, responses={201: SaleRecordOutputSerializer})
    def post(self, request):
        # The role check comes before validation: an agent is told 403, not what was wrong with the body.
        services.require_sale_writer(self.actor)
        serializer = self.SaleRecordInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sale = services.sale_record_create(
            tenant=self.tenant,
            actor=self.actor,
            policy_no=data["policy_no"],
            member_id=data["member"],
            channel_code=data["channel"],
            product_code=data["product"],
            premium=data["premium"],
            policies=data["policies"],
            sold_on=data["sold_on"],
            customer_kind=data["customer_kind"],
            payment_mode=data["payment_mode"],
            bank_branch_id=data.get("bank_branch"),
            customer_id=data.get("customer"),
        )
        return Response(SaleRecordOutputSerializer(sale).data, status=status.HTTP_201_CREATED)


class SaleImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()


class SaleImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = SaleImportRowErrorSerializer(many=True)


class SaleRecordImportApi(MemberAPIMixin, APIView):
    """Import an export of sale records (CSV or XLSX, multipart ``file``).

    The answer is always the whole report ``{created, updated, unchanged,
    errors: [{row, field, message}]}``, so a client sees every bad row at once:

    - ``200`` when the import was carried out: no bad rows, or ``valid_rows``
      (good rows saved, bad ones listed);
    - ``400`` with the same body when ``all_or_nothing`` met bad rows and so
      saved nothing: the request failed, yet the client still gets the full
      list to fix;
    - ``400 {"file": [...]}`` when the file cannot be read at all (not CSV or
      XLSX, empty, no header, a required column missing); nothing is saved.

    Re-importing a file is safe: ``policy_no`` is the key, equal rows count as
    ``unchanged`` and changed rows update the stored sale.
    """

    parser_classes = [MultiPartParser, FormParser]

    class SaleImportInputSerializer(serializers.Serializer):
        file = serializers.FileField()
        mode = serializers.ChoiceField(choices=services.ImportMode.choices, default=services.ImportMode.ALL_OR_NOTHING)

    @extend_schema(
        request={"multipart/form-data": SaleImportInputSerializer},
        responses={
            200: SaleImportResultSerializer,
            400: OpenApiResponse(
                SaleImportResultSerializer,
                description="all_or_nothing met bad rows: nothing saved, every bad row listed. "
                'A file that cannot be read answers {"file": [messages]} instead.',
            ),
        },
    )
    def post(self, request):
        services.require_sale_writer(self.actor)
        serializer = self.SaleImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        mode = serializer.validated_data["mode"]
        result = services.sale_records_import(
            tenant=self.tenant, actor=self.actor, file=upload, filename=upload.name, mode=mode
        )
        refused = bool(result.errors) and mode == services.ImportMode.ALL_OR_NOTHING
        return Response(
            SaleImportResultSerializer(asdict(result)).data,
            status=status.HTTP_400_BAD_REQUEST if refused else status.HTTP_200_OK,
        )

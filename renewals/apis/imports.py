"""REST endpoint of the case import (``renewals/cases/import/``): the sale import's contract, plus ``overdue``."""

from __future__ import annotations

from dataclasses import asdict

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from renewals.selectors.cases import require_renewal_manager
from renewals.services.case_import import cases_import
from salesops.api.views import MemberAPIMixin
from targets.apis.sales import SaleImportResultSerializer
from targets.services.sales import ImportMode


class CaseImportResultSerializer(SaleImportResultSerializer):
    overdue = serializers.IntegerField()


class CaseImportApi(MemberAPIMixin, APIView):
    """Import a list of expiring policies as renewal cases (CSV or XLSX, multipart ``file``).

    The answer is the sale import's (``SaleRecordImportApi``) plus ``overdue``,
    the cases imported with a due date already past: ``{created, updated,
    unchanged, overdue, errors: [{row, field, message}]}`` with ``200`` when
    the import was carried out (no bad rows, or ``valid_rows``), the same body
    with ``400`` when ``all_or_nothing`` met bad rows and saved nothing, and
    ``400 {"file": [...]}`` when the file cannot be read. Renewal team leads
    (their team's cases), company managers and tenant admins; others 403.
    """

    parser_classes = [MultiPartParser, FormParser]

    class CaseImportInputSerializer(serializers.Serializer):
        file = serializers.FileField()
        mode = serializers.ChoiceField(choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING)

    @extend_schema(
        request={"multipart/form-data": CaseImportInputSerializer},
        responses={
            200: CaseImportResultSerializer,
            400: OpenApiResponse(
                CaseImportResultSerializer,
                description="all_or_nothing met bad rows: nothing saved, every bad row listed. "
                'A file that cannot be read answers {"file": [messages]} instead.',
            ),
        },
    )
    def post(self, request):
        require_renewal_manager(self.actor)
        serializer = self.CaseImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload, mode = serializer.validated_data["file"], serializer.validated_data["mode"]
        result = cases_import(tenant=self.tenant, actor=self.actor, file=upload, filename=upload.name, mode=mode)
        refused = bool(result.errors) and mode == ImportMode.ALL_OR_NOTHING
        return Response(
            CaseImportResultSerializer(asdict(result)).data,
            status=status.HTTP_400_BAD_REQUEST if refused else status.HTTP_200_OK,
        )


urlpatterns = [path("cases/import/", CaseImportApi.as_view(), name="renewal-cases-import")]

"""REST endpoints of the bonuses: a period's bonuses, the payroll runs and their XLSX, the incentive rules.

- ``bonuses/?period=2026-10``: the bonuses the caller may see (a run's
  stored lines, or the live preview of a period not run);
- ``bonuses/runs/``: the runs (company managers and admins); POST
  ``{period}`` runs a period: 201 with the new run, 200 with the run already
  made (idempotent);
- ``bonuses/runs/{id}/payroll.xlsx``: the run's lines for payroll, the same
  rows at every download;
- ``incentives/policy/``: the tiers and the improvement-plan rules; GET for
  any leader, PATCH for company managers and admins.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org.selectors import tenant_today
from targets.apis.scorecards import PeriodField
from targets.exports import XLSX_CONTENT_TYPE, xlsx_response
from targets.models import BonusRun, IncentivePolicy
from targets.pages.bonuses_content import payroll_filename, payroll_workbook
from targets.selectors import bonuses as selectors
from targets.selectors.bonuses import BonusSheet
from targets.selectors.incentive_policy import bonus_tiers, policy_for
from targets.services.bonuses import bonus_run_create
from targets.services.incentive_policy import incentive_policy_update, require_policy_setter


class BonusTierSerializer(serializers.Serializer):
    """A tier: from this attainment on (``"1.10"`` = 110 %), the bonus is premium × ``rate``."""

    rate = serializers.DecimalField(max_digits=6, decimal_places=4)

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword: the field is added here rather than in the class body.
        fields["from"] = serializers.DecimalField(max_digits=6, decimal_places=4, help_text="attainment, 1.10 = 110 %")
        return {"from": fields["from"], "rate": fields["rate"]}


def tier_data(tiers) -> list[dict]:
    return [{"from": tier.start, "rate": tier.rate} for tier in tiers]


class BonusRunInfoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)
    created_by_name = serializers.SerializerMethodField()

    def get_created_by_name(self, run: BonusRun) -> str:
        return run.created_by.display_name if run.created_by else ""


class BonusRowSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    member_name = serializers.CharField()
    employee_no = serializers.CharField()
    unit = serializers.CharField()
    target = serializers.DecimalField(max_digits=16, decimal_places=2)
    premium = serializers.DecimalField(max_digits=16, decimal_places=2)
    attainment = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    rate = serializers.DecimalField(max_digits=6, decimal_places=4)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class BonusSheetOutputSerializer(serializers.Serializer):
    period = serializers.CharField()
    ended = serializers.BooleanField(help_text="The period is over: it can be run for payroll.")
    run = BonusRunInfoSerializer(allow_null=True, help_text="The payroll run, or null: the rows are a live preview.")
    tiers = BonusTierSerializer(many=True)
    rows = BonusRowSerializer(many=True)
    total = serializers.DecimalField(max_digits=16, decimal_places=2)


def sheet_data(sheet: BonusSheet) -> dict:
    return {
        "period": sheet.period.key,
        "ended": sheet.ended,
        "run": sheet.run,
        "tiers": tier_data(sheet.tiers),
        "rows": [
            {
                "member": row.member.pk,
                "member_name": row.member.display_name,
                "employee_no": row.member.employee_no,
                "unit": row.member.unit.name,
                "target": row.bonus.target,
                "premium": row.bonus.premium,
                "attainment": row.bonus.attainment,
                "rate": row.bonus.rate,
                "amount": row.bonus.amount,
            }
            for row in sheet.rows
        ],
        "total": sheet.total,
    }


class BonusListApi(MemberAPIMixin, APIView):
    """A period's bonuses in the caller's scope: company managers everyone, leaders their subtree, an agent theirs."""

    class BonusFilterSerializer(serializers.Serializer):
        period = PeriodField(help_text="a month 2026-10 or a quarter 2026-Q4")

    @extend_schema(parameters=[BonusFilterSerializer], responses=BonusSheetOutputSerializer)
    def get(self, request):
        selectors.require_bonus_reader(self.actor)
        filters = self.BonusFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        sheet = selectors.bonus_lines(
            tenant=self.tenant,
            actor=self.actor,
            period=filters.validated_data["period"],
            today=tenant_today(self.tenant),
        )
        return Response(BonusSheetOutputSerializer(sheet_data(sheet)).data)


class BonusRunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    created_at = serializers.DateTimeField()
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)
    created_by_name = serializers.SerializerMethodField()
    lines = serializers.IntegerField(source="line_count", help_text="members in the run")
    total = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="the bonuses paid, yuan")

    def get_created_by_name(self, run: BonusRun) -> str:
        return run.created_by.display_name if run.created_by else ""


class BonusRunListCreateApi(MemberAPIMixin, APIView):
    """The payroll runs (company managers and admins); POST ``{period}`` runs an ended period once."""

    class BonusRunInputSerializer(serializers.Serializer):
        period = PeriodField(help_text="an ended month 2026-10 or quarter 2026-Q4")

    @extend_schema(responses=BonusRunOutputSerializer(many=True))
    def get(self, request):
        return paginated_response(
            queryset=selectors.bonus_run_list(tenant=self.tenant, actor=self.actor),
            serializer_class=BonusRunOutputSerializer,
            request=request,
            view=self,
        )

    @extend_schema(
        request=BonusRunInputSerializer,
        responses={201: BonusRunOutputSerializer, 200: BonusRunOutputSerializer},
    )
    def post(self, request):
        selectors.require_bonus_runner(self.actor)
        serializer = self.BonusRunInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run, created = bonus_run_create(
            tenant=self.tenant,
            actor=self.actor,
            period=serializer.validated_data["period"],
            today=tenant_today(self.tenant),
        )
        run = selectors.access_bonus_run_by_id(tenant=self.tenant, actor=self.actor, id=run.pk)
        return Response(
            BonusRunOutputSerializer(run).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class BonusPayrollApi(MemberAPIMixin, APIView):
    """The run's lines as an XLSX file for payroll: the same rows at every download."""

    @extend_schema(
        operation_id="bonuses_runs_payroll_retrieve", responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY}
    )
    def get(self, request, run_id: int):
        run = selectors.access_bonus_run_by_id(tenant=self.tenant, actor=self.actor, id=run_id)
        rows = selectors.payroll_rows(tenant=self.tenant, run=run)
        return xlsx_response(payroll_workbook(run, rows), payroll_filename(run))


class IncentivePolicyOutputSerializer(serializers.Serializer):
    bonus_tiers = BonusTierSerializer(many=True)
    improvement_floor = serializers.DecimalField(max_digits=5, decimal_places=2)
    improvement_months = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


def policy_data(policy: IncentivePolicy) -> dict:
    return {
        "bonus_tiers": tier_data(bonus_tiers(policy)),
        "improvement_floor": policy.improvement_floor,
        "improvement_months": policy.improvement_months,
        "updated_at": policy.updated_at,
    }


class IncentivePolicyApi(MemberAPIMixin, APIView):
    """The tenant's incentive rules: GET for any leader; PATCH any of the fields (company managers and admins)."""

    class IncentivePolicyInputSerializer(serializers.Serializer):
        # For the schema only: the service checks the body itself, so that every error is named by its field.
        bonus_tiers = BonusTierSerializer(many=True, required=False)
        improvement_floor = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
        improvement_months = serializers.IntegerField(required=False)

    @extend_schema(responses=IncentivePolicyOutputSerializer)
    def get(self, request):
        if not self.actor.leads_others:
            raise PermissionDenied(_("Only a leader may see the incentive rules."))
        return Response(IncentivePolicyOutputSerializer(policy_data(policy_for(self.tenant))).data)

    @extend_schema(request=IncentivePolicyInputSerializer, responses=IncentivePolicyOutputSerializer)
    def patch(self, request):
        require_policy_setter(self.actor)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": [_("Send an object of the fields to change.")]})
        policy = incentive_policy_update(tenant=self.tenant, actor=self.actor, changes=dict(request.data))
        return Response(IncentivePolicyOutputSerializer(policy_data(policy)).data)


urlpatterns = [
    path("bonuses/", BonusListApi.as_view(), name="bonuses"),
    path("bonuses/runs/", BonusRunListCreateApi.as_view(), name="bonus-runs"),
    path("bonuses/runs/<int:run_id>/payroll.xlsx", BonusPayrollApi.as_view(), name="bonus-run-payroll"),
    path("incentives/policy/", IncentivePolicyApi.as_view(), name="incentive-policy"),
]

"""REST endpoints of plans, allocations and attainment (API.md ``targets/``).

Shares and the uplift travel as percentages (``30`` is 30 %), money as
decimal strings in yuan, policy counts as whole numbers in the same field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org import selectors as org_selectors
from salesops.org.models import Member
from targets.models import AllocationChange, Plan
from targets.selectors import attainment as attainment_selectors
from targets.selectors import plans as selectors
from targets.services import plans as services

HUNDRED = Decimal(100)
MONEY = {"max_digits": 16, "decimal_places": 2}


def percent(share: Decimal) -> str:
    """Return a stored fraction as the API's percentage string: 0.3 → "30.00"."""
    return str((share * HUNDRED).quantize(Decimal("0.01")))


class ChannelLineSerializer(serializers.Serializer):
    channel = serializers.CharField()
    product = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)


class TierSharesSerializer(serializers.Serializer):
    top = serializers.DecimalField(max_digits=5, decimal_places=2)
    middle = serializers.DecimalField(max_digits=5, decimal_places=2)
    bottom = serializers.DecimalField(max_digits=5, decimal_places=2)


class MonthAmountSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)


class CustomerSplitSerializer(serializers.Serializer):
    new = serializers.DecimalField(**MONEY)
    existing = serializers.DecimalField(**MONEY)


class PlanOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    metric = serializers.ChoiceField(choices=Plan.Metric.choices)
    total = serializers.DecimalField(**MONEY)
    baseline = serializers.DecimalField(**MONEY)
    uplift = serializers.SerializerMethodField()
    ramp_up_share = serializers.SerializerMethodField()
    month_weights = serializers.ListField(child=serializers.DecimalField(max_digits=8, decimal_places=4))
    months = serializers.SerializerMethodField()
    channel_lines = serializers.SerializerMethodField()
    tier_shares = serializers.SerializerMethodField()
    new_customer_share = serializers.SerializerMethodField()
    customer_split = serializers.SerializerMethodField()
    allocated_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.DecimalField(max_digits=7, decimal_places=2))
    def get_uplift(self, plan):
        return percent(plan.uplift)

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2))
    def get_ramp_up_share(self, plan):
        return percent(plan.ramp_up_share)

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2))
    def get_new_customer_share(self, plan):
        return percent(plan.new_customer_share)

    @extend_schema_field(MonthAmountSerializer(many=True))
    def get_months(self, plan):
        return [{"month": month, "amount": str(amount)} for month, amount in selectors.plan_month_totals(plan)]

    @extend_schema_field(ChannelLineSerializer(many=True))
    def get_channel_lines(self, plan):
        return [
            {"channel": line.channel.code, "product": line.product.code, "amount": str(line.amount)}
            for line in plan.lines.all()
        ]

    @extend_schema_field(TierSharesSerializer)
    def get_tier_shares(self, plan):
        return {tier: percent(share) for tier, share in plan.tier_shares.items()}

    @extend_schema_field(CustomerSplitSerializer)
    def get_customer_split(self, plan):
        new, existing = selectors.plan_customer_split(plan)
        return {"new": str(new), "existing": str(existing)}


class PlanListCreateApi(MemberAPIMixin, APIView):
    """The tenant's plans (every member reads them); tenant admins and company managers add one."""

    class PlanInputSerializer(serializers.Serializer):
        year = serializers.IntegerField()
        quarter = serializers.IntegerField()
        metric = serializers.ChoiceField(choices=Plan.Metric.choices)
        total = serializers.DecimalField(**MONEY, required=False, allow_null=True, default=None)
        uplift = serializers.DecimalField(max_digits=7, decimal_places=2, default=Decimal(20))
        ramp_up_share = serializers.DecimalField(max_digits=5, decimal_places=2, default=Decimal(50))
        month_weights = serializers.ListField(
            child=serializers.DecimalField(max_digits=8, decimal_places=4), default=lambda: [3, 4, 3]
        )
        channel_lines = ChannelLineSerializer(many=True)
        tier_shares = TierSharesSerializer(required=False)
        new_customer_share = serializers.DecimalField(max_digits=5, decimal_places=2, default=Decimal(40))

    @extend_schema(responses=PlanOutputSerializer(many=True))
    def get(self, request):
        return paginated_response(
            queryset=selectors.plan_list(tenant=self.tenant),
            serializer_class=PlanOutputSerializer,
            request=request,
            view=self,
        )

    @extend_schema(request=PlanInputSerializer, responses={201: PlanOutputSerializer})
    def post(self, request):
        serializer = self.PlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.plan_create(tenant=self.tenant, actor=self.actor, **serializer.validated_data)
        plan = selectors.access_plan_by_id(tenant=self.tenant, actor=self.actor, id=plan.pk)
        return Response(PlanOutputSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailApi(MemberAPIMixin, APIView):
    @extend_schema(responses=PlanOutputSerializer)
    def get(self, request, plan_id):
        plan = selectors.access_plan_by_id(tenant=self.tenant, actor=self.actor, id=plan_id)
        return Response(PlanOutputSerializer(plan).data)


class PlanBaselineApi(MemberAPIMixin, APIView):
    """The baseline a new plan starts from: last quarter's production per agent × headcount."""

    class BaselineQuerySerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=2000, max_value=2100)
        quarter = serializers.IntegerField(min_value=1, max_value=4)
        metric = serializers.ChoiceField(choices=Plan.Metric.choices)
        ramp_up_share = serializers.DecimalField(
            max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), default=Decimal(50)
        )

    class BaselineOutputSerializer(serializers.Serializer):
        year = serializers.IntegerField()
        quarter = serializers.IntegerField()
        metric = serializers.CharField()
        production = serializers.DecimalField(**MONEY)
        agents = serializers.IntegerField()
        new_agents = serializers.IntegerField()
        per_agent = serializers.DecimalField(**MONEY)
        baseline = serializers.DecimalField(**MONEY)

    @extend_schema(parameters=[BaselineQuerySerializer], responses=BaselineOutputSerializer)
    def get(self, request):
        services.require_planner(self.actor)
        query = self.BaselineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        baseline = selectors.plan_baseline(
            tenant=self.tenant,
            year=data["year"],
            quarter=data["quarter"],
            metric=data["metric"],
            ramp_up_share=data["ramp_up_share"] / HUNDRED,
        )
        return Response(self.BaselineOutputSerializer(baseline).data)


class PlanAllocateApi(MemberAPIMixin, APIView):
    """Decompose the plan down the org tree (overrides are kept); answer the number of rows."""

    @extend_schema(request=None, responses=inline_serializer("AllocateResult", {"count": serializers.IntegerField()}))
    def post(self, request, plan_id):
        plan = selectors.access_plan_by_id(tenant=self.tenant, actor=self.actor, id=plan_id)
        count = services.plan_allocate(tenant=self.tenant, actor=self.actor, plan=plan)
        return Response({"count": count})


class AllocationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    member = serializers.IntegerField(source="member_id", allow_null=True)
    member_name = serializers.CharField(source="member.display_name", allow_null=True, default=None)
    channel = serializers.CharField(source="channel.code", allow_null=True, default=None)
    product = serializers.CharField(source="product.code", allow_null=True, default=None)
    month = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(**MONEY)
    overridden = serializers.BooleanField()
    tier = serializers.CharField()


class AllocationListApi(MemberAPIMixin, APIView):
    """Allocation rows in the caller's scope; ``totals=true`` keeps unit and agent totals only."""

    class AllocationFilterSerializer(serializers.Serializer):
        plan = serializers.IntegerField(required=False)
        unit = serializers.IntegerField(required=False)
        member = serializers.IntegerField(required=False)
        month = serializers.IntegerField(required=False, min_value=1, max_value=12)
        channel = serializers.CharField(required=False)
        product = serializers.CharField(required=False)
        totals = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(parameters=[AllocationFilterSerializer], responses=AllocationOutputSerializer(many=True))
    def get(self, request):
        filters = self.AllocationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginated_response(
            queryset=selectors.allocation_list(tenant=self.tenant, actor=self.actor, filters=filters.validated_data),
            serializer_class=AllocationOutputSerializer,
            request=request,
            view=self,
        )


class AllocationDetailApi(MemberAPIMixin, APIView):
    """One allocation; PATCH ``amount`` overrides it (``null`` clears) and rebalances its siblings."""

    class OverrideInputSerializer(serializers.Serializer):
        amount = serializers.DecimalField(**MONEY, allow_null=True)

    @extend_schema(responses=AllocationOutputSerializer)
    def get(self, request, allocation_id):
        allocation = selectors.access_allocation_by_id(tenant=self.tenant, actor=self.actor, id=allocation_id)
        return Response(AllocationOutputSerializer(allocation).data)

    @extend_schema(request=OverrideInputSerializer, responses=AllocationOutputSerializer)
    def patch(self, request, allocation_id):
        allocation = selectors.access_allocation_by_id(tenant=self.tenant, actor=self.actor, id=allocation_id)
        serializer = self.OverrideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        allocation = services.allocation_override(
            tenant=self.tenant, actor=self.actor, allocation=allocation, amount=serializer.validated_data["amount"]
        )
        allocation = selectors.access_allocation_by_id(tenant=self.tenant, actor=self.actor, id=allocation.pk)
        return Response(AllocationOutputSerializer(allocation).data)


class AllocationChangeOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AllocationChange.Kind.choices)
    old_amount = serializers.DecimalField(**MONEY, allow_null=True)
    new_amount = serializers.DecimalField(**MONEY, allow_null=True)
    changed_by = serializers.CharField(source="changed_by.display_name", allow_null=True, default=None)
    changed_at = serializers.DateTimeField()


class AllocationHistoryApi(MemberAPIMixin, APIView):
    """Who changed this allocation's owner, when, old → new."""

    @extend_schema(responses=AllocationChangeOutputSerializer(many=True))
    def get(self, request, allocation_id):
        allocation = selectors.access_allocation_by_id(tenant=self.tenant, actor=self.actor, id=allocation_id)
        return paginated_response(
            queryset=selectors.allocation_history(tenant=self.tenant, allocation=allocation),
            serializer_class=AllocationChangeOutputSerializer,
            request=request,
            view=self,
        )


class AttainmentRowSerializer(serializers.Serializer):
    scope = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    tier = serializers.CharField()
    target = serializers.DecimalField(**MONEY)
    actual = serializers.DecimalField(**MONEY)
    attainment = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    expected = serializers.DecimalField(**MONEY)
    deviation = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)


class AttainmentApi(MemberAPIMixin, APIView):
    """Target, actual, attainment, expected-to-date and deviation for a unit and its children, or a member.

    ``attainment`` and ``deviation`` are ratios (``0.8500`` is 85 %). Without
    ``unit`` or ``member`` the caller's own unit is used (an agent: themself).
    """

    class AttainmentQuerySerializer(serializers.Serializer):
        plan = serializers.IntegerField()
        unit = serializers.IntegerField(required=False)
        member = serializers.IntegerField(required=False)
        month = serializers.IntegerField(required=False, min_value=1, max_value=12)
        as_of = serializers.DateField(required=False)

        def validate(self, attrs):
            if "unit" in attrs and "member" in attrs:
                raise serializers.ValidationError({"member": [_("Give a unit or a member, not both.")]})
            return attrs

    class AttainmentOutputSerializer(serializers.Serializer):
        plan = serializers.IntegerField()
        month = serializers.IntegerField(allow_null=True)
        as_of = serializers.DateField()
        rows = AttainmentRowSerializer(many=True)

    @extend_schema(parameters=[AttainmentQuerySerializer], responses=AttainmentOutputSerializer)
    def get(self, request):
        query = self.AttainmentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        plan = selectors.access_plan_by_id(tenant=self.tenant, actor=self.actor, id=data["plan"])
        month = data.get("month")
        if month is not None and month not in plan.months:
            raise serializers.ValidationError({"month": [_("The month is not in the plan's quarter.")]})
        as_of: date = data.get("as_of") or org_selectors.tenant_today(self.tenant)
        if "member" in data or not self.actor.leads_others:
            member_id = data.get("member", self.actor.pk)
            member = org_selectors.access_member_by_id(tenant=self.tenant, actor=self.actor, id=member_id)
            rows = [
                attainment_selectors.member_attainment(
                    tenant=self.tenant, plan=plan, member=member, month=month, as_of=as_of
                )
            ]
        else:
            unit_id = data.get("unit", self.actor.unit_id)
            unit = org_selectors.access_unit_by_id(tenant=self.tenant, actor=self.actor, id=unit_id)
            members = None if self.actor.role != Member.Role.AGENT else [self.actor]
            rows = attainment_selectors.unit_drilldown(
                tenant=self.tenant, plan=plan, unit=unit, month=month, as_of=as_of, members=members
            )
        return Response(
            self.AttainmentOutputSerializer({"plan": plan.pk, "month": month, "as_of": as_of, "rows": rows}).data
        )

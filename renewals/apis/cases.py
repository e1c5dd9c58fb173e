"""REST endpoints of renewal cases, follow-ups, assignment, staffing and settings (API.md ``renewals/``)."""

from __future__ import annotations

from dataclasses import asdict

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from renewals.models import FollowUp, RenewalCase, RenewalPolicy, StaffProfile
from renewals.selectors import cases as selectors
from renewals.services import assign as assign_services
from renewals.services import cases as services
from renewals.services import settings as settings_services
from renewals.services.advisors import advisor_pool
from renewals.staffing import staffing
from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org.selectors import tenant_today


class CaseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    policy_no = serializers.CharField()
    customer = serializers.CharField()
    product_type = serializers.ChoiceField(choices=RenewalCase.ProductType.choices)
    premium = serializers.DecimalField(max_digits=14, decimal_places=2)
    due_on = serializers.DateField()
    group = serializers.ChoiceField(choices=RenewalCase.Group.choices)
    advisor = serializers.IntegerField(source="advisor_id", allow_null=True)
    status = serializers.ChoiceField(choices=RenewalCase.Status.choices)
    priority = serializers.IntegerField()
    last_follow_up_at = serializers.DateTimeField(allow_null=True)
    assigned_at = serializers.DateTimeField(allow_null=True)
    quotes = serializers.IntegerField()
    renewed_premium = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    lost_reason = serializers.CharField(source="lost_reason.code", allow_null=True, default=None)


class CaseRequestMixin(MemberAPIMixin):
    def today(self):
        return tenant_today(self.tenant)

    def case(self, case_id):
        return selectors.access_case_by_id(tenant=self.tenant, actor=self.actor, id=case_id, today=self.today())


class CaseListCreateApi(CaseRequestMixin, APIView):
    """The cases in the caller's scope, highest priority first; managers of renewals create cases."""

    class CaseFilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=RenewalCase.Status.choices, required=False)
        group = serializers.ChoiceField(choices=RenewalCase.Group.choices, required=False)
        product_type = serializers.ChoiceField(choices=RenewalCase.ProductType.choices, required=False)
        advisor = serializers.IntegerField(required=False)
        unassigned = serializers.BooleanField(required=False, default=False)
        due_from = serializers.DateField(required=False)
        due_to = serializers.DateField(required=False)

    class CaseInputSerializer(serializers.Serializer):
        policy_no = serializers.CharField(max_length=40)
        customer = serializers.CharField(max_length=100)
        product_type = serializers.ChoiceField(choices=RenewalCase.ProductType.choices)
        premium = serializers.DecimalField(max_digits=14, decimal_places=2)
        due_on = serializers.DateField()
        group = serializers.ChoiceField(choices=RenewalCase.Group.choices, default=RenewalCase.Group.B)
        advisor = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(parameters=[CaseFilterSerializer], responses=CaseOutputSerializer(many=True))
    def get(self, request):
        selectors.require_renewal_reader(self.actor)
        filters = self.CaseFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.case_list(
            tenant=self.tenant, actor=self.actor, today=self.today(), filters=filters.validated_data
        )
        return paginated_response(queryset=queryset, serializer_class=CaseOutputSerializer, request=request, view=self)

    @extend_schema(request=CaseInputSerializer, responses={201: CaseOutputSerializer})
    def post(self, request):
        selectors.require_renewal_manager(self.actor)
        serializer = self.CaseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = services.case_create(
            tenant=self.tenant,
            actor=self.actor,
            fields=services.CaseFields(
                policy_no=data["policy_no"],
                customer=data["customer"],
                product_type=data["product_type"],
                premium=data["premium"],
                due_on=data["due_on"],
                group=data["group"],
            ),
            advisor_id=data.get("advisor"),
        )
        return Response(CaseOutputSerializer(self.case(case.pk)).data, status=status.HTTP_201_CREATED)


class CaseDetailApi(CaseRequestMixin, APIView):
    """One case; PATCH moves its status (advisor or managers) or re-assigns it (managers)."""

    class CaseChangeInputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=RenewalCase.Status.choices, required=False)
        renewed_premium = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
        lost_reason = serializers.CharField(max_length=40, required=False, allow_blank=True)
        advisor = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(responses=CaseOutputSerializer)
    def get(self, request, case_id: int):
        return Response(CaseOutputSerializer(self.case(case_id)).data)

    @extend_schema(request=CaseChangeInputSerializer, responses=CaseOutputSerializer)
    def patch(self, request, case_id: int):
        case = self.case(case_id)
        serializer = self.CaseChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.case_update(tenant=self.tenant, actor=self.actor, case=case, changes=serializer.validated_data)
        return Response(CaseOutputSerializer(self.case(case_id)).data)


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    author = serializers.IntegerField(source="author_id")
    channel = serializers.ChoiceField(choices=FollowUp.Channel.choices)
    outcome = serializers.ChoiceField(choices=FollowUp.Outcome.choices)
    notes = serializers.CharField()
    next_action_on = serializers.DateField(allow_null=True)
    at = serializers.DateTimeField()


class FollowUpListCreateApi(CaseRequestMixin, APIView):
    """A case's follow-ups, newest first; POST records one and moves the case along its pipeline."""

    class FollowUpInputSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(choices=FollowUp.Channel.choices)
        outcome = serializers.ChoiceField(choices=FollowUp.Outcome.choices)
        notes = serializers.CharField(required=False, allow_blank=True, default="")
        next_action_on = serializers.DateField(required=False, allow_null=True)
        renewed_premium = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
        lost_reason = serializers.CharField(max_length=40, required=False, allow_blank=True)

    @extend_schema(responses=FollowUpSerializer(many=True))
    def get(self, request, case_id: int):
        case = self.case(case_id)
        queryset = FollowUp.objects.filter(tenant=self.tenant, case=case).order_by("-at", "-id")
        return paginated_response(queryset=queryset, serializer_class=FollowUpSerializer, request=request, view=self)

    @extend_schema(request=FollowUpInputSerializer, responses={201: FollowUpSerializer})
    def post(self, request, case_id: int):
        case = self.case(case_id)
        serializer = self.FollowUpInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        follow_up = services.follow_up_create(
            tenant=self.tenant,
            actor=self.actor,
            case=case,
            channel=data["channel"],
            outcome=data["outcome"],
            notes=data["notes"],
            next_action_on=data.get("next_action_on"),
            renewed_premium=data.get("renewed_premium"),
            lost_reason=data.get("lost_reason") or None,
        )
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


class UnassignedSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    policy_no = serializers.CharField()
    reason = serializers.CharField()
    message = serializers.CharField()


class AssignResultSerializer(serializers.Serializer):
    assigned = serializers.IntegerField()
    unassigned = UnassignedSerializer(many=True)


class AssignApi(MemberAPIMixin, APIView):
    """Auto-assign every open unassigned case; answers how many went and why the others stayed."""

    @extend_schema(request=None, responses=AssignResultSerializer)
    def post(self, request):
        result = assign_services.cases_assign(tenant=self.tenant, actor=self.actor)
        return Response(AssignResultSerializer(asdict(result)).data)


class StaffingSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    advisors_needed = serializers.IntegerField()
    coordinators_needed = serializers.IntegerField()
    support_needed = serializers.IntegerField()
    analysts_needed = serializers.IntegerField()
    trainers_needed = serializers.IntegerField()
    advisors_now = serializers.IntegerField()
    coordinators_now = serializers.IntegerField()
    analysts_now = serializers.IntegerField()
    trainers_now = serializers.IntegerField()


class StaffingApi(MemberAPIMixin, APIView):
    """The staff the pending renewals need (seed 003 ratios, tenant-set) against the staff on hand."""

    @extend_schema(responses=StaffingSerializer)
    def get(self, request):
        selectors.require_renewal_manager(self.actor)
        return Response(StaffingSerializer(staffing(tenant=self.tenant, policy=selectors.policy_for(self.tenant))).data)


class AdvisorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    serves_group_a = serializers.BooleanField()
    capacity = serializers.IntegerField()
    open_cases = serializers.IntegerField()
    load = serializers.IntegerField()


class AdvisorListApi(MemberAPIMixin, APIView):
    """The advisors in the caller's scope with their A skill, capacity, open cases and weighted load."""

    @extend_schema(responses=AdvisorSerializer(many=True))
    def get(self, request):
        selectors.require_renewal_manager(self.actor)
        return Response(AdvisorSerializer(advisor_pool(tenant=self.tenant, actor=self.actor), many=True).data)


class StaffProfileApi(MemberAPIMixin, APIView):
    """PATCH a renewal team member's position, A skill and own capacity (``null``: the tenant's default)."""

    class StaffProfileInputSerializer(serializers.Serializer):
        position = serializers.ChoiceField(choices=StaffProfile.Position.choices, required=False)
        serves_group_a = serializers.BooleanField(required=False)
        capacity = serializers.IntegerField(required=False, allow_null=True, min_value=1)

    class StaffProfileOutputSerializer(serializers.Serializer):
        member = serializers.IntegerField(source="member_id")
        position = serializers.CharField()
        serves_group_a = serializers.BooleanField()
        capacity = serializers.IntegerField(allow_null=True)

    @extend_schema(request=StaffProfileInputSerializer, responses=StaffProfileOutputSerializer)
    def patch(self, request, member_id: int):
        selectors.require_renewal_manager(self.actor)
        serializer = self.StaffProfileInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = settings_services.profile_update(
            tenant=self.tenant, actor=self.actor, member_id=member_id, changes=serializer.validated_data
        )
        return Response(self.StaffProfileOutputSerializer(profile).data)


class PolicyApi(MemberAPIMixin, APIView):
    """The tenant's renewal rules; a tenant admin or a company manager changes them."""

    class PolicySerializer(serializers.ModelSerializer):
        class Meta:
            model = RenewalPolicy
            fields = settings_services.POLICY_FIELDS

    @extend_schema(responses=PolicySerializer)
    def get(self, request):
        selectors.require_renewal_reader(self.actor)
        return Response(self.PolicySerializer(selectors.policy_for(self.tenant)).data)

    @extend_schema(request=PolicySerializer, responses=PolicySerializer)
    def patch(self, request):
        settings_services.require_policy_setter(self.actor)
        serializer = self.PolicySerializer(selectors.policy_for(self.tenant), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        policy = settings_services.policy_update(
            tenant=self.tenant, actor=self.actor, changes=dict(serializer.validated_data)
        )
        return Response(self.PolicySerializer(policy).data)


class LostReasonApi(MemberAPIMixin, APIView):
    """The tenant's lost reasons ``{id, code, name}``; a tenant admin or a company manager adds one."""

    class ReasonSerializer(serializers.Serializer):
        id = serializers.IntegerField(read_only=True)
        code = serializers.CharField(max_length=40)
        name = serializers.CharField(max_length=100)

    @extend_schema(responses=ReasonSerializer(many=True))
    def get(self, request):
        selectors.require_renewal_reader(self.actor)
        return Response(self.ReasonSerializer(selectors.lost_reason_list(tenant=self.tenant), many=True).data)

    @extend_schema(request=ReasonSerializer, responses={201: ReasonSerializer})
    def post(self, request):
        settings_services.require_policy_setter(self.actor)
        serializer = self.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = settings_services.lost_reason_create(tenant=self.tenant, actor=self.actor, **serializer.validated_data)
        return Response(self.ReasonSerializer(reason).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("cases/", CaseListCreateApi.as_view(), name="renewal-cases"),
    path("cases/<int:case_id>/", CaseDetailApi.as_view(), name="renewal-case"),
    path("cases/<int:case_id>/follow-ups/", FollowUpListCreateApi.as_view(), name="renewal-follow-ups"),
    path("assign/", AssignApi.as_view(), name="renewal-assign"),
    path("staffing/", StaffingApi.as_view(), name="renewal-staffing"),
    path("advisors/", AdvisorListApi.as_view(), name="renewal-advisors"),
    path("advisors/<int:member_id>/", StaffProfileApi.as_view(), name="renewal-advisor"),
    path("policy/", PolicyApi.as_view(), name="renewal-policy"),
    path("lost-reasons/", LostReasonApi.as_view(), name="renewal-lost-reasons"),
]

"""REST endpoints of banks and branches: the list, one branch, its stage history and its roster."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bancassurance.models import BranchStaff, StaffRole, Stage
from bancassurance.profile import PROFILE_FIELDS, PROFILE_MAX_LENGTH
from bancassurance.selectors import branches as selectors
from bancassurance.services import branches as services
from bancassurance.services import roster as roster_services
from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.tenancy import get_in_scope_or_404


class BranchStaffOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=StaffRole.choices)
    phone = serializers.CharField()
    notes = serializers.CharField()
    joined_on = serializers.DateField()
    left_on = serializers.DateField(allow_null=True)


class ProfileSerializer(serializers.Serializer):
    """网点档案表: a text per section, every one optional; a key it does not know is an error, not dropped."""

    location = serializers.CharField(required=False, allow_blank=True, max_length=PROFILE_MAX_LENGTH)
    customer_base = serializers.CharField(required=False, allow_blank=True, max_length=PROFILE_MAX_LENGTH)
    floor_layout = serializers.CharField(required=False, allow_blank=True, max_length=PROFILE_MAX_LENGTH)
    staff_structure = serializers.CharField(required=False, allow_blank=True, max_length=PROFILE_MAX_LENGTH)
    bank_kpis = serializers.CharField(required=False, allow_blank=True, max_length=PROFILE_MAX_LENGTH)
    competitors = serializers.CharField(required=False, allow_blank=True, max_length=PROFILE_MAX_LENGTH)
    competitor_products = serializers.CharField(required=False, allow_blank=True, max_length=PROFILE_MAX_LENGTH)

    def to_internal_value(self, data):
        if isinstance(data, dict) and (unknown := sorted(set(data) - set(self.fields))):
            raise serializers.ValidationError({key: [_("Unknown field.")] for key in unknown})
        return super().to_internal_value(data)


assert set(ProfileSerializer().fields) == set(PROFILE_FIELDS)  # one list of sections


class BranchOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    bank = serializers.IntegerField(source="bank_id")
    name = serializers.CharField()
    code = serializers.CharField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    profile = ProfileSerializer()
    staff = BranchStaffOutputSerializer(source="current_staff", many=True)
    assigned_to = serializers.IntegerField(source="assigned_to_id", allow_null=True)


def _with_current_staff(queryset):
    """The branches with the people on their roster today (``staff`` in API.md), in one more query."""
    return queryset.prefetch_related(
        Prefetch(
            "staff",
            queryset=BranchStaff.objects.filter(left_on__isnull=True).order_by("role", "joined_on", "id"),
            to_attr="current_staff",
        )
    )


class BranchListCreateApi(MemberAPIMixin, APIView):
    """The branches in the caller's scope; a tenant admin adds one."""

    class BranchFilterSerializer(serializers.Serializer):
        bank = serializers.IntegerField(required=False)
        staff = serializers.IntegerField(required=False)
        stage = serializers.ChoiceField(choices=Stage.choices, required=False)

    class BranchInputSerializer(serializers.Serializer):
        bank = serializers.IntegerField()
        code = serializers.CharField(max_length=40)
        name = serializers.CharField(max_length=100)
        stage = serializers.ChoiceField(choices=Stage.choices, default=Stage.START_UP)
        profile = ProfileSerializer(required=False)
        assigned_to = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(parameters=[BranchFilterSerializer], responses=BranchOutputSerializer(many=True))
    def get(self, request):
        filters = self.BranchFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = _with_current_staff(
            selectors.branch_list(tenant=self.tenant, actor=self.actor, filters=filters.validated_data)
        )
        return paginated_response(
            queryset=queryset, serializer_class=BranchOutputSerializer, request=request, view=self
        )

    @extend_schema(request=BranchInputSerializer, responses={201: BranchOutputSerializer})
    def post(self, request):
        selectors.require_bancassurance_reader(self.actor)
        serializer = self.BranchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        branch = services.bank_branch_create(
            tenant=self.tenant,
            actor=self.actor,
            bank_id=data["bank"],
            code=data["code"],
            name=data["name"],
            stage=data["stage"],
            assigned_to_id=data.get("assigned_to"),
            profile=data.get("profile"),
        )
        branch.current_staff = []
        return Response(BranchOutputSerializer(branch).data, status=status.HTTP_201_CREATED)


class BranchDetailApi(MemberAPIMixin, APIView):
    """One branch; PATCH its name or profile (whoever looks after it) or ``assigned_to`` (a company manager)."""

    class BranchUpdateSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100, required=False)
        profile = ProfileSerializer(required=False)
        assigned_to = serializers.IntegerField(required=False, allow_null=True)

    def branch(self, branch_id):
        return get_in_scope_or_404(
            _with_current_staff(selectors.branch_list(tenant=self.tenant, actor=self.actor)), branch_id
        )

    @extend_schema(responses=BranchOutputSerializer)
    def get(self, request, branch_id: int):
        return Response(BranchOutputSerializer(self.branch(branch_id)).data)

    @extend_schema(request=BranchUpdateSerializer, responses=BranchOutputSerializer)
    def patch(self, request, branch_id: int):
        branch = self.branch(branch_id)
        serializer = self.BranchUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "assigned_to" in data:
            services.branch_assign(
                tenant=self.tenant, actor=self.actor, branch=branch, assigned_to_id=data["assigned_to"]
            )
        if "name" in data or "profile" in data:
            services.branch_update(
                tenant=self.tenant, actor=self.actor, branch=branch, name=data.get("name"), profile=data.get("profile")
            )
        return Response(BranchOutputSerializer(self.branch(branch_id)).data)


class StageHistoryApi(MemberAPIMixin, APIView):
    """A branch's stage history, oldest first; POST moves it to a new stage ``{stage, changed_on, note}``."""

    class StageChangeSerializer(serializers.Serializer):
        id = serializers.IntegerField(read_only=True)
        stage = serializers.ChoiceField(choices=Stage.choices)
        changed_on = serializers.DateField(required=False)
        note = serializers.CharField(required=False, allow_blank=True, default="")
        changed_by = serializers.IntegerField(source="changed_by_id", read_only=True, allow_null=True)

    @extend_schema(responses=StageChangeSerializer(many=True))
    def get(self, request, branch_id: int):
        branch = selectors.access_branch_by_id(tenant=self.tenant, actor=self.actor, id=branch_id)
        changes = branch.stage_changes.filter(tenant=self.tenant).order_by("changed_on", "id")
        return Response(self.StageChangeSerializer(changes, many=True).data)

    @extend_schema(request=StageChangeSerializer, responses={201: StageChangeSerializer})
    def post(self, request, branch_id: int):
        branch = selectors.access_branch_by_id(tenant=self.tenant, actor=self.actor, id=branch_id)
        serializer = self.StageChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        change = services.branch_stage_change(
            tenant=self.tenant,
            actor=self.actor,
            branch=branch,
            stage=data["stage"],
            changed_on=data.get("changed_on"),
            note=data["note"],
        )
        return Response(self.StageChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class RosterApi(MemberAPIMixin, APIView):
    """Everyone who has been on a branch's roster (those who left too); POST adds a person."""

    class StaffInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=50)
        role = serializers.ChoiceField(choices=StaffRole.choices)
        phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        notes = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
        joined_on = serializers.DateField(required=False)

    @extend_schema(responses=BranchStaffOutputSerializer(many=True))
    def get(self, request, branch_id: int):
        branch = selectors.access_branch_by_id(tenant=self.tenant, actor=self.actor, id=branch_id)
        return Response(
            BranchStaffOutputSerializer(selectors.roster(tenant=self.tenant, branch=branch), many=True).data
        )

    @extend_schema(request=StaffInputSerializer, responses={201: BranchStaffOutputSerializer})
    def post(self, request, branch_id: int):
        branch = selectors.access_branch_by_id(tenant=self.tenant, actor=self.actor, id=branch_id)
        serializer = self.StaffInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        staff = roster_services.staff_add(
            tenant=self.tenant, actor=self.actor, branch=branch, **serializer.validated_data
        )
        return Response(BranchStaffOutputSerializer(staff).data, status=status.HTTP_201_CREATED)


class RosterMemberApi(MemberAPIMixin, APIView):
    """One person on the roster: PATCH ``phone``, ``notes`` or ``left_on`` (they stay in the history)."""

    class StaffUpdateSerializer(serializers.Serializer):
        phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
        notes = serializers.CharField(max_length=500, required=False, allow_blank=True)
        left_on = serializers.DateField(required=False)

    @extend_schema(request=StaffUpdateSerializer, responses=BranchStaffOutputSerializer)
    def patch(self, request, branch_id: int, staff_id: int):
        branch = selectors.access_branch_by_id(tenant=self.tenant, actor=self.actor, id=branch_id)
        staff = get_in_scope_or_404(selectors.roster(tenant=self.tenant, branch=branch), staff_id)
        serializer = self.StaffUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        staff = roster_services.staff_update(
            tenant=self.tenant, actor=self.actor, staff=staff, **serializer.validated_data
        )
        return Response(BranchStaffOutputSerializer(staff).data)


class BankApi(MemberAPIMixin, APIView):
    """The tenant's partner banks ``{id, code, name}``; a tenant admin adds one."""

    class BankSerializer(serializers.Serializer):
        id = serializers.IntegerField(read_only=True)
        code = serializers.CharField(max_length=40)
        name = serializers.CharField(max_length=100)

    @extend_schema(responses=BankSerializer(many=True))
    def get(self, request):
        selectors.require_bancassurance_reader(self.actor)
        return Response(self.BankSerializer(selectors.bank_list(tenant=self.tenant), many=True).data)

    @extend_schema(request=BankSerializer, responses={201: BankSerializer})
    def post(self, request):
        serializer = self.BankSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bank = services.bank_create(tenant=self.tenant, actor=self.actor, **serializer.validated_data)
        return Response(self.BankSerializer(bank).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("banks/", BankApi.as_view(), name="bancassurance-banks"),
    path("branches/", BranchListCreateApi.as_view(), name="bancassurance-branches"),
    path("branches/<int:branch_id>/", BranchDetailApi.as_view(), name="bancassurance-branch"),
    path("branches/<int:branch_id>/stages/", StageHistoryApi.as_view(), name="bancassurance-branch-stages"),
    path("branches/<int:branch_id>/staff/", RosterApi.as_view(), name="bancassurance-branch-staff"),
    path(
        "branches/<int:branch_id>/staff/<int:staff_id>/",
        RosterMemberApi.as_view(),
        name="bancassurance-branch-staff-member",
    ),
]

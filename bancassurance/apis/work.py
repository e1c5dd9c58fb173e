"""REST endpoints of the channel's work: contacts, events, weekly plans, compliance, KPIs and standards."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bancassurance.models import BancassurancePolicy, ContactKind, CustomerTier, EventKind
from bancassurance.selectors import branches as selectors
from bancassurance.selectors.compliance import week_compliance, week_of
from bancassurance.selectors.kpis import GROUPS, kpi_report, targets_of
from bancassurance.selectors.plans import plan_progress
from bancassurance.services import field_work
from bancassurance.services import plans as plan_services
from bancassurance.services.standards import FIELDS as STANDARD_FIELDS
from bancassurance.services.standards import standards_update
from salesops.api.serializers import DateRangeFilterSerializer
from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org.selectors import tenant_today


class ContactOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    branch = serializers.IntegerField(source="branch_id")
    staff = serializers.IntegerField(source="staff_id")
    staff_name = serializers.CharField(source="staff.name")
    date = serializers.DateField(source="contacted_on")
    kind = serializers.ChoiceField(choices=ContactKind.choices)
    openings = serializers.IntegerField()
    notes = serializers.CharField()
    contacted_by = serializers.IntegerField(source="contacted_by_id", allow_null=True)


class ContactApi(MemberAPIMixin, APIView):
    """A branch's contacts, the latest first (``from``, ``to``); POST logs one ``{staff, date, kind, notes}``."""

    class ContactFilterSerializer(DateRangeFilterSerializer):
        pass

    class ContactInputSerializer(serializers.Serializer):
        staff = serializers.IntegerField()
        date = serializers.DateField()
        kind = serializers.ChoiceField(choices=ContactKind.choices, default=ContactKind.VISIT)
        openings = serializers.IntegerField(required=False, default=0)
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(parameters=[ContactFilterSerializer], responses=ContactOutputSerializer(many=True))
    def get(self, request, branch_id: int):
        branch = selectors.access_branch_by_id(tenant=self.tenant, actor=self.actor, id=branch_id)
        filters = self.ContactFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.contact_list(
            tenant=self.tenant, actor=self.actor, filters={**filters.validated_data, "branch": branch}
        )
        return paginated_response(
            queryset=queryset, serializer_class=ContactOutputSerializer, request=request, view=self
        )

    @extend_schema(request=ContactInputSerializer, responses={201: ContactOutputSerializer})
    def post(self, request, branch_id: int):
        branch = selectors.access_branch_by_id(tenant=self.tenant, actor=self.actor, id=branch_id)
        serializer = self.ContactInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contact = field_work.contact_log(
            tenant=self.tenant,
            actor=self.actor,
            branch=branch,
            staff_id=data["staff"],
            contacted_on=data["date"],
            kind=data["kind"],
            openings=data["openings"],
            notes=data["notes"],
        )
        return Response(ContactOutputSerializer(contact).data, status=status.HTTP_201_CREATED)


class EventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    branch = serializers.IntegerField(source="branch_id")
    kind = serializers.ChoiceField(choices=EventKind.choices)
    date = serializers.DateField(source="held_on")
    customer_tier = serializers.ChoiceField(choices=CustomerTier.choices)
    attendees = serializers.IntegerField()
    leads = serializers.IntegerField()
    policies = serializers.IntegerField()
    notes = serializers.CharField()
    organised_by = serializers.IntegerField(source="organised_by_id", allow_null=True)


class EventApi(MemberAPIMixin, APIView):
    """Events at the branches in scope, the latest first; POST records one at a branch the caller sees."""

    class EventFilterSerializer(DateRangeFilterSerializer):
        branch = serializers.IntegerField(required=False)
        kind = serializers.ChoiceField(choices=EventKind.choices, required=False)
        customer_tier = serializers.ChoiceField(choices=CustomerTier.choices, required=False)

    class EventInputSerializer(serializers.Serializer):
        branch = serializers.IntegerField()
        kind = serializers.ChoiceField(choices=EventKind.choices)
        date = serializers.DateField()
        customer_tier = serializers.ChoiceField(choices=CustomerTier.choices)
        attendees = serializers.IntegerField()
        leads = serializers.IntegerField()
        policies = serializers.IntegerField()
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(parameters=[EventFilterSerializer], responses=EventOutputSerializer(many=True))
    def get(self, request):
        filters = self.EventFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.event_list(tenant=self.tenant, actor=self.actor, filters=filters.validated_data)
        return paginated_response(queryset=queryset, serializer_class=EventOutputSerializer, request=request, view=self)

    @extend_schema(request=EventInputSerializer, responses={201: EventOutputSerializer})
    def post(self, request):
        selectors.require_bancassurance_reader(self.actor)
        serializer = self.EventInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The branch is a field here: another tenant's or staff member's is an unknown branch (400), not a 404.
        branch = selectors.branch_list(tenant=self.tenant, actor=self.actor).filter(pk=data["branch"]).first()
        if branch is None:
            raise serializers.ValidationError({"branch": [_("Unknown branch.")]})
        event = field_work.event_record(
            tenant=self.tenant,
            actor=self.actor,
            branch=branch,
            kind=data["kind"],
            held_on=data["date"],
            customer_tier=data["customer_tier"],
            attendees=data["attendees"],
            leads=data["leads"],
            policies=data["policies"],
            notes=data["notes"],
        )
        return Response(EventOutputSerializer(event).data, status=status.HTTP_201_CREATED)


class WeeklyPlanOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="plan.id")
    member = serializers.IntegerField(source="plan.member_id")
    week_start = serializers.DateField(source="plan.week_start")
    contacts_planned = serializers.IntegerField(source="plan.contacts_planned")
    events_planned = serializers.IntegerField(source="plan.events_planned")
    policies_planned = serializers.IntegerField(source="plan.policies_planned")
    contacts = serializers.IntegerField()
    events = serializers.IntegerField()
    policies = serializers.IntegerField()
    contacts_completion = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    events_completion = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    policies_completion = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    plan_notes = serializers.CharField(source="plan.plan_notes")
    check_notes = serializers.CharField(source="plan.check_notes")
    act_notes = serializers.CharField(source="plan.act_notes")
    reviewed_at = serializers.DateTimeField(source="plan.reviewed_at", allow_null=True)


def _progress_of(tenant, plans):
    return plan_progress(tenant=tenant, plans=list(plans))


class PlanApi(MemberAPIMixin, APIView):
    """Weekly plans (PDCA) in scope with what each week came to; POST makes one (the caller's by default)."""

    class WeeklyPlanFilterSerializer(serializers.Serializer):
        member = serializers.IntegerField(required=False)
        week = serializers.DateField(required=False)

    class WeeklyPlanInputSerializer(serializers.Serializer):
        member = serializers.IntegerField(required=False, allow_null=True)
        week_start = serializers.DateField()
        contacts_planned = serializers.IntegerField()
        events_planned = serializers.IntegerField()
        policies_planned = serializers.IntegerField()
        plan_notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(parameters=[WeeklyPlanFilterSerializer], responses=WeeklyPlanOutputSerializer(many=True))
    def get(self, request):
        filters = self.WeeklyPlanFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.plan_list(tenant=self.tenant, actor=self.actor, filters=filters.validated_data)
        return paginated_response(
            queryset=queryset,
            serializer_class=lambda page, many: WeeklyPlanOutputSerializer(_progress_of(self.tenant, page), many=many),
            request=request,
            view=self,
        )

    @extend_schema(request=WeeklyPlanInputSerializer, responses={201: WeeklyPlanOutputSerializer})
    def post(self, request):
        selectors.require_bancassurance_reader(self.actor)
        serializer = self.WeeklyPlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = plan_services.plan_create(
            tenant=self.tenant,
            actor=self.actor,
            member_id=data.get("member"),
            week_start=data["week_start"],
            planned={field: data[field] for field in plan_services.PLANNED},
            plan_notes=data["plan_notes"],
        )
        return Response(
            WeeklyPlanOutputSerializer(_progress_of(self.tenant, [plan])[0]).data, status=status.HTTP_201_CREATED
        )


class PlanDetailApi(MemberAPIMixin, APIView):
    """One weekly plan; PATCH the planned numbers while the week runs, or ``check_notes`` / ``act_notes``."""

    class WeeklyPlanUpdateSerializer(serializers.Serializer):
        contacts_planned = serializers.IntegerField(required=False)
        events_planned = serializers.IntegerField(required=False)
        policies_planned = serializers.IntegerField(required=False)
        plan_notes = serializers.CharField(required=False, allow_blank=True)
        check_notes = serializers.CharField(required=False, allow_blank=True)
        act_notes = serializers.CharField(required=False, allow_blank=True)

    def plan(self, plan_id):
        return selectors.access_plan_by_id(tenant=self.tenant, actor=self.actor, id=plan_id)

    @extend_schema(responses=WeeklyPlanOutputSerializer)
    def get(self, request, plan_id: int):
        return Response(WeeklyPlanOutputSerializer(_progress_of(self.tenant, [self.plan(plan_id)])[0]).data)

    @extend_schema(request=WeeklyPlanUpdateSerializer, responses=WeeklyPlanOutputSerializer)
    def patch(self, request, plan_id: int):
        plan = self.plan(plan_id)
        serializer = self.WeeklyPlanUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        planned = {field: data[field] for field in plan_services.PLANNED if field in data}
        plan = plan_services.plan_update(
            tenant=self.tenant,
            actor=self.actor,
            plan=plan,
            planned=planned or None,
            plan_notes=data.get("plan_notes"),
            check_notes=data.get("check_notes"),
            act_notes=data.get("act_notes"),
        )
        return Response(WeeklyPlanOutputSerializer(_progress_of(self.tenant, [plan])[0]).data)


class KpisSerializer(serializers.Serializer):
    branches = serializers.IntegerField()
    active_branches = serializers.IntegerField()
    activity_rate = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    policies = serializers.IntegerField()
    policies_per_branch = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    premium = serializers.DecimalField(max_digits=16, decimal_places=2)
    premium_share = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    regular_premium = serializers.DecimalField(max_digits=16, decimal_places=2)
    single_premium = serializers.DecimalField(max_digits=16, decimal_places=2)
    single_per_regular = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    regular_single_ratio = serializers.CharField(allow_null=True)
    opening_volume = serializers.IntegerField()


class KpiGroupSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    kpis = KpisSerializer()


class KpiTargetsSerializer(serializers.Serializer):
    reached = serializers.IntegerField(allow_null=True)
    next = serializers.IntegerField(allow_null=True)
    ratio_target = serializers.DecimalField(max_digits=5, decimal_places=2)
    ratio_met = serializers.BooleanField(allow_null=True)


class KpiApi(MemberAPIMixin, APIView):
    """Branch KPIs from ``from`` to ``to`` (this month by default), by ``bank``/``staff``; ``by`` groups rows."""

    class KpiFilterSerializer(DateRangeFilterSerializer):
        bank = serializers.IntegerField(required=False)
        staff = serializers.IntegerField(required=False)
        by = serializers.ChoiceField(choices=GROUPS, required=False)

        def validate(self, attrs):
            if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
                raise serializers.ValidationError({"to": [_("The end comes before the start.")]})
            return attrs

    @extend_schema(parameters=[KpiFilterSerializer], responses=KpisSerializer)
    def get(self, request):
        selectors.require_bancassurance_reader(self.actor)
        filters = self.KpiFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        today = tenant_today(self.tenant)
        start = data.get("from") or today.replace(day=1)
        end = data.get("to") or today
        report = kpi_report(
            tenant=self.tenant,
            actor=self.actor,
            start=start,
            end=end,
            filters={"bank": data.get("bank"), "staff": data.get("staff")},
            by=data.get("by"),
        )
        body = {
            "from": start.isoformat(),
            "to": end.isoformat(),
            **KpisSerializer(report.total.as_dict()).data,
            "targets": KpiTargetsSerializer(targets_of(report.total, selectors.policy_for(self.tenant))).data,
        }
        if data.get("by"):
            body["rows"] = KpiGroupSerializer(
                [{**row, "kpis": row["kpis"].as_dict()} for row in report.rows], many=True
            ).data
        return Response(body)


class StaffComplianceSerializer(serializers.Serializer):
    staff = serializers.IntegerField(source="staff_id")
    name = serializers.CharField()
    role = serializers.CharField()
    contacts = serializers.IntegerField()
    days = serializers.IntegerField()
    required = serializers.IntegerField()
    met = serializers.BooleanField()


class BranchComplianceSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="branch.pk")
    code = serializers.CharField(source="branch.code")
    name = serializers.CharField(source="branch.name")
    people = serializers.IntegerField(source="headcount")
    met = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    staff = StaffComplianceSerializer(source="people", many=True)


class WeekComplianceSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    results = BranchComplianceSerializer(many=True)


class ComplianceApi(MemberAPIMixin, APIView):
    """Each branch's contact compliance in the week holding ``week`` (this week by default), falling short first."""

    class ComplianceFilterSerializer(serializers.Serializer):
        week = serializers.DateField(required=False)
        bank = serializers.IntegerField(required=False)
        staff = serializers.IntegerField(required=False)

    @extend_schema(parameters=[ComplianceFilterSerializer], responses=WeekComplianceSerializer)
    def get(self, request):
        filters = self.ComplianceFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        today = tenant_today(self.tenant)
        monday = week_of(data.get("week") or today)
        branches = list(selectors.branch_list(tenant=self.tenant, actor=self.actor, filters=data))
        rows = week_compliance(
            tenant=self.tenant, branches=branches, policy=selectors.policy_for(self.tenant), monday=monday, today=today
        )
        return Response({"week_start": monday.isoformat(), "results": BranchComplianceSerializer(rows, many=True).data})


class StandardsApi(MemberAPIMixin, APIView):
    """The tenant's contact standards and KPI targets; a company manager or an admin changes them."""

    class StandardsSerializer(serializers.ModelSerializer):
        class Meta:
            model = BancassurancePolicy
            fields = STANDARD_FIELDS

    @extend_schema(responses=StandardsSerializer)
    def get(self, request):
        selectors.require_bancassurance_reader(self.actor)
        return Response(self.StandardsSerializer(selectors.policy_for(self.tenant)).data)

    @extend_schema(request=StandardsSerializer, responses=StandardsSerializer)
    def patch(self, request):
        selectors.require_bancassurance_manager(self.actor)
        serializer = self.StandardsSerializer(selectors.policy_for(self.tenant), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        policy = standards_update(tenant=self.tenant, actor=self.actor, changes=dict(serializer.validated_data))
        return Response(self.StandardsSerializer(policy).data)


urlpatterns = [
    path("branches/<int:branch_id>/contacts/", ContactApi.as_view(), name="bancassurance-contacts"),
    path("events/", EventApi.as_view(), name="bancassurance-events"),
    path("plans/", PlanApi.as_view(), name="bancassurance-plans"),
    path("plans/<int:plan_id>/", PlanDetailApi.as_view(), name="bancassurance-plan"),
    path("kpis/", KpiApi.as_view(), name="bancassurance-kpis"),
    path("compliance/", ComplianceApi.as_view(), name="bancassurance-compliance"),
    path("standards/", StandardsApi.as_view(), name="bancassurance-standards"),
]

"""REST endpoints of service tickets (``renewals/tickets/``): complaints with response SLAs."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from renewals.models import ServiceTicket
from renewals.selectors import tickets as selectors
from renewals.selectors.cases import policy_for, require_renewal_reader
from renewals.services import tickets as services
from salesops.api.views import MemberAPIMixin, paginated_response


class TicketOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id", allow_null=True)
    customer = serializers.CharField()
    subject = serializers.CharField()
    description = serializers.CharField()
    severity = serializers.ChoiceField(choices=ServiceTicket.Severity.choices)
    status = serializers.ChoiceField(choices=ServiceTicket.Status.choices)
    owner = serializers.IntegerField(source="owner_id")
    opened_at = serializers.DateTimeField()
    respond_by = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    breached = serializers.SerializerMethodField()
    escalated_at = serializers.DateTimeField(allow_null=True)
    escalated_to = serializers.IntegerField(source="escalated_to_id", allow_null=True)
    resolution = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    callback_at = serializers.DateTimeField(allow_null=True)
    satisfaction = serializers.IntegerField(allow_null=True)
    callback_late = serializers.SerializerMethodField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_breached(self, ticket: ServiceTicket) -> bool:
        return services.is_breached(ticket, self.context["now"])

    def get_callback_late(self, ticket: ServiceTicket) -> bool:
        return services.callback_late(ticket, self.context["policy"])


class TicketMixin(MemberAPIMixin):
    def context(self) -> dict:
        return {"now": timezone.now(), "policy": policy_for(self.tenant)}


class TicketListCreateApi(TicketMixin, APIView):
    """Tickets in the caller's scope, open ones by deadline first; anyone in renewals opens one."""

    class TicketFilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=ServiceTicket.Status.choices, required=False)
        severity = serializers.ChoiceField(choices=ServiceTicket.Severity.choices, required=False)
        breached = serializers.BooleanField(required=False, default=False)

    class TicketInputSerializer(serializers.Serializer):
        customer = serializers.CharField(max_length=100)
        subject = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        severity = serializers.ChoiceField(
            choices=ServiceTicket.Severity.choices, default=ServiceTicket.Severity.NORMAL
        )
        owner = serializers.IntegerField(required=False, allow_null=True)
        case = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(parameters=[TicketFilterSerializer], responses=TicketOutputSerializer(many=True))
    def get(self, request):
        require_renewal_reader(self.actor)
        filters = self.TicketFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        context = self.context()
        queryset = selectors.ticket_list(
            tenant=self.tenant, actor=self.actor, filters={**filters.validated_data, "now": context["now"]}
        )
        paginated = paginated_response(
            queryset=queryset,
            serializer_class=lambda page, many: TicketOutputSerializer(page, many=many, context=context),
            request=request,
            view=self,
        )
        return paginated

    @extend_schema(request=TicketInputSerializer, responses={201: TicketOutputSerializer})
    def post(self, request):
        require_renewal_reader(self.actor)
        serializer = self.TicketInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ticket = services.ticket_create(
            tenant=self.tenant,
            actor=self.actor,
            customer=data["customer"],
            subject=data["subject"],
            description=data["description"],
            severity=data["severity"],
            owner_id=data.get("owner"),
            case_id=data.get("case"),
        )
        return Response(TicketOutputSerializer(ticket, context=self.context()).data, status=status.HTTP_201_CREATED)


class TicketDetailApi(TicketMixin, APIView):
    """One ticket; PATCH ``{"action": "respond" | "resolve" | "callback" | "close", "resolution", "satisfaction"}``."""

    class TicketActionInputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=list(services.STEPS))
        resolution = serializers.CharField(required=False, allow_blank=True, default="")
        satisfaction = serializers.IntegerField(required=False, allow_null=True)

    def ticket(self, ticket_id):
        return selectors.access_ticket_by_id(tenant=self.tenant, actor=self.actor, id=ticket_id)

    @extend_schema(responses=TicketOutputSerializer)
    def get(self, request, ticket_id: int):
        return Response(TicketOutputSerializer(self.ticket(ticket_id), context=self.context()).data)

    @extend_schema(request=TicketActionInputSerializer, responses=TicketOutputSerializer)
    def patch(self, request, ticket_id: int):
        ticket = self.ticket(ticket_id)
        serializer = self.TicketActionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ticket = services.ticket_act(
            tenant=self.tenant,
            actor=self.actor,
            ticket=ticket,
            action=data["action"],
            resolution=data["resolution"],
            satisfaction=data.get("satisfaction"),
        )
        return Response(TicketOutputSerializer(ticket, context=self.context()).data)


urlpatterns = [
    path("tickets/", TicketListCreateApi.as_view(), name="renewal-tickets"),
    path("tickets/<int:ticket_id>/", TicketDetailApi.as_view(), name="renewal-ticket"),
]

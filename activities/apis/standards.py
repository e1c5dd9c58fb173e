"""REST endpoints of the activity standards (API.md ``activities/standards/``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.selectors import standards as selectors
from activities.services import standards as services
from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org.models import Member


class StandardOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tier = serializers.ChoiceField(choices=Member.Tier.choices)
    effective_from = serializers.DateField()
    phone_appointments = serializers.IntegerField(allow_null=True)
    sales_interviews = serializers.IntegerField(allow_null=True)
    recruiting_interviews = serializers.IntegerField(allow_null=True)
    new_prospects = serializers.IntegerField(allow_null=True)
    referrals = serializers.IntegerField(allow_null=True)
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)
    created_at = serializers.DateTimeField()


class StandardListCreateApi(MemberAPIMixin, APIView):
    """Every tier's standards, newest first (every member reads them); tenant admins and company managers add one."""

    class StandardInputSerializer(serializers.Serializer):
        # null: the item has no standard. Ranges are checked by the service against the tenant's cap.
        tier = serializers.ChoiceField(choices=Member.Tier.choices)
        effective_from = serializers.DateField()
        phone_appointments = serializers.IntegerField(allow_null=True)
        sales_interviews = serializers.IntegerField(allow_null=True)
        recruiting_interviews = serializers.IntegerField(allow_null=True)
        new_prospects = serializers.IntegerField(allow_null=True)
        referrals = serializers.IntegerField(allow_null=True, required=False, default=None)

    @extend_schema(responses=StandardOutputSerializer(many=True))
    def get(self, request):
        return paginated_response(
            queryset=selectors.standard_list(tenant=self.tenant),
            serializer_class=StandardOutputSerializer,
            request=request,
            view=self,
        )

    @extend_schema(request=StandardInputSerializer, responses={201: StandardOutputSerializer})
    def post(self, request):
        # The role check comes before validation: an agent is told 403, not what was wrong with the body.
        services.require_standard_setter(self.actor)
        serializer = self.StandardInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        standard = services.standard_create(tenant=self.tenant, actor=self.actor, **serializer.validated_data)
        return Response(StandardOutputSerializer(standard).data, status=status.HTTP_201_CREATED)

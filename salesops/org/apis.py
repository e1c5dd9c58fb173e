"""REST endpoints of the org (API.md): auth token, me, units, members, channels, products."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org import selectors, services
from salesops.org.models import Member, OrgUnit


class TokenObtainApi(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class TokenInputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    @extend_schema(
        request=TokenInputSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
    )
    def post(self, request):
        serializer = self.TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # django-axes counts failures per request, so it needs the Django
        # request; once locked out, its middleware answers 429 instead.
        user = authenticate(request._request, **serializer.validated_data)
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": [_("Unable to log in with the username and password given.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        # A token login is a login: axes resets the failure count on this
        # signal, and Django records last_login.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class TenantOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class MeApi(MemberAPIMixin, APIView):
    """The caller's own membership: tenant, role, unit, tier, supervisor."""

    class MeOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField(source="user.username")
        display_name = serializers.CharField()
        tenant = TenantOutputSerializer()
        role = serializers.CharField()
        unit = serializers.IntegerField(source="unit_id")
        unit_name = serializers.CharField(source="unit.name")
        tier = serializers.CharField()
        supervisor = serializers.IntegerField(source="supervisor_id", allow_null=True)

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request):
        return Response(self.MeOutputSerializer(self.actor).data)


class UnitOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)


class UnitListCreateApi(MemberAPIMixin, APIView):
    """The org tree within the caller's scope; tenant admins add units."""

    class UnitInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices)
        parent = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(responses=UnitOutputSerializer(many=True))
    def get(self, request):
        return paginated_response(
            queryset=selectors.unit_list(tenant=self.tenant, actor=self.actor),
            serializer_class=UnitOutputSerializer,
            request=request,
            view=self,
        )

    @extend_schema(request=UnitInputSerializer, responses={201: UnitOutputSerializer})
    def post(self, request):
        serializer = self.UnitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = services.unit_create(
            tenant=self.tenant,
            actor=self.actor,
            name=data["name"],
            kind=data["kind"],
            parent_id=data.get("parent"),
        )
        return Response(UnitOutputSerializer(unit).data, status=status.HTTP_201_CREATED)


class UnitDetailApi(MemberAPIMixin, APIView):
    @extend_schema(responses=UnitOutputSerializer)
    def get(self, request, unit_id):
        unit = selectors.access_unit_by_id(tenant=self.tenant, actor=self.actor, id=unit_id)
        return Response(UnitOutputSerializer(unit).data)


class MemberOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    employee_no = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Member.Role.choices)
    unit = serializers.IntegerField(source="unit_id")
    tier = serializers.ChoiceField(choices=Member.Tier.choices)
    supervisor = serializers.IntegerField(source="supervisor_id", allow_null=True)
    hired_on = serializers.DateField(allow_null=True)
    active = serializers.BooleanField()


class MemberListCreateApi(MemberAPIMixin, APIView):
    """Members within the caller's scope; tenant admins add members (and their logins)."""

    class MemberFilterSerializer(serializers.Serializer):
        unit = serializers.IntegerField(required=False)
        role = serializers.ChoiceField(choices=Member.Role.choices, required=False)
        active = serializers.BooleanField(required=False, allow_null=True, default=None)

    class MemberInputSerializer(serializers.Serializer):
        username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
        password = serializers.CharField(required=False, write_only=True, trim_whitespace=False)
        display_name = serializers.CharField(max_length=100)
        employee_no = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
        role = serializers.ChoiceField(choices=Member.Role.choices)
        unit = serializers.IntegerField()
        tier = serializers.ChoiceField(choices=Member.Tier.choices, default=Member.Tier.MIDDLE)
        supervisor = serializers.IntegerField(required=False, allow_null=True)
        hired_on = serializers.DateField(required=False, allow_null=True)
        active = serializers.BooleanField(default=True)

    @extend_schema(parameters=[MemberFilterSerializer], responses=MemberOutputSerializer(many=True))
    def get(self, request):
        filters = self.MemberFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.member_list(tenant=self.tenant, actor=self.actor, filters=filters.validated_data)
        return paginated_response(
            queryset=queryset, serializer_class=MemberOutputSerializer, request=request, view=self
        )

    @extend_schema(request=MemberInputSerializer, responses={201: MemberOutputSerializer})
    def post(self, request):
        serializer = self.MemberInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = services.member_create(
            tenant=self.tenant,
            actor=self.actor,
            username=data["username"],
            password=data.get("password"),
            display_name=data["display_name"],
            employee_no=data["employee_no"],
            role=data["role"],
            unit_id=data["unit"],
            tier=data["tier"],
            supervisor_id=data.get("supervisor"),
            hired_on=data.get("hired_on"),
            active=data["active"],
        )
        return Response(MemberOutputSerializer(member).data, status=status.HTTP_201_CREATED)


class MemberDetailApi(MemberAPIMixin, APIView):
    @extend_schema(responses=MemberOutputSerializer)
    def get(self, request, member_id):
        member = selectors.access_member_by_id(tenant=self.tenant, actor=self.actor, id=member_id)
        return Response(MemberOutputSerializer(member).data)


class ReferenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ReferenceInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=100)


class _ReferenceListCreateApi(MemberAPIMixin, APIView):
    """Channels or products: every member reads them, tenant admins add them."""

    selector = None
    create_service = None

    @extend_schema(responses=ReferenceOutputSerializer(many=True))
    def get(self, request):
        return paginated_response(
            queryset=self.selector(tenant=self.tenant),
            serializer_class=ReferenceOutputSerializer,
            request=request,
            view=self,
        )

    @extend_schema(request=ReferenceInputSerializer, responses={201: ReferenceOutputSerializer})
    def post(self, request):
        serializer = ReferenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = self.create_service(tenant=self.tenant, actor=self.actor, **serializer.validated_data)
        return Response(ReferenceOutputSerializer(created).data, status=status.HTTP_201_CREATED)


class ChannelListCreateApi(_ReferenceListCreateApi):
    selector = staticmethod(selectors.channel_list)
    create_service = staticmethod(services.channel_create)


class ProductListCreateApi(_ReferenceListCreateApi):
    selector = staticmethod(selectors.product_list)
    create_service = staticmethod(services.product_create)

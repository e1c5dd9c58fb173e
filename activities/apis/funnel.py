"""REST endpoints of the sales funnel: a customer's stage and quotes, the conversion, the churn warning.

- ``customers/<id>/stage/`` POST ``{to_stage, changed_on?, reason?}``: move the customer (201, the change);
- ``customers/<id>/stages/`` GET: the stage history, the oldest first;
- ``customers/<id>/quotes/`` GET (the latest first), POST ``{product, premium, quoted_on}`` (201);
- ``funnel/`` GET ``from``, ``to``, ``unit``: the conversion of the caller's book, in total, per agent
  (against the team's median), team and branch (docs/customers-funnel.md says how it is counted);
- ``customers/churn-warnings/`` GET: customers with several quotes and no policy.

A customer id goes through ``access_customer_by_id``: another tenant's,
someone else's outside the caller's scope, or an erased customer is a 404;
bank staff and the renewal roles have no customer book (403).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.models.customers import Customer
from activities.selectors import funnel as selectors
from activities.selectors.customers import access_customer_by_id, require_book_reader
from activities.services import funnel as services
from salesops.api.serializers import DateRangeFilterSerializer
from salesops.api.views import MemberAPIMixin, paginated_response
from salesops.org.selectors import access_unit_by_id, tenant_today

RATE = {"max_digits": 5, "decimal_places": 4, "allow_null": True}


class StageChangeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer_id")
    from_stage = serializers.CharField()
    to_stage = serializers.ChoiceField(choices=Customer.Stage.choices)
    changed_on = serializers.DateField()
    reason = serializers.CharField()
    changed_by = serializers.IntegerField(source="changed_by_id", allow_null=True)
    changed_by_name = serializers.CharField(source="changed_by.display_name", allow_null=True, default=None)


class QuoteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer_id")
    product = serializers.CharField(source="product.code")
    product_name = serializers.CharField(source="product.name")
    premium = serializers.DecimalField(max_digits=14, decimal_places=2)
    quoted_on = serializers.DateField()
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)


class CustomerStageApi(MemberAPIMixin, APIView):
    """Move a customer to another funnel stage: forwards freely, backwards with a reason."""

    class StageChangeInputSerializer(serializers.Serializer):
        to_stage = serializers.ChoiceField(choices=Customer.Stage.choices)
        changed_on = serializers.DateField(required=False, allow_null=True)
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=StageChangeInputSerializer, responses={201: StageChangeOutputSerializer})
    def post(self, request, customer_id: int):
        customer = access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer_id)
        serializer = self.StageChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        change = services.stage_change(
            tenant=self.tenant,
            actor=self.actor,
            customer=customer,
            to_stage=data["to_stage"],
            changed_on=data.get("changed_on"),
            reason=data["reason"],
        )
        return Response(StageChangeOutputSerializer(change).data, status=status.HTTP_201_CREATED)


class CustomerStagesApi(MemberAPIMixin, APIView):
    """A customer's stage history, the oldest change first."""

    @extend_schema(responses=StageChangeOutputSerializer(many=True))
    def get(self, request, customer_id: int):
        customer = access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer_id)
        history = selectors.stage_history(tenant=self.tenant, customer=customer)
        return Response(StageChangeOutputSerializer(history, many=True).data)


class CustomerQuotesApi(MemberAPIMixin, APIView):
    """A customer's quotes; a new one moves an acquired or needs-analysis customer on to the proposal."""

    class QuoteInputSerializer(serializers.Serializer):
        product = serializers.CharField(max_length=40)
        premium = serializers.DecimalField(max_digits=14, decimal_places=2)
        quoted_on = serializers.DateField()

    @extend_schema(responses=QuoteOutputSerializer(many=True))
    def get(self, request, customer_id: int):
        customer = access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer_id)
        return Response(
            QuoteOutputSerializer(selectors.quote_list(tenant=self.tenant, customer=customer), many=True).data
        )

    @extend_schema(request=QuoteInputSerializer, responses={201: QuoteOutputSerializer})
    def post(self, request, customer_id: int):
        customer = access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer_id)
        serializer = self.QuoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        quote = services.quote_record(
            tenant=self.tenant,
            actor=self.actor,
            customer=customer,
            product_code=data["product"],
            premium=data["premium"],
            quoted_on=data["quoted_on"],
        )
        return Response(QuoteOutputSerializer(quote).data, status=status.HTTP_201_CREATED)


class FunnelStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    reached = serializers.IntegerField()
    rate_to_next = serializers.DecimalField(**RATE)


class FunnelStepSerializer(serializers.Serializer):
    step = serializers.CharField(help_text="from_stage→to_stage")
    rate = serializers.DecimalField(**RATE)
    team_median = serializers.DecimalField(**RATE)
    shortfall = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)


class FunnelUnitRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    reached = serializers.DictField(child=serializers.IntegerField())
    rates = serializers.DictField(child=serializers.DecimalField(**RATE))


class FunnelAgentRowSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    team = serializers.IntegerField()
    team_name = serializers.CharField()
    reached = serializers.DictField(child=serializers.IntegerField())
    steps = FunnelStepSerializer(many=True)
    losing_step = serializers.CharField(allow_null=True, help_text="The step with the largest shortfall, or null.")


class FunnelOutputSerializer(serializers.Serializer):
    from_ = serializers.DateField()
    to = serializers.DateField()
    unit = serializers.IntegerField(allow_null=True)
    stages = FunnelStageSerializer(many=True)
    agents = FunnelAgentRowSerializer(many=True)
    teams = FunnelUnitRowSerializer(many=True)
    branches = FunnelUnitRowSerializer(many=True)

    def get_fields(self):
        # "from" is a Python keyword, so the field is declared as from_.
        fields = super().get_fields()
        return {"from": fields.pop("from_"), **fields}


def step_key(step: int) -> str:
    return "→".join(selectors.STEPS[step])


def _reached(row: selectors.FunnelRow) -> dict[str, int]:
    return dict(zip(selectors.STAGES, row.reached, strict=True))


def _unit_row(row: selectors.FunnelRow) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "reached": _reached(row),
        "rates": {step_key(k): value for k, value in enumerate(row.rates)},
    }


def funnel_dict(funnel: selectors.Funnel) -> dict:
    """The API's shape of a funnel (also what the page's tables read)."""
    labels = dict(Customer.Stage.choices)
    total_rates = [*funnel.total.rates, None]
    return {
        "from": funnel.start,
        "to": funnel.end,
        "unit": funnel.unit.pk if funnel.unit else None,
        "stages": [
            {"stage": stage, "label": str(labels[stage]), "reached": count, "rate_to_next": total_rates[k]}
            for k, (stage, count) in enumerate(zip(selectors.STAGES, funnel.total.reached, strict=True))
        ],
        "agents": [
            {
                "member": row.id,
                "name": row.name,
                "team": row.team_id,
                "team_name": row.team_name,
                "reached": _reached(row),
                "steps": [
                    {"step": step_key(k), "rate": own, "team_median": median, "shortfall": shortfall}
                    for k, (own, median, shortfall) in enumerate(
                        zip(row.rates, row.team_median, row.shortfalls, strict=True)
                    )
                ],
                "losing_step": None if row.losing_step is None else step_key(row.losing_step),
            }
            for row in funnel.agents
        ],
        "teams": [_unit_row(row) for row in funnel.teams],
        "branches": [_unit_row(row) for row in funnel.branches],
    }


class FunnelApi(MemberAPIMixin, APIView):
    """The conversion between consecutive stages in the caller's book for a period (this quarter by default)."""

    class FunnelFilterSerializer(DateRangeFilterSerializer):
        unit = serializers.IntegerField(required=False)

    @extend_schema(parameters=[FunnelFilterSerializer], responses=FunnelOutputSerializer)
    def get(self, request):
        require_book_reader(self.actor)
        filters = self.FunnelFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        start, end = selectors.funnel_period(
            start=data.get("from"), end=data.get("to"), today=tenant_today(self.tenant)
        )
        unit = access_unit_by_id(tenant=self.tenant, actor=self.actor, id=data["unit"]) if "unit" in data else None
        funnel = selectors.funnel_conversion(tenant=self.tenant, actor=self.actor, start=start, end=end, unit=unit)
        return Response(FunnelOutputSerializer(funnel_dict(funnel)).data)


class ChurnWarningOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    stage = serializers.ChoiceField(choices=Customer.Stage.choices)
    owner = serializers.IntegerField(source="owner_id")
    owner_name = serializers.CharField(source="owner.display_name")
    quotes = serializers.IntegerField(source="quote_count")
    last_quoted_on = serializers.DateField()


class ChurnWarningsApi(MemberAPIMixin, APIView):
    """Customers with several quotes (the tenant's ``churn_quotes``, 3 by default) and no policy."""

    @extend_schema(responses=ChurnWarningOutputSerializer(many=True))
    def get(self, request):
        queryset = selectors.churn_warnings(tenant=self.tenant, actor=self.actor)
        return paginated_response(
            queryset=queryset, serializer_class=ChurnWarningOutputSerializer, request=request, view=self
        )


urlpatterns = [
    path("customers/churn-warnings/", ChurnWarningsApi.as_view(), name="customer-churn-warnings"),
    path("customers/<int:customer_id>/stage/", CustomerStageApi.as_view(), name="customer-stage"),
    path("customers/<int:customer_id>/stages/", CustomerStagesApi.as_view(), name="customer-stages"),
    path("customers/<int:customer_id>/quotes/", CustomerQuotesApi.as_view(), name="customer-quotes"),
    path("funnel/", FunnelApi.as_view(), name="customers-funnel"),
]

"""REST endpoints of the customer tiers and the needs analysis.

- ``customers/policy/``: the tenant's customer rules (tier thresholds, the
  household budget %, the churn warning); GET for anyone with a customer
  book, PATCH any of the fields for company managers and admins (errors by
  field, nothing saved; the book is re-tiered on the new rules);
- ``customers/tiers/?by=owner|unit``: the stored tiers counted per agent
  (or per agent's unit) over the caller's book, with the totals;
- ``customers/<id>/needs/``: GET the household facts, the saved needs
  analysis and the live tier with its reason and next action; POST
  ``{income, cover: {product code: annual premium}}`` runs the analysis
  and saves it. Both only for the owner and the supervisors over them
  (personal data); anyone else in scope gets 403, out of scope 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.models.customers import CustomerPolicy
from activities.selectors.customers import access_customer_by_id, reads_in_full, require_book_reader
from activities.selectors.tiers import SUMMARY_GROUPINGS, TierSummary, customer_verdict, policy_for, tier_summary
from activities.services.needs import needs_analyse
from activities.services.tiers import POLICY_FIELDS, customer_policy_update, require_policy_setter
from salesops.api.views import MemberAPIMixin
from salesops.org.selectors import tenant_today


class CustomerPolicyOutputSerializer(serializers.Serializer):
    tier_a_months = serializers.IntegerField(help_text="A: a contact within this many months …")
    tier_a_premium = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="… and premium above this")
    tier_b_months = serializers.IntegerField(help_text="B: a contact within this many months and no policy")
    tier_c_policy_months = serializers.IntegerField(help_text="C: the latest policy older than this many months")
    budget_low_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    budget_high_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    churn_quotes = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


def policy_data(policy: CustomerPolicy) -> dict:
    return {name: getattr(policy, name) for name in (*POLICY_FIELDS, "updated_at")}


class CustomerPolicyApi(MemberAPIMixin, APIView):
    """The tenant's customer rules: GET for anyone with a book; PATCH for company managers and admins."""

    class CustomerPolicyInputSerializer(serializers.Serializer):
        # For the schema only: the service checks the body itself, so that every error is named by its field.
        tier_a_months = serializers.IntegerField(required=False)
        tier_a_premium = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
        tier_b_months = serializers.IntegerField(required=False)
        tier_c_policy_months = serializers.IntegerField(required=False)
        budget_low_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
        budget_high_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
        churn_quotes = serializers.IntegerField(required=False)

    @extend_schema(responses=CustomerPolicyOutputSerializer)
    def get(self, request):
        require_book_reader(self.actor)
        return Response(CustomerPolicyOutputSerializer(policy_data(policy_for(self.tenant))).data)

    @extend_schema(request=CustomerPolicyInputSerializer, responses=CustomerPolicyOutputSerializer)
    def patch(self, request):
        require_policy_setter(self.actor)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": [_("Send an object of the fields to change.")]})
        policy = customer_policy_update(tenant=self.tenant, actor=self.actor, **dict(request.data))
        return Response(CustomerPolicyOutputSerializer(policy_data(policy)).data)


class TierCountsSerializer(serializers.Serializer):
    A = serializers.IntegerField()
    B = serializers.IntegerField()
    C = serializers.IntegerField()
    untiered = serializers.IntegerField()
    total = serializers.IntegerField()


class TierSummaryRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="the member (by=owner) or the unit (by=unit)")
    name = serializers.CharField()
    unit = serializers.CharField()
    employee_no = serializers.CharField()
    counts = TierCountsSerializer()


class TierSummaryOutputSerializer(serializers.Serializer):
    by = serializers.CharField()
    computed_on = serializers.DateField(allow_null=True, help_text="the latest nightly recompute")
    totals = TierCountsSerializer()
    rows = TierSummaryRowSerializer(many=True)


def summary_data(summary: TierSummary) -> dict:
    return {
        "by": summary.by,
        "computed_on": summary.computed_on,
        "totals": summary.totals.as_dict(),
        "rows": [
            {
                "id": row.key,
                "name": row.name,
                "unit": row.unit,
                "employee_no": row.employee_no,
                "counts": row.counts.as_dict(),
            }
            for row in summary.rows
        ],
    }


class CustomerTierSummaryApi(MemberAPIMixin, APIView):
    """The stored tiers counted over the caller's book, per agent (``by=owner``) or per unit (``by=unit``)."""

    class TierSummaryFilterSerializer(serializers.Serializer):
        by = serializers.ChoiceField(choices=SUMMARY_GROUPINGS, required=False, default="owner")

    @extend_schema(parameters=[TierSummaryFilterSerializer], responses=TierSummaryOutputSerializer)
    def get(self, request):
        require_book_reader(self.actor)
        filters = self.TierSummaryFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        summary = tier_summary(tenant=self.tenant, actor=self.actor, by=filters.validated_data["by"])
        return Response(TierSummaryOutputSerializer(summary_data(summary)).data)


class NeedsOutputSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    household = serializers.DictField(help_text="{income, cover: {product code: annual premium}, …}")
    needs = serializers.DictField(
        help_text="{income, budget_low, budget_high, existing, gap, above_budget, gaps: {code: amount}, on, by}"
    )
    tier = serializers.CharField(help_text="the tier on today's facts (A/B/C or empty)")
    tier_stored = serializers.CharField(help_text="the tier of the latest nightly recompute")
    tier_reason = serializers.CharField()
    next_action = serializers.CharField()


def needs_data(customer, verdict) -> dict:
    return {
        "customer": customer.pk,
        "household": dict(customer.household or {}),
        "needs": dict(customer.needs or {}),
        "tier": verdict.tier,
        "tier_stored": customer.tier,
        "tier_reason": verdict.reason,
        "next_action": verdict.next_action,
    }


class CustomerNeedsApi(MemberAPIMixin, APIView):
    """A customer's household facts and needs analysis: the owner and their supervisors only."""

    class NeedsInputSerializer(serializers.Serializer):
        # For the schema only: the service checks the body, every error by its field.
        income = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="household annual income, yuan")
        cover = serializers.DictField(
            child=serializers.DecimalField(max_digits=14, decimal_places=2),
            required=False,
            help_text="annual premium of the existing cover, by product code",
        )

    def _customer(self, customer_id: int):
        customer = access_customer_by_id(tenant=self.tenant, actor=self.actor, id=customer_id)
        if not reads_in_full(self.actor, customer):
            raise PermissionDenied(
                _("Only the customer's agent and their supervisors may see the household's figures.")
            )
        return customer

    @extend_schema(responses=NeedsOutputSerializer)
    def get(self, request, customer_id: int):
        customer = self._customer(customer_id)
        verdict = customer_verdict(tenant=self.tenant, customer=customer, today=tenant_today(self.tenant))
        return Response(NeedsOutputSerializer(needs_data(customer, verdict)).data)

    @extend_schema(request=NeedsInputSerializer, responses=NeedsOutputSerializer)
    def post(self, request, customer_id: int):
        customer = self._customer(customer_id)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": [_("Send an object with the income and the cover.")]})
        today = tenant_today(self.tenant)
        needs_analyse(
            tenant=self.tenant,
            actor=self.actor,
            customer=customer,
            income=request.data.get("income"),
            cover=request.data.get("cover"),
            today=today,
        )
        verdict = customer_verdict(tenant=self.tenant, customer=customer, today=today)
        return Response(NeedsOutputSerializer(needs_data(customer, verdict)).data)


urlpatterns = [
    path("customers/policy/", CustomerPolicyApi.as_view(), name="customer-policy"),
    path("customers/tiers/", CustomerTierSummaryApi.as_view(), name="customer-tiers"),
    path("customers/<int:customer_id>/needs/", CustomerNeedsApi.as_view(), name="customer-needs"),
]

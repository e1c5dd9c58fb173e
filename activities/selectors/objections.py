"""Reads of the objection library: search, one entry, a customer's objections, and what each one costs.

Everyone with a customer book (agents, supervisors, managers, tenant admins)
reads the whole library of their tenant; bank staff and the renewal roles
have no book (403).

What an objection costs (``objection_costs``), over the records whose
``raised_on`` lies in ``[date_from, date_to]`` (either end open when
``None``) and whose customer is in the actor's book scope (erased customers
included: their anonymous rows still count):

- ``raised``: the records of the objection (the same customer twice on two
  days counts twice);
- ``customers``: the distinct customers it came up with;
- ``signed``: of those, the customers who have signed: at the ``signed`` or
  ``service`` stage now, or with a sale record linked to them;
- ``lost`` = ``customers`` − ``signed``: the deals it came up in that are
  not (yet) won, the objection's cost;
- ``lost_share`` = ``lost`` / ``customers`` (a ``Decimal`` to 4 places).

Ranked by ``lost`` (most first), then ``raised``, then the title. Whether
a customer signed is read as of now, not as of ``date_to``: a deal won
after the period still counts as won.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from activities.models.customers import Customer, CustomerObjection, Objection
from activities.selectors.customers import customer_scope_q, require_book_reader
from salesops.org.models import Member, Tenant
from salesops.tenancy import get_in_scope_or_404
from targets.models import SaleRecord

SIGNED_STAGES = (Customer.Stage.SIGNED, Customer.Stage.SERVICE)
SEARCH_FIELDS = ("title", "keywords", "answer_case", "answer_data", "answer_clause")


def objection_list(*, tenant: Tenant, actor: Member, include_inactive: bool = False) -> QuerySet[Objection]:
    """Return the tenant's library by id (active entries only unless ``include_inactive``)."""
    require_book_reader(actor)
    queryset = Objection.objects.filter(tenant=tenant)
    if not include_inactive:
        queryset = queryset.filter(active=True)
    return queryset.order_by("id")


def objection_search(
    *, tenant: Tenant, actor: Member, q: str = "", include_inactive: bool = False
) -> QuerySet[Objection]:
    """Return the library entries matching every word of ``q`` in the title, keywords or answers.

    Chinese is written without spaces, so a word is a run of text between
    spaces ("社保" or "和家人 商量"); each must appear (case-insensitive) in
    one of the fields. Entries whose title holds the whole query come first,
    then by id. An empty query returns the library.
    """
    queryset = objection_list(tenant=tenant, actor=actor, include_inactive=include_inactive)
    query = " ".join((q or "").split())
    if not query:
        return queryset
    for word in query.split(" "):
        matches = Q()
        for name in SEARCH_FIELDS:
            matches |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(matches)
    return queryset.annotate(
        title_hit=Case(When(title__icontains=query, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("title_hit", "id")


def access_objection_by_id(*, tenant: Tenant, actor: Member, id: Any) -> Objection:
    """Return the library entry ``id`` of the tenant (inactive ones too); 404 when missing or another tenant's."""
    require_book_reader(actor)
    return get_in_scope_or_404(Objection.objects.filter(tenant=tenant), id)


def customer_objection_list(*, tenant: Tenant, customer: Customer) -> QuerySet[CustomerObjection]:
    """Return the objections recorded with ``customer`` (reached through ``access_customer_by_id``), latest first."""
    return (
        CustomerObjection.objects.filter(tenant=tenant, customer=customer)
        .select_related("objection", "recorded_by")
        .order_by("-raised_on", "-id")
    )


@dataclass(frozen=True)
class ObjectionCost:
    objection_id: int
    title: str
    active: bool
    raised: int
    customers: int
    signed: int

    @property
    def lost(self) -> int:
        return self.customers - self.signed

    @property
    def lost_share(self) -> Decimal | None:
        if not self.customers:
            return None
        return (Decimal(self.lost) / Decimal(self.customers)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def objection_costs(
    *, tenant: Tenant, actor: Member, date_from: date | None = None, date_to: date | None = None
) -> list[ObjectionCost]:
    """Return each objection raised in the period within the actor's book, ranked by the deals it cost.

    See the module docstring for the definitions; one aggregate query.
    """
    records = CustomerObjection.objects.filter(customer_scope_q(actor, prefix="customer__"), tenant=tenant)
    if date_from is not None:
        records = records.filter(raised_on__gte=date_from)
    if date_to is not None:
        records = records.filter(raised_on__lte=date_to)
    sold = SaleRecord.objects.filter(tenant=tenant, customer_id=OuterRef("customer_id"))
    signed = Q(customer__stage__in=SIGNED_STAGES) | Q(Exists(sold))
    rows = (
        records.values("objection_id", "objection__title", "objection__active")
        .annotate(
            raised=Count("id"),
            customers=Count("customer_id", distinct=True),
            signed=Count("customer_id", distinct=True, filter=signed),
        )
        .order_by()
    )
    costs = [
        ObjectionCost(
            objection_id=row["objection_id"],
            title=row["objection__title"],
            active=row["objection__active"],
            raised=row["raised"],
            customers=row["customers"],
            signed=row["signed"],
        )
        for row in rows
    ]
    costs.sort(key=lambda cost: (-cost.lost, -cost.raised, cost.title, cost.objection_id))
    return costs

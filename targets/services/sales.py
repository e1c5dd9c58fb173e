"""Writes of sale records: one at a time (the API's POST) or a whole export file.

Who may write: a tenant admin or any manager (``actor=None`` is the system
itself: a command or a task). The member a sale is credited to must lie in
the actor's scope; one outside it, of another tenant, or missing is the same
"Unknown member.".

``policy_no`` is the key of a sale within the tenant. An import is
idempotent: a row equal to the stored sale changes nothing (``unchanged``),
a row that differs updates it, a new policy number creates a sale. The
import works set-based: one query per reference table, one for the stored
sales of the file's policy numbers, then bulk inserts and updates, however
many rows the file has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.services.funnel import customer_for_sale, customer_sale_error, customer_signed_by_sale
from bancassurance.models import BankBranch
from dashboards.services.rollups import request_refresh
from salesops.org.models import Channel, Member, Product, Tenant
from salesops.org.selectors import members_by_key, tenant_today
from salesops.tenancy import member_scope_q
from targets.models import SaleRecord
from targets.sale_import import SaleFileError, SaleRow, read_sale_rows

SALE_WRITER_ROLES = frozenset({Member.Role.TENANT_ADMIN, Member.Role.MANAGER})
POLICY_NO_MAX_LENGTH = 40
# SaleRecord.premium is DECIMAL(14, 2).
PREMIUM_LIMIT = Decimal(10) ** 12
# SaleRecord.policies is a PostgreSQL integer.
POLICIES_LIMIT = 2**31 - 1
MAX_FILE_BYTES = 20 * 1024 * 1024
BATCH_SIZE = 1000
# The fields an import compares and, when they differ, updates.
SALE_FIELDS = (
    "member_id",
    "channel_id",
    "product_id",
    "premium",
    "policies",
    "sold_on",
    "customer_kind",
    "payment_mode",
    "bank_branch_id",
)


# Errors of one row are reported in the order of the file's columns.
FIELD_ORDER = {
    name: index
    for index, name in enumerate(
        [
            "policy_no",
            "member",
            "channel",
            "product",
            "premium",
            "policies",
            "sold_on",
            "customer_kind",
            "payment_mode",
            "bank_branch",
            "non_field_errors",
        ]
    )
}


class ImportMode(models.TextChoices):
    # Any bad row → nothing is saved; the report lists every bad row.
    ALL_OR_NOTHING = "all_or_nothing", gettext_lazy("All or nothing")
    # Good rows are saved; the report lists the bad ones, which are not.
    VALID_ROWS = "valid_rows", gettext_lazy("Valid rows only")


class RowError(TypedDict):
    row: int
    field: str
    message: str


@dataclass
class ImportResult:
    """What an import did: counts of sales created, updated and left as they were, and every bad row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def require_sale_writer(actor: Member | None) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may record sales."""
    if actor is not None and actor.role not in SALE_WRITER_ROLES:
        raise PermissionDenied(_("Only a tenant admin or a manager may record sales."))


def _scope(actor: Member | None, *, prefix: str = "") -> Q:
    return member_scope_q(actor, prefix=prefix) if actor is not None else Q()


# --- rules shared by the API's POST and the import ---------------------------


def premium_error(premium: Decimal) -> str | None:
    if premium < 0:
        return _("The premium cannot be negative.")
    if premium != premium.quantize(Decimal("0.01")):
        return _("The premium has at most 2 decimal places (fen).")
    if premium >= PREMIUM_LIMIT:
        return _("The premium is too large.")
    return None


def _policies_error(policies: int) -> str | None:
    # 0 is allowed: a rider, top-up or endorsement carries premium under its
    # own number without being a new policy in the count (件数).
    if policies < 0:
        return _("The number of policies cannot be negative.")
    if policies > POLICIES_LIMIT:
        return _("The number of policies is too large.")
    return None


def _sold_on_error(sold_on: date, today: date) -> str | None:
    if sold_on > today:
        return _("The date written cannot be in the future.")
    return None


def policy_no_error(policy_no: str) -> str | None:
    if not policy_no:
        return _("This field is required.")
    if len(policy_no) > POLICY_NO_MAX_LENGTH:
        return _("A policy number has at most 40 characters.")
    return None


# --- one sale -----------------------------------------------------------------


@transaction.atomic
def sale_record_create(
    *,
    tenant: Tenant,
    actor: Member | None,
    policy_no: str,
    member_id: int,
    channel_code: str,
    product_code: str,
    premium: Decimal,
    policies: int,
    sold_on: date,
    customer_kind: str,
    payment_mode: str,
    bank_branch_id: int | None = None,
    customer_id: int | None = None,
    today: date | None = None,
) -> SaleRecord:
    """Record one sale credited to ``member_id`` (a member in the actor's scope).

    ``today`` defaults to the tenant's local date; a sale dated after it is refused.
    ``customer_id`` links the sale to a customer in the member's book (an
    error on ``customer`` otherwise) and moves them on to ``signed``, dated
    the sale, unless they are signed or in service already.
    """
    require_sale_writer(actor)
    today = today or tenant_today(tenant)
    policy_no = (policy_no or "").strip()
    errors: dict[str, list[str]] = {}

    def check(name: str, message: str | None) -> None:
        if message:
            errors.setdefault(name, []).append(message)

    check("policy_no", policy_no_error(policy_no))
    if "policy_no" not in errors and SaleRecord.objects.filter(tenant=tenant, policy_no=policy_no).exists():
        check("policy_no", _("A sale with this policy number is already recorded."))
    member = Member.objects.filter(_scope(actor), tenant=tenant, pk=member_id).first()
    check("member", None if member else _("Unknown member."))
    channel = Channel.objects.filter(tenant=tenant, code=channel_code).first()
    check("channel", None if channel else _("Unknown channel."))
    product = Product.objects.filter(tenant=tenant, code=product_code).first()
    check("product", None if product else _("Unknown product."))
    check("premium", premium_error(premium))
    check("policies", _policies_error(policies))
    check("sold_on", _sold_on_error(sold_on, today))
    check("customer_kind", None if customer_kind in SaleRecord.CustomerKind.values else _("Unknown customer kind."))
    check("payment_mode", None if payment_mode in SaleRecord.PaymentMode.values else _("Unknown payment mode."))
    bank_branch = None
    if bank_branch_id is not None:
        bank_branch = BankBranch.objects.filter(tenant=tenant, pk=bank_branch_id).first()
        check("bank_branch", None if bank_branch else _("Unknown bank branch."))
    customer = None
    if customer_id is not None:
        customer = customer_for_sale(tenant=tenant, member_id=member.pk if member else None, customer_id=customer_id)
        check("customer", None if customer else customer_sale_error())
    if errors:
        raise ValidationError(errors)
    assert member is not None and channel is not None and product is not None  # unknown ones were reported above
    try:
        with transaction.atomic():  # a savepoint, so the outer transaction survives a clash
            sale = SaleRecord.objects.create(
                tenant=tenant,
                policy_no=policy_no,
                member=member,
                channel=channel,
                product=product,
                premium=premium,
                policies=policies,
                sold_on=sold_on,
                customer_kind=customer_kind,
                payment_mode=payment_mode,
                bank_branch=bank_branch,
                customer=customer,
            )
    except IntegrityError as error:
        # A concurrent request recorded the same policy number first.
        raise ValidationError({"policy_no": [_("A sale with this policy number is already recorded.")]}) from error
    if customer is not None:
        customer_signed_by_sale(tenant=tenant, actor=actor, customer=customer, sold_on=sold_on)
    request_refresh(tenant=tenant, member_days=[(member.pk, sold_on)])
    return sale


# --- a whole file ---------------------------------------------------------------


@dataclass
class _References:
    """The tenant's members (in scope), channels, products and branches the file names: one query each."""

    members: dict[str, int]  # employee number, username or id → member id
    channels: dict[str, int]
    products: dict[str, int]
    branches: dict[str, int]

    @classmethod
    def load(cls, *, tenant: Tenant, actor: Member | None, rows: list[SaleRow]) -> _References:
        member_keys = {row.member for row in rows if row.member}
        members = members_by_key(Member.objects.filter(_scope(actor), tenant=tenant), member_keys)
        return cls(
            members=members,
            channels=cls._codes_and_names(Channel, tenant, {row.channel for row in rows if row.channel}),
            products=cls._codes_and_names(Product, tenant, {row.product for row in rows if row.product}),
            branches=cls._codes(BankBranch, tenant, {row.bank_branch for row in rows if row.bank_branch}),
        )

    @staticmethod
    def _codes_and_names(model, tenant: Tenant, keys: set[str]) -> dict[str, int]:
        if not keys:
            return {}
        found = list(
            model.objects.filter(Q(code__in=keys) | Q(name__in=keys), tenant=tenant).values_list("pk", "code", "name")
        )
        # A code wins over a name if one tenant's code is another entry's name.
        return {**{name: pk for pk, _code, name in found}, **{code: pk for pk, code, _name in found}}

    @staticmethod
    def _codes(model, tenant: Tenant, keys: set[str]) -> dict[str, int]:
        if not keys:
            return {}
        return dict(model.objects.filter(tenant=tenant, code__in=keys).values_list("code", "pk"))

    def member_id(self, key: str) -> int | None:
        return self.members.get(key)


def read_upload(file: bytes | IO[bytes]) -> bytes:
    """Return an upload's bytes, reading at most one byte past the size limit."""
    if isinstance(file, bytes | bytearray | memoryview):
        return bytes(file)
    content = file.read(MAX_FILE_BYTES + 1)
    return content.encode() if isinstance(content, str) else content


def read_import_file(*, file: bytes | IO[bytes], filename: str, mode: str, read_rows: Callable[..., list]) -> list:
    """Check the mode and the size, then read the file's rows with ``read_rows``; a file error is on ``file``.

    Shared by every import (sale records, renewal cases): the same limits and messages.
    """
    if mode not in ImportMode.values:
        raise ValidationError({"mode": [_("Unknown import mode.")]})
    content = read_upload(file)
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError({"file": [_("The file is larger than 20 MB; split it into smaller files.")]})
    try:
        return read_rows(content, filename=filename or "")
    except SaleFileError as error:
        raise ValidationError({"file": [error.message]}) from error


def write_import_rows(model, to_create: list, to_update: list, *, fields: list[str]) -> None:
    """Insert and update an import's rows in bulk; a policy number taken meanwhile is an error on ``file``."""
    try:
        with transaction.atomic():  # a savepoint, so the outer transaction survives a clash
            model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
            model.objects.bulk_update(to_update, fields=fields, batch_size=BATCH_SIZE)
    except IntegrityError as error:
        # Another import (or a hand-made record) took some of these policy numbers since we looked.
        message = _("Another import recorded some of these policy numbers at the same time; import the file again.")
        raise ValidationError({"file": [message]}) from error


def _check_row(
    row: SaleRow,
    *,
    references: _References,
    outside_scope: bool,
    first_row_of: dict[str, int],
    today: date,
) -> tuple[list[tuple[str, str]], dict]:
    """Return the row's errors (in column order) and, if it has none, the sale's field values.

    ``outside_scope``: the policy number is stored for a member the actor
    may not see, so the actor may not overwrite it. ``first_row_of``
    remembers where each policy number first appeared: that row counts, a
    later one repeating it is reported.
    """
    errors = list(row.errors)

    def check(name: str, message: str | None) -> None:
        if message:
            errors.append((name, message))

    if row.policy_no:
        check("policy_no", policy_no_error(row.policy_no))
        if row.policy_no in first_row_of:
            check(
                "policy_no",
                _("Policy number %(policy_no)s repeats row %(row)s.")
                % {"policy_no": row.policy_no, "row": first_row_of[row.policy_no]},
            )
        else:
            first_row_of[row.policy_no] = row.row
        if outside_scope:
            check("policy_no", _("This policy number is recorded for a member outside your scope."))
    member_id = references.member_id(row.member) if row.member else None
    if row.member and member_id is None:
        check("member", _("Unknown member."))
    channel_id = references.channels.get(row.channel) if row.channel else None
    if row.channel and channel_id is None:
        check("channel", _("Unknown channel."))
    product_id = references.products.get(row.product) if row.product else None
    if row.product and product_id is None:
        check("product", _("Unknown product."))
    if row.premium is not None:
        check("premium", premium_error(row.premium))
    if row.policies is not None:
        check("policies", _policies_error(row.policies))
    if row.sold_on is not None:
        check("sold_on", _sold_on_error(row.sold_on, today))
    bank_branch_id = references.branches.get(row.bank_branch) if row.bank_branch else None
    if row.bank_branch and bank_branch_id is None:
        check("bank_branch", _("Unknown bank branch."))
    if errors:
        return sorted(errors, key=lambda error: FIELD_ORDER[error[0]]), {}
    return [], {
        "member_id": member_id,
        "channel_id": channel_id,
        "product_id": product_id,
        "premium": row.premium,
        "policies": row.policies,
        "sold_on": row.sold_on,
        "customer_kind": row.customer_kind,
        "payment_mode": row.payment_mode,
        "bank_branch_id": bank_branch_id,
    }


@transaction.atomic
def sale_records_import(
    *,
    tenant: Tenant,
    actor: Member | None,
    file: bytes | IO[bytes],
    filename: str,
    mode: str = ImportMode.ALL_OR_NOTHING,
    today: date | None = None,
) -> ImportResult:
    """Import an export file of sale records (CSV or XLSX; targets/sale_import.py reads it).

    Every bad row is reported as ``{row, field, message}`` with the row number
    the user sees in Excel. ``all_or_nothing``: any bad row and nothing is
    saved (all counts 0). ``valid_rows``: the good rows are saved, the bad ones
    reported. A file that cannot be read at all raises ``ValidationError``
    on ``file`` and saves nothing, in either mode.
    """
    require_sale_writer(actor)
    rows = read_import_file(file=file, filename=filename, mode=mode, read_rows=read_sale_rows)
    today = today or tenant_today(tenant)

    references = _References.load(tenant=tenant, actor=actor, rows=rows)
    policy_nos = {row.policy_no for row in rows if row.policy_no}
    stored = SaleRecord.objects.filter(tenant=tenant, policy_no__in=policy_nos)
    scope = _scope(actor, prefix="member__")
    # A stored sale credited to someone outside the actor's scope may not be
    # overwritten by them; the annotation tells in the same query.
    in_scope = Case(When(scope, then=Value(True)), default=Value(False)) if scope else Value(True)
    existing: dict[str, SaleRecord] = {}
    outside_scope: set[str] = set()
    for stored_sale in stored.annotate(in_scope=in_scope).order_by():  # no ordering needed: keyed by policy_no
        existing[stored_sale.policy_no] = stored_sale
        if not stored_sale.in_scope:
            outside_scope.add(stored_sale.policy_no)

    result = ImportResult()
    first_row_of: dict[str, int] = {}
    to_create: list[SaleRecord] = []
    to_update: list[SaleRecord] = []
    changed_days: list[tuple[int, date]] = []
    now = timezone.now()
    for row in rows:
        sale = existing.get(row.policy_no) if row.policy_no else None
        row_errors, values = _check_row(
            row,
            references=references,
            outside_scope=row.policy_no in outside_scope,
            first_row_of=first_row_of,
            today=today,
        )
        if row_errors:
            result.errors.extend(RowError(row=row.row, field=name, message=message) for name, message in row_errors)
        elif sale is None:
            assert row.policy_no  # a row without one was reported above
            to_create.append(SaleRecord(tenant=tenant, policy_no=row.policy_no, **values))
        elif all(getattr(sale, name) == value for name, value in values.items()):
            result.unchanged += 1
        else:
            # The member-day it leaves needs a refresh as much as the one it joins.
            changed_days.append((sale.member_id, sale.sold_on))
            for name, value in values.items():
                setattr(sale, name, value)
            sale.updated_at = now  # bulk_update does not apply auto_now
            to_update.append(sale)

    if result.errors and mode == ImportMode.ALL_OR_NOTHING:
        return ImportResult(errors=result.errors)
    write_import_rows(SaleRecord, to_create, to_update, fields=[*SALE_FIELDS, "updated_at"])
    result.created, result.updated = len(to_create), len(to_update)
    changed_days += [(sale.member_id, sale.sold_on) for sale in [*to_create, *to_update]]
    request_refresh(tenant=tenant, member_days=changed_days)
    return result

"""Writes of plans: create, allocate down the org tree, override an allocation.

Allocation reads the facts in four queries, computes every row in memory
(targets/allocation.py) and writes them with one COPY and a few set-based statements, so its
cost does not grow in queries with the org's size.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.services.rollups import request_quarter_refresh
from salesops.org.models import Channel, Member, OrgUnit, Product, Tenant
from targets.allocation import AgentFacts, AllocationConflict, PlanShape, UnitNode, allocate
from targets.models import Allocation, AllocationChange, Plan, PlanLine
from targets.quarters import FEN, to_units, unit_scale
from targets.selectors.plans import agent_production, plan_baseline

HUNDRED = Decimal(100)


def require_planner(actor: Member | None) -> None:
    """Plans are the company's: tenant admins and company-level managers set them."""
    if actor is None or actor.sets_company_policy:
        return
    raise PermissionDenied(_("Only a tenant admin or a company-level manager may set plans."))


def _require_overrider(actor: Member | None, allocation: Allocation) -> None:
    """Company planners override anything; a branch manager the units and agents below their branch."""
    if actor is None or actor.sets_company_policy:
        return
    if actor.role == Member.Role.MANAGER:
        below = allocation.unit.path.startswith(actor.unit.path) and allocation.unit_id != actor.unit_id
        if allocation.member_id is not None or below:
            return
        raise PermissionDenied(_("A branch's own target is set by the company."))
    raise PermissionDenied(_("Only managers may override allocations."))


def _decimal(value, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if not number.is_finite():
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    return number


def _check_amount(amount: Decimal, metric: str) -> str | None:
    """Return why ``amount`` is not a valid amount of the metric, or None."""
    if amount < 0:
        return _("The amount cannot be negative.")
    if metric == Plan.Metric.POLICIES and amount != amount.to_integral_value():
        return _("A policy count must be a whole number.")
    if amount != amount.quantize(FEN):
        return _("A premium has at most two decimal places (fen).")
    return None


def _percent_share(value, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    number = _decimal(value, field, errors)
    if number is None:
        return None
    if number < 0 or number > HUNDRED:
        errors.setdefault(field, []).append(_("A share is a percentage between 0 and 100."))
        return None
    return number / HUNDRED


@transaction.atomic
def plan_create(
    *,
    tenant: Tenant,
    actor: Member | None,
    year: int,
    quarter: int,
    metric: str,
    channel_lines: list[dict],
    total: Decimal | None = None,
    uplift: Decimal = Decimal(20),
    ramp_up_share: Decimal = Decimal(50),
    month_weights: list | None = None,
    tier_shares: dict | None = None,
    new_customer_share: Decimal = Decimal(40),
) -> Plan:
    """Create the quarter's plan. Percentages (uplift, shares) are given in percent: 30 means 30 %.

    Without ``total``, the total is the baseline × (1 + uplift).
    """
    require_planner(actor)
    errors: dict[str, list[str]] = {}
    if metric not in Plan.Metric.values:
        errors["metric"] = [_("Choose premium or policies.")]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("Enter a year between 2000 and 2100.")]
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = [_("The quarter is 1, 2, 3 or 4.")]
    elif not errors and Plan.objects.filter(tenant=tenant, year=year, quarter=quarter, metric=metric).exists():
        errors["quarter"] = [_("This quarter already has a plan for this metric.")]

    weights = [Decimal(3), Decimal(4), Decimal(3)] if month_weights is None else month_weights
    parsed_weights = [_decimal(weight, "month_weights", errors) for weight in weights]
    if "month_weights" not in errors:
        if len(parsed_weights) != 3:
            errors["month_weights"] = [_("Give one weight for each of the quarter's three months.")]
        elif any(weight is None or weight <= 0 for weight in parsed_weights):
            errors["month_weights"] = [_("Every month weight must be greater than zero.")]

    shares_in = tier_shares or {"top": Decimal(30), "middle": Decimal(50), "bottom": Decimal(20)}
    shares: dict[str, Decimal] = {}
    if set(shares_in) != {"top", "middle", "bottom"}:
        errors["tier_shares"] = [_("Give the top, middle and bottom shares.")]
    else:
        for tier in ("top", "middle", "bottom"):
            share = _percent_share(shares_in[tier], "tier_shares", errors)
            if share is not None:
                shares[tier] = share
        if "tier_shares" not in errors and sum(shares.values()) != 1:
            errors["tier_shares"] = [_("The tier shares must add up to 100.")]

    new_share = _percent_share(new_customer_share, "new_customer_share", errors)
    ramp = _percent_share(ramp_up_share, "ramp_up_share", errors)
    uplift_value = _decimal(uplift, "uplift", errors)
    if uplift_value is not None and uplift_value <= -HUNDRED:
        errors["uplift"] = [_("The uplift must be above -100 %.")]

    baseline = None
    if not errors and ramp is not None:
        baseline = plan_baseline(tenant=tenant, year=year, quarter=quarter, metric=metric, ramp_up_share=ramp)
    if total is None:
        if baseline is not None and uplift_value is not None:
            places = FEN if metric == Plan.Metric.PREMIUM else Decimal(1)
            total_value: Decimal | None = (baseline.baseline * (1 + uplift_value / HUNDRED)).quantize(places)
            if not total_value:
                errors["total"] = [_("There is no history to derive a total from: enter the total.")]
        else:
            total_value = None
    else:
        total_value = _decimal(total, "total", errors)
        if total_value is not None:
            problem = _check_amount(total_value, metric) if metric in Plan.Metric.values else None
            if problem or total_value == 0:
                errors["total"] = [problem or _("The total must be greater than zero.")]

    lines = _parse_lines(tenant=tenant, metric=metric, channel_lines=channel_lines, errors=errors)
    if total_value is not None and "channel_lines" not in errors and "total" not in errors:
        line_sum = sum(amount for _channel, _product, amount in lines)
        if line_sum != total_value:
            errors["channel_lines"] = [
                _("The channel lines add up to %(sum)s, not the total %(total)s.")
                % {"sum": line_sum, "total": total_value}
            ]
    if errors:
        raise ValidationError(errors)
    assert total_value is not None and baseline is not None and ramp is not None and new_share is not None

    plan = Plan.objects.create(
        tenant=tenant,
        year=year,
        quarter=quarter,
        metric=metric,
        baseline=baseline.baseline,
        uplift=(uplift_value or Decimal(0)) / HUNDRED,
        ramp_up_share=ramp,
        total=total_value,
        month_weights=[str(weight) for weight in parsed_weights],
        new_customer_share=new_share,
        tier_share_top=shares["top"],
        tier_share_middle=shares["middle"],
        tier_share_bottom=shares["bottom"],
        created_by=actor,
    )
    PlanLine.objects.bulk_create(
        PlanLine(tenant=tenant, plan=plan, channel=channel, product=product, amount=amount)
        for channel, product, amount in lines
    )
    return plan


def _parse_lines(*, tenant: Tenant, metric: str, channel_lines: list[dict], errors: dict[str, list[str]]):
    """Return [(channel, product, amount)], or record field errors under ``channel_lines``."""
    messages: list[str] = []
    if not channel_lines:
        errors["channel_lines"] = [_("Give at least one channel and product line.")]
        return []
    channels = {channel.code: channel for channel in Channel.objects.filter(tenant=tenant)}
    products = {product.code: product for product in Product.objects.filter(tenant=tenant)}
    seen = set()
    lines = []
    for number, line in enumerate(channel_lines, start=1):
        channel = channels.get(str(line.get("channel", "")))
        product = products.get(str(line.get("product", "")))
        if channel is None:
            messages.append(_("Line %(number)s: unknown channel.") % {"number": number})
        if product is None:
            messages.append(_("Line %(number)s: unknown product.") % {"number": number})
        amount = _decimal(line.get("amount"), "_line", {})
        problem = _("Enter a number.") if amount is None else _check_amount(amount, metric)
        if problem is None and amount == 0:
            problem = _("The amount must be greater than zero.")
        if problem:
            messages.append(_("Line %(number)s: %(problem)s") % {"number": number, "problem": problem})
        if channel and product:
            if (channel.pk, product.pk) in seen:
                messages.append(_("Line %(number)s repeats a channel and product.") % {"number": number})
            seen.add((channel.pk, product.pk))
        lines.append((channel, product, amount))
    if messages:
        errors["channel_lines"] = messages
    return lines


def plan_allocate(*, tenant: Tenant, actor: Member | None, plan: Plan) -> int:
    """Decompose ``plan`` down the org tree, keeping overrides; return the number of rows."""
    require_planner(actor)
    with transaction.atomic():
        count = _reallocate(tenant=tenant, plan=plan, error_field="non_field_errors")
        AllocationChange.objects.create(
            tenant=tenant, plan=plan, kind=AllocationChange.Kind.ALLOCATE, new_amount=plan.total, changed_by=actor
        )
    return count


def _reallocate(*, tenant: Tenant, plan: Plan, error_field: str = "amount") -> int:
    """Recompute every row of ``plan`` from the facts and its overrides, and write them."""
    # One allocation at a time per plan: a second waits rather than interleaving rows.
    locked = Plan.objects.select_for_update().get(tenant=tenant, pk=plan.pk)
    metric = locked.metric
    units = [
        UnitNode(id=unit_id, parent_id=parent_id, kind=kind, path=path)
        for unit_id, parent_id, kind, path in OrgUnit.objects.filter(tenant=tenant).values_list(
            "id", "parent_id", "kind", "path"
        )
    ]
    agents = [
        AgentFacts(
            member_id=record.member_id,
            unit_id=record.unit_id,
            production=to_units(record.production, metric),
            is_new=record.is_new,
        )
        for record in agent_production(tenant=tenant, year=locked.year, quarter=locked.quarter, metric=metric)
    ]
    overrides = {
        ("member", member_id) if member_id else ("unit", unit_id): to_units(amount, metric)
        for unit_id, member_id, amount in Allocation.objects.filter(
            tenant=tenant, plan=locked, overridden=True, month__isnull=True
        ).values_list("unit_id", "member_id", "amount")
    }
    shape = PlanShape(
        total=to_units(locked.total, metric),
        month_weights=tuple(Fraction(weight) for weight in locked.month_weights),
        months=tuple(locked.months),
        lines=tuple(
            (channel_id, product_id, to_units(amount, metric))
            for channel_id, product_id, amount in locked.lines.order_by("id").values_list(
                "channel_id", "product_id", "amount"
            )
        ),
        tier_shares={tier: Fraction(share) for tier, share in locked.tier_shares.items()},
        ramp_up_share=Fraction(locked.ramp_up_share),
    )
    try:
        result = allocate(plan=shape, units=units, agents=agents, overrides=overrides)
    except AllocationConflict as conflict:
        raise ValidationError({error_field: [str(conflict)]}) from conflict

    _write_rows(tenant=tenant, plan=locked, rows=result.rows, metric=metric)
    Plan.objects.filter(tenant=tenant, pk=locked.pk).update(allocated_at=timezone.now())
    # The quarter's rollup targets follow the new rows (the outbox, same transaction).
    request_quarter_refresh(tenant=tenant, year=locked.year, quarter=locked.quarter)
    return len(result.rows)


# A row's key: (unit, member, month, channel, product), empty parts as 0 so
# that the joins below can hash them (NULL never equals NULL).
_SAME_KEY = (
    "target.unit_id = stage.unit_id AND COALESCE(target.member_id, 0) = COALESCE(stage.member_id, 0) "
    "AND COALESCE(target.month, 0) = COALESCE(stage.month, 0) "
    "AND COALESCE(target.channel_id, 0) = COALESCE(stage.channel_id, 0) "
    "AND COALESCE(target.product_id, 0) = COALESCE(stage.product_id, 0)"
)


def _write_rows(*, tenant: Tenant, plan: Plan, rows, metric: str) -> None:
    """Make the plan's stored rows equal ``rows``, writing only what changed.

    The rows are staged with one COPY; then one UPDATE for changed amounts,
    one INSERT for new keys and one DELETE for keys that are gone (an agent
    who left). Rows that did not change are not written at all, and rows
    that remain keep their ids, so a client's link to an allocation survives
    a re-allocation.
    """
    scale = unit_scale(metric)

    def amount_text(units: int) -> str:
        return f"{units // 100}.{units % 100:02d}" if scale == 100 else str(units)

    def field(value) -> str:
        return r"\N" if value is None else str(value)

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE allocation_stage (unit_id bigint, member_id bigint, month smallint, "
            "channel_id bigint, product_id bigint, amount numeric(16, 2), tier varchar(10), overridden boolean) "
            "ON COMMIT DROP"
        )
        with cursor.copy(
            "COPY allocation_stage (unit_id, member_id, month, channel_id, product_id, amount, tier, overridden) "
            "FROM STDIN"
        ) as copy:
            # Text lines written in blocks: far cheaper than one write_row call per row.
            block: list[str] = []
            for unit_id, member_id, month, channel_id, product_id, amount, tier, overridden in rows:
                block.append(
                    f"{unit_id}\t{field(member_id)}\t{field(month)}\t{field(channel_id)}\t{field(product_id)}"
                    f"\t{amount_text(amount)}\t{tier}\t{'t' if overridden else 'f'}\n"
                )
                if len(block) >= 10_000:
                    copy.write("".join(block))
                    block.clear()
            copy.write("".join(block))
        if not Allocation.objects.filter(tenant=tenant, plan=plan).exists():
            # A first allocation: nothing to compare with, every row is new.
            cursor.execute(
                "INSERT INTO targets_allocation "
                "(tenant_id, plan_id, unit_id, member_id, month, channel_id, product_id, amount, tier, overridden) "
                "SELECT %s, %s, unit_id, member_id, month, channel_id, product_id, amount, tier, overridden "
                "FROM allocation_stage",
                [tenant.pk, plan.pk],
            )
            _update_member_tiers(cursor, tenant)
            cursor.execute("DROP TABLE allocation_stage")
            return
        cursor.execute("ANALYZE allocation_stage")  # temp tables are never auto-analysed
        cursor.execute(
            "UPDATE targets_allocation AS target "
            "SET amount = stage.amount, tier = stage.tier, overridden = stage.overridden "
            f"FROM allocation_stage AS stage WHERE target.tenant_id = %s AND target.plan_id = %s AND {_SAME_KEY} "
            "AND (target.amount, target.tier, target.overridden) "
            "IS DISTINCT FROM (stage.amount, stage.tier, stage.overridden)",
            [tenant.pk, plan.pk],
        )
        cursor.execute(
            "INSERT INTO targets_allocation "
            "(tenant_id, plan_id, unit_id, member_id, month, channel_id, product_id, amount, tier, overridden) "
            "SELECT %s, %s, unit_id, member_id, month, channel_id, product_id, amount, tier, overridden "
            "FROM allocation_stage AS stage WHERE NOT EXISTS (SELECT 1 FROM targets_allocation AS target "
            f"WHERE target.tenant_id = %s AND target.plan_id = %s AND {_SAME_KEY})",
            [tenant.pk, plan.pk, tenant.pk, plan.pk],
        )
        cursor.execute(
            "DELETE FROM targets_allocation AS target WHERE target.tenant_id = %s AND target.plan_id = %s "
            f"AND NOT EXISTS (SELECT 1 FROM allocation_stage AS stage WHERE {_SAME_KEY})",
            [tenant.pk, plan.pk],
        )
        _update_member_tiers(cursor, tenant)
        cursor.execute("DROP TABLE allocation_stage")


def _update_member_tiers(cursor, tenant: Tenant) -> None:
    """Store each agent's tier from the staged rows: the plan's ranking is the quarter's tiering.

    Activity standards are per tier, so the member's tier follows the latest allocation.
    """
    cursor.execute(
        "UPDATE org_member AS member SET tier = stage.tier FROM allocation_stage AS stage "
        "WHERE member.tenant_id = %s AND member.id = stage.member_id AND stage.month IS NULL "
        "AND member.tier <> stage.tier",
        [tenant.pk],
    )


@transaction.atomic
def allocation_override(
    *, tenant: Tenant, actor: Member | None, allocation: Allocation, amount: Decimal | None
) -> Allocation:
    """Fix a unit's or an agent's total at ``amount`` (None clears the override); rebalance its siblings."""
    _require_overrider(actor, allocation)
    # Lock the plan before touching any row: two overrides at once then run
    # one after the other instead of deadlocking on each other's rows.
    plan = Plan.objects.select_for_update().get(tenant=tenant, pk=allocation.plan_id)
    allocation.refresh_from_db()
    if allocation.month is not None:
        raise ValidationError(
            {"amount": [_("Override a unit's or an agent's total; its months, channels and products follow it.")]}
        )
    if allocation.member_id is None and allocation.unit.kind == OrgUnit.Kind.COMPANY:
        raise ValidationError({"amount": [_("The company's amount is the plan's total.")]})
    old_amount = allocation.amount
    if amount is None:
        kind = AllocationChange.Kind.CLEAR
        Allocation.objects.filter(tenant=tenant, pk=allocation.pk).update(overridden=False)
    else:
        errors: dict[str, list[str]] = {}
        number = _decimal(amount, "amount", errors)
        if number is None:
            raise ValidationError(errors)
        problem = _check_amount(number, plan.metric)
        if problem:
            raise ValidationError({"amount": [problem]})
        parent_amount = _parent_amount(allocation)
        if number > parent_amount:
            raise ValidationError(
                {
                    "amount": [
                        _("The override (%(amount)s) is larger than its parent's amount (%(parent)s).")
                        % {"amount": number, "parent": parent_amount}
                    ]
                }
            )
        kind = AllocationChange.Kind.OVERRIDE
        Allocation.objects.filter(tenant=tenant, pk=allocation.pk).update(overridden=True, amount=number)
    _reallocate(tenant=tenant, plan=plan)
    allocation.refresh_from_db()
    AllocationChange.objects.create(
        tenant=tenant,
        plan=plan,
        kind=kind,
        unit=allocation.unit,
        member=allocation.member,
        old_amount=old_amount,
        new_amount=allocation.amount,
        changed_by=actor,
    )
    return allocation


def _parent_amount(allocation: Allocation) -> Decimal:
    """Return the total of the unit above ``allocation``'s owner (the team for an agent)."""
    parent_unit_id = allocation.unit_id if allocation.member_id else allocation.unit.parent_id
    return Allocation.objects.get(
        tenant=allocation.tenant_id,
        plan=allocation.plan_id,
        unit_id=parent_unit_id,
        member__isnull=True,
        month__isnull=True,
    ).amount

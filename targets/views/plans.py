"""HTML pages of targets: the plan list, the plan wizard, the plan page with its drill-down, XLSX exports.

Pages read through the selectors with the acting member, so a page shows
exactly what the API would answer the same person. Writes happen in the
browser through the REST API (the wizard posts the plan, the plan page
allocates and overrides): the rules and their error messages stay in the
services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, numberformat
from django.utils.dateparse import parse_date
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from salesops.org import selectors as org_selectors
from salesops.org.models import Member, OrgUnit
from salesops.views import member_required
from targets import exports, figures
from targets.models import AllocationChange, Plan
from targets.quarters import next_quarter, quarter_of
from targets.selectors import plans as plan_selectors
from targets.selectors.attainment import Attainment, member_attainment, unit_drilldown
from targets.services.plans import require_planner

Role = Member.Role
# The roles with a place in the plan's tree: the navigation offers them the pages.
TARGET_ROLES = frozenset({Role.TENANT_ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.AGENT})
# The services let these override (a branch manager only below their branch, which
# is every child row they can reach); the page offers the edit button to them.
OVERRIDE_ROLES = frozenset({Role.TENANT_ADMIN, Role.MANAGER})
TEN_THOUSAND = Decimal(10000)
PREMIUM = Plan.Metric.PREMIUM


# ---------------------------------------------------------------------------
# Formatting: numbers in the user's locale, premiums in 万元 where they are large.


def format_number(value: Decimal | int, places: int) -> str:
    """Return ``value`` grouped by thousands (1,000,000.00), as finance sheets in both languages write it.

    Django's zh-Hans formats group nothing, which makes a 1000万 target hard to read.
    """
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)  # numberformat truncates
    return numberformat.format(rounded, ".", decimal_pos=places, grouping=3, thousand_sep=",", force_grouping=True)


def amount_text(value: Decimal, metric: str) -> str:
    """Return a table amount: yuan to the fen, or whole policies."""
    return format_number(value, 2 if metric == PREMIUM else 0)


def headline_text(value: Decimal, metric: str) -> str:
    """Return a headline amount with its unit: 万元 for premium, 件 for policies."""
    if metric == PREMIUM:
        return _("%(amount)s × 10k yuan") % {"amount": format_number(value / TEN_THOUSAND, 2)}
    return _("%(amount)s policies") % {"amount": format_number(value, 0)}


def percent_text(ratio: Decimal | None, places: int = 1) -> str:
    return "—" if ratio is None else f"{format_number(ratio * 100, places)}%"


def local_datetime_text(value: datetime | None, zone: ZoneInfo) -> str:
    """Return ``value`` in the tenant's time zone (the template's date filter would use the server's)."""
    return formats.date_format(value.astimezone(zone), "SHORT_DATETIME_FORMAT") if value else ""


def quarter_label(year: int, quarter: int) -> str:
    return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}


def month_name(month: int) -> str:
    return str(MONTHS[month])


def value_axis_label(metric: str) -> str:
    return _("Premium (10k yuan)") if metric == PREMIUM else _("Policies")


def amount_unit_label(metric: str) -> str:
    return _("yuan") if metric == PREMIUM else _("policies")


# ---------------------------------------------------------------------------
# Access


def _require_target_reader(actor: Member) -> None:
    if actor.role not in TARGET_ROLES:
        raise PermissionDenied


def is_planner(actor: Member) -> bool:
    try:
        require_planner(actor)
    except PermissionDenied:
        return False
    return True


def _plan_for(request, plan_id) -> Plan:
    actor = request.member
    _require_target_reader(actor)
    return plan_selectors.access_plan_by_id(tenant=actor.tenant, actor=actor, id=plan_id)


# ---------------------------------------------------------------------------
# The attainment table: one unit and its children, or an agent's own row.


@dataclass
class AttainmentTable:
    plan: Plan
    month: int | None
    as_of: date
    as_of_given: bool
    unit: OrgUnit | None  # None: the agent's own row
    breadcrumbs: list[OrgUnit]
    rows: list[Attainment]  # the unit itself first, then its child units or a team's agents

    @property
    def child_rows(self) -> list[Attainment]:
        return self.rows[1:] if self.unit is not None else self.rows

    def query(self, **changes) -> str:
        """Return the query string of this table with ``changes`` (None drops a parameter)."""
        params = {
            "unit": self.unit.pk if self.unit is not None else None,
            "month": self.month,
            "as_of": self.as_of.isoformat() if self.as_of_given else None,
        }
        params.update(changes)
        kept = {key: value for key, value in params.items() if value is not None}
        return f"?{urlencode(kept)}" if kept else "?"


def _month_param(request, plan: Plan) -> int | None:
    try:
        month = int(request.GET.get("month") or 0)
    except ValueError:
        return None
    return month if month in plan.months else None


def _as_of_param(request) -> date | None:
    try:
        return parse_date(request.GET.get("as_of") or "")
    except ValueError:
        return None


def _scope_root(actor: Member) -> OrgUnit:
    """Return the unit a leader's drill-down starts at: their own (a tenant admin: the company)."""
    if actor.role == Role.TENANT_ADMIN:
        company = org_selectors.unit_list(tenant=actor.tenant, actor=actor).filter(parent__isnull=True).first()
        if company is None:
            raise Http404
        return company
    return actor.unit


def attainment_table(request, plan: Plan) -> AttainmentTable:
    """Return the table the plan page shows for ``?unit=&month=&as_of=`` within the actor's scope.

    A unit outside the actor's subtree is a 404 (``access_unit_by_id``); an
    agent sees only their own row and opens no unit.
    """
    actor = request.member
    tenant = actor.tenant
    month = _month_param(request, plan)
    given_as_of = _as_of_param(request)
    as_of = given_as_of or org_selectors.tenant_today(tenant)
    common = {"plan": plan, "month": month, "as_of": as_of, "as_of_given": given_as_of is not None}
    if actor.role == Role.AGENT:
        if request.GET.get("unit"):
            raise Http404
        row = member_attainment(tenant=tenant, plan=plan, member=actor, month=month, as_of=as_of)
        return AttainmentTable(**common, unit=None, breadcrumbs=[], rows=[row])
    unit_id = request.GET.get("unit")
    if unit_id:
        unit = org_selectors.access_unit_by_id(tenant=tenant, actor=actor, id=unit_id)
    else:
        unit = _scope_root(actor)
    rows = unit_drilldown(tenant=tenant, plan=plan, unit=unit, month=month, as_of=as_of)
    path_ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    breadcrumbs = list(org_selectors.unit_list(tenant=tenant, actor=actor).filter(pk__in=path_ids))
    return AttainmentTable(**common, unit=unit, breadcrumbs=breadcrumbs, rows=rows)


def _total_allocations(actor: Member, plan: Plan, rows: list[Attainment]) -> dict[tuple[str, int], dict]:
    """Return the total allocation behind each row (its id for override and history), in one query."""
    unit_ids = [row.id for row in rows if row.scope == "unit"]
    member_ids = [row.id for row in rows if row.scope == "member"]
    if not rows:
        return {}
    totals = (
        plan_selectors.allocation_list(tenant=actor.tenant, actor=actor, filters={"plan": plan.pk, "totals": True})
        .filter(Q(member__isnull=True, unit_id__in=unit_ids) | Q(member_id__in=member_ids))
        .order_by()
        .values("id", "unit_id", "member_id", "overridden", "amount")
    )
    found = {}
    for total in totals:
        key = ("member", total["member_id"]) if total["member_id"] else ("unit", total["unit_id"])
        found[key] = total
    return found


def _kind_label(row: Attainment) -> str:
    return str(Role.AGENT.label if row.scope == "member" else OrgUnit.Kind(row.kind).label)


def _tier_label(tier: str) -> str:
    return str(Member.Tier(tier).label) if tier else ""


# ---------------------------------------------------------------------------
# Pages


@member_required
def plan_list_page(request):
    actor = request.member
    _require_target_reader(actor)
    zone = ZoneInfo(actor.tenant.time_zone)
    rows = [
        {
            "plan": plan,
            "quarter": quarter_label(plan.year, plan.quarter),
            "total": headline_text(plan.total, plan.metric),
            "allocated_at": local_datetime_text(plan.allocated_at, zone),
            "url": reverse("targets-plan", args=[plan.pk]),
        }
        for plan in plan_selectors.plan_list(tenant=actor.tenant)
    ]
    return render(request, "targets/plan_list.html", {"rows": rows, "can_plan": is_planner(actor)})


@member_required
def plan_wizard_page(request):
    actor = request.member
    if not is_planner(actor):
        message = _("Only a tenant admin or a company-level manager may set plans.")
        return render(request, "targets/forbidden.html", {"message": message}, status=403)
    tenant = actor.tenant
    year, quarter = next_quarter(*quarter_of(org_selectors.tenant_today(tenant)))
    labels = {
        "months": {month: month_name(month) for month in range(1, 13)},
        "line": _("Line %(number)s"),
        "sumMatches": _("The lines add up to the total."),
        "sumDiffers": _("The lines add up to %(sum)s; the total is %(total)s."),
        "noTotal": _("Enter the total first."),
        "splitTitle": _("Split by channel and product"),
        "monthsTitle": _("Split by month"),
        "monthAxis": _("Month"),
        "valueAxis": {"premium": value_axis_label("premium"), "policies": value_axis_label("policies")},
        "unit": {"premium": _("10k yuan"), "policies": _("policies")},
        "unitName": {"premium": amount_unit_label("premium"), "policies": amount_unit_label("policies")},
        "tenThousand": _("= %(amount)s × 10k yuan"),
        "noLines": _("Add a channel line with an amount to see the split."),
        "noBaseline": _("There is no history for this quarter: enter the total yourself."),
        "loading": _("Loading…"),
        "saving": _("Saving…"),
        "failed": _("The plan was not saved: see the messages next to the fields."),
        "unreachable": _("The server could not be reached. Try again."),
        "badWeights": _("Give each month a weight greater than zero."),
        "fields": {
            "channel": _("Channel"),
            "product": _("Product"),
            "amount": _("Amount"),
            **{tier: str(label) for tier, label in Member.Tier.choices},
        },
    }
    urls = {
        "plans": reverse("target-plans"),
        "baseline": reverse("target-plan-baseline"),
        "plan": reverse("targets-plan", args=[0]),
    }
    context = {
        "year": year,
        "quarter": quarter,
        "quarters": [(number, f"Q{number}") for number in (1, 2, 3, 4)],
        "metrics": Plan.Metric.choices,
        "channels": list(org_selectors.channel_list(tenant=tenant).values("code", "name")),
        "products": list(org_selectors.product_list(tenant=tenant).values("code", "name")),
        "presets": [("3:4:3", "3 : 4 : 3"), ("2:5:3", "2 : 5 : 3")],
        "labels": labels,
        "urls": urls,
    }
    return render(request, "targets/plan_wizard.html", context)


@member_required
def plan_page(request, plan_id):
    actor = request.member
    plan = _plan_for(request, plan_id)
    tenant = actor.tenant
    table = attainment_table(request, plan)
    allocations = _total_allocations(actor, plan, table.rows)
    threshold = tenant.deviation_threshold
    may_override = actor.role in OVERRIDE_ROLES and plan.allocated_at is not None
    rows = []
    for index, row in enumerate(table.rows):
        is_self = table.unit is not None and index == 0
        allocation = allocations.get((row.scope, row.id))
        rows.append(
            {
                "row": row,
                "is_self": is_self,
                "kind": _kind_label(row),
                "tier": _tier_label(row.tier),
                "target": amount_text(row.target, plan.metric),
                "actual": amount_text(row.actual, plan.metric),
                "expected": amount_text(row.expected, plan.metric),
                "attainment": percent_text(row.attainment),
                "deviation": percent_text(row.deviation),
                "behind": row.deviation is not None and row.deviation < -threshold,
                "drill_url": table.query(unit=row.id) if row.scope == "unit" and not is_self else None,
                "allocation": allocation,
                "editable": may_override and not is_self and allocation is not None,
            }
        )
    chart = None
    if table.child_rows:
        chart = figures.target_actual_bars(
            names=[row.name for row in table.child_rows],
            targets=[row.target for row in table.child_rows],
            actuals=[row.actual for row in table.child_rows],
            scale=TEN_THOUSAND if plan.metric == PREMIUM else Decimal(1),
            labels=figures.BarLabels(
                title=_("Target and actual"),
                target=_("Target"),
                actual=_("Actual"),
                value_axis=value_axis_label(plan.metric),
            ),
        )
    zone = ZoneInfo(tenant.time_zone)
    new, existing = plan_selectors.plan_customer_split(plan)
    plan_url = reverse("targets-plan", args=[plan.pk])
    context = {
        "plan": plan,
        "quarter": quarter_label(plan.year, plan.quarter),
        "total": headline_text(plan.total, plan.metric),
        "total_exact": amount_text(plan.total, plan.metric),
        "baseline": headline_text(plan.baseline, plan.metric),
        "uplift": percent_text(plan.uplift),
        "allocated_at": local_datetime_text(plan.allocated_at, zone),
        "months": [
            (month_name(month), headline_text(amount, plan.metric))
            for month, amount in plan_selectors.plan_month_totals(plan)
        ],
        "customer_split": (headline_text(new, plan.metric), headline_text(existing, plan.metric)),
        "new_share": percent_text(plan.new_customer_share, 0),
        "existing_share": percent_text(1 - plan.new_customer_share, 0),
        "tier_shares": [(Member.Tier(tier).label, percent_text(share, 0)) for tier, share in plan.tier_shares.items()],
        "lines": [
            (line.channel.name, line.product.name, headline_text(line.amount, plan.metric)) for line in plan.lines.all()
        ],
        "table": table,
        "rows": rows,
        "breadcrumbs": [(unit.name, table.query(unit=unit.pk)) for unit in table.breadcrumbs],
        "month_tabs": [(_("Quarter"), table.query(month=None), table.month is None)]
        + [(month_name(month), table.query(month=month), table.month == month) for month in plan.months],
        "unit_label": amount_unit_label(plan.metric),
        "threshold": percent_text(-threshold, 0),
        "can_plan": is_planner(actor),
        "may_override": may_override,
        "chart": chart,
        "exports": {
            "allocations": reverse("targets-plan-allocations-xlsx", args=[plan.pk]),
            "attainment": reverse("targets-plan-attainment-xlsx", args=[plan.pk]) + table.query(),
        },
        "plan_url": plan_url,
        "api": {
            "allocate": reverse("target-plan-allocate", args=[plan.pk]),
            "allocation": reverse("target-allocation", args=[0]),
            "history": reverse("target-allocation-history", args=[0]),
        },
        "labels": {
            "allocating": _("Allocating… this may take a moment."),
            "saving": _("Saving…"),
            "unreachable": _("The server could not be reached. Try again."),
            "loading": _("Loading…"),
            "noHistory": _("No changes yet."),
            "historyLine": _("%(when)s · %(who)s: %(kind)s %(old)s → %(new)s"),
            "kinds": {value: str(label) for value, label in AllocationChange.Kind.choices},
            "system": _("system"),
        },
    }
    return render(request, "targets/plan_page.html", context)


# ---------------------------------------------------------------------------
# XLSX exports


def _filename(plan: Plan, what: str) -> str:
    return f"plan-{plan.year}-Q{plan.quarter}-{plan.metric}-{what}.xlsx"


@member_required
def allocations_xlsx(request, plan_id):
    """Every allocation row of the plan in the caller's scope: totals (no month) and cells."""
    actor = request.member
    plan = _plan_for(request, plan_id)
    amount_format = exports.amount_format(plan.metric)
    columns = [
        exports.Column(_("Unit"), width=20),
        exports.Column(_("Agent"), width=16),
        exports.Column(_("Employee number"), width=14),
        exports.Column(_("Tier"), width=10),
        exports.Column(_("Month"), width=8),
        exports.Column(_("Channel"), width=12),
        exports.Column(_("Product"), width=16),
        exports.Column(_("Amount"), amount_format, width=16),
        exports.Column(_("Overridden"), width=12),
    ]
    tiers = {value: str(label) for value, label in Member.Tier.choices}
    yes, no = _("Yes"), _("No")
    whole = plan.metric != PREMIUM
    records = (
        plan_selectors.allocation_list(tenant=actor.tenant, actor=actor, filters={"plan": plan.pk})
        .values_list(
            "unit__name",
            "member__display_name",
            "member__employee_no",
            "tier",
            "month",
            "channel__name",
            "product__name",
            "amount",
            "overridden",
        )
        .iterator(chunk_size=5000)
    )
    # Empty cells stay empty (None), not empty strings: filters in Excel then work.
    rows = (
        (
            unit,
            agent,
            employee_no or None,
            tiers.get(tier),
            month,
            channel,
            product,
            int(amount) if whole else amount,
            yes if overridden else no,
        )
        for unit, agent, employee_no, tier, month, channel, product, amount, overridden in records
    )
    content = exports.workbook_bytes(sheet_title=_("Allocations"), columns=columns, rows=rows)
    return exports.xlsx_response(content, _filename(plan, "allocations"))


@member_required
def attainment_xlsx(request, plan_id):
    """The attainment table of the plan page, for the same ``?unit=&month=&as_of=``."""
    plan = _plan_for(request, plan_id)
    table = attainment_table(request, plan)
    amount_format = exports.amount_format(plan.metric)
    columns = [
        exports.Column(_("Name"), width=20),
        exports.Column(_("Kind"), width=10),
        exports.Column(_("Tier"), width=10),
        exports.Column(_("Target"), amount_format, width=16),
        exports.Column(_("Actual"), amount_format, width=16),
        exports.Column(_("Attainment"), exports.PERCENT_FORMAT, width=12),
        exports.Column(_("Expected to date"), amount_format, width=16),
        exports.Column(_("Deviation"), exports.PERCENT_FORMAT, width=12),
    ]
    rows = [
        (
            row.name,
            _kind_label(row),
            _tier_label(row.tier) or None,
            row.target,
            row.actual,
            row.attainment,
            row.expected,
            row.deviation,
        )
        for row in table.rows
    ]
    content = exports.workbook_bytes(sheet_title=_("Attainment"), columns=columns, rows=rows)
    return exports.xlsx_response(content, _filename(plan, "attainment"))

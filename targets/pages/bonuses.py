"""The bonus page (``/bonuses/``): a period's bonuses on the tenant's tiers, and running them for payroll.

Everyone with bonuses to see opens it (an agent their own line, a leader
their subtree, a company manager or admin everyone). It shows the tiers,
each member's attainment against them (chart and table, XLSX via
``bonuses-page-xlsx``), and whether the period was paid to payroll — on
which day, by whom — or is a preview. A company manager runs an ended
period ("Run and export for payroll": the run is made once, then the
payroll XLSX downloads; running again gives the same file), downloads an
earlier run's file, and edits the tiers (errors by field, nothing saved, 400).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from dashboards.pages import DashboardFilters, export_table, render_dashboard
from dashboards.periods import Period
from salesops.forms import add_service_errors
from salesops.org.selectors import tenant_today
from salesops.views import member_required
from targets.exports import xlsx_response
from targets.pages import bonuses_content as content
from targets.selectors.bonuses import (
    access_bonus_run_by_id,
    bonus_lines,
    payroll_rows,
    require_bonus_reader,
    require_bonus_runner,
)
from targets.selectors.incentive_policy import BonusTier
from targets.services.bonuses import bonus_run_create
from targets.services.incentive_policy import MAX_TIERS, incentive_policy_update

HUNDRED = Decimal(100)
# Blank tier rows offered below the tenant's tiers, to add one.
SPARE_TIER_ROWS = 2


class BonusFilters(DashboardFilters):
    """The period filter; by default the last month that has ended (the one a company manager runs)."""

    def default_period(self) -> Period:
        last = self.today.replace(day=1) - timedelta(days=1)
        return Period("month", last.year, last.month)


def _in_percent(value: Decimal) -> Decimal:
    """A ratio as the form shows it in %: 1.10 → 110, 0.125 → 12.5 (no exponent, no trailing zeros)."""
    number = value * HUNDRED
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


class TierForm(forms.Form):
    """The tiers in % (from 110 % of target, 15 % of premium); a blank row is no tier."""

    def __init__(self, data=None, *, tiers: list[BonusTier]):
        super().__init__(data)
        self.rows = min(MAX_TIERS, len(tiers) + SPARE_TIER_ROWS)
        for number in range(1, self.rows + 1):
            tier = tiers[number - 1] if number <= len(tiers) else None
            self.fields[f"from_{number}"] = forms.DecimalField(
                label=_("Tier %(number)d: from attainment (%% of target)") % {"number": number},
                required=False,
                min_value=0,
                max_value=1000,
                decimal_places=2,
                initial=_in_percent(tier.start) if tier else None,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )
            self.fields[f"rate_{number}"] = forms.DecimalField(
                label=_("Tier %(number)d: rate (%% of premium)") % {"number": number},
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
                initial=_in_percent(tier.rate) if tier else None,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )

    def clean(self):
        cleaned = super().clean()
        for number in range(1, self.rows + 1):
            start, rate = cleaned.get(f"from_{number}"), cleaned.get(f"rate_{number}")
            if f"from_{number}" in self.errors or f"rate_{number}" in self.errors:
                continue
            if start is None and rate is not None:
                self.add_error(f"from_{number}", _("Give the attainment this rate starts from."))
            elif rate is None and start is not None:
                self.add_error(f"rate_{number}", _("Give the rate paid from this attainment."))
        return cleaned

    def tiers(self) -> list[dict[str, str]]:
        """The tiers as the policy stores them: ratios as decimal strings (110 % → "1.1")."""
        tiers = []
        for number in range(1, self.rows + 1):
            start, rate = self.cleaned_data.get(f"from_{number}"), self.cleaned_data.get(f"rate_{number}")
            if start is not None and rate is not None:
                tiers.append({"from": str(start / HUNDRED), "rate": str(rate / HUNDRED)})
        return tiers


class RunForm(forms.Form):
    """The period shown, sent back with the button so that the period run is the one the manager looked at."""

    period = forms.CharField(widget=forms.HiddenInput)

    def clean_period(self) -> Period:
        period = Period.parse(self.cleaned_data["period"])
        if period is None:
            raise forms.ValidationError(_("Enter a month (2026-11) or a quarter (2026-Q4)."))
        return period


def _page(request, _object_id=None):
    actor = request.member
    tenant = actor.tenant
    require_bonus_reader(actor)
    today = tenant_today(tenant)
    filters = BonusFilters(request.GET, tenant=tenant, today=today, fields=("period",))
    filters.is_valid()
    period = filters.values()["period"]
    sheet = bonus_lines(tenant=tenant, actor=actor, period=period, today=today)
    runs = actor.sets_company_policy
    tables = {"bonuses": content.bonus_table(sheet), "tiers": content.tier_table(sheet.tiers)}
    context = {
        "form": filters,
        "values": {"period": period},
        "sheet": sheet,
        "tier_labels": [content.tier_label(tier) for tier in sheet.tiers],
        "paid": sum(1 for row in sheet.rows if row.bonus.amount),
        "runs": runs,
        "can_run": runs and sheet.ended and sheet.run is None and not filters.errors,
        "runs_from": period.end + timedelta(days=1),
        "payroll_url": reverse("bonuses-payroll", kwargs={"run_id": sheet.run.pk}) if runs and sheet.run else None,
    }
    return sheet, tables, context


@member_required
def bonuses_page(request):
    actor = request.member
    sheet, tables, context = _page(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    posted = request.POST if request.method == "POST" else None
    if action and not actor.sets_company_policy:
        raise PermissionDenied(_("Only a company manager or an administrator may do this."))
    tier_form = (
        TierForm(posted if action == "tiers" else None, tiers=sheet.tiers) if actor.sets_company_policy else None
    )
    run_form = RunForm(posted if action == "run" else None, initial={"period": sheet.period.key})
    if action == "run" and run_form.is_valid():
        try:
            run, created = bonus_run_create(
                tenant=actor.tenant,
                actor=actor,
                period=run_form.cleaned_data["period"],
                today=tenant_today(actor.tenant),
            )
        except ValidationError as error:
            add_service_errors(run_form, error)
        else:
            if created:
                messages.success(request, _("The bonuses of %(period)s were run for payroll.") % {"period": run.period})
            return redirect("bonuses-payroll", run_id=run.pk)
    if action == "tiers" and tier_form is not None and tier_form.is_valid():
        try:
            incentive_policy_update(tenant=actor.tenant, actor=actor, changes={"bonus_tiers": tier_form.tiers()})
        except ValidationError as error:
            add_service_errors(tier_form, error)
        else:
            messages.success(request, _("Bonus tiers saved."))
            return redirect(request.get_full_path())
    context.update(tier_form=tier_form, run_form=run_form, posted=action)
    return render_dashboard(
        request, "targets/bonuses.html", context, tables, _figures(sheet), form_refused=bool(action)
    )


def _figures(sheet) -> dict[str, dict]:
    if not any(row.bonus.attainment is not None for row in sheet.rows):
        return {}
    return {"attainment": content.attainment_figure(sheet)}


@member_required
def bonuses_xlsx(request, table: str):
    return export_table(request, _page, None, table, "bonuses")


@member_required
def payroll_xlsx(request, run_id: int):
    """The run's payroll file (company managers and admins), as the API gives it."""
    actor = request.member
    require_bonus_runner(actor)
    run = access_bonus_run_by_id(tenant=actor.tenant, actor=actor, id=run_id)
    rows = payroll_rows(tenant=actor.tenant, run=run)
    return xlsx_response(content.payroll_workbook(run, rows), content.payroll_filename(run))


urlpatterns = [
    path("bonuses/", bonuses_page, name="bonuses-page"),
    path("bonuses/<slug:table>.xlsx", bonuses_xlsx, name="bonuses-page-xlsx"),
    path("bonuses/runs/<int:run_id>/payroll.xlsx", payroll_xlsx, name="bonuses-payroll"),
]

"""What the bank-channel pages share: the filters (period, bank, staff member) and the branch links."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bancassurance.selectors.branches import bank_list, channel_staff
from dashboards.pages import DashboardFilters
from dashboards.periods import Period

_PLACEHOLDER = 987654321


class ChannelFilters(DashboardFilters):
    """This month unless a month or quarter is asked for; one bank or one staff member's branches if asked."""

    bank = forms.TypedChoiceField(label=gettext_lazy("Bank"), required=False, coerce=int, empty_value=None)
    staff = forms.TypedChoiceField(label=gettext_lazy("Staff member"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, tenant, actor, today, fields=("period", "bank", "staff")):
        super().__init__(data, tenant=tenant, today=today, fields=fields)
        every = [("", _("All"))]
        if "bank" in self.fields:
            self.fields["bank"].choices = every + [(bank.pk, bank.name) for bank in bank_list(tenant=tenant)]
        if "staff" in self.fields:
            self.fields["staff"].choices = every + [
                (member.pk, member.display_name) for member in channel_staff(tenant=tenant, actor=actor)
            ]

    def default_period(self) -> Period:
        return Period("month", self.today.year, self.today.month)

    def values(self) -> dict[str, Any]:
        cleaned = self.cleaned_data if self.is_bound else {}
        return {**super().values(), "bank": cleaned.get("bank"), "staff": cleaned.get("staff")}


@cache
def _branch_pattern() -> str:
    return reverse("bancassurance-branch-page", kwargs={"branch_id": _PLACEHOLDER})


def branch_link(branch_id: int) -> str:
    """The branch page's URL (reversed once: the list links to every branch)."""
    return _branch_pattern().replace(str(_PLACEHOLDER), str(branch_id))

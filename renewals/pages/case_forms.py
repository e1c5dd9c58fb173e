"""The case page's forms: a follow-up, and a re-assignment for those who manage renewals.

The forms only read the typed values (a date, an amount, a choice); the
rules are the services' (``renewals.services.cases``), whose errors come
back by field into the form that was sent (``add_service_errors``).
"""

from __future__ import annotations

from datetime import date
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy

from renewals.models import FollowUp, LostReason


class FollowUpForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), choices=FollowUp.Channel.choices, widget=forms.RadioSelect, initial="phone"
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=FollowUp.Outcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "enterkeyhint": "done"}),
    )
    next_action_on = forms.DateField(
        label=gettext_lazy("Next action on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    renewed_premium = forms.DecimalField(
        label=gettext_lazy("Renewed premium (yuan)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"}),
    )
    lost_reason = forms.ChoiceField(label=gettext_lazy("Lost reason"), required=False)

    def __init__(self, data=None, *, reasons: list[LostReason], today: date):
        if data is not None:
            # The page shows the renewed premium only for a renewal and the lost
            # reason only for a loss: what is left in a hidden field is not read.
            data = data.copy()
            outcome = data.get("outcome")
            if outcome != FollowUp.Outcome.RENEWED:
                data["renewed_premium"] = ""
            if outcome != FollowUp.Outcome.LOST:
                data["lost_reason"] = ""
        super().__init__(data)
        # The phone's date picker starts at today: the next action cannot be in the past.
        self.fields["next_action_on"].widget.attrs["min"] = today.isoformat()
        cast(forms.ChoiceField, self.fields["lost_reason"]).choices = [("", "—")] + [
            (reason.code, reason.name) for reason in reasons
        ]

    def service_arguments(self) -> dict:
        """The follow-up service's arguments."""
        data = self.cleaned_data
        return {
            "channel": data["channel"],
            "outcome": data["outcome"],
            "notes": data["notes"],
            "next_action_on": data["next_action_on"],
            "renewed_premium": data["renewed_premium"],
            "lost_reason": data["lost_reason"] or None,
        }


class AdvisorForm(forms.Form):
    """The advisor a case goes to; empty takes it back to the unassigned list. The service checks who."""

    advisor = forms.IntegerField(label=gettext_lazy("Advisor"), required=False)

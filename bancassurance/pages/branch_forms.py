"""The branch page's forms: a contact, an event, a person joining or leaving, a stage change, the profile.

The forms only read typed values; the rules are the services', whose errors
come back by field into the form that was sent (``add_service_errors``).
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy

from bancassurance.models import BranchStaff, ContactKind, CustomerTier, EventKind, StaffRole, Stage
from bancassurance.profile import PROFILE_FIELDS, PROFILE_MAX_LENGTH


def _date(label, today: date) -> forms.DateField:
    # The phone's date picker stops at today: none of these can be in the future.
    return forms.DateField(
        label=label,
        initial=today,
        widget=forms.DateInput(attrs={"type": "date", "max": today.isoformat()}, format="%Y-%m-%d"),
    )


def _count(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, initial=0, widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"})
    )


def _notes(max_length: int) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Notes"), required=False, max_length=max_length, widget=forms.Textarea(attrs={"rows": 2})
    )


class ContactForm(forms.Form):
    staff = forms.TypedChoiceField(label=gettext_lazy("Person"), coerce=int)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=ContactKind.choices, widget=forms.RadioSelect, initial=ContactKind.VISIT
    )
    openings = _count(gettext_lazy("Openings (customers they recommended insurance to)"))
    notes = _notes(1000)

    def __init__(self, data=None, *, people: list[BranchStaff], today: date):
        super().__init__(data)
        self.fields["contacted_on"] = _date(gettext_lazy("Date"), today)
        self.fields["staff"].choices = [("", "—")] + [
            (person.pk, f"{person.name} · {person.get_role_display()}") for person in people
        ]
        self.order_fields(["staff", "contacted_on", "kind", "openings", "notes"])


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=EventKind.choices)
    customer_tier = forms.ChoiceField(label=gettext_lazy("Customer tier (assets)"), choices=CustomerTier.choices)
    attendees = _count(gettext_lazy("Attendees"))
    leads = _count(gettext_lazy("Leads"))
    policies = _count(gettext_lazy("Policies"))
    notes = _notes(1000)

    def __init__(self, data=None, *, today: date):
        super().__init__(data)
        self.fields["held_on"] = _date(gettext_lazy("Date"), today)
        self.order_fields(["kind", "held_on", "customer_tier", "attendees", "leads", "policies", "notes"])


class StaffForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=StaffRole.choices)
    phone = forms.CharField(label=gettext_lazy("Contact"), max_length=40, required=False)

    def __init__(self, data=None, *, today: date):
        super().__init__(data)
        self.fields["joined_on"] = _date(gettext_lazy("Joined on"), today)


class LeaveForm(forms.Form):
    staff = forms.TypedChoiceField(label=gettext_lazy("Person"), coerce=int)

    def __init__(self, data=None, *, people: list[BranchStaff], today: date):
        super().__init__(data)
        self.fields["left_on"] = _date(gettext_lazy("Left on"), today)
        self.fields["staff"].choices = [("", "—")] + [(person.pk, person.name) for person in people]


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("New stage"), choices=Stage.choices)
    note = forms.CharField(label=gettext_lazy("Why"), max_length=200, required=False)

    def __init__(self, data=None, *, today: date):
        super().__init__(data)
        self.fields["changed_on"] = _date(gettext_lazy("Since"), today)
        self.order_fields(["stage", "changed_on", "note"])


class ProfileForm(forms.Form):
    def __init__(self, data=None, *, initial: dict | None = None):
        super().__init__(data, initial=initial)
        for key, label in PROFILE_FIELDS.items():
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=PROFILE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

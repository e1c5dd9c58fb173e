"""The branch profile (网点档案表, seed 004's 网点调研): what the bank channel knows about a branch.

Stored as one JSON object on the branch, a text per key, so the tenant's
staff may write as much or as little as they learned; the keys are fixed
here so that every page and export shows the same sections.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PROFILE_FIELDS = {
    "location": _("Location"),
    "customer_base": _("Customer base"),
    "floor_layout": _("Floor layout"),
    "staff_structure": _("Staff structure"),
    "bank_kpis": _("The bank's KPIs for the branch"),
    "competitors": _("Competitors"),
    "competitor_products": _("Competitors' products"),
}
PROFILE_MAX_LENGTH = 1000


def profile_errors(profile) -> list[str]:
    """Return what is wrong with a profile sent by a client (an object of known keys, texts of bounded length)."""
    from django.utils.translation import gettext as _t

    if not isinstance(profile, dict):
        return [_t("Send the profile as an object of texts.")]
    errors = []
    unknown = sorted(set(profile) - set(PROFILE_FIELDS))
    if unknown:
        errors.append(_t("Unknown profile fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    for key, value in profile.items():
        if key in PROFILE_FIELDS and not isinstance(value, str):
            errors.append(_t("%(field)s must be a text.") % {"field": key})
        elif key in PROFILE_FIELDS and len(value) > PROFILE_MAX_LENGTH:
            errors.append(
                _t("%(field)s is longer than %(max)d characters.") % {"field": key, "max": PROFILE_MAX_LENGTH}
            )
    return errors


def profile_rows(profile: dict) -> list[dict]:
    """The profile as the page shows it: every section in order, empty ones too."""
    return [{"key": key, "label": label, "text": (profile or {}).get(key, "")} for key, label in PROFILE_FIELDS.items()]

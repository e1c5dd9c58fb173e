"""The field checks the bank channel's services share (their messages are the same everywhere)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def text_errors(errors: dict, field: str, value: str, limit: int, *, required: bool = False) -> None:
    """Add ``field``'s error to ``errors`` when it is empty but required, or longer than ``limit``."""
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [_("At most %(limit)d characters.") % {"limit": limit}]

"""What an import page shares: run the service on the posted file and shape its report for ``_import.html``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from targets.services.sales import ImportMode


def run_import(request, importer: Callable[..., object], field_labels: Mapping[str, Any]) -> dict:
    """Run ``importer(tenant=, actor=, file=, filename=, mode=)`` on the posted file; return the report context."""
    upload = request.FILES.get("file")
    mode = request.POST.get("mode") or ImportMode.ALL_OR_NOTHING
    if upload is None:
        return {"file_errors": [_("Choose a CSV or XLSX file.")]}
    try:
        # A savepoint: a refused file leaves the page's own transaction usable.
        with transaction.atomic():
            result = importer(
                tenant=request.member.tenant, actor=request.member, file=upload, filename=upload.name, mode=mode
            )
    except ValidationError as error:
        return {"file_errors": [message for messages in error.message_dict.values() for message in messages]}
    report = asdict(result)  # type: ignore[call-overload]
    for row_error in report["errors"]:
        row_error["field_label"] = field_labels.get(row_error["field"], row_error["field"])
    report["refused"] = bool(report["errors"]) and mode == ImportMode.ALL_OR_NOTHING
    report["filename"] = upload.name
    report["mode"] = mode
    return {"report": report}


def import_status(context: dict) -> int:
    """400 when the file was refused (unreadable, or bad rows in all-or-nothing), else 200."""
    return 400 if "file_errors" in context or context["report"]["refused"] else 200

"""Writes of the work log: one upsert that replaces a member's day and records what changed.

Who may write (DESIGN.md "Activities"; docs/activities.md "Work log"):

- a member writes their own log; it is open while the day is at most
  ``tenant.log_edit_window_days`` days before the tenant's today (default 2:
  today, yesterday and the day before), and locked after that;
- a supervisor, manager, renewal lead or tenant admin may correct the log of
  any member in their scope, locked or not, and must say why (``reason``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Model
from django.utils.translation import gettext as _

from activities.models import ITEMS, DailyLog, DailyLogChange, Visit
from activities.selectors.logs import log_snapshot
from dashboards.services.rollups import request_refresh
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today
from salesops.tenancy import member_scope_q


def _max_length(model: type[Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, CharField) and field.max_length is not None
    return field.max_length


VISIT_NAME_MAX = _max_length(Visit, "name")
VISIT_PHONE_MAX = _max_length(Visit, "phone")
REASON_MAX = _max_length(DailyLogChange, "reason")
# Digits with the usual separators; an optional leading + for international numbers.
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()-]*$")
WHOLE_NUMBER = re.compile(r"^\s*-?\d+\s*$")


def log_is_locked(*, tenant: Tenant, date: date, today: date | None = None) -> bool:
    """Return whether the log of ``date`` is locked for its own member.

    Open while ``today - date`` is at most the tenant's edit window in days.
    """
    today = today or tenant_today(tenant)
    return (today - date).days > tenant.log_edit_window_days


def whole_number(value: Any) -> int | None:
    """Return ``value`` as an int if it is a whole number (an int, or a string or float holding one)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and WHOLE_NUMBER.match(value):
        return int(value)
    return None


def _clean_counts(counts: dict[str, Any], cap: int, errors: dict[str, list[str]]) -> dict[str, int]:
    """Return the five counts (an item left out is 0), or record each bad one under its own field."""
    unknown = sorted(set(counts) - set(ITEMS))
    if unknown:
        errors["non_field_errors"] = [_("Unknown work log item: %(items)s.") % {"items": ", ".join(unknown)}]
    cleaned: dict[str, int] = {}
    for item in ITEMS:
        value = whole_number(counts.get(item, 0))
        if value is None:
            errors[item] = [_("Enter a whole number.")]
        elif value < 0:
            errors[item] = [_("A count cannot be negative.")]
        elif value > cap:
            errors[item] = [
                _("%(value)s is more than is plausible in one day (at most %(cap)s).") % {"value": value, "cap": cap}
            ]
        else:
            cleaned[item] = value
    return cleaned


def _clean_visits(visits: list[dict], cap: int, errors: dict[str, list[str]]) -> list[dict[str, str]]:
    """Return the visits as ``{name, phone, kind}``, or record what is wrong with each under ``visits``."""
    messages: list[str] = []
    cleaned: list[dict[str, str]] = []
    if len(visits) > cap:
        errors["visits"] = [_("At most %(cap)s visits a day.") % {"cap": cap}]
        return []
    for number, visit in enumerate(visits, start=1):
        if not isinstance(visit, dict):
            messages.append(_("Visit %(number)s: give a name, a phone and a kind.") % {"number": number})
            continue
        name = str(visit.get("name") or "").strip()
        phone = str(visit.get("phone") or "").strip()
        # The kind may be left out: most visits are to prospects.
        kind = str(visit.get("kind") or Visit.Kind.PROSPECT)
        if not name:
            messages.append(_("Visit %(number)s: enter the customer's name.") % {"number": number})
        elif len(name) > VISIT_NAME_MAX:
            messages.append(
                _("Visit %(number)s: the name is longer than %(max)s characters.")
                % {"number": number, "max": VISIT_NAME_MAX}
            )
        if phone and (len(phone) > VISIT_PHONE_MAX or not PHONE_PATTERN.match(phone)):
            messages.append(
                _("Visit %(number)s: the phone number may hold only digits, spaces, +, - and brackets.")
                % {"number": number}
            )
        if kind not in Visit.Kind.values:
            messages.append(
                _("Visit %(number)s: the kind is one of %(kinds)s.")
                % {"number": number, "kinds": ", ".join(Visit.Kind.values)}
            )
        cleaned.append({"name": name, "phone": phone, "kind": kind})
    if messages:
        errors["visits"] = messages
    return cleaned


def _check_writer(*, tenant: Tenant, actor: Member, member: Member) -> None:
    """Let a member write their own log, and a leader the logs of the members in their scope."""
    if member.tenant_id != tenant.pk or actor.tenant_id != tenant.pk:
        raise PermissionDenied(_("You may not change this work log."))
    if actor.pk == member.pk:
        return
    in_scope = Member.objects.filter(member_scope_q(actor), tenant=tenant, pk=member.pk).exists()
    if not (actor.leads_others and in_scope):
        raise PermissionDenied(_("Only the member's supervisor or manager may change another member's work log."))


@transaction.atomic
def daily_log_upsert(
    *,
    tenant: Tenant,
    actor: Member,
    member: Member,
    date: date,
    counts: dict[str, int],
    visits: list[dict],
    reason: str = "",
) -> DailyLog:
    """Replace ``member``'s log of ``date`` with ``counts`` and ``visits`` (PUT: create or replace).

    Idempotent: writing what the log already says changes nothing and adds no
    history; any change is recorded as old → new with who and why. One row per
    member and day also when two writes race (the unique constraint decides,
    the loser waits for the winner's row and updates it).
    """
    _check_writer(tenant=tenant, actor=actor, member=member)
    errors: dict[str, list[str]] = {}
    cap = tenant.activity_daily_cap
    cleaned_counts = _clean_counts(counts, cap, errors)
    cleaned_visits = _clean_visits(list(visits), cap, errors)
    reason = (reason or "").strip()
    today = tenant_today(tenant)
    if date > today:
        errors["date"] = [_("A work log cannot be written for a day in the future.")]
    correcting = actor.pk != member.pk
    if correcting and not reason:
        errors["reason"] = [_("Say why you are correcting this member's work log.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("The reason is longer than %(max)s characters.") % {"max": REASON_MAX}]
    if not correcting and "date" not in errors and log_is_locked(tenant=tenant, date=date, today=today):
        errors["date"] = [
            _(
                "This day's log is locked: a log can be changed until %(days)s days after its day. "
                "Ask your supervisor to correct it."
            )
            % {"days": tenant.log_edit_window_days}
        ]
    if errors:
        raise ValidationError(errors)

    # SELECT … FOR UPDATE, else INSERT in a savepoint; when a concurrent
    # request inserted the row first, the INSERT waits for it, fails on the
    # unique constraint and the row is read (and locked) again: never a 500.
    log, created = DailyLog.objects.select_for_update().get_or_create(
        tenant=tenant, member=member, date=date, defaults=cleaned_counts
    )
    old = None if created else log_snapshot(log)
    new = {**cleaned_counts, "visits": cleaned_visits}
    if old == new:
        return log
    if old is not None:
        for item in ITEMS:
            setattr(log, item, cleaned_counts[item])
        # Only what a PUT owns: a spot-check's flag set meanwhile stays.
        log.save(update_fields=[*ITEMS, "updated_at"])
    if old is None or old["visits"] != cleaned_visits:
        if old is not None:
            Visit.objects.filter(tenant=tenant, log=log).delete()
        Visit.objects.bulk_create(Visit(tenant=tenant, log=log, **visit) for visit in cleaned_visits)
    DailyLogChange.objects.create(tenant=tenant, log=log, changed_by=actor, reason=reason, old=old, new=new)
    if old is None or any(old[item] != cleaned_counts[item] for item in ITEMS):
        request_refresh(tenant=tenant, member_days=[(member.pk, date)])
    return log

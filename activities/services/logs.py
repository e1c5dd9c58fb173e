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
from activities.selectors.log_book import entries_of_day, item_for_source
from activities.selectors.logs import log_counts, log_snapshot
from activities.services import log_book
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


def _clean_visits(visits: list[dict], cap: int, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Return the visits as ``{name, phone, kind, customer}``, or record what is wrong with each under ``visits``.

    ``customer`` is the picked book entry's id as sent (None when none was
    picked); ``log_book.plan_visits`` checks it against the book.
    """
    messages: list[str] = []
    cleaned: list[dict[str, Any]] = []
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
        customer = visit.get("customer")
        picked = customer not in (None, "")
        if picked and "*" in phone:
            # A masked phone sent back by a manager who read it masked: the book entry gives it again.
            phone = ""
        # A picked book entry gives its name when the row leaves it blank.
        if not name and not picked:
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
        cleaned.append({"name": name, "phone": phone, "kind": kind, "customer": customer if picked else None})
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

    Visits link to ``member``'s customer book and the counts must cover the
    book entries acquired that day (``activities.services.log_book``).
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
    plan = log_book.VisitPlan()
    if "visits" not in errors:
        plan, messages = log_book.plan_visits(tenant=tenant, member=member, visits=cleaned_visits)
        if messages:
            errors["visits"] = messages
        else:
            log_book.check_counts(
                tenant=tenant, member=member, day=date, counts=cleaned_counts, plan=plan, errors=errors
            )
    if errors:
        raise ValidationError(errors)

    return _save_log(
        tenant=tenant, actor=actor, member=member, date=date, counts=cleaned_counts, plan=plan, reason=reason
    )


def _save_log(
    *,
    tenant: Tenant,
    actor: Member,
    member: Member,
    date: date,
    counts: dict[str, int],
    plan: log_book.VisitPlan,
    reason: str,
) -> DailyLog:
    """Write the checked day: the counts, the visits linked to the book, the history, the rollup request."""
    # SELECT … FOR UPDATE, else INSERT in a savepoint; when a concurrent
    # request inserted the row first, the INSERT waits for it, fails on the
    # unique constraint and the row is read (and locked) again: never a 500.
    log, created = DailyLog.objects.select_for_update().get_or_create(
        tenant=tenant, member=member, date=date, defaults=counts
    )
    old = None if created else log_snapshot(log)
    visits = log_book.apply_plan(tenant=tenant, actor=actor, member=member, day=date, plan=plan)
    snapshot = [{**visit, "customer": visit["customer"].pk if visit["customer"] else None} for visit in visits]
    new = {**counts, "visits": snapshot}
    if old == new:
        return log
    if old is not None:
        for item in ITEMS:
            setattr(log, item, counts[item])
        # Only what a PUT owns: a spot-check's flag set meanwhile stays.
        log.save(update_fields=[*ITEMS, "updated_at"])
    if old is None or old["visits"] != snapshot:
        if old is not None:
            Visit.objects.filter(tenant=tenant, log=log).delete()
        Visit.objects.bulk_create(Visit(tenant=tenant, log=log, **visit) for visit in visits)
    DailyLogChange.objects.create(tenant=tenant, log=log, changed_by=actor, reason=reason, old=old, new=new)
    if old is None or any(old[item] != counts[item] for item in ITEMS):
        request_refresh(tenant=tenant, member_days=[(member.pk, date)])
    return log


@transaction.atomic
def count_book_entry(
    *, tenant: Tenant, member: Member, day: date, source: str, actor: Member | None
) -> DailyLog | None:
    """Raise ``member``'s count of ``day`` to the book entries acquired that day (call after adding one).

    ``source`` is the new entry's: a referral raises ``referrals``, any other
    source ``new_prospects``. Nothing happens when the count already covers
    the book or the day is in the future; a day without a log gets one. The
    change goes through the log's history (``changed_by`` the actor, an
    automatic reason) and its rollup request; no edit window applies: the
    book entry, not a typed count, is what changed. Return the log (None when
    nothing was needed).
    """
    if member.tenant_id != tenant.pk or day > tenant_today(tenant):
        return None
    item = item_for_source(source)
    needed = len(entries_of_day(tenant=tenant, member=member, day=day)[item])
    log = (
        DailyLog.objects.select_for_update()
        .filter(tenant=tenant, member=member, date=day)
        .prefetch_related("visits__customer")
        .first()
    )
    counts = log_counts(log)
    if counts[item] >= needed:
        return None
    # The day's visits stay exactly as they are (already linked; nothing to create).
    plan = log_book.VisitPlan(
        visits=[
            log_book.PlannedVisit(name=visit.name, phone=visit.phone, kind=visit.kind, customer=visit.customer)
            for visit in (log.visits.all() if log is not None else [])
        ]
    )
    return _save_log(
        tenant=tenant,
        actor=actor or member,
        member=member,
        date=day,
        counts={**counts, item: needed},
        plan=plan,
        reason=_("Raised to the customer book's entries of the day."),
    )

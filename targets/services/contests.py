"""Writes of the contests: creating one, and freezing the standings of those that have ended.

Creating (``contest_create``): a tenant-wide contest by a member who sets
the company's policy (a tenant admin, a company manager); a unit's contest
by a manager, supervisor or tenant admin whose scope holds the unit. Bad
input is refused field by field with nothing saved, including a second
contest of the same name (case-insensitive) whose days overlap one the
tenant already has; a per-tenant advisory lock makes two creates at the same
moment take turns, so both cannot pass that check.

Freezing (``contest_freeze``, ``freeze_ended_contests``): from the day after
a contest's last day, its standings are written to ``ContestStanding`` once
and ``frozen_at`` is set; from then on those rows are its standings and
winners, whatever later corrections do to the facts (the selectors show the
live figures beside them). The contest row is locked first, so two freezes
at once write the rows once; freezing a frozen contest does nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesops.org.models import Member, OrgUnit, Tenant
from salesops.tenancy import unit_scope_q
from targets.models import Contest, ContestStanding
from targets.selectors.contests import ContestStatus, contest_status, live_standings, may_create_contests

Measure = Contest.ContestMeasure
Rule = Contest.Rule
NAME_MAX = 100
PRIZE_MAX = 200
# The most winning places a top contest may have (the column holds 32,767; nobody needs a thousand).
TOP_N_MAX = 1000
# pg_advisory_xact_lock(key1, key2): the first key names contest creation (issue 9), the second is the tenant.
CREATE_LOCK_CLASS = 9004


def require_may_create_contests(actor: Member) -> None:
    """Allow only the members who may create some contest: managers, supervisors, tenant admins."""
    if not may_create_contests(actor):
        raise PermissionDenied(_("Only a manager, supervisor or administrator may create a contest."))


def require_contest_creator(actor: Member, *, unit_id: int | None) -> None:
    """Allow only who may create this contest: tenant-wide → company policy setters; a unit's → leaders."""
    require_may_create_contests(actor)
    if unit_id is None and not actor.sets_company_policy:
        raise PermissionDenied(_("Only a company manager or an administrator may create a company-wide contest."))


def _lock_tenant_contests(tenant: Tenant) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CREATE_LOCK_CLASS, tenant.pk])


def _check_rule(
    errors: dict[str, list[str]], *, measure: str, rule: str | None, top_n: int | None, threshold: Decimal | None
) -> tuple[str, int, Decimal | None]:
    """Return the (rule, top_n, threshold) to store; add what is wrong to ``errors``."""
    if measure == Measure.FIRST_POLICY:
        # A first-policy award goes to every agent who writes their first policy: a threshold of 1, by definition.
        if rule not in (None, "", Rule.THRESHOLD):
            errors["rule"] = [
                _("A first-policy award goes to every new agent who writes a policy: its rule is threshold.")
            ]
        if threshold is not None and threshold != 1:
            errors["threshold"] = [_("A first-policy award's threshold is one policy.")]
        rule, threshold = Rule.THRESHOLD, Decimal(1)
    rule = rule or Rule.TOP
    if rule not in Rule.values:
        errors["rule"] = [_("Choose a rule: %(values)s.") % {"values": ", ".join(Rule.values)}]
    if top_n is None:
        top_n = 1
    if not 1 <= top_n <= TOP_N_MAX:
        errors["top_n"] = [_("The winning places are a whole number from 1 to %(max)s.") % {"max": TOP_N_MAX}]
    if threshold is not None and threshold < 0:
        errors["threshold"] = [_("The threshold cannot be negative.")]
    elif rule == Rule.THRESHOLD and (threshold is None or threshold <= 0):
        errors["threshold"] = [_("A threshold contest needs a threshold above zero.")]
    elif rule == Rule.TOP and threshold is not None:
        errors["threshold"] = [
            _("A top-places contest has no threshold: leave it empty, or choose the threshold rule.")
        ]
    return rule, top_n, threshold


@transaction.atomic
def contest_create(
    *,
    tenant: Tenant,
    actor: Member,
    name: str,
    measure: str,
    rule: str | None = None,
    top_n: int | None = None,
    threshold: Decimal | None = None,
    unit_id: int | None = None,
    starts_on: date,
    ends_on: date,
    prize: str = "",
) -> Contest:
    """Create a contest; 403 for who may not, 400 by field for bad input (nothing saved).

    ``unit_id`` names the unit whose agents take part (``None``: the whole
    tenant); another tenant's unit, or one outside the actor's scope, is an
    unknown unit (400 on ``unit``), never a hint that it exists.
    """
    require_contest_creator(actor, unit_id=unit_id)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    prize = (prize or "").strip()
    if not name:
        errors["name"] = [_("Name the contest.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("The name is at most %(max)s characters.") % {"max": NAME_MAX}]
    if len(prize) > PRIZE_MAX:
        errors["prize"] = [_("The prize is at most %(max)s characters.") % {"max": PRIZE_MAX}]
    if measure not in Measure.values:
        errors["measure"] = [_("Choose a measure: %(values)s.") % {"values": ", ".join(Measure.values)}]
    rule, top_n, threshold = _check_rule(errors, measure=measure, rule=rule, top_n=top_n, threshold=threshold)
    if ends_on < starts_on:
        errors["ends_on"] = [_("The contest cannot end before it starts.")]
    unit = None
    if unit_id is not None:
        unit = OrgUnit.objects.filter(unit_scope_q(actor), tenant=tenant, pk=unit_id).first()
        if unit is None:
            errors["unit"] = [_("Unknown unit, or not one you lead.")]
    # Taken before the overlap check and held to the commit: a second create of the tenant waits here.
    _lock_tenant_contests(tenant)
    if "name" not in errors and "ends_on" not in errors:
        clash = (
            Contest.objects.filter(tenant=tenant, name__iexact=name, starts_on__lte=ends_on, ends_on__gte=starts_on)
            .order_by("starts_on")
            .first()
        )
        if clash is not None:
            errors["name"] = [
                _("A contest named “%(name)s” already runs from %(starts)s to %(ends)s: choose another name or days.")
                % {"name": clash.name, "starts": clash.starts_on.isoformat(), "ends": clash.ends_on.isoformat()}
            ]
    if errors:
        raise ValidationError(errors)
    return Contest.objects.create(
        tenant=tenant,
        name=name,
        measure=measure,
        rule=rule,
        top_n=top_n,
        threshold=threshold,
        unit=unit,
        starts_on=starts_on,
        ends_on=ends_on,
        prize=prize,
        created_by=actor,
    )


def contest_freeze(*, tenant: Tenant, contest: Contest, today: date) -> bool:
    """Freeze ``contest``'s standings if it has ended and is not frozen yet; return whether this call froze it.

    Every participant gets a row (rank, value, winner), zero values
    included. ``contest.frozen_at`` is updated in place.
    """
    if contest.frozen_at is not None or contest_status(contest, today) != ContestStatus.ENDED:
        return False  # nothing to do, and no lock taken: readers of running contests never wait here
    with transaction.atomic():
        locked = (
            Contest.objects.select_for_update(of=("self",)).select_related("unit").get(tenant=tenant, pk=contest.pk)
        )
        # Whoever held the lock before may have frozen it meanwhile.
        if locked.frozen_at is None:
            rows = live_standings(tenant=tenant, contest=locked, today=today)
            ContestStanding.objects.bulk_create(
                [
                    ContestStanding(
                        tenant=tenant,
                        contest=locked,
                        member_id=row["member"],
                        rank=row["rank"],
                        value=row["value"],
                        winner=row["winner"],
                    )
                    for row in rows
                ]
            )
            locked.frozen_at = timezone.now()
            locked.save(update_fields=["frozen_at"])
            contest.frozen_at = locked.frozen_at
            return True
    contest.frozen_at = locked.frozen_at
    return False


def freeze_ended_contests(*, tenant: Tenant, today: date) -> int:
    """Freeze every contest of ``tenant`` that ended before ``today`` and is not frozen; return how many.

    The nightly beat's job (``today`` = the tenant's today); idempotent and
    safe beside a reader freezing the same contest (each contest is locked).
    """
    due = list(
        Contest.objects.filter(tenant=tenant, ends_on__lt=today, frozen_at__isnull=True).order_by("ends_on", "id")
    )
    return sum(contest_freeze(tenant=tenant, contest=contest, today=today) for contest in due)

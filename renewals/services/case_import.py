"""Import of expiring policies as renewal cases (CSV or XLSX; ``renewals.case_import`` reads the file).

The sale import's contract (``targets.services.sales.sale_records_import``):
every bad row is reported as ``{row, field, message}`` with Excel's row
number; ``all_or_nothing`` saves nothing when any row is bad, ``valid_rows``
saves the good ones; a file that cannot be read is one ``file`` error.
``policy_no`` is the key within the tenant: a row equal to the stored case
is unchanged, a differing one updates it, so importing a file twice changes
nothing the second time.

Rules of its own:

- a due date in the past is imported and counted in ``overdue`` (open
  cases only: a renewed or lost one is not overdue);
- a closed case (renewed or lost) is not changed by a row that differs;
  a stored case outside the actor's scope is not changed at all;
- the advisor column is optional: empty keeps the stored advisor (or leaves
  a new case to the auto-assignment). A named advisor (employee number,
  else username, else member id; in the actor's scope) must serve group A
  for a group A case and have room under their capacity, counted in the
  file's order: each row that gives an advisor a case takes a place, a
  case moving away from an advisor frees one, a case they already hold
  takes none;
- a row turning a stored case into group A while it keeps an advisor
  without the A skill is refused on ``group``;
- set-based: one query for the stored cases and, when advisors matter,
  a fixed few for them, then bulk inserts and updates, however many rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from renewals.case_import import CaseRow, read_case_rows
from renewals.models import OPEN_STATUSES, RenewalCase
from renewals.selectors.cases import case_scope_q, require_renewal_manager
from renewals.services.advisors import Advisor, advisor_pool, lock_assignments
from renewals.services.cases import CaseFields, case_field_errors, resolve_follow_up_alerts
from salesops.org.models import Member, Tenant
from salesops.org.selectors import members_by_key, tenant_today
from targets.services.sales import ImportMode, RowError, read_import_file, write_import_rows

# The fields a row compares and, when they differ, updates (the advisor too when the row names one).
CASE_FIELDS = ("customer", "product_type", "premium", "due_on", "group")
# Errors of one row are reported in the order of the file's columns.
FIELD_ORDER = {
    name: index
    for index, name in enumerate(
        ["policy_no", "customer", "product_type", "premium", "due_on", "group", "advisor", "non_field_errors"]
    )
}
Group = RenewalCase.Group


@dataclass
class CaseImportResult:
    """What an import did: cases created, updated, left as they were, how many are overdue, every bad row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    overdue: int = 0
    errors: list[RowError] = field(default_factory=list)


class _Advisors:
    """The advisors the actor may assign to, found by employee number, username or id, with the room they have.

    ``advisor_pool`` is read once; its ``open_cases`` then follow the file:
    ``take`` when a row gives an advisor a case, ``release`` when a case
    moves away from one.
    """

    def __init__(self, *, tenant: Tenant, actor: Member | None, keys: set[str], today: date):
        lock_assignments(tenant)
        self.pool: dict[int, Advisor] = {
            advisor.id: advisor for advisor in advisor_pool(tenant=tenant, actor=actor, today=today)
        }
        # Only the advisors of the pool can be named: anyone else is "Unknown advisor.".
        self.by_key = members_by_key(Member.objects.filter(tenant=tenant, pk__in=list(self.pool)), keys)

    def find(self, key: str) -> Advisor | None:
        pk = self.by_key.get(key)
        return self.pool[pk] if pk is not None else None

    def take(self, advisor_id: int) -> None:
        self.pool[advisor_id].open_cases += 1

    def release(self, advisor_id: int | None) -> None:
        if advisor_id in self.pool:
            self.pool[advisor_id].open_cases -= 1

    def serves_group_a(self, advisor_id: int) -> bool:
        # An advisor the actor may not assign to (inactive, out of scope) is not trusted with group A either.
        advisor = self.pool.get(advisor_id)
        return advisor is not None and advisor.serves_group_a


def _stored_cases(tenant: Tenant, actor: Member | None, rows: list[CaseRow]) -> dict[str, RenewalCase]:
    """Return the tenant's stored cases of the file's policy numbers, locked, each knowing if it is in scope."""
    policy_nos = {row.policy_no for row in rows if row.policy_no}
    scope = case_scope_q(actor)
    in_scope = Case(When(scope, then=Value(True)), default=Value(False)) if scope else Value(True)
    # Locked: a follow-up closing a case, or another import, waits for this one instead of crossing it.
    stored = (
        RenewalCase.objects.filter(tenant=tenant, policy_no__in=policy_nos)
        .annotate(in_scope=in_scope)
        .select_for_update(of=("self",))
        .order_by()
    )
    return {case.policy_no: case for case in stored}


def _needs_advisors(rows: list[CaseRow], stored: dict[str, RenewalCase]) -> bool:
    """Return whether any row names an advisor or turns a case with an advisor into group A."""
    for row in rows:
        if row.advisor:
            return True
        case = stored.get(row.policy_no or "")
        if case is not None and case.advisor_id and row.group == Group.A and case.group != Group.A:
            return True
    return False


class _Checker:
    """Checks the rows in file order, remembering repeated policy numbers and the advisors' room."""

    def __init__(self, *, stored: dict[str, RenewalCase], advisors: _Advisors | None):
        self.stored = stored
        self.advisors = advisors
        self.first_row_of: dict[str, int] = {}

    def check(self, row: CaseRow) -> tuple[list[tuple[str, str]], dict]:
        """Return the row's errors (in column order) and, if it has none, the case's values to save."""
        errors = list(row.errors)
        unreadable = {name for name, _message in errors}
        fields = CaseFields(
            policy_no=row.policy_no or "",
            customer=row.customer or "",
            product_type=row.product_type or "",
            premium=row.premium,
            due_on=row.due_on,
            group=row.group or "",
        )
        for name, messages in case_field_errors(fields).items():
            if name not in unreadable:  # the reader already said what is wrong with that cell
                errors.extend((name, message) for message in messages)
        stored = self.stored.get(row.policy_no or "")
        if row.policy_no:
            if row.policy_no in self.first_row_of:
                message = _("Policy number %(policy_no)s repeats row %(row)s.") % {
                    "policy_no": row.policy_no,
                    "row": self.first_row_of[row.policy_no],
                }
                errors.append(("policy_no", message))
            else:
                self.first_row_of[row.policy_no] = row.row
            if stored is not None and not stored.in_scope:  # type: ignore[attr-defined]
                errors.append(("policy_no", _("This policy number is a case outside your scope.")))
                stored = None  # nothing more is said about a case the actor may not see
        advisor = None
        if row.advisor:
            advisor = self.advisors.find(row.advisor) if self.advisors else None
            if advisor is None:
                errors.append(("advisor", _("Unknown advisor.")))
        values: dict = {name: getattr(fields, name) for name in CASE_FIELDS}
        if advisor is not None:
            values["advisor_id"] = advisor.id
        if errors:
            return self._sorted(errors), {}
        if stored is not None and stored.status not in OPEN_STATUSES:
            if self.differs(stored, values):
                message = _("This case is closed (%(status)s); a row that differs does not change it.") % {
                    "status": stored.get_status_display()
                }
                return [("policy_no", message)], {}
            return [], values
        self._assignment_errors(row, stored, advisor, errors)
        if errors:
            return self._sorted(errors), {}
        if advisor is not None and (stored is None or stored.advisor_id != advisor.id):
            assert self.advisors is not None  # an advisor was found in it
            self.advisors.take(advisor.id)
            if stored is not None:
                self.advisors.release(stored.advisor_id)
        return [], values

    def _assignment_errors(
        self, row: CaseRow, stored: RenewalCase | None, advisor: Advisor | None, errors: list[tuple[str, str]]
    ) -> None:
        """Check the skill and the capacity of the advisor the case will have after this row."""
        if advisor is not None:
            if row.group == Group.A and not advisor.serves_group_a:
                errors.append(("advisor", _("This advisor does not serve group A (high net worth) customers.")))
            moves_in = stored is None or stored.advisor_id != advisor.id
            if moves_in and advisor.room < 1:
                message = _("This advisor is at capacity (%(count)s open cases).") % {"count": advisor.open_cases}
                errors.append(("advisor", message))
        elif stored is not None and stored.advisor_id and row.group == Group.A and stored.group != Group.A:
            assert self.advisors is not None  # ``_needs_advisors`` saw this row
            if not self.advisors.serves_group_a(stored.advisor_id):
                message = _("The case's advisor does not serve group A; name one who does in the advisor column.")
                errors.append(("group", message))

    @staticmethod
    def _sorted(errors: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(errors, key=lambda error: FIELD_ORDER[error[0]])

    @staticmethod
    def differs(stored: RenewalCase, values: dict) -> bool:
        return any(getattr(stored, name) != value for name, value in values.items())


@transaction.atomic
def cases_import(
    *,
    tenant: Tenant,
    actor: Member | None,
    file: bytes | IO[bytes],
    filename: str,
    mode: str = ImportMode.ALL_OR_NOTHING,
    today: date | None = None,
) -> CaseImportResult:
    """Import an export of expiring policies (CSV or XLSX); return the counts and every bad row.

    ``today`` defaults to the tenant's local date; a case due before it is
    imported and counted in ``overdue``. A file that cannot be read raises
    ``ValidationError`` on ``file`` and saves nothing, in either mode.
    """
    require_renewal_manager(actor)
    rows = read_import_file(file=file, filename=filename, mode=mode, read_rows=read_case_rows)
    today = today or tenant_today(tenant)

    stored = _stored_cases(tenant, actor, rows)
    advisors = None
    if _needs_advisors(rows, stored):
        keys = {row.advisor for row in rows if row.advisor}
        advisors = _Advisors(tenant=tenant, actor=actor, keys=keys, today=today)
    checker = _Checker(stored=stored, advisors=advisors)
    result = CaseImportResult()
    now = timezone.now()
    to_create: list[RenewalCase] = []
    to_update: list[RenewalCase] = []
    reassigned: list[str] = []
    for row in rows:
        row_errors, values = checker.check(row)
        if row_errors:
            result.errors.extend(RowError(row=row.row, field=name, message=message) for name, message in row_errors)
            continue
        assert row.policy_no  # a row without one was reported above
        case = stored.get(row.policy_no)
        if values["due_on"] < today and (case is None or case.status in OPEN_STATUSES):
            result.overdue += 1
        if case is None:
            advisor_id = values.pop("advisor_id", None)
            to_create.append(
                RenewalCase(
                    tenant=tenant,
                    policy_no=row.policy_no,
                    advisor_id=advisor_id,
                    assigned_at=now if advisor_id else None,
                    **values,
                )
            )
        elif not checker.differs(case, values):
            result.unchanged += 1
        else:
            if values.get("advisor_id", case.advisor_id) != case.advisor_id:
                case.assigned_at = now  # the 48-hour clock starts again for the new advisor
                reassigned.append(case.policy_no)
            for name, value in values.items():
                setattr(case, name, value)
            case.updated_at = now  # bulk_update does not apply auto_now
            to_update.append(case)

    if result.errors and mode == ImportMode.ALL_OR_NOTHING:
        return CaseImportResult(errors=result.errors)
    write_import_rows(
        RenewalCase, to_create, to_update, fields=[*CASE_FIELDS, "advisor_id", "assigned_at", "updated_at"]
    )
    if reassigned:
        # The previous advisor's "no follow-up" alerts are theirs no more (as on a re-assignment by hand).
        resolve_follow_up_alerts(tenant=tenant, policy_nos=reassigned, now=now)
    result.created, result.updated = len(to_create), len(to_update)
    return result

"""The large tenant ``bench``: a 20,000-agent org with 92 days of work logs and sales, rolled up.

Written with set-based SQL (``INSERT … SELECT generate_series``): one
statement per step instead of 20,000 service calls, so a fresh tenant takes
seconds. The tenant itself, its company unit, channels, products and tenant
admin still come from ``tenant_create``, so what every tenant gets on
onboarding is never duplicated here.

Shape (``BenchSize``, default sizes):

- 10 branches × 200 teams (each branch 2,000 agents, as large a branch as
  the dashboards must serve); paths ``/company/branch/team/`` as
  ``unit_create`` writes them;
- a company manager, a manager per branch, a supervisor per team and 10
  agents per team (20,000), each reporting to the leader of the unit above;
- 10% of the agents hired less than 3 months before the benchmarked quarter
  (new agents), the rest hired 4 months to 8 years before it;
- last quarter's sale records: on average 3 per agent (0–6 each), premium
  1,000.00–100,000.00 yuan, channel × product in the seed's proportions;
- work logs for the 92 days ending the tenant's today, from each agent's
  hire date: on a weekday 90% of the agents log, on a weekend 20%; each
  count is drawn between 0 and twice the 5311 standard (5 phone
  appointments, 3 sales interviews, 1 recruiting interview, 1 new prospect)
  and 1 referral, so the mean is the standard;
- sale records over the same 92 days: on average 17 per agent (0–34 each),
  never after today, the same price range and mix as last quarter's; with
  last quarter's that is about 400,000;
- agent tiers from last quarter's production within each team (top 20%,
  middle 60%, bottom 20% and every new agent, who ranks last), as a manager
  would set them;
- the rollups of the 92 days, by ``rollups.rebuild`` (so a refresh starts
  from a rolled-up tenant, as it does in production).

The benchmarked quarter is the one holding today, the sale history the one
before it; the 92 days reach back into that quarter, whose days from then on
have both sets of sales. Random values come from PostgreSQL's ``random()``
after ``setseed(SEED)``, so every generation writes the same shape and
values (for the same today).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Count, Max, Min

from activities.models import DailyLog
from dashboards.models import Rollup, RollupLine
from dashboards.services import rollups
from salesops.org import services
from salesops.org.demo import GIVEN_NAMES, SURNAMES
from salesops.org.models import Channel, Member, OrgUnit, Product, Tenant, User
from salesops.org.selectors import tenant_today
from targets import quarters
from targets.models import SaleRecord

BENCH_SLUG = "bench"
BENCH_NAME = "基准测试保险（bench）"
# PostgreSQL's setseed() takes a number in [-1, 1].
SEED = 0.2026
# Sales by channel × product in the seed's split of 1000万 (DESIGN.md):
# 个险 600 (健康险 400 + 年金险 200), 团险 300 (雇主责任险 200 + 团体年金 100),
# 银保 100 (趸交储蓄险). The last product is single premium by definition.
SALE_MIX = [
    ("agency", "health", Decimal("0.40")),
    ("agency", "annuity", Decimal("0.20")),
    ("group", "employer_liability", Decimal("0.20")),
    ("group", "group_annuity", Decimal("0.10")),
    ("bancassurance", "single_premium_savings", Decimal("0.10")),
]
SINGLE_PREMIUM_PRODUCTS = {"single_premium_savings"}
# Of the other products this share is paid as a single premium.
SINGLE_PREMIUM_SHARE = 0.2
NEW_CUSTOMER_SHARE = 0.4
PREMIUM_MIN, PREMIUM_MAX = 1000, 100000
# New agents are hired 1–80 days before the quarter (well inside "< 3
# months", whichever way a month is counted), the others 120 days to about
# 8 years before it (well outside).
NEW_AGENT_DAYS = (1, 80)
EXPERIENCED_AGENT_DAYS = (120, 2900)
# Share of the agents who write a work log on a weekday and on a weekend day.
WEEKDAY_LOG_SHARE, WEEKEND_LOG_SHARE = 0.9, 0.2
# The mean of each work-log count: the 5311 standard (DESIGN.md, Activities)
# and one referral; each count is drawn between 0 and twice its mean.
LOG_MEANS = {
    "phone_appointments": 5,
    "sales_interviews": 3,
    "recruiting_interviews": 1,
    "new_prospects": 1,
    "referrals": 1,
}
# The tables generation writes in bulk, and those the first rebuild fills.
GENERATED_MODELS = [OrgUnit, User, Member, SaleRecord, DailyLog]
ROLLUP_MODELS = [Rollup, RollupLine]


@dataclass(frozen=True)
class BenchSize:
    """How big the generated org is; the defaults are the benchmark's."""

    branches: int = 10
    teams_per_branch: int = 200
    agents_per_team: int = 10
    # Means: each agent gets between 0 and twice this many sale records in
    # last quarter, and again in the days with work logs.
    sales_per_agent: int = 3
    recent_sales_per_agent: int = 17
    new_agent_share: Decimal = Decimal("0.10")
    # Work logs and recent sales cover this many days, ending today.
    log_days: int = 92

    @property
    def teams(self) -> int:
        return self.branches * self.teams_per_branch

    @property
    def agents(self) -> int:
        return self.teams * self.agents_per_team

    @property
    def new_agents(self) -> int:
        return int((self.agents * self.new_agent_share).to_integral_value())

    def describe(self) -> str:
        return (
            f"{self.branches} branches × {self.teams_per_branch} teams × {self.agents_per_team} agents "
            f"= {self.agents:,} agents"
        )


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int

    # The arithmetic is targets/quarters.py's; this only carries a quarter around.
    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(*quarters.quarter_of(day))

    @property
    def start(self) -> date:
        return quarters.quarter_start(self.year, self.quarter)

    @property
    def end(self) -> date:
        return quarters.quarter_end(self.year, self.quarter)

    def next(self) -> Quarter:
        return Quarter(*quarters.next_quarter(self.year, self.quarter))

    def previous(self) -> Quarter:
        return Quarter(*quarters.previous_quarter(self.year, self.quarter))

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}"


@dataclass(frozen=True)
class BenchTenant:
    """The generated tenant and what the scenarios need to know about it."""

    tenant: Tenant
    size: BenchSize
    quarter: Quarter  # the benchmarked quarter: plans are made for it
    history: Quarter  # the quarter of the older sale records
    today: date  # the tenant's today: the last day of the work logs
    logs: int
    sales: int  # all sale records: last quarter's and the recent days'
    seconds: float | None  # time to generate; None when an existing tenant was reused

    @property
    def reused(self) -> bool:
        return self.seconds is None

    @property
    def facts_start(self) -> date:
        """The first of the ``log_days`` days ending today: what the rollup scenarios cover."""
        return self.today - timedelta(days=self.size.log_days - 1)

    def describe(self) -> str:
        return f"{self.size.describe()}, {self.logs:,} work logs, {self.sales:,} sale records"


class Progress:
    """Print one line per finished step with the seconds since the start."""

    def __init__(self, say: Callable[[str], None] | None):
        self.say = say
        self.started = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def __call__(self, message: str) -> None:
        if self.say is not None:
            self.say(f"{self.elapsed:7.1f} s  {message}")


def bench_tenant_get_or_generate(
    *,
    size: BenchSize | None = None,
    slug: str = BENCH_SLUG,
    today: date | None = None,
    regenerate: bool = False,
    progress: Callable[[str], None] | None = print,
) -> BenchTenant:
    """Return the bench tenant, rolled up, generating it unless one of this shape and these days exists.

    ``today`` defaults to the tenant's today (its time zone; a tenant still
    to be generated gets the default one), as the services compute it.
    """
    size = size or BenchSize()
    step = Progress(progress)
    existing = Tenant.objects.filter(slug=slug).first()
    today = today or tenant_today(existing or Tenant())
    quarter = Quarter.of(today)
    history = quarter.previous()
    if existing is not None and not regenerate:
        problem = _shape_problem(existing, size, history, today)
        if problem is None:
            bench = BenchTenant(
                existing,
                size,
                quarter,
                history,
                today,
                logs=DailyLog.objects.filter(tenant=existing).count(),
                sales=SaleRecord.objects.filter(tenant=existing).count(),
                seconds=None,
            )
            step(f"reusing tenant {slug!r}: {bench.describe()}")
            if not _rolled_up(bench):
                bench_rollups_rebuild(bench, progress=step)
            return bench
        step(f"tenant {slug!r} {problem}: generating it again")
    with transaction.atomic():
        if existing is not None:
            how = _tenant_delete(existing.pk)
            step(f"deleted the old tenant {slug!r} ({how})")
        tenant, logs, sales = _generate(slug=slug, size=size, quarter=quarter, history=history, today=today, step=step)
    # Reclaim what a regeneration deleted, so the timed runs do not wade
    # through dead rows until autovacuum comes by.
    if _vacuum_analyze(GENERATED_MODELS):
        step("vacuumed the tables")
    bench = BenchTenant(tenant, size, quarter, history, today, logs, sales, seconds=None)
    bench_rollups_rebuild(bench, progress=step)
    return replace(bench, seconds=step.elapsed)


def bench_rollups_rebuild(bench: BenchTenant, *, progress: Callable[[str], None] | None = None) -> int:
    """Recompute the rollups of the bench days from the facts (``rollups.rebuild``); return rows changed.

    Generation ends with it, so that an incremental refresh starts from a
    rolled-up tenant as in production; the rollup scenarios time it.
    """

    def month_done(done: int, months: int) -> None:
        if progress is not None:
            progress(f"rolled up month {done} of {months} (rollups.rebuild, one transaction each)")

    result = rollups.rebuild(tenant=bench.tenant, start=bench.facts_start, end=bench.today, progress=month_done)
    if progress is not None and _vacuum_analyze(ROLLUP_MODELS):
        progress(f"vacuumed the rollup tables ({result.total_changed:,} rows written)")
    return result.total_changed


def _vacuum_analyze(models_: list[type[models.Model]]) -> bool:
    """VACUUM ANALYZE the tables unless in a transaction (where the tests call this); return whether it ran."""
    if connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(_quoted(models_)))
    return True


def _rolled_up(bench: BenchTenant) -> bool:
    """Whether the company's day rollups exist for the first and the last bench day (an interrupted run has not)."""
    days = Rollup.objects.filter(
        tenant=bench.tenant, scope="unit", grain="day", period_start__in=[bench.facts_start, bench.today]
    )
    return days.values("period_start").distinct().count() == 2


def _shape_problem(tenant: Tenant, size: BenchSize, history: Quarter, today: date) -> str | None:
    """Say why an existing tenant is not the one asked for, or return None.

    The shape is compared unit by unit, not only in totals: 100 branches ×
    20 teams and 10 × 200 both hold 20,000 agents, but only the second has a
    2,000-agent branch for the dashboards to serve.
    """
    branches = OrgUnit.objects.filter(tenant=tenant, kind=OrgUnit.Kind.BRANCH).count()
    # Teams per branch and agents per team: the distinct counts ({20} for 20 teams in each branch).
    teams_per_branch = set(
        OrgUnit.objects.filter(tenant=tenant, kind=OrgUnit.Kind.TEAM)
        .order_by()
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    agents_per_team = set(
        Member.objects.filter(tenant=tenant, role=Member.Role.AGENT)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    wanted = (size.branches, {size.teams_per_branch}, {size.agents_per_team})
    if (branches, teams_per_branch, agents_per_team) != wanted:
        return (
            f"has {branches} branches × {_counts(teams_per_branch)} teams × {_counts(agents_per_team)} agents, "
            f"not {size.describe()}"
        )
    # A tenant generated on another day (or before work logs were
    # generated) has logs outside the days ending today, or none.
    start = today - timedelta(days=size.log_days - 1)
    logs = DailyLog.objects.filter(tenant=tenant).aggregate(first=Min("date"), last=Max("date"))
    if logs["first"] is None or logs["first"] < start or logs["last"] > today:
        return f"has no work logs for the {size.log_days} days ending {today}"
    sales = SaleRecord.objects.filter(tenant=tenant)
    span = sales.aggregate(first=Min("sold_on"), last=Max("sold_on"))
    history_sales = sales.filter(sold_on__range=(history.start, history.end)).exists()
    if not history_sales or span["first"] < min(history.start, start) or span["last"] > today:
        return f"has no sale history for {history} (the quarter before today's) and the days to {today}"
    return None


def _counts(counts: set[int]) -> str:
    """One count as itself, several as their range ("18–22"), none as 0."""
    if not counts:
        return "0"
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}–{high}"


def _tenant_column(model: type[models.Model]) -> str | None:
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is Tenant:
            return field.column
    return None


def _quoted(models_: list[type[models.Model]]) -> list[str]:
    return [connection.ops.quote_name(model._meta.db_table) for model in models_]


def _tenant_delete(tenant_id: int) -> str:
    """Delete a tenant and everything it owns; return how it was done.

    ``Tenant.delete()`` would load every row to emulate ``on_delete`` (and
    users PROTECT their tenant). Alone in its database, the tenant goes with
    one TRUNCATE; beside other tenants, each table loses the tenant's rows
    in one DELETE, in any order: Django creates PostgreSQL foreign keys
    DEFERRABLE INITIALLY DEFERRED, and ``SET CONSTRAINTS ALL IMMEDIATE``
    checks them at the end, so a table this missed fails here, loudly.
    """
    all_models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model is not Tenant
    ]
    owned = {model: column for model in all_models if (column := _tenant_column(model))}
    # Tables without a tenant column that point at the tenant's rows (API
    # tokens, many-to-many tables): (table, its column, the owned model).
    pointing = [
        (model, field.column, field.related_model)
        for model in all_models
        if model not in owned
        for field in model._meta.concrete_fields
        # ForeignKey includes OneToOneField (the API token's user).
        if isinstance(field, models.ForeignKey) and field.related_model in owned
    ]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if not Tenant.objects.exclude(pk=tenant_id).exists() and not User.objects.exclude(tenant=tenant_id).exists():
            # The database holds this tenant only (the bench database):
            # TRUNCATE empties the tables at once. A DELETE would check the
            # foreign keys row by row, each check a scan of the referencing
            # table (whose indexes start with tenant): minutes at 20,000
            # agents. TRUNCATE refuses if a referencing table is missing.
            tables = {*owned, *(model for model, _column, _target in pointing), Tenant}
            # TRUNCATE refuses tables with foreign-key checks still pending
            # in this transaction (the tests generate twice in one): run them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE " + ", ".join(sorted(_quoted(list(tables)))))
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return "truncated: it was the only tenant in the database"
        for model, column, target in pointing:
            # First, while the rows they point at still exist.
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(column)} IN "
                f"(SELECT {quote(target._meta.pk.column)} FROM {quote(target._meta.db_table)} "
                f"WHERE {quote(owned[target])} = %s)",
                [tenant_id],
            )
        for model, column in owned.items():
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s", [tenant_id])
        cursor.execute(f"DELETE FROM {quote(Tenant._meta.db_table)} WHERE id = %s", [tenant_id])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return "deleted table by table: other tenants share the database"


def _generate(
    *, slug: str, size: BenchSize, quarter: Quarter, history: Quarter, today: date, step: Progress
) -> tuple[Tenant, int, int]:
    """Write the tenant and its facts; return it, its work logs and its sale records."""
    tenant, admin = services.tenant_create(
        slug=slug,
        name=BENCH_NAME,
        admin_username=f"{slug}-admin",
        admin_password="",  # no password: an unusable one, nobody logs in to the bench tenant
    )
    step(f"tenant {slug!r} with its company, channels and products (tenant_create)")
    facts_start = today - timedelta(days=size.log_days - 1)
    params = {
        "tenant": tenant.pk,
        "company": admin.unit_id,
        "company_path": admin.unit.path,
        "prefix": f"{slug}-",
        "branches": size.branches,
        "teams_per_branch": size.teams_per_branch,
        "agents_per_team": size.agents_per_team,
        "branch_digits": max(2, len(str(size.branches))),
        "team_digits": max(2, len(str(size.teams_per_branch))),
        "quarter_start": quarter.start,
        "history_start": history.start,
        "history_end": history.end,
        "facts_start": facts_start,
        "today": today,
        "surnames": list(SURNAMES),
        "given_names": list(GIVEN_NAMES),
    }
    # Each step is followed by ANALYZE of what it wrote (it counts this
    # transaction's own rows): the next step's joins are then planned for
    # 20,000 agents, not for the statistics of an empty table or of a
    # tenant just deleted, which made them nested loops running for minutes.
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [SEED])
        for statement in _UNIT_STATEMENTS:
            cursor.execute(statement, params)
        cursor.execute(f"ANALYZE {_quoted([OrgUnit])[0]}")
        step(f"{size.branches:,} branches and {size.teams:,} teams")
        _people_insert(cursor, params, size)
        step(f"{size.agents + size.teams + size.branches + 1:,} users and members ({size.new_agents:,} new agents)")
        mix = _sale_mix(tenant)
        history_sales = _sales_insert(
            cursor, {**params, **mix}, prefix="BENCH", first=history.start, last=history.end, mean=size.sales_per_agent
        )
        step(f"{history_sales:,} sale records in {history}")
        logs = _logs_insert(cursor, params)
        cursor.execute(f"ANALYZE {_quoted([DailyLog])[0]}")
        step(f"{logs:,} work logs in the {size.log_days} days {facts_start} – {today}")
        recent_sales = _sales_insert(
            cursor, {**params, **mix}, prefix="BENCHR", first=facts_start, last=today, mean=size.recent_sales_per_agent
        )
        cursor.execute(f"ANALYZE {_quoted([SaleRecord])[0]}")
        step(f"{recent_sales:,} sale records in the same days ({history_sales + recent_sales:,} in all)")
        cursor.execute(_TIERS_UPDATE, params)
        step("agent tiers from last quarter's production")
    return tenant, logs, history_sales + recent_sales


# The unit's own id is part of its path, so ids are drawn from the table's
# sequence first (nextval) and the path is written with the row.
_UNIT_STATEMENTS = [
    """
    INSERT INTO org_orgunit (id, tenant_id, name, kind, parent_id, path)
    SELECT id, %(tenant)s, '第' || lpad(b::text, %(branch_digits)s, '0') || '支公司', 'branch',
           %(company)s, %(company_path)s || id || '/'
    FROM (
        SELECT b, nextval(pg_get_serial_sequence('org_orgunit', 'id')) AS id
        FROM generate_series(1, %(branches)s) AS b
    ) AS numbered
    """,
    """
    INSERT INTO org_orgunit (id, tenant_id, name, kind, parent_id, path)
    SELECT numbered.id, %(tenant)s, branch.name || '第' || lpad(t::text, %(team_digits)s, '0') || '组', 'team',
           branch.id, branch.path || numbered.id || '/'
    FROM (
        SELECT branch.id AS branch_id, t, nextval(pg_get_serial_sequence('org_orgunit', 'id')) AS id
        FROM org_orgunit AS branch CROSS JOIN generate_series(1, %(teams_per_branch)s) AS t
        WHERE branch.tenant_id = %(tenant)s AND branch.kind = 'branch'
        ORDER BY branch.id, t
    ) AS numbered
    JOIN org_orgunit AS branch ON branch.id = numbered.branch_id
    """,
]

_RANDOM_NAME = (
    "(%(surnames)s::text[])[1 + floor(random() * cardinality(%(surnames)s::text[]))::int]"
    " || (%(given_names)s::text[])[1 + floor(random() * cardinality(%(given_names)s::text[]))::int]"
)
_EXPERIENCED_HIRE = (
    f"%(quarter_start)s::date - ({EXPERIENCED_AGENT_DAYS[0]}"
    f" + floor(random() * {EXPERIENCED_AGENT_DAYS[1] - EXPERIENCED_AGENT_DAYS[0] + 1}))::int"
)

# Everyone to create, one row per person, in a temporary table: users and
# members are then two plain INSERT … SELECTs joined on the username.
_PEOPLE_STATEMENTS = [
    """
    CREATE TEMPORARY TABLE bench_person (
        seq bigserial PRIMARY KEY,
        username text NOT NULL,
        employee_no text NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL,
        unit_id bigint NOT NULL,
        hired_on date NOT NULL
    ) ON COMMIT DROP
    """,
    f"""
    INSERT INTO bench_person (username, employee_no, display_name, role, unit_id, hired_on)
    SELECT %(prefix)s || 'manager', 'M0000', {_RANDOM_NAME}, 'manager', %(company)s, {_EXPERIENCED_HIRE}
    """,
    f"""
    INSERT INTO bench_person (username, employee_no, display_name, role, unit_id, hired_on)
    SELECT %(prefix)s || 'm' || lpad(n::text, 4, '0'), 'M' || lpad(n::text, 4, '0'), {_RANDOM_NAME},
           'manager', id, {_EXPERIENCED_HIRE}
    FROM (
        SELECT id, row_number() OVER (ORDER BY id) AS n FROM org_orgunit
        WHERE tenant_id = %(tenant)s AND kind = 'branch'
    ) AS branch
    ORDER BY n
    """,
    f"""
    INSERT INTO bench_person (username, employee_no, display_name, role, unit_id, hired_on)
    SELECT %(prefix)s || 's' || lpad(n::text, 5, '0'), 'S' || lpad(n::text, 5, '0'), {_RANDOM_NAME},
           'supervisor', id, {_EXPERIENCED_HIRE}
    FROM (
        SELECT id, row_number() OVER (ORDER BY id) AS n FROM org_orgunit
        WHERE tenant_id = %(tenant)s AND kind = 'team'
    ) AS team
    ORDER BY n
    """,
    f"""
    INSERT INTO bench_person (username, employee_no, display_name, role, unit_id, hired_on)
    SELECT %(prefix)s || 'a' || lpad(n::text, 6, '0'), 'A' || lpad(n::text, 6, '0'), {_RANDOM_NAME},
           'agent', team_id, {_EXPERIENCED_HIRE}
    FROM (
        SELECT team.id AS team_id, row_number() OVER (ORDER BY team.id, a) AS n
        FROM org_orgunit AS team CROSS JOIN generate_series(1, %(agents_per_team)s) AS a
        WHERE team.tenant_id = %(tenant)s AND team.kind = 'team'
    ) AS agent
    ORDER BY n
    """,
    # An exact number of new agents, drawn at random across the tenant.
    f"""
    UPDATE bench_person
    SET hired_on = %(quarter_start)s::date - ({NEW_AGENT_DAYS[0]}
                   + floor(random() * {NEW_AGENT_DAYS[1] - NEW_AGENT_DAYS[0] + 1}))::int
    WHERE seq IN (SELECT seq FROM bench_person WHERE role = 'agent' ORDER BY random() LIMIT %(new_agents)s)
    """,
    "ANALYZE bench_person",
    # '!' starts an unusable password (Django's set_unusable_password):
    # nobody logs in as a generated member. Usernames are global, hence the
    # tenant's slug as their prefix.
    """
    INSERT INTO org_user (password, last_login, is_superuser, username, first_name, last_name, email,
                          is_staff, is_active, date_joined, tenant_id)
    SELECT '!' || md5(random()::text), NULL, false, username, display_name, '', '', false, true, now(), %(tenant)s
    FROM bench_person ORDER BY seq
    """,
    "ANALYZE org_user",
    """
    INSERT INTO org_member (tenant_id, user_id, unit_id, display_name, employee_no, role, tier, supervisor_id,
                            hired_on, active)
    SELECT %(tenant)s, login.id, person.unit_id, person.display_name, person.employee_no, person.role, 'middle',
           NULL, person.hired_on, true
    FROM bench_person AS person JOIN org_user AS login ON login.username = person.username
    ORDER BY person.seq
    """,
    "ANALYZE org_member",
    # Agents report to their team's supervisor …
    """
    UPDATE org_member AS member SET supervisor_id = boss.id
    FROM org_member AS boss
    WHERE member.tenant_id = %(tenant)s AND member.role = 'agent'
      AND boss.tenant_id = %(tenant)s AND boss.role = 'supervisor' AND boss.unit_id = member.unit_id
    """,
    # … supervisors and branch managers to the manager of the unit above.
    """
    UPDATE org_member AS member SET supervisor_id = boss.id
    FROM org_orgunit AS unit, org_member AS boss
    WHERE member.tenant_id = %(tenant)s AND member.role IN ('supervisor', 'manager')
      AND unit.id = member.unit_id
      AND boss.tenant_id = %(tenant)s AND boss.role = 'manager' AND boss.unit_id = unit.parent_id
    """,
    "DROP TABLE bench_person",
]


def _people_insert(cursor, params: dict, size: BenchSize) -> None:
    for statement in _PEOPLE_STATEMENTS:
        cursor.execute(statement, {**params, "new_agents": size.new_agents})


# Each agent gets 0 .. 2 × mean sales, dated from the later of the first
# day and their hire date to the last day; a sale's channel × product is
# drawn against the cumulative bounds of SALE_MIX. Policy numbers are the
# prefix and the row number: each call passes its own prefix.
_SALES_INSERT = """
INSERT INTO targets_salerecord (tenant_id, policy_no, member_id, channel_id, product_id, premium, policies,
                                sold_on, customer_kind, payment_mode, bank_branch_id, created_at, updated_at)
SELECT %(tenant)s,
       %(policy_prefix)s || lpad(row_number() OVER (ORDER BY sale.member_id, sale.k)::text, 8, '0'),
       sale.member_id, mix.channel_id, mix.product_id,
       round((%(premium_min)s + sale.r_premium * (%(premium_max)s - %(premium_min)s))::numeric, 2),
       1,
       sale.first_day + floor(sale.r_day * (%(last_day)s::date - sale.first_day + 1))::int,
       CASE WHEN sale.r_kind < %(new_customer_share)s THEN 'new' ELSE 'existing' END,
       CASE WHEN mix.single_only OR sale.r_mode < %(single_share)s THEN 'single' ELSE 'regular' END,
       NULL, now(), now()
FROM (
    SELECT agent.id AS member_id, agent.first_day, k,
           random() AS r_mix, random() AS r_premium, random() AS r_day, random() AS r_kind, random() AS r_mode
    FROM (
        SELECT id, greatest(hired_on, %(first_day)s::date) AS first_day,
               floor(random() * (2 * %(sales_per_agent)s + 1))::int AS sales
        FROM org_member
        WHERE tenant_id = %(tenant)s AND role = 'agent' AND hired_on <= %(last_day)s::date
        ORDER BY id
    ) AS agent
    CROSS JOIN LATERAL generate_series(1, agent.sales) AS k
) AS sale
JOIN unnest(%(mix_lower)s::float8[], %(mix_upper)s::float8[], %(mix_channel)s::bigint[],
            %(mix_product)s::bigint[], %(mix_single)s::bool[])
     AS mix (lower_bound, upper_bound, channel_id, product_id, single_only)
  ON sale.r_mix >= mix.lower_bound AND sale.r_mix < mix.upper_bound
"""


def _sale_mix(tenant: Tenant) -> dict:
    """The parameters of SALE_MIX for _SALES_INSERT: cumulative bounds and the tenant's ids."""
    channels = dict(Channel.objects.filter(tenant=tenant).values_list("code", "id"))
    products = dict(Product.objects.filter(tenant=tenant).values_list("code", "id"))
    lower, upper, bound = [], [], Decimal(0)
    for _channel, _product, share in SALE_MIX:
        lower.append(float(bound))
        bound += share
        upper.append(float(bound))
    upper[-1] = 1.0  # random() < 1, so the last bucket takes whatever rounding left
    return {
        "premium_min": PREMIUM_MIN,
        "premium_max": PREMIUM_MAX,
        "new_customer_share": NEW_CUSTOMER_SHARE,
        "single_share": SINGLE_PREMIUM_SHARE,
        "mix_lower": lower,
        "mix_upper": upper,
        "mix_channel": [channels[channel] for channel, _product, _share in SALE_MIX],
        "mix_product": [products[product] for _channel, product, _share in SALE_MIX],
        "mix_single": [product in SINGLE_PREMIUM_PRODUCTS for _channel, product, _share in SALE_MIX],
    }


def _sales_insert(cursor, params: dict, *, prefix: str, first: date, last: date, mean: int) -> int:
    """Write each agent 0 .. 2 × ``mean`` sale records dated ``first`` – ``last``; return how many."""
    cursor.execute(
        _SALES_INSERT,
        {**params, "policy_prefix": prefix, "first_day": first, "last_day": last, "sales_per_agent": mean},
    )
    return cursor.rowcount


# One row per agent and day from the later of the first day and their hire
# date to today, kept with the day's share (weekday or weekend: ISO days 6
# and 7); each count 0 .. 2 × its mean. Rows are drawn in (agent, day)
# order, so the seed decides every value.
_LOGS_INSERT = f"""
INSERT INTO activities_dailylog (tenant_id, member_id, date, {", ".join(LOG_MEANS)},
                                 flagged, created_at, updated_at)
SELECT %(tenant)s, member_id, day,
       {", ".join(f"floor(random() * {2 * mean + 1})::int" for mean in LOG_MEANS.values())},
       false, now(), now()
FROM (
    SELECT agent.id AS member_id, agent.first_day + n AS day
    FROM (
        SELECT id, greatest(hired_on, %(facts_start)s::date) AS first_day
        FROM org_member
        WHERE tenant_id = %(tenant)s AND role = 'agent' AND hired_on <= %(today)s::date
        ORDER BY id
    ) AS agent
    CROSS JOIN LATERAL generate_series(0, %(today)s::date - agent.first_day) AS n
) AS candidate
WHERE random() < CASE WHEN extract(isodow FROM day) >= 6 THEN {WEEKEND_LOG_SHARE} ELSE {WEEKDAY_LOG_SHARE} END
"""


def _logs_insert(cursor, params: dict) -> int:
    cursor.execute(_LOGS_INSERT, params)
    return cursor.rowcount


# Within each team, agents ranked by last quarter's premium, new agents
# last: the top 20% are "top", the bottom 20% and every new agent "bottom",
# the rest "middle" (DESIGN.md, Targets).
_TIERS_UPDATE = """
WITH production AS (
    SELECT agent.id, agent.unit_id,
           agent.hired_on > (%(quarter_start)s::date - interval '3 months')::date AS new_agent,
           coalesce(sum(sale.premium), 0) AS premium
    FROM org_member AS agent
    LEFT JOIN targets_salerecord AS sale
           ON sale.tenant_id = agent.tenant_id AND sale.member_id = agent.id
          AND sale.sold_on BETWEEN %(history_start)s AND %(history_end)s
    WHERE agent.tenant_id = %(tenant)s AND agent.role = 'agent'
    GROUP BY agent.id
), ranked AS (
    SELECT id, new_agent,
           row_number() OVER (PARTITION BY unit_id ORDER BY new_agent, premium DESC, id) AS position,
           count(*) OVER (PARTITION BY unit_id) AS agents
    FROM production
)
UPDATE org_member AS member
SET tier = CASE
    WHEN ranked.new_agent OR ranked.position > ranked.agents - round(ranked.agents * 0.2) THEN 'bottom'
    WHEN ranked.position <= round(ranked.agents * 0.2) THEN 'top'
    ELSE 'middle'
END
FROM ranked
WHERE member.tenant_id = %(tenant)s AND member.id = ranked.id
"""

"""The large tenant ``bench``: a 20,000-agent org with last quarter's sales.

Written with set-based SQL (``INSERT … SELECT generate_series``): one
statement per step instead of 20,000 service calls, so a fresh tenant takes
seconds. The tenant itself, its company unit, channels, products and tenant
admin still come from ``tenant_create``, so what every tenant gets on
onboarding is never duplicated here.

Shape (``BenchSize``, default sizes):

- 40 branches × 50 teams; paths ``/company/branch/team/`` as ``unit_create``
  writes them;
- a company manager, a manager per branch, a supervisor per team and 10
  agents per team (20,000), each reporting to the leader of the unit above;
- 10% of the agents hired less than 3 months before the benchmarked quarter
  (new agents), the rest hired 4 months to 8 years before it;
- last quarter's sale records: on average 3 per agent (0–6 each), premium
  1,000.00–100,000.00 yuan, channel × product in the seed's proportions;
- agent tiers from last quarter's production within each team (top 20%,
  middle 60%, bottom 20% and every new agent, who ranks last), as a manager
  would set them.

The benchmarked quarter is the one holding today, the sale history the one
before it. Random values come from PostgreSQL's ``random()`` after
``setseed(SEED)``, so every generation writes the same shape and values.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from salesops.org import services
from salesops.org.demo import GIVEN_NAMES, SURNAMES
from salesops.org.models import Channel, Member, OrgUnit, Product, Tenant, User
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
# The tables generation writes in bulk.
GENERATED_MODELS = [OrgUnit, User, Member, SaleRecord]


@dataclass(frozen=True)
class BenchSize:
    """How big the generated org is; the defaults are the benchmark's."""

    branches: int = 40
    teams_per_branch: int = 50
    agents_per_team: int = 10
    # The mean: each agent gets between 0 and twice this many sale records.
    sales_per_agent: int = 3
    new_agent_share: Decimal = Decimal("0.10")

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
    history: Quarter  # the quarter of the sale records
    sales: int
    seconds: float | None  # time to generate; None when an existing tenant was reused

    @property
    def reused(self) -> bool:
        return self.seconds is None


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
    """Return the bench tenant, generating it unless one of this shape and quarter exists."""
    size = size or BenchSize()
    quarter = Quarter.of(today or timezone.localdate())
    history = quarter.previous()
    step = Progress(progress)
    existing = Tenant.objects.filter(slug=slug).first()
    if existing is not None and not regenerate:
        problem = _shape_problem(existing, size, history)
        if problem is None:
            sales = SaleRecord.objects.filter(tenant=existing).count()
            step(f"reusing tenant {slug!r}: {size.describe()}, {sales:,} sale records in {history}")
            return BenchTenant(existing, size, quarter, history, sales, seconds=None)
        step(f"tenant {slug!r} {problem}: generating it again")
    with transaction.atomic():
        if existing is not None:
            how = _tenant_delete(existing.pk)
            step(f"deleted the old tenant {slug!r} ({how})")
        tenant, sales = _generate(slug=slug, size=size, quarter=quarter, history=history, step=step)
    if not connection.in_atomic_block:
        # Reclaim what a regeneration deleted, so the timed runs do not
        # wade through dead rows until autovacuum comes by. (VACUUM cannot
        # run inside a transaction, which is where the tests call this.)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE " + ", ".join(_quoted(GENERATED_MODELS)))
        step("vacuumed the tables")
    return BenchTenant(tenant, size, quarter, history, sales, seconds=step.elapsed)


def _shape_problem(tenant: Tenant, size: BenchSize, history: Quarter) -> str | None:
    """Say why an existing tenant is not the one asked for, or return None."""
    units = dict(OrgUnit.objects.filter(tenant=tenant).order_by().values_list("kind").annotate(n=Count("id")))
    agents = Member.objects.filter(tenant=tenant, role=Member.Role.AGENT).count()
    branches, teams = units.get(OrgUnit.Kind.BRANCH, 0), units.get(OrgUnit.Kind.TEAM, 0)
    if (branches, teams, agents) != (size.branches, size.teams, size.agents):
        return f"has {branches} branches, {teams} teams and {agents:,} agents, not {size.describe()}"
    sales = SaleRecord.objects.filter(tenant=tenant).aggregate(first=Min("sold_on"), last=Max("sold_on"))
    if sales["first"] is None or sales["first"] < history.start or sales["last"] > history.end:
        return f"has no sale history for {history} (the quarter before today's)"
    return None


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


def _generate(*, slug: str, size: BenchSize, quarter: Quarter, history: Quarter, step: Progress) -> tuple[Tenant, int]:
    tenant, admin = services.tenant_create(
        slug=slug,
        name=BENCH_NAME,
        admin_username=f"{slug}-admin",
        admin_password="",  # no password: an unusable one, nobody logs in to the bench tenant
    )
    step(f"tenant {slug!r} with its company, channels and products (tenant_create)")
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
        sales = _sales_insert(cursor, params, tenant, size)
        cursor.execute(f"ANALYZE {_quoted([SaleRecord])[0]}")
        step(f"{sales:,} sale records in {history}")
        cursor.execute(_TIERS_UPDATE, params)
        step("agent tiers from last quarter's production")
    return tenant, sales


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


# Each agent gets 0 .. 2 × mean sales, dated from the later of the quarter's
# start and their hire date to the quarter's end; a sale's channel × product
# is drawn against the cumulative bounds of SALE_MIX.
_SALES_INSERT = """
INSERT INTO targets_salerecord (tenant_id, policy_no, member_id, channel_id, product_id, premium, policies,
                                sold_on, customer_kind, payment_mode, bank_branch_id, created_at, updated_at)
SELECT %(tenant)s,
       %(policy_prefix)s || lpad(row_number() OVER (ORDER BY sale.member_id, sale.k)::text, 8, '0'),
       sale.member_id, mix.channel_id, mix.product_id,
       round((%(premium_min)s + sale.r_premium * (%(premium_max)s - %(premium_min)s))::numeric, 2),
       1,
       sale.first_day + floor(sale.r_day * (%(history_end)s::date - sale.first_day + 1))::int,
       CASE WHEN sale.r_kind < %(new_customer_share)s THEN 'new' ELSE 'existing' END,
       CASE WHEN mix.single_only OR sale.r_mode < %(single_share)s THEN 'single' ELSE 'regular' END,
       NULL, now(), now()
FROM (
    SELECT agent.id AS member_id, agent.first_day, k,
           random() AS r_mix, random() AS r_premium, random() AS r_day, random() AS r_kind, random() AS r_mode
    FROM (
        SELECT id, greatest(hired_on, %(history_start)s::date) AS first_day,
               floor(random() * (2 * %(sales_per_agent)s + 1))::int AS sales
        FROM org_member
        WHERE tenant_id = %(tenant)s AND role = 'agent'
        ORDER BY id
    ) AS agent
    CROSS JOIN LATERAL generate_series(1, agent.sales) AS k
) AS sale
JOIN unnest(%(mix_lower)s::float8[], %(mix_upper)s::float8[], %(mix_channel)s::bigint[],
            %(mix_product)s::bigint[], %(mix_single)s::bool[])
     AS mix (lower_bound, upper_bound, channel_id, product_id, single_only)
  ON sale.r_mix >= mix.lower_bound AND sale.r_mix < mix.upper_bound
"""


def _sales_insert(cursor, params: dict, tenant: Tenant, size: BenchSize) -> int:
    channels = dict(Channel.objects.filter(tenant=tenant).values_list("code", "id"))
    products = dict(Product.objects.filter(tenant=tenant).values_list("code", "id"))
    lower, upper, bound = [], [], Decimal(0)
    for _channel, _product, share in SALE_MIX:
        lower.append(float(bound))
        bound += share
        upper.append(float(bound))
    upper[-1] = 1.0  # random() < 1, so the last bucket takes whatever rounding left
    cursor.execute(
        _SALES_INSERT,
        {
            **params,
            "policy_prefix": "BENCH",
            "premium_min": PREMIUM_MIN,
            "premium_max": PREMIUM_MAX,
            "sales_per_agent": size.sales_per_agent,
            "new_customer_share": NEW_CUSTOMER_SHARE,
            "single_share": SINGLE_PREMIUM_SHARE,
            "mix_lower": lower,
            "mix_upper": upper,
            "mix_channel": [channels[channel] for channel, _product, _share in SALE_MIX],
            "mix_product": [products[product] for _channel, product, _share in SALE_MIX],
            "mix_single": [product in SINGLE_PREMIUM_PRODUCTS for _channel, product, _share in SALE_MIX],
        },
    )
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
    LEFT JOIN targets_salerecord AS sale ON sale.tenant_id = agent.tenant_id AND sale.member_id = agent.id
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

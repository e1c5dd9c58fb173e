"""The rollup engine: set-based SQL from the facts to the rollup tables.

One pipeline serves the incremental refresh and the full rebuild; they
differ only in the keys they start from:

1. ``_mkeys`` (member, grain, period) and ``_ukeys`` (unit, grain, period):
   the rows to (re)compute. Incremental: the week and month of each changed
   member-day, and the day, week and month for every ancestor unit of the
   member. Rebuild: every member with facts or a target, and every unit, for
   every period overlapping the range.
2. Member weeks and months from the facts (``GROUP BY`` over the keys' date
   ranges).
3. Unit days from the facts of the day grouped by unit, then summed up the
   tree through ``_anc`` (unit → each ancestor, itself included); unit weeks
   and months from the member rows of step 2, the same way.
4. Unit lines (channel × product) by week and month, replaced for the keys.

Every write is ``INSERT … ON CONFLICT DO UPDATE … WHERE … IS DISTINCT FROM``,
so a row that did not change is not rewritten and the count returned is the
rows that changed (the reconcile's "drift"). Targets are the plan's month
cells split by day with cumulative rounding: the share of days ``a..b`` of a
month with target ``T`` over ``D`` days is ``round(T·b/D) − round(T·(a−1)/D)``
(to the fen, or to the whole policy), so days add up to the month exactly
and the share up to a day is the pro-rata expected-to-date of targets.

All statements run in the caller's transaction; temporary tables are
dropped at commit. Nothing here knows about Celery or the outbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection

from activities.models import ITEMS, DailyLog
from dashboards.models import Rollup, RollupLine
from salesops.org.models import Member, OrgUnit
from targets.models import Allocation, Plan, SaleRecord
from targets.quarters import month_end

ROLLUP = Rollup._meta.db_table
LINE = RollupLine._meta.db_table
LOG = DailyLog._meta.db_table
SALE = SaleRecord._meta.db_table
MEMBER = Member._meta.db_table
UNIT = OrgUnit._meta.db_table
ALLOCATION = Allocation._meta.db_table
PLAN = Plan._meta.db_table

FIGURES = (*ITEMS, "logged", "policies", "premium", "agents", "producers", "target_premium", "target_policies")
KEY_COLUMNS = "grain text, period_start date, period_end date"

WORK_MEM = "256MB"
# Scratch tables of one computation, dropped at commit or by the next ``prepare``
# (a transaction may compute several times: a batch and a quarter's targets).
TEMP_TABLES = "_anc, _hires, _mkeys, _ukeys, _mt, _pairs, _periods, _md, _windows, _subjects"

# The periods of a grain holding day ``d`` (SQL expressions on a date column).
# Integer arithmetic from a Monday (1 Jan 2001), cheaper than extract(isodow).
WEEK_OF = "({d} - (({d} - date '2001-01-01') %% 7))"
MONTH_OF = "date_trunc('month', {d})::date"


def _execute(sql: str, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def _periods_sql(day: str) -> str:
    """Rows (grain, period_start, period_end) of the week and month holding ``day``."""
    week = WEEK_OF.format(d=day)
    month = MONTH_OF.format(d=day)
    return f"""
        SELECT 'week' AS grain, {week} AS period_start, {week} + 6 AS period_end
        UNION ALL
        SELECT 'month', {month}, ({month} + interval '1 month' - interval '1 day')::date
    """


def prepare(tenant_id: int) -> None:
    """Create the tenant's ancestor map ``_anc`` and agent hire counts ``_hires``; empty key tables."""
    _execute(
        f"""
        DROP TABLE IF EXISTS {TEMP_TABLES};
        -- Sorts and hashes of a whole month of facts stay in memory (the
        -- default 4 MB spills them to disk); this transaction only.
        SET LOCAL work_mem = '{WORK_MEM}';
        CREATE TEMP TABLE _anc ON COMMIT DROP AS
        SELECT u.id AS unit_id, a.ancestor::bigint AS ancestor_id
        FROM {UNIT} u, unnest(string_to_array(trim(both '/' from u.path), '/')) AS a(ancestor)
        WHERE u.tenant_id = %(tenant)s;
        CREATE INDEX ON _anc (ancestor_id);
        CREATE INDEX ON _anc (unit_id);
        -- Active agents per ancestor unit and hire date, cumulated: the
        -- agents of a unit by a period's end is one index probe.
        CREATE TEMP TABLE _hires ON COMMIT DROP AS
        SELECT ancestor_id, hired_on, sum(n) OVER (PARTITION BY ancestor_id ORDER BY hired_on) AS agents
        FROM (
            SELECT a.ancestor_id, coalesce(m.hired_on, date '0001-01-01') AS hired_on, count(*) AS n
            FROM {MEMBER} m JOIN _anc a ON a.unit_id = m.unit_id
            WHERE m.tenant_id = %(tenant)s AND m.role = 'agent' AND m.active
            GROUP BY 1, 2
        ) counts;
        CREATE INDEX ON _hires (ancestor_id, hired_on);
        CREATE TEMP TABLE _mkeys (member_id bigint, {KEY_COLUMNS}) ON COMMIT DROP;
        CREATE TEMP TABLE _ukeys (unit_id bigint, {KEY_COLUMNS}) ON COMMIT DROP;
        CREATE TEMP TABLE _mt (
            scope text, subject_id bigint, month_start date, month_end date, premium numeric, policies numeric
        ) ON COMMIT DROP;
        """,
        {"tenant": tenant_id},
    )


def _stage_sql(log_sources: list[str], sale_sources: list[str]) -> str:
    """CREATE ``_md``: member-days of the facts, each with its unit, week and month.

    Each source is a ``FROM … WHERE …`` over the work logs (alias ``l``) or
    the sale records (alias ``s``); they must not overlap. The facts are read
    once per computation; every step after reads ``_md``.
    """
    log_columns = ", ".join(f"l.{item}" for item in ITEMS)
    zeros = ", ".join("0" for _ in ITEMS)
    facts = [
        f"SELECT l.member_id, l.date AS day, {log_columns}, 1 AS logged, 0 AS policies, 0::numeric AS premium "
        f"FROM {source}"
        for source in log_sources
    ] + [f"SELECT s.member_id, s.sold_on, {zeros}, 0, s.policies, s.premium FROM {source}" for source in sale_sources]
    union = "\n            UNION ALL\n            ".join(facts)
    return f"""
        CREATE TEMP TABLE _md ON COMMIT DROP AS
        SELECT f.member_id, m.unit_id, m.role = 'agent' AS is_agent, f.day,
               {WEEK_OF.format(d="f.day")} AS week_start, {MONTH_OF.format(d="f.day")} AS month_start,
               {_summed("f")}, sum(f.logged) AS logged, sum(f.policies) AS policies, sum(f.premium) AS premium
        FROM (
            {union}
        ) f
        JOIN {MEMBER} m ON m.id = f.member_id AND m.tenant_id = %(tenant)s
        GROUP BY f.member_id, m.unit_id, m.role, f.day;
        ANALYZE _md;
    """


def _changed_sources() -> tuple[list[str], list[str]]:
    """The facts an incremental refresh reads, as index-friendly parts that do not overlap.

    Every member's facts of the changed days (a unit's day sums all its
    members), and each changed member's other days of their weeks and months.
    """
    parts = []
    for table, alias, day in ((LOG, "l", "date"), (SALE, "s", "sold_on")):
        parts.append(
            [
                f"{table} {alias} WHERE {alias}.tenant_id = %(tenant)s AND {alias}.{day} = ANY(%(days)s)",
                f"_windows w JOIN {table} {alias} ON {alias}.tenant_id = %(tenant)s "
                f"AND {alias}.member_id = w.member_id AND {alias}.{day} BETWEEN w.first AND w.last "
                f"AND {alias}.{day} <> ALL(%(days)s)",
            ]
        )
    return parts[0], parts[1]


def keys_for_member_days(tenant_id: int, pairs: Iterable[tuple[int, date]]) -> None:
    """Fill the key tables for changed (member, day) pairs: the incremental refresh."""
    pairs = list(pairs)
    _execute(
        f"""
        CREATE TEMP TABLE _pairs ON COMMIT DROP AS
        SELECT DISTINCT p.member_id, p.day, m.unit_id
        FROM unnest(%(members)s::bigint[], %(days)s::date[]) AS p(member_id, day)
        JOIN {MEMBER} m ON m.id = p.member_id AND m.tenant_id = %(tenant)s;
        INSERT INTO _mkeys
        SELECT DISTINCT p.member_id, k.grain, k.period_start, k.period_end
        FROM _pairs p CROSS JOIN LATERAL ({_periods_sql("p.day")}) k;
        INSERT INTO _ukeys
        SELECT DISTINCT a.ancestor_id, k.grain, k.period_start, k.period_end
        FROM _pairs p
        JOIN _anc a ON a.unit_id = p.unit_id
        CROSS JOIN LATERAL (
            SELECT 'day', p.day, p.day UNION ALL {_periods_sql("p.day")}
        ) k(grain, period_start, period_end);
        -- What the keys read: every member on the changed days (their units'
        -- days), and each changed member's other days of their weeks and months.
        CREATE TEMP TABLE _windows ON COMMIT DROP AS
        SELECT member_id, min(period_start) AS first, max(period_end) AS last FROM _mkeys GROUP BY member_id;
        {_stage_sql(*_changed_sources())}
        """,
        {
            "tenant": tenant_id,
            "members": [m for m, _ in pairs],
            "days": [d for _, d in pairs],
        },
    )


def keys_for_range(tenant_id: int, start: date, end: date) -> None:
    """Fill the key tables for every period overlapping ``start``–``end``: the rebuild."""
    _execute(
        f"""
        CREATE TEMP TABLE _periods ON COMMIT DROP AS
        SELECT 'day' AS grain, d::date AS period_start, d::date AS period_end
        FROM generate_series(%(start)s::date, %(end)s::date, interval '1 day') d
        UNION
        SELECT k.grain, k.period_start, k.period_end
        FROM generate_series(%(start)s::date, %(end)s::date, interval '1 day') d
        CROSS JOIN LATERAL ({_periods_sql("d::date")}) k;
        INSERT INTO _ukeys
        SELECT u.id, p.grain, p.period_start, p.period_end
        FROM {UNIT} u CROSS JOIN _periods p WHERE u.tenant_id = %(tenant)s;
        -- A member's week or month is keyed when it holds one of their facts
        -- or overlaps one of their target months: the keys depend on the
        -- periods alone, not on where a rebuild's chunks begin and end.
        {
            _stage_sql(
                [f"{LOG} l WHERE l.tenant_id = %(tenant)s AND l.date BETWEEN %(first)s AND %(last)s"],
                [f"{SALE} s WHERE s.tenant_id = %(tenant)s AND s.sold_on BETWEEN %(first)s AND %(last)s"],
            )
        }
        INSERT INTO _mkeys
        SELECT DISTINCT f.member_id, p.grain, p.period_start, p.period_end
        FROM _md f
        CROSS JOIN LATERAL (VALUES ('week', f.week_start), ('month', f.month_start)) v(grain, period_start)
        JOIN _periods p ON p.grain = v.grain AND p.period_start = v.period_start
        UNION
        SELECT t.member_id, p.grain, p.period_start, p.period_end
        FROM (
            SELECT DISTINCT a.member_id, make_date(pl.year, a.month, 1) AS month_start
            FROM {ALLOCATION} a JOIN {PLAN} pl ON pl.id = a.plan_id AND pl.tenant_id = %(tenant)s
            WHERE a.tenant_id = %(tenant)s AND a.member_id IS NOT NULL AND a.month IS NOT NULL
              AND make_date(pl.year, a.month, 1) BETWEEN %(first_month)s AND %(last)s
        ) t
        JOIN _periods p ON p.grain <> 'day' AND p.period_start < t.month_start + interval '1 month'
                       AND p.period_end >= t.month_start;
        """,
        {
            "tenant": tenant_id,
            "start": start,
            "end": end,
            # The span of the periods keyed: weeks reach past the range's ends.
            "first": min(start - timedelta(days=start.weekday()), start.replace(day=1)),
            "first_month": start.replace(day=1),
            "last": max(end + timedelta(days=6 - end.weekday()), month_end(end.year, end.month)),
        },
    )


# An allocation cell ``a`` of plan ``p``: its month, the month's last day, and
# the amount as a premium or a policy target.
MONTH_COLUMNS = """make_date(p.year, a.month, 1),
               (make_date(p.year, a.month, 1) + interval '1 month' - interval '1 day')::date,
               sum(a.amount) FILTER (WHERE p.metric = 'premium'),
               sum(a.amount) FILTER (WHERE p.metric = 'policies')"""
IN_RANGE = """make_date(p.year, a.month, 1) BETWEEN
              (SELECT date_trunc('month', min(period_start))::date FROM _ukeys)
              AND (SELECT max(period_end) FROM _ukeys)"""


def _month_targets(tenant_id: int) -> None:
    """Fill ``_mt``: the plans' month totals of every key subject, premium and policies apart."""
    _execute(
        f"""
        ANALYZE _mkeys; ANALYZE _ukeys;
        -- The key subjects, distinct and indexed: an equi-join whatever the
        -- planner guesses of the months (an IN over the keys themselves once
        -- became a nested loop of 30,000 cells × 229,000 keys).
        CREATE TEMP TABLE _subjects ON COMMIT DROP AS
        SELECT DISTINCT 'member' AS scope, member_id AS subject_id FROM _mkeys
        UNION
        SELECT DISTINCT 'unit', unit_id FROM _ukeys;
        ALTER TABLE _subjects ADD PRIMARY KEY (scope, subject_id);
        ANALYZE _subjects;
        INSERT INTO _mt
        SELECT s.scope, s.subject_id, {MONTH_COLUMNS}
        FROM {ALLOCATION} a
        JOIN {PLAN} p ON p.id = a.plan_id AND p.tenant_id = %(tenant)s
        JOIN _subjects s ON s.scope = CASE WHEN a.member_id IS NULL THEN 'unit' ELSE 'member' END
                        AND s.subject_id = coalesce(a.member_id, a.unit_id)
        WHERE a.tenant_id = %(tenant)s AND a.month IS NOT NULL AND {IN_RANGE}
        GROUP BY 1, 2, 3, 4;
        CREATE INDEX ON _mt (scope, subject_id, month_start);
        ANALYZE _mt;
        """,
        {"tenant": tenant_id},
    )


def _target_sql(scope: str, subject: str) -> str:
    """A LATERAL subquery: the key's share of its subject's month targets (see the module doc)."""

    def share(column: str, places: int) -> str:
        return f"""sum(
            round(t.{column} * (least(k.period_end, t.month_end) - t.month_start + 1)
                  / (t.month_end - t.month_start + 1), {places})
          - round(t.{column} * (greatest(k.period_start, t.month_start) - t.month_start)
                  / (t.month_end - t.month_start + 1), {places}))"""

    return f"""LEFT JOIN LATERAL (
        SELECT {share("premium", 2)} AS premium, {share("policies", 0)} AS policies
        FROM _mt t
        WHERE t.scope = '{scope}' AND t.subject_id = {subject}
          AND t.month_start <= k.period_end AND t.month_end >= k.period_start
    ) tg ON true"""


def _agents_sql(unit: str) -> str:
    """A LATERAL subquery: active agents of the unit's subtree hired by the key's period end."""
    return f"""LEFT JOIN LATERAL (
        SELECT h.agents FROM _hires h
        WHERE h.ancestor_id = {unit} AND h.hired_on <= k.period_end
        ORDER BY h.hired_on DESC LIMIT 1
    ) ag ON true"""


def _upsert_sql(select: str) -> str:
    """INSERT the rows of ``select`` (columns in ``FIGURES`` order after the key), rewriting only changes."""
    columns = ", ".join(FIGURES)
    changed = ", ".join(f"{ROLLUP}.{name}" for name in FIGURES)
    incoming = ", ".join(f"EXCLUDED.{name}" for name in FIGURES)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in (*FIGURES, "refreshed_at"))
    return f"""
        INSERT INTO {ROLLUP} (tenant_id, scope, subject_id, grain, period_start, {columns}, refreshed_at)
        {select}
        ON CONFLICT (tenant_id, scope, subject_id, grain, period_start) DO UPDATE SET {updates}
        WHERE ({changed}) IS DISTINCT FROM ({incoming})
    """


def _sums(alias: str) -> str:
    return ", ".join(f"coalesce({alias}.{item}, 0)" for item in ITEMS)


def _summed(alias: str) -> str:
    return ", ".join(f"sum({alias}.{item}) AS {item}" for item in ITEMS)


def refresh_members(tenant_id: int) -> int:
    """Write the member week and month rows of ``_mkeys`` from the facts; return rows changed."""
    select = f"""
        WITH facts AS (
            SELECT md.member_id, v.grain, v.period_start, {_summed("md")}, sum(md.logged) AS logged,
                   sum(md.policies) AS policies, sum(md.premium) AS premium
            FROM _md md
            CROSS JOIN LATERAL (VALUES ('week', md.week_start), ('month', md.month_start)) v(grain, period_start)
            GROUP BY 1, 2, 3
        )
        SELECT %(tenant)s, 'member', k.member_id, k.grain, k.period_start,
               {_sums("f")}, coalesce(f.logged, 0), coalesce(f.policies, 0), coalesce(f.premium, 0),
               CASE WHEN m.role = 'agent' AND m.active
                         AND coalesce(m.hired_on, k.period_end) <= k.period_end THEN 1 ELSE 0 END,
               CASE WHEN m.role = 'agent' AND coalesce(f.policies, 0) > 0 THEN 1 ELSE 0 END,
               tg.premium, tg.policies, now()
        FROM _mkeys k
        JOIN {MEMBER} m ON m.id = k.member_id AND m.tenant_id = %(tenant)s
        LEFT JOIN facts f USING (member_id, grain, period_start)
        {_target_sql("member", "k.member_id")}
    """
    return _execute(_upsert_sql(select), {"tenant": tenant_id})


def refresh_unit_days(tenant_id: int) -> int:
    """Write the unit day rows of ``_ukeys`` from the facts of those days; return rows changed."""
    select = f"""
        WITH own AS (
            SELECT md.unit_id, md.day, {_summed("md")}, sum(md.logged) AS logged,
                   sum(md.policies) AS policies, sum(md.premium) AS premium,
                   count(*) FILTER (WHERE md.is_agent AND md.policies > 0) AS producers
            FROM _md md
            WHERE md.day IN (SELECT period_start FROM _ukeys WHERE grain = 'day')
            GROUP BY 1, 2
        ), tree AS (
            SELECT a.ancestor_id AS unit_id, o.day, {_summed("o")}, sum(o.logged) AS logged,
                   sum(o.policies) AS policies, sum(o.premium) AS premium, sum(o.producers) AS producers
            FROM own o JOIN _anc a ON a.unit_id = o.unit_id GROUP BY 1, 2
        )
        SELECT %(tenant)s, 'unit', k.unit_id, 'day', k.period_start,
               {_sums("t")}, coalesce(t.logged, 0), coalesce(t.policies, 0), coalesce(t.premium, 0),
               coalesce(ag.agents, 0), coalesce(t.producers, 0), tg.premium, tg.policies, now()
        FROM _ukeys k
        LEFT JOIN tree t ON t.unit_id = k.unit_id AND t.day = k.period_start
        {_agents_sql("k.unit_id")}
        {_target_sql("unit", "k.unit_id")}
        WHERE k.grain = 'day'
    """
    return _execute(_upsert_sql(select), {"tenant": tenant_id})


def refresh_unit_periods(tenant_id: int) -> int:
    """Write the unit week and month rows of ``_ukeys`` from the member rows; return rows changed."""
    figures = (*ITEMS, "logged", "policies", "premium", "producers")
    summed = ", ".join(f"sum(r.{name}) AS {name}" for name in figures)
    resummed = ", ".join(f"sum(o.{name}) AS {name}" for name in figures)
    select = f"""
        WITH periods AS (
            SELECT DISTINCT grain, period_start FROM _ukeys WHERE grain <> 'day'
        ), own AS (
            SELECT m.unit_id, r.grain, r.period_start, {summed}
            FROM periods p
            JOIN {ROLLUP} r ON r.tenant_id = %(tenant)s AND r.scope = 'member'
                           AND r.grain = p.grain AND r.period_start = p.period_start
            JOIN {MEMBER} m ON m.id = r.subject_id AND m.tenant_id = %(tenant)s
            GROUP BY 1, 2, 3
        ), tree AS (
            SELECT a.ancestor_id AS unit_id, o.grain, o.period_start, {resummed}
            FROM own o JOIN _anc a ON a.unit_id = o.unit_id GROUP BY 1, 2, 3
        )
        SELECT %(tenant)s, 'unit', k.unit_id, k.grain, k.period_start,
               {_sums("r")}, coalesce(r.logged, 0), coalesce(r.policies, 0), coalesce(r.premium, 0),
               coalesce(ag.agents, 0), coalesce(r.producers, 0), tg.premium, tg.policies, now()
        FROM _ukeys k
        LEFT JOIN tree r ON r.unit_id = k.unit_id AND r.grain = k.grain AND r.period_start = k.period_start
        {_agents_sql("k.unit_id")}
        {_target_sql("unit", "k.unit_id")}
        WHERE k.grain <> 'day'
    """
    return _execute(_upsert_sql(select), {"tenant": tenant_id})


def refresh_lines(tenant_id: int) -> int:
    """Replace the channel × product lines of the week and month keys in ``_ukeys``; return rows written."""
    params = {"tenant": tenant_id}
    _execute(
        f"""
        DELETE FROM {LINE} l USING _ukeys k
        WHERE l.tenant_id = %(tenant)s AND l.unit_id = k.unit_id AND l.grain = k.grain
          AND l.period_start = k.period_start AND k.grain <> 'day'
        """,
        params,
    )
    return _execute(
        f"""
        WITH periods AS (
            SELECT DISTINCT grain, period_start, period_end FROM _ukeys WHERE grain <> 'day'
        ), own AS (
            SELECT m.unit_id, p.grain, p.period_start, s.channel_id, s.product_id,
                   sum(s.policies) AS policies, sum(s.premium) AS premium
            FROM periods p
            JOIN {SALE} s ON s.tenant_id = %(tenant)s AND s.sold_on BETWEEN p.period_start AND p.period_end
            JOIN {MEMBER} m ON m.id = s.member_id AND m.tenant_id = %(tenant)s
            GROUP BY 1, 2, 3, 4, 5
        )
        INSERT INTO {LINE} (tenant_id, unit_id, grain, period_start, channel_id, product_id,
                            policies, premium, refreshed_at)
        SELECT %(tenant)s, k.unit_id, k.grain, k.period_start, o.channel_id, o.product_id,
               sum(o.policies), sum(o.premium), now()
        FROM own o
        JOIN _anc a ON a.unit_id = o.unit_id
        JOIN _ukeys k ON k.unit_id = a.ancestor_id AND k.grain = o.grain AND k.period_start = o.period_start
        GROUP BY k.unit_id, k.grain, k.period_start, o.channel_id, o.product_id
        """,
        params,
    )


def delete_stale(tenant_id: int, scope: str, start: date, end: date) -> int:
    """Delete the range's ``scope`` rows the rebuild did not key (say, a member with no fact or target left)."""
    keys, column = ("_mkeys", "member_id") if scope == "member" else ("_ukeys", "unit_id")
    return _execute(
        f"""
        DELETE FROM {ROLLUP} r
        WHERE r.tenant_id = %(tenant)s AND r.scope = %(scope)s AND r.period_start BETWEEN %(start)s AND %(end)s
          AND NOT EXISTS (
              SELECT 1 FROM {keys} k
              WHERE k.{column} = r.subject_id AND k.grain = r.grain AND k.period_start = r.period_start
          )
        """,
        {"tenant": tenant_id, "scope": scope, "start": start, "end": end},
    )


def compute(tenant_id: int, stale_range: tuple[date, date] | None = None) -> dict[str, int]:
    """Run steps 2–4 for the keys in place; return the rows changed per step.

    With ``stale_range`` (the rebuild), rows in it that were not keyed are
    deleted too: member rows before the units are summed from them.
    """
    _month_targets(tenant_id)
    changed = {"member_periods": refresh_members(tenant_id)}
    if stale_range:
        changed["member_periods"] += delete_stale(tenant_id, "member", *stale_range)
    changed["unit_days"] = refresh_unit_days(tenant_id)
    changed["unit_periods"] = refresh_unit_periods(tenant_id)
    if stale_range:
        changed["unit_periods"] += delete_stale(tenant_id, "unit", *stale_range)
    changed["lines"] = refresh_lines(tenant_id)
    return changed

"""Command line of the benchmark (what `make bench` runs after migrating the bench database).

    python -m salesops.bench [--regenerate] [--scenario NAME ...] [--runs N] [--warmups N] [--samples N]
                             [--write-docs]

Run it through `make bench` (``python -m salesops.launcher bench``), which
points ``DATABASE_URL`` at the ``<name>_bench`` database first; run by hand
it refuses any other database unless told ``--allow-any-database``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m salesops.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true", help="delete the bench tenant and generate it again")
    parser.add_argument(
        "--scenario", action="append", metavar="NAME", help="run only this scenario (repeatable; default: all)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per scenario (default 5)")
    parser.add_argument("--warmups", type=int, default=1, help="untimed runs before them (default 1)")
    parser.add_argument(
        "--samples",
        type=int,
        default=30,
        help="timed events per latency scenario (incremental_refresh, the dashboards; default 30)",
    )
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="record the table in docs/benchmarks.md (regenerates the tenant; all scenarios only)",
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument(
        "--allow-any-database", action="store_true", help="run even if the database name does not end in _bench"
    )
    arguments = parser.parse_args(argv)
    if arguments.write_docs and arguments.scenario:
        parser.error("--write-docs records the whole table: run it without --scenario")
    if arguments.runs < 1 or arguments.samples < 1 or arguments.warmups < 0:
        parser.error("--runs and --samples must be at least 1 and --warmups at least 0")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesops.settings.local")
    import django

    django.setup()
    # Django must be set up before anything that imports models.
    from django.conf import settings

    from salesops.bench import report, scenarios
    from salesops.bench.generate import SEED, BenchSize, bench_tenant_get_or_generate
    from salesops.bench.worker import BENCH_QUEUE
    from salesops.celery import app as celery_app

    if arguments.list:
        for item in scenarios.SCENARIOS:
            print(f"{item.name:<28} {item.description}")
        return 0
    known = {item.name: item for item in scenarios.SCENARIOS}
    unknown = sorted(set(arguments.scenario or []) - set(known))
    if unknown:
        print(f"unknown scenario {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    database = settings.DATABASES["default"]["NAME"]
    if not database.endswith("_bench") and not arguments.allow_any_database:
        print(
            f"refusing to write a {BenchSize().agents:,}-agent tenant into {database!r}: run `make bench` (it uses "
            f"{database}_bench), or pass --allow-any-database",
            file=sys.stderr,
        )
        return 2
    celery_app.conf.task_default_queue = BENCH_QUEUE

    _say(f"database {database!r}")
    bench = bench_tenant_get_or_generate(regenerate=arguments.regenerate or arguments.write_docs, progress=_say)
    rows = []
    if not bench.reused:
        rows.append(report.Row("generate_tenant", f"{bench.describe()}, rolled up", [bench.seconds or 0.0]))
    run = scenarios.BenchRun(bench=bench, warmups=arguments.warmups, runs=arguments.runs, samples=arguments.samples)
    for item in scenarios.SCENARIOS:
        if arguments.scenario and item.name not in arguments.scenario:
            continue
        warmups = max(arguments.warmups, item.min_warmups)
        timed = {
            "runs": f"{warmups} warm-up + {arguments.runs} timed runs",
            "samples": f"{warmups} warm-up + {arguments.samples} timed samples",
            "once": "one timed run",
        }[item.timed]
        _say(f"{item.name}: {item.description} ({timed})")
        try:
            outcome = item.measure(run)
        except scenarios.ScenarioUnavailable as reason:
            _say(f"{item.name}: not run, {reason}")
            rows.append(
                report.Row(item.name, report.NOT_MEASURED, [], goal_seconds=item.goal_seconds, skipped=str(reason))
            )
            continue
        rows.append(report.Row(item.name, outcome.size, outcome.seconds, outcome.rows, item.goal_seconds))
    celery_app.control.purge()

    table = report.render_table(rows)
    ratios = report.render_ratios(rows, scenarios.RATIOS)
    if ratios:
        table = f"{table}\n\n{ratios}"
    notes = report.machine_notes()
    print()
    print(table)
    print()
    print(notes)
    if bench.reused:
        print("The tenant was reused, so generating it was not timed (--regenerate times it).")
    missed = [row.scenario for row in rows if row.met == "**NO**"]
    missed += [f"{ratio.numerator} / {ratio.denominator}" for ratio in scenarios.RATIOS if ratio.missed(rows)]
    if missed:
        print(f"Goal missed: {', '.join(missed)}.")
    if arguments.write_docs:
        path = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
        report.docs_table_write(path, f"{table}\n\n{notes} Sizes: {bench.size.describe()}; PostgreSQL setseed({SEED}).")
        _say(f"wrote the table to {path.relative_to(settings.BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

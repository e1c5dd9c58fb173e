"""`make bench`: generate a large tenant and time the services that must stay fast.

Performance is measured here, on a generated tenant in its own database,
never by timed tests (DESIGN.md, "Quality bars"):

- ``database``: which database the benchmark uses and creating it;
- ``generate``: the large tenant ``bench``, written with set-based SQL, and
  its first rollup rebuild;
- ``scenarios``: the registry of timed scenarios (and of goals relative to
  another scenario);
- ``worker``: the real Celery worker the incremental-refresh scenario
  starts, and ``worker_app``, the app that worker runs (the bench queue);
- ``report``: statistics, the table, and the table in docs/benchmarks.md;
- ``__main__``: the command line (``python -m salesops.bench``).
"""

"""A worked week of logs and sales for the review and hero-board tests (figures in the docstrings).

Week under review: Monday 2026-11-02 to Sunday 2026-11-08. Logs and sales are
written straight to the tables: they are the facts these reads sum (the log's
own rules are tested in test_logs.py, the sale's in tests/targets).

In the week (items pa / si / ri / np / ref):
  agent        Mon 5/3/1/1/0, Wed 6/2/0/2/1, Sun 4/1/0/0/0 → 15/6/1/3/1, 3 days;
               policies 2 (Tue, 5000.00) + 1 (Sun, 1200.50) = 3
  agent2       Tue 3/0/0/1/0                                → 3/0/0/1/0, 1 day; no policy
  supervisor   nothing                                      → zeros
  agent3       Thu 20/4/0/6/0 (team north-2)
  supervisor2  Fri 5/0/0/0/0  (team north-2)
Outside the week but in November: agent Sun 11-01 9/0/0/0/0, Mon 11-09 9/1/0/0/0
and a policy on 11-09 (800.00). Outside November: agent 10-31 50/0/0/0/0 and a
policy on 10-31 (999.00).
"""

from datetime import date

from activities.models import ITEMS, DailyLog
from tests.targets.plan_data import sell

MONDAY = date(2026, 11, 2)
SUNDAY = date(2026, 11, 8)


def log(org, member, day, *counts):
    return DailyLog.objects.create(tenant=org.tenant, member=member, date=day, **dict(zip(ITEMS, counts, strict=True)))


def worked_week(org):
    log(org, org.agent, date(2026, 11, 2), 5, 3, 1, 1, 0)
    log(org, org.agent, date(2026, 11, 4), 6, 2, 0, 2, 1)
    log(org, org.agent, date(2026, 11, 8), 4, 1, 0, 0, 0)
    log(org, org.agent2, date(2026, 11, 3), 3, 0, 0, 1, 0)
    log(org, org.agent3, date(2026, 11, 5), 20, 4, 0, 6, 0)
    log(org, org.supervisor2, date(2026, 11, 6), 5, 0, 0, 0, 0)
    # Around the week
    log(org, org.agent, date(2026, 11, 1), 9, 0, 0, 0, 0)
    log(org, org.agent, date(2026, 11, 9), 9, 1, 0, 0, 0)
    log(org, org.agent, date(2026, 10, 31), 50, 0, 0, 0, 0)
    sell(org, org.agent, "5000.00", date(2026, 11, 3), policies=2)
    sell(org, org.agent, "1200.50", date(2026, 11, 8))
    sell(org, org.agent, "800.00", date(2026, 11, 9))
    sell(org, org.agent, "999.00", date(2026, 10, 31))

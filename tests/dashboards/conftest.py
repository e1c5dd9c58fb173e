"""Fixtures of the dashboards' tests: the rolled-up org with its plan, seen on 22 Nov 2026."""

import pytest

from tests.dashboards.dashboard_data import roll_up_with_plan
from tests.dashboards.rollup_data import TODAY


@pytest.fixture
def dashboard_today(monkeypatch):
    """The pages' today: Sunday 22 November 2026."""
    monkeypatch.setattr("dashboards.pages.tenant_today", lambda tenant: TODAY)
    return TODAY


@pytest.fixture
def rolled_up(org, dashboard_today):
    """The org with the boundary week and the plan, rolled up, its pages seen on 22 Nov 2026."""
    return roll_up_with_plan(org)

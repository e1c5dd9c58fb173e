"""Priority points by hand (renewals/priority.py's table) and the queue order they give."""

from datetime import date, timedelta

import pytest

from renewals import priority
from renewals.models import RenewalCase
from renewals.selectors.cases import case_list
from tests.renewals.renewal_data import add_advisor, make_case

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("days", "points"),
    [
        (-1, 60),
        (0, 50),
        (7, 50),
        (8, 40),
        (15, 40),
        (16, 30),
        (30, 30),
        (31, 20),
        (60, 20),
        (61, 10),
        (90, 10),
        (91, 0),
    ],
)
def test_due_points_at_the_band_edges(days, points):
    assert priority.due_points(days) == points


def test_priority_adds_due_group_and_product_points():
    # Overdue 60 + group A 30 + health 15.
    assert priority.priority(due_on=TODAY - timedelta(days=3), group="A", product_type="health", today=TODAY) == 105
    # 20 days: 30 + B 0 + auto 10.
    assert priority.priority(due_on=TODAY + timedelta(days=20), group="B", product_type="auto", today=TODAY) == 40
    # 100 days: 0 + B 0 + other 0.
    assert priority.priority(due_on=TODAY + timedelta(days=100), group="B", product_type="other", today=TODAY) == 0


@pytest.mark.parametrize(
    ("points", "level", "weight"),
    [(105, "high", 3), (60, "high", 3), (59, "medium", 2), (30, "medium", 2), (29, "low", 1), (0, "low", 1)],
)
def test_levels_and_load_weights(points, level, weight):
    assert (priority.level(points), priority.weight(points)) == (level, weight)


def test_the_sql_expression_agrees_with_python(org):
    cases = []
    for index, days in enumerate([-5, 0, 7, 8, 15, 16, 30, 31, 60, 61, 90, 91, 200]):
        for group, product in [("A", "life"), ("B", "property"), ("B", "other")]:
            cases.append(
                make_case(
                    org,
                    f"P{index}{group}{product}",
                    due_on=TODAY + timedelta(days=days),
                    group=group,
                    product_type=product,
                )
            )
    listed = {c.policy_no: c.priority for c in case_list(tenant=org.tenant, actor=None, today=TODAY)}
    for case in cases:
        expected = priority.priority(due_on=case.due_on, group=case.group, product_type=case.product_type, today=TODAY)
        assert listed[case.policy_no] == expected, case.policy_no


def test_the_queue_lists_highest_priority_first_then_earliest_due(org):
    advisor = add_advisor(org, "a_advisor", group_a=True)
    make_case(org, "Q-LATE-B", due_on=TODAY + timedelta(days=45), product_type="auto", advisor=advisor)  # 20+10 = 30
    make_case(
        org, "Q-A-HEALTH", due_on=TODAY + timedelta(days=10), group="A", product_type="health", advisor=advisor
    )  # 40+30+15 = 85
    make_case(org, "Q-OVERDUE", due_on=TODAY - timedelta(days=2), product_type="property", advisor=advisor)  # 60+5 = 65
    make_case(org, "Q-SOON-AUTO", due_on=TODAY + timedelta(days=5), product_type="auto", advisor=advisor)  # 50+10 = 60
    make_case(org, "Q-SOON-LIFE", due_on=TODAY + timedelta(days=6), product_type="life", advisor=advisor)  # 50+15 = 65
    queue = list(case_list(tenant=org.tenant, actor=advisor, today=TODAY))
    assert [(c.policy_no, c.priority) for c in queue] == [
        ("Q-A-HEALTH", 85),
        ("Q-OVERDUE", 65),  # 65 as Q-SOON-LIFE, due earlier
        ("Q-SOON-LIFE", 65),
        ("Q-SOON-AUTO", 60),
        ("Q-LATE-B", 30),
    ]
    assert all(c.status == RenewalCase.Status.PENDING for c in queue)

"""The renewal team's figures, worked out by hand on a handful of cases, with each rule's boundary days.

Dates are fixed (October 2026 and around it) and ``today`` is passed in,
so the figures do not move with the calendar; times are in the tenant's
zone (Asia/Shanghai, UTC+8), where the local day and the UTC day differ.
"""

from datetime import date
from decimal import Decimal

import pytest

from renewals.models import LostReason, RenewalCase
from renewals.selectors import metrics
from renewals.selectors.cases import policy_for
from renewals.services.cases import case_update
from tests.renewals.metrics_data import local, record, walk
from tests.renewals.renewal_data import add_advisor, make_case

OCTOBER = {"start": date(2026, 10, 1), "end": date(2026, 10, 31)}


def reason_name(org, code):
    return LostReason.objects.get(tenant=org.tenant, code=code).name


@pytest.fixture
def book(org, other_org):
    """Cases by due date and status; the advisor holds all but E (unassigned) and the other advisor's O1.

    October: A (10-01) and B (10-31) renewed, C lost for price, L and M lost to a competitor,
    D contacted, E pending. September: F (09-30) renewed, N (09-29) lost.
    November: G (11-01) renewed, I (11-30) pending, U (11-29) contacted.
    December: J (12-01) pending, Q3 (12-01) quoted once, Q2 (12-05) twice, Q1 (12-10) three times,
    R2 (12-15) renewed after two quotes, S (12-20) lost, T (12-21) pending.
    July: K (07-31) renewed.
    """
    adv = org.advisor
    walk(org, make_case(org, "A", due_on=date(2026, 10, 1), advisor=adv), "contacted", "quoted", "renewed")
    walk(
        org,
        make_case(org, "B", due_on=date(2026, 10, 31), advisor=adv),
        *("contacted", "quoted", "renewed"),
        premium="3100.50",
    )
    walk(org, make_case(org, "C", due_on=date(2026, 10, 15), advisor=adv), "contacted", "lost")
    walk(org, make_case(org, "L", due_on=date(2026, 10, 3), advisor=adv), "lost", reason="competitor")
    walk(org, make_case(org, "M", due_on=date(2026, 10, 4), advisor=adv), "contacted", "lost", reason="competitor")
    walk(org, make_case(org, "D", due_on=date(2026, 10, 20), advisor=adv), "contacted")
    make_case(org, "E", due_on=date(2026, 10, 10))
    walk(org, make_case(org, "F", due_on=date(2026, 9, 30), advisor=adv), "contacted", "quoted", "renewed")
    walk(org, make_case(org, "N", due_on=date(2026, 9, 29), advisor=adv), "lost")
    walk(org, make_case(org, "G", due_on=date(2026, 11, 1), advisor=adv), "contacted", "quoted", "renewed")
    make_case(org, "I", due_on=date(2026, 11, 30), advisor=adv)
    walk(org, make_case(org, "U", due_on=date(2026, 11, 29), advisor=adv), "contacted")
    make_case(org, "J", due_on=date(2026, 12, 1), advisor=adv)
    walk(org, make_case(org, "Q3", due_on=date(2026, 12, 1), advisor=adv), "contacted", "quoted")
    walk(org, make_case(org, "Q2", due_on=date(2026, 12, 5), advisor=adv), "contacted", "quoted", "quoted")
    walk(org, make_case(org, "Q1", due_on=date(2026, 12, 10), advisor=adv), "contacted", *["quoted"] * 3)
    walk(org, make_case(org, "R2", due_on=date(2026, 12, 15), advisor=adv), "contacted", "quoted", "quoted", "renewed")
    walk(org, make_case(org, "S", due_on=date(2026, 12, 20), advisor=adv), "lost")
    make_case(org, "T", due_on=date(2026, 12, 21), advisor=adv)
    walk(org, make_case(org, "K", due_on=date(2026, 7, 31), advisor=adv), "contacted", "quoted", "renewed")
    # The lead's other advisor: renewed in October, quoted twice in December.
    other = add_advisor(org, "other")
    walk(org, make_case(org, "O1", due_on=date(2026, 10, 12), advisor=other), "contacted", "quoted", "renewed")
    walk(org, make_case(org, "O2", due_on=date(2026, 12, 8), advisor=other), "contacted", "quoted", "quoted")
    # Another tenant's cases never count.
    theirs = other_org.advisor
    walk(other_org, make_case(other_org, "X1", due_on=date(2026, 10, 5), advisor=theirs), "contacted", "lost")
    walk(
        other_org,
        make_case(other_org, "X2", due_on=date(2026, 12, 2), advisor=theirs),
        *("contacted", "quoted", "quoted", "quoted"),
    )
    return org


def test_renewal_rate_counts_the_cases_due_in_the_period_boundaries_included(book):
    # Given October: A (10-01) and B (10-31) renewed, O1 renewed, C, L, M lost, D and E open;
    # F (09-30) and G (11-01) fall just outside.
    rate = metrics.renewal_rate(tenant=book.tenant, actor=book.renewal_lead, **OCTOBER)
    # Then 3 of 8 due were renewed, for 5,200.00 + 3,100.50 + 5,200.00.
    assert (rate.due, rate.renewed, rate.lost, rate.open) == (8, 3, 3, 2)
    assert rate.rate == Decimal("0.3750")
    assert rate.renewed_premium == Decimal("13500.50")


def test_renewal_rate_in_the_advisors_scope(book):
    # The advisor does not see E (unassigned) nor O1 (the other advisor's): 2 renewed of 6.
    rate = metrics.renewal_rate(tenant=book.tenant, actor=book.advisor, **OCTOBER)
    assert (rate.due, rate.renewed, rate.lost, rate.open) == (6, 2, 3, 1)
    assert rate.rate == Decimal("0.3333")
    assert rate.renewed_premium == Decimal("8300.50")


def test_renewal_rate_with_nothing_due_is_none(book):
    rate = metrics.renewal_rate(
        tenant=book.tenant, actor=book.renewal_lead, start=date(2026, 8, 1), end=date(2026, 8, 31)
    )
    assert (rate.due, rate.rate, rate.renewed_premium) == (0, None, Decimal("0.00"))


def test_rate_trend_by_calendar_month(book):
    # Given today 2026-11-05, the last four months: August to November (K, due 07-31, is out; so is December).
    trend = metrics.rate_trend(tenant=book.tenant, actor=book.renewal_lead, today=date(2026, 11, 5), months=4)
    assert [month for month, _rate in trend] == [
        date(2026, 8, 1),
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 11, 1),
    ]
    assert [(rate.due, rate.renewed, rate.rate) for _month, rate in trend] == [
        (0, 0, None),  # nothing due in August
        (2, 1, Decimal("0.5000")),  # F renewed, N lost
        (8, 3, Decimal("0.3750")),  # as the October rate
        (3, 1, Decimal("0.3333")),  # G renewed; U contacted and I pending
    ]


def test_lost_reasons_most_first(book):
    # October's lost cases: L and M to a competitor, C for price; N (09-29) and X1 (other tenant) are out.
    reasons = metrics.lost_reasons(tenant=book.tenant, actor=book.renewal_lead, **OCTOBER)
    assert reasons == [(reason_name(book, "competitor"), 2), (reason_name(book, "price"), 1)]


def test_churn_risk_lists_open_cases_quoted_again_most_quotes_first(book):
    policy = policy_for(book.tenant)
    # Two quotes or more (seed 003's default): Q1 (3), then Q2 (2, due 12-05) before O2 (2, due 12-08);
    # Q3 was quoted once, R2 twice but renewed, X2 is another tenant's.
    risk = metrics.churn_risk(tenant=book.tenant, actor=book.renewal_lead, policy=policy)
    assert [(case.policy_no, case.quotes) for case in risk] == [("Q1", 3), ("Q2", 2), ("O2", 2)]
    # The advisor sees their own only.
    assert [case.policy_no for case in metrics.churn_risk(tenant=book.tenant, actor=book.advisor, policy=policy)] == [
        "Q1",
        "Q2",
    ]
    # Raised to three quotes, only Q1 is at risk.
    policy.churn_quotes = 3
    assert [
        case.policy_no for case in metrics.churn_risk(tenant=book.tenant, actor=book.renewal_lead, policy=policy)
    ] == ["Q1"]


def test_pipeline_by_status_and_due_week(book):
    # Given Wednesday 2026-12-02: weeks from Monday 11-30, 12-07 and 12-14 (to Sunday 12-20).
    pipeline = metrics.pipeline(tenant=book.tenant, actor=book.renewal_lead, today=date(2026, 12, 2), weeks=3)
    assert pipeline.weeks == [date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14)]
    # Columns: before this week (open only: D, E, U due Sunday 11-29), then each week.
    # Week 11-30: I (due that Monday), J, Q3, Q2; week 12-07: Q1, O2; week 12-14: R2 and S (due that Sunday).
    # Closed cases due before this week (A, B, C, G, …) are history; T (12-21) is past the last week.
    assert pipeline.counts == {
        "pending": [1, 2, 0, 0],
        "contacted": [2, 0, 0, 0],
        "quoted": [0, 2, 2, 0],
        "renewed": [0, 0, 0, 1],
        "lost": [0, 0, 0, 1],
    }


def test_open_counts(book):
    # Open: D, E, I, U, J, Q3, Q2, Q1, T, O2 (10); E unassigned; due before 2026-12-02: D, E, U, I, J, Q3 (6).
    counts = metrics.open_counts(tenant=book.tenant, actor=book.renewal_lead, today=date(2026, 12, 2))
    assert (counts.open, counts.unassigned, counts.overdue) == (10, 1, 6)
    # Due today is not overdue yet: on 2026-11-30, I is due that day (D, E, U are overdue).
    counts = metrics.open_counts(tenant=book.tenant, actor=book.renewal_lead, today=date(2026, 11, 30))
    assert counts.overdue == 3


@pytest.fixture
def plans(org, other_org):
    """Follow-ups and the next actions they planned, around October (local times, UTC+8).

    P1 planned 10-01 and was called again 10-01 at 23:30: done.
    P2 planned 10-05 and was called again 10-06 at 00:30 (still 10-05 in UTC): late.
    P3 planned 09-30 (before October), then 10-31, and was called again 10-31 at 09:00: done.
    P4 planned 10-12 and was closed (lost) 10-12 at 20:00 without a call: done.
    P5 planned 10-12 and was closed 10-13 at 07:00 (still 10-12 in UTC): late.
    P6 planned 10-25 and was never called again.
    P7 planned 10-14 at 15:00; the only other call was earlier that day: not done.
    """
    adv = org.advisor
    cases = {
        name: make_case(org, name, due_on=date(2027, 1, 15), advisor=adv)
        for name in ["P1", "P2", "P3", "P4", "P5", "P6", "P7"]
    }
    record(org, cases["P1"], local(9, 28), next_on=date(2026, 10, 1), outcome="contacted")
    record(org, cases["P1"], local(10, 1, 23, 30))
    record(org, cases["P2"], local(9, 28), next_on=date(2026, 10, 5), outcome="contacted")
    record(org, cases["P2"], local(10, 6, 0, 30))
    record(org, cases["P3"], local(9, 20), next_on=date(2026, 9, 30), outcome="contacted")
    record(org, cases["P3"], local(10, 3), next_on=date(2026, 10, 31))
    record(org, cases["P3"], local(10, 31, 9), next_on=date(2026, 11, 1))
    for name, closed_at in [("P4", local(10, 12, 20)), ("P5", local(10, 13, 7))]:
        record(org, cases[name], local(10, 10), next_on=date(2026, 10, 12), outcome="contacted")
        case_update(
            tenant=org.tenant, actor=adv, case=cases[name], changes={"status": "lost", "lost_reason": "unreachable"}
        )
        # The service stamps the real time; this case was closed back then.
        RenewalCase.objects.filter(pk=cases[name].pk).update(closed_at=closed_at)
    record(org, cases["P6"], local(10, 18), next_on=date(2026, 10, 25), outcome="contacted")
    record(org, cases["P7"], local(10, 14, 9), outcome="contacted")
    record(org, cases["P7"], local(10, 14, 15), next_on=date(2026, 10, 14))
    # Another tenant's missed plan never counts.
    theirs = make_case(other_org, "X", due_on=date(2027, 1, 15), advisor=other_org.advisor)
    record(other_org, theirs, local(10, 2), next_on=date(2026, 10, 3), outcome="contacted")
    return org


def test_follow_up_completion_by_the_local_day(plans):
    # Given today after October: P1, P2, P3 (10-31), P4, P5, P6, P7 were planned; P1, P3, P4 done on time.
    completion = metrics.follow_up_completion(
        tenant=plans.tenant, actor=plans.renewal_lead, **OCTOBER, today=date(2026, 11, 5)
    )
    assert (completion.scheduled, completion.completed) == (7, 3)
    assert completion.rate == Decimal("0.4286")


def test_follow_up_completion_counts_plans_up_to_today(plans):
    # Given today 10-20: P3's 10-31 and P6's 10-25 are not due yet: P1, P4 done of P1, P2, P4, P5, P7.
    completion = metrics.follow_up_completion(
        tenant=plans.tenant, actor=plans.renewal_lead, **OCTOBER, today=date(2026, 10, 20)
    )
    assert (completion.scheduled, completion.completed, completion.rate) == (5, 2, Decimal("0.4000"))
    # Today is a plan's last day: on 10-12, P4 (closed that evening) is done, P5 is not yet late but counts.
    completion = metrics.follow_up_completion(
        tenant=plans.tenant, actor=plans.renewal_lead, **OCTOBER, today=date(2026, 10, 12)
    )
    assert (completion.scheduled, completion.completed) == (4, 2)


def test_follow_up_completion_before_the_period_is_empty(plans):
    completion = metrics.follow_up_completion(
        tenant=plans.tenant, actor=plans.renewal_lead, **OCTOBER, today=date(2026, 9, 30)
    )
    assert (completion.scheduled, completion.completed, completion.rate) == (0, 0, None)


@pytest.fixture
def responses(org, other_org):
    """Assignment and first follow-up of each case (local times).

    M1 assigned 10-01 08:00, first call 10:00: 2 h.
    M2 assigned 09-30 20:00, first call 10-01 00:00 (October's first minute): 4 h.
    M3 assigned 10-30 12:00, first call 10-31 23:59: 35 h 59 min.
    M7 (the other advisor's) assigned 10-05 09:00, first call 10-06 15:00: 30 h.
    Out: M4 first called 11-01 00:00, M5 09-30 23:00; M6 re-assigned after its first call.
    """
    adv = org.advisor
    other = add_advisor(org, "other")
    plan = [
        ("M1", adv, local(10, 1, 8), local(10, 1, 10)),
        ("M2", adv, local(9, 30, 20), local(10, 1, 0)),
        ("M3", adv, local(10, 30, 12), local(10, 31, 23, 59)),
        ("M7", other, local(10, 5, 9), local(10, 6, 15)),
        ("M4", adv, local(10, 31, 20), local(11, 1, 0)),
        ("M5", adv, local(9, 29, 10), local(9, 30, 23)),
        ("M6", adv, local(10, 9, 9), local(10, 10, 9)),
    ]
    for name, advisor, assigned_at, first_at in plan:
        case = make_case(org, name, due_on=date(2027, 1, 15), advisor=advisor, assigned_at=assigned_at)
        record(org, case, first_at, outcome="contacted")
    case_update(
        tenant=org.tenant,
        actor=org.renewal_lead,
        case=RenewalCase.objects.get(tenant=org.tenant, policy_no="M6"),
        changes={"advisor": other.pk},
    )
    theirs = make_case(other_org, "X", due_on=date(2027, 1, 15), advisor=other_org.advisor, assigned_at=local(10, 1, 8))
    record(other_org, theirs, local(10, 20, 8), outcome="contacted")  # 456 h: would move the median
    return org


def test_median_response_hours(responses):
    # 2, 4, 30 and 35.98 hours: the median lies halfway between 4 and 30.
    hours = metrics.median_response_hours(tenant=responses.tenant, actor=responses.renewal_lead, **OCTOBER)
    assert hours == Decimal("17.0")


def test_median_response_hours_in_the_advisors_scope(responses):
    # Without the other advisor's M7: 2, 4 and 35.98 hours.
    assert metrics.median_response_hours(tenant=responses.tenant, actor=responses.advisor, **OCTOBER) == Decimal("4.0")


def test_median_response_hours_with_no_first_call_is_none(responses):
    august = {"start": date(2026, 8, 1), "end": date(2026, 8, 31)}
    assert metrics.median_response_hours(tenant=responses.tenant, actor=responses.renewal_lead, **august) is None

"""Activity standards: the 5311 seed, dated changes, who may set them, and the week and streak judged by them."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from activities.models import ITEMS, ActivityStandard, DailyLog
from activities.selectors.logs import streak, week_days
from activities.selectors.standards import standard_in_effect, standard_list
from activities.services.standards import standard_create
from salesops.org import services as org_services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

STANDARDS = "/api/v1/activities/standards/"
FIVE_THREE_ONE_ONE = {
    "phone_appointments": 5,
    "sales_interviews": 3,
    "recruiting_interviews": 1,
    "new_prospects": 1,
    "referrals": None,
}
# A hand-picked week: Monday 2026-11-09 … Sunday 2026-11-15; "today" is Thursday 2026-11-12.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 11, day) for day in range(9, 16))
TODAY = THU


def english(client):
    client.cookies["django_language"] = "en"
    return client


def figures(standard):
    return {item: getattr(standard, item) for item in ITEMS}


def log(org, member, day, counts):
    """Store a log as it stood (test data for the read side; the write rules are tested in test_logs.py)."""
    return DailyLog.objects.create(tenant=org.tenant, member=member, date=day, **dict(zip(ITEMS, counts, strict=True)))


def new_standard(org, tier, effective_from, counts, actor=None):
    return standard_create(
        tenant=org.tenant,
        actor=actor or org.admin,
        tier=tier,
        effective_from=effective_from,
        **dict(zip(ITEMS, counts, strict=True)),
    )


# --- the 5311 seed -----------------------------------------------------------------------------------


def test_a_new_tenant_has_5311_for_every_tier():
    # When a tenant is onboarded
    tenant, _admin = org_services.tenant_create(
        slug="new-co", name="New Co", admin_username="new-admin", admin_password=PASSWORD
    )
    # Then each tier has 5 / 3 / 1 / 1 (referrals without a standard) from 2000-01-01
    standards = ActivityStandard.objects.filter(tenant=tenant)
    assert {s.tier: (s.effective_from, figures(s)) for s in standards} == {
        tier: (date(2000, 1, 1), FIVE_THREE_ONE_ONE) for tier in ("top", "middle", "bottom")
    }
    assert figures(standard_in_effect(tenant=tenant, tier="middle", on=TODAY)) == FIVE_THREE_ONE_ONE


def test_the_migration_seeds_existing_tenants_once(org, other_org):
    # Given a tenant that lost its standards and one that kept them (one of them changed)
    ActivityStandard.objects.filter(tenant=org.tenant).delete()
    kept = ActivityStandard.objects.get(tenant=other_org.tenant, tier="top")
    kept.phone_appointments = 8
    kept.save()
    migration = importlib.import_module("activities.migrations.0002_seed_5311")
    # When the data migration runs, twice
    migration.seed_5311(apps, None)
    migration.seed_5311(apps, None)
    # Then every tenant has one standard per tier, and the kept one is untouched
    assert ActivityStandard.objects.filter(tenant=org.tenant).count() == 3
    assert ActivityStandard.objects.filter(tenant=other_org.tenant).count() == 3
    kept.refresh_from_db()
    assert kept.phone_appointments == 8


# --- dated standards ----------------------------------------------------------------------------------


def test_a_new_standard_applies_from_its_date_and_older_days_keep_the_old_one(org):
    # Given 5311 and a tougher top-tier standard from Wednesday
    new_standard(org, "top", WED, (6, 3, 2, 1, 1))
    # Then Tuesday is judged by 5311, Wednesday on by the new one, and other tiers keep 5311
    assert figures(standard_in_effect(tenant=org.tenant, tier="top", on=TUE)) == FIVE_THREE_ONE_ONE
    assert standard_in_effect(tenant=org.tenant, tier="top", on=WED).phone_appointments == 6
    assert standard_in_effect(tenant=org.tenant, tier="top", on=SUN).referrals == 1
    assert standard_in_effect(tenant=org.tenant, tier="middle", on=SUN).phone_appointments == 5
    assert standard_in_effect(tenant=org.tenant, tier="top", on=date(1999, 12, 31)) is None


def test_the_list_keeps_the_history_newest_first_per_tier(org, other_org):
    new_standard(org, "top", WED, (6, 3, 2, 1, 1))
    rows = [(s.tier, s.effective_from) for s in standard_list(tenant=org.tenant)]
    assert rows == [("top", WED), ("top", date(2000, 1, 1)), ("middle", date(2000, 1, 1)), ("bottom", date(2000, 1, 1))]


def test_a_second_standard_for_the_same_tier_and_date_is_refused(org):
    new_standard(org, "top", WED, (6, 3, 2, 1, 1))
    with pytest.raises(ValidationError) as error:
        new_standard(org, "top", WED, (7, 3, 2, 1, 1))
    assert error.value.message_dict == {"effective_from": ["This tier already has a standard from this date."]}
    # Another tier on that date is fine
    new_standard(org, "middle", WED, (7, 3, 2, 1, 1))


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_tenant_admins_and_company_managers_set_standards_over_the_api(org, api_client_for, role):
    body = {"tier": "bottom", "effective_from": "2026-12-01", **FIVE_THREE_ONE_ONE, "phone_appointments": 3}
    response = api_client_for(org.members[role]).post(STANDARDS, body, format="json")
    assert response.status_code == 201
    assert response.json() | {"id": 0, "created_at": ""} == {
        "id": 0,
        "created_at": "",
        **body,
        "created_by": org.members[role].pk,
    }


@pytest.mark.parametrize("role", ["agent", "supervisor", "branch_manager", "bank"])
def test_other_roles_may_not_set_standards(org, api_client_for, role):
    body = {"tier": "top", "effective_from": "2026-12-01", **FIVE_THREE_ONE_ONE}
    response = api_client_for(org.members[role]).post(STANDARDS, body, format="json")
    assert response.status_code == 403
    assert ActivityStandard.objects.filter(tenant=org.tenant).count() == 3
    with pytest.raises(PermissionDenied):
        new_standard(org, "top", WED, (6, 3, 2, 1, 1), actor=org.members[role])


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"phone_appointments": -1}, {"phone_appointments": ["A standard cannot be negative."]}),
        (
            {"sales_interviews": 101},
            {"sales_interviews": ["A standard above the daily cap (100) could never be met honestly."]},
        ),
        ({"new_prospects": 1.5}, {"new_prospects": ["A valid integer is required."]}),
        ({"tier": "gold"}, {"tier": ['"gold" is not a valid choice.']}),
        ({"effective_from": "2000-01-01"}, {"effective_from": ["This tier already has a standard from this date."]}),
        (
            {"effective_from": "soon"},
            {"effective_from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
    ],
)
def test_bad_standards_are_refused_field_by_field(org, api_client_for, change, errors):
    body = {"tier": "top", "effective_from": "2026-12-01", **FIVE_THREE_ONE_ONE, **change}
    response = english(api_client_for(org.admin)).post(STANDARDS, body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert ActivityStandard.objects.filter(tenant=org.tenant).count() == 3


def test_a_null_figure_means_no_standard_for_that_item(org, api_client_for):
    body = {"tier": "top", "effective_from": "2026-12-01", **dict.fromkeys(ITEMS)}
    assert api_client_for(org.admin).post(STANDARDS, body, format="json").status_code == 201


def test_every_member_reads_their_own_tenants_standards_only(org, other_org, api_client_for):
    new_standard(other_org, "top", WED, (9, 9, 9, 9, 9))
    rows = api_client_for(org.agent).get(STANDARDS).json()["results"]
    assert len(rows) == 3
    assert {row["phone_appointments"] for row in rows} == {5}


# --- the week and the streak --------------------------------------------------------------------------


def test_week_days_hand_worked(org, django_assert_num_queries):
    # Given the agent (tier top) with 5311 until Tuesday and 6/3/1/1 from Wednesday
    new_standard(org, "top", WED, (6, 3, 1, 1, None))
    log(org, org.agent, MON, (5, 3, 1, 1, 0))  # 5311 reached
    log(org, org.agent, TUE, (9, 9, 9, 0, 9))  # no new prospect
    log(org, org.agent, WED, (5, 3, 1, 1, 0))  # would meet 5311, but Wednesday asks 6 calls
    log(org, org.agent, SUN, (6, 3, 1, 1, 0))  # after "today": not judged yet
    # When the week is read on Thursday (today, not logged yet)
    with django_assert_num_queries(2):
        days = week_days(tenant=org.tenant, member=org.agent, today=TODAY)
    # Then Monday to Sunday, met only on Monday; Thursday is not met, Friday on not judged
    assert [(d["date"], d["logged"], d["met"]) for d in days] == [
        (MON, True, True),
        (TUE, True, False),
        (WED, True, False),
        (THU, False, False),
        (FRI, False, None),
        (SAT, False, None),
        (SUN, True, None),
    ]
    assert days[0]["counts"] == {
        "phone_appointments": 5,
        "sales_interviews": 3,
        "recruiting_interviews": 1,
        "new_prospects": 1,
        "referrals": 0,
    }
    assert days[3]["counts"] == dict.fromkeys(ITEMS, 0)


def test_week_days_judge_by_the_members_tier(org):
    # The bottom tier keeps 5311 when the top tier's standard rises.
    new_standard(org, "top", MON, (6, 3, 1, 1, None))
    log(org, org.agent2, WED, (5, 3, 1, 1, 0))
    assert week_days(tenant=org.tenant, member=org.agent2, today=TODAY)[2]["met"] is True


def test_a_week_without_any_standard_is_not_judged(org):
    ActivityStandard.objects.filter(tenant=org.tenant).delete()
    log(org, org.agent, MON, (5, 3, 1, 1, 0))
    assert {d["met"] for d in week_days(tenant=org.tenant, member=org.agent, today=TODAY)} == {None}
    assert streak(tenant=org.tenant, member=org.agent, today=TODAY) == 0


MET = (5, 3, 1, 1, 0)
NOT_MET = (5, 3, 1, 0, 0)


def test_streak_counts_back_from_yesterday_until_today_is_met(org):
    # Given 5311 met Thursday the 5th, nothing on Friday the 6th, then met Saturday to Wednesday
    log(org, org.agent, date(2026, 11, 5), MET)
    for day in (date(2026, 11, 7), date(2026, 11, 8), MON, TUE, WED):
        log(org, org.agent, day, MET)
    # Then on Thursday morning (not logged yet) the streak is Saturday..Wednesday: 5
    assert streak(tenant=org.tenant, member=org.agent, today=TODAY) == 5
    # When Thursday is logged below the standard, it is still 5
    today = log(org, org.agent, TODAY, NOT_MET)
    assert streak(tenant=org.tenant, member=org.agent, today=TODAY) == 5
    # When Thursday meets it, it is 6
    today.new_prospects = 1
    today.save()
    assert streak(tenant=org.tenant, member=org.agent, today=TODAY) == 6


def test_a_missed_day_ends_the_streak(org):
    log(org, org.agent, MON, MET)
    log(org, org.agent, TUE, NOT_MET)
    log(org, org.agent, WED, MET)
    assert streak(tenant=org.tenant, member=org.agent, today=TODAY) == 1
    assert streak(tenant=org.tenant, member=org.agent, today=WED) == 1
    assert streak(tenant=org.tenant, member=org.agent, today=TUE) == 1  # Tuesday not met: from Monday
    assert streak(tenant=org.tenant, member=org.agent2, today=TODAY) == 0


def test_a_raised_standard_ends_the_streak_from_its_date(org):
    for day in (MON, TUE, WED):
        log(org, org.agent, day, MET)
    new_standard(org, "top", WED, (6, 3, 1, 1, None))
    assert streak(tenant=org.tenant, member=org.agent, today=TODAY) == 0
    assert streak(tenant=org.tenant, member=org.agent, today=TUE) == 2


def test_a_long_streak_is_read_in_a_few_queries(org, django_assert_max_num_queries):
    # Given 150 days in a row at 5311 up to Wednesday
    DailyLog.objects.bulk_create(
        DailyLog(
            tenant=org.tenant, member=org.agent, date=WED - timedelta(days=n), **dict(zip(ITEMS, MET, strict=True))
        )
        for n in range(150)
    )
    # Then the streak is 150, read in chunks of 62 days (three) plus the standards
    with django_assert_max_num_queries(4):
        assert streak(tenant=org.tenant, member=org.agent, today=TODAY) == 150

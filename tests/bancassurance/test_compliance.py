"""Contact compliance across a week (seed 004: head 1–2 a week, wealth manager daily, teller 1–2 a week)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from bancassurance.models import BranchContact
from bancassurance.selectors.branches import policy_for
from bancassurance.selectors.compliance import week_compliance
from bancassurance.services.field_work import contact_log
from bancassurance.services.roster import staff_update
from bancassurance.services.standards import standards_update
from tests.bancassurance.channel_data import contact, make_bank, make_branch, person

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 2)  # the week of Monday 2 to Sunday 8 November 2026
JOINED = date(2026, 1, 5)


def _week(org, branches, today=date(2026, 11, 20), monday=MONDAY):
    return week_compliance(
        tenant=org.tenant, branches=branches, policy=policy_for(org.tenant), monday=monday, today=today
    )


def test_a_finished_week_by_person_and_branch_the_one_falling_short_first(org):
    bank = make_bank(org)
    good = make_branch(org, bank, "GOOD", staff=org.bank)
    short = make_branch(org, bank, "SHORT", staff=org.bank)
    # GOOD: the head once, the wealth manager every working day (twice on Tuesday), the teller twice
    head, wm, teller = (person(org, good, role, JOINED) for role in ("head", "wealth_manager", "teller"))
    contact(org, good, head, date(2026, 11, 3))
    for day in (2, 3, 3, 4, 5, 6):
        contact(org, good, wm, date(2026, 11, day))
    contact(org, good, teller, date(2026, 11, 4))
    contact(org, good, teller, date(2026, 11, 6))
    # SHORT: the wealth manager on four of the five working days, the teller not at all, the head only
    # on the Sunday before the week
    s_head, s_wm, s_teller = (person(org, short, role, JOINED) for role in ("head", "wealth_manager", "teller"))
    contact(org, short, s_head, date(2026, 11, 1))
    for day in (2, 3, 4, 5):
        contact(org, short, s_wm, date(2026, 11, day))

    first, second = _week(org, [good, short])

    assert first.branch == short and second.branch == good
    assert [(p.role, p.done, p.required, p.met) for p in first.people] == [
        ("head", 0, 1, False),
        ("teller", 0, 1, False),
        ("wealth_manager", 4, 5, False),
    ]
    assert (first.met, str(first.rate)) == (0, "0.0000")
    assert [(p.role, p.contacts, p.days, p.met) for p in second.people] == [
        ("head", 1, 1, True),
        ("teller", 2, 2, True),
        ("wealth_manager", 6, 5, True),
    ]
    assert (second.met, str(second.rate)) == (3, "1.0000")


def test_a_week_under_way_asks_the_wealth_manager_only_for_the_working_days_so_far(org):
    branch = make_branch(org, make_bank(org), "B1", staff=org.bank)
    wm = person(org, branch, "wealth_manager", JOINED)
    contact(org, branch, wm, date(2026, 11, 2))
    contact(org, branch, wm, date(2026, 11, 3))

    # On Wednesday: three working days so far, two with a contact
    [wednesday] = _week(org, [branch], today=date(2026, 11, 4))
    assert [(p.done, p.required, p.met) for p in wednesday.people] == [(2, 3, False)]
    # On Tuesday evening: two of two
    [tuesday] = _week(org, [branch], today=date(2026, 11, 3))
    assert [(p.done, p.required, p.met) for p in tuesday.people] == [(2, 2, True)]


def test_people_who_joined_or_left_during_the_week_are_asked_for_their_days_only(org):
    branch = make_branch(org, make_bank(org), "B1", staff=org.bank)
    leaver = person(org, branch, "wealth_manager", JOINED, name="走的")
    joiner = person(org, branch, "wealth_manager", date(2026, 11, 5), name="来的")
    before = person(org, branch, "teller", JOINED, name="早走的")
    contact(org, branch, leaver, date(2026, 11, 2))
    contact(org, branch, leaver, date(2026, 11, 3))
    staff_update(tenant=org.tenant, actor=None, staff=leaver, left_on=date(2026, 11, 3))
    contact(org, branch, joiner, date(2026, 11, 5))
    staff_update(tenant=org.tenant, actor=None, staff=before, left_on=date(2026, 10, 30))

    [week] = _week(org, [branch])

    # The teller who left before the week is not counted; the leaver needed Mon–Tue, the joiner Thu–Fri
    assert sorted((p.name, p.done, p.required, p.met) for p in week.people) == [
        ("来的", 1, 2, False),
        ("走的", 2, 2, True),
    ]


def test_the_tenants_own_standards_apply(org):
    standards_update(
        tenant=org.tenant, actor=org.admin, changes={"head_contacts_per_week": 2, "wealth_manager_days_per_week": 3}
    )
    branch = make_branch(org, make_bank(org), "B1", staff=org.bank)
    head, wm = person(org, branch, "head", JOINED), person(org, branch, "wealth_manager", JOINED)
    contact(org, branch, head, date(2026, 11, 2))
    for day in (2, 4, 6):
        contact(org, branch, wm, date(2026, 11, day))

    [week] = _week(org, [branch])

    assert [(p.role, p.done, p.required, p.met) for p in week.people] == [
        ("head", 1, 2, False),
        ("wealth_manager", 3, 3, True),
    ]


def test_a_branch_with_nobody_on_the_roster_comes_last_with_no_rate(org):
    bank = make_bank(org)
    empty = make_branch(org, bank, "A-EMPTY", staff=org.bank)
    full = make_branch(org, bank, "B-FULL", staff=org.bank)
    person(org, full, "head", JOINED)
    first, last = _week(org, [empty, full])
    assert (first.branch, last.branch, last.rate) == (full, empty, None)


def test_a_contact_with_a_person_of_another_branch_is_refused_and_nothing_is_saved(org):
    bank = make_bank(org)
    mine, other = make_branch(org, bank, "B1", staff=org.bank), make_branch(org, bank, "B2", staff=org.bank)
    theirs = person(org, other, "teller", JOINED)
    with pytest.raises(ValidationError) as raised:
        contact_log(
            tenant=org.tenant, actor=org.bank, branch=mine, staff_id=theirs.pk, contacted_on=MONDAY, kind="visit"
        )
    assert raised.value.message_dict == {"staff": ["Choose a person on this branch's roster."]}
    assert not BranchContact.objects.exists()


def test_a_contact_outside_the_persons_time_at_the_branch_or_in_the_future_is_refused(org):
    branch = make_branch(org, make_bank(org), "B1", staff=org.bank)
    teller = person(org, branch, "teller", date(2026, 11, 3), name="小王")
    staff_update(tenant=org.tenant, actor=None, staff=teller, left_on=date(2026, 11, 10))
    cases = {
        date(2026, 11, 2): "小王 joined the branch on 2026-11-03.",
        date(2026, 11, 11): "小王 left the branch on 2026-11-10.",
        date(2099, 1, 1): "The date cannot be in the future.",
    }
    for day, message in cases.items():
        with pytest.raises(ValidationError) as raised:
            contact_log(
                tenant=org.tenant, actor=org.bank, branch=branch, staff_id=teller.pk, contacted_on=day, kind="visit"
            )
        assert raised.value.message_dict == {"contacted_on": [message]}
    with pytest.raises(ValidationError) as raised:
        contact_log(
            tenant=org.tenant,
            actor=org.bank,
            branch=branch,
            staff_id=teller.pk,
            contacted_on=MONDAY,
            kind="fax",
            openings=-1,
        )
    assert set(raised.value.message_dict) == {"kind", "openings", "contacted_on"}
    assert not BranchContact.objects.exists()

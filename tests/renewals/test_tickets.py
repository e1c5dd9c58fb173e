"""Service tickets: SLA deadlines, escalation, breach and call-back alerts, metrics by hand, bad input, scope."""

import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.utils import timezone

from dashboards.models import Alert, AlertNotice
from renewals.models import RenewalPolicy, ServiceTicket
from renewals.services.tickets import (
    sync_ticket_alerts,
    ticket_callback,
    ticket_close,
    ticket_create,
    ticket_metrics,
    ticket_resolve,
    ticket_respond,
    tickets_escalate,
)
from tests.factories import add_member
from tests.renewals.renewal_data import add_advisor, make_case

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")  # the tenants' time zone
# A day safely in the past, so every step dated on it or the day after is allowed.
DAY = timezone.localdate(timezone=SHANGHAI) - timedelta(days=5)
NEXT = DAY + timedelta(days=1)
URL = "/api/v1/renewals/tickets/"


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def open_ticket(org, severity="normal", opened_at=None, owner=None):
    return ticket_create(
        tenant=org.tenant,
        actor=org.renewal_lead,
        customer="李女士",
        subject="理赔进度投诉",
        severity=severity,
        owner_id=(owner or org.advisor).pk,
        opened_at=opened_at or at(9),
    )


def resolved_ticket(org, resolved_at):
    ticket = open_ticket(org, opened_at=resolved_at - timedelta(hours=1))
    ticket_respond(tenant=org.tenant, actor=org.advisor, ticket=ticket, at=resolved_at - timedelta(minutes=30))
    return ticket_resolve(tenant=org.tenant, actor=org.advisor, ticket=ticket, resolution="已加急理赔", at=resolved_at)


def open_alerts(org, kind):
    return list(
        Alert.objects.filter(tenant=org.tenant, kind=kind)
        .exclude(status=Alert.Status.RESOLVED)
        .values_list("reference", "member_id", "assignee_id")
    )


def saved(ticket):
    return model_to_dict(ServiceTicket.objects.get(pk=ticket.pk))


# --- deadlines and escalation ----------------------------------------------------


def test_the_deadline_follows_the_severity_and_the_tenants_minutes(org):
    assert open_ticket(org, "normal").respond_by == at(11)
    assert open_ticket(org, "urgent").respond_by == at(10)
    assert open_ticket(org, "major").respond_by == at(9, 30)
    RenewalPolicy.objects.filter(tenant=org.tenant).update(
        sla_normal_minutes=90, sla_urgent_minutes=45, sla_major_minutes=15
    )
    assert open_ticket(org, "normal").respond_by == at(10, 30)
    assert open_ticket(org, "urgent").respond_by == at(9, 45)
    assert open_ticket(org, "major").respond_by == at(9, 15)


def test_a_normal_ticket_escalates_to_the_lead_at_2h01_not_at_1h59(org):
    ticket = open_ticket(org)  # opened 09:00, due 11:00
    sync_ticket_alerts(tenant=org.tenant, now=at(10, 59))
    ticket.refresh_from_db()
    assert (ticket.escalated_at, ticket.escalated_to_id) == (None, None)
    assert open_alerts(org, Alert.Kind.SLA_BREACH) == []

    sync_ticket_alerts(tenant=org.tenant, now=at(11, 1))
    ticket.refresh_from_db()
    assert (ticket.escalated_at, ticket.escalated_to_id) == (at(11, 1), org.renewal_lead.pk)
    assert open_alerts(org, Alert.Kind.SLA_BREACH) == [(f"ticket:{ticket.pk}", org.advisor.pk, org.renewal_lead.pk)]
    assert AlertNotice.objects.filter(tenant=org.tenant, recipient=org.renewal_lead).count() == 1

    # Running again changes nothing: escalated once, one alert.
    assert tickets_escalate(tenant=org.tenant, now=at(11, 30)) == 0
    assert sync_ticket_alerts(tenant=org.tenant, now=at(11, 30)).raised == 0
    ticket.refresh_from_db()
    assert ticket.escalated_at == at(11, 1)

    # Answered late: the alert resolves as recovered, the ticket stays breached.
    ticket_respond(tenant=org.tenant, actor=org.advisor, ticket=ticket, at=at(11, 40))
    assert sync_ticket_alerts(tenant=org.tenant, now=at(11, 45)).recovered == 1
    assert open_alerts(org, Alert.Kind.SLA_BREACH) == []
    assert Alert.objects.get(tenant=org.tenant, reference=f"ticket:{ticket.pk}").resolution == "recovered"
    assert ServiceTicket.objects.filter(pk=ticket.pk, responded_at__gt=at(11)).exists()


def test_an_answered_ticket_is_never_escalated(org):
    ticket = open_ticket(org)
    ticket_respond(tenant=org.tenant, actor=org.advisor, ticket=ticket, at=at(10, 59))
    sync_ticket_alerts(tenant=org.tenant, now=at(15))
    ticket.refresh_from_db()
    assert ticket.escalated_at is None
    assert open_alerts(org, Alert.Kind.SLA_BREACH) == []


def test_a_major_ticket_escalates_to_the_leads_supervisor(org):
    org.renewal_lead.supervisor = org.manager
    org.renewal_lead.save()
    major, normal = open_ticket(org, "major"), open_ticket(org, "normal")
    sync_ticket_alerts(tenant=org.tenant, now=at(11, 1))
    major.refresh_from_db()
    normal.refresh_from_db()
    assert (major.escalated_to_id, normal.escalated_to_id) == (org.manager.pk, org.renewal_lead.pk)
    assert set(open_alerts(org, Alert.Kind.SLA_BREACH)) == {
        (f"ticket:{major.pk}", org.advisor.pk, org.manager.pk),
        (f"ticket:{normal.pk}", org.advisor.pk, org.renewal_lead.pk),
    }


def test_a_major_ticket_stays_with_the_lead_when_there_is_no_one_above(org):
    ticket = open_ticket(org, "major")
    sync_ticket_alerts(tenant=org.tenant, now=at(9, 31))
    ticket.refresh_from_db()
    assert (ticket.escalated_at, ticket.escalated_to_id) == (at(9, 31), org.renewal_lead.pk)


def test_the_breach_alert_starts_on_the_day_the_deadline_passed_in_the_tenants_zone(org):
    # Opened 23:00 Shanghai: due 01:00 the next day there (still the same day in UTC).
    ticket = open_ticket(org, opened_at=at(23))
    sync_ticket_alerts(tenant=org.tenant, now=at(1, 5, NEXT))
    alert = Alert.objects.get(tenant=org.tenant, reference=f"ticket:{ticket.pk}")
    assert (alert.kind, alert.period_start, alert.period_end) == (Alert.Kind.SLA_BREACH, NEXT, NEXT)


# --- the steps and the call-back -------------------------------------------------


def test_closing_needs_the_call_back_and_a_late_one_is_marked(org, api_client_for):
    ticket = open_ticket(org)
    ticket_respond(tenant=org.tenant, actor=org.advisor, ticket=ticket, at=at(9, 20))
    ticket_resolve(tenant=org.tenant, actor=org.advisor, ticket=ticket, resolution="已加急", at=at(10))
    with pytest.raises(ValidationError) as error:
        ticket_close(tenant=org.tenant, actor=org.advisor, ticket=ticket)
    assert error.value.message_dict == {"action": ["Closing a ticket needs the satisfaction call-back first."]}
    assert saved(ticket)["status"] == "resolved"

    # 23 h 59 min after the resolution: nothing yet; 24 h 1 min: overdue, to the lead.
    sync_ticket_alerts(tenant=org.tenant, now=at(9, 59, NEXT))
    assert open_alerts(org, Alert.Kind.CALLBACK_OVERDUE) == []
    sync_ticket_alerts(tenant=org.tenant, now=at(10, 1, NEXT))
    assert open_alerts(org, Alert.Kind.CALLBACK_OVERDUE) == [
        (f"ticket:{ticket.pk}", org.advisor.pk, org.renewal_lead.pk)
    ]

    # Called back at 25 h: recorded, and late.
    ticket_callback(tenant=org.tenant, actor=org.advisor, ticket=ticket, satisfaction=4, at=at(11, 0, NEXT))
    ticket_close(tenant=org.tenant, actor=org.advisor, ticket=ticket, at=at(11, 5, NEXT))
    body = api_client_for(org.advisor).get(f"{URL}{ticket.pk}/").json()
    assert {name: body[name] for name in ("status", "satisfaction", "callback_late", "breached", "resolution")} == {
        "status": "closed",
        "satisfaction": 4,
        "callback_late": True,
        "breached": False,
        "resolution": "已加急",
    }
    sync_ticket_alerts(tenant=org.tenant, now=at(12, 0, NEXT))
    assert open_alerts(org, Alert.Kind.CALLBACK_OVERDUE) == []


def test_a_call_back_within_the_window_is_on_time(org, api_client_for):
    ticket = resolved_ticket(org, at(10))
    ticket_callback(tenant=org.tenant, actor=org.advisor, ticket=ticket, satisfaction=5, at=at(10, 0, NEXT))  # 24 h
    sync_ticket_alerts(tenant=org.tenant, now=at(12, 0, NEXT))
    assert open_alerts(org, Alert.Kind.CALLBACK_OVERDUE) == []
    assert api_client_for(org.advisor).get(f"{URL}{ticket.pk}/").json()["callback_late"] is False


def test_the_tenants_call_back_window_applies(org):
    RenewalPolicy.objects.filter(tenant=org.tenant).update(callback_hours=4)
    ticket = resolved_ticket(org, at(10))
    sync_ticket_alerts(tenant=org.tenant, now=at(13, 59))
    assert open_alerts(org, Alert.Kind.CALLBACK_OVERDUE) == []
    sync_ticket_alerts(tenant=org.tenant, now=at(14, 1))
    assert open_alerts(org, Alert.Kind.CALLBACK_OVERDUE) == [
        (f"ticket:{ticket.pk}", org.advisor.pk, org.renewal_lead.pk)
    ]


def test_each_step_is_dated(org):
    ticket = open_ticket(org)
    ticket_respond(tenant=org.tenant, actor=org.advisor, ticket=ticket, at=at(9, 10))
    ticket_resolve(tenant=org.tenant, actor=org.renewal_lead, ticket=ticket, resolution="  退还差价  ", at=at(9, 50))
    ticket_callback(tenant=org.tenant, actor=org.advisor, ticket=ticket, satisfaction=3, at=at(15))
    ticket_close(tenant=org.tenant, actor=org.advisor, ticket=ticket, at=at(15, 1))
    row = saved(ticket)
    assert (row["status"], row["resolution"], row["satisfaction"]) == ("closed", "退还差价", 3)
    assert (row["responded_at"], row["resolved_at"], row["callback_at"], row["closed_at"]) == (
        at(9, 10),
        at(9, 50),
        at(15),
        at(15, 1),
    )


# --- bad input: refused, nothing saved --------------------------------------------


def test_bad_tickets_are_refused_and_nothing_is_saved(org, other_org):
    other_advisor = add_advisor(org, "other")
    theirs = make_case(org, "P-THEIRS", due_on=DAY, advisor=other_advisor)
    foreign = make_case(other_org, "P-FOREIGN", due_on=DAY, advisor=other_org.advisor)

    def refused(actor=None, **fields):
        values = {"customer": "王先生", "subject": "保费疑问", "severity": "normal", "owner_id": org.advisor.pk}
        values.update(fields)
        with pytest.raises(ValidationError) as error:
            ticket_create(tenant=org.tenant, actor=actor or org.renewal_lead, **values)
        return error.value.message_dict

    assert refused(customer=" ", subject="", severity="huge", owner_id=other_org.advisor.pk) == {
        "customer": ["This field is required."],
        "subject": ["This field is required."],
        "severity": ["Unknown severity."],
        "owner": ["Unknown member."],
    }
    assert refused(customer="客" * 101, subject="s" * 201) == {
        "customer": ["A customer name has at most 100 characters."],
        "subject": ["A subject has at most 200 characters."],
    }
    assert refused(owner_id=None) == {"owner": ["This field is required."]}
    assert refused(owner_id=org.agent.pk) == {"owner": ["Unknown member."]}  # not in the renewal team
    assert refused(owner_id=999999) == {"owner": ["Unknown member."]}
    assert refused(actor=org.advisor, owner_id=other_advisor.pk) == {"owner": ["Unknown member."]}  # not theirs
    assert refused(case_id=foreign.pk) == {"case": ["Unknown case."]}
    assert refused(actor=org.advisor, case_id=theirs.pk) == {"case": ["Unknown case."]}  # out of their scope
    assert refused(opened_at=timezone.now() + timedelta(minutes=5)) == {
        "opened_at": ["A ticket cannot be opened in the future."]
    }
    other_advisor.active = False
    other_advisor.save()
    assert refused(owner_id=other_advisor.pk) == {"owner": ["Unknown member."]}
    with pytest.raises(PermissionDenied):
        ticket_create(
            tenant=org.tenant, actor=org.agent, customer="c", subject="s", severity="normal", owner_id=org.advisor.pk
        )
    assert not ServiceTicket.objects.exists()


def test_a_ticket_on_a_case_in_scope_is_accepted(org):
    case = make_case(org, "P-1", due_on=DAY, advisor=org.advisor)
    ticket = ticket_create(
        tenant=org.tenant, actor=org.advisor, customer="王先生", subject="保费疑问", severity="urgent", case_id=case.pk
    )
    assert (ticket.case_id, ticket.owner_id) == (case.pk, org.advisor.pk)


def test_bad_steps_are_refused_and_nothing_is_saved(org, other_org):
    ticket = open_ticket(org)
    before = saved(ticket)
    tenant, advisor = org.tenant, org.advisor
    skipped = {"action": ["A ticket goes open → responded → resolved → closed; this one is Open."]}
    step_refusals = [
        (ticket_resolve, {"resolution": "x", "at": at(10)}, skipped),
        (ticket_callback, {"satisfaction": 5, "at": at(10)}, skipped),
        (ticket_close, {}, skipped),
        (ticket_respond, {"at": at(8, 59)}, {"at": ["The response cannot be before the opening."]}),
        (ticket_respond, {"at": timezone.now() + timedelta(minutes=5)}, {"at": ["This cannot be in the future."]}),
    ]
    for service, arguments, errors in step_refusals:
        with pytest.raises(ValidationError) as error:
            service(tenant=tenant, actor=advisor, ticket=ticket, **arguments)
        assert error.value.message_dict == errors
        assert saved(ticket) == before

    ticket_respond(tenant=tenant, actor=advisor, ticket=ticket, at=at(9, 30))
    before = saved(ticket)
    for arguments, errors in [
        ({"resolution": "  "}, {"resolution": ["Say how the ticket was resolved."]}),
        ({"resolution": "ok", "at": at(9, 29)}, {"at": ["The resolution cannot be before the response."]}),
    ]:
        with pytest.raises(ValidationError) as error:
            ticket_resolve(tenant=tenant, actor=advisor, ticket=ticket, **arguments)
        assert error.value.message_dict == errors
        assert saved(ticket) == before

    ticket_resolve(tenant=tenant, actor=advisor, ticket=ticket, resolution="ok", at=at(10))
    before = saved(ticket)
    for arguments, errors in [
        ({"satisfaction": 0}, {"satisfaction": ["Give the customer's satisfaction from 1 to 5."]}),
        ({"satisfaction": 6}, {"satisfaction": ["Give the customer's satisfaction from 1 to 5."]}),
        ({"satisfaction": True}, {"satisfaction": ["Give the customer's satisfaction from 1 to 5."]}),
        ({"satisfaction": None}, {"satisfaction": ["Give the customer's satisfaction from 1 to 5."]}),
        ({"satisfaction": 4, "at": at(9, 59)}, {"at": ["The call-back cannot be before the resolution."]}),
    ]:
        with pytest.raises(ValidationError) as error:
            ticket_callback(tenant=tenant, actor=advisor, ticket=ticket, **arguments)
        assert error.value.message_dict == errors
        assert saved(ticket) == before

    ticket_callback(tenant=tenant, actor=advisor, ticket=ticket, satisfaction=4, at=at(11))
    before = saved(ticket)
    with pytest.raises(ValidationError) as error:
        ticket_callback(tenant=tenant, actor=advisor, ticket=ticket, satisfaction=5, at=at(12))
    assert error.value.message_dict == {"action": ["The call-back is already recorded."]}
    with pytest.raises(ValidationError) as error:
        ticket_close(tenant=tenant, actor=advisor, ticket=ticket, at=at(10, 59))
    assert error.value.message_dict == {"at": ["Closing cannot be before the call-back."]}
    assert saved(ticket) == before

    # Outside the actor's scope or tenant: unknown, nothing changes.
    with pytest.raises(ValidationError) as error:
        ticket_close(tenant=other_org.tenant, actor=other_org.renewal_lead, ticket=ticket)
    assert error.value.message_dict == {"ticket": ["Unknown ticket."]}
    with pytest.raises(ValidationError) as error:
        ticket_close(tenant=tenant, actor=add_advisor(org, "other"), ticket=ticket)
    assert error.value.message_dict == {"ticket": ["Unknown ticket."]}
    with pytest.raises(PermissionDenied):
        ticket_close(tenant=tenant, actor=org.agent, ticket=ticket)
    assert saved(ticket) == before


# --- metrics ---------------------------------------------------------------------


def test_metrics_worked_out_by_hand(org, other_org):
    tenant, advisor = org.tenant, org.advisor

    def answered(severity, opened, responded, resolved=None, callback=None, score=None):
        ticket = open_ticket(org, severity, opened_at=opened)
        ticket_respond(tenant=tenant, actor=advisor, ticket=ticket, at=responded)
        if resolved:
            ticket_resolve(tenant=tenant, actor=advisor, ticket=ticket, resolution="ok", at=resolved)
            ticket_callback(tenant=tenant, actor=advisor, ticket=ticket, satisfaction=score, at=callback)

    answered("urgent", at(0, 10), at(0, 40))  # 00:10 Shanghai (16:10 UTC the day before): 30 min, in SLA (60)
    answered("normal", at(9), at(9, 30), at(10), at(11), score=5)  # 30 min, in SLA; call-back after 1 h
    answered("normal", at(10), at(12, 30), at(13), at(14, 0, NEXT), score=2)  # 150 min: breached; call-back 25 h: late
    answered("urgent", at(11), at(11, 45), at(12), at(12, 30), score=4)  # 45 min, in SLA
    answered("major", at(12), at(12, 40))  # 40 min: breached (30)
    open_ticket(org, "normal", opened_at=at(13))  # unanswered, due 15:00: breached by 16:00 the next day
    open_ticket(org, "normal", opened_at=at(23, 50, DAY - timedelta(days=1)))  # the day before: not counted
    open_ticket(org, "normal", opened_at=at(0, 5, NEXT))  # the day after: not counted
    open_ticket(other_org, "normal", opened_at=at(9))  # another tenant: not counted

    figures = ticket_metrics(tenant=tenant, actor=org.renewal_lead, start=DAY, end=DAY, now=at(16, 0, NEXT))
    assert figures == {
        "opened": 6,
        "by_severity": {"normal": 3, "urgent": 2, "major": 1},
        "responded": 5,
        "sla_rate": Decimal("0.6000"),  # 30, 30, 45 in SLA of 5 answered
        "breached": 3,  # the 150-minute, the 40-minute major and the unanswered one
        "median_response_minutes": Decimal("40.0"),  # 30, 30, 40, 45, 150
        "satisfaction": Decimal("3.67"),  # (5 + 2 + 4) ÷ 3
        "callbacks": 3,
        "callbacks_late": 1,
    }
    # The advisor owns them all; another advisor has none.
    assert ticket_metrics(tenant=tenant, actor=advisor, start=DAY, end=DAY, now=at(16, 0, NEXT))["opened"] == 6
    empty = ticket_metrics(tenant=tenant, actor=add_advisor(org, "other"), start=DAY, end=DAY)
    assert (empty["opened"], empty["sla_rate"], empty["median_response_minutes"], empty["satisfaction"]) == (
        0,
        None,
        None,
        None,
    )
    with pytest.raises(PermissionDenied):
        ticket_metrics(tenant=tenant, actor=org.agent, start=DAY, end=DAY)


# --- API: scope, filters, errors ---------------------------------------------------


def test_api_scope(org, other_org, api_client_for):
    other_advisor = add_advisor(org, "other")
    created = api_client_for(org.advisor).post(URL, {"customer": "张先生", "subject": "保费疑问"}, format="json")
    assert created.status_code == 201, created.json()
    mine = created.json()
    assert (mine["owner"], mine["severity"], mine["status"], mine["breached"]) == (
        org.advisor.pk,
        "normal",
        "open",
        False,
    )
    theirs = open_ticket(org, owner=other_advisor)
    foreign = open_ticket(other_org)

    client = api_client_for(org.advisor)
    assert [row["id"] for row in client.get(URL).json()["results"]] == [mine["id"]]
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.patch(f"{URL}{theirs.pk}/", {"action": "respond"}, format="json").status_code == 404
    assert client.get(f"{URL}{foreign.pk}/").status_code == 404
    assert client.patch(f"{URL}{foreign.pk}/", {"action": "respond"}, format="json").status_code == 404

    for manager in (org.renewal_lead, org.manager, org.admin):
        assert len(api_client_for(manager).get(URL).json()["results"]) == 2
        assert api_client_for(manager).get(f"{URL}{foreign.pk}/").status_code == 404
    for outsider in (org.agent, org.supervisor, org.branch_manager, org.bank):
        outside = api_client_for(outsider)
        assert outside.get(URL).status_code == 403
        assert outside.post(URL, {"customer": "a", "subject": "b"}, format="json").status_code == 403
        assert outside.get(f"{URL}{theirs.pk}/").status_code == 403
        assert outside.patch(f"{URL}{theirs.pk}/", {"action": "respond"}, format="json").status_code == 403

    responded = api_client_for(org.renewal_lead).patch(f"{URL}{theirs.pk}/", {"action": "respond"}, format="json")
    assert responded.json()["status"] == "responded"
    assert ServiceTicket.objects.filter(tenant=other_org.tenant, status="open").count() == 1


def test_an_advisor_sees_and_works_the_tickets_escalated_to_them(org, api_client_for):
    # A junior reporting to the advisor: the junior's breached ticket goes to the advisor.
    junior = add_member(org.tenant, "acme-junior", "renewal_advisor", org.units["renewals"], supervisor=org.advisor)
    ticket = open_ticket(org, owner=junior)
    client = api_client_for(org.advisor)
    assert client.get(f"{URL}{ticket.pk}/").status_code == 404
    sync_ticket_alerts(tenant=org.tenant, now=at(11, 1))
    assert [row["id"] for row in client.get(URL).json()["results"]] == [ticket.pk]
    answer = client.patch(f"{URL}{ticket.pk}/", {"action": "respond"}, format="json").json()
    assert (answer["status"], answer["escalated_to"], answer["breached"]) == ("responded", org.advisor.pk, True)


def test_api_filters_and_order(org, api_client_for):
    late = open_ticket(org, "normal", opened_at=at(9))  # due 11:00, unanswered: breached
    answered = open_ticket(org, "major", opened_at=at(9))
    ticket_respond(tenant=org.tenant, actor=org.advisor, ticket=answered, at=at(9, 10))
    fresh = open_ticket(org, "urgent", opened_at=timezone.now() - timedelta(minutes=5))  # not due yet
    client = api_client_for(org.renewal_lead)

    def ids(query=""):
        return [row["id"] for row in client.get(f"{URL}{query}").json()["results"]]

    assert ids() == [late.pk, fresh.pk, answered.pk]  # open by deadline, then the answered one
    assert ids("?status=open") == [late.pk, fresh.pk]
    assert ids("?severity=major") == [answered.pk]
    assert ids("?breached=true") == [late.pk]
    assert client.get(f"{URL}?severity=huge").status_code == 400
    body = client.get(f"{URL}{late.pk}/").json()
    assert (body["breached"], datetime.fromisoformat(body["respond_by"]), body["escalated_at"]) == (True, at(11), None)


def test_api_bad_input(org, other_org, api_client_for):
    foreign_case = make_case(other_org, "P-FOREIGN", due_on=DAY, advisor=other_org.advisor)
    lead = api_client_for(org.renewal_lead)
    response = lead.post(URL, {"customer": "张先生", "subject": "保费疑问", "case": foreign_case.pk}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"owner": ["This field is required."], "case": ["Unknown case."]},
    )
    response = lead.post(URL, {"customer": "", "subject": "s", "severity": "huge"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"customer", "severity"}
    assert not ServiceTicket.objects.exists()

    ticket = open_ticket(org)
    before = saved(ticket)
    for payload, errors in [
        ({"action": "fly"}, {"action"}),
        ({}, {"action"}),
        ({"action": "resolve", "resolution": "ok"}, {"action"}),  # not answered yet
        ({"action": "respond", "resolution": "ok"}, {"resolution"}),
        ({"action": "respond", "satisfaction": 5}, {"satisfaction"}),
        ({"action": "callback", "satisfaction": "five"}, {"satisfaction"}),
    ]:
        response = lead.patch(f"{URL}{ticket.pk}/", payload, format="json")
        assert (response.status_code, set(response.json())) == (400, errors), payload
        assert saved(ticket) == before
    assert lead.patch(f"{URL}{ticket.pk}/", {"action": "respond"}, format="json").status_code == 200
    response = lead.patch(f"{URL}{ticket.pk}/", {"action": "resolve"}, format="json")
    assert response.json() == {"resolution": ["Say how the ticket was resolved."]}
    assert lead.patch(f"{URL}{ticket.pk}/", {"action": "resolve", "resolution": "ok"}, format="json").status_code == 200
    response = lead.patch(f"{URL}{ticket.pk}/", {"action": "callback", "satisfaction": 9}, format="json")
    assert response.json() == {"satisfaction": ["Give the customer's satisfaction from 1 to 5."]}
    assert lead.patch(f"{URL}{ticket.pk}/", {"action": "close"}, format="json").json() == {
        "action": ["Closing a ticket needs the satisfaction call-back first."]
    }
    body = lead.patch(f"{URL}{ticket.pk}/", {"action": "callback", "satisfaction": 5}, format="json").json()
    assert (body["status"], body["satisfaction"], body["callback_late"]) == ("resolved", 5, False)
    assert lead.patch(f"{URL}{ticket.pk}/", {"action": "close"}, format="json").json()["status"] == "closed"


def test_the_list_costs_the_same_queries_for_more_tickets(org, api_client_for, django_assert_max_num_queries):
    client = api_client_for(org.renewal_lead)
    open_ticket(org)
    client.get(URL)  # warm up: the tenant's policy row
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    for _n in range(10):
        open_ticket(org)
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(URL).json()["results"]) == 11

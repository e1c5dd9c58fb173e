"""The renewal lead's page ``/renewals/``: its figures as rendered, auto-assignment, exports, scope, language."""

import io
import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from dashboards.models import Alert
from renewals.alerts import sync_follow_up_alerts
from renewals.models import RenewalCase
from renewals.services.tickets import ticket_create
from salesops.org.models import Member, OrgUnit
from salesops.org.selectors import tenant_today
from tests.factories import add_member, add_unit
from tests.renewals.metrics_data import ZONE, local, record, walk
from tests.renewals.renewal_data import make_case

OCTOBER = "?period=2026-10"


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def login(client, member):
    client.force_login(member.user)
    return client


def field(body: str, name: str) -> str:
    return re.search(rf'data-field="{name}">([^<]*)<', body)[1]


def figure(body: str, chart: str) -> dict:
    return json.loads(re.search(rf'id="chart-{chart}-data"[^>]*>(.*?)</script>', body, re.S)[1])


def page_table(body: str, name: str) -> tuple[list[str], list[list[str]]]:
    """The headers and the cells' text of the page's table ``name``."""
    block = re.search(rf'data-table="{name}">(.*?)</table>', body, re.S)[1]
    headers = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", block, re.S)]
    body_rows = re.search(r"<tbody>(.*?)</tbody>", block, re.S)[1]
    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body_rows, re.S)
    ]
    return headers, rows


def workbook_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def october(org, other_org):
    """October 2026 for the advisor (local times):

    A  due 10-01, assigned 10-01 08:00; reached 10:00 (next 10-02), quoted 10-02 (next 10-05), renewed 10-04.
    B  due 10-31, assigned 10-10 09:00; reached 10-11 15:00 (next 10-13), quoted 10-15 (next 10-20), renewed 10-20.
    C  due 10-15, assigned 10-05 09:00; reached 13:00 (next 10-08), lost 10-08.
    D  due 10-20, assigned 10-01 09:00; reached 10-03 09:00 (next 10-10), then nothing.
    E  due 10-10, unassigned.
    """
    adv = org.advisor
    a = make_case(org, "A", due_on=date(2026, 10, 1), advisor=adv, assigned_at=local(10, 1, 8))
    record(org, a, local(10, 1, 10), next_on=date(2026, 10, 2), outcome="contacted")
    record(org, a, local(10, 2, 11), next_on=date(2026, 10, 5), outcome="quoted")
    record(org, a, local(10, 4, 9), outcome="renewed", premium="5200.00")
    b = make_case(org, "B", due_on=date(2026, 10, 31), advisor=adv, assigned_at=local(10, 10, 9))
    record(org, b, local(10, 11, 15), next_on=date(2026, 10, 13), outcome="contacted")
    record(org, b, local(10, 15, 10), next_on=date(2026, 10, 20), outcome="quoted")
    record(org, b, local(10, 20, 16), outcome="renewed", premium="3100.50")
    c = make_case(org, "C", due_on=date(2026, 10, 15), advisor=adv, assigned_at=local(10, 5, 9))
    record(org, c, local(10, 5, 13), next_on=date(2026, 10, 8), outcome="contacted")
    record(org, c, local(10, 8, 11), outcome="lost", reason="competitor")
    d = make_case(org, "D", due_on=date(2026, 10, 20), advisor=adv, assigned_at=local(10, 1, 9))
    record(org, d, local(10, 3, 9), next_on=date(2026, 10, 10), outcome="contacted")
    make_case(org, "E", due_on=date(2026, 10, 10))
    # Another tenant's October: a lost case, and an unassigned one.
    theirs = make_case(other_org, "THEIRS-LOST", due_on=date(2026, 10, 9), advisor=other_org.advisor)
    walk(other_org, theirs, "lost")
    make_case(other_org, "THEIRS-OPEN", due_on=date(2026, 10, 9))
    return org


def test_the_lead_sees_octobers_figures_as_worked_out(october, english):
    body = login(english, october.renewal_lead).get(f"/renewals/{OCTOBER}").content.decode()
    # A and B renewed of the five due in October.
    assert field(body, "renewal-rate") == "40.0%"
    assert field(body, "renewal-counts") == "2 of 5 due"
    # Next actions due: A 10-02 and 10-05 (done), B 10-13 (late: next call 10-15) and 10-20 (done),
    # C 10-08 (lost that day: done), D 10-10 (never called again): 4 of 6.
    assert field(body, "completion") == "66.7%"
    assert "4 of 6 next actions on time" in body
    # First responses: A 2 h, C 4 h, B 30 h, D 48 h; the median lies halfway between 4 and 30.
    assert field(body, "response") == "17.0"
    # Open now: D and E, both past their due date; E unassigned.
    assert (field(body, "open"), field(body, "overdue"), field(body, "unassigned")) == ("2", "2", "1")
    assert field(body, "sla-breaches") == "0"
    # The lost reasons chart and the month's trend point.
    lost = figure(body, "lost")
    assert (lost["data"][0]["y"], lost["data"][0]["x"]) == (["转投其他公司"], [1])
    trend = figure(body, "trend")
    assert trend["data"][0]["x"][-1] == "October 2026"
    assert trend["data"][0]["y"][-1] == 40.0
    assert trend["layout"]["title"]["text"] == "Renewal rate by month due"
    # Another tenant's cases appear nowhere.
    assert "THEIRS" not in body


def test_the_pipeline_chart_counts_cases_by_status_and_due_week(org, english):
    today = tenant_today(org.tenant)
    monday = today - timedelta(days=today.weekday())
    adv = org.advisor
    walk(org, make_case(org, "OVERDUE", due_on=monday - timedelta(days=1), advisor=adv), "contacted")
    walk(org, make_case(org, "HISTORY", due_on=monday - timedelta(days=1), advisor=adv), "lost")
    make_case(org, "MONDAY", due_on=monday, advisor=adv)
    walk(org, make_case(org, "SUNDAY", due_on=monday + timedelta(days=6), advisor=adv), "contacted", "quoted")
    walk(
        org, make_case(org, "RENEWED", due_on=monday + timedelta(days=2), advisor=adv), "contacted", "quoted", "renewed"
    )
    make_case(org, "NEXT-WEEK", due_on=monday + timedelta(days=7))
    make_case(org, "WEEK-9", due_on=monday + timedelta(weeks=8))
    body = login(english, org.renewal_lead).get("/renewals/").content.decode()
    pipeline = figure(body, "pipeline")
    assert pipeline["layout"]["title"]["text"] == "Pipeline by status and due week"
    assert pipeline["layout"]["xaxis"]["title"]["text"] == "Week due (from Monday)"
    assert pipeline["layout"]["yaxis"]["title"]["text"] == "Cases (件)"
    assert pipeline["layout"]["barmode"] == "stack"
    columns = pipeline["data"][0]["x"]
    assert columns[:3] == [
        "Before this week",
        f"{monday.month}/{monday.day}",
        f"{(monday + timedelta(7)).month}/{(monday + timedelta(7)).day}",
    ]
    assert len(columns) == 9
    counts = {trace["name"]: trace["y"][:3] for trace in pipeline["data"]}
    # Before this week: the open OVERDUE only (HISTORY is closed); this week: MONDAY, SUNDAY, RENEWED;
    # next week: NEXT-WEEK; WEEK-9 is past the eighth week.
    assert counts == {
        "Pending": [0, 1, 1],
        "Contacted": [1, 0, 0],
        "Quoted": [0, 1, 0],
        "Renewed": [0, 1, 0],
        "Lost": [0, 0, 0],
    }
    assert sum(sum(trace["y"]) for trace in pipeline["data"]) == 5


@pytest.fixture
def to_assign(org):
    today = tenant_today(org.tenant)
    make_case(org, "U-B", due_on=today + timedelta(days=5))
    make_case(org, "U-A", due_on=today + timedelta(days=3), group="A")
    return org


def test_auto_assign_with_the_pages_csrf_token(to_assign):
    client = login(Client(enforce_csrf_checks=True), to_assign.renewal_lead)
    client.cookies["django_language"] = "en"
    body = client.get("/renewals/").content.decode()
    assert field(body, "unassigned") == "2"
    # Without the form's token the POST is refused, and nothing is assigned.
    assert client.post("/renewals/assign/").status_code == 403
    assert RenewalCase.objects.filter(tenant=to_assign.tenant, advisor__isnull=True).count() == 2
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
    response = client.post("/renewals/assign/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response.url == "/renewals/"
    body = client.get("/renewals/").content.decode()
    # The B case went to the advisor; the A case stayed: nobody serves group A.
    assert "1 case assigned." in body
    assert "1 case stays unassigned:" in body
    left = re.search(r'data-field="left-unassigned">(.*?)</ul>', body, re.S)[1]
    assert 'data-reason="no_group_a_advisor"' in left
    assert "No advisor serves group A (high net worth) customers." in left and "U-A" in left
    assert RenewalCase.objects.get(tenant=to_assign.tenant, policy_no="U-B").advisor_id == to_assign.advisor.pk
    assert field(body, "unassigned") == "1"
    # The result is shown once.
    assert "case assigned." not in client.get("/renewals/").content.decode()


def test_the_result_reads_in_the_language_of_the_page_shown(to_assign, client):
    login(client, to_assign.renewal_lead).post("/renewals/assign/")
    body = client.get("/renewals/").content.decode()
    assert "没有负责 A 组（高净值）客户的专员" in body


def test_exports_hold_the_rows_of_the_tables(org, other_org, english):
    today = tenant_today(org.tenant)
    for index in range(3):
        make_case(org, f"U-{index}", due_on=today + timedelta(days=10 - index), premium=f"{3000 + index}.00")
    late = make_case(org, "LATE", due_on=today + timedelta(days=20), advisor=org.advisor)
    RenewalCase.objects.filter(pk=late.pk).update(assigned_at=timezone.now() - timedelta(hours=49))
    make_case(other_org, "THEIRS", due_on=today)
    sync_follow_up_alerts(tenant=org.tenant)
    client = login(english, org.renewal_lead)
    body = client.get("/renewals/").content.decode()
    for name in ("unassigned", "no_follow_up", "staffing", "advisors"):
        headers, rows = page_table(body, name)
        exported = workbook_rows(client.get(f"/renewals/{name}.xlsx"))
        assert exported[0] == headers
        assert len(exported) - 1 == len(rows)
        for cells, values in zip(rows, exported[1:], strict=True):
            assert cells[0] == str(values[0])
    headers, rows = page_table(body, "unassigned")
    # Highest priority first (the earliest due); premiums in yuan, with fen on the page, as numbers in the workbook.
    assert [row[0] for row in rows] == ["U-2", "U-1", "U-0"]
    unassigned = workbook_rows(client.get("/renewals/unassigned.xlsx"))
    assert [(row[0], row[4]) for row in unassigned[1:]] == [("U-2", 3002), ("U-1", 3001), ("U-0", 3000)]
    assert rows[0][headers.index("Premium (yuan)")] == "3,002.00"
    # The late case links to its page and the alerts inbox.
    assert f'href="/renewals/cases/{late.pk}/"' in body
    assert 'href="/alerts/?kind=follow_up_overdue"' in body
    assert workbook_rows(client.get("/renewals/no_follow_up.xlsx"))[1][:3] == [
        "LATE",
        late.customer,
        org.advisor.display_name,
    ]
    # 4 open cases: 1 advisor, 1 coordinator, 1 data analyst and 1 trainer needed; 1 advisor on hand.
    assert workbook_rows(client.get("/renewals/staffing.xlsx"))[1:] == [
        ["Renewal advisors", 1, 1, 0],
        ["Coordinators", 1, 0, 1],
        ["Data analysts", 1, 0, 1],
        ["Trainers", 1, 0, 1],
    ]
    assert client.get("/renewals/nothing.xlsx").status_code == 404
    assert "THEIRS" not in body


def test_the_tickets_table_shows_the_sla_state(org, english):
    opened_at = timezone.now() - timedelta(hours=3)
    ticket_create(
        tenant=org.tenant,
        actor=org.advisor,
        customer="王先生",
        subject="续保报价高于去年",
        severity="normal",
        opened_at=opened_at,
    )
    period = timezone.localdate(opened_at, ZONE).strftime("%Y-%m")
    body = login(english, org.renewal_lead).get(f"/renewals/?period={period}").content.decode()
    headers, rows = page_table(body, "tickets")
    # Normal severity answers within 2 hours: 3 hours unanswered is a breach.
    assert rows[0][headers.index("SLA")] == "Breached"
    assert field(body, "sla-breaches") == "1"


def test_a_bad_period_is_a_400_with_the_field_error(org, english):
    client = login(english, org.renewal_lead)
    response = client.get("/renewals/?period=2026-13")
    assert response.status_code == 400
    assert 'data-error="period"' in response.content.decode()
    assert client.get("/renewals/staffing.xlsx?period=2026-13").status_code == 400


@pytest.fixture
def far_team(org):
    """A second renewal team the lead does not lead, with an advisor and a case past the 48-hour window."""
    unit = add_unit(org.tenant, f"{org.tenant.slug}-renewals-2", OrgUnit.Kind.TEAM, org.units["company"])
    far = add_member(org.tenant, f"{org.tenant.slug}-far-advisor", Member.Role.RENEWAL_ADVISOR, unit)
    case = make_case(org, "FAR", due_on=tenant_today(org.tenant) + timedelta(days=3), advisor=far)
    RenewalCase.objects.filter(pk=case.pk).update(assigned_at=timezone.now() - timedelta(hours=60))
    sync_follow_up_alerts(tenant=org.tenant)
    return case


def test_the_lead_sees_only_their_team(org, english, far_team, other_org):
    theirs = make_case(other_org, "THEIRS", due_on=tenant_today(other_org.tenant))
    client = login(english, org.renewal_lead)
    body = client.get("/renewals/").content.decode()
    assert "FAR" not in body and field(body, "open") == "0"
    assert workbook_rows(client.get("/renewals/no_follow_up.xlsx"))[1:] == []
    # Out of scope and another tenant's: 404 like a missing case.
    assert client.get(f"/renewals/cases/{far_team.pk}/").status_code == 404
    assert client.get(f"/renewals/cases/{theirs.pk}/").status_code == 404
    # The company manager sees the whole tenant, the far team's late case too.
    body = login(english, org.manager).get("/renewals/").content.decode()
    assert field(body, "open") == "1"
    _headers, rows = page_table(body, "no_follow_up")
    assert [row[0] for row in rows] == ["FAR"]
    assert Alert.objects.filter(tenant=org.tenant, kind=Alert.Kind.FOLLOW_UP_OVERDUE).count() == 1


@pytest.mark.parametrize("role", ["renewal_lead", "manager", "admin"])
def test_leads_and_managers_open_the_page_from_the_navigation(org, client, role):
    login(client, org.members[role])
    assert client.get("/renewals/").status_code == 200
    assert 'data-nav="renewals-page"' in client.get("/").content.decode()


def test_the_advisor_goes_to_their_queue(org, client):
    login(client, org.advisor)
    response = client.get("/renewals/")
    assert (response.status_code, response.url) == (302, "/renewals/queue/")
    assert 'data-nav="renewals-page"' in client.get("/").content.decode()
    assert client.get("/renewals/staffing.xlsx").status_code == 403
    assert client.post("/renewals/assign/").status_code == 403


@pytest.mark.parametrize("role", ["agent", "supervisor", "branch_manager", "bank"])
def test_other_roles_get_403_and_no_navigation_entry(org, client, role):
    make_case(org, "U-1", due_on=tenant_today(org.tenant))
    login(client, org.members[role])
    response = client.get("/renewals/")
    assert response.status_code == 403
    assert client.get("/renewals/unassigned.xlsx").status_code == 403
    assert client.post("/renewals/assign/").status_code == 403
    assert RenewalCase.objects.get(tenant=org.tenant, policy_no="U-1").advisor_id is None
    assert 'data-nav="renewals-page"' not in client.get("/").content.decode()


def test_chinese_by_default_english_by_cookie(org, client):
    body = login(client, org.renewal_lead).get("/renewals/").content.decode()
    assert "续保率" in body and "自动分配" in body
    assert figure(body, "pipeline")["layout"]["title"]["text"] == "续保进度：按状态与到期周"
    client.cookies["django_language"] = "en"
    body = client.get("/renewals/").content.decode()
    assert "Renewal rate" in body and "Auto-assign" in body and "续保率" not in body


def test_the_page_costs_the_same_queries_for_10_or_100_cases(org, english):
    client = login(english, org.renewal_lead)
    today = tenant_today(org.tenant)

    def add_cases(start: int, stop: int) -> None:
        for index in range(start, stop):
            case = make_case(
                org,
                f"N{index}",
                due_on=today + timedelta(days=index % 60 - 10),
                advisor=org.advisor if index % 3 else None,
                group="A" if index % 6 == 0 else "B",  # unassigned: the advisor serves B only
            )
            if index % 3 == 1:
                walk(org, case, "contacted", "quoted", "quoted")
        RenewalCase.objects.filter(tenant=org.tenant, policy_no__in=[f"N{i}" for i in range(start, stop, 5)]).update(
            assigned_at=timezone.now() - timedelta(hours=72)
        )
        sync_follow_up_alerts(tenant=org.tenant)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/renewals/").status_code == 200
        return len(queries)

    add_cases(0, 10)
    few = count()
    add_cases(10, 100)
    assert count() == few

"""Importing expiring policies as renewal cases (renewals/case_import.py, renewals/services/case_import.py).

The file forms offices send (CSV in UTF-8 with a BOM or GBK, XLSX with a
title and a 合计 row, Chinese or English headers), every kind of bad row by
its Excel row number and field, overdue cases, idempotency, the advisors'
skill and capacity counted down the file, the API and the page, tenant and
role scope. "Today" is 2026-11-22 throughout.
"""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards.models import Alert
from renewals.alerts import sync_follow_up_alerts
from renewals.models import LostReason, RenewalCase
from renewals.selectors.cases import case_list
from renewals.services.case_import import cases_import
from salesops.org.models import OrgUnit
from salesops.org.selectors import tenant_today
from tests.factories import add_member, add_unit
from tests.renewals.renewal_data import add_advisor, hours_ago, make_case

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
HEADER = "保单号,客户,险种类型,保费(元),到期日,客户分组,续保顾问"
IMPORT_API = "/api/v1/renewals/cases/import/"
IMPORT_PAGE = "/renewals/import/"
TEMPLATE = "/renewals/import/template.xlsx"


def csv_bytes(*lines, header=HEADER, encoding="utf-8-sig"):
    return "\n".join([header, *lines]).encode(encoding)


def run(org, content, *, actor="renewal_lead", mode="all_or_nothing", filename="cases.csv", today=TODAY):
    return cases_import(
        tenant=org.tenant, actor=org.members[actor], file=content, filename=filename, mode=mode, today=today
    )


def counts(result):
    return (result.created, result.updated, result.unchanged, result.overdue)


def errors(result):
    return [(e["row"], e["field"], e["message"]) for e in result.errors]


def stored(org):
    """Return policy_no → (customer, product type, premium, due on, group, advisor id) of the tenant's cases."""
    return {
        policy_no: (customer, product_type, str(premium), due_on, group, advisor_id)
        for policy_no, customer, product_type, premium, due_on, group, advisor_id in RenewalCase.objects.filter(
            tenant=org.tenant
        ).values_list("policy_no", "customer", "product_type", "premium", "due_on", "group", "advisor_id")
    }


def close(case, status="renewed"):
    RenewalCase.objects.filter(pk=case.pk).update(status=status, renewed_premium="5100.00", closed_at=timezone.now())


def upload(content, name="cases.csv"):
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.fixture
def team(org):
    """Two advisors with profiles besides the fixture's: wang (group B only, capacity 4) and li (group A)."""
    add_advisor(org, "wang", capacity=4)
    add_advisor(org, "li", group_a=True)
    return org


# --- the file forms offices send --------------------------------------------------------------


def test_a_utf8_csv_with_bom_and_chinese_headers_creates_the_cases(team):
    # Given a CSV saved by Excel as "CSV UTF-8" (with a byte-order mark)
    content = csv_bytes(
        f"RN001,王建国,车险,4860,2026-12-15,标准,{team.wang.employee_no}",
        f'RN002,陈美玲,人寿险,"36,000.00",2027/01/08,高净值,{team.li.employee_no}',
        "RN003,刘洋,意外险,¥300.5,2026年11月20日,,",  # due two days ago; no group: B; no advisor
    )
    assert content.startswith(b"\xef\xbb\xbf")
    # When the renewal lead imports it
    result = run(team, content)
    # Then three cases exist as the file says, one of them overdue
    assert (counts(result), result.errors) == ((3, 0, 0, 1), [])
    assert stored(team) == {
        "RN001": ("王建国", "auto", "4860.00", date(2026, 12, 15), "B", team.wang.pk),
        "RN002": ("陈美玲", "life", "36000.00", date(2027, 1, 8), "A", team.li.pk),
        "RN003": ("刘洋", "accident", "300.50", date(2026, 11, 20), "B", None),
    }
    # And an assigned case starts its 48-hour clock, an unassigned one waits for the auto-assignment
    assigned = dict(RenewalCase.objects.values_list("policy_no", "assigned_at"))
    assert assigned["RN001"] is not None and assigned["RN002"] is not None and assigned["RN003"] is None
    assert set(RenewalCase.objects.values_list("status", flat=True)) == {"pending"}


@pytest.mark.parametrize(
    "header",
    [
        "policy_no,customer,product_type,premium,due_on,group,advisor",
        "Policy Number,Customer,Product Type,Premium,Due Date,Customer Group,Advisor",
        "保单号码,投保人,产品类型,保费,保险止期,分组,顾问工号",
        "保单号,客户姓名,险种类型,保费(元),续保日期,客户分组,续保顾问",
    ],
    ids=["english-codes", "english-words", "chinese-aliases", "chinese"],
)
def test_a_gbk_csv_reads_with_any_of_the_accepted_headers(team, header):
    # Given a CSV saved by Excel on a Chinese Windows (GBK), with one of the header spellings
    content = csv_bytes(
        f"RN001,王建国,health,3600,20261215,A,{team.li.employee_no}",
        "RN002,陈美玲,财产险,1200.00,2026.12.31,b,",
        header=header,
        encoding="gbk",
    )
    # When it is imported
    result = run(team, content)
    # Then the codes and the Chinese words give the same values
    assert (counts(result), result.errors) == ((2, 0, 0, 0), [])
    assert stored(team) == {
        "RN001": ("王建国", "health", "3600.00", date(2026, 12, 15), "A", team.li.pk),
        "RN002": ("陈美玲", "property", "1200.00", date(2026, 12, 31), "B", None),
    }


def test_an_xlsx_with_a_title_row_and_a_total_row(team):
    # Given a sheet with its title on row 1, the header on row 2, three rows, an empty row, 合计 and a note
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2026年12月到期续保清单"])
    sheet.append(HEADER.split(","))
    sheet.append(["RN001", "王建国", "车险", 4860.0, date(2026, 12, 15), "高净值", None])
    sheet.append(["RN002", "陈美玲", "健康险", 3200, date(2027, 1, 3), "标准", "NOBODY"])
    sheet.append(["RN003", "刘洋", "寿险", 0, date(2027, 1, 9), "标准", None])
    sheet.append([])
    sheet.append(["合计", None, None, "=SUM(D3:D5)"])
    sheet.append(["制表：续保部"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # When it is imported keeping the valid rows
    result = run(team, buffer.getvalue(), filename="cases.xlsx", mode="valid_rows")
    # Then rows are numbered as Excel shows them: RN002's unknown advisor is row 4, the zero premium row 5
    assert errors(result) == [
        (4, "advisor", "Unknown advisor."),
        (5, "premium", "The premium must be above zero."),
    ]
    assert (counts(result), stored(team)) == (
        (1, 0, 0, 0),
        {"RN001": ("王建国", "auto", "4860.00", date(2026, 12, 15), "A", None)},
    )


# --- bad rows -------------------------------------------------------------------------------------


def test_every_kind_of_bad_row_is_reported_by_row_and_field_and_nothing_is_saved(team, other_org):
    # Given a renewed case, and an agent's and another tenant's advisor's employee numbers
    renewed = make_case(team, "RN-CLOSED", due_on=date(2026, 11, 1), premium="5000.00")
    close(renewed)
    foreign = other_org.advisor.employee_no
    wang, agent = team.wang.employee_no, team.agent.employee_no
    # When the lead imports a file with one good row and one of each fault
    content = csv_bytes(
        "RN001,王建国,车险,4860,2026-12-15,B,",  # 2: good
        "RN002,陈美玲,船险,4860,2026-12-15,B,",  # 3: product type
        "RN003,刘洋,车险,0,2026-12-15,B,",  # 4: zero premium
        "RN004,张伟,车险,-100,2026-12-15,B,",  # 5: negative premium
        "RN005,李娜,车险,12.345,2026-12-15,B,",  # 6: tenths of a fen
        "RN006,赵六,车险,100,,B,",  # 7: no due date
        "RN007,钱七,车险,100,2026-02-30,B,",  # 8: no such date
        "RN008,孙八,车险,100,2026-12-15,C,",  # 9: group
        "RN009,周九,车险,100,2026-12-15,B,NOBODY",  # 10: unknown advisor
        f"RN010,吴十,车险,100,2026-12-15,B,{foreign}",  # 11: another tenant's advisor
        f"RN011,郑一,车险,100,2026-12-15,B,{agent}",  # 12: an agent is no advisor
        f"RN012,王二,车险,100,2026-12-15,A,{wang}",  # 13: group A case, advisor without the A skill
        "RN001,王建国,车险,4860,2026-12-15,B,",  # 14: repeats row 2
        "RN-CLOSED,客户RN-CLOSED,车险,5200,2026-11-01,B,",  # 15: the renewed case, premium changed
        ",,车险,abc,2026-12-15,B,",  # 16: no policy number, no customer, premium not a number
        f"RN016,{'长' * 101},车险,100,2026-12-15,B,",  # 17: customer name too long
    )
    result = run(team, content)
    # Then each fault is reported once, on its row and field, in column order within a row
    assert errors(result) == [
        (3, "product_type", "Unknown product type."),
        (4, "premium", "The premium must be above zero."),
        (5, "premium", "The premium must be above zero."),
        (6, "premium", "The premium has at most 2 decimal places (fen)."),
        (7, "due_on", "This field is required."),
        (8, "due_on", "Enter a valid date."),
        (9, "group", "The customer group is A or B."),
        (10, "advisor", "Unknown advisor."),
        (11, "advisor", "Unknown advisor."),
        (12, "advisor", "Unknown advisor."),
        (13, "advisor", "This advisor does not serve group A (high net worth) customers."),
        (14, "policy_no", "Policy number RN001 repeats row 2."),
        (15, "policy_no", "This case is closed (Renewed); a row that differs does not change it."),
        (16, "policy_no", "This field is required."),
        (16, "customer", "This field is required."),
        (16, "premium", "Enter a number."),
        (17, "customer", "A customer name has at most 100 characters."),
    ]
    # And all or nothing saved nothing: the renewed case is as it was and RN001 does not exist
    assert counts(result) == (0, 0, 0, 0)
    assert stored(team) == {"RN-CLOSED": ("客户RN-CLOSED", "auto", "5000.00", date(2026, 11, 1), "B", None)}

    # When the same file is imported keeping the valid rows
    valid = run(team, content, mode="valid_rows")
    # Then only row 2 is saved (the first RN001) and the same 17 faults are reported
    assert (counts(valid), valid.errors) == ((1, 0, 0, 0), result.errors)
    assert set(stored(team)) == {"RN-CLOSED", "RN001"}


def test_a_closed_case_in_the_file_as_it_is_is_unchanged_and_not_overdue(team):
    # Given a case lost last month, due two weeks ago
    lost = make_case(team, "RN-LOST", due_on=date(2026, 11, 8), premium="800.00")
    reason = LostReason.objects.get(tenant=team.tenant, code="price")
    RenewalCase.objects.filter(pk=lost.pk).update(status="lost", lost_reason=reason, closed_at=timezone.now())
    # When a list still holding it, unchanged, is imported
    result = run(team, csv_bytes("RN-LOST,客户RN-LOST,车险,800,2026-11-08,B,"))
    # Then it counts as unchanged, and not as overdue: it is closed
    assert (counts(result), result.errors) == ((0, 0, 1, 0), [])


def test_past_due_dates_are_imported_counted_overdue_and_come_first_in_the_queue(team):
    # When a list with two lapsed policies and one due today is imported
    result = run(
        team,
        csv_bytes(
            "RN-TODAY,王建国,车险,100,2026-11-22,B,",
            "RN-LATE,陈美玲,车险,100,2026-11-21,B,",
            "RN-OLD,刘洋,车险,100,2026-10-01,B,",
        ),
    )
    # Then all three are cases, and the two due before today are overdue
    assert (counts(result), result.errors) == ((3, 0, 0, 2), [])
    # And the queue puts them first: overdue 60 + auto 10 = 70 points, then due today 50 + 10 = 60
    queue = case_list(tenant=team.tenant, actor=team.renewal_lead, today=TODAY)
    assert [(case.policy_no, case.priority) for case in queue] == [("RN-OLD", 70), ("RN-LATE", 70), ("RN-TODAY", 60)]
    # And importing them again reports them overdue again, changing nothing
    again = run(
        team,
        csv_bytes(
            "RN-TODAY,王建国,车险,100,2026-11-22,B,",
            "RN-LATE,陈美玲,车险,100,2026-11-21,B,",
            "RN-OLD,刘洋,车险,100,2026-10-01,B,",
        ),
    )
    assert counts(again) == (0, 0, 3, 2)


# --- advisors: skill and capacity --------------------------------------------------------------------


def test_capacity_is_counted_down_the_file(team):
    # Given wang (capacity 4) holds two open cases, H1 and H2, and a renewed one that takes no place
    make_case(team, "H1", due_on=date(2026, 12, 1), advisor=team.wang)
    make_case(team, "H2", due_on=date(2026, 12, 2), advisor=team.wang)
    close(make_case(team, "H3", due_on=date(2026, 11, 2), advisor=team.wang))
    wang, li = team.wang.employee_no, team.li.employee_no
    # When a file assigns him more, and moves H2 to li half-way
    result = run(
        team,
        csv_bytes(
            f"H1,客户H1,车险,5000,2026-12-01,B,{wang}",  # 2: already his: 2 of 4
            f"N1,甲,车险,100,2026-12-15,B,{wang}",  # 3: 3 of 4
            f"N2,乙,车险,100,2026-12-15,B,{wang}",  # 4: 4 of 4
            f"N3,丙,车险,100,2026-12-15,B,{wang}",  # 5: a fifth: refused
            f"H2,客户H2,车险,5000,2026-12-02,B,{li}",  # 6: H2 leaves him: 3 of 4
            f"N4,丁,车险,100,2026-12-15,B,{wang}",  # 7: 4 of 4
            f"N5,戊,车险,100,2026-12-15,B,{wang}",  # 8: a fifth again: refused
        ),
        mode="valid_rows",
    )
    # Then the rows that would take him past 4 are refused, saying how many he holds
    full = "This advisor is at capacity (4 open cases)."
    assert errors(result) == [(5, "advisor", full), (8, "advisor", full)]
    # And N1, N2, N4 are created, H2 moves, H1 is unchanged: wang holds exactly his capacity
    assert counts(result) == (3, 1, 1, 0)
    open_cases = RenewalCase.objects.filter(tenant=team.tenant, status="pending")
    assert sorted(open_cases.filter(advisor=team.wang).values_list("policy_no", flat=True)) == ["H1", "N1", "N2", "N4"]
    assert list(open_cases.filter(advisor=team.li).values_list("policy_no", flat=True)) == ["H2"]


def test_a_case_turned_group_a_needs_an_advisor_with_the_a_skill(team):
    # Given two group B cases held by wang, who does not serve group A
    make_case(team, "G1", due_on=date(2026, 12, 1), advisor=team.wang)
    make_case(team, "G2", due_on=date(2026, 12, 1), advisor=team.wang)
    # When a file turns both into group A, naming li for G2 only
    result = run(
        team,
        csv_bytes("G1,客户G1,车险,5000,2026-12-01,A,", f"G2,客户G2,车险,5000,2026-12-01,A,{team.li.employee_no}"),
        mode="valid_rows",
    )
    # Then G1 is refused on its group (wang would keep it), G2 moves to li as group A
    assert errors(result) == [
        (2, "group", "The case's advisor does not serve group A; name one who does in the advisor column.")
    ]
    assert counts(result) == (0, 1, 0, 0)
    assert stored(team)["G2"][4:] == ("A", team.li.pk)
    assert stored(team)["G1"][4:] == ("B", team.wang.pk)


def test_an_advisor_is_named_by_employee_number_then_username_then_id(team):
    # Given an advisor whose username is wang's employee number (a clash the employee number wins)
    clash = add_member(
        team.tenant, team.wang.employee_no, "renewal_advisor", team.units["renewals"], supervisor=team.renewal_lead
    )
    # When rows name advisors by employee number, by username and by member id
    result = run(
        team,
        csv_bytes(
            f"RN1,甲,车险,100,2026-12-15,B,{team.wang.employee_no}",
            f"RN2,乙,车险,100,2026-12-15,B,{team.li.user.username}",
            f"RN3,丙,车险,100,2026-12-15,B,{clash.pk}",
        ),
    )
    # Then each resolves to the advisor meant
    assert result.errors == []
    assert {policy_no: values[5] for policy_no, values in stored(team).items()} == {
        "RN1": team.wang.pk,
        "RN2": team.li.pk,
        "RN3": clash.pk,
    }


def test_moving_a_case_to_another_advisor_restarts_its_clock_and_resolves_the_old_alert(team):
    # Given a case wang has not followed up for 49 hours, so the lead has an alert on it
    make_case(team, "RN1", due_on=date(2026, 12, 15), advisor=team.wang, assigned_at=hours_ago(49))
    sync_follow_up_alerts(tenant=team.tenant)
    alert = Alert.objects.get(tenant=team.tenant, reference="case:RN1")
    assert alert.status == Alert.Status.OPEN
    before = timezone.now()
    # When a file gives it to li
    result = run(team, csv_bytes(f"RN1,客户RN1,车险,5000,2026-12-15,B,{team.li.employee_no}"))
    # Then it is li's with a fresh clock, and wang's alert is resolved
    assert counts(result) == (0, 1, 0, 0)
    case = RenewalCase.objects.get(tenant=team.tenant, policy_no="RN1")
    assert case.advisor_id == team.li.pk and case.assigned_at >= before
    alert.refresh_from_db()
    assert (alert.status, alert.resolution) == (Alert.Status.RESOLVED, Alert.Resolution.RECOVERED)


# --- idempotency ---------------------------------------------------------------------------------------

LINES = [
    "RN001,王建国,车险,4860,2026-12-15,B,{wang}",
    "RN002,陈美玲,健康险,3200,2027-01-15,A,{li}",
    "RN003,刘洋,寿险,12000.5,2026-11-30,B,",
]


def test_importing_the_same_file_twice_writes_nothing_the_second_time(team):
    lines = [line.format(wang=team.wang.employee_no, li=team.li.employee_no) for line in LINES]
    # Given the list imported once
    assert counts(run(team, csv_bytes(*lines))) == (3, 0, 0, 0)
    before = list(RenewalCase.objects.order_by("policy_no").values_list("policy_no", "updated_at", "assigned_at"))
    # When the same list comes again
    with CaptureQueriesContext(connection) as queries:
        again = run(team, csv_bytes(*lines))
    # Then every row is unchanged and nothing was written
    assert (counts(again), again.errors) == ((0, 0, 3, 0), [])
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert list(RenewalCase.objects.order_by("policy_no").values_list("policy_no", "updated_at", "assigned_at")) == (
        before
    )

    # When one premium changes (RN002 3200 → 3300) and the advisor column is left empty on RN001
    lines[1] = lines[1].replace(",3200,", ",3300,")
    lines[0] = lines[0].rsplit(",", 1)[0] + ","
    changed = run(team, csv_bytes(*lines))
    # Then only RN002 is updated; an empty advisor cell keeps RN001's advisor
    assert (counts(changed), changed.errors) == ((0, 1, 2, 0), [])
    assert stored(team)["RN002"][2] == "3300.00"
    assert stored(team)["RN001"][5] == team.wang.pk


def test_a_differing_row_updates_every_field_of_an_open_case(team):
    make_case(team, "RN1", due_on=date(2026, 12, 15), advisor=team.wang)
    result = run(team, csv_bytes(f"RN1,王建国（更正）,寿险,6100.20,2027-01-31,A,{team.li.employee_no}"))
    assert counts(result) == (0, 1, 0, 0)
    assert stored(team)["RN1"] == ("王建国（更正）", "life", "6100.20", date(2027, 1, 31), "A", team.li.pk)


def test_all_or_nothing_saves_nothing_and_valid_rows_saves_the_good_ones(team):
    content = csv_bytes(
        "RN1,甲,车险,100,2026-12-15,B,", "RN2,乙,车险,-1,2026-12-15,B,", "RN3,丙,车险,100,2026-12-15,B,"
    )
    refused = run(team, content)
    assert (counts(refused), errors(refused)) == ((0, 0, 0, 0), [(3, "premium", "The premium must be above zero.")])
    assert not RenewalCase.objects.exists()
    kept = run(team, content, mode="valid_rows")
    assert (counts(kept), errors(kept)) == ((2, 0, 0, 0), [(3, "premium", "The premium must be above zero.")])
    assert set(stored(team)) == {"RN1", "RN3"}


# --- the file as a whole ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty."),
        (b"name,age\nx,1\n", "No header row found in the first 10 rows; the columns needed are: 保单号 (policy_no)"),
        ("保单号,客户,险种类型,保费\nRN1,甲,车险,100\n".encode(), "Columns missing: 到期日 (due_on)."),
        (HEADER.encode(), "The file has no renewal rows below the header."),
    ],
    ids=["empty", "no-header", "missing-column", "header-only"],
)
def test_a_file_that_cannot_be_read_is_one_error_on_file(team, content, message):
    for mode in ("all_or_nothing", "valid_rows"):
        with pytest.raises(ValidationError) as raised:
            run(team, content, mode=mode)
        assert list(raised.value.message_dict) == ["file"]
        assert raised.value.message_dict["file"][0].startswith(message), raised.value.message_dict
    assert not RenewalCase.objects.exists()


def test_an_unknown_mode_is_refused(team):
    with pytest.raises(ValidationError) as raised:
        run(team, csv_bytes("RN1,甲,车险,100,2026-12-15,B,"), mode="best_effort")
    assert raised.value.message_dict == {"mode": ["Unknown import mode."]}


# --- queries ---------------------------------------------------------------------------------------------


def test_the_queries_do_not_grow_with_the_rows_only_with_batches_of_1000(team):
    # Given an advisor with room for every row
    bulk = add_advisor(team, "bulk", capacity=10_000)

    def file(tag, rows, premium="100"):
        return csv_bytes(*[f"{tag}{i:05d},客户{i},车险,{premium},2026-12-15,B,{bulk.employee_no}" for i in range(rows)])

    def queries(content):
        with CaptureQueriesContext(connection) as captured:
            result = run(team, content)
        assert result.errors == []
        return len(captured), counts(result)

    small, large = 10, 3000
    # When 10 and 3,000 new cases are imported, then again unchanged, then with every premium changed
    created = [queries(file("S", small)), queries(file("L", large))]
    unchanged = [queries(file("S", small)), queries(file("L", large))]
    updated = [queries(file("S", small, "200")), queries(file("L", large, "200"))]
    # Then each run did its work
    assert [c for _n, c in created] == [(10, 0, 0, 0), (3000, 0, 0, 0)]
    assert [c for _n, c in unchanged] == [(0, 0, 10, 0), (0, 0, 3000, 0)]
    assert [c for _n, c in updated] == [(0, 10, 0, 0), (0, 3000, 0, 0)]
    # And 3,000 rows cost what 10 do, plus one insert or update per further 1,000 rows (two more); read-only
    # runs cost the same: savepoints (4), the stored cases, the rules row (2), the advisor pool (4), the advisors'
    # names (1), the write (1 per 1,000 rows)
    assert [n for n, _c in created] == [13, 15]
    assert [n for n, _c in unchanged] == [12, 12]
    assert [n for n, _c in updated] == [13, 15]


# --- tenant and role scope ---------------------------------------------------------------------------------


def test_another_tenants_advisor_is_unknown_and_its_same_policy_number_is_a_separate_case(team, other_org):
    # Given tenant B has a case RN1 and an advisor
    make_case(other_org, "RN1", due_on=date(2026, 12, 1), premium="1.00")
    # When tenant A imports RN1, and a row naming tenant B's advisor
    result = run(
        team,
        csv_bytes(
            "RN1,王建国,车险,4860,2026-12-15,B,", f"RN2,陈美玲,车险,100,2026-12-15,B,{other_org.advisor.employee_no}"
        ),
        mode="valid_rows",
    )
    # Then RN1 is a new case of tenant A, tenant B's RN1 is untouched, and B's advisor is unknown in A
    assert (counts(result), errors(result)) == ((1, 0, 0, 0), [(3, "advisor", "Unknown advisor.")])
    assert stored(team)["RN1"][2] == "4860.00"
    assert RenewalCase.objects.get(tenant=other_org.tenant, policy_no="RN1").premium == 1


def test_a_lead_can_neither_overwrite_nor_assign_outside_their_team(team):
    # Given a second renewal team with its own advisor and a case they hold
    far_team = add_unit(team.tenant, "acme-renewals-2", OrgUnit.Kind.TEAM, team.units["company"])
    far = add_member(team.tenant, "acme-far-advisor", "renewal_advisor", far_team)
    make_case(team, "FAR1", due_on=date(2026, 12, 1), premium="100.00", advisor=far)
    # When the first team's lead imports a row for that case and one naming that advisor
    result = run(
        team,
        csv_bytes("FAR1,客户FAR1,车险,999,2026-12-01,B,", f"RN2,乙,车险,100,2026-12-15,B,{far.employee_no}"),
    )
    # Then both are refused: the case is outside their scope, the advisor unknown to them
    assert errors(result) == [
        (2, "policy_no", "This policy number is a case outside your scope."),
        (3, "advisor", "Unknown advisor."),
    ]
    assert stored(team)["FAR1"][2] == "100.00"
    # And the company manager, who sees both teams, may do both
    assert counts(
        run(
            team,
            csv_bytes("FAR1,客户FAR1,车险,999,2026-12-01,B,", f"RN2,乙,车险,100,2026-12-15,B,{far.employee_no}"),
            actor="manager",
        )
    ) == (1, 1, 0, 0)


@pytest.mark.parametrize("role", ["advisor", "agent", "supervisor", "branch_manager", "bank"])
def test_only_the_managers_of_renewals_may_import(team, role):
    with pytest.raises(PermissionDenied):
        run(team, csv_bytes("RN1,甲,车险,100,2026-12-15,B,"), actor=role)
    assert not RenewalCase.objects.exists()


# --- the API --------------------------------------------------------------------------------------------------


def test_the_api_answers_like_the_sale_import_plus_overdue(team, api_client_for):
    api = api_client_for(team.renewal_lead)
    content = csv_bytes("RN1,甲,车险,100,2026-11-01,B,", "RN2,乙,船险,100,2026-12-15,B,")
    # All or nothing with a bad row: 400, the whole report, nothing saved
    refused = api.post(IMPORT_API, {"file": upload(content)}, format="multipart")
    assert refused.status_code == 400
    assert refused.json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "overdue": 0,
        "errors": [{"row": 3, "field": "product_type", "message": "Unknown product type."}],
    }
    assert not RenewalCase.objects.exists()
    # Valid rows: 200, the good row saved (and overdue), the bad one listed
    kept = api.post(IMPORT_API, {"file": upload(content), "mode": "valid_rows"}, format="multipart")
    assert kept.status_code == 200
    assert kept.json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "overdue": 1,
        "errors": [{"row": 3, "field": "product_type", "message": "Unknown product type."}],
    }
    # A file that cannot be read, or no file, or an unknown mode: 400 on the field
    unreadable = api.post(IMPORT_API, {"file": upload(b"name,age\n1,2\n")}, format="multipart")
    assert unreadable.status_code == 400 and list(unreadable.json()) == ["file"]
    assert api.post(IMPORT_API, {}, format="multipart").json().keys() == {"file"}
    bad_mode = api.post(IMPORT_API, {"file": upload(content), "mode": "best_effort"}, format="multipart")
    assert bad_mode.status_code == 400 and list(bad_mode.json()) == ["mode"]


@pytest.mark.parametrize("role", ["renewal_lead", "manager", "admin"])
def test_the_managers_of_renewals_import_through_the_api(team, api_client_for, role):
    response = api_client_for(team.members[role]).post(
        IMPORT_API, {"file": upload(csv_bytes("RN1,甲,车险,100,2026-12-15,B,"))}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["created"] == 1


def test_the_api_imports_into_the_callers_tenant_only(team, other_org, api_client_for):
    # When tenant B's lead imports a row naming tenant A's advisor, then a clean one
    api = api_client_for(other_org.renewal_lead)
    foreign = api.post(
        IMPORT_API,
        {"file": upload(csv_bytes(f"RN1,甲,车险,100,2026-12-15,B,{team.wang.employee_no}"))},
        format="multipart",
    )
    clean = api.post(IMPORT_API, {"file": upload(csv_bytes("RN1,甲,车险,100,2026-12-15,B,"))}, format="multipart")
    # Then tenant A's advisor is unknown, and the case is tenant B's alone
    assert foreign.status_code == 400
    assert foreign.json()["errors"] == [{"row": 2, "field": "advisor", "message": "Unknown advisor."}]
    assert clean.status_code == 200
    assert list(RenewalCase.objects.values_list("tenant_id", flat=True)) == [other_org.tenant.pk]


@pytest.mark.parametrize("role", ["advisor", "agent", "supervisor", "branch_manager", "bank"])
def test_other_roles_get_403_from_the_api_and_the_pages(team, client, api_client_for, role):
    member = team.members[role]
    content = csv_bytes("RN1,甲,车险,100,2026-12-15,B,")
    assert api_client_for(member).post(IMPORT_API, {"file": upload(content)}, format="multipart").status_code == 403
    client.force_login(member.user)
    assert client.get(IMPORT_PAGE).status_code == 403
    assert client.post(IMPORT_PAGE, {"file": upload(content), "mode": "valid_rows"}).status_code == 403
    assert client.get(TEMPLATE).status_code == 403
    assert not RenewalCase.objects.exists()


# --- the page and the template ------------------------------------------------------------------------------


def test_the_page_shows_the_form_and_the_report_in_chinese(team, client):
    client.force_login(team.renewal_lead.user)
    # Given the form, in Chinese by default (the tenant's language)
    form = client.get(IMPORT_PAGE)
    assert form.status_code == 200
    html = form.content.decode()
    assert '<html lang="zh-hans">' in html and 'data-form="import"' in html and TEMPLATE in html
    # When a file with three bad rows is posted, all or nothing
    content = csv_bytes(
        "RN1,甲,车险,100,2026-12-15,B,",
        "RN2,乙,车险,12.345,2026-12-15,B,",
        "RN1,甲,车险,100,2026-12-15,B,",
        "RN4,丁,车险,100,2026-13-01,B,",
    )
    posted = client.post(IMPORT_PAGE, {"file": upload(content), "mode": "all_or_nothing"})
    # Then the page answers 400 with the report in Chinese: each bad row, its field as the file names it, why
    assert posted.status_code == 400
    html = posted.content.decode()
    assert "cases.csv 的导入结果" in html
    assert 'data-field="created">0<' in html and 'data-field="bad">3<' in html
    for row, label, message in [
        (3, "保费", "保费最多两位小数（精确到分）。"),
        (4, "保单号", "保单号 RN1 与第 2 行重复。"),
        (5, "", "请输入有效日期。"),
    ]:
        assert f'<tr data-row="{row}"><td class="num">{row}</td><td>{label}' in html
        assert message in html
    assert not RenewalCase.objects.exists()

    # When the good rows are posted
    good = csv_bytes("RN1,甲,车险,100,2026-12-15,B,", "RN2,乙,车险,100,2026-11-01,B,")
    saved = client.post(IMPORT_PAGE, {"file": upload(good), "mode": "all_or_nothing"})
    # Then it answers 200 with the counts, the overdue one among them
    assert saved.status_code == 200
    html = saved.content.decode()
    assert (
        'data-field="created">2<' in html
        and 'data-field="overdue">1<' in html
        and 'data-table="row-errors"' not in html
    )


def test_the_page_says_why_a_file_cannot_be_read(team, client):
    client.force_login(team.renewal_lead.user)
    response = client.post(IMPORT_PAGE, {"mode": "all_or_nothing"})
    assert response.status_code == 400 and 'data-field="file-errors"' in response.content.decode()


def test_the_template_has_the_headers_and_its_example_rows_import(team, client):
    client.force_login(team.renewal_lead.user)
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="renewal-cases-template.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == HEADER.split(",")
    assert (sheet["D2"].number_format, sheet["E2"].number_format) == ("0.00", "yyyy-mm-dd")
    # The example rows import as they are
    result = run(team, response.content, filename="renewal-cases-template.xlsx")
    assert (counts(result), result.errors) == ((2, 0, 0, 0), [])
    assert stored(team) == {
        "PA2026110001": ("王建国", "auto", "4860.00", date(2026, 12, 15), "B", None),
        "PL2026110002": ("陈美玲", "life", "36000.00", date(2027, 1, 8), "A", None),
    }


def test_due_dates_are_compared_with_the_tenants_today_by_default(team):
    # No ``today``: the tenant's local date decides what is overdue (a case due yesterday is).
    yesterday = tenant_today(team.tenant) - timedelta(days=1)
    result = cases_import(
        tenant=team.tenant,
        actor=team.renewal_lead,
        file=csv_bytes(f"RN1,甲,车险,100,{yesterday.isoformat()},B,"),
        filename="cases.csv",
        mode="all_or_nothing",
    )
    assert counts(result) == (1, 0, 0, 1)

"""The sale records page: scope by role, import through the form with its report, XLSX export."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from targets.models import SaleRecord
from tests.targets.plan_data import sell

pytestmark = pytest.mark.django_db

PAGE = "/targets/sales/"
HEADER = "保单号,工号,业务员姓名,渠道,险种,保费(元),件数,承保日期,客户类型,缴费方式,网点代码\n"


def upload(org, rows: list[str]) -> SimpleUploadedFile:
    """A UTF-8 CSV export naming the org's agents by employee number."""
    return SimpleUploadedFile("export.csv", (HEADER + "".join(rows)).encode("utf-8"), content_type="text/csv")


def good_rows(org):
    return [
        f'P1,{org.agent.employee_no},甲,个险,健康险,"12,000.50",1,2026/10/08,新客户,期交,\n',
        f"P2,{org.agent3.employee_no},乙,团险,团体年金,3000.00,2,2026-10-09,老客户,期交,\n",
    ]


def test_manager_imports_valid_rows_and_sees_the_report(org, client):
    client.force_login(org.manager.user)
    bad = f"P3,{org.agent.employee_no},甲,个险,健康险,-5.00,1,2026/10/08,新客户,期交,\n"
    # When the manager imports two good rows and a negative premium, keeping the valid rows
    response = client.post(PAGE, {"file": upload(org, good_rows(org) + [bad]), "mode": "valid_rows"})
    # Then two sales are saved and row 4 (the header is row 1) is reported on 保费
    assert response.status_code == 200
    report = response.context["report"]
    assert (report["created"], report["updated"], report["unchanged"]) == (2, 0, 0)
    assert [(error["row"], error["field"]) for error in report["errors"]] == [(4, "premium")]
    assert str(report["errors"][0]["field_label"]) == "保费"
    sales = dict(SaleRecord.objects.filter(tenant=org.tenant).values_list("policy_no", "premium"))
    assert sales == {"P1": Decimal("12000.50"), "P2": Decimal("3000.00")}
    # And the page lists them
    assert [row["policy_no"] for row in response.context["rows"]] == ["P2", "P1"]
    # When the same file is imported again, all or nothing, without the bad row
    response = client.post(PAGE, {"file": upload(org, good_rows(org)), "mode": "all_or_nothing"})
    report = response.context["report"]
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2)
    assert SaleRecord.objects.filter(tenant=org.tenant).count() == 2


def test_all_or_nothing_with_a_bad_row_saves_nothing(org, client):
    client.force_login(org.admin.user)
    bad = "P3,E99999,无名,个险,健康险,5.00,1,2026/10/08,新客户,期交,\n"
    response = client.post(PAGE, {"file": upload(org, good_rows(org) + [bad]), "mode": "all_or_nothing"})
    assert response.status_code == 400
    assert response.context["report"]["refused"] is True
    assert [(error["row"], error["field"]) for error in response.context["report"]["errors"]] == [(4, "member")]
    assert 'data-field="refused"' in response.content.decode()
    assert not SaleRecord.objects.exists()


def test_a_file_that_is_not_an_export_is_refused(org, client):
    client.force_login(org.manager.user)
    junk = SimpleUploadedFile("notes.csv", b"\x00\x01\x02binary", content_type="text/csv")
    response = client.post(PAGE, {"file": junk, "mode": "valid_rows"})
    assert response.status_code == 400
    assert response.context["file_errors"]
    assert not SaleRecord.objects.exists()


def test_who_sees_which_sales(org, other_org, client):
    sell(org, org.agent, "100.00", date(2026, 10, 1))
    sell(org, org.agent3, "200.00", date(2026, 10, 2))
    sell(org, org.agent4, "300.00", date(2026, 10, 3))
    sell(other_org, other_org.agent, "999.00", date(2026, 10, 4))

    def premiums(name, fixture=org):
        client.force_login(fixture.members[name].user)
        response = client.get(PAGE)
        assert response.status_code == 200
        return sorted(row["premium"] for row in response.context["rows"])

    assert premiums("manager") == ["100.00", "200.00", "300.00"]
    assert premiums("branch_manager") == ["100.00", "200.00"]
    assert premiums("supervisor") == ["100.00"]
    assert premiums("agent") == ["100.00"]
    assert premiums("manager", other_org) == ["999.00"]


def test_only_admins_and_managers_get_the_import_form(org, client):
    client.force_login(org.supervisor.user)
    response = client.get(PAGE)
    assert response.context["may_write"] is False
    assert 'data-form="import"' not in response.content.decode()
    assert client.post(PAGE, {"file": upload(org, good_rows(org)), "mode": "valid_rows"}).status_code == 403
    assert not SaleRecord.objects.exists()
    client.force_login(org.bank.user)
    assert client.get(PAGE).status_code == 403


def test_export_holds_the_filtered_sales_in_scope(org, client):
    sell(org, org.agent, "12000.50", date(2026, 10, 1))
    sell(org, org.agent, "700.00", date(2026, 11, 1))
    sell(org, org.agent4, "300.00", date(2026, 10, 3))
    client.force_login(org.supervisor.user)
    response = client.get("/targets/sales.xlsx", {"from": "2026-10-01", "to": "2026-10-31"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("保单号", "工号", "营销员")
    # Only agent's October sale: agent4 is outside the supervisor's team, November outside the filter
    assert [(row[1], row[5], row[7]) for row in rows[1:]] == [(org.agent.employee_no, 12000.5, "2026-10-01")]


def test_the_page_costs_the_same_queries_for_3_or_30_sales(org, client):
    client.force_login(org.manager.user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured.captured_queries)

    for day in range(1, 4):
        sell(org, org.agent, "10.00", date(2026, 10, day))
    few = queries()
    for day in range(1, 28):
        sell(org, org.agent4, "10.00", date(2026, 9, day))
    assert queries() == few

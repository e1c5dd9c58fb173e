"""Importing sale records from real-world exports (targets/sale_import.py, targets/services/sales.py).

The three sample files in ../shared/samples carry the same 40 good rows;
the GBK one adds 5 bad rows (rows 42–46). Seven good rows are dated after
2026-11-22, so imports that should take all 40 pass ``today=2026-12-31``.
"""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import translation

from bancassurance.services import bank_branch_create, bank_create
from targets.models import SaleRecord
from targets.sale_import import SaleFileError, read_sale_rows
from targets.services.sales import sale_records_import
from tests.factories import add_member
from tests.targets.sales_data import GBK_CSV, UTF8_CSV, XLSX, add_sample_people

pytestmark = pytest.mark.django_db

# Summed by hand once from sales_export_utf8bom.csv (the 40 good rows); the
# XLSX's 合计 row is a formula Excel never computed, so it holds no value.
SAMPLE_PREMIUM_TOTAL = Decimal("1737610.50")
AFTER_ALL_SAMPLE_DATES = date(2026, 12, 31)
HEADER = "保单号,工号,业务员姓名,渠道,险种,保费(元),件数,承保日期,客户类型,缴费方式,网点代码"


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English, the msgid language.
    with translation.override("en"):
        yield


@pytest.fixture
def sample_org(org):
    org.members.update(add_sample_people(org))
    return org


def run_import(org, content, *, actor=None, filename="sales.csv", mode="all_or_nothing", today=AFTER_ALL_SAMPLE_DATES):
    return sale_records_import(
        tenant=org.tenant,
        actor=actor if actor is not None else org.admin,
        file=content,
        filename=filename,
        mode=mode,
        today=today,
    )


def csv_bytes(*lines, encoding="utf-8"):
    return "\n".join([HEADER, *lines]).encode(encoding)


def premium_total(org):
    return SaleRecord.objects.filter(tenant=org.tenant).aggregate(total=Sum("premium"))["total"]


# --- the sample files -----------------------------------------------------------


@pytest.mark.parametrize(
    "path, mode, bad_rows",
    [(UTF8_CSV, "all_or_nothing", 0), (XLSX, "all_or_nothing", 0), (GBK_CSV, "valid_rows", 5)],
    ids=["utf8-bom-csv", "xlsx", "gbk-csv"],
)
def test_each_sample_file_imports_the_40_good_rows(sample_org, path, mode, bad_rows):
    # Given the sample agents and branches of tenant A
    # When the admin imports the office's export
    result = run_import(sample_org, path.read_bytes(), filename=path.name, mode=mode)
    # Then the 40 good rows are sales, with the premium the file adds up to
    assert (result.created, result.updated, result.unchanged, len(result.errors)) == (40, 0, 0, bad_rows)
    sales = SaleRecord.objects.filter(tenant=sample_org.tenant)
    assert sales.count() == 40
    assert premium_total(sample_org) == SAMPLE_PREMIUM_TOTAL
    assert sales.aggregate(policies=Sum("policies"))["policies"] == 40
    # And the Chinese values are mapped to the tenant's channels, products and codes
    first = sales.select_related("member", "channel", "product", "bank_branch").get(policy_no="P2026100000")
    assert {
        "member": first.member.employee_no,
        "channel": first.channel.code,
        "product": first.product.code,
        "premium": first.premium,
        "policies": first.policies,
        "sold_on": first.sold_on,
        "customer_kind": first.customer_kind,
        "payment_mode": first.payment_mode,
        "bank_branch": first.bank_branch.code,
    } == {
        "member": "A1001",
        "channel": "bancassurance",
        "product": "single_premium_savings",
        "premium": Decimal("50000.00"),
        "policies": 1,
        "sold_on": date(2026, 11, 10),
        "customer_kind": "existing",
        "payment_mode": "single",
        "bank_branch": "ICBC-310100",
    }
    no_branch = sales.get(policy_no="P2026100003")
    assert (no_branch.channel.code, no_branch.product.code, no_branch.payment_mode, no_branch.bank_branch) == (
        "agency",
        "annuity",
        "regular",
        None,
    )


def test_sales_dated_after_today_are_refused(sample_org):
    # Given "today" is 2026-11-22 in the tenant's time zone
    # When the admin imports the UTF-8 export, all or nothing
    result = run_import(sample_org, UTF8_CSV.read_bytes(), today=date(2026, 11, 22))
    # Then the 7 rows dated after it are refused on sold_on, and nothing is saved
    future = "The date written cannot be in the future."
    assert result.errors == [{"row": row, "field": "sold_on", "message": future} for row in (7, 9, 12, 19, 25, 36, 38)]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert not SaleRecord.objects.exists()


def test_the_gbk_export_reports_exactly_its_five_bad_rows_and_saves_nothing(sample_org):
    # Given the GBK export with 40 good rows and 5 bad ones
    # When it is imported all or nothing
    result = run_import(sample_org, GBK_CSV.read_bytes(), filename=GBK_CSV.name)
    # Then each bad row is reported once, by the row number Excel shows and the field at fault
    assert result.errors == [
        {"row": 42, "field": "member", "message": "Unknown member."},
        {"row": 43, "field": "channel", "message": "Unknown channel."},
        {"row": 44, "field": "premium", "message": "The premium cannot be negative."},
        {"row": 45, "field": "sold_on", "message": "Enter a valid date."},
        {"row": 46, "field": "policy_no", "message": "Policy number P2026100005 repeats row 7."},
    ]
    # And nothing at all is saved
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert not SaleRecord.objects.exists()


def test_valid_rows_mode_keeps_the_first_of_a_repeated_policy_number(sample_org):
    # When the GBK export is imported keeping the valid rows
    result = run_import(sample_org, GBK_CSV.read_bytes(), mode="valid_rows")
    # Then row 7 (the first P2026100005) is the sale, not row 46
    assert result.created == 40 and [error["row"] for error in result.errors] == [42, 43, 44, 45, 46]
    assert SaleRecord.objects.get(tenant=sample_org.tenant, policy_no="P2026100005").member.employee_no == "A1006"
    assert not SaleRecord.objects.filter(policy_no__startswith="P20262").exists()


# --- idempotency ---------------------------------------------------------------------


def test_importing_the_same_file_twice_creates_nothing_the_second_time(sample_org):
    # Given the UTF-8 export imported once
    run_import(sample_org, UTF8_CSV.read_bytes())
    before = {sale.pk: sale.updated_at for sale in SaleRecord.objects.all()}
    # When the same sales come again, from the CSV and from the XLSX
    again = run_import(sample_org, UTF8_CSV.read_bytes())
    from_xlsx = run_import(sample_org, XLSX.read_bytes(), filename=XLSX.name)
    # Then nothing is created or updated: every row is unchanged
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 40, [])
    assert (from_xlsx.created, from_xlsx.updated, from_xlsx.unchanged, from_xlsx.errors) == (0, 0, 40, [])
    assert {sale.pk: sale.updated_at for sale in SaleRecord.objects.all()} == before


def test_a_changed_premium_updates_the_stored_sale(sample_org):
    # Given the UTF-8 export imported once
    text = UTF8_CSV.read_text(encoding="utf-8-sig")
    run_import(sample_org, text.encode("utf-8-sig"))
    # When the office corrects P2026100002 (premium 5200.50 → 5300.50, agent A1003 → A1004) and sends it again
    old_line = "P2026100002,A1003,张伟,个险,健康险,5200.50,1,2026/11/01,老客户,趸交,"
    assert old_line in text
    changed = text.replace(old_line, "P2026100002,A1004,刘洋,个险,健康险,5300.50,1,2026/11/01,老客户,趸交,")
    result = run_import(sample_org, changed.encode("utf-8-sig"))
    # Then that one sale is updated and the rest are left alone
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 1, 39, [])
    sale = SaleRecord.objects.select_related("member").get(policy_no="P2026100002")
    assert (sale.premium, sale.member.employee_no) == (Decimal("5300.50"), "A1004")
    assert premium_total(sample_org) == SAMPLE_PREMIUM_TOTAL + 100


# --- references: tenant and scope ---------------------------------------------------------


def test_another_tenants_employee_number_is_an_unknown_member(sample_org, other_org):
    # Given tenant B's agent with employee number B-only
    foreign = add_member(other_org.tenant, "bolt-only", "agent", other_org.units["north1"])
    # When tenant A imports a row naming that employee number
    result = run_import(
        sample_org,
        csv_bytes(f"P1,{foreign.employee_no},某人,个险,健康险,100.00,1,2026-10-08,新客户,期交,"),
    )
    # Then it is unknown, exactly like one that does not exist
    assert result.errors == [{"row": 2, "field": "member", "message": "Unknown member."}]
    assert not SaleRecord.objects.exists()


def test_each_tenant_resolves_the_same_employee_numbers_to_its_own_members(sample_org, other_org):
    # Given both tenants have agents A1001–A1012
    other_agents = add_sample_people(other_org)
    # When tenant B imports the export
    result = run_import(other_org, UTF8_CSV.read_bytes())
    # Then every sale is tenant B's and credited to tenant B's agents
    assert result.created == 40
    assert set(SaleRecord.objects.values_list("tenant_id", flat=True)) == {other_org.tenant.pk}
    assert set(SaleRecord.objects.values_list("member_id", flat=True)) == {m.pk for m in other_agents.values()}


def test_another_tenants_branch_code_is_an_unknown_branch(sample_org, other_org):
    # Given a branch code only tenant B has
    bank = bank_create(tenant=other_org.tenant, actor=None, code="BOCOM", name="交通银行")
    bank_branch_create(tenant=other_org.tenant, actor=None, bank_id=bank.pk, code="BOCOM-1", name="交行一号网点")
    # When tenant A imports a row naming it
    result = run_import(sample_org, csv_bytes("P1,A1001,王芳,银保,趸交储蓄险,100.00,1,2026-10-08,新客户,趸交,BOCOM-1"))
    # Then it is unknown in tenant A
    assert result.errors == [{"row": 2, "field": "bank_branch", "message": "Unknown bank branch."}]


def test_a_manager_may_only_credit_members_in_their_scope(sample_org):
    # Given the manager of branch north (teams north-1 and north-2)
    # When they import sales of A1001 (north-1) and A1009 (south-1)
    result = run_import(
        sample_org,
        csv_bytes(
            "P1,A1001,王芳,个险,健康险,100.00,1,2026-10-08,新客户,期交,",
            "P2,A1009,周杰,个险,健康险,100.00,1,2026-10-08,新客户,期交,",
        ),
        actor=sample_org.branch_manager,
        mode="valid_rows",
    )
    # Then the south agent is unknown to them, as if they did not exist
    assert result.created == 1
    assert result.errors == [{"row": 3, "field": "member", "message": "Unknown member."}]


def test_a_manager_cannot_overwrite_a_sale_credited_outside_their_scope(sample_org):
    # Given a sale of A1009 (south-1) recorded by the admin
    run_import(sample_org, csv_bytes("P1,A1009,周杰,个险,健康险,100.00,1,2026-10-08,新客户,期交,"))
    # When the north manager sends the same policy number for their own agent
    result = run_import(
        sample_org,
        csv_bytes("P1,A1001,王芳,个险,健康险,900.00,1,2026-10-08,新客户,期交,"),
        actor=sample_org.branch_manager,
    )
    # Then it is refused and the stored sale is untouched
    assert result.errors == [
        {"row": 2, "field": "policy_no", "message": "This policy number is recorded for a member outside your scope."}
    ]
    assert SaleRecord.objects.get(policy_no="P1").premium == Decimal("100.00")


@pytest.mark.parametrize("role", ["supervisor", "agent", "bank", "renewal_lead", "advisor"])
def test_only_tenant_admins_and_managers_may_import(sample_org, role):
    with pytest.raises(PermissionDenied):
        run_import(sample_org, UTF8_CSV.read_bytes(), actor=sample_org.members[role])
    assert not SaleRecord.objects.exists()


def test_a_member_may_be_named_by_username_or_id_too(sample_org):
    a1002 = sample_org.members["A1002"]
    result = run_import(
        sample_org,
        csv_bytes(
            "P1,acme-a1001,王芳,agency,health,100.00,1,2026-10-08,new,regular,",
            f"P2,{a1002.pk},李娜,个险,健康险,100.00,1,2026-10-08,新客户,期交,",
        ),
    )
    assert result.errors == [] and result.created == 2
    assert dict(SaleRecord.objects.values_list("policy_no", "member__employee_no")) == {"P1": "A1001", "P2": "A1002"}


# --- row-level rules ---------------------------------------------------------------------


def test_every_bad_cell_of_a_row_is_reported(sample_org):
    result = run_import(
        sample_org,
        csv_bytes(
            "P1,A1001,王芳,个险,健康险,100.005,-1,2026/02/30,VIP,月交,",
            "P2,A1001,王芳,个险,健康险,abc,1.5,,新客户,期交,",
            ",,王芳,个险,健康险,1,1,2026-10-08,新客户,期交,",
        ),
    )
    assert result.errors == [
        {"row": 2, "field": "premium", "message": "The premium has at most 2 decimal places (fen)."},
        {"row": 2, "field": "policies", "message": "The number of policies cannot be negative."},
        {"row": 2, "field": "sold_on", "message": "Enter a valid date."},
        {"row": 2, "field": "customer_kind", "message": "Unknown customer kind."},
        {"row": 2, "field": "payment_mode", "message": "Unknown payment mode."},
        {"row": 3, "field": "premium", "message": "Enter a number."},
        {"row": 3, "field": "policies", "message": "Enter a whole number."},
        {"row": 3, "field": "sold_on", "message": "This field is required."},
        {"row": 4, "field": "policy_no", "message": "This field is required."},
        {"row": 4, "field": "member", "message": "This field is required."},
    ]


def test_zero_policies_is_allowed(sample_org):
    # A rider or top-up carries premium without counting as a new policy.
    result = run_import(sample_org, csv_bytes("P1,A1001,王芳,个险,健康险,300.00,0,2026-10-08,老客户,期交,"))
    assert result.errors == [] and SaleRecord.objects.get(policy_no="P1").policies == 0


# --- the file as a whole ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, filename, message",
    [
        (b"", "sales.csv", "The file is empty."),
        (bytes(range(256)) * 40, "sales.csv", "The file is not a CSV or XLSX file."),
        (b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", "sales.pdf", "No header row found"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "sales.xls", "Old Excel files (.xls)"),
        (b"PK\x03\x04 not really a zip", "sales.xlsx", "The file is not a CSV or XLSX file."),
        (HEADER.encode(), "sales.csv", "The file has no sale rows below the header."),
        (
            "保单号,工号,渠道,保费(元),件数,承保日期,客户类型,缴费方式\nP1,A1001,个险,1,1,2026-10-08,新客户,期交".encode(),
            "sales.csv",
            "Columns missing: 险种 (product).",
        ),
    ],
    ids=["empty", "random-bytes", "pdf", "old-xls", "broken-xlsx", "header-only", "missing-column"],
)
def test_a_file_that_cannot_be_read_is_one_error_on_file_and_saves_nothing(sample_org, content, filename, message):
    for mode in ("all_or_nothing", "valid_rows"):
        with pytest.raises(ValidationError) as raised:
            run_import(sample_org, content, filename=filename, mode=mode)
        assert list(raised.value.message_dict) == ["file"]
        assert raised.value.message_dict["file"][0].startswith(message), raised.value.message_dict
    assert not SaleRecord.objects.exists()


def test_an_unknown_mode_is_refused(sample_org):
    with pytest.raises(ValidationError) as raised:
        run_import(sample_org, UTF8_CSV.read_bytes(), mode="best_effort")
    assert raised.value.message_dict == {"mode": ["Unknown import mode."]}


def test_a_file_like_object_is_read_too(sample_org):
    result = run_import(sample_org, BytesIO(UTF8_CSV.read_bytes()))
    assert result.created == 40


# --- queries ---------------------------------------------------------------------------------


def copies_of_the_gbk_export(times, tag):
    """Return the GBK export with its 45 rows repeated ``times`` times under fresh policy numbers."""
    header, *rows = GBK_CSV.read_bytes().decode("gbk").splitlines()
    lines = [header] + [f"{tag}{copy}{row}" for copy in range(times) for row in rows]
    return "\n".join(lines).encode("gbk")


# Savepoints (4), members, channels, products, branches, stored sales, one bulk write,
# and the rollups' outbox requests (one bulk insert).
MAX_IMPORT_QUERIES = 11


def test_an_import_costs_the_same_few_queries_however_long_the_file(sample_org, django_assert_max_num_queries):
    # Given the 45-row export (S) and its rows four times over (L: 180 rows, other policy numbers)
    def run(content):
        with django_assert_max_num_queries(MAX_IMPORT_QUERIES) as captured:
            result = run_import(sample_org, content, mode="valid_rows")
        return len(captured), result

    small, large = copies_of_the_gbk_export(1, "S"), copies_of_the_gbk_export(4, "L")
    # When each is imported: new sales, the same again, then with 10 premiums per copy changed
    created = [run(small), run(large)]
    unchanged = [run(small), run(large)]
    changed = [run(small.replace(b".25,", b".26,")), run(large.replace(b".25,", b".26,"))]
    # Then every run did what it should
    assert [result.created for _count, result in created] == [40, 160]
    assert [result.unchanged for _count, result in unchanged] == [40, 160]
    assert [(result.updated, result.unchanged) for _count, result in changed] == [(10, 30), (40, 120)]
    # And cost a handful of queries (at most MAX_IMPORT_QUERIES): the same for 45 rows as for 180
    for (small_count, _small), (large_count, _large) in (created, unchanged, changed):
        assert small_count == large_count


# --- parsing alone (no database) ----------------------------------------------------------


def test_the_header_is_found_below_title_rows_and_the_table_ends_at_a_total_row():
    # Given a sheet with a merged title, the header on row 3, a total row, then notes
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2026年10月承保清单"])
    sheet.append([])
    headers = ["Policy No", "Employee No", "Channel", "Product", "Premium", "Policies", "Date", "Customer kind"]
    sheet.append([*headers, "Payment mode"])
    sheet.append(["P1", 1001.0, "agency", "health", 1234.5, 2.0, datetime(2026, 10, 8), "new", "regular"])
    sheet.append(["P2", "A1002", "group", "annuity", "1,000", "1", 46303, "existing", "single"])
    sheet.append(["合计", None, None, None, "=SUM(E4:E5)"])
    sheet.append(["制表人：张三"])
    buffer = BytesIO()
    workbook.save(buffer)
    # When it is read
    rows = read_sale_rows(buffer.getvalue(), filename="sales.xlsx")
    # Then the two data rows are typed, numbered as Excel shows them, and the rest is ignored
    assert [(r.row, r.policy_no, r.member, r.premium, r.policies, r.sold_on, r.customer_kind) for r in rows] == [
        (4, "P1", "1001", Decimal("1234.5"), 2, date(2026, 10, 8), "new"),
        (5, "P2", "A1002", Decimal("1000"), 1, date(2026, 10, 8), "existing"),
    ]
    assert all(not r.errors for r in rows)


def test_rows_after_an_empty_row_that_look_like_sales_are_reported_not_dropped():
    content = "\n".join(
        [
            HEADER,
            "P1,A1001,王芳,个险,健康险,100.00,1,2026-10-08,新客户,期交,",
            ",,,,,,,,,,",
            "P2,A1002,李娜,个险,健康险,100.00,1,2026-10-08,新客户,期交,",
        ]
    ).encode("gb18030")
    rows = read_sale_rows(content)
    assert [(r.row, r.errors) for r in rows] == [
        (2, []),
        (
            4,
            [
                (
                    "non_field_errors",
                    "This row comes after an empty row or a total row, which ends the table; it was not read.",
                )
            ],
        ),
    ]


def test_a_header_repeating_a_column_is_refused():
    with pytest.raises(SaleFileError, match="Two columns give 工号"):
        read_sale_rows(f"{HEADER},employee_no\nP1,A1001".encode())

"""The sale-record REST endpoints across two tenants and every role's scope (API.md ``sales/``)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bancassurance.services import bank_branch_create, bank_create
from salesops.org.selectors import tenant_today
from targets.models import SaleRecord
from targets.services.sales import sale_record_create

pytestmark = pytest.mark.django_db

SALES = "/api/v1/sales/"
IMPORT = "/api/v1/sales/import/"
HEADER = "保单号,工号,业务员姓名,渠道,险种,保费(元),件数,承保日期,客户类型,缴费方式,网点代码"

# Whose sales each role sees (DESIGN.md "Tenancy and access"); see the ``sales`` fixture.
SALE_SCOPE = {
    "admin": {"S-AGENT", "S-AGENT2", "S-AGENT3", "S-AGENT4", "S-SUPERVISOR"},
    "manager": {"S-AGENT", "S-AGENT2", "S-AGENT3", "S-AGENT4", "S-SUPERVISOR"},
    "branch_manager": {"S-AGENT", "S-AGENT2", "S-AGENT3", "S-SUPERVISOR"},
    "supervisor": {"S-AGENT", "S-AGENT2", "S-SUPERVISOR"},
    "supervisor2": {"S-AGENT3"},
    "agent": {"S-AGENT"},
    "agent4": {"S-AGENT4"},
    "bank": set(),
    "renewal_lead": set(),
}


def days_ago(org, days):
    return tenant_today(org.tenant) - timedelta(days=days)


def english(client):
    # Messages are asserted in English, the msgid language.
    client.cookies["django_language"] = "en"
    return client


def record(org, member, policy_no, *, days=10, channel="agency", product="health", premium="1000.00"):
    return sale_record_create(
        tenant=org.tenant,
        actor=None,
        policy_no=policy_no,
        member_id=member.pk,
        channel_code=channel,
        product_code=product,
        premium=Decimal(premium),
        policies=1,
        sold_on=days_ago(org, days),
        customer_kind="new",
        payment_mode="regular",
    )


@pytest.fixture
def branch(org):
    bank = bank_create(tenant=org.tenant, actor=None, code="ICBC", name="工商银行")
    return bank_branch_create(tenant=org.tenant, actor=None, bank_id=bank.pk, code="ICBC-310100", name="工行陆家嘴网点")


@pytest.fixture
def sales(org, other_org):
    """One sale each of agent, agent2 (north-1), agent3 (north-2), agent4 (south-1), the north-1 supervisor.

    And one in tenant B.
    """
    record(org, org.agent, "S-AGENT", days=1, premium="100.00")
    record(org, org.agent2, "S-AGENT2", days=2, channel="group", product="employer_liability")
    record(org, org.agent3, "S-AGENT3", days=3)
    record(org, org.agent4, "S-AGENT4", days=4, product="annuity")
    record(org, org.supervisor, "S-SUPERVISOR", days=5)
    record(other_org, other_org.agent, "F-AGENT", days=1)


def policy_nos(response):
    assert response.status_code == 200, response.content
    return {row["policy_no"] for row in response.json()["results"]}


def sale_payload(org, **overrides):
    payload = {
        "policy_no": "P2026900001",
        "member": org.agent.pk,
        "channel": "agency",
        "product": "health",
        "premium": "12345.67",
        "policies": 1,
        "sold_on": days_ago(org, 3).isoformat(),
        "customer_kind": "new",
        "payment_mode": "regular",
    }
    payload.update(overrides)
    return payload


def upload(content, name="sales.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def csv_bytes(org, *lines):
    return "\n".join([HEADER, *lines]).encode("gbk")


# --- recording one sale ------------------------------------------------------------------


def test_a_manager_records_a_sale(org, api_client_for):
    # Given the company manager
    client = api_client_for(org.manager)
    # When they record a sale of the agent
    response = client.post(SALES, sale_payload(org), format="json")
    # Then it is stored and answered in API.md's shape
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "policy_no": "P2026900001",
        "member": org.agent.pk,
        "channel": "agency",
        "product": "health",
        "premium": "12345.67",
        "policies": 1,
        "sold_on": days_ago(org, 3).isoformat(),
        "customer_kind": "new",
        "payment_mode": "regular",
        "bank_branch": None,
    }
    assert SaleRecord.objects.get(pk=body["id"]).tenant == org.tenant


def test_the_admin_records_a_bancassurance_sale_at_a_branch(org, branch, api_client_for):
    client = api_client_for(org.admin)
    payload = sale_payload(
        org, channel="bancassurance", product="single_premium_savings", payment_mode="single", bank_branch=branch.pk
    )
    response = client.post(SALES, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["bank_branch"] == branch.pk


@pytest.mark.parametrize(
    "overrides, errors",
    [
        ({"premium": "-1.00"}, {"premium": ["The premium cannot be negative."]}),
        ({"policies": -1}, {"policies": ["The number of policies cannot be negative."]}),
        ({"sold_on": "FUTURE"}, {"sold_on": ["The date written cannot be in the future."]}),
        ({"channel": "telesales"}, {"channel": ["Unknown channel."]}),
        ({"product": "pension"}, {"product": ["Unknown product."]}),
        ({"member": 987654321}, {"member": ["Unknown member."]}),
        ({"bank_branch": 987654321}, {"bank_branch": ["Unknown bank branch."]}),
        ({"policy_no": "S-AGENT"}, {"policy_no": ["A sale with this policy number is already recorded."]}),
    ],
    ids=["negative-premium", "negative-policies", "future", "channel", "product", "member", "branch", "duplicate"],
)
def test_bad_sales_are_refused_field_by_field(org, sales, api_client_for, overrides, errors):
    client = english(api_client_for(org.admin))
    if overrides.get("sold_on") == "FUTURE":
        overrides = {"sold_on": days_ago(org, -1).isoformat()}
    count = SaleRecord.objects.count()
    response = client.post(SALES, sale_payload(org, **overrides), format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert SaleRecord.objects.count() == count


def test_zero_policies_is_allowed(org, api_client_for):
    response = api_client_for(org.admin).post(SALES, sale_payload(org, policies=0), format="json")
    assert response.status_code == 201 and response.json()["policies"] == 0


def test_premiums_with_more_than_two_decimals_are_refused(org, api_client_for):
    response = api_client_for(org.admin).post(SALES, sale_payload(org, premium="1.005"), format="json")
    assert response.status_code == 400 and "premium" in response.json()


# --- tenants and roles ---------------------------------------------------------------------


def test_another_tenants_member_or_branch_is_unknown(org, other_org, api_client_for):
    # Given tenant B's agent and branch
    bank = bank_create(tenant=other_org.tenant, actor=None, code="ICBC", name="工商银行")
    foreign_branch = bank_branch_create(
        tenant=other_org.tenant, actor=None, bank_id=bank.pk, code="ICBC-9", name="工行某网点"
    )
    client = english(api_client_for(org.admin))
    # When tenant A's admin credits a sale to them
    response = client.post(
        SALES, sale_payload(org, member=other_org.agent.pk, bank_branch=foreign_branch.pk), format="json"
    )
    # Then both are unknown, exactly like ids that do not exist, and nothing is saved
    assert response.status_code == 400
    assert response.json() == {"member": ["Unknown member."], "bank_branch": ["Unknown bank branch."]}
    assert not SaleRecord.objects.filter(tenant=org.tenant).exists()


def test_lists_never_show_another_tenants_sales(org, other_org, sales, api_client_for):
    client = api_client_for(org.admin)
    assert "F-AGENT" not in policy_nos(client.get(SALES))
    assert policy_nos(client.get(f"{SALES}?member={other_org.agent.pk}")) == set()
    assert policy_nos(api_client_for(other_org.admin).get(SALES)) == {"F-AGENT"}


@pytest.mark.parametrize("role", sorted(SALE_SCOPE))
def test_the_list_is_the_roles_scope(org, sales, api_client_for, role):
    seen = policy_nos(api_client_for(org.members[role]).get(f"{SALES}?page_size=500"))
    assert seen == SALE_SCOPE[role]


def test_a_manager_cannot_credit_a_member_outside_their_branch(org, api_client_for):
    # Given the manager of branch north
    client = english(api_client_for(org.branch_manager))
    # Then agent4 of branch south is unknown to them, agent3 of north-2 is fine
    outside = client.post(SALES, sale_payload(org, member=org.agent4.pk), format="json")
    inside = client.post(SALES, sale_payload(org, member=org.agent3.pk), format="json")
    assert (outside.status_code, outside.json()) == (400, {"member": ["Unknown member."]})
    assert inside.status_code == 201


@pytest.mark.parametrize("role", ["supervisor", "agent", "bank", "renewal_lead", "advisor"])
def test_only_tenant_admins_and_managers_may_write_sales(org, api_client_for, role):
    # Given a member who may read sales but not write them
    client = api_client_for(org.members[role])
    # When they record a sale or import a file
    created = client.post(SALES, sale_payload(org, member=org.members[role].pk), format="json")
    imported = client.post(
        IMPORT,
        {"file": upload(csv_bytes(org, f"P1,{org.agent.employee_no},x,个险,健康险,1,1,2026-10-08,新客户,期交,"))},
        format="multipart",
    )
    # Then both are forbidden, and nothing is saved
    assert (created.status_code, imported.status_code) == (403, 403)
    assert not SaleRecord.objects.exists()


def test_an_anonymous_caller_is_401(client):
    assert client.get(SALES).status_code == 401
    assert client.post(IMPORT, {}).status_code == 401


# --- list filters and cost -------------------------------------------------------------------


def test_the_list_filters_by_member_dates_channel_and_product(org, sales, api_client_for):
    client = api_client_for(org.admin)
    assert policy_nos(client.get(f"{SALES}?member={org.agent.pk}")) == {"S-AGENT"}
    window = f"from={days_ago(org, 4).isoformat()}&to={days_ago(org, 2).isoformat()}"
    assert policy_nos(client.get(f"{SALES}?{window}")) == {"S-AGENT2", "S-AGENT3", "S-AGENT4"}
    assert policy_nos(client.get(f"{SALES}?channel=group")) == {"S-AGENT2"}
    assert policy_nos(client.get(f"{SALES}?product=annuity")) == {"S-AGENT4"}
    assert client.get(f"{SALES}?from=yesterday").status_code == 400


def test_the_list_is_newest_first(org, sales, api_client_for):
    rows = api_client_for(org.admin).get(SALES).json()["results"]
    assert [row["policy_no"] for row in rows] == ["S-AGENT", "S-AGENT2", "S-AGENT3", "S-AGENT4", "S-SUPERVISOR"]
    assert rows[0]["premium"] == "100.00"


def test_the_list_costs_a_few_queries_however_many_sales(org, sales, api_client_for, django_assert_max_num_queries):
    for n in range(30):
        record(org, org.agent, f"MORE-{n}", days=n % 20)
    client = api_client_for(org.admin)
    with django_assert_max_num_queries(6):
        assert client.get(f"{SALES}?page_size=500").json()["count"] == 35


# --- import --------------------------------------------------------------------------------------


def test_an_import_answers_what_it_did(org, branch, api_client_for):
    # Given the admin and a small GBK export
    client = api_client_for(org.admin)
    sold_on = days_ago(org, 5).strftime("%Y/%m/%d")
    content = csv_bytes(
        org,
        f'P1,{org.agent.employee_no},某人,个险,健康险,"1,000.50",1,{sold_on},新客户,期交,',
        f"P2,{org.agent3.user.username},某人,银保,趸交储蓄险,50000,1,{sold_on},老客户,趸交,ICBC-310100",
    )
    # When it is uploaded, then uploaded again
    first = client.post(IMPORT, {"file": upload(content)}, format="multipart")
    second = client.post(IMPORT, {"file": upload(content), "mode": "valid_rows"}, format="multipart")
    # Then the first creates both sales and the second changes nothing
    assert (first.status_code, first.json()) == (200, {"created": 2, "updated": 0, "unchanged": 0, "errors": []})
    assert (second.status_code, second.json()) == (200, {"created": 0, "updated": 0, "unchanged": 2, "errors": []})
    stored = SaleRecord.objects.get(policy_no="P2")
    assert (stored.member_id, stored.bank_branch_id) == (org.agent3.pk, branch.pk)


def test_all_or_nothing_with_bad_rows_is_a_400_listing_them_and_saves_nothing(org, api_client_for):
    client = english(api_client_for(org.admin))
    sold_on = days_ago(org, 5).isoformat()
    content = csv_bytes(
        org,
        f"P1,{org.agent.employee_no},某人,个险,健康险,100,1,{sold_on},新客户,期交,",
        f"P2,NOBODY,某人,电销,健康险,100,1,{sold_on},新客户,期交,",
    )
    response = client.post(IMPORT, {"file": upload(content), "mode": "all_or_nothing"}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "errors": [
            {"row": 3, "field": "member", "message": "Unknown member."},
            {"row": 3, "field": "channel", "message": "Unknown channel."},
        ],
    }
    assert not SaleRecord.objects.exists()
    # And with valid_rows the good row is saved, the bad one reported, and the answer is 200
    response = client.post(IMPORT, {"file": upload(content), "mode": "valid_rows"}, format="multipart")
    assert response.status_code == 200 and response.json()["created"] == 1
    assert list(SaleRecord.objects.values_list("policy_no", flat=True)) == ["P1"]


def test_importing_another_tenants_employee_number_is_an_unknown_member(org, other_org, api_client_for):
    client = english(api_client_for(org.admin))
    line = f"P1,{other_org.agent.employee_no},某人,个险,健康险,100,1,{days_ago(org, 5).isoformat()},新客户,期交,"
    response = client.post(IMPORT, {"file": upload(csv_bytes(org, line))}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 2, "field": "member", "message": "Unknown member."}]


@pytest.mark.parametrize(
    "content, name",
    [
        (bytes(range(256)) * 40, "sales.csv"),
        (b"PK\x03\x04 garbage", "sales.xlsx"),
        ("保单号,工号\nP1,A1001".encode(), "sales.csv"),
    ],
    ids=["random-bytes", "broken-xlsx", "missing-columns"],
)
def test_a_malformed_file_is_a_400_on_file_and_saves_nothing(org, api_client_for, content, name):
    response = api_client_for(org.admin).post(IMPORT, {"file": upload(content, name)}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert not SaleRecord.objects.exists()


def test_an_import_without_a_file_or_with_an_unknown_mode_is_a_400(org, api_client_for):
    client = api_client_for(org.admin)
    assert list(client.post(IMPORT, {"mode": "valid_rows"}, format="multipart").json()) == ["file"]
    bad_mode = client.post(IMPORT, {"file": upload(b"x"), "mode": "best_effort"}, format="multipart")
    assert bad_mode.status_code == 400 and "mode" in bad_mode.json()


def test_the_schema_documents_the_sales_endpoints(client):
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/sales/"])
    assert "post" in paths["/api/v1/sales/import/"]

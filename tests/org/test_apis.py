"""The org REST endpoints across two tenants and every role's scope (API.md)."""

import pytest

from salesops.org.models import Member, OrgUnit

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def member_ids(org, *names):
    return {org.members[name].pk for name in names}


def unit_ids(org, *names):
    return {org.units[name].pk for name in names}


ALL_MEMBERS = [
    "admin",
    "manager",
    "branch_manager",
    "supervisor",
    "agent",
    "agent2",
    "supervisor2",
    "agent3",
    "agent4",
    "bank",
    "renewal_lead",
    "advisor",
]

# Who sees whom (DESIGN.md "Tenancy and access").
MEMBER_SCOPE = {
    "admin": ALL_MEMBERS,
    "manager": ALL_MEMBERS,  # a company-level manager sees the whole tenant
    "branch_manager": ["branch_manager", "supervisor", "agent", "agent2", "supervisor2", "agent3"],
    "supervisor": ["supervisor", "agent", "agent2"],
    "agent": ["agent"],
    "bank": ["bank"],
    "renewal_lead": ["renewal_lead", "advisor"],
    "advisor": ["advisor"],
}
UNIT_SCOPE = {
    "admin": ["company", "north", "south", "north1", "north2", "south1", "bank", "renewals"],
    "manager": ["company", "north", "south", "north1", "north2", "south1", "bank", "renewals"],
    "branch_manager": ["north", "north1", "north2"],
    "supervisor": ["north1"],
    "agent": ["north1"],
    "bank": ["bank"],
    "renewal_lead": ["renewals"],
    "advisor": ["renewals"],
}


class TestMe:
    def test_me_returns_the_callers_membership(self, org, api_client_for):
        # Given the agent of tenant A
        client = api_client_for(org.agent)
        # When they ask who they are
        body = client.get("/api/v1/me/").json()
        # Then the tenant comes from their membership
        assert body == {
            "id": org.agent.pk,
            "username": "acme-agent",
            "display_name": "acme-agent-名",
            "tenant": {"slug": "acme", "name": "阿克米保险"},
            "role": "agent",
            "unit": org.units["north1"].pk,
            "unit_name": "acme-north-1",
            "tier": "top",
            "supervisor": org.supervisor.pk,
        }

    def test_me_requires_authentication(self, client):
        response = client.get("/api/v1/me/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"

    def test_inactive_member_is_refused(self, org, api_client_for):
        Member.objects.filter(pk=org.agent.pk).update(active=False)
        assert api_client_for(org.agent).get("/api/v1/me/").status_code == 403


class TestRoleScope:
    @pytest.mark.parametrize("role", sorted(MEMBER_SCOPE))
    def test_member_list_is_the_roles_scope(self, org, other_org, api_client_for, role):
        # Given a member of tenant A with this role
        client = api_client_for(org.members[role])
        # When they list members
        seen = ids(client.get("/api/v1/org/members/?page_size=500"))
        # Then they see exactly their scope, and nothing of tenant B
        assert seen == member_ids(org, *MEMBER_SCOPE[role])
        assert not seen & {m.pk for m in other_org.members.values()}

    @pytest.mark.parametrize("role", sorted(UNIT_SCOPE))
    def test_unit_list_is_the_roles_scope(self, org, other_org, api_client_for, role):
        client = api_client_for(org.members[role])
        seen = ids(client.get("/api/v1/org/units/?page_size=500"))
        assert seen == unit_ids(org, *UNIT_SCOPE[role])
        assert not seen & {u.pk for u in other_org.units.values()}

    def test_member_outside_scope_is_404_like_a_missing_one(self, org, api_client_for):
        # Given a supervisor of team north-1
        client = api_client_for(org.supervisor)
        # Then their own report is visible, a report of another team is not
        assert client.get(f"/api/v1/org/members/{org.agent.pk}/").status_code == 200
        outside = client.get(f"/api/v1/org/members/{org.agent3.pk}/")
        missing = client.get("/api/v1/org/members/999999999/")
        assert outside.status_code == missing.status_code == 404
        assert outside.json() == missing.json()

    def test_unit_outside_scope_is_404(self, org, api_client_for):
        client = api_client_for(org.branch_manager)
        assert client.get(f"/api/v1/org/units/{org.units['north1'].pk}/").status_code == 200
        assert client.get(f"/api/v1/org/units/{org.units['south1'].pk}/").status_code == 404

    @pytest.mark.parametrize("role", ["manager", "supervisor", "agent", "bank", "renewal_lead", "advisor"])
    def test_only_a_tenant_admin_may_change_the_org(self, org, api_client_for, role):
        client = api_client_for(org.members[role])
        before_units, before_members = OrgUnit.objects.count(), Member.objects.count()
        unit = client.post(
            "/api/v1/org/units/", {"name": "新团队", "kind": "team", "parent": org.units["north"].pk}, format="json"
        )
        member = client.post(
            "/api/v1/org/members/",
            {
                "username": "newbie",
                "display_name": "新人",
                "role": "agent",
                "unit": org.units["north1"].pk,
            },
            format="json",
        )
        channel = client.post("/api/v1/org/channels/", {"code": "phone", "name": "电销"}, format="json")
        product = client.post("/api/v1/org/products/", {"code": "pension", "name": "养老险"}, format="json")
        assert (unit.status_code, member.status_code, channel.status_code, product.status_code) == (403,) * 4
        assert (OrgUnit.objects.count(), Member.objects.count()) == (before_units, before_members)

    def test_every_member_reads_channels_and_products(self, org, api_client_for):
        client = api_client_for(org.agent)
        channels = client.get("/api/v1/org/channels/").json()["results"]
        products = client.get("/api/v1/org/products/").json()["results"]
        assert [(c["code"], c["name"]) for c in channels] == [
            ("agency", "个险"),
            ("group", "团险"),
            ("bancassurance", "银保"),
        ]
        assert [p["code"] for p in products] == [
            "health",
            "annuity",
            "employer_liability",
            "group_annuity",
            "single_premium_savings",
        ]


class TestCrossTenant:
    def test_foreign_ids_are_404_for_every_detail(self, org, other_org, api_client_for):
        # Given tenant A's admin, who sees everything in A
        client = api_client_for(org.admin)
        # When they name tenant B's objects
        for unit in other_org.units.values():
            assert client.get(f"/api/v1/org/units/{unit.pk}/").status_code == 404
        for member in other_org.members.values():
            assert client.get(f"/api/v1/org/members/{member.pk}/").status_code == 404

    def test_lists_show_nothing_foreign(self, org, other_org, api_client_for):
        client = api_client_for(org.admin)
        foreign_channels = set(other_org.tenant.channel_set.values_list("id", flat=True))
        foreign_products = set(other_org.tenant.product_set.values_list("id", flat=True))
        assert not ids(client.get("/api/v1/org/channels/")) & foreign_channels
        assert not ids(client.get("/api/v1/org/products/")) & foreign_products
        assert not ids(client.get("/api/v1/org/units/")) & {u.pk for u in other_org.units.values()}

    def test_filtering_by_a_foreign_unit_shows_nothing(self, org, other_org, api_client_for):
        client = api_client_for(org.admin)
        response = client.get(f"/api/v1/org/members/?unit={other_org.units['north1'].pk}")
        assert response.json()["count"] == 0

    def test_member_naming_a_foreign_unit_or_supervisor_is_refused(self, org, other_org, api_client_for):
        # Given tenant A's admin
        client = api_client_for(org.admin)
        count = Member.objects.count()
        # When they create a member in tenant B's unit, reporting to tenant B's supervisor
        response = client.post(
            "/api/v1/org/members/",
            {
                "username": "intruder",
                "display_name": "越界",
                "role": "agent",
                "unit": other_org.units["north1"].pk,
                "supervisor": other_org.supervisor.pk,
            },
            format="json",
        )
        # Then both references are unknown, exactly as if they did not exist, and nothing changed
        assert response.status_code == 400
        assert response.json() == {"unit": ["未知的组织单元。"], "supervisor": ["未知的成员。"]}
        assert Member.objects.count() == count

    def test_unit_under_a_foreign_parent_is_refused(self, org, other_org, api_client_for):
        client = api_client_for(org.admin)
        response = client.post(
            "/api/v1/org/units/",
            {"name": "越界团队", "kind": "team", "parent": other_org.units["north"].pk},
            format="json",
        )
        assert response.status_code == 400
        assert response.json() == {"parent": ["未知的组织单元。"]}
        assert not OrgUnit.objects.filter(name="越界团队").exists()

    def test_token_of_tenant_b_never_reads_tenant_a(self, org, other_org, api_client_for):
        client = api_client_for(other_org.admin)
        assert client.get("/api/v1/me/").json()["tenant"]["slug"] == "bolt"
        assert client.get(f"/api/v1/org/members/{org.agent.pk}/").status_code == 404


class TestAdminWrites:
    def test_admin_creates_a_team_and_an_agent_who_can_log_in(self, org, api_client_for):
        client = api_client_for(org.admin)
        team = client.post(
            "/api/v1/org/units/", {"name": "北区三组", "kind": "team", "parent": org.units["north"].pk}, format="json"
        )
        assert team.status_code == 201, team.content
        assert team.json()["parent"] == org.units["north"].pk
        created = client.post(
            "/api/v1/org/members/",
            {
                "username": "zhang.wei",
                "password": "Str0ng-pass-2026",
                "display_name": "张伟",
                "employee_no": "A2001",
                "role": "agent",
                "unit": team.json()["id"],
                "tier": "bottom",
                "supervisor": org.branch_manager.pk,
                "hired_on": "2026-09-01",
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        body = created.json()
        assert {k: body[k] for k in ("username", "employee_no", "role", "tier", "hired_on", "active")} == {
            "username": "zhang.wei",
            "employee_no": "A2001",
            "role": "agent",
            "tier": "bottom",
            "hired_on": "2026-09-01",
            "active": True,
        }
        token = client.post(
            "/api/v1/auth/token/", {"username": "zhang.wei", "password": "Str0ng-pass-2026"}, format="json"
        )
        assert token.status_code == 200 and token.json()["token"]

    def test_new_unit_path_makes_it_part_of_its_branch_subtree(self, org, api_client_for):
        client = api_client_for(org.admin)
        team = client.post(
            "/api/v1/org/units/", {"name": "北区四组", "kind": "team", "parent": org.units["north"].pk}, format="json"
        ).json()
        # The branch manager's scope now includes the new team
        seen = ids(api_client_for(org.branch_manager).get("/api/v1/org/units/"))
        assert team["id"] in seen

    def test_admin_adds_a_channel(self, org, other_org, api_client_for):
        response = api_client_for(org.admin).post(
            "/api/v1/org/channels/", {"code": "telesales", "name": "电销"}, format="json"
        )
        assert response.status_code == 201
        assert org.tenant.channel_set.filter(code="telesales").exists()
        assert not other_org.tenant.channel_set.filter(code="telesales").exists()


class TestBadInput:
    def post_member(self, client, **overrides):
        payload = {"username": "someone", "display_name": "某人", "role": "agent"}
        payload.update(overrides)
        return client.post("/api/v1/org/members/", payload, format="json")

    def test_field_errors_and_nothing_changes(self, org, api_client_for):
        client = api_client_for(org.admin)
        count = Member.objects.count()
        cases = [
            ({"unit": org.units["north1"].pk, "role": "pilot"}, "role"),
            ({"unit": org.units["north1"].pk, "tier": "legendary"}, "tier"),
            ({"unit": 987654321}, "unit"),
            ({"unit": "north"}, "unit"),
            ({"unit": org.units["north1"].pk, "hired_on": "2099-01-01"}, "hired_on"),
            ({"unit": org.units["north1"].pk, "hired_on": "2026-02-30"}, "hired_on"),
            ({"unit": org.units["north1"].pk, "username": "acme-agent"}, "username"),
            ({"unit": org.units["north1"].pk, "employee_no": org.agent.employee_no}, "employee_no"),
            ({"unit": org.units["north1"].pk, "password": "123"}, "password"),
            ({"unit": org.units["north1"].pk, "supervisor": org.agent4.pk}, "supervisor"),
            ({"unit": org.units["north1"].pk, "username": "bad name!"}, "username"),
        ]
        for overrides, field in cases:
            response = self.post_member(client, **overrides)
            assert response.status_code == 400, (overrides, response.content)
            assert field in response.json(), (overrides, response.json())
        assert Member.objects.count() == count

    def test_malformed_json_is_a_400(self, org, api_client_for):
        client = api_client_for(org.admin)
        response = client.generic("POST", "/api/v1/org/members/", '{"username": "x", ', content_type="application/json")
        assert response.status_code == 400
        assert "detail" in response.json()

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"name": "孤儿团队", "kind": "team"}, "parent"),
            ({"name": "第二公司", "kind": "company"}, "kind"),
            ({"name": "acme-north", "kind": "branch", "parent": None}, "parent"),
            ({"name": "acme-north-1", "kind": "team", "parent": "PARENT"}, "name"),
            ({"name": "分公司下的分公司", "kind": "branch", "parent": "NORTH"}, "parent"),
            ({"name": "", "kind": "team", "parent": "PARENT"}, "name"),
            ({"name": "x", "kind": "division", "parent": "PARENT"}, "kind"),
        ],
    )
    def test_bad_units_are_refused(self, org, api_client_for, payload, field):
        client = api_client_for(org.admin)
        payload = {k: (org.units["north"].pk if v in ("PARENT", "NORTH") else v) for k, v in payload.items()}
        count = OrgUnit.objects.count()
        response = client.post("/api/v1/org/units/", payload, format="json")
        assert response.status_code == 400 and field in response.json(), response.content
        assert OrgUnit.objects.count() == count

    def test_errors_are_in_english_for_an_english_user(self, org, other_org, api_client_for):
        client = api_client_for(org.admin)
        client.cookies["django_language"] = "en"
        response = self.post_member(client, unit=other_org.units["north1"].pk)
        assert response.json() == {"unit": ["Unknown unit."]}

    def test_non_numeric_ids_are_404_not_500(self, org, api_client_for):
        client = api_client_for(org.admin)
        assert client.get("/api/v1/org/members/abc/").status_code == 404


def test_member_list_query_count_is_flat(org, api_client_for, django_assert_max_num_queries):
    # Given the admin, who sees every member (12 here)
    client = api_client_for(org.admin)
    # Then the list costs a fixed handful of queries, not one per member
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/org/members/").status_code == 200

"""The HTML pages of the shell and the org, by role and across tenants."""

import pytest

from tests.factories import ORG_HEADCOUNT

pytestmark = pytest.mark.django_db


def headcount_rows(response):
    return dict(response.context["headcount"])


def test_home_headcount_is_the_viewers_scope(org, other_org, client):
    # Given the supervisor of north-1 (themselves and two agents)
    client.force_login(org.supervisor.user)
    # Then the headcount table counts their team only
    assert headcount_rows(client.get("/")) == {"agent": 2, "supervisor": 1}
    # And the tenant admin counts the whole tenant, not the other one
    client.force_login(org.admin.user)
    assert headcount_rows(client.get("/")) == ORG_HEADCOUNT


def test_agent_has_no_headcount_table(org, client):
    client.force_login(org.agent.user)
    response = client.get("/")
    assert response.status_code == 200 and headcount_rows(response) == {}


@pytest.mark.parametrize("role", ["agent", "bank", "advisor"])
def test_org_page_is_forbidden_to_roles_that_lead_no_one(org, client, role):
    client.force_login(org.members[role].user)
    assert client.get("/org/").status_code == 403


def test_org_page_shows_the_scope_and_nothing_foreign(org, other_org, client):
    client.force_login(org.branch_manager.user)
    html = client.get("/org/").content.decode()
    assert "acme-north-1" in html and "acme-north-2" in html and "acme-agent3-名" in html
    assert "acme-south" not in html and "bolt-" not in html


def test_org_page_query_count_is_flat_when_the_org_grows(org, client, django_assert_max_num_queries):
    client.force_login(org.admin.user)
    with django_assert_max_num_queries(12) as small:
        client.get("/org/")
    # Grow tenant A tenfold in units and people (nine more copies of the tree)
    from salesops.org import services
    from salesops.org.models import Member, OrgUnit

    for copy in range(9):
        branch = services.unit_create(
            tenant=org.tenant, actor=None, name=f"b{copy}", kind=OrgUnit.Kind.BRANCH, parent_id=org.units["company"].pk
        )
        for team_no in range(3):
            team = services.unit_create(
                tenant=org.tenant, actor=None, name=f"b{copy}t{team_no}", kind=OrgUnit.Kind.TEAM, parent_id=branch.pk
            )
            for person in range(4):
                services.member_create(
                    tenant=org.tenant,
                    actor=None,
                    username=f"p{copy}-{team_no}-{person}",
                    display_name="某人",
                    role=Member.Role.AGENT,
                    unit_id=team.pk,
                )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/org/").status_code == 200

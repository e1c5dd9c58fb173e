"""Structural tenancy rules, checked on the real schema in PostgreSQL."""

import pytest
from django.apps import apps
from django.db import connection
from django.http import Http404

from salesops.org.models import Member, OrgUnit, TenantOwnedModel
from salesops.tenancy import get_in_scope_or_404, member_scope_q

pytestmark = pytest.mark.django_db


def tenant_owned_models():
    return [m for m in apps.get_models() if issubclass(m, TenantOwnedModel)]


def test_every_index_and_unique_constraint_starts_with_tenant():
    # Given every tenant-owned table as PostgreSQL has it
    offenders = []
    with connection.cursor() as cursor:
        for model in tenant_owned_models():
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for name, info in constraints.items():
                if info["primary_key"] or info["foreign_key"] or info["check"]:
                    continue
                if (info["index"] or info["unique"]) and info["columns"][:1] != ["tenant_id"]:
                    offenders.append(f"{model._meta.db_table}.{name} {info['columns']}")
    # Then each index and unique constraint leads with tenant_id (the Citus distribution column)
    assert tenant_owned_models(), "no tenant-owned models found"
    assert offenders == []


def test_a_subtree_is_one_query(org, django_assert_num_queries):
    from salesops.org.selectors import unit_subtree

    with django_assert_num_queries(1):
        names = [u.name for u in unit_subtree(tenant=org.tenant, unit=org.units["north"])]
    assert names == ["acme-north", "acme-north-1", "acme-north-2"]


def test_scope_q_for_fact_tables_uses_the_member_prefix(org):
    # An agent's facts are their own only; a supervisor's span their units' members
    assert str(member_scope_q(org.agent, prefix="member__")) == f"(AND: ('member__pk', {org.agent.pk}))"
    assert "member__unit__path__startswith" in str(member_scope_q(org.supervisor, prefix="member__"))


def test_get_in_scope_or_404_treats_missing_foreign_and_junk_alike(org, other_org):
    scoped = OrgUnit.objects.filter(tenant=org.tenant)
    assert get_in_scope_or_404(scoped, org.units["north"].pk) == org.units["north"]
    for pk in (other_org.units["north"].pk, 10**12, "abc", None):
        with pytest.raises(Http404):
            get_in_scope_or_404(scoped, pk)


def test_sibling_path_prefixes_do_not_leak(org):
    # Unit ids 1 and 12 share a text prefix; the trailing slash in paths keeps
    # "/1/" from matching "/12/". Check with the real tree: no unit outside the
    # branch starts with the branch path.
    north = org.units["north"]
    inside = set(OrgUnit.objects.filter(tenant=org.tenant, path__startswith=north.path).values_list("pk", flat=True))
    assert inside == {north.pk, org.units["north1"].pk, org.units["north2"].pk}
    assert Member.objects.filter(member_scope_q(org.branch_manager), tenant=org.tenant).count() == 6

"""The onboarding command and the demo loader."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from salesops.org.models import Channel, Member, OrgUnit, Product, Tenant, User

pytestmark = pytest.mark.django_db
CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


def test_create_tenant_onboards_company_channels_products_and_admin():
    out = StringIO()
    call_command(
        "create_tenant",
        "huatai",
        "--name",
        "华泰人寿",
        "--admin",
        "ht-admin",
        "--password",
        "Onboard-2026!",
        stdout=out,
    )
    tenant = Tenant.objects.get(slug="huatai")
    assert tenant.name == "华泰人寿" and tenant.time_zone == "Asia/Shanghai" and tenant.language == "zh-hans"
    assert list(OrgUnit.objects.filter(tenant=tenant).values_list("name", "kind", "parent")) == [
        ("华泰人寿", "company", None)
    ]
    admin = Member.objects.get(tenant=tenant, user__username="ht-admin")
    assert admin.role == "tenant_admin"
    assert set(Channel.objects.filter(tenant=tenant).values_list("code", flat=True)) == {
        "agency",
        "group",
        "bancassurance",
    }
    assert Product.objects.filter(tenant=tenant).count() == 5
    assert admin.user.check_password("Onboard-2026!")
    assert "huatai" in out.getvalue()


@pytest.mark.parametrize(
    "args, message",
    [
        (["demo2", "--name", "X", "--admin", "admin2", "--password", "short"], "password"),
        (["existing", "--name", "X", "--admin", "new-admin", "--password", "Onboard-2026!"], "slug"),
        (["fresh", "--name", "X", "--admin", "taken", "--password", "Onboard-2026!"], "username"),
    ],
)
def test_create_tenant_bad_input_changes_nothing(args, message):
    call_command(
        "create_tenant",
        "existing",
        "--name",
        "已有",
        "--admin",
        "taken",
        "--password",
        "Onboard-2026!",
        stdout=StringIO(),
    )
    before = (Tenant.objects.count(), User.objects.count(), OrgUnit.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("create_tenant", *args, stdout=StringIO())
    assert (Tenant.objects.count(), User.objects.count(), OrgUnit.objects.count()) == before


def test_seed_demo_builds_the_documented_org():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    tenant = Tenant.objects.get(slug="demo")
    units = OrgUnit.objects.filter(tenant=tenant)
    branches = units.filter(kind="branch")
    assert units.filter(kind="company").count() == 1
    assert branches.count() == 3
    for branch in branches:
        teams = units.filter(parent=branch, kind="team")
        assert 3 <= teams.count() <= 4
        for team in teams:
            agents = Member.objects.filter(tenant=tenant, unit=team, role="agent")
            supervisors = Member.objects.filter(tenant=tenant, unit=team, role="supervisor")
            assert 8 <= agents.count() <= 12
            assert supervisors.count() == 1
            assert set(agents.values_list("supervisor", flat=True)) == {supervisors.get().pk}
    # Every person has a realistic Chinese name, and names are distinct
    names = list(Member.objects.filter(tenant=tenant).values_list("display_name", flat=True))
    assert all(CHINESE_NAME.match(name) for name in names), names
    assert len(names) == len(set(names))
    # One login of each documented role, all with the demo password
    expected = {
        "admin": "tenant_admin",
        "manager": "manager",
        "supervisor": "supervisor",
        "agent": "agent",
        "bank": "bank_staff",
        "renewal": "renewal_lead",
        "advisor": "renewal_advisor",
    }
    for username, role in expected.items():
        member = Member.objects.get(tenant=tenant, user__username=username)
        assert member.role == role
        assert member.user.check_password("salesops-demo")
        assert username in out.getvalue()
    # `supervisor` leads the team `agent` belongs to
    agent = Member.objects.get(user__username="agent")
    supervisor = Member.objects.get(user__username="supervisor")
    assert agent.supervisor == supervisor and agent.unit == supervisor.unit
    # New agents (hired under 3 months ago) are always in the bottom tier
    from django.utils import timezone

    recent = Member.objects.filter(
        tenant=tenant, role="agent", hired_on__gt=timezone.localdate() - timezone.timedelta(days=90)
    )
    assert recent.exists() and set(recent.values_list("tier", flat=True)) == {"bottom"}
    assert "salesops-demo" in out.getvalue()
    # A quarter of sales history and this quarter's plan, allocated down to the agents
    from targets.models import Allocation, Plan, SaleRecord
    from targets.quarters import previous_quarter, quarter_of, quarter_start

    today = timezone.localdate()
    year, quarter = quarter_of(today)
    sales = SaleRecord.objects.filter(tenant=tenant)
    assert sales.filter(sold_on__lt=quarter_start(year, quarter)).exists()
    assert not sales.filter(sold_on__lt=quarter_start(*previous_quarter(year, quarter))).exists()
    assert not sales.filter(sold_on__gt=today).exists()
    plan = Plan.objects.get(tenant=tenant, year=year, quarter=quarter, metric="premium")
    assert plan.allocated_at is not None
    assert plan.total > 0 and plan.total % 10000 == 0  # a round figure in 万元
    # Four weeks of work logs with visits, today left for the demo user to log
    from activities.models import DailyLog, Visit

    logs = DailyLog.objects.filter(tenant=tenant)
    assert logs.filter(member=agent, date__gte=today - timezone.timedelta(days=28)).count() >= 14
    assert not logs.filter(date__gte=today).exists()
    assert Visit.objects.filter(tenant=tenant, log__member=agent).exists()
    agent_total = Allocation.objects.get(plan=plan, member=agent, month=None)
    assert agent_total.amount > 0
    assert (
        sum(Allocation.objects.filter(plan=plan, member__isnull=False, month=None).values_list("amount", flat=True))
        == plan.total
    )


def test_seed_demo_twice_keeps_the_data():
    call_command("seed_demo", stdout=StringIO())
    snapshot = list(Member.objects.order_by("pk").values_list("pk", "display_name", "unit_id", "tier"))
    units = list(OrgUnit.objects.order_by("pk").values_list("pk", "name", "path"))
    out = StringIO()
    call_command("seed_demo", "--password", "another-pass-123", stdout=out)
    assert "already exists" in out.getvalue()
    assert list(Member.objects.order_by("pk").values_list("pk", "display_name", "unit_id", "tier")) == snapshot
    assert list(OrgUnit.objects.order_by("pk").values_list("pk", "name", "path")) == units
    assert Tenant.objects.filter(slug="demo").count() == 1
    # The second run did not change anyone's password
    assert User.objects.get(username="agent").check_password("salesops-demo")


def test_seed_demo_with_a_password():
    call_command("seed_demo", "--password", "Custom-Demo-9", stdout=StringIO())
    assert User.objects.get(username="manager").check_password("Custom-Demo-9")

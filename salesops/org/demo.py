"""The demo tenant ``demo``: a realistic org to try the product with.

Deterministic (a fixed random seed), so every fresh clone gets the same
people, and idempotent: if the tenant exists nothing is changed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from salesops.org import services
from salesops.org.models import Member, OrgUnit, Tenant, User

DEMO_SLUG = "demo"
DEMO_NAME = "安和人寿（演示）"
DEFAULT_PASSWORD = "salesops-demo"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_NAMES = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "文静",
    "志强",
    "海燕",
    "晓东",
    "丽华",
    "子涵",
    "雨欣",
    "浩然",
    "思远",
    "梓萱",
    "俊杰",
    "欣怡",
    "宇航",
    "佳怡",
    "晨曦",
    "嘉豪",
    "婷婷",
    "国庆",
    "红梅",
    "建国",
    "玉兰",
    "春燕",
    "立新",
    "振华",
    "晓燕",
    "志勇",
    "文博",
    "雪梅",
    "鹏飞",
    "慧敏",
    "家豪",
    "诗涵",
    "天宇",
    "亚楠",
]

# Branches and the number of teams in each (3–4 teams, as the issue asks).
# (name, short name for teams, login prefix, team count)
BRANCHES = [
    ("浦东支公司", "浦东", "pudong", 4),
    ("徐汇支公司", "徐汇", "xuhui", 3),
    ("静安支公司", "静安", "jingan", 3),
]
TEAM_ORDINALS = "一二三四"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    unit: str


def _names(rng: random.Random):
    """Yield distinct, realistic Chinese names."""
    seen: set[str] = set()
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        if name not in seen:
            seen.add(name)
            yield name


def demo_users(tenant: Tenant) -> list[DemoUser]:
    """Return the documented demo logins (one per role), as they are in the database."""
    usernames = ["admin", "manager", "supervisor", "agent", "bank", "renewal", "advisor"]
    members = {
        m.user.username: m
        for m in Member.objects.filter(tenant=tenant, user__username__in=usernames).select_related("user", "unit")
    }
    return [
        DemoUser(name, members[name].get_role_display(), members[name].display_name, members[name].unit.name)
        for name in usernames
        if name in members
    ]


@transaction.atomic
def seed_demo(*, password: str = DEFAULT_PASSWORD) -> tuple[Tenant, bool]:
    """Create the demo tenant unless it exists; return (tenant, created)."""
    existing = Tenant.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing, False

    rng = random.Random(2026)
    names = _names(rng)
    today = timezone.localdate()
    tenant, admin = services.tenant_create(
        slug=DEMO_SLUG,
        name=DEMO_NAME,
        admin_username="admin",
        admin_password=password,
    )
    company = admin.unit
    admin.display_name = next(names)
    admin.save(update_fields=["display_name"])
    employee_numbers = (f"E{n:05d}" for n in range(1, 100000))

    def add(username, role, unit, *, supervisor=None, tier=Member.Tier.MIDDLE, hired_on=None):
        return services.member_create(
            tenant=tenant,
            actor=None,
            username=username,
            display_name=next(names),
            role=role,
            unit_id=unit.pk,
            employee_no=next(employee_numbers),
            tier=tier,
            supervisor_id=supervisor.pk if supervisor else None,
            hired_on=hired_on or today - timedelta(days=rng.randint(400, 3000)),
        )

    manager = add("manager", Member.Role.MANAGER, company)
    for branch_index, (branch_name, short, login_prefix, team_count) in enumerate(BRANCHES):
        branch = services.unit_create(
            tenant=tenant, actor=None, name=branch_name, kind=OrgUnit.Kind.BRANCH, parent_id=company.pk
        )
        branch_manager = add(f"{login_prefix}_manager", Member.Role.MANAGER, branch, supervisor=manager)
        for team_index in range(team_count):
            team = services.unit_create(
                tenant=tenant,
                actor=None,
                name=f"{short}{TEAM_ORDINALS[team_index]}组",
                kind=OrgUnit.Kind.TEAM,
                parent_id=branch.pk,
            )
            first_team = branch_index == 0 and team_index == 0
            supervisor_username = "supervisor" if first_team else f"{login_prefix}_sup{team_index + 1}"
            supervisor = add(supervisor_username, Member.Role.SUPERVISOR, team, supervisor=branch_manager)
            _add_team_agents(add, rng, team, supervisor, today, first_team=first_team)

    bank_unit = services.unit_create(
        tenant=tenant, actor=None, name="银保渠道部", kind=OrgUnit.Kind.TEAM, parent_id=company.pk
    )
    add("bank", Member.Role.BANK_STAFF, bank_unit, supervisor=manager)
    add("bank2", Member.Role.BANK_STAFF, bank_unit, supervisor=manager)
    renewal_unit = services.unit_create(
        tenant=tenant, actor=None, name="续保服务部", kind=OrgUnit.Kind.TEAM, parent_id=company.pk
    )
    renewal_lead = add("renewal", Member.Role.RENEWAL_LEAD, renewal_unit, supervisor=manager)
    for username in ("advisor", "advisor2", "advisor3"):
        add(username, Member.Role.RENEWAL_ADVISOR, renewal_unit, supervisor=renewal_lead)

    # Everyone gets the demo password; hashing it once keeps seeding fast
    # (a password hash costs a deliberate few hundred milliseconds).
    User.objects.filter(tenant=tenant).update(password=make_password(password))

    # The org app is the base; the demo's facts live in the apps above it.
    from activities.demo import seed_activities_demo
    from activities.demo_customers import seed_customers_demo
    from bancassurance.demo import seed_bancassurance_demo
    from dashboards.demo import seed_dashboards_demo
    from renewals.demo import seed_renewals_demo
    from targets.demo import seed_targets_demo
    from targets.demo_incentives import seed_incentives_demo

    seed_targets_demo(tenant=tenant, rng=rng, today=today)
    seed_activities_demo(tenant=tenant, rng=rng, today=today)
    # The book after the logs (its visits link to entries), before the rollups are rebuilt.
    seed_customers_demo(tenant=tenant, rng=rng, today=today)
    # Its own random stream: the other apps' demo data stays as it was.
    seed_bancassurance_demo(tenant=tenant, rng=random.Random(4), today=today)
    seed_dashboards_demo(tenant=tenant, today=today)
    seed_renewals_demo(tenant=tenant, rng=rng, today=today)
    # After every fact and rollup it judges; its own random stream.
    seed_incentives_demo(tenant=tenant, today=today)
    return tenant, True


def _add_team_agents(add, rng, team, supervisor, today, *, first_team: bool) -> None:
    count = rng.randint(8, 12)
    hires = []
    for _ in range(count):
        # About one in six is a new agent (hired under 3 months ago).
        new_agent = rng.random() < 0.17
        hired_on = today - timedelta(days=rng.randint(7, 80) if new_agent else rng.randint(120, 2800))
        hires.append(hired_on)
    # Tiers follow seniority here as a stand-in for last quarter's production,
    # which the demo does not have yet: top 20%, middle 60%, bottom 20%, and
    # new agents always bottom.
    order = sorted(range(count), key=lambda i: hires[i])
    top_cut, bottom_cut = round(count * 0.2), count - round(count * 0.2)
    for rank, index in enumerate(order):
        hired_on = hires[index]
        if (today - hired_on).days < 90 or rank >= bottom_cut:
            tier = Member.Tier.BOTTOM
        elif rank < top_cut:
            tier = Member.Tier.TOP
        else:
            tier = Member.Tier.MIDDLE
        username = "agent" if first_team and rank == 1 else f"a{team.pk}_{index + 1:02d}"
        add(
            username,
            Member.Role.AGENT,
            team,
            supervisor=supervisor,
            tier=tier,
            hired_on=hired_on,
        )

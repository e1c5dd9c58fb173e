"""The demo tenant's bank channel: two banks, branches with profiles and rosters, a month of work.

Called by ``seed_demo`` after the targets demo (which creates 工商银行 with
seven branches and single-premium sales at them) and before the dashboards
demo (so the rollups count the sales added here). It adds:

- 建设银行 with six branches and no sales yet: the channel's activity rate
  is then what it is in life, well short of 100 %;
- regular-premium annuity sales at some 工商银行 branches, so the regular :
  single mix has both sides;
- stages with their history, profiles, rosters (with one wealth manager who
  left and was replaced), four weeks of contacts (one branch falling short
  this week), events at every tier, and weekly plans (last week reviewed).

Rows are written in bulk, keeping the rules the services enforce.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from bancassurance import services as bank_services
from bancassurance.models import (
    BankBranch,
    BranchContact,
    BranchEvent,
    BranchStaff,
    BranchStageChange,
    ContactKind,
    CustomerTier,
    EventKind,
    StaffRole,
    Stage,
    WeeklyPlan,
)
from bancassurance.selectors.compliance import week_of
from salesops.org.models import Channel, Member, Product, Tenant
from targets.models import SaleRecord
from targets.quarters import previous_quarter, quarter_of, quarter_start

CCB_BRANCHES = ["世纪大道支行", "五角场支行", "虹桥支行", "七宝支行", "莘庄支行", "松江支行"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["丽", "强", "婷", "磊", "洁", "斌", "晨", "颖", "浩", "倩", "鹏", "雪"]
# A branch's life so far, oldest first (the last is its stage now).
STAGE_PATHS = [
    [Stage.START_UP, Stage.GROWTH, Stage.MATURE],
    [Stage.START_UP, Stage.GROWTH],
    [Stage.START_UP, Stage.GROWTH, Stage.MATURE, Stage.ADJUSTMENT],
    [Stage.START_UP],
    [Stage.START_UP, Stage.GROWTH, Stage.SLUMP],
]
PROFILE = {
    "location": "{name}位于商圈主干道，临近地铁站，周边为成熟住宅区与写字楼。",
    "customer_base": "存量客户约 1.2 万户，其中资产 100 万以上约 900 户；中老年客户占比较高，理财偏稳健。",
    "floor_layout": "大堂设理财区两间、贵宾室一间，柜台 5 个；沙龙可用贵宾室（容纳 15 人）。",
    "staff_structure": "网点负责人 1 名、理财经理 2 名、柜员 2 名，零售主管兼管保险销售。",
    "bank_kpis": "中收指标按季考核，保险中收占比目标 15%；期交件数计入理财经理考核。",
    "competitors": "同业两家在本网点驻点，主打增额终身寿与年金险。",
    "competitor_products": "增额终身寿（趸交为主）、养老年金（5 年交）。",
}


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def seed_bancassurance_demo(*, tenant: Tenant, rng: random.Random, today: date) -> None:
    staff = {
        m.user.username: m
        for m in Member.objects.filter(tenant=tenant, role=Member.Role.BANK_STAFF).select_related("user")
    }
    bank_staff, second = staff["bank"], staff["bank2"]
    ccb = bank_services.bank_create(tenant=tenant, actor=None, code="CCB", name="建设银行")
    for index, name in enumerate(CCB_BRANCHES):
        bank_services.bank_branch_create(
            tenant=tenant, actor=None, bank_id=ccb.pk, code=f"CCB-3101{index:02d}", name=name
        )
    branches = list(BankBranch.objects.filter(tenant=tenant).select_related("bank").order_by("id"))
    # 工商银行 is the demo login's; 建设银行 the second staff member's.
    for branch in branches:
        branch.assigned_to = bank_staff if branch.bank.code == "ICBC" else second
        branch.profile = {key: text.format(name=branch.name) for key, text in PROFILE.items()}
    _stages(tenant, branches, today)
    BankBranch.objects.bulk_update(branches, ["assigned_to", "profile", "stage"])
    people = _rosters(tenant, rng, branches, today)
    _regular_sales(tenant, rng, [b for b in branches if b.bank.code == "ICBC"][:4], today)
    _contacts(tenant, rng, branches, people, today, {bank_staff.pk, second.pk})
    _events(tenant, rng, branches, today)
    _plans(tenant, [bank_staff, second], today)


def _stages(tenant: Tenant, branches: list[BankBranch], today: date) -> None:
    BranchStageChange.objects.filter(tenant=tenant, branch__in=branches).delete()  # the day-one entries
    changes = []
    for index, branch in enumerate(branches):
        path = STAGE_PATHS[index % len(STAGE_PATHS)]
        for step, stage in enumerate(path):
            changes.append(
                BranchStageChange(
                    tenant=tenant,
                    branch=branch,
                    stage=stage,
                    changed_on=today - timedelta(days=120 * (len(path) - 1 - step) + 10),
                    note="" if step == 0 else "季度复盘后调整",
                )
            )
        branch.stage = path[-1]
    BranchStageChange.objects.bulk_create(changes)


def _rosters(tenant: Tenant, rng: random.Random, branches: list[BankBranch], today: date) -> list[BranchStaff]:
    people = []
    for index, branch in enumerate(branches):
        for role, count in ((StaffRole.HEAD, 1), (StaffRole.WEALTH_MANAGER, 2), (StaffRole.TELLER, 2)):
            for _n in range(count):
                people.append(
                    BranchStaff(
                        tenant=tenant,
                        branch=branch,
                        name=_person(rng),
                        role=role,
                        phone=f"1{rng.randint(3, 9)}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                        joined_on=today - timedelta(days=rng.randint(200, 900)),
                    )
                )
        if index == 0:  # people move often: one wealth manager left last month, a new one came
            people[-4].left_on = today - timedelta(days=35)
            people.append(
                BranchStaff(
                    tenant=tenant,
                    branch=branch,
                    name=_person(rng),
                    role=StaffRole.WEALTH_MANAGER,
                    joined_on=today - timedelta(days=34),
                    notes="接替调岗的理财经理",
                )
            )
    return BranchStaff.objects.bulk_create(people)


def _regular_sales(tenant: Tenant, rng: random.Random, branches: list[BankBranch], today: date) -> None:
    channel = Channel.objects.get(tenant=tenant, code="bancassurance")
    product = Product.objects.get(tenant=tenant, code="annuity")
    year, quarter = quarter_of(today)
    history_start = quarter_start(*previous_quarter(year, quarter))
    sellers = list(
        Member.objects.filter(tenant=tenant, role=Member.Role.AGENT, active=True)
        .order_by("id")
        .values_list("pk", flat=True)[:20]
    )
    records = [
        SaleRecord(
            tenant=tenant,
            policy_no=f"DEMO-BR{number:04d}",
            member_id=rng.choice(sellers),
            channel=channel,
            product=product,
            premium=Decimal(rng.randint(30, 120) * 100),
            policies=1,
            # Within the demo's sales history, which starts with last quarter.
            sold_on=today - timedelta(days=rng.randint(0, (today - history_start).days)),
            customer_kind=rng.choice(["new", "existing"]),
            payment_mode=SaleRecord.PaymentMode.REGULAR,
            bank_branch=rng.choice(branches),
        )
        for number in range(1, 26)
    ]
    SaleRecord.objects.bulk_create(records)


def _contacts(tenant, rng, branches, people, today: date, staff_ids: set[int]) -> None:
    by_branch: dict[int, list[BranchStaff]] = {}
    for person in people:
        by_branch.setdefault(person.branch_id, []).append(person)
    contacts = []
    this_week = week_of(today)
    for index, branch in enumerate(branches):
        # The last 建设银行 branch is the one falling short this week.
        slack = index == len(branches) - 1
        for person in by_branch[branch.pk]:
            for offset in range(27, -1, -1):
                day = today - timedelta(days=offset)
                if day < person.joined_on or (person.left_on and day > person.left_on) or day.weekday() >= 5:
                    continue
                if slack and day >= this_week:
                    continue
                if person.role == StaffRole.WEALTH_MANAGER:
                    due = rng.random() < 0.95
                else:
                    due = day.weekday() in (1, 3) and rng.random() < 0.8
                if due:
                    contacts.append(
                        BranchContact(
                            tenant=tenant,
                            branch=branch,
                            staff=person,
                            contacted_on=day,
                            kind=rng.choice(ContactKind.values),
                            openings=rng.randint(0, 12) if person.role != StaffRole.HEAD else 0,
                            contacted_by_id=branch.assigned_to_id,
                        )
                    )
    BranchContact.objects.bulk_create(contacts, batch_size=2000)


def _events(tenant, rng, branches, today: date) -> None:
    tiers = [CustomerTier.MASS, CustomerTier.MASS, CustomerTier.AFFLUENT, CustomerTier.HIGH_NET_WORTH]
    events = []
    for branch in branches:
        for _n in range(rng.randint(1, 4)):
            attendees = rng.randint(6, 30)
            leads = rng.randint(1, attendees // 2)
            events.append(
                BranchEvent(
                    tenant=tenant,
                    branch=branch,
                    kind=rng.choice(EventKind.values),
                    held_on=today - timedelta(days=rng.randint(0, 55)),
                    customer_tier=rng.choice(tiers),
                    attendees=attendees,
                    leads=leads,
                    policies=rng.randint(0, leads),
                    organised_by_id=branch.assigned_to_id,
                )
            )
    BranchEvent.objects.bulk_create(events)


def _plans(tenant: Tenant, members: list[Member], today: date) -> None:
    this_week = week_of(today)
    plans = []
    for member in members:
        plans.append(
            WeeklyPlan(
                tenant=tenant, member=member, week_start=this_week - timedelta(weeks=1),
                contacts_planned=80, events_planned=3, policies_planned=6,
                plan_notes="每个网点理财经理每日一访；周四微沙龙。",
                check_notes="微沙龙邀约不足，柜员转介绍偏少。", act_notes="本周加强柜员话术通关，提前三天邀约。",
            )
        )  # fmt: skip
        plans.append(
            WeeklyPlan(
                tenant=tenant, member=member, week_start=this_week,
                contacts_planned=80, events_planned=2, policies_planned=6,
                plan_notes="五角场支行补齐理财经理沟通；周三客户答谢会。",
            )
        )  # fmt: skip
    WeeklyPlan.objects.bulk_create(plans)

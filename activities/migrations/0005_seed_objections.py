"""Give every existing tenant the default objection library (new tenants get it from tenant_create)."""

from django.db import migrations

# A copy of activities.objection_library.DEFAULT_OBJECTIONS as it was when this
# migration was written: a migration must not change when the library does.
OBJECTIONS = [
    {
        "title": "没钱，保费太贵了",
        "keywords": "没钱 太贵 贵 保费高 预算 负担 买不起",
        "answer_case": "我有位客户和您情况很像，一开始也觉得保费是负担。我们一起把家里的收支过了一遍，先用一份消费型的医疗险和意外险把大风险保住，每年不到一千元；后来收入上来了再补重疾和养老。保障是可以分步做的，关键是先把最怕的风险挡住。",
        "answer_data": "比较稳妥的做法是保费支出不超过家庭年收入的10%–15%。比如家庭年收入20万，一年保费放在2万到3万之间就不会影响生活；我们可以按这个比例倒推，先做预算内最要紧的保障。",
        "answer_clause": "合同可以选择年交，把保费分摊到每年；多数长期险有保费豁免条款，投保人发生合同约定的情形后，后续保费不用再交，保障继续有效（以具体产品条款为准）。",
    },
    {
        "title": "我不需要保险",
        "keywords": "不需要 用不上 身体好 年轻 没必要 不用",
        "answer_case": "我服务过一位三十出头的客户，平时身体很好，也说用不上。后来体检查出结节，再想投保就只能除外或加费了。保险要在不需要的时候买，等到需要的时候，往往已经买不了了。",
        "answer_data": "风险什么时候来谁都说不准，但一旦来了，费用是实打实的。您可以算一下：如果家里的主要收入停掉一年，房贷、孩子教育和日常开销一共要多少？【填写本地重疾平均治疗费用或公司理赔年报数据】",
        "answer_clause": "健康告知是投保的前提：身体好的时候投保，标准体承保、费率最低；一旦有了既往症，条款会约定除外责任或需要加费。",
    },
    {
        "title": "我再考虑考虑",
        "keywords": "考虑 想想 再说 以后 下次 不急 等等",
        "answer_case": "完全理解，这是件大事。之前也有位客户说再考虑，结果一拖就是半年，中间正好过了生日，保费涨了一档。您看是哪一点还拿不准？是保障内容、保费，还是公司？我们把这一点说清楚，您再决定。",
        "answer_data": "同样的保障，年龄越大保费越高，而且每过一年，健康状况变化的可能也在增加。【填写本产品相差一岁的保费差额】",
        "answer_clause": "投保后还有犹豫期（一年期以上的人身险一般为15天），犹豫期内退保，保费全额退还，只扣少量工本费（以合同约定为准）。您可以先把保障定下来，拿到合同再仔细看。",
    },
    {
        "title": "我要和家人商量一下",
        "keywords": "商量 家人 老婆 老公 爱人 父母 孩子 家里",
        "answer_case": "应该的，买保险本来就是为了家人。很多客户是夫妻一起来听的，两个人一起问问题，反而决定得更快、更踏实。要不我们约个时间，我当面给您和家人讲一遍？",
        "answer_data": "我把今天的方案整理成一页纸：每年交多少、保什么、什么情况下赔多少，您拿回去和家人对照家庭收入和已有保障看，一目了然。",
        "answer_clause": "受益人可以指定为您的家人，也可以约定受益顺序和份额；这些在合同里写清楚，家人最关心的“钱给谁、怎么给”都有保障。",
    },
    {
        "title": "保险都是骗人的（保险是传销）",
        "keywords": "骗人 骗子 传销 忽悠 不靠谱 不信",
        "answer_case": "您有这个顾虑很正常，可能以前听过一些不好的说法。我给您看一位客户去年的理赔经过：【填写本公司真实理赔案例（已脱敏）】，从报案到赔款到账用了【天数】天。",
        "answer_data": "保险公司由国家金融监督管理部门监管，产品条款和费率都要报备；【填写本公司上一年度理赔件数、赔付金额和获赔率，以公司公布的理赔年报为准】。",
        "answer_clause": "赔不赔、赔多少，全写在合同条款里，不看业务员怎么说，看白纸黑字。《保险法》规定，保险人对合同中免除其责任的条款，应当在投保时作出提示和明确说明，否则该条款不产生效力。",
    },
    {
        "title": "理赔难",
        "keywords": "理赔 难赔 不赔 拒赔 麻烦 手续",
        "answer_case": "理赔难多半是因为投保时健康告知没做好，或者出险后不知道该准备什么。我有位客户住院后当天给我打电话，我帮他列好材料清单，出院后线上提交，【天数】天就到账了。",
        "answer_data": "【填写本公司理赔时效、小额理赔线上办理比例和获赔率，以公司理赔年报为准】。如实告知的保单，绝大多数理赔都是顺利的。",
        "answer_clause": "《保险法》规定，保险人收到赔偿请求后应及时核定，情形复杂的应在三十日内作出核定，达成协议后十日内履行赔付；合同成立满两年后，保险人不得以未如实告知为由解除合同（不可抗辩条款）。",
    },
    {
        "title": "我已经有社保了",
        "keywords": "社保 医保 单位 公司有 五险 新农合",
        "answer_case": "社保是基础，一定要有。我有位客户住院花了二十多万，医保报了一部分，进口药和自费项目都得自己掏，还有住院那几个月没了收入。商业保险补的就是这一块。",
        "answer_data": "医保有起付线、报销比例和封顶线，目录外的药品和项目不报销；它也不补偿生病期间的收入损失。【填写本地医保起付线、报销比例和封顶线】",
        "answer_clause": "医疗险的条款写明可报销社保目录外的合理医疗费用（以产品条款为准）；重疾险确诊即按约定给付保额，与社保报了多少无关，钱怎么用由您决定。",
    },
    {
        "title": "我已经买过保险了",
        "keywords": "买过 有保险 已经有 别家 朋友那买 亲戚",
        "answer_case": "那很好，说明您有保障意识。不少客户拿保单来让我看，才发现买的多是理财型，真正的重疾保额只有十来万，远不够用。要不我免费帮您做一次保单体检？",
        "answer_data": "重疾保额一般建议覆盖3–5年的家庭收入，寿险保额覆盖房贷和子女教育等家庭负债。我们对照您现有的保单算一下缺口。",
        "answer_clause": "已有保单的保障责任、等待期、免责条款都写在合同里；我们逐条对照，缺什么补什么，不重复买。",
    },
    {
        "title": "收益太低，不如存银行或买理财",
        "keywords": "收益 利率 利息 存银行 理财 基金 股票 划算 不划算",
        "answer_case": "有位客户把一笔钱放在理财里，两年里收益起起落落；另一笔做了年金，每年按合同领取，孩子上大学那年正好用上。两者是不同的工具，一个追求收益，一个锁定确定性。",
        "answer_data": "利率下行的时候，合同写定的现金价值和领取金额不随市场利率变化。【填写本产品演示的现金价值和领取金额，注明保证部分与非保证部分】",
        "answer_clause": "年金险和增额寿险的保证利益写在合同的现金价值表里，白纸黑字；合同还可以指定受益人，资金按您的意愿传承。",
    },
    {
        "title": "保险公司倒闭了怎么办",
        "keywords": "倒闭 破产 公司不在 安全 跑路",
        "answer_case": "这个担心很多人都有。国内曾有保险公司被依法接管，接管期间保单照常有效、理赔照常进行，客户的保障没有受影响。",
        "answer_data": "保险公司要按监管要求计提准备金、缴纳保险保障基金，偿付能力定期对外披露。【填写本公司最近一期偿付能力充足率和风险综合评级】",
        "answer_clause": "《保险法》规定，经营人寿保险业务的保险公司除因分立、合并或被依法撤销外不得解散；被撤销或破产的，其持有的人寿保险合同及责任准备金必须转让给其他经营人寿保险业务的保险公司。",
    },
]


def seed_objections(apps, schema_editor):
    Tenant = apps.get_model("org", "Tenant")
    Objection = apps.get_model("activities", "Objection")
    for tenant_id in Tenant.objects.values_list("id", flat=True):
        have = set(Objection.objects.filter(tenant_id=tenant_id).values_list("title", flat=True))
        Objection.objects.bulk_create(
            [Objection(tenant_id=tenant_id, **entry) for entry in OBJECTIONS if entry["title"] not in have],
            # A tenant that already has an entry of that title keeps its own.
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0004_customers"),
    ]

    operations = [
        # Reversing leaves the rows: they are the tenants' data by then, and 0004's reversal drops the table.
        migrations.RunPython(seed_objections, migrations.RunPython.noop),
    ]

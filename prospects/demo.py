"""Demo territories, prospects, visits, hospitality and promises (called by seed_demo).

Idempotent: records are looked up by name, so running it twice changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from prospects.models import (
    CompetingOffer,
    HospitalityEntry,
    HospitalityKind,
    Industry,
    Outcome,
    PaidBy,
    Promise,
    Prospect,
    ProspectKind,
    Source,
    Stage,
    Territory,
    TerritoryKind,
    Visit,
    VisitKind,
)

TERRITORIES = [
    ("城南小商品批发市场", TerritoryKind.MARKET, 320, ["lina", "zhaomin"]),
    ("万达广场商业街", TerritoryKind.MALL, 150, ["wangqiang"]),
    ("解放路五金一条街", TerritoryKind.STREET, 80, ["lina"]),
    ("高新区科技工业园", TerritoryKind.INDUSTRIAL_PARK, 60, ["liuyang"]),
    ("温州商会", TerritoryKind.ASSOCIATION, 120, ["liuyang"]),
]

# name, kind, industry, territory, owner, source, stage, contact, role, phone, days to next action
PROSPECTS = [
    (
        "鑫源服装商行",
        "sole_trader",
        "服装纺织",
        "城南小商品批发市场",
        "lina",
        "shop_cluster",
        "client",
        "王建国",
        "老板",
        "13812345678",
        3,
    ),
    (
        "宏达五金经营部",
        "sole_trader",
        "建材五金",
        "解放路五金一条街",
        "lina",
        "shop_cluster",
        "negotiating",
        "李红",
        "店长",
        "13905711234",
        -2,
    ),
    (
        "华联批发贸易有限公司",
        "enterprise",
        "批发贸易",
        "城南小商品批发市场",
        "lina",
        "industry_research",
        "client",
        "陈志强",
        "总经理",
        "0571-87654321",
        10,
    ),
    (
        "老周家常菜馆",
        "sole_trader",
        "餐饮",
        "万达广场商业街",
        "wangqiang",
        "industry_research",
        "contacted",
        "周大勇",
        "老板",
        "13758889900",
        0,
    ),
    (
        "金悦大酒店",
        "enterprise",
        "酒店住宿",
        None,
        "wangqiang",
        "industry_research",
        "lead",
        "孙丽",
        "财务经理",
        "0571-86001234",
        5,
    ),
    (
        "恒信投资有限公司",
        "enterprise",
        "投资公司",
        None,
        "liuyang",
        "industry_research",
        "negotiating",
        "赵刚",
        "副总",
        "13600001111",
        -5,
    ),
    (
        "绿城置业咨询",
        "enterprise",
        "房地产",
        "高新区科技工业园",
        "liuyang",
        "competitor",
        "lead",
        "钱伟",
        "董事长助理",
        "13511112222",
        7,
    ),
    (
        "美佳日用品批发部",
        "sole_trader",
        "批发贸易",
        "城南小商品批发市场",
        "lina",
        "referral",
        "client",
        "张美佳",
        "老板",
        "13967778888",
        14,
    ),
    (
        "顺发鞋业",
        "sole_trader",
        "服装纺织",
        "城南小商品批发市场",
        "lina",
        "referral",
        "negotiating",
        "刘顺",
        "老板",
        "13867770001",
        1,
    ),
    (
        "佳佳童装",
        "sole_trader",
        "服装纺织",
        "城南小商品批发市场",
        "zhaomin",
        "relatives_friends",
        "contacted",
        "赵佳",
        "老板",
        "13757770002",
        2,
    ),
    (
        "阿强水果店",
        "individual",
        "农副产品",
        None,
        "zhaomin",
        "relatives_friends",
        "lead",
        "赵强",
        "店主",
        "13957770003",
        -1,
    ),
    (
        "大华电器城",
        "enterprise",
        "电子电器",
        "万达广场商业街",
        "wangqiang",
        "competitor",
        "negotiating",
        "黄大华",
        "总经理",
        "0571-88112233",
        4,
    ),
    (
        "博雅文具店",
        "sole_trader",
        "零售",
        "万达广场商业街",
        "wangqiang",
        "shop_cluster",
        "lost",
        "吴博",
        "店主",
        "13655550004",
        None,
    ),
    (
        "众诚物流有限公司",
        "enterprise",
        "物流运输",
        "高新区科技工业园",
        "liuyang",
        "association",
        "contacted",
        "郑诚",
        "总经理",
        "13588880005",
        6,
    ),
    (
        "瓯海鞋材商行",
        "sole_trader",
        "制造业",
        "温州商会",
        "liuyang",
        "association",
        "client",
        "林海",
        "老板",
        "13777770006",
        20,
    ),
    (
        "永康五金工具",
        "sole_trader",
        "建材五金",
        "解放路五金一条街",
        "lina",
        "assigned_account",
        "client",
        "胡永康",
        "老板",
        "13811110007",
        30,
    ),
    (
        "兴旺粮油批发",
        "sole_trader",
        "批发贸易",
        "城南小商品批发市场",
        "lina",
        "assigned_account",
        "contacted",
        "冯兴旺",
        "老板",
        "13822220008",
        -3,
    ),
    (
        "新世纪家纺",
        "sole_trader",
        "服装纺织",
        "万达广场商业街",
        "wangqiang",
        "referral",
        "lead",
        "蒋世纪",
        "店长",
        "13833330009",
        8,
    ),
    (
        "东方精密机械",
        "enterprise",
        "制造业",
        "高新区科技工业园",
        "liuyang",
        "industry_research",
        "declined",
        "沈东方",
        "厂长",
        "0571-85550010",
        None,
    ),
    (
        "小李烧烤",
        "individual",
        "餐饮",
        "解放路五金一条街",
        "zhaomin",
        "relatives_friends",
        "declined",
        "李小龙",
        "店主",
        "13844440011",
        None,
    ),
    (
        "金华火腿专卖",
        "sole_trader",
        "农副产品",
        "城南小商品批发市场",
        "lina",
        "shop_cluster",
        "lead",
        "韩金华",
        "老板",
        "13855550012",
        2,
    ),
    (
        "瑞丰建材有限公司",
        "enterprise",
        "建材五金",
        "解放路五金一条街",
        "wangqiang",
        "competitor",
        "contacted",
        "杨瑞丰",
        "采购经理",
        "13866660013",
        -4,
    ),
    (
        "天天鲜超市",
        "enterprise",
        "零售",
        "万达广场商业街",
        "wangqiang",
        "assigned_account",
        "client",
        "朱天",
        "店长",
        "13877770014",
        12,
    ),
    (
        "浙南塑料制品厂",
        "enterprise",
        "制造业",
        "温州商会",
        "liuyang",
        "association",
        "negotiating",
        "秦南",
        "财务总监",
        "0577-88990015",
        0,
    ),
    (
        "同乡茶叶行",
        "sole_trader",
        "批发贸易",
        "温州商会",
        "liuyang",
        "referral",
        "lead",
        "许同",
        "老板",
        "13899990016",
        9,
    ),
    (
        "丽人美容院",
        "sole_trader",
        "零售",
        "万达广场商业街",
        "zhaomin",
        "relatives_friends",
        "lead",
        "赵丽",
        "店主",
        "13700000017",
        5,
    ),
    (
        "宏图投资管理",
        "enterprise",
        "投资公司",
        None,
        "wangqiang",
        "industry_research",
        "lead",
        "何宏图",
        "合伙人",
        "13711110018",
        15,
    ),
    (
        "四季花卉批发",
        "sole_trader",
        "批发贸易",
        "城南小商品批发市场",
        "lina",
        "referral",
        "contacted",
        "吕四季",
        "老板",
        "13722220019",
        3,
    ),
]

# referred prospect → the client who referred it
REFERRALS = {
    "美佳日用品批发部": "鑫源服装商行",
    "顺发鞋业": "鑫源服装商行",
    "四季花卉批发": "美佳日用品批发部",
    "新世纪家纺": "天天鲜超市",
    "同乡茶叶行": "瓯海鞋材商行",
}
COMPETITORS = {"绿城置业咨询": "工商银行", "大华电器城": "农业银行", "瑞丰建材有限公司": "建设银行"}
ASSOCIATIONS = {
    "众诚物流有限公司": "市物流行业协会",
    "瓯海鞋材商行": "温州商会",
    "浙南塑料制品厂": "温州商会",
}


def seed(people: SimpleNamespace) -> None:
    today = timezone.localdate()
    territories = {}
    for name, kind, merchants, managers in TERRITORIES:
        territory, _ = Territory.objects.get_or_create(
            branch=people.branch, name=name, defaults={"kind": kind, "merchant_count": merchants}
        )
        territory.managers.add(*(getattr(people, username) for username in managers))
        territories[name] = territory
    industries = {industry.name: industry for industry in Industry.objects.all()}

    prospects: dict[str, Prospect] = {}
    for index, row in enumerate(PROSPECTS):
        (name, kind, industry, territory, owner, source, stage, contact, role, phone, days) = row
        prospect, created = Prospect.objects.get_or_create(
            branch=people.branch,
            name=name,
            defaults={
                "kind": ProspectKind(kind),
                "industry": industries.get(industry),
                "territory": territories.get(territory),
                "owner": getattr(people, owner),
                "source": Source(source),
                "stage": Stage(stage),
                "contact_name": contact,
                "contact_role": role,
                "phone": phone,
                "address": f"{territory or '城南区'}{index + 1}号",
                "competitor_bank": COMPETITORS.get(name, ""),
                "association": ASSOCIATIONS.get(name, ""),
                "is_assigned_account": source == Source.ASSIGNED_ACCOUNT,
                "closed_reason": "已在他行获得授信" if stage in ("lost", "declined") else "",
                "estimated_credit_need": Decimal(50000 * (index % 6 + 1)),
                "monthly_sales": Decimal(80000 * (index % 5 + 1)),
                "next_action": "电话回访，约下次见面" if days is not None else "",
                "next_action_date": today + timedelta(days=days) if days is not None else None,
                "character_notes": "为人实在，口碑好" if stage == "client" else "",
                "assets_notes": "自有商铺一间" if stage == "client" else "",
                "products_notes": "主营批发，回款快" if stage == "client" else "",
            },
        )
        if created and stage == "client":
            # Spread the clients over the past year for the penetration chart.
            prospect.became_client_on = today - timedelta(days=25 * (index % 12))
            prospect.save(update_fields=["became_client_on"])
            prospect.stage_changes.update(changed_on=prospect.became_client_on)
        prospects[name] = prospect
    for name, referrer in REFERRALS.items():
        prospect = prospects[name]
        if prospect.referred_by_id is None:
            prospect.referred_by = prospects[referrer]
            prospect.save(update_fields=["referred_by"])

    gold = prospects["金悦大酒店"]
    if not gold.visits.exists():
        Visit.objects.create(
            prospect=gold,
            visited_on=today - timedelta(days=3),
            kind=VisitKind.ON_SITE,
            appointment=False,
            outcome=Outcome.TURNED_AWAY,
            learned="门卫说财务经理每周三在店；酒店去年扩建了宴会厅。",
            intermediary="鑫源服装商行王建国（与孙经理是同乡）",
            next_step="请王建国引荐后再访",
            next_step_date=today + timedelta(days=4),
            recorded_by=people.wangqiang,
        )
    xinyuan = prospects["鑫源服装商行"]
    if not xinyuan.visits.exists():
        Visit.objects.create(
            prospect=xinyuan,
            visited_on=today - timedelta(days=10),
            kind=VisitKind.ON_SITE,
            appointment=True,
            outcome=Outcome.MET_DECISION_MAKER,
            met_whom="王建国（老板）",
            learned="春季备货需流动资金约30万元。",
            recorded_by=people.lina,
        )
        Visit.objects.create(
            prospect=xinyuan,
            visited_on=today + timedelta(days=1),
            at_time="10:00",
            kind=VisitKind.ON_SITE,
            appointment=True,
            recorded_by=people.lina,
        )
    laozhou = prospects["老周家常菜馆"]
    if not laozhou.hospitality.exists():
        HospitalityEntry.objects.create(
            prospect=laozhou,
            occurred_on=today - timedelta(days=2),
            kind=HospitalityKind.MEAL,
            paid_by=PaidBy.CLIENT,
            value=Decimal("380"),
            note="拜访后老板坚持请吃午饭，未能推辞。",
            recorded_by=people.wangqiang,
        )
        HospitalityEntry.objects.create(
            prospect=laozhou,
            occurred_on=today - timedelta(days=20),
            kind=HospitalityKind.MEAL,
            paid_by=PaidBy.US,
            value=Decimal("260"),
            recorded_by=people.wangqiang,
        )
    huadian = prospects["华联批发贸易有限公司"]
    if not huadian.promises.exists():
        Promise.objects.create(
            prospect=huadian,
            description="一周内答复能否提高流动资金贷款额度",
            made_on=today - timedelta(days=12),
            due_on=today - timedelta(days=5),
            consulted=people.zhangwei,
            recorded_by=people.lina,
        )
        Promise.objects.create(
            prospect=huadian,
            description="下周送来新版结算产品说明",
            made_on=today - timedelta(days=1),
            due_on=today + timedelta(days=6),
            recorded_by=people.lina,
        )
    # A client outgrowing prudent credit while another bank courts it (handbook §1).
    if huadian.credit_requested is None:
        huadian.credit_requested = Decimal("3000000")
        huadian.credit_reasonable = Decimal("2000000")
        huadian.save(update_fields=["credit_requested", "credit_reasonable"])
        CompetingOffer.objects.create(
            prospect=huadian,
            bank="某股份制银行",
            offer="授信300万元，利率下浮10%",
            learned_on=today - timedelta(days=6),
            recorded_by=people.lina,
        )

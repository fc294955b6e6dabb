"""Demo territories, prospects, visits, hospitality and promises (called by seed_demo).

Idempotent: records are looked up by name, so running it twice changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from prospects import importing
from prospects.models import (
    HospitalityEntry,
    HospitalityKind,
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

# The demo merchants, read by the import's own reader and checks (as a manager's upload
# would be); the columns the import does not know (territory, owner, source, stage, days
# to the next action) are the demo's own.
MERCHANTS_CSV = Path(__file__).parent / "demo_data" / "merchants.csv"


def demo_rows() -> list[tuple[dict[str, Any], dict[str, str]]]:
    """(the import's cleaned values, the demo's own columns) for each merchant of the file."""
    sheet = importing.read_sheet(MERCHANTS_CSV.read_bytes(), MERCHANTS_CSV.name)
    results = importing.validate_rows(
        sheet, importing.guess_mapping(sheet.headers), importing.database_choices()
    )
    rows = []
    for result, (_number, cells) in zip(results, sheet.rows, strict=True):
        if result.errors:
            raise ValueError(f"{MERCHANTS_CSV.name} row {result.number}: {result.errors}")
        rows.append((result.values, dict(zip(sheet.headers, cells, strict=False))))
    return rows


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

    prospects: dict[str, Prospect] = {}
    for index, (values, own) in enumerate(demo_rows()):
        name, territory, stage = values["name"], own["片区"], Stage(own["阶段"])
        source = Source(own["来源"])
        days = int(own["下次行动天数"]) if own["下次行动天数"] else None
        prospect, created = Prospect.objects.get_or_create(
            branch=people.branch,
            name=name,
            defaults={
                "kind": values.get("kind") or ProspectKind.SOLE_TRADER,
                "industry_id": values.get("industry"),
                "territory": territories.get(territory),
                "owner": getattr(people, own["客户经理"]),
                "source": source,
                "stage": stage,
                "contact_name": values.get("contact_name", ""),
                "contact_role": values.get("contact_role", ""),
                "phone": values.get("phone", ""),
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

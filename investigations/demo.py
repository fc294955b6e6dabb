"""Demo investigations in every status (called by seed_demo after the prospects' demo).

Built through the app's own services, so the demo follows the same rules as the
screens. Idempotent: a prospect that already has an investigation is left alone.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from investigations import services
from investigations.models import (
    Action,
    Collateral,
    EvidencePurpose,
    Guarantor,
    Investigation,
    ItemKind,
    ItemStatus,
    Method,
    SideInquiry,
)
from prospects.models import Prospect

FINDINGS = {
    "licence_valid": True,
    "legal_standing": "营业执照、税务登记齐全，经营者即法定代表人，无涉诉记录。",
    "years_in_business": 8,
    "employees": 12,
    "operations": "实地查看门店与仓库，存货充足，进出货正常，旺季客流明显。",
    "finances": "近六个月存款账户流水与申报销售额基本相符，应收账款周转约30天。",
    "bad_credit_found": False,
    "credit": "人行征信无逾期，他行贷款按期归还。",
    "purpose_matches": True,
    "purpose_finding": "用于采购季节性货品，与经营规模相符。",
    "risk_rating": "low",
    "return_and_risk": "日均存款约50万元，结算业务集中在我行；第一还款来源稳定。",
    "total_assets": Decimal("3200000"),
    "total_liabilities": Decimal("900000"),
    "monthly_sales": Decimal("450000"),
    "sales_settlement": "现金与银行转账各半",
    "receivables_collection": "批发客户月结，回笼及时，无大额拖欠。",
    "output_value": Decimal("5400000"),
}
METHODS = {
    ItemKind.CREDIT_BUREAU: [Method.PUBLIC_CREDIT],
    ItemKind.BLACKLIST: [Method.PUBLIC_CREDIT],
    ItemKind.LEDGER: [Method.ACCOUNTS],
    ItemKind.LEGAL_STANDING: [Method.DOCUMENTS, Method.PUBLIC_CREDIT],
    ItemKind.OPERATIONS: [Method.INTERVIEW, Method.INSPECTION],
    ItemKind.CREDIT: [Method.PUBLIC_CREDIT, Method.SIDE_INQUIRY],
    ItemKind.ASSETS: [Method.BOOKS, Method.DOCUMENTS],
    ItemKind.PURPOSE: [Method.INTERVIEW, Method.DOCUMENTS],
}


def _pdf(name: str) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _png(name: str) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 120)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _start(prospect: Prospect, amount: str, existing: str, purpose: str) -> Investigation:
    return services.investigation_start(
        investigation=Investigation(
            prospect=prospect,
            amount=Decimal(amount),
            term_months=12,
            purpose=purpose,
            existing_loans=Decimal(existing),
        ),
        by=prospect.owner,
    )


def _complete(investigation: Investigation, *, blacklist_hit: bool = False, files: bool = False):
    owner = investigation.owner
    for name, value in FINDINGS.items():
        setattr(investigation, name, value)
    services.investigation_save(investigation=investigation, by=owner)
    for item in investigation.items.all():
        hit = blacklist_hit and item.kind == ItemKind.BLACKLIST
        item.status = ItemStatus.ISSUE if hit else ItemStatus.CLEAR
        item.blacklist_hit = hit
        item.methods = METHODS[item.kind]
        item.finding = "命中我行黑名单（2024年恶意逃废债）。" if hit else "核实无异常。"
        extra = {}
        if item.kind == ItemKind.CREDIT_BUREAU:
            extra = {
                "authorized_on": timezone.localdate() - timedelta(days=3),
                "authorization": _pdf("征信查询授权书.pdf"),
            }
        if files and item.kind == ItemKind.OPERATIONS:
            extra["evidence"] = _png("仓库照片.png")
        if files and item.kind == ItemKind.LEGAL_STANDING:
            extra["evidence"] = _pdf("营业执照.pdf")
        services.item_save(item=item, by=owner, **extra)
    services.child_save(
        obj=SideInquiry(
            whom=SideInquiry.Whom.PEER, who="隔壁同行", learned="口碑好，未听说民间借贷。"
        ),
        investigation=investigation,
        by=owner,
    )


def _guarantor(
    investigation: Investigation, net: str, id_number: str, name: str = "王建华"
) -> None:
    company = name.endswith("公司")
    services.child_save(
        obj=Guarantor(
            kind=Guarantor.Kind.COMPANY if company else Guarantor.Kind.PERSON,
            name=name,
            id_number=id_number,
            relation="借款人的长期供货商" if company else "借款人兄长",
            total_assets=Decimal(net) + Decimal("200000"),
            total_liabilities=Decimal("200000"),
            legal_standing_checked=True,
            repayment_capacity=(
                "经营十年，净资产充足，有代偿能力。"
                if company
                else "名下两套住房，经营超市，有代偿能力。"
            ),
        ),
        investigation=investigation,
        by=investigation.owner,
    )


def _submit(investigation: Investigation, justification: str = "") -> Investigation:
    investigation = Investigation.objects.get(pk=investigation.pk)
    return services.investigation_submit(
        investigation=investigation,
        by=investigation.owner,
        seen_version=investigation.version,
        justification=justification,
    )


def _decide(investigation: Investigation, by, action: str, **kwargs) -> Investigation:
    investigation = Investigation.objects.get(pk=investigation.pk)
    return services.investigation_decide(
        investigation=investigation,
        by=by,
        action=action,
        seen_version=investigation.version,
        **kwargs,
    )


def _backdate(investigation: Investigation, days: int) -> None:
    when = timezone.now() - timedelta(days=days)
    Investigation.objects.filter(pk=investigation.pk).update(created_at=when)
    if investigation.submitted_at:
        Investigation.objects.filter(pk=investigation.pk).update(
            submitted_at=when + timedelta(days=1)
        )


def seed(people: SimpleNamespace) -> None:
    def prospect(name: str) -> Prospect | None:
        found = Prospect.objects.filter(name=name).first()
        if found is None or found.investigations.exists():
            return None
        return found

    # Approved, with evidence files (lina, decided by her supervisor).
    if client := prospect("鑫源服装商行"):
        inv = _start(client, "800000", "200000", "采购秋冬季服装备货")
        _complete(inv, files=True)
        _guarantor(inv, "2500000", "330102197805120031")
        services.child_save(
            obj=Collateral(
                kind=Collateral.Kind.MORTGAGE,
                description="城南商铺一间（产权证编号略）",
                appraised_value=Decimal("1500000"),
                legal=True,
                valid=True,
                sufficient=True,
                liquid=True,
            ),
            investigation=inv,
            by=inv.owner,
        )
        services.evidence_add(
            investigation=inv,
            upload=_pdf("近六个月流水.pdf"),
            by=inv.owner,
            purpose=EvidencePurpose.GENERAL,
        )
        _submit(inv)
        _decide(inv, people.zhangwei, Action.APPROVE, comment="调查完整，同意。")
        _backdate(inv, 20)

    # Submitted with cover below 2.0 and a justification (waiting in zhangwei's queue).
    if client := prospect("华联批发贸易有限公司"):
        inv = _start(client, "1500000", "500000", "支付上游供应商货款")
        _complete(inv)
        _guarantor(inv, "3200000", "91330100MA27X5RK3A", name="华联实业有限公司")
        _submit(inv, "保证人覆盖1.6倍，另有存货质押，综合风险可控。")
        _backdate(inv, 4)

    # Returned to the manager with comments.
    if client := prospect("金悦大酒店"):
        inv = _start(client, "600000", "0", "装修改造客房")
        _complete(inv)
        _guarantor(inv, "1300000", "330106198209160045")
        _submit(inv)
        item = inv.items.get(kind=ItemKind.PURPOSE)
        _decide(
            inv,
            people.zhangwei,
            Action.RETURN,
            comment="装修合同未附，请补充后再提交。",
            item_comments={item.pk: "请附装修合同与报价单。"},
        )
        _backdate(inv, 6)

    # A draft left for ten days (on wangqiang's agenda).
    if client := prospect("大华电器城"):
        inv = _start(client, "300000", "0", "旺季备货")
        _backdate(inv, 10)

    # Submitted with a blacklist hit (chenjie's queue: cannot be approved).
    if client := prospect("瓯海鞋材商行"):
        inv = _start(client, "400000", "0", "采购鞋材")
        _complete(inv, blacklist_hit=True)
        _guarantor(inv, "1000000", "330105197502280053")
        _submit(inv)
        _backdate(inv, 2)

    # Declined.
    if client := prospect("众诚物流有限公司"):
        inv = _start(client, "2000000", "1000000", "购置冷链货车")
        _complete(inv)
        _guarantor(inv, "2400000", "330108198001010067")
        _submit(inv, "车辆可办理抵押。")
        _decide(
            inv, people.chenjie, Action.DECLINE, comment="用途为固定资产投资，不属流动资金贷款。"
        )
        _backdate(inv, 15)

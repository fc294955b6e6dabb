"""Small typed builders for investigations, through the app's own services."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum.cn import ric

from accounts.models import User
from investigations import services
from investigations.models import (
    EvidencePurpose,
    Guarantor,
    Investigation,
    ItemKind,
    ItemStatus,
    Method,
)
from tests.prospects.factories import make_prospect

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "证据.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def make_investigation(owner: User, *, prospect=None, **fields) -> Investigation:
    values = {
        "amount": Decimal("500000"),
        "term_months": 12,
        "purpose": "采购春季服装备货",
        "existing_loans": Decimal("0"),
    }
    values.update(fields)
    investigation = Investigation(prospect=prospect or make_prospect(owner), **values)
    return services.investigation_start(investigation=investigation, by=owner)


FINDINGS = {
    "legal_standing": "营业执照有效，法人即经营者本人。",
    "operations": "经营八年，库存充足，客流稳定。",
    "finances": "流水与申报销售额相符。",
    "credit": "征信无逾期。",
    "purpose_finding": "用于采购备货，与经营相符。",
    "return_and_risk": "存款回报可观，风险可控。",
    "total_assets": Decimal("3000000"),
    "total_liabilities": Decimal("800000"),
    "monthly_sales": Decimal("400000"),
    "output_value": Decimal("4800000"),
    "licence_valid": True,
    "bad_credit_found": False,
    "purpose_matches": True,
    "risk_rating": "low",
}


def refresh(investigation: Investigation) -> Investigation:
    return Investigation.objects.for_page().get(pk=investigation.pk)


def fill_findings(investigation: Investigation, **overrides) -> Investigation:
    investigation = Investigation.objects.get(pk=investigation.pk)
    for name, value in {**FINDINGS, **overrides}.items():
        setattr(investigation, name, value)
    return services.investigation_save(investigation=investigation, by=investigation.owner)


def authorize_credit_query(investigation: Investigation) -> None:
    services.evidence_add(
        investigation=investigation,
        upload=pdf_upload("授权书.pdf"),
        by=investigation.owner,
        purpose=EvidencePurpose.AUTHORIZATION,
    )
    Investigation.objects.filter(pk=investigation.pk).update(
        credit_authorized_on=timezone.localdate()
    )


def fill_checklist(investigation: Investigation, *, blacklist_hit: bool = False) -> Investigation:
    authorize_credit_query(investigation)
    for item in refresh(investigation).items.all():
        hit = blacklist_hit and item.kind == ItemKind.BLACKLIST
        item.status = ItemStatus.ISSUE if hit else ItemStatus.CLEAR
        item.blacklist_hit = hit
        item.methods = [Method.DOCUMENTS, Method.INTERVIEW]
        item.finding = "在黑名单中" if hit else "无异常"
        services.item_save(item=item, by=investigation.owner)
    return refresh(investigation)


def id_card_number(serial: int, *, born: str = "19800101", district: str = "330102") -> str:
    """A valid resident identity card number (GB 11643 check digit), one per serial."""
    body = f"{district}{born}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def add_guarantor(
    investigation: Investigation, *, assets: Decimal, liabilities: Decimal = Decimal(0), **fields
) -> Guarantor:
    guarantor = Guarantor(
        name=fields.pop("name", "担保人"),
        id_number=fields.pop("id_number", None)
        if "id_number" in fields
        else id_card_number(Guarantor.objects.filter(investigation=investigation).count() + 1),
        total_assets=assets,
        total_liabilities=liabilities,
        legal_standing_checked=fields.pop("legal_standing_checked", True),
        repayment_capacity=fields.pop("repayment_capacity", "经营稳定，有代偿能力。"),
        **fields,
    )
    return services.child_save(obj=guarantor, investigation=investigation, by=investigation.owner)


def ready_to_submit(owner: User, *, cover: Decimal = Decimal("2"), **fields) -> Investigation:
    """Complete in every way; the guarantors' net assets give exactly `cover`."""
    blacklist_hit = fields.pop("blacklist_hit", False)
    investigation = make_investigation(owner, **fields)
    fill_findings(investigation)
    fill_checklist(investigation, blacklist_hit=blacklist_hit)
    add_guarantor(investigation, assets=cover * investigation.loans_to_cover)
    return refresh(investigation)


def submitted(owner: User, *, blacklist_hit: bool = False, **fields) -> Investigation:
    investigation = make_investigation(owner, **fields)
    fill_findings(investigation)
    fill_checklist(investigation, blacklist_hit=blacklist_hit)
    add_guarantor(investigation, assets=Decimal(2) * investigation.loans_to_cover)
    investigation = refresh(investigation)
    services.investigation_submit(
        investigation=investigation, by=owner, seen_version=investigation.version
    )
    return refresh(investigation)

"""The whole journey on a phone-sized screen (375 px): start from a prospect, fill the
checklist, attach evidence, submit; the supervisor returns it; the manager fixes and
resubmits; the supervisor approves; the PDF downloads with Chinese text in it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from investigations.models import CHECKLIST, EvidenceFile, Investigation, Status
from tests.investigations.factories import PDF_BYTES
from tests.prospects.factories import make_prospect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def save(page: Page) -> None:
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state()


def fill_item(page: Page, kind: str, evidence: Path | None = None, authorization=None) -> None:
    page.locator(f"#item-{kind}").get_by_role("button", name="填写").click()
    if authorization:
        page.locator("#id_credit_authorized_on").fill("2026-01-05")
        page.locator("#id_authorization").set_input_files(str(authorization))
    page.get_by_label("已完成·无异常").check()
    page.get_by_label("非现场：借款人提交的资料").check()
    page.locator("#id_finding").fill("核实无异常")
    if evidence:
        page.locator("#id_evidence").set_input_files(str(evidence))
    no_sideways_scroll(page)
    save(page)
    expect(page.locator(f"#item-{kind} .badge").first).to_have_text("已完成·无异常")


def test_manager_and_supervisor_take_an_investigation_to_approval(
    people, sign_in, live_server, page: Page, tmp_path
):
    page.set_default_timeout(15_000)
    page.set_viewport_size(PHONE)
    evidence = tmp_path / "营业执照.pdf"
    evidence.write_bytes(PDF_BYTES)
    authorization = tmp_path / "征信授权书.pdf"
    authorization.write_bytes(PDF_BYTES)
    prospect = make_prospect(people.owner, name="鑫源服装商行")

    # The manager starts from the prospect's page.
    sign_in(people.owner, at=prospect.get_absolute_url())
    page.get_by_role("button", name="发起贷款调查").click()
    page.locator("#id_amount").fill("800000")
    page.locator("#id_term_months").fill("12")
    page.locator("#id_purpose").fill("采购秋冬季服装备货")
    no_sideways_scroll(page)
    page.get_by_role("button", name="发起").click()
    expect(page.locator(".checklist-item")).to_have_count(8)
    no_sideways_scroll(page)

    for kind in CHECKLIST:
        fill_item(
            page,
            kind,
            evidence=evidence if kind == "legal_standing" else None,
            authorization=authorization if kind == "credit_bureau" else None,
        )
    expect(page.locator("#item-legal_standing")).to_contain_text("营业执照.pdf")

    page.get_by_role("button", name="编辑基本信息与调查结论").click()
    for name, text in [
        ("legal_standing", "营业执照有效"),
        ("operations", "经营八年"),
        ("finances", "流水相符"),
        ("credit", "征信无逾期"),
        ("purpose_finding", "用于备货"),
        ("return_and_risk", "风险可控"),
        ("total_assets", "3000000"),
        ("total_liabilities", "800000"),
        ("monthly_sales", "400000"),
    ]:
        page.locator(f"#id_{name}").fill(text)
    # The verifications' answers and the risk: "not checked yet" cannot go to review.
    for name, answer in [
        ("licence_valid", "是"),
        ("bad_credit_found", "否"),
        ("purpose_matches", "是"),
        ("risk_rating", "低"),
    ]:
        page.locator(f"#id_{name}").select_option(label=answer)
    no_sideways_scroll(page)
    save(page)

    # A guarantor: the cover follows the figures as they are typed.
    page.get_by_role("button", name="添加保证人").click()
    page.locator("#id_name").fill("王建华")
    page.locator("#id_id_number").fill("330102 19780512 0031")
    page.locator("#id_total_assets").fill("1000000")
    page.locator("#id_total_liabilities").fill("0")
    expect(page.locator("#cover output")).to_have_text("1.25")
    page.locator("#id_total_assets").fill("1700000")
    expect(page.locator("#cover output")).to_have_text("2.12")
    page.get_by_label("已核实主体资格").check()
    page.locator("#id_repayment_capacity").fill("名下两套住房，有代偿能力")
    no_sideways_scroll(page)
    save(page)

    page.get_by_role("button", name="提交审查").first.click()
    expect(page.locator(".missing")).to_have_count(0)
    page.get_by_role("button", name="提交审查").click()
    expect(page.locator(".flash-success")).to_contain_text("已提交审查")

    # The supervisor returns it with a comment.
    page.context.clear_cookies()
    sign_in(people.supervisor, at="/investigations/queue/")
    no_sideways_scroll(page)
    page.get_by_role("link", name="鑫源服装商行").click()
    expect(page.get_by_label("退回并附意见")).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_label("退回并附意见").check()
    page.locator("#id_comment").fill("请补充仓库照片")
    page.get_by_role("button", name="提交审查结论").click()
    expect(page.locator(".flash-success")).to_contain_text("审查结论已记录")

    # The manager sees why, fixes and resubmits.
    page.context.clear_cookies()
    sign_in(people.owner, at=None)
    investigation = Investigation.objects.get(prospect=prospect)
    page.goto(f"{live_server.url}{investigation.get_absolute_url()}")
    expect(page.get_by_role("alert")).to_contain_text("请补充仓库照片")
    fill_item(page, "operations", evidence=evidence)
    page.get_by_role("button", name="提交审查").first.click()
    page.get_by_role("button", name="提交审查").click()
    expect(page.locator(".flash-success")).to_contain_text("已提交审查")

    # The supervisor approves; the PDF downloads with Chinese in it.
    page.context.clear_cookies()
    sign_in(people.supervisor, at="/investigations/queue/")
    page.get_by_role("link", name="鑫源服装商行").click()
    page.get_by_label("同意").check()
    page.get_by_role("button", name="提交审查结论").click()
    expect(page.locator(".flash-success")).to_contain_text("审查结论已记录")
    investigation.refresh_from_db()
    assert investigation.status == Status.APPROVED

    page.goto(f"{live_server.url}{investigation.get_absolute_url()}")
    expect(page.locator("#decision")).to_contain_text("已同意")
    with page.expect_download() as download:
        page.get_by_role("button", name="PDF").click()
    content = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "鑫源服装商行" in text
    assert "征信系统查询" in text
    assert "已同意" in text


def test_a_file_attached_by_mistake_is_removed_after_a_question(people, browser, live_server):
    from tests.browser.phone import phone_problems
    from tests.browser.test_phone_walk import new_phone
    from tests.investigations.factories import ready_to_submit

    investigation = ready_to_submit(people.owner)
    context, page = new_phone(browser, live_server, people.owner)
    page.goto(f"{live_server.url}{investigation.get_absolute_url()}")
    remove = page.get_by_role("button", name="删除").first
    expect(remove).to_be_visible()
    assert phone_problems(page) == []
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    remove.click()
    assert questions == ["删除文件“授权书.pdf”？"]
    files = EvidenceFile.objects.filter(investigation=investigation)
    assert files.count() == 1  # a tap by mistake removes nothing

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    remove.click()
    expect(page.get_by_text("文件已删除。")).to_be_visible()
    assert not files.exists()
    context.close()

"""A manager imports a merchant list with bad rows, then a good one; filters and exports."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.prospect_import import csv_bytes, xlsx_bytes
from prospects.models import Prospect
from tests.prospects.factories import make_territory

pytestmark = pytest.mark.browser

BAD_CSV = (
    "商户名称,手机,月销售额\n鑫源服装商行,13812345678,12\n,13912345678,1\n宏达五金,12345,1\n"
).encode("gbk")
GOOD = [
    ["鑫源服装商行", "王伟", "老板", "13812345678", "城南批发市场A区12号", "服装批发", "12.5", ""],
    ["宏达五金经营部", "李娜", "店长", "0571-87654321", "城南批发市场B区3号", "建材五金", "8", ""],
]


def upload(page, live_server, path):
    page.goto(f"{live_server.url}/prospects/import/")
    page.get_by_label("片区").select_option(label="城南批发市场")
    page.get_by_label("来源").select_option(value="shop_cluster")
    page.get_by_label("商户名单").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("heading", name="核对导入")).to_be_visible()


def test_import_bad_rows_then_a_good_file_then_filter_and_export(
    people, sign_in, live_server, tmp_path
):
    make_territory(branch=people.owner.branch, name="城南批发市场", managers=[people.owner])
    page = sign_in(people.owner, at=None)

    bad = tmp_path / "会员名单.csv"
    bad.write_bytes(BAD_CSV)
    upload(page, live_server, bad)
    errors = page.locator("table.bad-rows tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("3")
    expect(errors.nth(0)).to_contain_text("缺少名称")
    expect(errors.nth(1)).to_contain_text("4")
    expect(errors.nth(1)).to_contain_text("“12345”不是有效的电话号码")
    # Nothing is imported unless the person explicitly chooses to leave the bad rows out.
    expect(page.get_by_label(re.compile("只导入正确的行"))).not_to_be_checked()
    assert Prospect.objects.count() == 0

    good = tmp_path / "members.xlsx"
    good.write_bytes(xlsx_bytes(GOOD))
    upload(page, live_server, good)
    expect(page.locator("table.ready-rows tbody tr")).to_have_count(2)
    page.get_by_role("button", name="导入 2 个潜在客户").click()
    expect(page.get_by_text("已向城南批发市场导入 2 个潜在客户").first).to_be_visible()
    page.get_by_role("button", name="在列表中查看").click()
    results = page.locator("#results").last  # the freshest swap
    expect(results).to_contain_text("鑫源服装商行")
    expect(results).to_contain_text("宏达五金经营部")

    # Filter without a reload, then export what is shown. (Type only once htmx has
    # wired up the form: a person cannot type within the first milliseconds.)
    page.wait_for_load_state("load")
    page.get_by_role("searchbox").fill("鑫源")
    expect(results).not_to_contain_text("宏达五金经营部")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["鑫源服装商行"]
    # Leaving the search box refreshes the list once more: let it finish before the server stops.
    expect(page.locator(".htmx-request")).to_have_count(0)


def test_a_csv_with_duplicates_is_imported_once_confirmed(people, sign_in, live_server, tmp_path):
    make_territory(branch=people.owner.branch, name="城南批发市场", managers=[people.owner])
    Prospect.objects.create(name="宏达五金经营部", owner=people.teammate, source="referral")
    page = sign_in(people.owner, at=None)
    path = tmp_path / "members.csv"
    path.write_bytes(csv_bytes(GOOD, encoding="gbk"))
    upload(page, live_server, path)
    expect(page.locator("table.duplicate-rows")).to_contain_text("宏达五金经营部")
    page.get_by_role("button", name="导入 1 个潜在客户").click()
    expect(page.get_by_role("alert")).to_contain_text("请确认跳过 1 行重复数据")
    page.get_by_label("跳过标记为重复的行").check()
    page.get_by_role("button", name="导入 1 个潜在客户").click()
    expect(page.get_by_role("button", name="在列表中查看")).to_be_visible()
    assert Prospect.objects.filter(owner=people.owner).count() == 1


def test_a_long_excel_export_is_written_in_the_background_on_a_phone(
    people, browser, live_server, settings
):
    from openpyxl import load_workbook

    from prospects.models import ProspectExport
    from prospects.tasks import write_prospect_export
    from tests.browser.phone import phone_problems
    from tests.browser.test_phone_walk import new_phone
    from tests.prospects.factories import make_prospect

    settings.PROSPECT_EXPORT_BACKGROUND_ROWS = 2
    for name in ("甲商行", "乙商行", "丙商行"):
        make_prospect(people.owner, name=name)
    context, page = new_phone(browser, live_server, people.owner)
    page.goto(f"{live_server.url}/prospects/")
    page.get_by_role("link", name="Excel").click()
    expect(page.get_by_role("heading", name="导出客户名单")).to_be_visible()
    expect(page.get_by_text("正在等待后台处理…")).to_be_visible()
    assert not phone_problems(page)
    waiting = page.url

    # The person leaves; the task writes the file, as the worker runs it. (The worker itself,
    # which recycles database connections, is tested in tests/prospects: here the live
    # server shares this thread's connection.)
    page.goto(f"{live_server.url}/prospects/")
    write_prospect_export.call(ProspectExport.objects.get().pk)
    page.goto(waiting)
    expect(page.get_by_text("文件共含 3 个客户。")).to_be_visible()
    assert not phone_problems(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="下载文件").click()
    saved = Path(download.value.path()).read_bytes()  # a temporary name, without .xlsx
    sheet = load_workbook(io.BytesIO(saved), read_only=True).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(values_only=True)][1:]
    assert sorted(names) == sorted(["甲商行", "乙商行", "丙商行"])
    context.close()


def test_a_long_list_is_imported_in_the_background_on_a_phone(
    people, browser, live_server, settings, tmp_path
):
    from prospects.models import ImportBatch
    from prospects.tasks import import_prospects
    from tests.browser.phone import phone_problems
    from tests.browser.test_phone_walk import new_phone

    settings.PROSPECT_IMPORT_BACKGROUND_ROWS = 1
    make_territory(branch=people.owner.branch, name="城南批发市场", managers=[people.owner])
    context, page = new_phone(browser, live_server, people.owner)
    # The page asks how far the import is every 2 s. The live server shares this thread's
    # database connection, so while the task runs here, those requests wait in the browser
    # (a route is served only inside a Playwright call), then go on. The worker itself is
    # tested in tests/prospects.
    page.route("**/prospects/import/**", lambda route: route.continue_())
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    upload(page, live_server, path)
    page.get_by_role("button", name="导入 2 个潜在客户").click()
    expect(page.get_by_text("较长的文件在后台导入")).to_be_visible()
    expect(page.locator("#import-progress progress")).to_be_visible()
    assert not phone_problems(page)
    page.evaluate("window.notReloaded = true")
    assert not Prospect.objects.exists()

    batch = ImportBatch.objects.get()
    import_prospects.call(batch.pk, batch.commit_request["confirmation"])

    # The page notices by itself, and reloads to say so.
    expect(page.get_by_text("已向城南批发市场导入 2 个潜在客户")).to_be_visible()
    assert page.evaluate("window.notReloaded") is None
    assert not phone_problems(page)
    page.get_by_role("button", name="在列表中查看").click()
    expect(page.get_by_role("link", name="鑫源服装商行")).to_be_visible()
    context.close()

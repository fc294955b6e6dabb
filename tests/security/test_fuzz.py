"""Every form, query parameter and importer, fed generated input: never a 500, nothing
half-saved. Forms and parameters are discovered from the pages of the access table, so a
new app's forms join without a list to keep up."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access import all_expectations
from tests.conftest import client_for
from tests.security.concurrency import growth, record_counts
from tests.security.pages import Field, Form, forms_on, url_name_of
from tests.security.walk import html_pages

# Per form and per run, on each database: 25 generated inputs (the random seed changes
# every run, so CI explores further run after run). 50 on PostgreSQL took CI over its 20
# minutes on a 2-core machine at half speed; FUZZ_EXAMPLES=500 for a deeper run by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0")) or None
EXPECTATIONS = all_expectations()
# Forms that end the fuzzing session itself, not input handling.
NOT_FUZZED = {"logout"}


def examples() -> int:
    return EXAMPLES or 25


def fuzz_settings():
    return settings(
        max_examples=examples(),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- Inputs ------------------------------------------------------------------------------
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\u202e\u200f鑫源\u200e",  # right-to-left overrides and marks
        "مرحبا 你好 Ωμέγα 👩‍👩‍👧",
        "'; DROP TABLE prospects_prospect; --",
        "<script>alert(1)</script>",
        "{{ 7*7 }}{% debug %}",
        '=HYPERLINK("http://evil")',
        "../../etc/passwd",
        "\ud7ff\ufffd\uffff",
        "0",
        "-1",
        "-99999999999999999999",
        "99999999999999999999999999",
        "1e309",
        "NaN",
        "Infinity",
        "0.000000001",
        "2026-02-30",
        "2026-13-01",
        "0000-00-00",
        "9999-12-31",
        "31/12/2026",
        "2026年11月30日",
        "25:61",
        "true",
        "None",
    ]
)
HUGE = st.sampled_from(["鑫" * 5000, "x" * 20000, "9" * 400, "9" * 5000, "\u202e" * 1000])
TEXT = st.text(st.characters(codec="utf-8"), max_size=60)


def value_for(field) -> st.SearchStrategy[str]:
    choices = [NASTY, TEXT, HUGE]
    if field.options:
        choices.insert(0, st.sampled_from(field.options))
    if field.value:
        choices.append(st.just(field.value))
    if field.kind == "date":
        choices.append(st.dates().map(lambda d: d.isoformat()))
    if field.kind == "number":
        choices.append(st.integers(-(10**20), 10**20).map(str))
        choices.append(st.decimals(allow_nan=True, allow_infinity=True).map(str))
    return st.one_of(*choices)


def file_content() -> st.SearchStrategy[bytes]:
    rows = st.lists(st.lists(st.one_of(NASTY, TEXT), min_size=1, max_size=5), max_size=6)
    as_csv = rows.map(lambda r: "\n".join(",".join(c.replace(",", "") for c in row) for row in r))
    return st.one_of(
        st.binary(max_size=400),
        as_csv.map(lambda t: t.encode("utf-8", "surrogatepass")),
        as_csv.map(lambda t: t.encode("gbk", "replace")),
        st.just(b"PK\x03\x04broken zip"),
    )


@st.composite
def submission(draw, form: Form) -> dict:
    data: dict = {}
    for field in form.fields:
        if field.name == "csrfmiddlewaretoken" or draw(st.integers(0, 9)) == 0:
            continue  # sometimes a field is missing altogether
        if field.kind == "file":
            name = draw(st.sampled_from(["list.csv", "list.xlsx", "handbook.txt", "x", "a.xls"]))
            data[field.name] = SimpleUploadedFile(name, draw(file_content()))
        elif field.kind == "checkbox":
            if draw(st.booleans()):
                data.setdefault(field.name, []).append(field.value or "on")
        else:
            data[field.name] = draw(value_for(field))
    return data


# --- Discovery -------------------------------------------------------------------------
@dataclass
class Target:
    page: str
    viewer: str
    form: Form

    @property
    def label(self) -> str:
        return f"{self.form.method.upper()} {url_name_of(self.form.action)} (from {self.page})"


def discover(people) -> list[Target]:
    """Every distinct form on the GET pages of the access table, and each page's query."""
    targets: dict[tuple[str, str], Target] = {}
    for expectation, viewer, url, html in html_pages(EXPECTATIONS, people):
        forms = forms_on(html, url)
        if expectation.query:
            # The query parameters the table gives this page, with paging and sorting.
            names = {pair.split("=")[0] for pair in expectation.query.lstrip("?").split("&")}
            fields = [Field(name, "text") for name in sorted(names | {"page", "sort", "show"})]
            forms.append(Form("get", url.split("?")[0], fields))
        for form in forms:
            name = url_name_of(form.action)
            fuzzable = [f for f in form.fields if f.name != "csrfmiddlewaretoken"]
            if name is None or name in NOT_FUZZED or not fuzzable:
                continue  # a button alone (bookmark, keep a promise): nothing to type
            key = (form.method, name)
            if key not in targets or len(form.fields) > len(targets[key].form.fields):
                targets[key] = Target(url, viewer, form)
    return list(targets.values())


# --- The fuzzing ---------------------------------------------------------------------------
def fuzz_target(target: Target, client) -> int:
    sent = 0

    @fuzz_settings()
    @given(data=submission(target.form))
    def fuzz(data):
        nonlocal sent
        before = record_counts()
        send = client.post if target.form.method == "post" else client.get
        response = send(target.form.action, data)
        sent += 1
        assert response.status_code < 500, target.label
        if target.form.method == "get" or response.status_code != 302:
            # Refused or re-shown with errors: nothing saved, not even in part (a search is
            # logged on purpose: what readers looked for and did not find).
            grown = growth(before, record_counts())
            grown.pop("playbook.searchlog", None)
            assert not grown, (target.label, data)

    fuzz()
    return sent


# The forms are fuzzed in shards, so that parallel test workers share the work.
SHARDS = 6


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_form_and_query_survives_generated_input(shard, people):
    targets = discover(people)
    assert len(targets) >= 10, [t.label for t in targets]
    mine = targets[shard::SHARDS]
    clients = {}
    sent = 0
    for target in mine:
        client = clients.setdefault(target.viewer, client_for(getattr(people, target.viewer)))
        sent += fuzz_target(target, client)
    # Hypothesis stops early only when a small form has no new input left to try.
    assert sent >= 0.9 * examples() * len(mine)
    print(f"\nfuzz shard {shard}: {len(mine)} of {len(targets)} forms and queries, {sent} inputs")  # noqa: T201
    for target in mine:
        print(f"  {target.label}: {len(target.form.fields)} fields")  # noqa: T201


# --- The prospect importer, all rows or none --------------------------------------------------
def test_the_merchant_importer_commits_all_rows_or_none(people):
    from prospects import importing
    from prospects.models import ImportBatch, Prospect, Source, Territory, TerritoryKind

    territory = Territory.objects.create(
        name="城南批发市场",
        kind=TerritoryKind.MARKET,
        branch=people.owner.branch,
        merchant_count=50,
    )
    cell = st.one_of(NASTY, TEXT, st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
    sheet = st.lists(st.lists(cell, min_size=2, max_size=2), min_size=1, max_size=6)

    @fuzz_settings()
    @given(rows=sheet, xlsx=st.booleans())
    def fuzz(rows, xlsx):
        text = "商户名称,电话\n" + "\n".join(
            ",".join(c.replace(",", "").replace("\n", "").replace("\r", "") for c in row)
            for row in rows
        )
        data = text.encode("utf-8", "replace")
        name = "list.csv"
        if xlsx:
            from openpyxl import Workbook
            from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

            book = Workbook()
            for row in [["商户名称", "电话"], *rows]:
                # What Excel cannot store in a cell (control characters) never reaches a file.
                book.active.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
            buffer = io.BytesIO()
            book.save(buffer)
            data, name = buffer.getvalue(), "list.xlsx"
        batch = ImportBatch.objects.create(
            created_by=people.owner,
            owner=people.owner,
            territory=territory,
            source=Source.SHOP_CLUSTER,
            file_name=name,
            data=data,
        )
        before = Prospect.objects.count()
        preview = importing.import_preview(batch=batch)
        try:
            count = importing.import_commit(
                batch=batch, mapping=preview.mapping, skip_duplicates=True, actor=people.owner
            )
        except importing.ImportRefused:
            assert Prospect.objects.count() == before
        else:
            assert count == preview.summary.ready
            assert Prospect.objects.count() == before + count

    fuzz()

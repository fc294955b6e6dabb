"""The handbook importer: every rule of the plain-text format, and the upsert."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from playbook.demo import SAMPLE_HANDBOOK
from playbook.importer import (
    HandbookFormatError,
    decode,
    import_text,
    parse_handbook,
    propose_topics,
)
from playbook.models import Chapter, Entry, EntryRevision, Section
from playbook.search import search_entries

HEAD = "市场营销篇\n客户营销\n一、寻找和选择客户\n"


def entries(body: str, head: str = HEAD) -> list:
    return parse_handbook(head + body).entries


def only(body: str):
    [entry] = entries(body)
    return entry


# --- Headings ------------------------------------------------------------------


def test_part_chapter_and_section_headings_make_the_structure():
    handbook = parse_handbook(
        "市场营销篇\n客户营销\n一、寻找和选择客户\n1.问？\n答。\n"
        "二、增进客户联系\n2.问二？\n答二。\n"
        "风险管理篇\n贷款调查\n一、贷前调查\n1.问三？\n答三。\n"
    )
    assert [p.name for p in handbook.parts] == ["市场营销篇", "风险管理篇"]
    assert [c.title for c in handbook.parts[0].chapters] == ["客户营销"]
    sections = handbook.parts[0].chapters[0].sections
    assert [(s.numeral, s.title) for s in sections] == [
        ("一", "寻找和选择客户"),
        ("二", "增进客户联系"),
    ]
    # Numbers are unique within a part only.
    assert [e.number for e in handbook.parts[1].entries] == [1]


def test_numbers_may_have_gaps():
    assert [e.number for e in entries("3.问？\n答。\n7.问？\n答。\n")] == [3, 7]


# --- Questions -----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["12.怎样找客户？", "12．怎样找客户？", "12.怎样找客户?", "12．怎样找客户?"],
)
def test_a_question_is_a_number_a_dot_and_text_ending_in_a_question_mark(line):
    entry = only(f"{line}\n答：从熟人开始。\n")
    assert entry.number == 12
    assert entry.question == line.split(".", 1)[-1].split("．", 1)[-1]
    assert entry.answer == "从熟人开始。"


def test_one_line_may_hold_several_questions():
    found = entries("5.门卫不让进怎么办？6.老板不在怎么办？\n答：客气地说明来意。\n")
    assert [(e.number, e.question) for e in found] == [
        (5, "门卫不让进怎么办？"),
        (6, "老板不在怎么办？"),
    ]
    assert found[-1].answer == "客气地说明来意。"


def test_a_question_and_its_answer_on_one_line():
    entry = only("3.什么是三品？答：人品、物品、产品。\n")
    assert (entry.question, entry.answer) == ("什么是三品？", "人品、物品、产品。")


def test_a_question_broken_by_the_pdf_is_joined():
    entry = only("15.客户经理第一次拜访客户时应该\n注意什么？\n答：守时。\n")
    assert entry.question == "客户经理第一次拜访客户时应该注意什么？"


# --- Answers -------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["答:", "答：", "答 ：", ""])
def test_an_answer_may_start_with_da_or_with_nothing(prefix):
    assert only(f"1.问？\n{prefix}要有耐心。\n").answer == "要有耐心。"


def test_an_answer_runs_until_the_next_question():
    found = entries("1.问一？\n第一段。\n第二段。\n2.问二？\n答二。\n")
    assert found[0].answer == "第一段。\n第二段。"
    assert found[1].answer == "答二。"


def test_numbered_points_on_their_own_lines_and_several_on_one_line():
    entry = only("1.问？\n答：有三点：\n1. 看人品；2. 看物品;3. 看产品。\n4. 多回访。\n")
    assert entry.answer.splitlines() == [
        "有三点：",
        "1. 看人品；",
        "2. 看物品;",
        "3. 看产品。",
        "4. 多回访。",
    ]


def test_chinese_numeral_points_in_either_bracket():
    entry = only("1.问？\n答：(一)实地查看；\n（二）查阅流水。\n")
    assert entry.answer.splitlines() == ["（一）实地查看；", "（二）查阅流水。"]


def test_a_short_numbered_point_is_a_sub_heading_not_a_broken_line():
    entry = only("1.问？\n1. 资料准备\n了解企业的经营范围。\n2. 心理准备\n不要灰心。\n")
    assert entry.answer.splitlines() == [
        "1. 资料准备",
        "了解企业的经营范围。",
        "2. 心理准备",
        "不要灰心。",
    ]


def test_quoted_phrases_are_kept():
    entry = only("1.问？\n答：先看“三品”，再说“我尽力争取”。\n")
    assert entry.answer == "先看“三品”，再说“我尽力争取”。"


# --- PDF line breaks -------------------------------------------------------------


def test_a_line_without_sentence_end_continues_on_the_next():
    entry = only("1.问？\n答：不要坐在网点里等客\n户上门，要主动\n出去。\n下一段。\n")
    assert entry.answer.splitlines() == ["不要坐在网点里等客户上门，要主动出去。", "下一段。"]


def test_an_unfinished_line_does_not_swallow_a_point_question_or_heading():
    found = entries(
        "1.问？\n答：渠道有\n1. 商会；\n（一）协会\n2.下一个问题？\n答：好\n二、增进客户联系\n3.问？\n答。\n"
    )
    assert found[0].answer.splitlines() == ["渠道有", "1. 商会；", "（一）协会"]
    assert found[1].answer == "好"
    assert [e.number for e in found] == [1, 2, 3]


def test_mixed_ascii_and_full_width_punctuation():
    entry = only("1.如何(简单地)判断客户?\n答:先看人品,再看产品:要稳定.\n")
    assert entry.question == "如何(简单地)判断客户?"
    assert entry.answer == "先看人品,再看产品:要稳定."


def test_the_trailing_web_notice_is_dropped():
    entry = only("1.问？\n答：内容。\n因篇幅问题不能全部显示，请点此查看更多更全内容\n")
    assert entry.answer == "内容。"


# --- Malformed files ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("", 1, "篇名"),
        ("这里没有篇名\n", 1, "篇名"),
        ("市场营销篇\n1.问？\n", 2, "章名"),
        ("市场营销篇\n客户营销\n1.问？\n答。\n", 3, "节标题"),
        ("市场营销篇\n客户营销\n一、寻找客户\n没有问题的回答。\n", 4, "问题（"),
        ("市场营销篇\n客户营销\n一、寻找客户\n1.问？\n答。\n1.又是一？\n答。\n", 6, "条目编号"),
        ("市场营销篇\n客户营销\n一、寻找客户\n", 1, "本篇的问题"),
    ],
)
def test_a_malformed_file_is_refused_with_the_line_and_what_was_expected(text, line, expected):
    with pytest.raises(HandbookFormatError) as caught:
        parse_handbook(text)
    assert caught.value.line == line
    assert expected in caught.value.expected
    assert f"第 {line} 行" in str(caught.value)


@pytest.mark.django_db
def test_a_malformed_file_imports_nothing():
    text = HEAD + "1.问？\n答。\n2.问？\n答。\n没有篇名的新篇\n1.又是一？\n答。\n1.又是一？\n"
    with pytest.raises(HandbookFormatError):
        import_text(text)
    assert not Entry.objects.exists()
    assert not Section.objects.exists()


def test_gb18030_is_accepted():
    text = HEAD + "1.门卫不让进怎么办？\n答：客气。\n"
    assert decode(text.encode("gb18030")) == text
    assert decode(text.encode("utf-8-sig")) == text
    assert (
        parse_handbook(decode(text.encode("gb18030"))).entries[0].question == "门卫不让进怎么办？"
    )


# --- Topics ---------------------------------------------------------------------------


def test_topics_are_proposed_from_keywords():
    keywords = {"visiting": ["拜访", "门卫"], "complaints": ["投诉"]}
    assert propose_topics("门卫不让进怎么办？", "", keywords) == ["visiting"]
    assert propose_topics("客户投诉怎么办？", "先道歉。", keywords) == ["complaints"]
    assert propose_topics("无关？", "无关。", keywords) == []


# --- The upsert ----------------------------------------------------------------------


@pytest.fixture
def sample_bytes() -> bytes:
    return SAMPLE_HANDBOOK.read_bytes()


@pytest.mark.django_db
def test_the_sample_handbook_round_trips(sample_bytes):
    parsed = parse_handbook(decode(sample_bytes))
    result = import_text(sample_bytes)
    assert result.counts == {"created": len(parsed.entries), "updated": 0, "unchanged": 0}
    assert len(parsed.entries) >= 12
    for parsed_entry in parsed.entries:
        entry = Entry.objects.get(number=parsed_entry.number)
        assert (entry.question, entry.answer) == (parsed_entry.question, parsed_entry.answer)
        assert entry.revisions.count() == 1
    assert Section.objects.count() == 2
    assert Entry.objects.get(number=15).topics.filter(slug="complaints").exists()
    # Imported entries are searchable at once (bulk_create fills the words).
    assert [h.entry.number for h in search_entries("门卫").hits][:1] == [5]


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(sample_bytes):
    import_text(sample_bytes)
    before = list(Entry.objects.values_list("pk", "updated_at", "revised_at"))
    result = import_text(sample_bytes)
    assert result.counts["created"] == result.counts["updated"] == 0
    assert result.counts["unchanged"] == len(before)
    assert list(Entry.objects.values_list("pk", "updated_at", "revised_at")) == before
    assert EntryRevision.objects.count() == len(before)


@pytest.mark.django_db
def test_an_edited_file_updates_what_changed_with_a_new_revision(sample_bytes):
    import_text(sample_bytes)
    edited = sample_bytes.decode().replace("先道歉，再倾听。", "先诚恳道歉，再耐心倾听。")
    edited = edited.replace("15.客户投诉", "30.新的问题？\n答：新的回答。\n15.客户投诉")
    result = import_text(edited.encode("gb18030"))
    assert result.counts["created"] == 1
    assert result.updated == [15]
    entry = Entry.objects.get(number=15)
    assert entry.answer.startswith("先诚恳道歉")
    assert list(entry.revisions.values_list("number", flat=True)) == [2, 1]
    assert entry.revised_at > Entry.objects.get(number=1).revised_at
    assert [h.entry.number for h in search_entries("诚恳道歉").hits][:1] == [15]


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(sample_bytes):
    result = import_text(sample_bytes, dry_run=True)
    assert result.counts["created"] >= 12
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_the_command_prints_counts_and_refuses_malformed_files(tmp_path: Path, sample_bytes):
    path = tmp_path / "handbook.txt"
    path.write_bytes(sample_bytes)
    out = StringIO()
    call_command("import_handbook", str(path), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Entry.objects.exists()
    call_command("import_handbook", str(path), stdout=out)
    call_command("import_handbook", str(path), stdout=out)
    assert "0 created, 0 updated, 20 unchanged." in out.getvalue()
    path.write_text("市场营销篇\n客户营销\n一、寻找客户\n没有问题的回答。\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 4"):  # the command speaks English
        call_command("import_handbook", str(path), stdout=out)


@pytest.mark.django_db
def test_seed_demo_imports_the_sample_once_and_leaves_the_trainee_part_way_through(
    sample_bytes, settings
):
    from accounts.models import User
    from playbook import reading

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert Entry.objects.count() == len(parse_handbook(decode(sample_bytes)).entries)
    trainee = User.objects.get(username="zhaomin")
    progress = reading.overall_progress(trainee)
    assert 0 < progress.read < progress.total
    assert not list(reading.updated_since_read(trainee))
    # The supervisor's panel shows the trainee's progress.
    [row] = reading.trainees_with_progress(User.objects.get(username="zhangwei"))
    assert row == trainee
    assert row.read_count == progress.read


# --- Re-importing an edited structure ------------------------------------------------

TWO_SECTIONS = (
    "市场营销篇\n客户营销\n一、寻找客户\n1.甲问？\n答：甲。\n2.乙问？\n答：乙。\n"
    "二、联系客户\n3.丙问？\n答：丙。\n"
)


@pytest.mark.django_db
def test_a_retitled_chapter_is_renamed_in_place_and_leaves_no_empty_husk():
    import_text(TWO_SECTIONS)
    chapter_pk = Entry.objects.get(number=1).section.chapter_id
    result = import_text(TWO_SECTIONS.replace("客户营销", "客户营销与维护"))
    assert result.counts == {"created": 0, "updated": 0, "unchanged": 3}
    assert list(Chapter.objects.values_list("pk", "title")) == [(chapter_pk, "客户营销与维护")]
    assert Section.objects.count() == 2


@pytest.mark.django_db
def test_a_retitled_section_keeps_its_entries_and_readers():
    import_text(TWO_SECTIONS)
    section_pk = Entry.objects.get(number=3).section_id
    import_text(TWO_SECTIONS.replace("二、联系客户", "二、保持客户联系"))
    assert Section.objects.get(pk=section_pk).title == "保持客户联系"
    assert Section.objects.count() == 2


@pytest.mark.django_db
def test_a_section_may_take_the_title_of_a_dropped_section():
    """Dropping section 一 and renumbering 二 → 一 once failed with a database error."""
    import_text(TWO_SECTIONS)
    edited = "市场营销篇\n客户营销\n一、联系客户\n1.甲问？\n答：甲。\n2.乙问？\n答：乙。\n3.丙问？\n答：丙。\n"
    result = import_text(edited)
    assert result.updated == [1, 2]
    assert list(Section.objects.values_list("numeral", "title")) == [("一", "联系客户")]
    assert result.removed == ["客户营销 · 一、寻找客户"]
    assert set(Entry.objects.values_list("section__title", flat=True)) == {"联系客户"}


@pytest.mark.django_db
def test_two_sections_may_trade_titles():
    import_text(TWO_SECTIONS)
    swapped = TWO_SECTIONS.replace("一、寻找客户", "一、X").replace("二、联系客户", "二、寻找客户")
    swapped = swapped.replace("一、X", "一、联系客户")
    import_text(swapped)
    assert list(Section.objects.values_list("numeral", "title")) == [
        ("一", "联系客户"),
        ("二", "寻找客户"),
    ]
    assert Entry.objects.get(number=1).section.title == "联系客户"


@pytest.mark.django_db
def test_entries_missing_from_the_file_are_kept_and_reported(tmp_path: Path):
    import_text(TWO_SECTIONS)
    without_three = TWO_SECTIONS.replace("3.丙问？\n答：丙。\n", "4.丁问？\n答：丁。\n")
    result = import_text(without_three, dry_run=True)
    assert [entry.number for entry in result.missing] == [3]
    path = tmp_path / "handbook.txt"
    path.write_text(without_three, encoding="utf-8")
    out = StringIO()
    call_command("import_handbook", str(path), stdout=out)
    assert "Not in the file, kept: 市场营销篇 3" in out.getvalue()
    assert Entry.objects.filter(number=3).exists()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (HEAD + "1.问？\n答。\n二、寻找和选择客户\n2.问？\n答。\n", 6),
        (HEAD + "1.问？\n答。\n一、另一个节\n2.问？\n答。\n", 6),
        (HEAD + "1.问？\n答。\n市场营销篇\n客户营销\n一、节\n2.问？\n答。\n", 6),
    ],
)
@pytest.mark.django_db
def test_a_repeated_section_or_part_is_refused_with_its_line(text, line):
    with pytest.raises(HandbookFormatError) as caught:
        import_text(text)
    assert caught.value.line == line
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    "notice",
    [
        "因篇幅问题不能全部显示，请点此查看更多更全内容",
        "因篇幅问题不能全部显示…",
        "请点此查看更多更全内容",
    ],
)
def test_a_web_notice_after_a_sentence_removes_only_the_notice(notice):
    entry = only(f"1.问？\n答：要主动出击，以点带面。{notice}\n")
    assert entry.answer == "要主动出击，以点带面。"


def test_a_numbered_question_after_a_sentence_end_on_the_same_line_starts_a_new_entry():
    handbook = parse_handbook(HEAD + "1.如何寻找客户？请举例！2.如何选择客户？\n答：看三品。\n")
    assert [(e.number, e.question, e.answer) for e in handbook.entries] == [
        (1, "如何寻找客户？请举例！", ""),
        (2, "如何选择客户？", "看三品。"),
    ]
    assert [str(n) for n in handbook.notes] == [
        "第 4 行：第 1 条没有自己的答案；这一行之后的答案属于第 2 条。"
    ]


def test_a_number_after_a_full_stop_that_does_not_continue_the_numbering_is_not_split():
    # 5 does not follow 1: not taken for a question (the line stays one question, as before).
    [entry] = entries("1.利率多少？请说明3年期。5.年期呢？\n答：看期限。\n")
    assert entry.question == "利率多少？请说明3年期。5.年期呢？"

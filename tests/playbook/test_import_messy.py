"""A messy handbook (QA's messy1.txt): other numberings, lines out of place, gaps, all at once."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from playbook.importer import Handbook, HandbookFormatError, import_text, parse_handbook
from playbook.models import Entry
from tests.playbook.test_import_shapes import upload_preview

HEAD = "测试篇\n第一章 营销基础\n一、寻找客户\n"

# QA's file, as found: line numbers below are this text's.
MESSY = (
    "测试篇\n"
    "第一章 营销基础\n"
    "一、寻找客户\n"
    "\n"
    "1.新人从哪里找客户？\n"
    "答：从亲友开始。\n"
    "\n"
    "2．怎样看三品？\n"
    "答：人品、物品、产品。\n"
    "\n"
    "3. 门卫不让进怎么办？\n"
    "答：先预约。\n"
    "\n"
    "（4）客户嫌利率太高怎么办？\n"
    "答：讲清楚小、快、灵的好处。\n"
    "5.没有答案的问题？\n"
    "6.客户要送礼怎么办?\n"
    "答:婉拒。\n"
    "第7题：怎样维护关系？\n"
    "答：经常联系。\n"
    "8.这是一个陈述句而不是问句\n"
    "答：这里是答案。\n"
    "9.全角问号之后有空格？   \n"
    "答： 答案有前导空格。\n"
    " 10.行首有空格的问题？\n"
    "答：答案。\n"
    "１１．全角数字的问题？\n"
    "答：全角数字答案。\n"
    "12.重复编号？\n"
    "答：第一个。\n"
)


@pytest.fixture(autouse=True)
def english():
    # The new messages are checked in English, whatever the catalogue holds.
    with translation.override("en"):
        yield


def parse(body: str) -> Handbook:
    return parse_handbook(HEAD + body)


def unplaced(handbook: Handbook) -> list[tuple[int, str, int]]:
    return [(u.line, u.text, u.after_entry) for u in handbook.unplaced]


def notes(handbook: Handbook) -> list[str]:
    return [str(note) for note in handbook.notes]


# --- The QA file, end to end ----------------------------------------------------------


def test_the_qa_file_places_every_question_and_reports_the_rest():
    handbook = parse_handbook(MESSY)
    assert [(e.number, e.question, e.answer, e.line) for e in handbook.entries] == [
        (1, "新人从哪里找客户？", "从亲友开始。", 5),
        (2, "怎样看三品？", "人品、物品、产品。", 8),
        (3, "门卫不让进怎么办？", "先预约。", 11),
        (4, "客户嫌利率太高怎么办？", "讲清楚小、快、灵的好处。", 14),
        (5, "没有答案的问题？", "", 16),
        (6, "客户要送礼怎么办?", "婉拒。", 17),
        (7, "怎样维护关系？", "经常联系。", 19),
        (9, "全角问号之后有空格？", "答案有前导空格。", 23),
        (10, "行首有空格的问题？", "答案。", 25),
        (11, "全角数字的问题？", "全角数字答案。", 27),
        (12, "重复编号？", "第一个。", 29),
    ]
    assert [str(line) for line in handbook.unplaced] == [
        "Line 21, after entry 7, could not be placed "
        "(it is numbered like a question but does not end in ？): 8.这是一个陈述句而不是问句",
        "Line 22, after entry 7, could not be placed "
        "(it may be the answer of line 21, which could not be placed): 答：这里是答案。",
    ]
    assert notes(handbook) == [
        "Line 16: entry 5 has no answer.",
        "Line 23: the numbering jumps from 7 to 9.",
    ]


def test_the_dry_run_of_the_qa_file_names_both_lines_left_out(tmp_path: Path, db):
    path = tmp_path / "messy1.txt"
    path.write_text(MESSY, encoding="utf-8")
    out = StringIO()
    call_command("import_handbook", str(path), "--dry-run", stdout=out)
    output = out.getvalue()
    assert "11 created" in output
    # Each with its reason (the command speaks English throughout).
    assert (
        "Line 21, after entry 7, could not be placed (it is numbered like a question but"
        " does not end in ？): 8.这是一个陈述句而不是问句 (left out)"
    ) in output
    assert (
        "Line 22, after entry 7, could not be placed (it may be the answer of line 21,"
        " which could not be placed): 答：这里是答案。 (left out)"
    ) in output
    assert "To check: Line 16: entry 5 has no answer." in output
    assert "测试篇 2 [created] 怎样看三品？ | 人品、物品、产品。\n" in output
    assert "测试篇 6 [created] 客户要送礼怎么办? | 婉拒。\n" in output
    assert "测试篇 4 [created] 客户嫌利率太高怎么办？ | 讲清楚小、快、灵的好处。\n" in output


@pytest.mark.django_db
def test_the_import_result_carries_the_notes():
    result = import_text(MESSY, dry_run=True)
    assert [str(note) for note in result.notes] == [
        "Line 16: entry 5 has no answer.",
        "Line 23: the numbering jumps from 7 to 9.",
    ]
    assert [line.line for line in result.unplaced] == [21, 22]


@pytest.mark.django_db
def test_the_upload_preview_lists_both_lines_left_out(admin_client_):
    html = upload_preview(admin_client_, MESSY, "messy1.txt")
    assert 'data-line="21"' in html and "8.这是一个陈述句而不是问句" in html
    assert 'data-line="22"' in html and "答：这里是答案。" in html
    assert '<dd data-count="created">11</dd>' in html
    assert not Entry.objects.exists()


# --- Other numberings of a question ---------------------------------------------------


@pytest.mark.parametrize(
    ("line", "question"),
    [
        ("3. 门卫不让进怎么办？", "门卫不让进怎么办？"),
        ("3．  门卫不让进怎么办？", "门卫不让进怎么办？"),
        ("（3）门卫不让进怎么办？", "门卫不让进怎么办？"),
        ("(3) 门卫不让进怎么办?", "门卫不让进怎么办?"),
        ("第3题：门卫不让进怎么办？", "门卫不让进怎么办？"),
        ("第 3 题 门卫不让进怎么办？", "门卫不让进怎么办？"),
        ("第3题.门卫不让进怎么办？", "门卫不让进怎么办？"),
    ],
)
def test_other_numberings_start_a_question(line, question):
    handbook = parse(f"2.怎样看三品？\n答：人品、物品、产品。\n{line}\n答：先预约。\n")
    assert [(e.number, e.question, e.answer) for e in handbook.entries] == [
        (2, "怎样看三品？", "人品、物品、产品。"),
        (3, question, "先预约。"),
    ]
    assert handbook.unplaced == [] and handbook.notes == []


@pytest.mark.parametrize("line", ["3. 门卫不让进怎么办？", "（3）门卫不让进怎么办？"])
def test_the_next_number_starts_a_question_without_da(line):
    handbook = parse(f"2.怎样看三品？\n答：人品、物品、产品。\n{line}\n先预约。\n")
    assert [(e.number, e.answer) for e in handbook.entries] == [
        (2, "人品、物品、产品。"),
        (3, "先预约。"),
    ]


@pytest.mark.parametrize(
    "line", ["3. 门卫不让进怎么办？答：先预约。", "（3）门卫不让进怎么办？ 答：先预约。"]
)
def test_another_numbering_with_its_answer_on_the_same_line(line):
    [_, third] = parse(f"2.怎样看三品？\n答：人品。\n{line}\n").entries
    assert (third.number, third.question, third.answer) == (3, "门卫不让进怎么办？", "先预约。")


def test_the_first_question_of_a_section_may_be_numbered_otherwise():
    [entry] = parse("（1）新人从哪里找客户？\n从亲友开始。\n").entries
    assert (entry.number, entry.answer) == (1, "从亲友开始。")


def test_points_of_an_answer_that_end_in_a_question_mark_stay_points():
    handbook = parse(
        "1.见客户前想什么？\n答：想三件事：\n1. 他需要什么？\n2. 我能给什么？\n"
        "3. 下一步做什么？\n（1）为什么是他？\n（2）为什么是现在？\n2.下一问？\n答：好。\n"
    )
    [first, second] = handbook.entries
    assert first.answer.splitlines() == [
        "想三件事：",
        "1. 他需要什么？",
        "2. 我能给什么？",
        "3. 下一步做什么？",
        "（1）为什么是他？",
        "（2）为什么是现在？",
    ]
    assert (second.number, second.answer) == (2, "好。")
    assert handbook.unplaced == [] and handbook.notes == []


def test_a_spaced_point_without_a_question_mark_is_still_a_point_or_sub_heading():
    [entry] = parse("2.怎样看三品？\n答：\n3. 事后回访\n过一周再打个电话。\n").entries
    assert entry.answer == "3. 事后回访\n过一周再打个电话。"


def test_a_question_numbered_otherwise_but_out_of_sequence_is_reported_with_its_answer():
    handbook = parse("6.客户要送礼怎么办？\n答：婉拒。\n20. 怎样维护关系？\n经常联系。\n")
    [entry] = handbook.entries
    assert entry.answer == "婉拒。"
    assert [str(line) for line in handbook.unplaced] == [
        "Line 6, after entry 6, could not be placed "
        "(it looks like question 20, but that number cannot follow entry 6): 20. 怎样维护关系？",
        "Line 7, after entry 6, could not be placed "
        "(it may be the answer of line 6, which could not be placed): 经常联系。",
    ]


def test_a_labelled_line_without_a_question_mark_is_reported():
    handbook = parse("6.客户要送礼怎么办？\n答：婉拒。\n第7题：怎样维护关系\n")
    assert unplaced(handbook) == [(6, "第7题：怎样维护关系", 6)]
    assert handbook.entries[0].answer == "婉拒。"


def test_full_width_digits_number_a_question():
    [entry] = parse("１１．全角数字的问题？\n答：全角数字答案。\n").entries
    assert (entry.number, entry.answer) == (11, "全角数字答案。")


# --- Lines out of place inside an answer ------------------------------------------------


def test_a_second_answer_marker_inside_an_answer_is_reported_with_what_follows_it():
    handbook = parse("2.怎样看三品？\n答：人品、物品、产品。\n答：先预约。\n要有耐心。\n")
    [entry] = handbook.entries
    assert entry.answer == "人品、物品、产品。"
    assert [str(line) for line in handbook.unplaced] == [
        "Line 6, after entry 2, could not be placed (a second 答： inside the answer): 答：先预约。",
        "Line 7, after entry 2, could not be placed "
        "(it may be the answer of line 6, which could not be placed): 要有耐心。",
    ]


def test_an_answer_marker_never_continues_a_broken_line():
    handbook = parse("2.怎样看三品？\n答：人品、物品、产品\n答：先预约。\n")
    assert handbook.entries[0].answer == "人品、物品、产品"
    assert unplaced(handbook) == [(6, "答：先预约。", 2)]


def test_the_answer_of_a_line_left_out_is_reported_not_appended_to_the_entry_before():
    handbook = parse(
        "7.怎样维护关系？\n答：经常联系。\n8.这是一个陈述句而不是问句\n答：这里是答案。\n"
    )
    [entry] = handbook.entries
    assert entry.answer == "经常联系。"
    assert unplaced(handbook) == [
        (6, "8.这是一个陈述句而不是问句", 7),
        (7, "答：这里是答案。", 7),
    ]


def test_reporting_stops_at_the_next_question_or_heading():
    handbook = parse(
        "7.怎样维护关系？\n答：经常联系。\n8.这是一个陈述句而不是问句\n这里是答案。\n"
        "9.下一问？\n答：下一答。\n二、新的一节\n10.又一问？\n答：又一答。\n"
    )
    assert [(e.number, e.answer) for e in handbook.entries] == [
        (7, "经常联系。"),
        (9, "下一答。"),
        (10, "又一答。"),
    ]
    assert [u.line for u in handbook.unplaced] == [6, 7]


# --- Notes: empty answers, jumps in the numbering ----------------------------------------


def test_an_empty_answer_is_noted():
    handbook = parse("5.没有答案的问题？\n6.客户要送礼怎么办?\n答:婉拒。\n")
    assert [(e.number, e.answer) for e in handbook.entries] == [(5, ""), (6, "婉拒。")]
    assert notes(handbook) == ["Line 4: entry 5 has no answer."]


def test_an_empty_answer_of_a_question_sharing_a_line_is_noted_as_such():
    handbook = parse("5.保安拦着怎么办？6.老板出差了怎么办？\n答：改天再约。\n")
    assert notes(handbook) == [
        "Line 4: entry 5 has no answer of its own; the answer after this line is entry 6's."
    ]


def test_a_jump_in_the_numbering_of_a_section_is_noted_and_imported():
    handbook = parse(
        "2.问二？\n答：二。\n5.问五？\n答：五。\n6.问六？\n答：六。\n9.问九？\n答：九。\n"
        "4.问四？\n答：四。\n二、新的一节\n12.问十二？\n答：十二。\n"
    )
    assert [e.number for e in handbook.entries] == [2, 5, 6, 9, 4, 12]
    assert notes(handbook) == [
        "Line 6: the numbering jumps from 2 to 5.",
        "Line 10: the numbering jumps from 6 to 9.",
        "Line 12: the numbering jumps from 9 to 4.",
    ]
    assert handbook.unplaced == []


# --- Every problem at once ------------------------------------------------------------------


BROKEN = (
    "市场营销篇\n客户营销\n一、寻找客户\n"
    "没有问题的回答。\n"  # 4: no question yet
    "还是回答。\n"  # 5: skipped, same problem
    "1.问？\n答：一。\n"
    "1.又是一？\n答：又一。\n"  # 8: a repeated number
    "3.问三？\n"  # 10: no answer
    "4.陈述句\n"  # 11: left out
    "二、寻找客户\n"  # 12: a repeated section
    "5.问五？\n答：五。\n"
)


def test_every_problem_of_a_file_is_named_at_once_in_the_order_of_its_lines():
    with pytest.raises(HandbookFormatError) as caught:
        parse_handbook(BROKEN)
    error = caught.value
    # The first error as before (what callers and older tests read) ...
    assert error.line == 4
    assert error.expected.startswith("a question")
    # ... and every problem, one a line.
    assert error.problems == [
        "Line 4: expected a question (a number, a dot and text ending in ？). "
        "Found: 没有问题的回答。",
        "Line 8: expected a new entry number (1 is already used on line 6). Found: 1.又是一？",
        "Line 10: the numbering jumps from 1 to 3.",
        "Line 10: entry 3 has no answer.",
        "Line 11, after entry 3, could not be placed "
        "(it is numbered like a question but does not end in ？): 4.陈述句",
        "Line 12: expected a new section (二、寻找客户 repeats the section on line 3). "
        "Found: 二、寻找客户",
    ]
    assert str(error) == "\n".join(error.problems)


def test_a_refusal_goes_on_after_a_missing_chapter_or_section():
    text = (
        "市场营销篇\n一、寻找客户\n1.问？\n答。\n风险篇\n贷款调查\n2.问？\n答。\n二、节\n3.问？\n"
    )
    with pytest.raises(HandbookFormatError) as caught:
        parse_handbook(text)
    assert [problem.split(":")[0] for problem in caught.value.problems] == [
        "Line 2",
        "Line 7",
        "Line 10",
    ]
    assert "expected a chapter heading" in caught.value.problems[0]
    assert "expected a section heading" in caught.value.problems[1]
    assert caught.value.problems[2] == "Line 10: entry 3 has no answer."


def test_a_long_refusal_says_how_many_problems_it_leaves_out():
    body = "".join(f"{n}.问{n}？\n答：一。\n{n}.重复？\n答：二。\n" for n in range(1, 40))
    with pytest.raises(HandbookFormatError) as caught:
        parse_handbook("市场营销篇\n客户营销\n一、寻找客户\n" + body)
    problems = caught.value.problems
    assert len(problems) == 31
    assert problems[-1] == "More problems not shown: 9."


@pytest.mark.django_db
def test_the_command_names_every_problem(tmp_path: Path):
    path = tmp_path / "broken.txt"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_handbook", str(path), "--dry-run", stdout=StringIO())
    message = str(caught.value)
    for line in (4, 8, 10, 11, 12):
        assert f"Line {line}" in message
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_the_upload_page_names_every_problem(admin_client_):
    with translation.override("zh-hans"):
        response = admin_client_.post(
            reverse("playbook:import"),
            {"file": SimpleUploadedFile("broken.txt", BROKEN.encode()), "preview": ""},
        )
    html = response.content.decode()
    assert "第 4 行" in html and "第 8 行" in html and "第 12 行" in html
    assert "4.陈述句" in html
    assert "confirm" not in response.context
    assert not Entry.objects.exists()


# --- Numbers no entry may have ------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("0.零号问题？", 0),
        ("第0题：零号问题？", 0),
        ("123456.编号太长的问题？", 123456),
        ("2147483648.编号溢出的问题？", 2147483648),
    ],
)
def test_a_question_numbered_0_or_past_9999_is_left_out_and_reported(question, number):
    # The answer before it does not end its sentence: still not run into it.
    handbook = parse(
        f"1.第一个问题？\n答：第一个答案\n{question}\n答：它的答案。\n2.第二个问题？\n答：二。\n"
    )
    assert [(e.number, e.answer) for e in handbook.entries] == [(1, "第一个答案"), (2, "二。")]
    assert unplaced(handbook) == [(6, question, 1), (7, "答：它的答案。", 1)]
    assert str(handbook.unplaced[0]) == (
        f"Line 6, after entry 1, could not be placed (its number {number} is not between "
        f"1 and 9999): {question}"
    )


def test_a_sections_first_question_numbered_0_is_left_out_with_its_answer():
    handbook = parse("0.零号问题？\n答：它的答案。\n1.第一个问题？\n答：一。\n")
    assert [e.number for e in handbook.entries] == [1]
    assert [str(line) for line in handbook.unplaced] == [
        "Line 4 could not be placed (its number 0 is not between 1 and 9999): 0.零号问题？",
        "Line 5 could not be placed (it may be the answer of line 4, which could not be "
        "placed): 答：它的答案。",
    ]


@pytest.mark.django_db
def test_an_import_stores_no_entry_numbered_0_and_the_preview_says_why(admin_client_):
    text = HEAD + "1.第一个问题？\n答：一。\n0.零号问题？\n答：它的答案。\n"
    with translation.override("zh-hans"):
        html = upload_preview(admin_client_, text)
    assert 'data-line="6"' in html and "编号 0 不在 1 至 9999 之间" in html
    result = import_text(text)
    assert [line.line for line in result.unplaced] == [6, 7]
    assert list(Entry.objects.values_list("number", "answer")) == [(1, "一。")]

"""Chapters, sections and question numbers between answers: placed, or reported, never merged."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from playbook.importer import Handbook, import_text, parse_handbook
from playbook.models import Chapter, Entry

HEAD = "市场营销篇\n建立客户关系\n一、寻找客户\n"

TWO_CHAPTERS = (
    "市场营销篇\n"
    "建立客户关系\n"
    "一、寻找客户\n"
    "1.怎样找客户？\n"
    "答：去市场。\n"
    "维护客户关系\n"  # 6
    "二、增进联系\n"
    "2.怎样留客户？\n"
    "答：常联系。\n"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse(body: str) -> Handbook:
    return parse_handbook(HEAD + body)


def structure(handbook: Handbook) -> list[tuple[str, str, int, str]]:
    return [
        (chapter.title, f"{section.numeral}、{section.title}", entry.number, entry.answer)
        for part in handbook.parts
        for chapter in part.chapters
        for section in chapter.sections
        for entry in section.entries
    ]


def unplaced(handbook: Handbook) -> list[tuple[int, str]]:
    return [(line.line, line.text) for line in handbook.unplaced]


def notes(handbook: Handbook) -> list[str]:
    return [str(note) for note in handbook.notes]


# --- Chapters ---------------------------------------------------------------------------


def test_a_second_chapter_after_an_answer_is_a_chapter_not_answer_text():
    handbook = parse_handbook(TWO_CHAPTERS)
    assert structure(handbook) == [
        ("建立客户关系", "一、寻找客户", 1, "去市场。"),
        ("维护客户关系", "二、增进联系", 2, "常联系。"),
    ]
    assert handbook.unplaced == [] and handbook.notes == []


def test_a_new_chapter_may_number_its_sections_from_one_again():
    handbook = parse(
        "1.怎样找客户？\n答：去市场。\n维护客户关系\n一、增进联系\n2.怎样留客户？\n答：常联系。\n"
    )
    assert structure(handbook) == [
        ("建立客户关系", "一、寻找客户", 1, "去市场。"),
        ("维护客户关系", "一、增进联系", 2, "常联系。"),
    ]


def test_a_chapter_heading_after_an_unfinished_line_is_not_joined_to_it_and_is_noted():
    handbook = parse(
        "1.怎样找客户？\n答：去市场找\n维护客户关系\n二、增进联系\n2.怎样留客户？\n答：常联系。\n"
    )
    assert structure(handbook) == [
        ("建立客户关系", "一、寻找客户", 1, "去市场找"),
        ("维护客户关系", "二、增进联系", 2, "常联系。"),
    ]
    assert notes(handbook) == [
        "Line 6: 维护客户关系 is taken as a chapter heading, "
        "although the line before it does not end its sentence."
    ]


def test_a_chapter_like_line_whose_section_cannot_start_a_chapter_is_reported_not_appended():
    handbook = parse(
        "1.怎样找客户？\n答：去市场。\n维护客户关系\n三、增进联系\n2.怎样留客户？\n答：常联系。\n"
    )
    assert structure(handbook) == [
        ("建立客户关系", "一、寻找客户", 1, "去市场。"),
        ("建立客户关系", "一、寻找客户", 2, "常联系。"),
    ]
    assert unplaced(handbook) == [(6, "维护客户关系"), (7, "三、增进联系")]
    assert [line.after_entry for line in handbook.unplaced] == [1, 1]


def test_a_short_line_before_a_list_of_the_answer_stays_in_the_answer():
    handbook = parse(
        "1.怎样看三品？\n答：\n分三方面看\n一、看人品\n二、看物品\n三、看产品\n2.下一问？\n答：好。\n"
    )
    assert structure(handbook)[0] == (
        "建立客户关系",
        "一、寻找客户",
        1,
        "分三方面看\n一、看人品\n二、看物品\n三、看产品",
    )
    assert handbook.unplaced == [] and handbook.notes == []


def test_a_broken_line_before_a_list_of_the_answer_is_joined_as_before():
    handbook = parse(
        "1.怎样看三品？\n答：要看的有\n三个方面\n一、看人品\n二、看物品\n三、看产品\n2.下一问？\n答：好。\n"
    )
    assert handbook.entries[0].answer == "要看的有三个方面\n一、看人品\n二、看物品\n三、看产品"
    assert handbook.unplaced == []


@pytest.mark.django_db
def test_each_chapter_keeps_its_own_entries_when_imported():
    result = import_text(TWO_CHAPTERS)
    assert result.created == [1, 2]
    assert list(Chapter.objects.order_by("order").values_list("title", flat=True)) == [
        "建立客户关系",
        "维护客户关系",
    ]
    second = Entry.objects.select_related("section__chapter").get(number=2)
    assert second.section.chapter.title == "维护客户关系"
    assert Entry.objects.get(number=1).answer == "去市场。"


def test_the_dry_run_shows_both_entries_of_two_chapters(tmp_path: Path, db):
    path = tmp_path / "h.txt"
    path.write_text(TWO_CHAPTERS, encoding="utf-8")
    out = StringIO()
    call_command("import_handbook", str(path), "--dry-run", stdout=out)
    output = out.getvalue()
    assert "2 created" in output
    assert "市场营销篇 1 [created] 怎样找客户？ | 去市场。\n" in output
    assert "市场营销篇 2 [created] 怎样留客户？ | 常联系。\n" in output


# --- Sections ---------------------------------------------------------------------------


def test_numerals_of_a_list_in_an_answer_are_reported_not_made_sections():
    handbook = parse(
        "1.怎样看三品？\n答：从三方面看：\n二、看物品\n三、看产品\n2.怎样留客户？\n答：常联系。\n"
    )
    assert structure(handbook) == [
        ("建立客户关系", "一、寻找客户", 1, "从三方面看："),
        ("建立客户关系", "一、寻找客户", 2, "常联系。"),
    ]
    assert [str(line) for line in handbook.unplaced] == [
        "Line 6, after entry 1, could not be placed "
        "(it looks like a section heading, but no question follows it): 二、看物品",
        "Line 7, after entry 1, could not be placed "
        "(it looks like a section heading, but it does not follow section 一、寻找客户): 三、看产品",
    ]


def test_the_lines_after_a_heading_left_out_are_left_out_too():
    handbook = parse(
        "1.怎样看三品？\n答：从三方面看：\n二、看物品\n物品要看得见。\n2.怎样留客户？\n答：常联系。\n"
    )
    assert handbook.entries[0].answer == "从三方面看："
    assert unplaced(handbook) == [(6, "二、看物品"), (7, "物品要看得见。")]


def test_a_list_in_an_answer_from_one_stays_in_the_answer():
    handbook = parse(
        "1.怎样看三品？\n答：从三方面看：\n一、看人品\n二、看物品\n三、看产品。\n"
        "三者之中人品最重要。\n2.怎样留客户？\n答：常联系。\n"
    )
    assert structure(handbook) == [
        (
            "建立客户关系",
            "一、寻找客户",
            1,
            "从三方面看：\n一、看人品\n二、看物品\n三、看产品。\n三者之中人品最重要。",
        ),
        ("建立客户关系", "一、寻找客户", 2, "常联系。"),
    ]
    assert handbook.unplaced == [] and handbook.notes == []


def test_a_point_that_could_be_the_next_section_is_reported():
    handbook = parse(
        "1.怎样看？\n答：从两方面看：\n一、看人品\n二、看物品\n2.怎样留客户？\n答：常联系。\n"
    )
    assert structure(handbook)[0][3] == "从两方面看：\n一、看人品"
    assert [str(line) for line in handbook.unplaced] == [
        "Line 7, after entry 1, could not be placed (it may be the heading of a new section "
        "or a point of the list in the answer): 二、看物品"
    ]


def test_a_point_ending_like_a_sentence_that_could_be_the_next_section_is_kept_with_a_note():
    handbook = parse(
        "1.怎样看？\n答：从两方面看：\n一、看人品；\n二、看物品。\n2.怎样留客户？\n答：常联系。\n"
    )
    assert structure(handbook)[0][3] == "从两方面看：\n一、看人品；\n二、看物品。"
    assert handbook.unplaced == []
    assert notes(handbook) == [
        "Line 7: 二、看物品。 is taken as a point of the list in the answer of entry 1; "
        "a question follows it, so it may be a section heading."
    ]


@pytest.mark.parametrize("heading", ["二、注意事项：", "二、注意事项。"])
def test_a_section_heading_ending_like_a_sentence_is_a_section_with_a_note(heading):
    handbook = parse(f"1.怎样找客户？\n答：去市场。\n{heading}\n2.怎样留客户？\n答：常联系。\n")
    assert structure(handbook) == [
        ("建立客户关系", "一、寻找客户", 1, "去市场。"),
        ("建立客户关系", heading, 2, "常联系。"),
    ]
    assert notes(handbook) == [
        f"Line 6: {heading} ends like a sentence; it is taken as the heading of a new "
        "section, as a question follows it."
    ]


def test_a_section_left_without_entries_is_noted():
    handbook = parse_handbook(
        "市场营销篇\n建立客户关系\n一、寻找客户\n二、增进联系\n1.怎样留客户？\n答：常联系。\n"
    )
    assert structure(handbook) == [("建立客户关系", "二、增进联系", 1, "常联系。")]
    assert notes(handbook) == ["Line 3: section 一、寻找客户 has no entries."]


def test_a_repeated_section_heading_between_entries_is_still_refused():
    from playbook.importer import HandbookFormatError

    with pytest.raises(HandbookFormatError) as caught:
        parse("1.问？\n答：答。\n一、另一个节\n2.问？\n答：答。\n")
    assert caught.value.line == 6


# --- Question numbers without ？ ----------------------------------------------------------


@pytest.mark.parametrize("number", [3, 5, 7, 40])
def test_a_numbered_line_without_question_mark_after_the_last_entry_is_reported_whatever_the_gap(
    number,
):
    handbook = parse(
        f"1.怎样找客户？\n答：去市场。\n2.怎样留客户？\n答：常联系。\n"
        f"{number}.客户请吃饭怎么处理\n正常工作餐可以参加。\n"
    )
    assert [e.answer for e in handbook.entries] == ["去市场。", "常联系。"]
    assert unplaced(handbook) == [(8, f"{number}.客户请吃饭怎么处理"), (9, "正常工作餐可以参加。")]


def test_points_without_a_space_past_the_entry_number_stay_in_the_answer():
    handbook = parse(
        "2.怎样看企业？\n答：看四样：\n1.看人品；\n2.看物品；\n3.看产品；\n4.看流水。\n"
    )
    assert handbook.entries[0].answer == "看四样：\n1.看人品；\n2.看物品；\n3.看产品；\n4.看流水。"
    assert handbook.unplaced == []

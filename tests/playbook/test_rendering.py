from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from playbook.rendering import Point, answer_blocks


def kinds(text: str) -> list[str]:
    return [block.kind for block in answer_blocks(text)]


def test_answer_prefix_is_dropped_in_either_width():
    assert answer_blocks("答：先请示主管。")[0].text == "先请示主管。"
    assert answer_blocks("答:先请示主管。")[0].text == "先请示主管。"
    assert answer_blocks("先请示主管。")[0].text == "先请示主管。"


def test_each_line_is_a_paragraph():
    assert kinds("第一段。\n第二段。") == ["paragraph", "paragraph"]


def test_numbered_points_form_one_list_keeping_their_numbers():
    [block] = answer_blocks("1. 征信系统查询；\n2. 黑名单查询；\n3. 分户账查询。")
    assert block.kind == "points"
    assert block.start == 1
    assert [p.label for p in block.points] == ["1", "2", "3"]
    assert block.points[2].text == "分户账查询。"


def test_several_points_on_one_line_are_split_on_semicolons():
    [block] = answer_blocks("1. 行业研究；2. 商圈集中的地方;3. 客户转介绍。")
    assert block.points == [
        Point("1", "行业研究；"),
        Point("2", "商圈集中的地方;"),
        Point("3", "客户转介绍。"),
    ]


def test_full_width_dot_starts_a_point():
    [block] = answer_blocks("1．认真倾听客户的意见。")
    assert block.kind == "points"


def test_a_number_without_space_is_not_a_point():
    assert kinds("3.5亿元的产值。") == ["paragraph"]


def test_chinese_numeral_points_in_both_bracket_widths():
    [block] = answer_blocks("（一）与借款人面谈，了解经营。\n(二)查看仓库和现场。")
    assert block.kind == "labelled"
    assert [p.label for p in block.points] == ["（一）", "（二）"]


def test_short_point_with_content_beneath_is_a_subheading():
    blocks = answer_blocks("1. 现场调查\n与借款人面谈，查看现场。\n2. 非现场调查\n查阅资料。")
    assert [b.kind for b in blocks] == ["heading", "paragraph", "heading", "paragraph"]
    assert blocks[0].text == "1. 现场调查"


def test_short_points_in_a_list_stay_points():
    [block] = answer_blocks("1. 人品\n2. 物品\n3. 产品")
    assert block.kind == "points"


def test_html_is_kept_as_text_for_the_template_to_escape():
    [block] = answer_blocks("<script>alert(1)</script>")
    assert block.text == "<script>alert(1)</script>"


def test_empty_answer_has_no_blocks():
    assert answer_blocks("") == []
    assert answer_blocks("  \n \n") == []


@given(
    st.text(
        alphabet=st.sampled_from(list("答：:1234.．、；;（）()一二三 \n人品客户。？<>&")),
        max_size=200,
    )
)
def test_any_text_renders_without_losing_words(text):
    blocks = answer_blocks(text)
    rendered = "".join(
        block.text + "".join(point.label + point.text for point in block.points) for block in blocks
    )
    for word in ("人品", "客户"):
        assert text.count(word) <= rendered.count(word)
    assert all(block.text or block.points for block in blocks)

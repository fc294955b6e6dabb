"""Turn an answer's plain text into blocks a template can render.

Pure: text in, blocks out. The template renders each block with Django's
autoescaping, so HTML in an answer shows as text and is never injected.

The handbook's answers (DOMAIN §4) hold paragraphs, numbered points
(`1. ` with a space, several on one line separated by `;`/`；`), points like
（一）(二), and short sub-headings: a numbered point with no sentence after it.

What the PDF does to those lines, and how they are read back:
- a sub-heading followed by its text on the same line (`3. 事后回访 过一周…`):
  the heading, then a paragraph;
- a heading after the end of a point on the same line
  (`（二）查看流水。 需要注意的问题：`): the point ends its list, the heading follows;
- a stray space between two Chinese characters (`在 这种情况下`) is removed;
  spaces in Latin text are kept (`tidy_spaces`, which the importer uses too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["paragraph", "heading", "points", "labelled"]

_ANSWER_PREFIX = re.compile(r"^\s*答\s*[:：]\s*")
# `1. text` / `1．text` / `1、text`: a number, a dot and (ASCII dot) a space.
_NUMBERED = re.compile(r"^(\d{1,3})(?:\.\s+|．\s*|、\s*)(\S.*)$")
# （一）text / (二) text: a Chinese numeral in half- or full-width brackets.
_LABELLED = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]\s*(.*)$")
# Several numbered points on one line: `1. a；2. b` — split before each number.
_INLINE_POINT = re.compile(r"(?<=[;；])\s*(?=\d{1,3}(?:\.\s|．|、))")
_SENTENCE_END = "。！？!?；;：:…”」"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE = "[ \t\u3000]+"
_STRAY_SPACE = re.compile(f"(?<=[{_CJK}]){_SPACE}(?=[{_CJK}])")
_POINT_LABEL = r"(?:\d{1,3}(?:\.\s+|．\s*|、\s*)|[（(][一二三四五六七八九十]{1,3}[）)]\s*)"
# `3. 事后回访 过一周再打电话…`: a label, a short run of Chinese, a space, then a
# sentence of its own (at least six characters: `1. 人品 物品` is no heading).
_LEAD_HEADING = re.compile(f"^({_POINT_LABEL})([{_CJK}]{{2,12}}){_SPACE}(\\S.{{5,}})$")
# `（二）查看流水。 需要注意的问题：`: a finished sentence, a space, a short heading ending in ：.
_TRAILING_HEADING = re.compile(r"^(.*[。！？!?；;])\s+([^\s。！？!?；;，,]{1,15}[:：])$")
# A sub-heading is a short numbered point without a sentence after it.
_HEADING_MAX = 20


@dataclass(frozen=True)
class Point:
    label: str
    text: str


@dataclass
class Block:
    kind: BlockKind
    text: str = ""
    points: list[Point] = field(default_factory=list)
    # For numbered points: the first number, so a list that resumes at 3 says so.
    start: int = 1


def _split_points(line: str) -> list[str]:
    if not _NUMBERED.match(line):
        return [line]
    return [part.strip() for part in _INLINE_POINT.split(line) if part.strip()]


def _is_heading(text: str) -> bool:
    return (
        len(text) <= _HEADING_MAX and not text.endswith(tuple(_SENTENCE_END)) and "，" not in text
    )


def tidy_spaces(line: str) -> str:
    """`line` without the stray spaces the PDF left between Chinese characters.

    The space after a sub-heading that shares its line with its text
    (`3. 事后回访 过一周…`) is structure, not a stray: it is kept.
    """
    if lead := _LEAD_HEADING.match(line):
        label, heading, text = lead.groups()
        return f"{label}{heading} {_STRAY_SPACE.sub('', text)}"
    return _STRAY_SPACE.sub("", line)


def _line_items(line: str) -> list[tuple[str, str]]:
    """One line as ("line", text) and ("heading", text) items, in reading order."""
    line = tidy_spaces(line)
    if trailing := _TRAILING_HEADING.match(line):
        return [*_line_items(trailing.group(1)), ("heading", trailing.group(2))]
    if lead := _LEAD_HEADING.match(line):
        label, heading, text = lead.groups()
        return [("heading", f"{_label(label)}{heading}"), ("line", text)]
    return [("line", line)]


def _label(label: str) -> str:
    """A point's label written one way: `3. `, `（一）`."""
    label = label.strip()
    if label[0].isdigit():
        return f"{label.rstrip('.．、')}. "
    return f"（{label[1:-1]}）"


def _lines(answer: str) -> list[tuple[str, str]]:
    text = _ANSWER_PREFIX.sub("", answer or "", count=1)
    return [
        item
        for raw in text.splitlines()
        for point in _split_points(raw.strip())
        if point
        for item in _line_items(point)
    ]


def _append_point(blocks: list[Block], kind: BlockKind, label: str, body: str) -> None:
    last = blocks[-1] if blocks else None
    if last is not None and last.kind == kind:
        last.points.append(Point(label, body))
    else:
        start = int(label) if label.isdigit() else 1
        blocks.append(Block(kind, points=[Point(label, body)], start=start))


def answer_blocks(answer: str) -> list[Block]:
    """The answer's structure: paragraphs, sub-headings and runs of points."""
    lines = _lines(answer)
    blocks: list[Block] = []
    for index, (kind, line) in enumerate(lines):
        if kind == "heading":
            blocks.append(Block("heading", text=line))
            continue
        following = lines[index + 1][1] if index + 1 < len(lines) else ""
        # A short point with content beneath it (not another point of the same
        # list) is a sub-heading; a short point inside a list stays a point.
        heads_content = bool(following) and not _NUMBERED.match(following)
        if numbered := _NUMBERED.match(line):
            number, body = numbered.groups()
            if heads_content and _is_heading(body):
                blocks.append(Block("heading", text=f"{number}. {body}"))
            else:
                _append_point(blocks, "points", number, body)
        elif labelled := _LABELLED.match(line):
            label, body = f"（{labelled.group(1)}）", labelled.group(2)
            if not body or (heads_content and _is_heading(body)):
                blocks.append(Block("heading", text=f"{label}{body}"))
            else:
                _append_point(blocks, "labelled", label, body)
        else:
            blocks.append(Block("paragraph", text=line))
    return blocks

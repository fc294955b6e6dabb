"""Read the handbook's plain-text form (as extracted from the bank's PDF) and upsert it.

`parse_handbook(text)` is pure: text in, a `Handbook` of dataclasses out, or a
`HandbookFormatError` naming the line and what was expected there (and every
other problem of the file, so that one round trip fixes them all).
`import_handbook(handbook)` writes it in one transaction: a stored entry is
found by its question first, then by (part, number) (see `_match_entries`), so
that a renumbered handbook moves each row, and the notes, bookmarks, flags and
reading records on it, with its question; an unchanged entry is left alone, a
changed one is updated and gets a new revision, a new one is created with
revision 1 and the topics its words suggest.

The format (DOMAIN §4):
- a part heading is a short line ending in 篇; the next short unnumbered line
  is a chapter heading, and so is a later one directly followed by the first
  section heading of a new chapter (一、, or the numeral after the last
  section's) and its first question; a section heading starts with a Chinese
  numeral and 、;
- a question starts with a number and `.`/`．` directly followed by text and
  ends with `?`/`？`; one line may hold several questions. `第7题：`, and
  `3. ` or `（4）` (which may also number points of an answer) when that is
  unambiguous (see `_takes_question`), number questions too;
- the answer runs until the next question or heading, may start with 答:/答：,
  and holds paragraphs, numbered points (`1. `, several on one line separated
  by `;`/`；`), points like （一）, and sub-headings;
- what cannot be placed is never guessed: a question-like line without ？, a
  question numbered 0 or past 9999 (no entry's number), a second 答：, a
  heading-like line inside an answer that cannot start a chapter or section
  (see `_place_heading`), and the lines after them until the next
  question or heading are left out and reported (`Handbook.unplaced`); an
  empty answer or section, a jump in the numbering of a section, and a
  heading read one way where the other was possible are notes
  (`Handbook.notes`); a line out of the structure refuses the file, and every
  such line is named at once;
- PDF line breaks: a line not ending in sentence-ending punctuation continues
  on the next line, unless that line starts a point, question or heading;
- a web notice (因篇幅问题不能全部显示…) is not content; the rest of its line is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from playbook.rendering import tidy_spaces
from playbook.segment import normalise, term_words, text_tokens

if TYPE_CHECKING:
    from accounts.models import User
    from playbook.models import Chapter, Entry, Part, Section

PART_HEADING = re.compile(r"^[^\s，,。.．:：;；？?、（）()0-9]{1,18}篇$")
# `二、` starting a line: a section heading's numeral, or a point of an answer.
SECTION_NUMERAL = re.compile(r"^([一二三四五六七八九十百零〇两]{1,4})\s*、")
SECTION_HEADING = re.compile(SECTION_NUMERAL.pattern + r"\s*(\S.{0,59})$")
# A number and a dot directly followed by text (a space after it makes a point).
NUMBERED_TEXT = re.compile(r"^(\d{1,4})[.．](?=[^\s\d])")
POINT = re.compile(r"^\d{1,3}[.．]\s+\S|^\d{1,3}．\S|^[（(][一二三四五六七八九十]{1,3}[）)]")
QUESTION_START = re.compile(r"(\d{1,4})[.．](?=[^\s\d])")
# Other numberings of a question: `3. 问？` and `（4）问？` may also number a point of
# an answer (see `_takes_question`); `第7题：问？` only a question.
SPACED_NUMBER = re.compile(r"^(\d{1,4})[.．]\s+(?=\S)")
BRACKET_NUMBER = re.compile(r"^[（(](\d{1,3})[）)]\s*(?=\S)")
LABEL_NUMBER = re.compile(r"^第\s*(\d{1,4})\s*题(?:\s*[:：.．、]\s*|\s+)(?=\S)")
# Where a question's number would be, five digits or more: no question's number
# (ENTRY_NUMBER_MAX), so the line is left out and reported, never run into an answer.
LONG_NUMBER = re.compile(
    r"^(?:(\d{5,})[.．]\s*|第\s*(\d{5,})\s*题(?:\s*[:：.．、]\s*|\s+)|[（(](\d{5,})[）)]\s*)(?=\S)"
)
# 答: right after a question's ？ starts its answer on the same line.
ANSWER_AFTER_QUESTION = re.compile(r"[?？]\s*答\s*[:：]")
ANSWER_PREFIX = re.compile(r"^答\s*[:：]\s*")
# A number continuing the numbering after one of these starts the next question.
QUESTION_AFTER_SENTENCE = "。！!"
# Several numbered points on one line: split after the ;/； before each number.
INLINE_POINTS = re.compile(r"(?<=[;；])\s*(?=\d{1,3}[.．]\s*\S)")
LABEL_POINT = re.compile(r"^\(([一二三四五六七八九十]{1,3})\)")
# The web notice, with the punctuation it brings: removed, the rest of its line kept.
WEB_NOTICE = re.compile(
    r"因篇幅问题不能全部显示[，,。.…!！\s]*(?:请点此查看更多更全内容[。.…!！\s]*)?"
    r"|请点此查看更多更全内容[。.…!！\s]*"
)
SENTENCE_END = tuple("。！？!?；;：:….")
CLOSERS = "”’\"'）)」』】"
CHAPTER_MAX = 30
# How far past the last entry `3. 问？` or `（4）问？` may be and still be taken for
# a question's (these may number the points of an answer too).
QUESTION_GAP = 3
NUMERAL_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
NUMERAL_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# A refusal names this many problems of the file at most.
MAX_PROBLEMS = 30
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A numbered point this short without punctuation is a sub-heading, not a line
# the PDF broke: a PDF breaks only full lines.
SUBHEADING = re.compile(r"^\d{1,3}[.．]\s*[^\s，,。：:；;！!？?]{1,12}$")


class HandbookFormatError(ValueError):
    """The file is refused: `line`, `expected` and `found` name its first problem.

    `problems` are the messages of all the file's problems, one a line, in the
    order of their lines (the first problem's message alone when there is one).
    """

    def __init__(
        self, line: int, expected: str, found: str = "", *, problems: list[str] | None = None
    ) -> None:
        self.line = line
        self.expected = expected
        self.found = found
        message = _("Line %(line)d: expected %(expected)s.") % {"line": line, "expected": expected}
        if found:
            message += " " + _("Found: %(found)s") % {"found": found[:40]}
        self.problems = problems or [message]
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class ParsedEntry:
    number: int
    question: str
    answer: str
    line: int


@dataclass
class ParsedSection:
    numeral: str
    title: str
    line: int
    entries: list[ParsedEntry] = field(default_factory=list)


@dataclass
class ParsedChapter:
    title: str
    line: int
    sections: list[ParsedSection] = field(default_factory=list)


@dataclass
class ParsedPart:
    name: str
    line: int
    chapters: list[ParsedChapter] = field(default_factory=list)

    @property
    def entries(self) -> list[ParsedEntry]:
        return [e for c in self.chapters for s in c.sections for e in s.entries]


@dataclass(frozen=True)
class UnplacedLine:
    """A line the parser could not place: left out, and reported with its number."""

    line: int
    text: str
    # The entry whose answer it would otherwise have run into (None: the section's first).
    after_entry: int | None
    # Why it was not placed, for the administrator (translated).
    reason: str = ""

    def __str__(self) -> str:
        values = {"line": self.line, "entry": self.after_entry, "reason": self.reason}
        if self.after_entry is None:
            message = _("Line %(line)d could not be placed (%(reason)s): %(text)s")
        else:
            message = _(
                "Line %(line)d, after entry %(entry)d, could not be placed (%(reason)s): %(text)s"
            )
        return message % {**values, "text": self.text}


@dataclass(frozen=True)
class ParseNote:
    """Something the import takes as it is, but that the administrator should check."""

    line: int
    message: str  # translated, starting with the line

    def __str__(self) -> str:
        return self.message


@dataclass
class Handbook:
    parts: list[ParsedPart] = field(default_factory=list)
    unplaced: list[UnplacedLine] = field(default_factory=list)
    notes: list[ParseNote] = field(default_factory=list)

    @property
    def entries(self) -> list[ParsedEntry]:
        return [e for p in self.parts for e in p.entries]


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030."""
    try:
        return CONTROL.sub("", data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        return CONTROL.sub("", data.decode("gb18030"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise HandbookFormatError(line, _("text in UTF-8 or GB18030")) from None


def handbook_text(handbook: Handbook) -> str:
    """The handbook in the plain-text format `parse_handbook` reads (its inverse)."""
    lines: list[str] = []
    for part in handbook.parts:
        lines.append(part.name)
        for chapter in part.chapters:
            lines.append(chapter.title)
            for section in chapter.sections:
                lines.append(f"{section.numeral}、{section.title}")
                for entry in section.entries:
                    lines.append(f"{entry.number}.{entry.question}")
                    if entry.answer:
                        lines.append("答：")
                        lines.extend(entry.answer.splitlines())
    return "\n".join(lines) + "\n"


# --- Lines -----------------------------------------------------------------


def _ends_sentence(text: str) -> bool:
    return text.rstrip(CLOSERS).endswith(SENTENCE_END) or text.endswith(SENTENCE_END)


def _starts_block(text: str) -> bool:
    return bool(
        PART_HEADING.match(text)
        or SECTION_HEADING.match(text)
        or NUMBERED_TEXT.match(text)
        or POINT.match(text)
        or LABEL_NUMBER.match(text)
        # 答： never continues a line: it starts an answer (or is out of place).
        or ANSWER_PREFIX.match(text)
        or (BRACKET_NUMBER.match(text) and text.endswith(("？", "?")))
        # `123456.问？`: reported on its own (see _unusable_number), never joined.
        or (LONG_NUMBER.match(text) and _has_question_mark(text))
    )


def _logical_lines(text: str, held_apart: set[int] | None = None) -> list[tuple[int, str]]:
    """Physical lines joined where the PDF broke them, with their first line number.

    `held_apart` receives the numbers of the lines not joined to the line before
    only because they may be a chapter heading.
    """
    physical: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        # Control characters (a NUL from a bad extraction) are never content.
        line = CONTROL.sub("", raw).replace("\u3000", " ").strip()
        if WEB_NOTICE.search(line):
            # Only the notice is not content: `…以点带面。因篇幅问题…` keeps its sentence.
            line = WEB_NOTICE.sub("", line).strip()
            if not line:
                continue
        physical.append((number, line))

    following = [line for _number, line in physical if line]
    joined: list[tuple[int, str]] = []
    open_line = False  # the last joined line awaits its continuation
    position = -1  # in `following`
    for number, line in physical:
        if not line:
            open_line = False
            continue
        position += 1
        after = following[position + 1] if position + 1 < len(following) else ""
        joins = (
            open_line
            and joined
            and not _starts_block(line)
            and not PART_HEADING.match(joined[-1][1])
        )
        if joins and _chapter_like(line) and _section_heading(after):
            # A short line before a section heading may be a chapter's: the
            # parser decides (see `_starts_chapter`), and notes the doubt.
            joins = False
            if held_apart is not None:
                held_apart.add(number)
        if joins:
            first, previous = joined[-1]
            joined[-1] = (first, previous + line)
        else:
            joined.append((number, line))
        open_line = _is_open(joined[-1][1])
    return joined


def _is_heading_line(text: str) -> bool:
    return bool(PART_HEADING.match(text) or SECTION_HEADING.match(text) or SUBHEADING.match(text))


def _is_open(text: str) -> bool:
    """The line awaits its continuation on the next (the PDF broke it)."""
    return not _ends_sentence(text) and not _is_heading_line(text)


def _chapter_like(text: str) -> bool:
    """A short unnumbered line that is not a sentence: the shape of a chapter heading."""
    return not (
        len(text) > CHAPTER_MAX
        or _starts_block(text)
        or _ends_sentence(text)
        or _numbering(text) is not None
    )


def _section_heading(text: str) -> re.Match[str] | None:
    """A section heading as it stands between entries (not ending like a sentence)."""
    heading = SECTION_HEADING.match(text)
    return heading if heading and not _ends_sentence(text) else None


def _numeral_value(numeral: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零三 → 103."""
    total = digit = 0
    for character in numeral:
        if character == "十":
            total += (digit or 1) * 10
            digit = 0
        elif character == "百":
            total += (digit or 1) * 100
            digit = 0
        else:
            digit = NUMERAL_DIGITS[character]
    return total + digit


def _list_numeral(text: str) -> int | None:
    """The value of `二、` starting a line, as a section heading or a point of an answer."""
    match = SECTION_NUMERAL.match(text)
    return _numeral_value(match.group(1)) if match else None


def _is_question(text: str) -> bool:
    """The line starts one or more questions (as the first line of a section may)."""
    numbering = _numbering(text)
    return numbering is not None and _split_questions(text, numbering) is not None


def _answer_lines(text: str) -> list[str]:
    """One answer line, split where it holds several numbered points."""
    text = tidy_spaces(LABEL_POINT.sub(r"（\1）", text))
    if POINT.match(text):
        return [p.strip() for p in INLINE_POINTS.split(text) if p.strip()]
    return [text]


@dataclass(frozen=True)
class _Numbering:
    """A line numbered like a question: the number, how, and where the question starts."""

    number: int
    # "plain" 3.问, "label" 第3题：问, "spaced" 3. 问, "bracket" （3）问
    style: str
    text_start: int


def _numbering(text: str) -> _Numbering | None:
    for style, pattern in (
        ("plain", NUMBERED_TEXT),
        ("label", LABEL_NUMBER),
        ("spaced", SPACED_NUMBER),
        ("bracket", BRACKET_NUMBER),
    ):
        if match := pattern.match(text):
            return _Numbering(int(match.group(1)), style, match.end())
    return None


def _split_questions(
    text: str, numbering: _Numbering | None = None
) -> tuple[list[tuple[int, str]], str] | None:
    """The questions a line starts with, and any answer text after them.

    A number directly followed by text starts a question, which runs to the
    last ？ before the next such number: `8.嫌利率高怎么办?价格确实不低,怎样解释? 能否打折?`
    is one question of three sentences (the asker's context between them);
    `12.如何…？13.怎样…？` holds two; `3.什么是三品？答：…` a question and an answer.
    After a sentence end (。！), the next number of the numbering starts a question
    too, when the text before it holds a ？: `1.如何寻找客户？请举例。2.如何选择客户？`
    holds two, the first ending in its request.
    The first question may be numbered otherwise (`numbering`: `第7题：`, `3. `, `（4）`).
    None when the line is not a run of questions (a question without ？, or
    text after the last ？ that is not an answer).
    """
    if numbering is None:
        first = QUESTION_START.match(text)
        if first is None:
            return None
        numbering = _Numbering(int(first.group(1)), "plain", first.end())
    # (number, where its number starts, where its text starts, after a sentence end)
    starts = [(numbering.number, 0, numbering.text_start, False)]
    for match in QUESTION_START.finditer(text, numbering.text_start):
        before = text[match.start() - 1]
        number = int(match.group(1))
        if before in "？? \t":
            starts.append((number, match.start(), match.end(), False))
        elif (
            before in QUESTION_AFTER_SENTENCE
            and number == starts[-1][0] + 1
            and _has_question_mark(between := text[starts[-1][2] : match.start()])
            # `3.问？答：…。4.…`: the answer of question 3 runs on (as before).
            and not ANSWER_AFTER_QUESTION.search(between)
        ):
            # `1.如何寻找客户？请举例。2.如何选择客户？`: the asker's request ends
            # question 1, and the next number of the numbering starts question 2.
            starts.append((number, match.start(), match.end(), True))
    questions: list[tuple[int, str]] = []
    rest = ""
    for index, (number, _start, text_start, _after_sentence) in enumerate(starts):
        last = index + 1 == len(starts)
        end = len(text) if last else starts[index + 1][1]
        body = text[text_start:end].strip()
        if last and (answer := ANSWER_AFTER_QUESTION.search(body)):
            body, rest = body[: answer.start() + 1], body[answer.end() :].strip()
        cut = max(body.rfind("？"), body.rfind("?"))
        # A question ends in ？, or (before a number after a sentence end) in
        # that sentence: `如何寻找客户？请举例。`.
        ends_in_sentence = not last and starts[index + 1][3]
        if cut == -1 or (body[cut + 1 :].strip() and not ends_in_sentence):
            return None
        questions.append((number, tidy_spaces(body)))
    return questions, rest


def _has_question_mark(text: str) -> bool:
    return "？" in text or "?" in text


def _unusable_number(line: str, split: tuple[list[tuple[int, str]], str] | None) -> str:
    """Why no entry may have the number of a question this line starts (playbook.models:
    1 to ENTRY_NUMBER_MAX): 0 (`0.问？`), or five digits and more (`123456.问？`, which the
    numberings do not read as a question's). Empty when the line starts no such question."""
    from playbook.models import ENTRY_NUMBER_MAX, ENTRY_NUMBER_MIN

    if split is not None:
        questions, _rest = split
        numbers = [n for n, _q in questions if not ENTRY_NUMBER_MIN <= n <= ENTRY_NUMBER_MAX]
    elif long := LONG_NUMBER.match(line):
        number = int(next(digits for digits in long.groups() if digits))
        question = _split_questions(line, _Numbering(number, "plain", long.end()))
        numbers = [number] if question is not None else []
    else:
        numbers = []
    if not numbers:
        return ""
    return _("its number %(number)d is not between %(min)d and %(max)d") % {
        "number": numbers[0],
        "min": ENTRY_NUMBER_MIN,
        "max": ENTRY_NUMBER_MAX,
    }


# --- The parser --------------------------------------------------------------


def parse_handbook(text: str) -> Handbook:
    """Parse the handbook's text; raise HandbookFormatError naming every line out of place.

    After a line out of place, the parser goes on from the next heading (or
    question) that gives it its bearings again, so that one refusal names all
    the file's problems: its errors, and the lines it could not place and its
    notes, in the order of their lines.
    """
    handbook = Handbook()
    errors: list[HandbookFormatError] = []
    notes: list[ParseNote] = []  # the parser's; `_notes` adds those of the structure
    failed_parts: set[int] = set()  # the lines of the parts with an error
    part: ParsedPart | None = None
    chapter: ParsedChapter | None = None
    section: ParsedSection | None = None
    answer: list[str] | None = None
    pending: list[tuple[int, str, int]] = []  # questions awaiting their answer
    numbers_seen: dict[int, int] = {}
    # After an error, the lines up to the next heading of this level ("part",
    # "section") or question ("entry") are skipped: they would only repeat it.
    skip: str | None = None
    # A line left out: the lines after it, up to the next question or heading,
    # may be its answer, and are left out too.
    orphan_of: int | None = None

    def fail(error: HandbookFormatError) -> None:
        errors.append(error)
        if part is not None:
            failed_parts.add(part.line)

    def leave_out(line_number: int, line: str, reason: str) -> None:
        after = pending[-1][0] if pending else None
        handbook.unplaced.append(UnplacedLine(line_number, line, after, reason))

    def leave_out_orphan(line_number: int, line: str) -> None:
        """A line after one that could not be placed: it may be that line's answer."""
        leave_out(
            line_number,
            line,
            _("it may be the answer of line %(line)d, which could not be placed")
            % {"line": orphan_of},
        )

    def finish_entry() -> None:
        nonlocal answer, orphan_of
        if section is not None and pending:
            for index, (number, question, line) in enumerate(pending):
                # Questions sharing a line share nothing but the line: only the
                # last one has the answer that follows.
                body = "\n".join(answer or []) if index == len(pending) - 1 else ""
                section.entries.append(ParsedEntry(number, question, body, line))
        pending.clear()
        answer = None
        orphan_of = None

    held_apart: set[int] = set()
    lines = _logical_lines(text, held_apart)
    for index, (line_number, line) in enumerate(lines):
        if PART_HEADING.match(line):
            finish_entry()
            skip = None
            for earlier in handbook.parts:
                if earlier.name == line:
                    fail(
                        HandbookFormatError(
                            line_number,
                            _("a new part (%(name)s is already on line %(line)d)")
                            % {"name": line, "line": earlier.line},
                            line,
                        )
                    )
            part = ParsedPart(line, line_number)
            handbook.parts.append(part)
            chapter = section = None
            numbers_seen = {}
            continue
        if skip == "part":
            continue
        if part is None:
            fail(
                HandbookFormatError(
                    line_number, _("a part heading (a short line ending in 篇)"), line
                )
            )
            skip = "part"
            continue
        if chapter is None:
            if not _chapter_like(line):
                fail(
                    HandbookFormatError(
                        line_number, _("a chapter heading (a short line after the part)"), line
                    )
                )
                skip = "section"
                line = ""  # a chapter without a title stands in, to go on with
            chapter = ParsedChapter(line, line_number)
            part.chapters.append(chapter)
            continue
        following = lines[index + 1 : index + 3]
        if (
            pending
            and section is not None
            and _chapter_like(line)
            and following
            and _section_heading(following[0][1])
        ):
            # `维护客户关系` then `二、增进联系` in the answer of an entry: a new
            # chapter; `分三方面看` then `一、看人品` `二、看物品`: the answer's list.
            starts = _starts_chapter(section, [text for _n, text in following])
            in_list = _in_answer_list(following[0][1], answer or [], following[1:])
            if starts and not in_list:
                finish_entry()
                skip = None
                if line_number in held_apart:
                    notes.append(
                        ParseNote(
                            line_number,
                            _(
                                "Line %(line)d: %(title)s is taken as a chapter heading, "
                                "although the line before it does not end its sentence."
                            )
                            % {"line": line_number, "title": line},
                        )
                    )
                chapter = ParsedChapter(line, line_number)
                part.chapters.append(chapter)
                section = None
                continue
            if starts or not in_list:
                if starts:
                    reason = _("it may be a chapter heading or a line of the list in the answer")
                else:
                    reason = _(
                        "it looks like a chapter heading, but the section heading after it "
                        "cannot start a chapter"
                    )
                leave_out(line_number, line, reason)
                orphan_of = line_number
                continue
        heading = SECTION_HEADING.match(line)
        placement = "section" if heading and not _ends_sentence(line) else "answer"
        if heading and pending and section is not None:
            assert answer is not None
            placement, message = _place_heading(
                heading,
                (line_number, line),
                section=section,
                chapter=chapter,
                answer=answer,
                following=following[:1],
                entry=pending[-1][0],
            )
            if placement == "unplaced":
                leave_out(line_number, line, message)
                # Unless the next question follows, the lines after it are its own.
                if not (following and _is_question(following[0][1])):
                    orphan_of = line_number
                continue
            if message:
                notes.append(ParseNote(line_number, message))
        if placement == "section":
            assert heading is not None
            finish_entry()
            skip = None
            section = ParsedSection(heading.group(1), heading.group(2).strip(), line_number)
            try:
                _refuse_repeated_section(chapter, section)
            except HandbookFormatError as error:
                fail(error)
            chapter.sections.append(section)
            continue
        if skip == "section":
            continue
        if section is None:
            fail(
                HandbookFormatError(
                    line_number, _("a section heading (a Chinese numeral and 、)"), line
                )
            )
            skip = "section"
            continue
        numbering = _numbering(line)
        split = _split_questions(line, numbering) if numbering else None
        if reason := _unusable_number(line, split):
            # `0.问？` or `123456.问？`: no entry may have that number. Not imported,
            # and not run into the previous answer.
            leave_out(line_number, line, reason)
            orphan_of = line_number
            continue
        if split is not None and pending and numbering and numbering.style in SHARED_NUMBERINGS:
            follows = bool(split[1]) or (
                index + 1 < len(lines) and ANSWER_PREFIX.match(lines[index + 1][1]) is not None
            )
            takes = _takes_question(numbering, pending[-1][0], answer or [], follows)
            if takes is None:
                # `20. 怎么办？` in the answer of entry 6: a point, or question 20?
                leave_out(
                    line_number,
                    line,
                    _(
                        "it looks like question %(number)d, but that number cannot follow entry %(entry)d"
                    )
                    % {"number": numbering.number, "entry": pending[-1][0]},
                )
                orphan_of = line_number
                continue
            if not takes:
                split = None  # a point of the answer
        if split is not None:
            finish_entry()
            skip = None
            questions, rest = split
            for number, question in questions:
                if number in numbers_seen:
                    fail(
                        HandbookFormatError(
                            line_number,
                            _("a new entry number (%(number)d is already used on line %(line)d)")
                            % {"number": number, "line": numbers_seen[number]},
                            line,
                        )
                    )
                else:
                    numbers_seen[number] = line_number
                pending.append((number, question, line_number))
            answer = _answer_lines(rest) if rest else []
            continue
        if skip == "entry":
            continue
        if not pending and orphan_of is not None:
            # The section's first question was left out: the lines after it are its own.
            leave_out_orphan(line_number, line)
            continue
        if not pending:
            fail(
                HandbookFormatError(
                    line_number, _("a question (a number, a dot and text ending in ？)"), line
                )
            )
            skip = "entry"
            continue
        if numbering and _numbered_like_a_question(numbering, pending[-1][0], answer or []):
            # `9.客户请吃饭怎么处理` (no ？) or `9.什么是三品？人品…` after entry 8: the
            # next question, or a point of the answer? Not guessed, and not run
            # into the previous answer: reported, and left out.
            leave_out(line_number, line, _("it is numbered like a question but does not end in ？"))
            orphan_of = line_number
            continue
        if orphan_of is not None:
            leave_out_orphan(line_number, line)
            continue
        if answer and ANSWER_PREFIX.match(line):
            # The answer has begun: a second 答： may start the answer of a
            # question the parser did not see. Not run into this answer.
            leave_out(line_number, line, _("a second 答： inside the answer"))
            orphan_of = line_number
            continue
        if not answer:
            line = ANSWER_PREFIX.sub("", line)
            if not line:
                continue
        assert answer is not None
        if line_number in held_apart and answer:
            # Not a chapter heading after all: the rest of the line before.
            answer[-1] = tidy_spaces(answer[-1] + line)
            continue
        answer.extend(_answer_lines(line))
    finish_entry()

    if not handbook.parts and not errors:
        fail(HandbookFormatError(1, _("a part heading (a short line ending in 篇)")))
    for parsed_part in handbook.parts:
        if not parsed_part.entries and parsed_part.line not in failed_parts:
            fail(
                HandbookFormatError(
                    parsed_part.line,
                    _("questions in this part (a number, a dot and text ending in ？)"),
                )
            )
    handbook.notes = sorted([*notes, *_notes(handbook)], key=lambda note: note.line)
    if errors:
        raise _refusal(errors, handbook)
    return handbook


# The numberings a point of an answer may have too.
SHARED_NUMBERINGS = ("spaced", "bracket")


def _in_answer_list(heading: str, answer: list[str], following: list[tuple[int, str]]) -> bool:
    """`二、看物品` continues a list of the answer (it holds `一、`), or `一、` starts one (`二、` follows)."""
    value = _list_numeral(heading)
    if value is None:
        return False
    if value == 1:
        return bool(following) and _list_numeral(following[0][1]) == 2
    return any(_list_numeral(line) == value - 1 for line in answer)


def _starts_chapter(section: ParsedSection, following: list[str]) -> bool:
    """`一、` (or the numeral after the last section's) and a question: a new chapter's start."""
    heading = _section_heading(following[0])
    if heading is None or len(following) < 2 or not _is_question(following[1]):
        return False
    value = _numeral_value(heading.group(1))
    return value in (1, _numeral_value(section.numeral) + 1)


def _place_heading(
    heading: re.Match[str],
    numbered_line: tuple[int, str],
    *,
    section: ParsedSection,
    chapter: ParsedChapter,
    answer: list[str],
    following: list[tuple[int, str]],
    entry: int,
) -> tuple[str, str]:
    """Where `二、…` in the answer of `entry` goes: "section", "answer" or "unplaced".

    A section heading takes the next numeral and a question follows it (a
    section is never left empty); a point of the answer continues a list of
    it (`一、` … `二、`); what is neither, or both, is left out and reported.
    With a message: for "unplaced" its reason, else a note when the other
    reading was possible (a heading ending like a sentence, a point that
    could be the next section's heading).
    """
    line_number, line = numbered_line
    numeral, title = heading.group(1), heading.group(2).strip()
    follows = _numeral_value(numeral) == _numeral_value(section.numeral) + 1
    section_next = follows and bool(following) and _is_question(following[0][1])
    ends = _ends_sentence(line)
    if _in_answer_list(line, answer, following):
        if not section_next:
            return "answer", ""
        if not ends:
            return "unplaced", _(
                "it may be the heading of a new section or a point of the list in the answer"
            )
        return "answer", _(
            "Line %(line)d: %(heading)s is taken as a point of the list in the answer of "
            "entry %(entry)d; a question follows it, so it may be a section heading."
        ) % {"line": line_number, "heading": line, "entry": entry}
    if section_next:
        if not ends:
            return "section", ""
        return "section", _(
            "Line %(line)d: %(heading)s ends like a sentence; it is taken as the heading "
            "of a new section, as a question follows it."
        ) % {"line": line_number, "heading": line}
    if not ends and any(s.numeral == numeral or s.title == title for s in chapter.sections):
        return "section", ""  # refused as a repeated section (`_refuse_repeated_section`)
    if not follows:
        return "unplaced", _(
            "it looks like a section heading, but it does not follow section %(section)s"
        ) % {"section": f"{section.numeral}、{section.title}"}
    return "unplaced", _("it looks like a section heading, but no question follows it")


def _takes_question(
    numbering: _Numbering, last_entry: int, answer: list[str], answer_follows: bool
) -> bool | None:
    """Whether `3. 问？` or `（4）问？` in the answer of `last_entry` starts the next entry.

    Yes when 答： follows it (on its line or the next); no when it is a point
    of the answer (a list's first, or the next of one in it); yes when its
    number is the next question's (up to QUESTION_GAP past the last entry);
    else None: neither is guessed.
    """
    if answer_follows:
        return True
    if numbering.number == 1 or _continues_list(numbering, answer):
        return False
    if last_entry < numbering.number <= last_entry + QUESTION_GAP:
        return True
    return None


def _numbered_like_a_question(numbering: _Numbering, last_entry: int, answer: list[str]) -> bool:
    """A line that is not a question, but numbered like one: not run into the answer."""
    if numbering.style == "label":
        return True  # 第9题 numbers nothing but questions
    if numbering.style == "plain":
        # `7.客户请吃饭怎么处理` after entry 2: numbers in a part may skip, by
        # any amount; `1.看人品；` and `2.看物品；` after it are points of the answer.
        continues_list = _continues_list(numbering, answer)
        return numbering.number > last_entry and not continues_list
    return False  # `3. ` and `（4）` without ？: points of the answer


def _continues_list(numbering: _Numbering, answer: list[str]) -> bool:
    """The answer has the point before this one, numbered alike."""
    previous = numbering.number - 1
    if numbering.style == "bracket":
        pattern = re.compile(rf"[（(]{previous}[）)]")
    else:
        pattern = re.compile(rf"{previous}[.．]")
    return any(pattern.match(line) for line in answer)


def _notes(handbook: Handbook) -> list[ParseNote]:
    """Sections without entries, entries without an answer, and jumps in the numbering."""
    notes: list[ParseNote] = []
    for part in handbook.parts:
        for chapter in part.chapters:
            for section in chapter.sections:
                if not section.entries:
                    notes.append(
                        ParseNote(
                            section.line,
                            _("Line %(line)d: section %(section)s has no entries.")
                            % {
                                "line": section.line,
                                "section": f"{section.numeral}、{section.title}",
                            },
                        )
                    )
                previous: ParsedEntry | None = None
                for entry in section.entries:
                    # A repeated number is an error of its own, not a jump.
                    if previous is not None and entry.number not in (
                        previous.number,
                        previous.number + 1,
                    ):
                        notes.append(
                            ParseNote(
                                entry.line,
                                _(
                                    "Line %(line)d: the numbering jumps from %(previous)d to %(number)d."
                                )
                                % {
                                    "line": entry.line,
                                    "previous": previous.number,
                                    "number": entry.number,
                                },
                            )
                        )
                    if not entry.answer:
                        notes.append(_no_answer(entry, section.entries))
                    previous = entry
    return sorted(notes, key=lambda note: note.line)


def _no_answer(entry: ParsedEntry, entries: list[ParsedEntry]) -> ParseNote:
    last_on_line = [e for e in entries if e.line == entry.line][-1]
    if last_on_line is entry:
        message = _("Line %(line)d: entry %(number)d has no answer.")
    else:
        message = _(
            "Line %(line)d: entry %(number)d has no answer of its own; "
            "the answer after this line is entry %(last)d's."
        )
    return ParseNote(
        entry.line,
        message % {"line": entry.line, "number": entry.number, "last": last_on_line.number},
    )


def _refusal(errors: list[HandbookFormatError], handbook: Handbook) -> HandbookFormatError:
    """One error naming every problem of the file, in the order of their lines."""
    problems = sorted(
        [
            *((error.line, str(error)) for error in errors),
            *((line.line, str(line)) for line in handbook.unplaced),
            *((note.line, str(note)) for note in handbook.notes),
        ],
        key=lambda problem: problem[0],
    )
    messages = [message for _line, message in problems]
    if len(messages) > MAX_PROBLEMS:
        hidden = len(messages) - MAX_PROBLEMS
        messages = [
            *messages[:MAX_PROBLEMS],
            _("More problems not shown: %(count)d.") % {"count": hidden},
        ]
    first = min(errors, key=lambda error: error.line)
    return HandbookFormatError(first.line, first.expected, first.found, problems=messages)


def _refuse_repeated_section(chapter: ParsedChapter, section: ParsedSection) -> None:
    """Sections are known by their numeral, and their titles are unique in a chapter."""
    for earlier in chapter.sections:
        if section.numeral == earlier.numeral or section.title == earlier.title:
            raise HandbookFormatError(
                section.line,
                _("a new section (%(section)s repeats the section on line %(line)d)")
                % {"section": f"{section.numeral}、{section.title}", "line": earlier.line},
                f"{section.numeral}、{section.title}",
            )


# --- Topics ------------------------------------------------------------------


def propose_topics(question: str, answer: str, keywords: Mapping[str, Iterable[str]]) -> list[str]:
    """The topics (slugs) one of whose keywords is a word of the entry's question or answer.

    Words, not substrings: 保证人 (a guarantor) is not 保证 (a promise). A
    keyword jieba splits (贷款调查 → 贷款 调查) matches those words in a row.
    """
    tokens = text_tokens(f"{question}\n{answer}")
    return [slug for slug, words in keywords.items() if any(_has_run(tokens, w) for w in words)]


def _has_run(tokens: list[str], keyword: str) -> bool:
    run = term_words(keyword)
    if len(run) == 1:
        return run[0] in tokens
    return any(tokens[i : i + len(run)] == run for i in range(len(tokens) - len(run) + 1))


# --- The upsert ----------------------------------------------------------------


PREVIEW_QUESTION_CHARS = 24
PREVIEW_ANSWER_CHARS = 40


@dataclass(frozen=True)
class EntryPreview:
    """An entry as the import sees it: enough of it to notice two run together."""

    part: str
    number: int
    status: str  # "created", "updated", "renumbered" or "unchanged"
    question: str
    answer: str
    # The number a renumbered entry had.
    from_number: int | None = None


@dataclass(frozen=True)
class MovedText:
    """An entry the stored handbook had run into another entry's answer, now its own."""

    part: str
    number: int
    from_number: int


@dataclass(frozen=True)
class RenumberedEntry:
    """A stored entry that takes another number: the same row, with everything readers
    attached to it (notes, bookmarks, flags, reading records, assignments).

    Either the file has its question under another number, or (`missing`) the file no
    longer has it and another entry takes its number: it is kept, after the last.
    """

    part: str
    from_number: int
    number: int
    question: str
    # Its question or answer changed too (a new revision).
    revised: bool = False
    missing: bool = False

    def __str__(self) -> str:
        values = {"from": self.from_number, "number": self.number, "question": self.question}
        if self.missing:
            return (
                _("Not in the file, kept after the last entry: %(from)d → %(number)d %(question)s")
                % values
            )
        if self.revised:
            return _("Moved, its text changed: %(from)d → %(number)d %(question)s") % values
        return _("Moved: %(from)d → %(number)d %(question)s") % values


@dataclass(frozen=True)
class RewordedEntry:
    """The file has another question under a stored entry's number: that entry, reworded."""

    part: str
    number: int
    old_question: str
    question: str

    def __str__(self) -> str:
        return _("Question reworded: %(number)d %(old)s → %(question)s") % {
            "number": self.number,
            "old": self.old_question,
            "question": self.question,
        }


@dataclass(frozen=True)
class AmbiguousQuestion:
    """A question more than once in the file or in the stored part: matched by number."""

    part: str
    question: str
    in_file: tuple[int, ...]
    stored: tuple[int, ...]

    def __str__(self) -> str:
        return _(
            "The question %(question)s is more than once in the file (%(in_file)s) or "
            "in the stored handbook (%(stored)s): matched by number, not by question."
        ) % {
            "question": self.question,
            "in_file": ", ".join(map(str, self.in_file)),
            "stored": ", ".join(map(str, self.stored)),
        }


@dataclass
class ImportResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    # Stored entries the file has under other numbers (their new numbers are in none
    # of the lists above).
    renumbered: list[RenumberedEntry] = field(default_factory=list)
    # Updated entries whose question changed under the same number.
    reworded: list[RewordedEntry] = field(default_factory=list)
    # Questions not matched by their text because they are there more than once.
    ambiguous: list[AmbiguousQuestion] = field(default_factory=list)
    # Stored entries the file no longer has: kept (readers' notes and progress
    # hang on them), and reported so that an administrator can remove them.
    missing: list[Entry] = field(default_factory=list)
    # Those of them whose number another entry takes now: kept after the last entry.
    set_aside: list[RenumberedEntry] = field(default_factory=list)
    # Chapters and sections the file no longer has and that are left empty: removed.
    removed: list[str] = field(default_factory=list)
    entries: list[EntryPreview] = field(default_factory=list)
    moved: list[MovedText] = field(default_factory=list)
    unplaced: list[UnplacedLine] = field(default_factory=list)
    # Empty answers and jumps in the numbering: imported as they are, to be checked.
    notes: list[ParseNote] = field(default_factory=list)
    dry_run: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }

    @property
    def matching(self) -> list[AmbiguousQuestion | RenumberedEntry | RewordedEntry]:
        """How stored entries were matched where it was not plain: one line each."""
        return [*self.ambiguous, *self.renumbered, *self.reworded, *self.set_aside]


class _DryRunRollback(Exception):
    pass


def import_handbook(
    handbook: Handbook, *, dry_run: bool = False, editor: User | None = None
) -> ImportResult:
    """Upsert the parsed handbook in one transaction (rolled back when `dry_run`)."""
    result = ImportResult(
        dry_run=dry_run, unplaced=list(handbook.unplaced), notes=list(handbook.notes)
    )
    try:
        with transaction.atomic():
            for order, parsed_part in enumerate(handbook.parts, start=1):
                _import_part(parsed_part, order=order, editor=editor, result=result)
            if dry_run:
                raise _DryRunRollback
            # Bulk writes send no signals: the guidance boxes must forget the old handbook.
            from playbook.guidance_cache import forget_guidance

            transaction.on_commit(forget_guidance)
    except _DryRunRollback:
        pass
    except IntegrityError:
        # The parser refuses what would clash; this is the last guard (e.g. a
        # concurrent edit): the transaction is rolled back, nothing is half-imported.
        raise HandbookFormatError(
            1, _("a handbook that does not clash with the stored one; nothing was imported")
        ) from None
    return result


def _question_key(question: str) -> str:
    """A question as matching compares it: one form of its characters (full-width and
    traditional ones as the index has them), without spaces and punctuation."""
    return "".join(
        c
        for c in normalise(question).casefold()
        if not (c.isspace() or unicodedata.category(c).startswith("P"))
    )


def _match_entries(
    part: str, stored: list[Entry], parsed: list[ParsedEntry]
) -> tuple[dict[int, Entry], list[AmbiguousQuestion]]:
    """The stored entry each parsed entry is (keyed by the parsed number), and the doubts.

    A question is matched by its text first (the same text, then the same `_question_key`),
    so that a renumbered handbook keeps every row, and what hangs on it, with its
    question. A question more than once in the file or in the stored part is not
    matched by its text: it is reported and left to its number. The rest is matched by
    number: the same number with another question is that entry, reworded. A parsed
    entry left over is new; a stored one, missing from the file.
    """
    matched: dict[int, Entry] = {}
    taken: set[int] = set()  # stored pks
    # A question more than once: matched by its number only.
    doubtful_numbers: set[int] = set()
    doubtful_rows: set[int] = set()
    ambiguous: list[AmbiguousQuestion] = []
    for key in (str.strip, _question_key):
        settled_rows = taken | doubtful_rows
        settled_numbers = matched.keys() | doubtful_numbers
        rows_left = [row for row in stored if row.pk not in settled_rows]
        entries_left = [entry for entry in parsed if entry.number not in settled_numbers]
        if not rows_left or not entries_left:
            break
        in_store: dict[str, list[Entry]] = {}
        for row in rows_left:
            in_store.setdefault(key(row.question), []).append(row)
        in_file: dict[str, list[ParsedEntry]] = {}
        for entry in entries_left:
            in_file.setdefault(key(entry.question), []).append(entry)
        for text, entries in in_file.items():
            rows = in_store.get(text)
            if not text or not rows:
                continue
            if len(entries) == len(rows) == 1:
                matched[entries[0].number] = rows[0]
                taken.add(rows[0].pk)
                continue
            ambiguous.append(
                AmbiguousQuestion(
                    part,
                    entries[0].question,
                    tuple(entry.number for entry in entries),
                    tuple(sorted(row.number for row in rows)),
                )
            )
            doubtful_numbers.update(entry.number for entry in entries)
            doubtful_rows.update(row.pk for row in rows)
    free = {row.number: row for row in stored if row.pk not in taken}
    for entry in parsed:
        if entry.number not in matched and (row := free.get(entry.number)) is not None:
            matched[entry.number] = row
    return matched, ambiguous


def _import_part(
    parsed: ParsedPart, *, order: int, editor: User | None, result: ImportResult
) -> None:
    from playbook.models import Entry, EntryRevision, Part, Section, Topic

    part, _created = Part.objects.get_or_create(name=parsed.name, defaults={"order": order})
    stored = list(Entry.objects.filter(part=part).select_related("part"))
    # Past every number the part has or takes: free for entries set aside, then for
    # the temporary numbers of the renumbering.
    last = max([*(e.number for e in stored), *(e.number for e in parsed.entries)], default=0)
    matched, ambiguous = _match_entries(part.name, stored, parsed.entries)
    result.ambiguous.extend(ambiguous)
    keywords = {topic.slug: topic.keyword_list for topic in Topic.objects.all()}
    now = timezone.now()
    to_create: list[Entry] = []
    to_update: list[Entry] = []
    renumbered: list[Entry] = []  # stored rows that take another number

    kept_sections: set[int] = set()
    kept_chapters: set[int] = set()
    unchanged: list[Entry] = []  # this part's
    old_answers: dict[int, str] = {}  # of the entries this import updates
    for chapter_order, parsed_chapter in enumerate(parsed.chapters, start=1):
        chapter = _upsert_chapter(part, parsed, parsed_chapter, chapter_order, kept_chapters)
        kept_chapters.add(chapter.pk)
        stored_sections = list(Section.objects.filter(chapter=chapter).order_by("order", "pk"))
        for section_order, parsed_section in enumerate(parsed_chapter.sections, start=1):
            section = _upsert_section(
                chapter, parsed_chapter, parsed_section, section_order, stored_sections
            )
            kept_sections.add(section.pk)
            for parsed_entry in parsed_section.entries:
                entry = matched.get(parsed_entry.number)
                from_number = None
                if entry is None:
                    entry = Entry(
                        part=part,
                        section=section,
                        number=parsed_entry.number,
                        question=parsed_entry.question,
                        answer=parsed_entry.answer,
                        revised_at=now,
                    )
                    entry.fill_words()
                    to_create.append(entry)
                    result.created.append(entry.number)
                    status = "created"
                elif (entry.number, entry.question, entry.answer, entry.section_id) == (
                    parsed_entry.number,
                    parsed_entry.question,
                    parsed_entry.answer,
                    section.pk,
                ):
                    result.unchanged.append(entry.number)
                    unchanged.append(entry)
                    status = "unchanged"
                else:
                    old_answers[parsed_entry.number] = entry.answer
                    revised = (entry.question, entry.answer) != (
                        parsed_entry.question,
                        parsed_entry.answer,
                    )
                    if entry.number != parsed_entry.number:
                        from_number = entry.number
                        renumbered.append(entry)
                        result.renumbered.append(
                            RenumberedEntry(
                                part.name,
                                entry.number,
                                parsed_entry.number,
                                parsed_entry.question,
                                revised=revised,
                            )
                        )
                        status = "renumbered"
                    else:
                        if entry.question != parsed_entry.question:
                            result.reworded.append(
                                RewordedEntry(
                                    part.name,
                                    entry.number,
                                    entry.question,
                                    parsed_entry.question,
                                )
                            )
                        result.updated.append(entry.number)
                        status = "updated"
                    entry.number = parsed_entry.number
                    entry.section = section
                    entry.question = parsed_entry.question
                    entry.answer = parsed_entry.answer
                    entry.updated_at = now
                    # An edit page drawn before the import is refused (editing.entry_save).
                    entry.version = F("version") + 1
                    if revised:
                        entry.revised_at = now
                    entry.fill_words()
                    to_update.append(entry)
                result.entries.append(
                    EntryPreview(
                        part=part.name,
                        number=parsed_entry.number,
                        status=status,
                        question=_start_of(parsed_entry.question, PREVIEW_QUESTION_CHARS),
                        answer=_start_of(parsed_entry.answer, PREVIEW_ANSWER_CHARS),
                        from_number=from_number,
                    )
                )
    result.moved.extend(_moved_text(part.name, to_create, old_answers))

    # Entries the file no longer has are kept; one whose number another entry takes
    # now goes after the last entry (the numbers are unique within a part).
    matched_rows = {entry.pk for entry in matched.values()}
    missing = sorted((e for e in stored if e.pk not in matched_rows), key=lambda e: e.number)
    claimed = {entry.number for entry in parsed.entries}
    for entry in missing:
        if entry.number in claimed:
            last += 1
            result.set_aside.append(
                RenumberedEntry(part.name, entry.number, last, entry.question, missing=True)
            )
            entry.number = last
            entry.updated_at = now
            entry.version = F("version") + 1
            to_update.append(entry)
            renumbered.append(entry)
    result.missing.extend(missing)

    # Renumbering in two steps: first out of the way (past every number the part has
    # or takes), then to the new numbers, so that two entries may trade numbers
    # without ever holding the same one (checked row by row).
    Entry.objects.bulk_update(
        [Entry(pk=entry.pk, number=last + i) for i, entry in enumerate(renumbered, start=1)],
        ["number"],
        batch_size=500,
    )
    # bulk_create/bulk_update skip save(): the word columns were filled above,
    # and the database triggers keep the full-text index in step.
    Entry.objects.bulk_update(
        to_update,
        [
            "number",
            "section",
            "question",
            "answer",
            "question_words",
            "answer_words",
            "updated_at",
            "revised_at",
            "version",
        ],
        batch_size=500,
    )
    Entry.objects.bulk_create(to_create, batch_size=500)
    if to_create and not all(entry.pk for entry in to_create):
        # Backends that do not return ids from bulk inserts.
        by_number = dict(
            Entry.objects.filter(part=part, number__in=[e.number for e in to_create]).values_list(
                "number", "pk"
            )
        )
        for entry in to_create:
            entry.pk = by_number[entry.number]

    revised = [e for e in to_update if e.revised_at == now]
    last_numbers = _last_revision_numbers([e.pk for e in revised])
    EntryRevision.objects.bulk_create(
        [
            EntryRevision(
                entry=entry,
                number=last_numbers.get(entry.pk, 0) + 1,
                question=entry.question,
                answer=entry.answer,
                editor=editor,
                created_at=now,
            )
            for entry in [*to_create, *revised]
        ],
        batch_size=500,
    )

    _remove_empty(part, kept_chapters=kept_chapters, kept_sections=kept_sections, result=result)

    # Topics follow the words of every entry of the part (an earlier import may
    # have proposed them on substrings), except where an administrator chose them.
    topic_ids = dict(Topic.objects.values_list("slug", "pk"))
    through = Entry.topics.through
    missing_ids = {entry.pk for entry in missing}
    proposed = [
        entry
        for entry in [*to_create, *to_update, *unchanged]
        if not entry.topics_by_hand and entry.pk not in missing_ids
    ]
    through.objects.filter(entry__part=part, entry__topics_by_hand=False).exclude(
        entry_id__in=missing_ids
    ).delete()
    through.objects.bulk_create(
        [
            through(entry_id=entry.pk, topic_id=topic_ids[slug])
            for entry in proposed
            for slug in propose_topics(entry.question, entry.answer, keywords)
        ],
        batch_size=500,
    )


def _start_of(text: str, length: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[:length] + "…"


def _moved_text(part: str, created: list[Entry], old_answers: dict[int, str]) -> list[MovedText]:
    """New entries whose question an updated entry's stored answer held (two entries run together)."""
    moved = []
    for entry in created:
        probe = "".join(entry.question.split())[:12]
        for number, answer in old_answers.items():
            if probe and probe in "".join(answer.split()):
                moved.append(MovedText(part, entry.number, number))
                break
    return moved


def _upsert_chapter(
    part: Part, parsed_part: ParsedPart, parsed: ParsedChapter, order: int, kept: set[int]
) -> Chapter:
    """The chapter of this title, else the one at this position the file has retitled."""
    from playbook.models import Chapter

    titles = {c.title for c in parsed_part.chapters}
    stored = list(Chapter.objects.filter(part=part).order_by("order", "pk"))
    chapter = next((c for c in stored if c.title == parsed.title), None)
    if chapter is None:
        retitled = [c for c in stored if c.pk not in kept and c.title not in titles]
        chapter = next((c for c in retitled if c.order == order), None)
    if chapter is None:
        return Chapter.objects.create(part=part, title=parsed.title, order=order)
    if (chapter.title, chapter.order) != (parsed.title, order):
        chapter.title = parsed.title
        chapter.order = order
        chapter.save(update_fields=["title", "order"])
    return chapter


def _upsert_section(
    chapter: Chapter,
    parsed_chapter: ParsedChapter,
    parsed: ParsedSection,
    order: int,
    stored: list[Section],
) -> Section:
    """The section of this title (renumbered if need be), else the retitled one of this numeral.

    Titles are unique in a chapter, so a section is renamed only to a title no
    stored section has: two sections trading titles, or a section taking the
    title of one the file dropped, never clash.
    """
    from playbook.models import Section

    titles = {s.title for s in parsed_chapter.sections}
    section = next((s for s in stored if s.title == parsed.title), None)
    if section is None:
        section = next(
            (
                s
                for s in stored
                if s.numeral == parsed.numeral
                and s.title not in titles
                and not getattr(s, "claimed", False)
            ),
            None,
        )
    if section is None:
        section = Section.objects.create(
            chapter=chapter, numeral=parsed.numeral, title=parsed.title, order=order
        )
    elif (section.numeral, section.title, section.order) != (parsed.numeral, parsed.title, order):
        section.numeral = parsed.numeral
        section.title = parsed.title
        section.order = order
        section.save(update_fields=["numeral", "title", "order"])
    section.claimed = True
    return section


def _remove_empty(
    part: Part, *, kept_chapters: set[int], kept_sections: set[int], result: ImportResult
) -> None:
    """Remove the chapters and sections the file no longer has, once no entry is left in them."""
    from playbook.models import Chapter, Section

    empty_sections = Section.objects.filter(chapter__part=part, entries__isnull=True).exclude(
        pk__in=kept_sections
    )
    for section in empty_sections.select_related("chapter"):
        result.removed.append(f"{section.chapter.title} · {section}")
    empty_sections.delete()
    empty_chapters = Chapter.objects.filter(part=part, sections__isnull=True).exclude(
        pk__in=kept_chapters
    )
    result.removed.extend(chapter.title for chapter in empty_chapters)
    empty_chapters.delete()


def _last_revision_numbers(entry_ids: list[int]) -> dict[int, int]:
    from django.db.models import Max

    from playbook.models import EntryRevision

    if not entry_ids:
        return {}
    return dict(
        EntryRevision.objects.filter(entry_id__in=entry_ids)
        .values("entry_id")
        .annotate(last=Max("number"))
        .values_list("entry_id", "last")
    )


def import_text(
    data: bytes | str, *, dry_run: bool = False, editor: User | None = None
) -> ImportResult:
    """Decode, parse and upsert; HandbookFormatError before anything is written."""
    text = decode(data) if isinstance(data, bytes) else data
    return import_handbook(parse_handbook(text), dry_run=dry_run, editor=editor)

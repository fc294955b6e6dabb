"""Re-importing a renumbered handbook: each stored entry is found by its question, so
readers' notes, bookmarks, flags and progress stay with the question they were written on."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playbook import reading
from playbook.importer import import_text
from playbook.models import (
    Bookmark,
    Entry,
    EntryFlag,
    Part,
    PrivateNote,
    ReadingRecord,
    SearchLog,
)
from playbook.services import flag_raise, reading_assign, search_opened, search_record
from tests.playbook.test_import_large import confirm_fields

pytestmark = pytest.mark.django_db

HEAD = "市场营销篇\n建立客户关系\n一、寻找和选择客户\n"
FIND = "怎样寻找客户？"
PINS = "什么是三品？"
DISTANCE = "怎样与客户保持适当的距离？"
GUARD = "门卫不让进怎么办？"
ANSWERS = {
    FIND: "从熟悉的行业和商圈开始。",
    PINS: "人品、物品、产品。",
    DISTANCE: "服务好，但不失公正。",
    GUARD: "记下所见，再找引荐人。",
}


def handbook(*questions: str, answers: dict[str, str] = ANSWERS) -> str:
    """The handbook with these questions numbered 1, 2, … in one section."""
    body = "".join(
        f"{number}.{question}\n答：{answers.get(question, '答。')}\n"
        for number, question in enumerate(questions, start=1)
    )
    return HEAD + body


def entry(question: str) -> Entry:
    return Entry.objects.get(question=question)


@pytest.fixture(autouse=True)
def english():
    # The report's lines are checked in English, whatever the catalogue holds.
    with translation.override("en"):
        yield


@pytest.fixture
def read_and_annotated(people, supervisor):
    """Entries 1–3 imported; the trainee read all three and wrote on 2 (什么是三品)."""
    import_text(handbook(FIND, PINS, DISTANCE))
    trainee = people.trainee
    for question in (FIND, PINS, DISTANCE):
        reading.mark_read(trainee, entry(question))
    pins = entry(PINS)
    reading.save_note(trainee, pins, "人品、物品、产品")
    reading.toggle_bookmark(trainee, pins)
    flag_raise(entry=pins, by=trainee, reason="unclear", comment="三品不好记")
    log = search_record(user=trainee, query="三品", result_count=1)
    search_opened(user=trainee, log_id=log.pk, entry=pins)
    reading_assign(
        trainee=trainee,
        by=supervisor,
        due_on=timezone.localdate() + timedelta(days=7),
        entries=[pins],
    )
    return trainee


def attachments(trainee, row: Entry) -> dict[str, int]:
    return {
        "notes": PrivateNote.objects.filter(user=trainee, entry=row).count(),
        "bookmarks": Bookmark.objects.filter(user=trainee, entry=row).count(),
        "flags": EntryFlag.objects.filter(raised_by=trainee, entry=row).count(),
        "reads": ReadingRecord.objects.filter(user=trainee, entry=row).count(),
        "searches": SearchLog.objects.filter(opened_entry=row).count(),
        "assignments": row.assignments.count(),
    }


NOTHING = {"notes": 0, "bookmarks": 0, "flags": 0, "reads": 0, "searches": 0, "assignments": 0}
EVERYTHING = {"notes": 1, "bookmarks": 1, "flags": 1, "reads": 1, "searches": 1, "assignments": 1}


# --- A question inserted: the ones after it move, with what readers attached ---------


def test_an_inserted_question_moves_the_later_ones_with_their_notes_and_progress(
    read_and_annotated,
):
    trainee = read_and_annotated
    pins_pk = entry(PINS).pk

    result = import_text(handbook(FIND, GUARD, PINS, DISTANCE))

    pins = entry(PINS)
    assert (pins.pk, pins.number) == (pins_pk, 3)
    assert attachments(trainee, pins) == EVERYTHING
    assert PrivateNote.objects.get(user=trainee).entry == pins
    guard = entry(GUARD)
    assert guard.number == 2
    assert attachments(trainee, guard) == NOTHING
    # The trainee read the three questions they opened, not the new one.
    assert reading.overall_progress(trainee).read == 3
    assert reading.next_unread(trainee) == guard
    assert pins.revisions.count() == 1  # a move is not a revision

    assert result.counts == {"created": 1, "updated": 0, "unchanged": 1}
    assert result.created == [2] and result.unchanged == [1]
    assert [str(move) for move in result.renumbered] == [
        f"Moved: 2 → 3 {PINS}",
        f"Moved: 3 → 4 {DISTANCE}",
    ]
    assert result.reworded == [] and result.missing == [] and result.ambiguous == []
    assert [(e.number, e.status, e.from_number) for e in result.entries] == [
        (1, "unchanged", None),
        (2, "created", None),
        (3, "renumbered", 2),
        (4, "renumbered", 3),
    ]


def test_the_dry_run_lists_the_moves_and_writes_nothing(read_and_annotated):
    result = import_text(handbook(FIND, GUARD, PINS, DISTANCE), dry_run=True)

    assert [(m.from_number, m.number, m.question) for m in result.renumbered] == [
        (2, 3, PINS),
        (3, 4, DISTANCE),
    ]
    assert [str(line) for line in result.matching] == [
        f"Moved: 2 → 3 {PINS}",
        f"Moved: 3 → 4 {DISTANCE}",
    ]
    assert list(Entry.objects.order_by("number").values_list("question", flat=True)) == [
        FIND,
        PINS,
        DISTANCE,
    ]


def test_the_command_reports_the_moves(read_and_annotated, tmp_path: Path):
    path = tmp_path / "handbook.txt"
    path.write_text(handbook(FIND, GUARD, PINS, DISTANCE), encoding="utf-8")
    out = StringIO()
    call_command("import_handbook", str(path), "--dry-run", stdout=out)
    call_command("import_handbook", str(path), stdout=out)
    report = out.getvalue()
    assert "Dry run, nothing written: 1 created, 0 updated, 1 unchanged, 2 moved." in report
    assert report.count(f"Moved: 2 → 3 {PINS}") == 2
    assert entry(PINS).number == 3


def test_the_upload_preview_lists_the_moves(read_and_annotated, admin_client_):
    data = handbook(FIND, GUARD, PINS, DISTANCE).encode()
    response = admin_client_.post(
        reverse("playbook:import"),
        {"file": SimpleUploadedFile("handbook.txt", data), "preview": ""},
    )
    html = response.content.decode()
    assert '<dd data-count="renumbered">2</dd>' in html
    assert f"2 → 3 {PINS}</li>" in html  # in the site's language
    assert entry(PINS).number == 2


def test_the_confirmed_import_says_what_moved(read_and_annotated, admin_client_):
    preview = admin_client_.post(
        reverse("playbook:import"),
        {
            "file": SimpleUploadedFile(
                "handbook.txt", handbook(FIND, GUARD, PINS, DISTANCE).encode()
            ),
            "preview": "",
        },
    )
    fields = confirm_fields(preview.content.decode())
    done = admin_client_.post(reverse("playbook:import"), fields, follow=True)
    said = [str(message) for message in done.context["messages"]]
    assert any(f"2 → 3 {PINS}" in line for line in said), said
    assert entry(PINS).number == 3


# --- Two questions trade numbers --------------------------------------------------


def test_two_questions_may_trade_numbers(read_and_annotated):
    trainee = read_and_annotated
    before = {q: entry(q).pk for q in (FIND, PINS, DISTANCE)}

    result = import_text(handbook(FIND, DISTANCE, PINS))

    assert {q: (entry(q).pk, entry(q).number) for q in before} == {
        FIND: (before[FIND], 1),
        DISTANCE: (before[DISTANCE], 2),
        PINS: (before[PINS], 3),
    }
    assert attachments(trainee, entry(PINS)) == EVERYTHING
    assert [(m.from_number, m.number) for m in result.renumbered] == [(3, 2), (2, 3)]
    assert result.counts == {"created": 0, "updated": 0, "unchanged": 1}


def test_a_question_moved_to_another_section_and_number_keeps_its_readers(read_and_annotated):
    trainee = read_and_annotated
    text = handbook(FIND, DISTANCE) + "二、增进客户联系\n3.什么是三品？\n答：人品、物品、产品。\n"

    result = import_text(text)

    pins = entry(PINS)
    assert (pins.number, pins.section.title) == (3, "增进客户联系")
    assert attachments(trainee, pins) == EVERYTHING
    assert [(m.from_number, m.number) for m in result.renumbered] == [(3, 2), (2, 3)]


# --- The same question written a little differently -------------------------------


def test_a_question_found_despite_spaces_punctuation_and_traditional_characters(
    read_and_annotated,
):
    trainee = read_and_annotated
    pins_pk = entry(PINS).pk
    rewritten = "什麼是 三品?"
    answers = {**ANSWERS, rewritten: ANSWERS[PINS]}

    result = import_text(handbook(FIND, GUARD, rewritten, DISTANCE, answers=answers))

    pins = Entry.objects.get(pk=pins_pk)
    stored = "什麼是三品?"  # the parser drops the space between Chinese characters
    assert (pins.number, pins.question) == (3, stored)
    assert attachments(trainee, pins) == EVERYTHING
    assert [str(m) for m in result.renumbered][:1] == [f"Moved, its text changed: 2 → 3 {stored}"]
    # Its question changed: a new revision, and "updated since you read it".
    assert pins.revisions.count() == 2
    assert [r.entry_id for r in reading.updated_since_read(trainee)] == [pins_pk]


def test_a_question_reworded_under_its_number_is_an_update_that_keeps_its_readers(
    read_and_annotated,
):
    trainee = read_and_annotated
    pins_pk = entry(PINS).pk
    reworded = "客户的三品指什么？"

    result = import_text(handbook(FIND, reworded, DISTANCE))

    pins = Entry.objects.get(pk=pins_pk)
    assert (pins.number, pins.question) == (2, reworded)
    assert attachments(trainee, pins) == EVERYTHING
    assert result.counts == {"created": 0, "updated": 1, "unchanged": 2}
    assert result.renumbered == []
    assert [str(r) for r in result.reworded] == [f"Question reworded: 2 {PINS} → {reworded}"]


# --- What cannot be decided is reported, not guessed --------------------------------


def test_a_question_twice_in_the_file_is_reported_and_matched_by_number(read_and_annotated):
    trainee = read_and_annotated
    pins_pk = entry(PINS).pk

    result = import_text(handbook(FIND, PINS, DISTANCE, PINS))

    [doubt] = result.ambiguous
    assert (doubt.question, doubt.in_file, doubt.stored) == (PINS, (2, 4), (2,))
    assert str(doubt) == (
        f"The question {PINS} is more than once in the file (2, 4) or in the stored "
        "handbook (2): matched by number, not by question."
    )
    assert str(doubt) in [str(line) for line in result.matching]
    # By number: 2 is the stored 2, 4 is new; neither is taken for the other.
    assert result.counts == {"created": 1, "updated": 0, "unchanged": 3}
    assert result.created == [4] and result.renumbered == []
    assert Entry.objects.get(number=2).pk == pins_pk
    assert attachments(trainee, Entry.objects.get(number=2)) == EVERYTHING
    assert attachments(trainee, Entry.objects.get(number=4)) == NOTHING


def test_a_question_stored_twice_is_reported_and_matched_by_number():
    import_text(handbook(FIND, PINS, DISTANCE, PINS))
    second_pins = Entry.objects.get(number=4).pk

    result = import_text(handbook(FIND, GUARD, PINS, DISTANCE))

    [doubt] = result.ambiguous
    assert (doubt.in_file, doubt.stored) == ((3,), (2, 4))
    # Neither stored copy is taken for the file's 3 by its question: the stored 2 is
    # matched by its number (and reported reworded), the stored 4 is no longer there.
    assert [(m.from_number, m.number, m.question) for m in result.renumbered] == [(3, 4, DISTANCE)]
    assert [(r.number, r.old_question, r.question) for r in result.reworded] == [(2, PINS, GUARD)]
    assert result.created == [3]
    assert [(s.from_number, s.number) for s in result.set_aside] == [(4, 5)]
    assert Entry.objects.get(pk=second_pins).number == 5


# --- Entries the file no longer has ----------------------------------------------


def test_a_dropped_question_is_kept_and_reported_even_when_its_number_is_taken(
    read_and_annotated,
):
    trainee = read_and_annotated
    pins_pk = entry(PINS).pk

    result = import_text(handbook(FIND, DISTANCE))

    pins = Entry.objects.get(pk=pins_pk)
    assert pins.number == 4  # after the last number the part had
    assert attachments(trainee, pins) == EVERYTHING
    assert [e.pk for e in result.missing] == [pins_pk]
    assert [str(s) for s in result.set_aside] == [
        f"Not in the file, kept after the last entry: 2 → 4 {PINS}"
    ]
    assert entry(DISTANCE).number == 2
    assert result.counts == {"created": 0, "updated": 0, "unchanged": 1}


def test_a_dropped_question_whose_number_is_free_keeps_it():
    import_text(handbook(FIND, PINS, DISTANCE))
    result = import_text(handbook(FIND, PINS))
    assert [(e.number, e.question) for e in result.missing] == [(3, DISTANCE)]
    assert result.set_aside == [] and result.renumbered == []
    assert entry(DISTANCE).number == 3


# --- Any reordering --------------------------------------------------------------

POOL = [f"第{n}个问题{'怎么办' if n % 2 else '如何处理'}？" for n in range(1, 13)]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    stored=st.lists(st.sampled_from(POOL), min_size=1, max_size=8, unique=True),
    new=st.lists(st.sampled_from(POOL), min_size=1, max_size=8, unique=True),
)
def test_any_reordering_keeps_every_question_on_its_own_row(stored, new):
    Part.objects.all().delete()
    import_text(handbook(*stored))
    rows = dict(Entry.objects.values_list("question", "pk"))

    result = import_text(handbook(*new))

    now = dict(Entry.objects.values_list("question", "pk"))
    numbers = dict(Entry.objects.values_list("question", "number"))
    assert [numbers[q] for q in new] == list(range(1, len(new) + 1))
    assert len(set(numbers.values())) == len(numbers)
    for question in set(stored) & set(new):
        assert now[question] == rows[question]  # wherever it went
    # A new question is a new row, or (same number, no other match) a stored one reworded.
    reworded = {(r.number, r.old_question, r.question) for r in result.reworded}
    for number, question in enumerate(new, start=1):
        if question in rows:
            continue
        old = stored[number - 1] if number <= len(stored) else None
        if old is not None and old not in new:
            assert (number, old, question) in reworded
            assert now[question] == rows[old]
        else:
            assert number in result.created
            assert now[question] not in rows.values()
    # The rest is missing from the file: kept, with its question.
    gone = set(stored) - set(new) - {old for _n, old, _q in reworded}
    assert {e.question for e in result.missing} == gone
    assert all(now[question] == rows[question] for question in gone)

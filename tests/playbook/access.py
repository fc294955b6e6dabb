from tests.access import EVERYONE, SUPERVISORS, Expect
from tests.playbook.factories import make_entry

# The handbook is the whole bank's: every branch's supervisors edit it.
EDITORS = SUPERVISORS | {"admin"}


def _entry(people) -> dict:
    return {"pk": make_entry().pk}


def _revision(people) -> dict:
    from playbook.editing import entry_save

    entry = make_entry()
    entry.answer = "改过的回答。"
    entry_save(entry=entry, editor=people.admin)
    return {"pk": entry.revisions.order_by("-number").first().pk}


def _section(people) -> dict:
    return {"pk": make_entry().section_id}


def _trainee(people) -> dict:
    return {"pk": people.trainee.pk}


def _entry_form(people) -> dict:
    entry = make_entry()
    return {
        "section": entry.section_id,
        "number": 999,
        "question": "新的问题？",
        "answer": "新的回答。",
    }


def _flag(people) -> dict:
    from playbook.services import flag_raise

    flag = flag_raise(entry=make_entry(), by=people.trainee, reason="unclear", comment="看不懂")
    return {"pk": flag.pk}


def flag_row(people, person, marker):
    from playbook.services import flag_raise

    flag_raise(entry=make_entry(), by=person, reason="unclear", comment=marker)


def _assignment_data(people) -> dict:
    """A valid assignment: the owner's team's trainee, one section, a week to read it."""
    from datetime import timedelta

    from django.utils import timezone

    from playbook.models import Section

    section = Section.objects.first() or make_entry("问？").section
    return {
        "trainee": people.trainee.pk,
        "section": section.pk,
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
    }


def _assignment(people) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from playbook.services import reading_assign

    assignment = reading_assign(
        trainee=people.trainee,
        by=people.supervisor,
        due_on=timezone.localdate() + timedelta(days=3),
        entries=[make_entry()],
    )
    return {"pk": assignment.pk}


EXPECTATIONS = [
    # Reading and progress (playbook-reading).
    Expect("playbook:home", EVERYONE),
    Expect("playbook:section", EVERYONE, kwargs=_section),
    Expect("playbook:entry", EVERYONE, kwargs=_entry),
    Expect("playbook:next_unread", EVERYONE),
    Expect("playbook:bookmark", EVERYONE, kwargs=_entry, method="post"),
    Expect("playbook:note", EVERYONE, kwargs=_entry, method="post", data=lambda p: {"text": "记"}),
    Expect("playbook:revisions", EVERYONE, kwargs=_entry),
    Expect("playbook:revision", EVERYONE, kwargs=_revision),
    Expect("playbook:progress", EVERYONE),
    # A trainee's own progress, their supervisor, an administrator; other teams 404.
    Expect("playbook:trainee_progress", {"trainee", "supervisor", "admin"}, kwargs=_trainee),
    # Editing: supervisors and administrators only.
    Expect("playbook:entry_create", EDITORS),
    Expect("playbook:entry_create", EDITORS, method="post", data=_entry_form),
    # Everyone reads an entry; editing it is refused openly (403).
    Expect("playbook:entry_edit", EDITORS, kwargs=_entry, forbidden=EVERYONE - EDITORS),
    Expect(
        "playbook:entry_edit",
        EDITORS,
        kwargs=_entry,
        forbidden=EVERYONE - EDITORS,
        method="post",
        data=lambda p: {"question": ""},
    ),
    # Search and import (playbook-search): everyone searches; administrators import.
    Expect("playbook:search", EVERYONE, query="?q=门卫"),
    Expect("playbook:import", {"admin"}),
    Expect("playbook:import", {"admin"}, method="post", data=lambda p: {}),
    # What readers looked for: supervisors (their team's searches) and administrators.
    Expect("playbook:search_log", EDITORS),
    # Reading as a team (playbook-team). Any reader flags an entry and sees their flags;
    # a supervisor sees and resolves their team's (and their own), an administrator all.
    Expect(
        "playbook:flag_create",
        EVERYONE,
        kwargs=_entry,
        method="post",
        data=lambda p: {"reason": "unclear", "comment": "看不懂"},
    ),
    Expect("playbook:flags", EVERYONE, rows=flag_row),
    Expect(
        "playbook:flag_resolve",
        {"supervisor", "admin"},
        kwargs=_flag,
        method="post",
        data=lambda p: {"reply": "已改"},
    ),
    # Assigned reading: everyone has a list (their own or their trainees'); mentors
    # (supervisors) and administrators assign; only the trainee confirms their own.
    Expect("playbook:assignments", EVERYONE),
    Expect("playbook:assignment_create", EDITORS),
    Expect("playbook:assignment_create", EDITORS, method="post", data=_assignment_data),
    Expect("playbook:assignment_confirm", {"trainee"}, kwargs=_assignment, method="post"),
    # Withdrawn by the mentor who gave it (the trainee's supervisor) or an administrator;
    # the trainee sees it but may not withdraw it.
    Expect(
        "playbook:assignment_withdraw",
        {"supervisor", "admin"},
        kwargs=_assignment,
        method="post",
        forbidden=frozenset({"trainee"}),
    ),
]

"""Leak canaries (issue 14): every person's records carry that person's marker string; no GET
URL of the access table — page, htmx fragment, list, search, badge, chart data, export,
calendar, agenda — shows, to any viewer it lets in, the marker of someone whose records that
viewer may not see; and the reminder emails carry only their recipient's own cases.

The records of managers, supervisors and the trainee: a prospect (its name), a visit, a
promise and hospitality (their text), a private handbook note; of the client managers also a
complaint (the client's name and its points) and an investigation in review (its purpose).
Who may see whose records is the owner policy of tests/access.py: oneself, a supervisor the
team, an administrator everyone.
"""

from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from complaints.reminders import sweep
from playbook.models import PrivateNote
from tests.access import OWNED_ROWS, VIEWERS, all_expectations, marker, response_text
from tests.complaints.factories import make_case
from tests.conftest import client_for
from tests.investigations.factories import submitted
from tests.playbook.factories import make_entry
from tests.prospects.factories import make_hospitality, make_promise, make_prospect, make_visit

PAGES = [e for e in all_expectations() if e.method == "get" and not e.public]
# The walk is split so that parallel test workers share it.
SHARDS = 3


def plant(people: SimpleNamespace) -> int:
    """Each person's canaries; returns how many records carry a marker."""
    entry = make_entry("怎样寻找客户？")
    planted = 0
    for person in VIEWERS:
        user = getattr(people, person)
        if user.role == Role.ADMINISTRATOR:
            continue
        mark = marker(person)
        prospect = make_prospect(user, name=f"{mark}商行")
        make_visit(prospect, learned=f"{mark}见到老板")
        make_promise(prospect, description=f"{mark}一周内答复")
        make_hospitality(prospect, note=f"{mark}客户请吃饭")
        PrivateNote.objects.create(user=user, entry=entry, text=f"{mark}我的笔记")
        planted += 5
        if user.role == Role.CLIENT_MANAGER:
            make_case(user, client_name=f"{mark}王先生", points=f"{mark}收费不透明")
            submitted(user, prospect=prospect, purpose=f"{mark}采购备货")
            planted += 2
    return planted


def shown_text(response) -> str:
    """What the viewer reads: the page or file, the text of a PDF; nothing of an image."""
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        content = b"".join(response.streaming_content) if response.streaming else response.content
        try:
            return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        except PdfReadError:  # an uploaded evidence file, served as it came
            return content.decode("utf-8", "replace")
    if kind.startswith(("image/", "application/octet-stream")):
        return ""
    return response_text(response)


def leaks(text: str, viewer: str) -> list[str]:
    return [p for p in VIEWERS if marker(p) in text and p not in OWNED_ROWS[viewer]]


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_url_shows_a_record_its_viewer_may_not_see(shard, people):
    assert plant(people) == 4 * 5 + 4 * 7  # 3 supervisors and the trainee; 4 managers
    found: list[str] = []
    walked = 0
    for expectation in PAGES[shard::SHARDS]:
        kwargs = expectation.kwargs(people) if expectation.kwargs else {}
        url = reverse(expectation.url_name, kwargs=kwargs) + expectation.query
        for viewer in sorted(expectation.allowed):
            response = client_for(getattr(people, viewer)).get(url)
            if response.status_code != 200:
                continue  # a redirect shows nothing
            walked += 1
            found += [f"{url} as {viewer}: {p}" for p in leaks(shown_text(response), viewer)]
    assert walked > 100 / SHARDS, walked
    assert not found, "Records shown to someone who may not see them:\n" + "\n".join(found)


def test_the_walk_would_catch_a_leak(people):
    plant(people)
    # The teammate's list as the owner would be a leak; the owner's own is not.
    text = client_for(people.teammate).get(reverse("prospects:list")).text
    assert marker("teammate") in text and not leaks(text, "teammate")
    assert leaks(text + marker("owner"), "teammate") == ["owner"]


def test_reminder_emails_carry_only_their_recipient_s_cases(people):
    for person in VIEWERS:
        user = getattr(people, person)
        user.email = f"{person}@bank.example"
        user.save(update_fields=["email"])
    plant(people)
    # Every canary complaint has waited three days: its handler and their supervisor hear.
    from complaints.models import Case

    Case.objects.update(last_contact_at=timezone.now() - timedelta(days=3))
    mail.outbox.clear()
    sweep(timezone.now())
    assert mail.outbox
    for email in mail.outbox:
        (address,) = email.to
        viewer = address.split("@")[0]
        body = email.body + "".join(str(part[0]) for part in getattr(email, "alternatives", []))
        assert not leaks(body, viewer), (address, leaks(body, viewer))
    bodies = {email.to[0].split("@")[0]: email.body for email in mail.outbox}
    assert {"owner", "supervisor"} <= bodies.keys()
    # Each names its cases, so an email that named another's would be seen.
    assert marker("owner") in bodies["owner"] and marker("owner") in bodies["supervisor"]

"""Demo data for `seed_demo`: the sample handbook and a trainee part-way through it.

The sample is invented. It lives in its own part, 演示样例篇 (SAMPLE_PART), so
that importing the bank's real handbook into a demo database never interleaves
invented entries with real ones (the real parts are keyed by their own names),
and an administrator can see and delete the sample as one part. It teaches
nothing the bank's handbook contradicts (三品 is 人品、物品、产品).

Seeding again changes nothing: the import is an upsert, and reading records and
bookmarks are only added where missing.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from django.utils import timezone

from playbook.importer import import_text
from playbook.models import Bookmark, Entry, ReadingRecord

SAMPLE_HANDBOOK = Path(__file__).parent / "data" / "sample_handbook.txt"
SAMPLE_PART = "演示样例篇"
# The trainee has read the first section and the start of the second, so the
# supervisor's progress panel and the trainee's "next unread" have something to show.
TRAINEE_READ = (1, 2, 3, 5, 6, 7, 8)
TRAINEE_BOOKMARKS = (15,)


def seed(people: SimpleNamespace) -> None:
    import_text(SAMPLE_HANDBOOK.read_bytes())
    trainee = people.zhaomin
    now = timezone.now()
    for entry in Entry.objects.filter(part__name=SAMPLE_PART, number__in=TRAINEE_READ):
        ReadingRecord.objects.get_or_create(user=trainee, entry=entry, defaults={"read_at": now})
    for entry in Entry.objects.filter(part__name=SAMPLE_PART, number__in=TRAINEE_BOOKMARKS):
        Bookmark.objects.get_or_create(user=trainee, entry=entry)

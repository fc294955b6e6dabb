"""The handbook in context: the entries of a topic, for the screen where they matter.

A screen links itself to a topic in one line: `{% guidance "visiting" %}` in
its template (playbook.templatetags.playbook_guidance), or `guidance_for("visiting")`
in its view. Two queries, whatever the number of entries; none while
`cached_guidance` (what the tag uses) remembers the topic.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save

from playbook.models import Chapter, Entry, Part, Section, Topic
from playbook.reading import READING_ORDER

GUIDANCE_LIMIT = 8


@dataclass(frozen=True)
class Guidance:
    topic: Topic
    entries: list[Entry]


def guidance_for(topic_slug: str, limit: int = GUIDANCE_LIMIT) -> Guidance | None:
    """The topic and its first entries in reading order; None when it has none."""
    entries = Entry.objects.order_by(*READING_ORDER).only("pk", "number", "question")
    topic = (
        Topic.objects.filter(slug=topic_slug)
        .prefetch_related(Prefetch("entries", queryset=entries, to_attr="guidance_entries"))
        .first()
    )
    if topic is None or not topic.guidance_entries:
        return None
    return Guidance(topic=topic, entries=topic.guidance_entries[:limit])


# --- A per-process cache ---------------------------------------------------------
# Every screen shows a few guidance boxes (the prospect page four), at two queries
# each. The handbook changes seldom, so each process keeps what it showed for
# PLAYBOOK_GUIDANCE_CACHE_SECONDS and forgets it when the handbook changes through
# this process (saves, deletions, topic links, imports). Other processes notice a
# change within that many seconds: a box may list an old question that long, while
# the entry's own page is always current.
_cache: dict[tuple[str, int], tuple[float, Guidance | None]] = {}


def cached_guidance(topic_slug: str, limit: int = GUIDANCE_LIMIT) -> Guidance | None:
    """`guidance_for`, remembered for a short while (no query when remembered)."""
    seconds = settings.PLAYBOOK_GUIDANCE_CACHE_SECONDS
    if seconds <= 0:
        return guidance_for(topic_slug, limit)
    key = (topic_slug, limit)
    now = time.monotonic()
    remembered = _cache.get(key)
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    found = guidance_for(topic_slug, limit)
    _cache[key] = (now + seconds, found)
    return found


def forget_guidance(**kwargs: object) -> None:
    """The handbook changed: show it afresh (a signal receiver, or called after an import)."""
    _cache.clear()


for _model in (Entry, Topic, Section, Chapter, Part):
    post_save.connect(
        forget_guidance, sender=_model, dispatch_uid=f"guidance-save-{_model.__name__}"
    )
    post_delete.connect(
        forget_guidance, sender=_model, dispatch_uid=f"guidance-delete-{_model.__name__}"
    )
m2m_changed.connect(forget_guidance, sender=Entry.topics.through, dispatch_uid="guidance-topics")

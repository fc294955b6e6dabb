"""The handbook in context: the entries of a topic, for the screen where they matter.

A screen links itself to a topic in one line: `{% guidance "visiting" %}` in
its template (playbook.templatetags.playbook_guidance), or `guidance_for("visiting")`
in its view. Two queries, whatever the number of entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from playbook.models import Entry, Topic
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

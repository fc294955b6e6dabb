"""The handbook in context: the entries of a topic, for the screen where they matter.

A screen links itself to a topic in one line: `{% guidance "visiting" %}` in
its template (playbook.templatetags.playbook_guidance), or `guidance_for("visiting")`
in its view. The entries come by relevance — those most about the topic's
keywords first, ranked by the database like a search — not in reading order.
Three queries, whatever the number of entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from playbook.models import Entry, Topic
from playbook.search import topic_entry_ids

GUIDANCE_LIMIT = 8


@dataclass(frozen=True)
class Guidance:
    topic: Topic
    entries: list[Entry]


def guidance_for(topic_slug: str, limit: int = GUIDANCE_LIMIT) -> Guidance | None:
    """The topic and its most relevant entries; None when it has none."""
    topic = Topic.objects.filter(slug=topic_slug).first()
    if topic is None:
        return None
    ids = topic_entry_ids(topic.pk, topic.keyword_list, limit)
    if not ids:
        return None
    by_id = Entry.objects.only("pk", "number", "question").in_bulk(ids)
    return Guidance(topic=topic, entries=[by_id[pk] for pk in ids if pk in by_id])

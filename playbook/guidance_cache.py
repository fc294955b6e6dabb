"""A per-process cache of the guidance boxes (`{% guidance %}` uses it).

Every screen shows a few guidance boxes (the prospect page four), each costing
its queries. The handbook changes seldom, so each process keeps what it showed
for PLAYBOOK_GUIDANCE_CACHE_SECONDS and forgets it when the handbook changes
through this process (saves, deletions, topic links, imports). Other processes
notice a change within that many seconds: a box may list an old question that
long, while the entry's own page is always current.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from playbook.guidance import GUIDANCE_LIMIT, Guidance, guidance_for
from playbook.models import Chapter, Entry, Part, Section, Topic

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

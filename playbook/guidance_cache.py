"""A per-process cache of what screens show from the handbook: the guidance boxes
(`{% guidance %}`) and the search form's list of sections.

Every screen shows a few guidance boxes (the prospect page four), each costing
its queries. The handbook changes seldom, so each process keeps what it showed
for PLAYBOOK_GUIDANCE_CACHE_SECONDS and forgets it when the handbook changes
through this process (saves, deletions, topic links, imports). Other processes
notice a change within that many seconds: a box may list an old question that
long, while the entry's own page is always current.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from playbook.guidance import GUIDANCE_LIMIT, Guidance, guidance_for
from playbook.models import Chapter, Entry, Part, Section, Topic

_cache: dict[tuple, tuple[float, Any]] = {}


def _remembered(key: tuple, compute: Callable[[], Any]) -> Any:
    seconds = settings.PLAYBOOK_GUIDANCE_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    now = time.monotonic()
    remembered = _cache.get(key)
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    found = compute()
    _cache[key] = (now + seconds, found)
    return found


def cached_guidance(topic_slug: str, limit: int = GUIDANCE_LIMIT) -> Guidance | None:
    """`guidance_for`, remembered for a short while (no query when remembered)."""
    return _remembered(("guidance", topic_slug, limit), lambda: guidance_for(topic_slug, limit))


def cached_section_choices() -> list[tuple[int, str]]:
    """Every section as (id, label), in the handbook's order: what a section filter lists.
    Only the list is remembered; a chosen section is always looked up afresh."""
    return _remembered(
        ("sections",), lambda: [(section.pk, str(section)) for section in Section.objects.all()]
    )


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

"""`{% guidance "topic-slug" %}`: a collapsible box of the handbook entries on a topic.

Other apps' screens show the handbook in one line, e.g. the visit form:
`{% load playbook_guidance %}{% guidance "visiting" %}`.
"""

from __future__ import annotations

from django import template

from playbook.guidance_cache import cached_guidance

register = template.Library()


@register.inclusion_tag("playbook/guidance.html")
def guidance(topic_slug: str, expanded: bool = False) -> dict[str, object]:
    return {"guidance": cached_guidance(topic_slug), "open": expanded}

"""Actions other apps contribute to a record shown in a template.

{% load contributions %}
{% promise_broken_actions promise as actions %}
"""

from __future__ import annotations

from django import template

from accounts import contributions
from accounts.contributions import Action

register = template.Library()


@register.simple_tag(takes_context=True)
def promise_broken_actions(context: template.Context, promise) -> list[Action]:
    return contributions.promise_broken_actions(promise, context["request"].user)

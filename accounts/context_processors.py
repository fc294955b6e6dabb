from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.contributions import nav_items


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    # Built when a template shows the menu: an htmx fragment shows none, so it skips the
    # menu's counts (unread reminders, open flags) and their queries.
    return {"nav_items": SimpleLazyObject(lambda: _menu(request, user))}


def _menu(request: HttpRequest, user) -> list[dict[str, object]]:
    items = nav_items(user)
    # The most specific section is current: /playbook/progress/ is not also /playbook/.
    matches = [i for i in items if i.active_prefix and request.path.startswith(i.active_prefix)]
    current = max(matches, key=lambda item: len(item.active_prefix), default=None)
    return [
        {
            "label": item.label,
            "url": item.url,
            "count": item.count,
            "active": item is current,
        }
        for item in items
    ]

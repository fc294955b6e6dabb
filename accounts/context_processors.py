from __future__ import annotations

from django.http import HttpRequest

from accounts.contributions import nav_items


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = nav_items(user)
    # The most specific section is current: /playbook/progress/ is not also /playbook/.
    matches = [i for i in items if i.active_prefix and request.path.startswith(i.active_prefix)]
    current = max(matches, key=lambda item: len(item.active_prefix), default=None)
    return {
        "nav_items": [
            {
                "label": item.label,
                "url": item.url,
                "count": item.count,
                "active": item is current,
            }
            for item in items
        ]
    }

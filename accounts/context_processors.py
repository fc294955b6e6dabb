from __future__ import annotations

from django.http import HttpRequest

from accounts.navigation import collect_nav_items


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": [
            {
                "label": item.label,
                "url": item.url,
                "active": bool(item.active_prefix) and request.path.startswith(item.active_prefix),
            }
            for item in collect_nav_items(user)
        ]
    }

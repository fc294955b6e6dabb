"""The client's address for the sign-in lockout (django-axes' AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

from django.http import HttpRequest


def behind_proxy(request: HttpRequest) -> str | None:
    """Behind our proxy (DJANGO_BEHIND_PROXY), REMOTE_ADDR is the proxy's own address, the
    same for everyone. The proxy appends the address it saw to X-Forwarded-For: the last
    entry is the one to trust (earlier ones come from the client and may be made up)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    return last or request.META.get("REMOTE_ADDR")

"""Project-wide middleware: a ceiling on request size, no caching of signed-in pages,
session time limits, the CSP."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import logout
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION_SECONDS = 60
STARTED = "session_started"
SEEN = "session_seen"


class RequestSizeLimitMiddleware:
    """A request whose declared body is over REQUEST_MAX_BYTES is answered 413 before any
    of it is read: Django would otherwise write a huge upload to disk before a form could
    refuse it. Each form still checks its own file limit, beside the field; this is the
    ceiling over all of them (the reverse proxy should have the same one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django's own parsing answers a malformed length
        if declared > settings.REQUEST_MAX_BYTES:
            # The body is never read here (the WSGI server discards or closes after).
            largest = {"max_megabytes": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            return render(request, "413.html", largest, status=413)
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Every response to a signed-in person (pages, fragments, exports, the calendar) says
    `Cache-Control: private, no-store`: client data must not stay in a browser or proxy cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Judged by the session cookie, sent or being set, rather than request.user: a public
        # page then loads no session, and the response that signs someone in or out counts too.
        cookie = settings.SESSION_COOKIE_NAME
        response = self.get_response(request)
        if cookie in request.COOKIES or cookie in response.cookies:
            patch_cache_control(response, private=True, no_store=True)
        return response


def stamp_session(session, now: float | None = None) -> None:
    """At sign-in: when the session started and when it was last used."""
    now = time.time() if now is None else now
    session[STARTED] = int(now)
    session[SEEN] = int(now)


def stamp_on_sign_in(sender, request: HttpRequest, user, **kwargs) -> None:
    """The user_logged_in receiver (connected in accounts.apps)."""
    if request is not None and hasattr(request, "session"):
        stamp_session(request.session)


def session_expired(*, started: int, seen: int, now: float) -> bool:
    """Idle for longer than SESSION_IDLE_TIMEOUT, or older than SESSION_ABSOLUTE_TIMEOUT."""
    return (
        now - seen > settings.SESSION_IDLE_TIMEOUT
        or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
    )


class SessionTimeoutMiddleware:
    """Sign out after 30 idle minutes and 12 hours after sign-in, whatever the activity.

    The last-seen time is rewritten at most once a minute, so a busy page does not
    write its session on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        # A public page (sign-in, health) never loads the session.
        if not getattr(view_func, "login_required", True):
            return
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started, seen = session.get(STARTED), session.get(SEEN)
            if started is None or seen is None:
                stamp_session(session, now)  # a session from before these limits
            elif session_expired(started=started, seen=seen, now=now):
                logout(request)  # flushes the session; LoginRequiredMiddleware sends to sign in
            elif now - seen >= SEEN_RESOLUTION_SECONDS:
                session[SEEN] = int(now)


# Where the request's nonce goes in a policy built once (never a valid nonce itself).
_NONCE_MARK = "<nonce>"


@functools.cache
def _built_policy(*, report_only: bool, with_nonce: bool) -> str:
    return build_policy(nonce=_NONCE_MARK if with_nonce else None, report_only=report_only)


@receiver(setting_changed)
def _forget_built_policy(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built_policy.cache_clear()


class BuiltOnceCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy built once per process, not per response.

    django-csp rebuilds both headers (the policy and the report-only one) from the settings
    on every response: a tenth of the cost of a request that reads nothing. No view here
    changes its policy (no csp_update / csp_replace), so the header only differs by the
    request's nonce. A response that does carry its own policy is left to django-csp.
    """

    HEADERS = (
        (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
        (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
    )
    OWN_POLICY = tuple(
        f"_csp_{part}{suffix}" for part in ("config", "update", "replace") for suffix in ("", "_ro")
    )

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if settings.DEBUG or any(getattr(response, name, None) for name in self.OWN_POLICY):
            return super().process_response(request, response)
        nonce = getattr(request, "_csp_nonce", None)
        for header, report_only, exempt, setting in self.HEADERS:
            policy = _built_policy(report_only=report_only, with_nonce=nonce is not None)
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if (
                policy
                and header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(tuple(prefixes))
            ):
                response[header] = policy.replace(_NONCE_MARK, nonce) if nonce else policy
        if nonce is None:
            # As django-csp: asking for a nonce once the header is written is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

"""The interface language: the person's choice, else Simplified Chinese — never the browser's."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def preferred_language(*, chosen: str | None, cookie: str | None) -> str:
    """The person's stored choice, else the one made on this device before signing in,
    else the bank's language. Accept-Language is ignored: a phone set to English still
    gets the Chinese the bank works in until its owner chooses otherwise."""
    known = {code for code, _name in settings.LANGUAGES}
    for language in (chosen, cookie):
        if language in known:
            return language
    return settings.LANGUAGE_CODE


class PreferredLanguageMiddleware:
    """Replaces Django's LocaleMiddleware (which follows Accept-Language).

    The device's cookie decides first; a page that needs the person then follows
    their stored choice. A public page (sign-in, health) never loads the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self._activate(request, chosen=None)
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if not getattr(view_func, "login_required", True):
            return
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._activate(request, chosen=user.language)

    @staticmethod
    def _activate(request: HttpRequest, *, chosen: str | None) -> None:
        language = preferred_language(
            chosen=chosen, cookie=request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

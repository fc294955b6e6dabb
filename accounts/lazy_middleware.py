"""Middleware that loads the session only when a page needs the person (issue 13)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from auditlog.middleware import AuditlogMiddleware
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django_htmx.http import HttpResponseClientRedirect


class LazyActorAuditlogMiddleware(AuditlogMiddleware):
    """auditlog's middleware, without loading the session on every request.

    auditlog asks `isinstance(request.user, User)` up front, which evaluates the
    lazy user: a session query and a user query on every request, also on pages
    that read neither (about two thirds of the framework's cost per request here).
    The actor is only needed when a change is written; auditlog's receiver makes
    the same `isinstance` check then, so the lazy user is passed on as it is.
    """

    @staticmethod
    def _get_actor(request: Any) -> Any:
        return getattr(request, "user", None)


class PublicFirstLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, asking whether the view is public first.

    Django asks `request.user.is_authenticated` before looking at the view's
    `login_not_required` mark, so even the health check loaded the session and
    the user. The answer is the same either way: a public view is served, any
    other needs a signed-in user.
    """

    def process_view(self, request: Any, view_func: Any, view_args: Any, view_kwargs: Any):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request: Any, view_func: Any):
        if request.headers.get("HX-Request") != "true":
            return super().handle_no_permission(request, view_func)
        # htmx would follow the redirect and put the sign-in page inside the page (a
        # panel, a list): the whole window goes to sign in, and comes back to that page.
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = page.path + (f"?{page.query}" if page.query else "") or request.get_full_path()
        login = redirect_to_login(
            back, self.get_login_url(view_func), self.get_redirect_field_name(view_func)
        )
        return HttpResponseClientRedirect(login.url)

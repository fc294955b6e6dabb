"""The benchmark's WSGI application: the product (full middleware) and, under `/bare/`,
the same URLs served by a handler without any middleware — bare Django's floor."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

full = get_wsgi_application()


class BareHandler(WSGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        configured = settings.MIDDLEWARE
        settings.MIDDLEWARE = []
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = configured


bare = BareHandler()
BARE = "/bare"


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path.startswith(BARE + "/"):
        environ["PATH_INFO"] = path[len(BARE) :]
        return bare(environ, start_response)
    return full(environ, start_response)

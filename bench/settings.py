"""Settings of the served benchmark: the product's, plus the bench's own URLs.

The product's settings are read from the environment as in production
(DJANGO_DEBUG=0); only what a benchmark needs differs: its URL configuration
(the reference admin changelists and a hello view) and static files without a
collectstatic manifest (static files are not what is measured).
"""

from __future__ import annotations

from config.settings import *  # noqa: F403
from config.settings import STORAGES

ROOT_URLCONF = "bench.urls"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

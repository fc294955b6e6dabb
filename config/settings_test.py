"""The test suite's settings: the development configuration, as `make run` has it.

Debug is opt-in (config/settings.py); the tests opt in here rather than the settings
guessing from `sys.modules`. pytest-django still runs each test with DEBUG off, as in
production; tests that need production values set them through the `settings` fixture.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DJANGO_DEBUG", "1")
# Investigation evidence goes to a throwaway directory, never the checkout.
os.environ.setdefault("EVIDENCE_ROOT", tempfile.mkdtemp(prefix="evidence-"))
# Every test sees the handbook as it is now, never a cached guidance box.
os.environ.setdefault("PLAYBOOK_GUIDANCE_CACHE_SECONDS", "0")
# Client attachments too.
os.environ.setdefault("DJANGO_PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="private-"))

from config.settings import *  # noqa: F403

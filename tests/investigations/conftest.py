from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_evidence(tmp_path, settings):
    """Evidence goes to a throwaway directory, never the checkout's private/ folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }

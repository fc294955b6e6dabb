import pytest


@pytest.fixture(autouse=True)
def _fail_fast(page):
    # A missing element should fail in seconds, not Playwright's default 30 s.
    page.set_default_timeout(8_000)

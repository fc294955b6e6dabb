import pytest


@pytest.fixture(autouse=True)
def _fail_fast(page):
    # A missing element should fail in seconds, not Playwright's default 30 s.
    page.set_default_timeout(8_000)


@pytest.fixture(autouse=True)
def _keep_reference_data(django_db_serialized_rollback):
    """live_server flushes the database after each test; serialized rollback puts back what
    the migrations seeded (industries, handbook topics) before the next, whatever the order."""

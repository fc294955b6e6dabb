"""Shared fixtures: the people of two branches, one client per role, the browser."""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from accounts.models import Branch, Role, User

# live_server runs in a thread while sync Playwright drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Eight engineers share two cores: a per-example deadline would fail on load, not on bugs.
hypothesis_settings.register_profile("workbench", deadline=None)
hypothesis_settings.load_profile("workbench")

PASSWORD = "correct-horse-battery-staple"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def pytest_configure(config: pytest.Config) -> None:
    # whitenoise warns (an error under filterwarnings) when the static root is missing.
    Path(settings.STATIC_ROOT).mkdir(exist_ok=True)
    # Argon2 is deliberately slow; tests/accounts/test_auth.py checks it is the real hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # WhiteNoise reads every static file's headers when its middleware starts, and each test
    # Client starts the middleware anew (14 ms a Client, measured under pytest): with
    # autorefresh it looks a file up only when one is asked for. A server starts it once.
    settings.WHITENOISE_AUTOREFRESH = True


def new_user(username: str, role: str, *, branch: Branch, supervisor: User | None = None) -> User:
    """A person not yet saved, who signs in with PASSWORD."""
    user = User(username=username, role=role, branch=branch, supervisor=supervisor)
    user.last_name, user.first_name = username[:1].upper(), username[1:]
    user.password = _password_hash()
    return user


@functools.cache
def _password_hash() -> str:
    return make_password(PASSWORD)


def make_user(username: str, role: str, *, branch: Branch, supervisor: User | None = None) -> User:
    user = new_user(username, role, branch=branch, supervisor=supervisor)
    user.save()
    return user


# Nearly every test asks for the branches: inserted without an audit entry each, as the
# people are (a third of the time of a create()).
@pytest.fixture
def branch(db) -> Branch:
    return Branch.objects.bulk_create([Branch(code="0101", name="城南支行")])[0]


@pytest.fixture
def other_branch(db) -> Branch:
    return Branch.objects.bulk_create([Branch(code="0303", name="城东支行")])[0]


@pytest.fixture
def people(branch, other_branch) -> SimpleNamespace:
    """Branch 城南: team A (a supervisor, two managers and a trainee) and team B (a
    supervisor and a manager); branch 城东: a supervisor and their manager.

    `owner` is the client manager whose records the access tests create. Most tests ask
    for these people, so they are inserted in two queries (no audit entry each).
    """
    leaders = dict(
        supervisor=new_user("supervisor", Role.SUPERVISOR, branch=branch),
        other_supervisor=new_user("othersupervisor", Role.SUPERVISOR, branch=branch),
        other_branch_supervisor=new_user(
            "otherbranchsupervisor", Role.SUPERVISOR, branch=other_branch
        ),
        admin=new_user("administrator", Role.ADMINISTRATOR, branch=branch),
    )
    User.objects.bulk_create(leaders.values())
    members = dict(
        owner=new_user(
            "owner", Role.CLIENT_MANAGER, branch=branch, supervisor=leaders["supervisor"]
        ),
        teammate=new_user(
            "teammate", Role.CLIENT_MANAGER, branch=branch, supervisor=leaders["supervisor"]
        ),
        trainee=new_user("trainee", Role.TRAINEE, branch=branch, supervisor=leaders["supervisor"]),
        other_manager=new_user(
            "othermanager",
            Role.CLIENT_MANAGER,
            branch=branch,
            supervisor=leaders["other_supervisor"],
        ),
        other_branch_manager=new_user(
            "otherbranchmanager",
            Role.CLIENT_MANAGER,
            branch=other_branch,
            supervisor=leaders["other_branch_supervisor"],
        ),
    )
    User.objects.bulk_create(members.values())
    return SimpleNamespace(**leaders, **members)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def manager(people) -> User:
    return people.owner


@pytest.fixture
def supervisor(people) -> User:
    return people.supervisor


@pytest.fixture
def trainee(people) -> User:
    return people.trainee


@pytest.fixture
def admin_user(people) -> User:
    return people.admin


@pytest.fixture
def manager_client(manager) -> Client:
    return client_for(manager)


@pytest.fixture
def supervisor_client(supervisor) -> Client:
    return client_for(supervisor)


@pytest.fixture
def trainee_client(trainee) -> Client:
    return client_for(trainee)


@pytest.fixture
def admin_client_(admin_user) -> Client:
    return client_for(admin_user)


@pytest.fixture
def file_mode():
    """A file's permission bits, read under a server's usual umask (022), with which
    files are created 0644 (readable by every account) unless the app sets their mode."""
    previous = os.umask(0o022)
    yield lambda path: os.stat(path).st_mode & 0o777
    os.umask(previous)


# --- Browser ------------------------------------------------------------------
# Chromium's headless shell (Debian's chromium-headless-shell; Playwright's own choice for
# headless runs): the same Blink as the full browser at about half its CPU a page load
# (0.19 against 0.36 core-seconds, measured here), and browser journeys are most of CI.
CHROMIUM = (
    shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or "/usr/bin/chromium-headless-shell"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _refuse_serialized_rollback(items)
    _browser_on_sqlite_only(items)
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            "CI: Chromium is missing; browser tests must run"
            " (apt-get install chromium-headless-shell)."
        )
    skip = pytest.mark.skip(
        reason="Chromium not found: apt-get install -y chromium-headless-shell fonts-wqy-microhei"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _browser_on_sqlite_only(items: list[pytest.Item]) -> None:
    """The browser drives templates, htmx and CSS, which do not depend on the database; every
    view it reaches is also tested through Django's client on both databases. So the browser
    runs on one CI leg, SQLite's, the database `make test` uses on a developer's machine:
    with it on both legs, CI took over its 20 minutes on a 2-core machine."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return
    skip = pytest.mark.skip(
        reason=f"the browser tests run on the SQLite leg, not {connection.vendor}"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _refuse_serialized_rollback(items: list[pytest.Item]) -> None:
    """Every test that commits flushes the tables after itself and gets the content types
    back from Django, under new ids; `reference_data` below brings back the rest.

    Serialized rollback would flush without them and reload a snapshot, but only through
    the database connection that holds the snapshot. Once a browser test has started
    Playwright, its event loop runs in the test thread and Django hands that thread a
    different connection, without one: the snapshot is silently not reloaded. Mixing
    the two ways failed on PostgreSQL (CI, seeds 1770554272 and others): auditlog wrote
    rows for content types that were gone. So there is one way, checked here.
    """
    serialized = [
        item.nodeid
        for item in items
        if "django_db_serialized_rollback" in item.fixturenames
        or any(mark.kwargs.get("serialized_rollback") for mark in item.iter_markers("django_db"))
    ]
    if serialized:
        raise pytest.UsageError(
            "Serialized rollback is not reloaded once Playwright runs; a test that commits"
            " relies on the reference_data fixture instead: " + ", ".join(serialized)
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database; a connection that some thread of a test left open
    (seen once on PostgreSQL, under parallel workers) cannot stop it being dropped."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


def add_session(context, live_server, user: User) -> None:
    """Sign `user` in for a browser context: the session cookie of a fresh sign-in."""
    session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


@pytest.fixture
def sign_in(page, live_server):
    """Sign a person in and open `at` (their home by default; None opens nothing); returns
    the page. By session cookie: the form is the journey of tests/browser/test_sign_in.py
    (sign_in_with_form), and every other journey starts where it means to, without a
    sign-in page and a home page it does not look at."""

    def _sign_in(user: User, at: str | None = "/"):
        add_session(page.context, live_server, user)
        if at is not None:
            page.goto(f"{live_server.url}{at}")
        return page

    return _sign_in


@pytest.fixture
def sign_in_with_form(page, live_server):
    """Sign a person in through the real sign-in form; returns the page."""

    def _sign_in(user: User, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        return page

    return _sign_in


# --- Reference data ---------------------------------------------------------------
# Data migrations seed industries, handbook topics and synonyms. A transactional or
# live-server test flushes the tables after itself (Django recreates the content types
# and permissions), so whatever runs next in any order gets the rest back here
# (idempotent: only what is missing is created).
def _restore_reference_data() -> None:
    from importlib import import_module

    from django.apps import apps as django_apps

    from playbook.models import Synonym, Topic
    from prospects.models import Industry

    seeds = [
        (Industry, "prospects.migrations.0002_seed_industries", "seed"),
        (Topic, "playbook.migrations.0002_topics", "create_topics"),
        (Synonym, "playbook.migrations.0005_synonyms_and_words", "seed_synonyms"),
    ]
    for model, module, function in seeds:
        if not model.objects.exists():
            getattr(import_module(module), function)(django_apps, None)


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: an earlier test's request (an English
    browser, a language switch) leaves its language active in the worker's thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames):
        transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
        request.getfixturevalue("transactional_db" if transactional else "db")
        _restore_reference_data()

"""The role × owner/non-owner expectation table that every URL must appear in.

Each app lists its URLs in `tests/<app>/access.py` as `EXPECTATIONS`. For a
URL about one record, `kwargs` creates the record owned by `people.owner` (a
client manager in team A of branch 城南) and returns the URL's kwargs. Viewers:

    owner                    the client manager who owns the record (or: a manager)
    teammate                 another client manager in the same team
    supervisor               the owner's supervisor
    trainee                  a trainee in the owner's team
    other_manager            a client manager in another team of the same branch
    other_supervisor         the supervisor of that other team
    other_branch_manager     a client manager of another branch (城东)
    other_branch_supervisor  that manager's supervisor, in the other branch
    admin                    an administrator

`allowed` viewers get a page (status < 400); `forbidden` viewers, who see the
record but may not act on it, get 403; everyone else gets `denied` (404 by
default: never confirm that someone else's record exists).
Anonymous visitors are sent to sign in, unless `public`.

Coverage is per (URL name, HTTP method): every method a URL answers (anything
but 405 for an administrator) needs its own expectation, so a view that accepts
POST without saying who may post fails `tests/test_access.py`. Two routes with
one name are refused.

Lists, searches, exports and calendars also say whose rows each viewer may
see: `rows(people, person, marker)` plants a record of `person` that shows
`marker`; every viewer the expectation allows must see the markers of the
people `sees[viewer]` names, and none of the others.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver

VIEWERS = (
    "owner",
    "teammate",
    "supervisor",
    "trainee",
    "other_manager",
    "other_supervisor",
    "other_branch_manager",
    "other_branch_supervisor",
    "admin",
)
EVERYONE = frozenset(VIEWERS)
CASEWORKERS = frozenset(VIEWERS) - {"trainee"}
# A record of `owner`: the owner, their supervisor, an administrator.
OWNER_SIDE = frozenset({"owner", "supervisor", "admin"})
OTHER_BRANCH = frozenset({"other_branch_manager", "other_branch_supervisor"})
# The people of the owner's branch (城南), an administrator among them.
BRANCH = EVERYONE - OTHER_BRANCH
SUPERVISORS = frozenset({"supervisor", "other_supervisor", "other_branch_supervisor"})
# Namespaces whose access rules are Django's own (the admin checks is_staff).
FOREIGN_NAMESPACES = {"admin"}
# The methods whose coverage is checked: what the pages and forms of this project use.
METHODS = ("get", "post")

# Whose records each viewer sees (accounts.policy.owner_scope): their own, a
# supervisor their team's, an administrator everyone's.
TEAMS = {"supervisor": ("owner", "teammate", "trainee"), "other_supervisor": ("other_manager",)}
TEAMS["other_branch_supervisor"] = ("other_branch_manager",)
OWNED_ROWS: Mapping[str, frozenset[str]] = {
    viewer: EVERYONE if viewer == "admin" else frozenset({viewer, *TEAMS.get(viewer, ())})
    for viewer in VIEWERS
}
# Rows only their owner sees, whatever the role (an agenda, a calendar feed).
OWN_ROWS: Mapping[str, frozenset[str]] = {viewer: frozenset({viewer}) for viewer in VIEWERS}
# Rows of a branch (territories): everyone of that branch (the administrator works in
# the owner's), an administrator all.
BRANCH_ROWS: Mapping[str, frozenset[str]] = {
    viewer: EVERYONE if viewer == "admin" else OTHER_BRANCH if viewer in OTHER_BRANCH else BRANCH
    for viewer in VIEWERS
}


@dataclass(frozen=True)
class Expect:
    url_name: str
    allowed: frozenset[str]
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] | None = None
    method: str = "get"
    data: Callable[[SimpleNamespace], dict[str, Any]] | None = None
    denied: int = 404
    # Viewers who see the record but may not do this to it: 403, not 404.
    forbidden: frozenset[str] = frozenset()
    public: bool = False
    query: str = ""
    # Lists, searches, exports, calendars: plant a row of `person` showing `marker`…
    rows: Callable[[SimpleNamespace, Any, str], None] | None = None
    # …and say whose rows each viewer sees (default: the owner policy).
    sees: Mapping[str, frozenset[str]] = field(default_factory=lambda: OWNED_ROWS)


def marker(person: str) -> str:
    """A string that appears only where a row of `person` is shown (no marker contains another)."""
    return f"mark_{person}_mark"


def url_names(
    patterns: Iterable[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[str]:
    """Every named URL the project defines, with its namespace ('app:name')."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in FOREIGN_NAMESPACES:
                continue
            yield from url_names(
                pattern.url_patterns, f"{prefix}{namespace}:" if namespace else prefix
            )
        else:
            yield (
                f"{prefix}{pattern.name}"
                if pattern.name
                else f"{prefix}<unnamed {pattern.pattern}>"
            )


def duplicate_names(names: Iterable[str]) -> list[str]:
    """Names given to more than one route: `reverse` would silently pick one of them."""
    return sorted(name for name, count in Counter(names).items() if count > 1)


def all_expectations() -> list[Expect]:
    tests_dir = Path(__file__).parent
    expectations: list[Expect] = []
    for module_path in sorted(tests_dir.glob("*/access.py")):
        module = import_module(f"tests.{module_path.parent.name}.access")
        expectations.extend(module.EXPECTATIONS)
    return expectations


def uncovered(names: Iterable[str], expectations: Iterable[Expect]) -> list[str]:
    covered = {expectation.url_name for expectation in expectations}
    return sorted(set(names) - covered)


def uncovered_methods(
    expectations: Iterable[Expect], answers: Callable[[Expect, str], bool]
) -> list[str]:
    """'METHOD name' for each method a URL answers that no expectation covers.

    `answers(expectation, method)` asks the running view (see tests/test_access.py).
    """
    by_name: dict[str, list[Expect]] = {}
    for expectation in expectations:
        by_name.setdefault(expectation.url_name, []).append(expectation)
    missing = []
    for name, group in sorted(by_name.items()):
        covered = {expectation.method for expectation in group}
        for method in METHODS:
            if method not in covered and answers(group[0], method):
                missing.append(f"{method.upper()} {name}")
    return missing


def response_text(response: HttpResponse) -> str:
    """What a person reads in the response: the page, the CSV, the .ics, the cells of an .xlsx."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # a zip: .xlsx
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode(response.charset or "utf-8")


def row_problems(text: str, viewer: str, sees: Mapping[str, frozenset[str]]) -> list[str]:
    """Rows shown to `viewer` that they may not see, and their own rows missing (which
    would make the absence check prove nothing)."""
    problems = []
    for person in VIEWERS:
        shown = marker(person) in text
        if person in sees[viewer] and not shown:
            problems.append(f"{viewer} does not see the row of {person}")
        elif person not in sees[viewer] and shown:
            problems.append(f"{viewer} sees the row of {person}")
    return problems

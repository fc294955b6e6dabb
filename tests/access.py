"""The role × owner/non-owner expectation table that every URL must appear in.

Each app lists its URLs in `tests/<app>/access.py` as `EXPECTATIONS`. For a
URL about one record, `kwargs` creates the record owned by `people.owner` (a
client manager in team A) and returns the URL's kwargs. Viewers:

    owner            the client manager who owns the record (or: a manager)
    teammate         another client manager in the same team
    supervisor       the owner's supervisor
    trainee          a trainee in the owner's team
    other_manager    a client manager in another team
    other_supervisor the supervisor of another team
    admin            an administrator

`allowed` viewers get a page (status < 400); everyone else gets `denied`
(404 by default: never confirm that someone else's record exists).
Anonymous visitors are sent to sign in, unless `public`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

VIEWERS = (
    "owner",
    "teammate",
    "supervisor",
    "trainee",
    "other_manager",
    "other_supervisor",
    "admin",
)
EVERYONE = frozenset(VIEWERS)
CASEWORKERS = frozenset(VIEWERS) - {"trainee"}
# Namespaces whose access rules are Django's own (the admin checks is_staff).
FOREIGN_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Expect:
    url_name: str
    allowed: frozenset[str]
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] | None = None
    method: str = "get"
    data: Callable[[SimpleNamespace], dict[str, Any]] | None = None
    denied: int = 404
    public: bool = False
    query: str = ""


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


@dataclass
class Case:
    expectation: Expect
    viewer: str | None  # None: anonymous
    expected: set[int] = field(default_factory=set)

"""Two reviewers deciding at the same moment produce exactly one decision (PostgreSQL:
two real database connections, one per thread)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from investigations import services
from investigations.models import Action, InvestigationEvent
from tests.investigations.factories import refresh, submitted

TRIALS = 50  # issue 14: two reviewers deciding one investigation, 50 trials

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers; the race needs PostgreSQL's row locks",
    ),
]


def decide_concurrently(investigation, deciders) -> list[object]:
    barrier = threading.Barrier(len(deciders))
    outcomes: list[object] = [None] * len(deciders)

    def decide(index: int, reviewer, action: str) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = services.investigation_decide(
                investigation=investigation,
                by=reviewer,
                action=action,
                seen_version=investigation.version,
                comment="同时审查",
            )
        except services.Refused as refused:
            outcomes[index] = refused
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(index, reviewer, action))
        for index, (reviewer, action) in enumerate(deciders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_reviewers_at_once_make_exactly_one_decision(people):
    for trial in range(TRIALS):
        investigation = submitted(people.owner)
        deciders = [(people.supervisor, Action.APPROVE), (people.admin, Action.DECLINE)]
        if trial % 2:
            deciders.reverse()
        outcomes = decide_concurrently(investigation, deciders)
        refusals = [o for o in outcomes if isinstance(o, services.Refused)]
        assert len(refusals) == 1, f"trial {trial}: {outcomes}"
        # Refused as decided by the other (not as a page gone stale): the version was seen.
        assert refusals[0].message.startswith("该调查已由他人审查"), refusals[0].message
        decisions = InvestigationEvent.objects.filter(
            investigation=investigation, action__in=[Action.APPROVE, Action.DECLINE]
        )
        assert decisions.count() == 1
        assert refresh(investigation).status == decisions.get().to_status

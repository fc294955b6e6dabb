"""Who may act on an investigation: small pure predicates (seeing is `visible_to`; reading
a decided one whose client has since been handed over is `readable_by`, never acting).

Four eyes (handbook §2 via issue 8): nobody decides on an investigation they
submitted or own; a supervisor decides on their team's, an administrator on the
work of those who have no supervisor (and on anyone's, when needed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.policy import CASEWORK_ROLES, decides_on_work_of

if TYPE_CHECKING:
    from accounts.models import User
    from investigations.models import Investigation
    from prospects.models import Prospect


def _caseworker(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.role in CASEWORK_ROLES or user.is_administrator)
    )


def can_start(user: User, prospect: Prospect) -> bool:
    """The prospect's own manager investigates it (trainees do not investigate)."""
    return _caseworker(user) and prospect.owner_id == user.pk


def can_edit(user: User, investigation: Investigation) -> bool:
    """Only its owner, and only before submission or after a return; decided is read-only."""
    return investigation.is_editable and investigation.owner_id == user.pk


def can_submit(user: User, investigation: Investigation) -> bool:
    return can_edit(user, investigation)


def can_decide(user: User, investigation: Investigation) -> bool:
    """Approve, return or decline: a submitted investigation, someone else's work."""
    if not investigation.awaiting_review:
        return False
    if investigation.submitted_by_id == user.pk or investigation.took_part(user.pk):
        return False
    if investigation.reviewed_by_administrator and not user.is_administrator:
        return False
    return decides_on_work_of(user, investigation.owner)

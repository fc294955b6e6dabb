"""Who may act on the prospects' records they can see: pure predicates, no queries.

Seeing is `visible_to` (accounts.policy); a person who sees a record but may not
act on it gets 403 (or a message beside the form), never a silent change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.policy import can_see_owner

if TYPE_CHECKING:
    from accounts.models import User
    from prospects.models import Prospect, Territory


def can_edit_prospect(user: User, prospect: Prospect) -> bool:
    """The owner (a trainee too), their supervisor, an administrator."""
    return can_see_owner(user, prospect.owner)


def can_reassign(user: User, prospect: Prospect) -> bool:
    """A supervisor hands their team's prospects to someone else; an administrator anyone's."""
    return (user.is_supervisor or user.is_administrator) and can_see_owner(user, prospect.owner)


def can_create_territory(user: User) -> bool:
    return user.is_active and (user.is_supervisor or user.is_administrator)


def can_edit_territory(user: User, territory: Territory) -> bool:
    """A supervisor edits their own branch's territories; an administrator any."""
    if not user.is_active:
        return False
    if user.is_administrator:
        return True
    return user.is_supervisor and territory.branch_id == user.branch_id

"""Who may act on the handbook (everyone reads it): pure predicates, no queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User


def can_edit_handbook(user: User) -> bool:
    """Supervisors of every branch and administrators write the handbook; others read it."""
    return (
        user.is_authenticated and user.is_active and (user.is_supervisor or user.is_administrator)
    )


def can_follow_trainees(user: User) -> bool:
    """Whose reading progress is listed beside one's own: a supervisor's trainees, or all."""
    return user.is_supervisor or user.is_administrator

"""Who may act on the prospects' records they can see: pure predicates, no queries.

Seeing is `visible_to` (accounts.policy); a person who sees a record but may not
act on it gets 403 (or a message beside the form), never a silent change. A rule
that also picks rows (a reviewer's queue) keeps its filter beside its predicate,
so the two cannot drift apart: here, or in accounts.policy for the four eyes on
recorded work (`reviews_record`, `reviewed_records`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.policy import can_see_owner, reviews_record
from prospects.choices import HospitalityReview

if TYPE_CHECKING:
    from accounts.models import User
    from prospects.models import HospitalityEntry, Promise, Prospect, Territory


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


def can_review_hospitality(user: User, entry: HospitalityEntry) -> bool:
    """A flagged entry is reviewed as `reviews_record` says (HospitalityQuerySet.reviewable_by)."""
    return entry.flagged and reviews_record(user, entry.prospect.owner, entry.recorded_by_id)


def can_answer_hospitality(user: User, entry: HospitalityEntry) -> bool:
    """The manager answers a question their supervisor sent back about their own entry."""
    return entry.review == HospitalityReview.QUESTIONED and entry.prospect.owner_id == user.pk


def can_mark_unconsulted_seen(user: User, promise: Promise) -> bool:
    """先请示: the supervisor (the mentor, for a trainee) looks at a promise made alone, as
    `reviews_record` says (PromiseQuerySet.unconsulted_seeable_by)."""
    return promise.made_alone and reviews_record(
        user, promise.prospect.owner, promise.recorded_by_id
    )

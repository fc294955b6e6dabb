"""Who may see what, and whose work whom may decide on — the one place every app asks.

Seeing: a client manager sees their own records, a supervisor those of their
team (and their own), a trainee the playbook and their own prospects, an
administrator everything. Records are fetched through a queryset filtered by
`owner_scope` (minus what a model's queryset hides from a person, e.g. a
complaint from the colleague it is about), so anything outside it answers 404,
never a 403 that would confirm it exists.

Acting is a separate question, answered by small pure predicates (`can_…`)
beside each app's rules; a visible record the person may not act on answers
403 or a message beside the form. Four eyes: nobody decides on their own work.
A manager's work is decided by their supervisor; a supervisor has no supervisor,
so their own work (and the work of anyone without one) goes to an administrator.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.http import Http404

from accounts.models import Role

if TYPE_CHECKING:
    from accounts.models import User

ALL_ROLES: frozenset[str] = frozenset(Role.values)
# Trainees work on prospects and the playbook only (investigations and
# complaints are a full client manager's responsibility).
CASEWORK_ROLES: frozenset[str] = frozenset(
    {Role.CLIENT_MANAGER, Role.SUPERVISOR, Role.ADMINISTRATOR}
)
NOTHING = Q(pk__in=[])


def owner_scope(user: User, owner_field: str = "owner", roles: Collection[str] = ALL_ROLES) -> Q:
    """A filter for the records owned (through `owner_field`) that `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_administrator:
        return Q()
    if user.role not in roles:
        return NOTHING
    if user.is_supervisor:
        # "Own or my team's" as one IN over the people table's primary key: an OR across a
        # join on owner__supervisor is served by no index (a sequential scan of every row).
        return Q(**{f"{owner_field}__in": _team_ids(user)})
    return Q(**{owner_field: user})


def _team_ids(supervisor: User):
    from accounts.models import User as UserModel

    return UserModel.objects.filter(Q(pk=supervisor.pk) | Q(supervisor=supervisor)).values("pk")


def can_see_owner(user: User, owner: User | None, roles: Collection[str] = ALL_ROLES) -> bool:
    """The same rule as `owner_scope`, for one record already in memory."""
    if owner is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_administrator:
        return True
    if user.role not in roles:
        return False
    return owner.pk == user.pk or (user.is_supervisor and owner.supervisor_id == user.pk)


def decides_on_work_of(reviewer: User, author: User | None) -> bool:
    """Four eyes: may `reviewer` approve, return or decline what `author` submitted?

    Never their own work; a supervisor decides on their team's; an administrator on
    anyone's (their queue holds the work of supervisors, who have no supervisor).
    """
    if author is None or not reviewer.is_authenticated or not reviewer.is_active:
        return False
    if reviewer.pk == author.pk:
        return False
    if reviewer.is_administrator:
        return True
    return reviewer.is_supervisor and author.supervisor_id == reviewer.pk


def needs_administrator_review(author: User) -> bool:
    """Work nobody but an administrator can decide on: its author has no supervisor who
    may decide on it (`decides_on_work_of`): none, or theirs has left or is no longer a
    supervisor (the team's work must not wait in a queue nobody opens)."""
    lead = author.supervisor if author.supervisor_id is not None else None
    return lead is None or not (lead.is_active and lead.is_supervisor)


def needs_administrator_review_q(author: str) -> Q:
    """`needs_administrator_review` as a filter: `author` is the path to the author."""
    lead = f"{author}__supervisor"
    return (
        Q(**{f"{lead}__isnull": True})
        | Q(**{f"{lead}__is_active": False})
        | ~Q(**{f"{lead}__role": Role.SUPERVISOR})
    )


def reviews_record(user: User, owner: User | None, recorded_by_id: int | None) -> bool:
    """Four eyes on a record about someone's client (a flagged meal, a promise made alone):
    whoever decides on the owner's work (`decides_on_work_of`), never who recorded it. A
    supervisor who records on a team member's client (the client paid for the meal they
    went to) leaves it to their own reviewer, an administrator, as they do the records of
    their own clients."""
    return recorded_by_id != user.pk and decides_on_work_of(user, owner)


def reviewed_records(user: User) -> Q:
    """`reviews_record` as a filter on a record's table (its `owner` and `recorded_by`)."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_administrator:
        owners = Q()
    elif user.is_supervisor:
        # The team as an IN over the people table, like owner_scope: the records'
        # owner-led indexes serve it.
        from accounts.models import User as UserModel

        owners = Q(owner__in=UserModel.objects.filter(supervisor=user).values("pk"))
    else:
        return NOTHING
    return owners & ~Q(owner=user) & ~Q(recorded_by=user)


def visible_people(user: User):
    """The people whose records `user` may see (themselves included)."""
    from accounts.models import User as UserModel

    if user.is_administrator:
        return UserModel.objects.filter(is_active=True)
    if user.is_supervisor:
        return UserModel.objects.filter(Q(pk=user.pk) | Q(supervisor=user), is_active=True)
    return UserModel.objects.filter(pk=user.pk)


class OwnedQuerySet(models.QuerySet):
    """Base queryset for records that belong to one person.

    Subclasses set `owner_field` (a path to a user) and, when trainees must
    not see the records at all, `visible_roles = CASEWORK_ROLES`.
    """

    owner_field: str = "owner"
    visible_roles: Collection[str] = ALL_ROLES

    def visible_to(self, user: User):
        visible = self.filter(owner_scope(user, self.owner_field, self.visible_roles))
        hidden = self.hidden_from(user)
        return visible if hidden is None else visible.exclude(hidden)

    def hidden_from(self, user: User) -> Q | None:
        """Records this person must not see even though they are in scope (None: none)."""
        return None


def roles_required(*roles: str) -> Callable:
    """View decorator: other roles get a 404, as if the page did not exist."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any):
            user = request.user
            if not (user.is_authenticated and (user.role in allowed or user.is_administrator)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

"""What the investigations app contributes to the shared screens (see accounts.contributions)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.contributions import (
    Action,
    AgendaSection,
    NavItem,
    Panel,
    TimelineEntry,
    first_of,
)
from accounts.policy import CASEWORK_ROLES
from investigations import permissions
from investigations.models import EDITABLE, Investigation, Status

QUEUE_PREVIEW = 5


def _caseworker(user) -> bool:
    return user.is_administrator or user.role in CASEWORK_ROLES


def nav_items(user) -> list[NavItem]:
    if not _caseworker(user):
        return []
    items = [
        NavItem(
            _("Investigations"),
            reverse("investigations:list"),
            order=50,
            active_prefix="/investigations/",
        )
    ]
    if user.is_supervisor or user.is_administrator:
        items.append(
            NavItem(
                _("Reviews"),
                reverse("investigations:queue"),
                order=55,
                active_prefix="/investigations/queue/",
            )
        )
    return items


def home_panels(request) -> list[Panel]:
    """A reviewer's home: how many investigations wait for them, and the oldest's age."""
    user = request.user
    if not (user.is_supervisor or user.is_administrator):
        return []
    today = timezone.localdate()
    oldest, count = first_of(
        Investigation.objects.visible_to(user)
        .awaiting_review_by(user)
        .for_list()
        .order_by("submitted_at", "pk"),
        QUEUE_PREVIEW,
    )
    return [
        Panel(
            "investigations/panels/queue.html",
            {
                "count": count,
                "oldest_days": oldest[0].age_days(today) if oldest else None,
                "preview": [(inv, inv.age_days(today)) for inv in oldest],
            },
            order=12,
        )
    ]


def agenda_sections(user, today: date) -> list[AgendaSection]:
    if not _caseworker(user):
        return []
    own = Investigation.objects.visible_to(user).select_related("prospect")
    returned, returned_total = first_of(own.returned_to(user).order_by("updated_at", "pk"))
    drafts, drafts_total = first_of(
        own.stale_drafts(user, timezone.now()).order_by("created_at", "pk")
    )
    listing = reverse("investigations:list")
    return [
        AgendaSection(
            _("Investigations returned to you"),
            "investigations/agenda/returned.html",
            returned,
            order=25,
            total=returned_total,
            more_url=f"{listing}?status={Status.RETURNED}",
        ),
        AgendaSection(
            _("Investigation drafts older than 7 days"),
            "investigations/agenda/drafts.html",
            drafts,
            order=26,
            total=drafts_total,
            more_url=f"{listing}?status={Status.DRAFT}",
        ),
    ]


def timeline_entries(prospect, user) -> list[TimelineEntry]:
    # Readable, not only visible: the client's decided investigations by a former manager too.
    investigations = (
        Investigation.objects.readable_by(user).filter(prospect=prospect).select_related("owner")
    )
    entries = []
    for inv in investigations:
        inv.prospect = prospect  # already loaded: the entry compares its owner
        entries.append(
            TimelineEntry(
                timezone.localdate(inv.created_at),
                "investigation",
                "investigations/timeline/investigation.html",
                inv,
            )
        )
    return entries


def prospect_actions(prospect, user) -> list[Action]:
    if not permissions.can_start(user, prospect):
        return []
    return [
        Action(
            _("Start an investigation"),
            reverse("investigations:create", args=[prospect.pk]),
            order=50,
        )
    ]


def _following_clients(prospect_ids: list[int]) -> QuerySet[Investigation]:
    """The investigations a handover of these clients takes along: those not yet decided.
    The preview counts them and the handover moves them, so both say the same."""
    return Investigation.objects.filter(
        prospect__in=prospect_ids, status__in=[*EDITABLE, Status.SUBMITTED]
    )


def prospects_to_hand_over(prospect_ids: list[int], from_person, to) -> list[str]:
    """How many investigations would follow the clients (one COUNT whatever the number)."""
    count = _following_clients(prospect_ids).count()
    if not count:
        return []
    return [
        ngettext(
            "%(count)s investigation not yet decided will follow its client.",
            "%(count)s investigations not yet decided will follow their clients.",
            count,
        )
        % {"count": count}
    ]


def prospects_handed_over(prospect_ids: list[int], from_person, to, by, reason: str) -> list[str]:
    """A client's investigations not yet decided follow the client to the new manager, who
    finishes or answers them (a submitted one goes to their supervisor's queue). A decided
    one stays with who investigated: it is their work, and their team's record. (The
    reason is the handover's record; the audit trail has each owner change.)"""
    moved = 0
    for investigation in _following_clients(prospect_ids).select_for_update():
        investigation.owner = to
        investigation.save(update_fields=["owner", "updated_at"])  # in the audit trail
        moved += 1
    if not moved:
        return []
    return [
        ngettext(
            "%(count)s investigation not yet decided follows its client.",
            "%(count)s investigations not yet decided follow their clients.",
            moved,
        )
        % {"count": moved}
    ]

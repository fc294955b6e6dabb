"""What complaints contribute to the shared screens (see accounts.contributions).

Each function runs a fixed number of queries, but for the handover, which records one
step per case it moves; trainees get nothing (CASEWORK_ROLES).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.contributions import (
    AGENDA_SHOWN,
    Action,
    AgendaSection,
    CalendarEvent,
    NavItem,
    Panel,
    TimelineEntry,
    first_of,
)
from accounts.policy import CASEWORK_ROLES
from complaints import board, rules
from complaints.forms import ContactForm
from complaints.models import Case, Reminder


def _casework(user) -> bool:
    return user.is_authenticated and (user.role in CASEWORK_ROLES or user.is_administrator)


def nav_items(user) -> list[NavItem]:
    if not _casework(user):
        return []
    unread = Reminder.objects.unread_for(user).count()
    return [
        NavItem(
            _("Complaints"),
            reverse("complaints:list"),
            order=50,
            active_prefix="/complaints/",
            count=unread,
        )
    ]


# The board panel's title: on the home while it loads, and on the panel's own page.
BOARD_PANEL_TITLE = _("Complaints needing attention")


def home_panels(request) -> list[Panel]:
    if not request.user.is_supervisor:
        return []
    return [Panel.loaded_after(reverse("complaints:board_panel"), BOARD_PANEL_TITLE, order=12)]


def board_panel(user, now) -> Panel:
    """The team's escalated, overdue and late cases: views.board_panel."""
    return Panel(
        "complaints/panels/board.html",
        {**board.attention(user, now, limit=AGENDA_SHOWN), "now": now},
        order=12,
    )


def agenda_sections(user, today: date) -> list[AgendaSection]:
    """The person's own cases whose client must hear from us today (or is already waiting)."""
    if not _casework(user):
        return []
    now = timezone.now()
    cases, total = first_of(
        Case.objects.filter(handler=user)
        .flagged(now)
        .select_related("prospect")
        .most_urgent_first(now)
    )
    today = rules.bank_day(now)
    deciding, deciding_total = first_of(
        Case.objects.filter(handler=user)
        .decision_due(today)
        .select_related("prospect")
        .order_by("decide_by", "pk")
    )
    return [
        AgendaSection(
            _("Clients waiting for feedback"),
            "complaints/agenda/cases.html",
            [{"case": case, "now": now, "form": ContactForm()} for case in cases],
            order=25,
            total=total,
            # The open cases, most urgent first.
            more_url=reverse("complaints:list"),
        ),
        AgendaSection(
            _("Complaint decisions due soon"),
            "complaints/agenda/decisions.html",
            [{"case": case, "days_left": (case.decide_by - today).days} for case in deciding],
            order=26,
            total=deciding_total,
            more_url=reverse("complaints:list") + "?state=decision_due",
        ),
    ]


def timeline_entries(prospect, user) -> list[TimelineEntry]:
    cases = Case.objects.visible_to(user).filter(prospect=prospect).select_related("handler")
    return [
        TimelineEntry(
            rules.bank_day(case.received_at), "complaint", "complaints/timeline/case.html", case
        )
        for case in cases
    ]


def calendar_events(user, start: date, end: date) -> list[CalendarEvent]:
    """For each own open case: the day feedback is due, and the decision deadline."""
    if not _casework(user):
        return []
    events: list[CalendarEvent] = []
    for case in Case.objects.filter(handler=user).open().select_related("prospect"):
        due = case.feedback_due_on
        if start <= due <= end:
            events.append(
                CalendarEvent(
                    f"complaint-feedback-{case.pk}-{due:%Y%m%d}",
                    gettext("Feedback to %(name)s") % {"name": case.client_label},
                    due,
                    case.first_point,
                )
            )
        if case.decide_by and start <= case.decide_by <= end:
            events.append(
                CalendarEvent(
                    f"complaint-decide-{case.pk}-{case.decide_by:%Y%m%d}",
                    gettext("Complaint decision due: %(name)s") % {"name": case.client_label},
                    case.decide_by,
                    case.first_point,
                )
            )
    return events


def prospect_actions(prospect, user) -> list[Action]:
    if not _casework(user):
        return []
    query = urlencode({"prospect": prospect.pk})
    return [
        Action(_("Record a complaint"), f"{reverse('complaints:create')}?{query}", order=50),
        Action(
            _("Record a question to answer"),
            f"{reverse('complaints:question_create')}?{query}",
            order=51,
        ),
    ]


def promise_broken_actions(promise, user) -> list[Action]:
    """A promise that cannot be kept: offer to open a follow-up with that client, prefilled."""
    if not _casework(user):
        return []
    query = urlencode({"promise": promise.pk})
    return [
        Action(_("Open a follow-up with the client"), f"{reverse('complaints:create')}?{query}")
    ]


def _following_clients(
    prospect_ids: list[int], from_person, to, by=None
) -> tuple[QuerySet[Case], QuerySet[Case]]:
    """The open cases of these clients that `from_person` handles, as a handover to `to`
    decided by `by` splits them: those that follow the clients, and those that stay
    (CaseQuerySet.movable_in_handover: none about `to`, nor about whoever decides on
    `from_person`'s work). The preview counts them and the handover moves them, so both
    say the same."""
    theirs = Case.objects.open().filter(prospect__in=prospect_ids, handler=from_person)
    following = theirs.movable_in_handover(from_person=from_person, to=to, by=by)
    return following, theirs.exclude(pk__in=following.values("pk"))


def _staying(staying: QuerySet[Case], from_person, to, *, decided: bool) -> list[str]:
    """What stays with `from_person`, in sentences (one COUNT query, whatever the number):
    the cases about `to`, then those about whoever decides on `from_person`'s work (they
    are not named: nobody is shown a complaint about themselves)."""
    counts = staying.aggregate(
        about_to=Count("pk", filter=Q(about=to)), other=Count("pk", filter=~Q(about=to))
    )
    names = {"to": to, "from": from_person}
    said: list[str] = []
    if count := counts["about_to"]:
        if decided:
            sentence = ngettext(
                "%(count)s open complaint is about %(to)s and stays with %(from)s: "
                "choose another handler for it.",
                "%(count)s open complaints are about %(to)s and stay with %(from)s: "
                "choose another handler for them.",
                count,
            )
        else:
            sentence = ngettext(
                "%(count)s open complaint is about %(to)s and will stay with %(from)s: "
                "choose another handler for it.",
                "%(count)s open complaints are about %(to)s and will stay with %(from)s: "
                "choose another handler for them.",
                count,
            )
        said.append(sentence % {"count": count, **names})
    if count := counts["other"]:
        if decided:
            sentence = ngettext(
                "%(count)s open complaint is about someone who decides on %(from)s's work "
                "and stays with %(from)s: an administrator chooses its handler.",
                "%(count)s open complaints are about someone who decides on %(from)s's work "
                "and stay with %(from)s: an administrator chooses their handlers.",
                count,
            )
        else:
            sentence = ngettext(
                "%(count)s open complaint is about someone who decides on %(from)s's work "
                "and will stay with %(from)s: an administrator chooses its handler.",
                "%(count)s open complaints are about someone who decides on %(from)s's work "
                "and will stay with %(from)s: an administrator chooses their handlers.",
                count,
            )
        said.append(sentence % {"count": count, **names})
    return said


def prospects_to_hand_over(prospect_ids: list[int], from_person, to) -> list[str]:
    """How many of the person's open cases would follow the clients, and how many would
    stay (a COUNT each, whatever the number)."""
    following, staying = _following_clients(prospect_ids, from_person, to)
    said: list[str] = []
    if moving := following.count():
        said.append(
            ngettext(
                "%(count)s open complaint or question will follow its client.",
                "%(count)s open complaints or questions will follow their clients.",
                moving,
            )
            % {"count": moving}
        )
    return said + _staying(staying, from_person, to, decided=False)


def prospects_handed_over(prospect_ids: list[int], from_person, to, by, reason: str) -> list[str]:
    """The open cases of these clients that the person leaving handles follow the clients
    to `to`, each with its "handler changed" step by `by`, who decided the handover, saying
    why (`reason`). Their daily clock runs on from the last contact. A case about `to` or
    about whoever decides on the person's work stays where it is (nobody handles, nor
    decides who handles, a complaint about themselves): the message says so, for someone
    else to take it."""
    following, staying = _following_clients(prospect_ids, from_person, to, by)
    # Locked in one order, so two handovers touching the same cases wait for each other.
    moving = list(following.select_for_update(no_key=True).order_by("pk"))
    stays = _staying(staying, from_person, to, decided=True)
    names = {"to": to, "from": from_person, "reason": reason}
    if reason:
        note = gettext("%(to)s: their client was handed over from %(from)s (%(reason)s).") % names
    else:
        note = gettext("%(to)s: their client was handed over from %(from)s.") % names
    for case in moving:
        case.reassign(to=to, by=by, note=note)
    said: list[str] = []
    if moving:
        said.append(
            ngettext(
                "%(count)s open complaint or question follows its client.",
                "%(count)s open complaints or questions follow their clients.",
                len(moving),
            )
            % {"count": len(moving)}
        )
    return said + stays

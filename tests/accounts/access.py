from datetime import timedelta

from django.utils import timezone

from tests.access import EVERYONE, OWN_ROWS, Expect


def follow_up(people, person, marker: str, days_ahead: int = 1) -> None:
    from tests.prospects.factories import make_prospect

    make_prospect(
        person,
        name=marker,
        next_action="回访",
        next_action_date=timezone.localdate() + timedelta(days=days_ahead),
    )


def due_today(people, person, marker: str) -> None:
    follow_up(people, person, marker, days_ahead=0)


EXPECTATIONS = [
    Expect("home", EVERYONE),
    # A person's own agenda (a supervisor's home loads it after the team); an
    # administrator has none.
    Expect("own_agenda", EVERYONE - {"admin"}, rows=due_today, sees=OWN_ROWS),
    # The feed holds a person's own follow-ups, whatever their role.
    Expect("calendar", EVERYONE, rows=follow_up, sees=OWN_ROWS),
    Expect("healthz", EVERYONE, public=True),
    Expect("login", EVERYONE, public=True),
    Expect("login", EVERYONE, method="post", data=lambda people: {}, public=True),
    Expect("logout", EVERYONE, method="post"),
    Expect("password_change", EVERYONE),
    Expect("password_change", EVERYONE, method="post", data=lambda people: {}),
    Expect("password_change_done", EVERYONE),
    Expect("set_language", EVERYONE, public=True),
    Expect(
        "set_language", EVERYONE, method="post", data=lambda people: {"language": "en"}, public=True
    ),
]


def calendar_token(people):
    from accounts.models import CalendarToken

    return {"token": CalendarToken.regenerate(people.owner).token}


EXPECTATIONS += [
    Expect("calendar_subscription", EVERYONE),
    Expect("calendar_subscription", EVERYONE, method="post"),
    # The token is the key: whoever holds it gets that person's feed, without a session.
    Expect("calendar_feed", EVERYONE, kwargs=calendar_token, public=True),
]

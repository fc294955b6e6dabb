from datetime import timedelta

from django.utils import timezone

from tests.access import EVERYONE, OWN_ROWS, Expect


def follow_up(people, person, marker: str) -> None:
    from tests.prospects.factories import make_prospect

    make_prospect(
        person,
        name=marker,
        next_action="回访",
        next_action_date=timezone.localdate() + timedelta(days=1),
    )


EXPECTATIONS = [
    Expect("home", EVERYONE),
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

from tests.access import EVERYONE, Expect

EXPECTATIONS = [
    Expect("home", EVERYONE),
    Expect("calendar", EVERYONE),
    Expect("healthz", EVERYONE, public=True),
    Expect("login", EVERYONE, public=True),
    Expect("logout", EVERYONE, method="post"),
    Expect("password_change", EVERYONE),
    Expect("password_change_done", EVERYONE),
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

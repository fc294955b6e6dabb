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

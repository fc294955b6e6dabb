from __future__ import annotations

from tests.accounts.test_settings import manage


def test_healthz_answers_200_without_sign_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_healthz_answers_503_when_the_database_does_not_answer():
    # A real server that is not there: nothing listens on port 1.
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.test import Client; r = Client().get('/healthz', HTTP_HOST='localhost');"
        "print(r.status_code, r.content.decode())",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing",
        DJANGO_DEBUG="1",
    )
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert "unavailable" in body
    assert "postgres" not in body and "127.0.0.1" not in body  # no secrets or topology

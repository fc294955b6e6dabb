"""Run in a child process against a PostgreSQL server of its own (test_database_faults.py):
requests across a server restart, and a connection killed in the middle of a transaction.

Usage: python -m tests.security.fault_drill RESTART-COMMAND-AS-JSON; prints one JSON line.
"""

from __future__ import annotations

import json
import subprocess
import sys


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # Pages render without collectstatic's manifest. override_settings, not assignment: the
    # storage already built from the manifest setting is dropped with it.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
    ).enable()
    import psycopg
    from django.core.management import call_command
    from django.db import close_old_connections, connection
    from django.db.models.signals import post_save
    from django.test import Client

    from accounts.models import Branch, Role, User
    from accounts.once import TOKEN_FIELD
    from prospects.models import Prospect

    call_command("migrate", verbosity=0)
    branch = Branch.objects.create(code="0101", name="城南支行")
    user = User.objects.create_user("owner", password="x", role=Role.CLIENT_MANAGER, branch=branch)

    class ServerClient(Client):
        """As a WSGI server does (the test client skips it): connections are checked when a
        request starts and ends, dropped if broken or old."""

        def request(self, **request):
            close_old_connections()
            try:
                return super().request(**request)
            finally:
                close_old_connections()

    client = ServerClient(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    report: dict[str, object] = {"before": client.get("/prospects/").status_code}

    subprocess.run(json.loads(sys.argv[1]), check=True, capture_output=True, timeout=120)
    report["after_restart"] = [client.get("/prospects/").status_code for _ in range(3)]

    dsn = connection.get_connection_params()

    def kill_own_connection(sender, instance, created, **kwargs):
        # The prospect's row is written, its transaction not yet committed: cut the line.
        pid = connection.connection.info.backend_pid
        with psycopg.connect(**{k: v for k, v in dsn.items() if k != "cursor_factory"}) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])

    post_save.connect(kill_own_connection, sender=Prospect)
    killed = client.post(
        "/prospects/new/",
        {
            "name": "鑫源服装商行",
            "kind": "sole_trader",
            "source": "shop_cluster",
            "stage": "lead",
            TOKEN_FIELD: "drill-token",
        },
    )
    post_save.disconnect(kill_own_connection, sender=Prospect)
    report["killed_status"] = killed.status_code
    report["killed_page"] = killed.content.decode()
    report["prospects_after_kill"] = Prospect.objects.count()
    report["after_kill"] = client.get("/prospects/").status_code
    # The same form sent again (its token was rolled back with the rest) now saves.
    again = client.post(
        "/prospects/new/",
        {
            "name": "鑫源服装商行",
            "kind": "sole_trader",
            "source": "shop_cluster",
            "stage": "lead",
            TOKEN_FIELD: "drill-token",
        },
    )
    report["resent_status"] = again.status_code
    report["prospects_after_resend"] = Prospect.objects.count()
    print(json.dumps(report))  # noqa: T201


if __name__ == "__main__":
    main()

"""Start-up refuses bad configuration with one line naming the variable."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config import settings as project_settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "workbench.bank.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/workbench",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("override", "variable"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "https://bank.example/"}, "DJANGO_ALLOWED_HOSTS"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://"}, "DATABASE_URL"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
    ],
)
def test_bad_configuration_stops_start_up_with_one_line_naming_the_variable(override, variable):
    result = manage("check", **{**PRODUCTION, **override})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]


def test_missing_secret_key_with_debug_off_is_refused():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_makemigrations_check_needs_no_production_secrets_but_serving_commands_do():
    assert manage("makemigrations", "--check", "--dry-run").returncode == 0
    refused = manage("check")
    assert refused.returncode != 0 and "DJANGO_SECRET_KEY" in refused.stderr


def test_check_deploy_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def test_sqlite_is_the_default_database_and_postgres_comes_from_database_url():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; print(connection.vendor)",
        DJANGO_DEBUG="1",
    )
    assert result.stdout.strip() == "sqlite"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; print(connection.vendor, connection.settings_dict['CONN_HEALTH_CHECKS'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/workbench",
        DJANGO_DEBUG="1",
    )
    assert result.stdout.strip() == "postgresql True"


def test_passwords_are_hashed_with_argon2():
    # The test run swaps in a fast hasher (tests/conftest.py); the project's setting is Argon2.
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_time_zone_and_language_are_chinese():
    assert project_settings.TIME_ZONE == "Asia/Shanghai"
    assert project_settings.USE_TZ is True
    assert project_settings.LANGUAGE_CODE == "zh-hans"


def test_postgresql_plans_for_solid_state_disks_unless_told_otherwise(db):
    """random_page_cost 1.1 on PostgreSQL's connections (a team's figures follow the index
    from its prospects instead of scanning every visit); the variable or the URL can say."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
    shown = "from django.db import connection; print(connection.settings_dict['OPTIONS'])"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        shown,
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/workbench",
        DATABASE_RANDOM_PAGE_COST="4",
    )
    assert "random_page_cost=4" in result.stdout


def test_behind_the_proxy_the_sign_in_lockout_takes_the_address_the_proxy_saw():
    """Behind the proxy REMOTE_ADDR is the proxy's for everyone: locking (name, address)
    by it would lock the name everywhere again."""
    shown = "from django.conf import settings; print(settings.AXES_CLIENT_IP_CALLABLE)"
    direct = manage("shell", "--no-imports", "-c", shown, DJANGO_DEBUG="1")
    assert direct.stdout.strip() == "None", direct.stderr
    proxied = manage(
        "shell", "--no-imports", "-c", shown, DJANGO_DEBUG="1", DJANGO_BEHIND_PROXY="1"
    )
    assert proxied.stdout.strip() == "config.client_ip.behind_proxy", proxied.stderr
    deploy = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DJANGO_BEHIND_PROXY="1"
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr

"""The fixes issue 14's probe asked for: caching, secure defaults, log noise, exports, big imports."""

from __future__ import annotations

import csv
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from prospects.importing import ImportFileError, read_sheet
from prospects.models import Prospect, Source, Territory, TerritoryKind
from tests.access import all_expectations
from tests.conftest import client_for
from tests.security.walk import allowed_viewer, request_for

ROOT = Path(__file__).resolve().parents[2]
EXPECTATIONS = all_expectations()


# --- Caching ------------------------------------------------------------------------
@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=lambda e: f"{e.method}:{e.url_name}")
def test_every_response_to_a_signed_in_person_is_private_and_not_stored(expectation, people):
    viewer = allowed_viewer(expectation)
    response = request_for(client_for(getattr(people, viewer)), expectation, people)
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= cache_control, (expectation.url_name, cache_control)


def test_sign_out_response_is_not_stored_either(manager_client):
    response = manager_client.post(reverse("logout"))
    assert "no-store" in response["Cache-Control"]


# --- Secure by default ---------------------------------------------------------------
def _settings_of(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_HSTS_PRELOAD, s.SECURE_HSTS_SECONDS > 0)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_django_debug_the_app_refuses_to_start_without_a_key():
    result = _settings_of()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for_and_hsts_preload_only_when_asked():
    production = {"DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "bank.example"}
    assert _settings_of(**production).stdout.split() == ["False", "False", "True"]
    preload = _settings_of(**production, DJANGO_SECURE_HSTS_PRELOAD="1")
    assert preload.stdout.split() == ["False", "True", "True"]
    assert _settings_of(DJANGO_DEBUG="1").stdout.split() == ["True", "False", "False"]


def test_importing_pytest_does_not_change_the_configuration():
    code = "import pytest, django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


# --- Log noise ----------------------------------------------------------------------
def test_a_foreign_host_header_is_logged_as_one_line_without_traceback(client, db):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("django.security.DisallowedHost")
    logger.addHandler(handler)
    try:
        response = client.get("/", HTTP_HOST="evil.example")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 400
    lines = stream.getvalue().strip().splitlines()
    assert len(lines) == 1, lines
    assert "evil.example" in lines[0] and "Traceback" not in stream.getvalue()


# --- Exports -------------------------------------------------------------------------
FORMULA = '=HYPERLINK("http://evil")'


def test_xlsx_writes_text_as_text_without_a_visible_quote_and_csv_keeps_its_guard(
    manager, manager_client
):
    Prospect.objects.create(name=FORMULA, owner=manager, source=Source.REFERRAL, phone="")
    Prospect.objects.create(name="-5 号摊位", owner=manager, source=Source.REFERRAL, phone="")
    xlsx = manager_client.get(reverse("prospects:export", args=["xlsx"])).getvalue()
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    names = {sheet.cell(row=row, column=1).value for row in (2, 3)}
    assert names == {FORMULA, "-5 号摊位"}
    assert {sheet.cell(row=row, column=1).data_type for row in (2, 3)} == {"s"}
    text = manager_client.get(reverse("prospects:export", args=["csv"])).getvalue()
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == {"'" + FORMULA, "'-5 号摊位"}


# --- Big imports -----------------------------------------------------------------------
def _csv(rows: int) -> bytes:
    lines = ["商户名称,电话"] + [f"商户{n},138{n:08d}" for n in range(rows)]
    return "\n".join(lines).encode()


def test_a_list_above_the_row_limit_is_refused_with_a_clear_message(settings):
    settings.IMPORT_MAX_ROWS = 50
    assert len(read_sheet(_csv(50), "list.csv").rows) == 50
    with pytest.raises(ImportFileError, match="50"):
        read_sheet(_csv(51), "list.csv")


def test_the_row_limit_defaults_to_twenty_thousand():
    from config import settings as project_settings

    assert project_settings.IMPORT_MAX_ROWS == 20_000


def test_the_upload_page_says_why_a_long_list_is_refused(settings, people, manager_client):
    settings.IMPORT_MAX_ROWS = 10
    territory = Territory.objects.create(
        name="城南批发市场", kind=TerritoryKind.MARKET, branch=people.owner.branch, merchant_count=9
    )
    response = manager_client.post(
        reverse("prospects:import_upload"),
        {
            "territory": territory.pk,
            "source": Source.SHOP_CLUSTER,
            "file": SimpleUploadedFile("list.csv", _csv(11)),
        },
    )
    assert response.status_code == 200
    assert "10" in response.text and "拆分" in response.text
    assert not Prospect.objects.exists()

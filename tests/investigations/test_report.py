"""The report as a PDF: rendered on the server, Chinese text readable in it."""

from __future__ import annotations

import io
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.conftest import client_for
from tests.investigations.factories import submitted

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_report_downloads_with_chinese_text(people):
    investigation = submitted(people.owner)
    started = time.perf_counter()
    response = client_for(people.supervisor).get(
        reverse("investigations:pdf", args=[investigation.pk])
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    text = pdf_text(response.content)
    assert "征信系统查询" in text
    assert "贷款用途核实" in text
    assert investigation.prospect.name in text
    assert "营业执照有效" in text
    print(f"PDF render: {elapsed:.2f} s, {len(response.content)} bytes")  # noqa: T201


def test_the_page_links_its_print_stylesheet(people):
    investigation = submitted(people.owner)
    html = client_for(people.owner).get(investigation.get_absolute_url()).content.decode()
    assert 'investigations-print.css" media="print"' in html

"""A request body over REQUEST_MAX_BYTES is refused before the server reads it: a 1 GB
upload is not written to the server's disk first, to be refused by a form afterwards."""

from __future__ import annotations

import socket

import pytest
from django.conf import settings
from django.urls import reverse

from prospects.models import Attachment
from tests.conftest import client_for
from tests.prospects.factories import make_prospect

GIGABYTE = 1 << 30


def send_headers_only(live_server, path: str, cookie: str, length: int) -> str:
    """POST `length` declared bytes but send only the first few; what the server answers."""
    request = (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: localhost\r\n"
        f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        f"Content-Length: {length}\r\n\r\n"
        "--xyz\r\n"
    )
    address = (live_server.thread.host, live_server.thread.port)
    # A server that waited for the rest of the body would time out here. (The test server
    # then drains what the client sends, as Django's development server does; closing
    # the socket ends that.)
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(request.encode())
        reply = b""
        while b"</html>" not in reply and (chunk := sock.recv(65536)):
            reply += chunk
    return reply.decode("utf-8", errors="replace")


def test_a_gigabyte_upload_is_answered_at_once_without_being_read(people, live_server):
    client = make_prospect(people.owner)
    cookie = client_for(people.owner).cookies[settings.SESSION_COOKIE_NAME].value
    path = reverse("prospects:client_credit", args=[client.pk])
    reply = send_headers_only(live_server, path, cookie, GIGABYTE)
    assert reply.startswith("HTTP/1.1 413")
    largest = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    assert "文件太大，无法发送" in reply and f"最大可接受 {largest} MB" in reply
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("extra", [0, 1])
def test_the_ceiling_is_the_largest_file_plus_room_for_the_form(people, settings, extra):
    settings.REQUEST_MAX_BYTES = 2048
    client = make_prospect(people.owner)
    url = reverse("prospects:client_credit", args=[client.pk])
    response = client_for(people.owner).generic(
        "POST", url, b"x" * (2048 + extra), content_type="application/octet-stream"
    )
    # At the ceiling the request goes through to the form (which refuses it beside the
    # field); one byte over, it is refused whole.
    assert (response.status_code == 413) == bool(extra)

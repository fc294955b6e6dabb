"""Messages a person meets in Chinese, including those Django words itself."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.conftest import client_for


def test_a_short_new_password_is_refused_in_chinese(people):
    response = client_for(people.owner).post(
        reverse("password_change"),
        {"old_password": "x", "new_password1": "Qz7!x", "new_password2": "Qz7!x"},
    )
    assert "密码太短，至少要有 8 个字符。" in response.context["form"].errors["new_password2"]


def test_a_form_sent_after_signing_in_again_says_the_page_expired(people, settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.owner)
    response = client.post(reverse("prospects:create"), {"name": "鑫源商行"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>页面已过期</h1>" in page
    assert "没有保存任何内容" in page
    assert f'href="{reverse("home")}"' in page
    assert "DEBUG" not in page  # not Django's technical page

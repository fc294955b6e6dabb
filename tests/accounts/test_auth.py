from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse

from config import settings as project_settings
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
BAD_CREDENTIALS = "请输入一个正确的用户名和密码"


def sign_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_sign_in_page_is_in_chinese(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.text
    assert "登录" in response.text


@pytest.mark.parametrize("role", ["owner", "supervisor", "trainee", "admin"])
def test_each_role_lands_on_its_home_page(role, people):
    client = Client()
    response = sign_in(client, getattr(people, role).username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get(reverse("home")).text
    heading = {
        "owner": "今日待办",
        "supervisor": "我的团队",
        "trainee": "我的学习",
        "admin": "系统管理",
    }
    assert heading[role] in page


def test_unknown_user_and_wrong_password_get_the_same_message(client, people):
    wrong_password = sign_in(client, people.owner.username, "nope")
    unknown_user = sign_in(client, "nobody-here", "nope")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert BAD_CREDENTIALS in wrong_password.text
    assert BAD_CREDENTIALS in unknown_user.text


def test_five_failures_lock_the_account_even_with_the_right_password(client, people):
    for _ in range(5):
        sign_in(client, people.owner.username, "wrong")
    response = sign_in(client, people.owner.username, PASSWORD)
    assert response.status_code == 429
    assert "锁定" in response.text and "15" in response.text
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_not_per_address(client, people):
    for _ in range(5):
        sign_in(client, people.owner.username, "wrong")
    # A colleague behind the same branch proxy still signs in.
    response = sign_in(Client(), people.teammate.username, PASSWORD)
    assert response.status_code == 302


ELSEWHERE, AT_THE_DESK = "10.1.0.7", "10.2.0.9"


def test_wrong_passwords_from_elsewhere_do_not_lock_the_person_out_at_their_desk(people):
    """The lock is on the name at the address the failures came from: someone who knows
    a colleague's name cannot lock them out everywhere."""
    elsewhere = Client(REMOTE_ADDR=ELSEWHERE)
    for _ in range(5):
        sign_in(elsewhere, people.owner.username, "wrong")
    locked = sign_in(elsewhere, people.owner.username, PASSWORD)
    assert locked.status_code == 429
    assert "锁定" in locked.text and "15" in locked.text
    at_the_desk = Client(REMOTE_ADDR=AT_THE_DESK)
    assert sign_in(at_the_desk, people.owner.username, PASSWORD).status_code == 302
    assert at_the_desk.session["_auth_user_id"] == str(people.owner.pk)
    # Signing in at the desk does not lift the lock where the failures were.
    assert (
        sign_in(Client(REMOTE_ADDR=ELSEWHERE), people.owner.username, PASSWORD).status_code == 429
    )


@override_settings(AXES_CLIENT_IP_CALLABLE="config.client_ip.behind_proxy")
def test_behind_the_proxy_the_lock_is_at_the_address_the_proxy_saw(people):
    """With DJANGO_BEHIND_PROXY every request comes from the proxy's address: the lock is
    at the address the proxy appended to X-Forwarded-For, not at whatever a client wrote
    before it."""

    def through_the_proxy(forwarded_for: str) -> Client:
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    for _ in range(5):
        # A made-up first address does not move the failures to the colleague's desk.
        sign_in(through_the_proxy(f"{AT_THE_DESK}, {ELSEWHERE}"), people.owner.username, "wrong")
    assert sign_in(through_the_proxy(ELSEWHERE), people.owner.username, PASSWORD).status_code == 429
    assert (
        sign_in(through_the_proxy(AT_THE_DESK), people.owner.username, PASSWORD).status_code == 302
    )


def test_the_lock_lifts_after_fifteen_minutes(client, people):
    for _ in range(5):
        sign_in(client, people.owner.username, "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    response = sign_in(client, people.owner.username, PASSWORD)
    assert response.status_code == 302


def test_four_failures_then_success_resets_the_count(client, people):
    for _ in range(4):
        sign_in(client, people.owner.username, "wrong")
    assert sign_in(Client(), people.owner.username, PASSWORD).status_code == 302
    for _ in range(4):
        sign_in(client, people.owner.username, "wrong")
    assert sign_in(Client(), people.owner.username, PASSWORD).status_code == 302


def test_logout_needs_post(manager_client):
    assert manager_client.get(reverse("logout")).status_code == 405
    response = manager_client.post(reverse("logout"))
    assert response.status_code == 302
    assert manager_client.get(reverse("home")).status_code == 302


def test_password_change(manager_client, manager):
    response = manager_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-pass-2026",
            "new_password2": "a-new-long-pass-2026",
        },
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("a-new-long-pass-2026")


def test_password_change_errors_are_shown_beside_the_field(manager_client):
    response = manager_client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    assert response.status_code == 200
    assert "你的旧密码不正确" in response.text


def test_argon2_hashes_new_passwords():
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        assert make_password("secret-words").startswith("argon2")


def test_administrator_role_grants_the_admin_and_others_do_not(people):
    assert Client().get(reverse("admin:index")).status_code == 302
    admin = Client()
    admin.force_login(people.admin, backend="django.contrib.auth.backends.ModelBackend")
    assert admin.get(reverse("admin:index")).status_code == 200
    manager = Client()
    manager.force_login(people.owner, backend="django.contrib.auth.backends.ModelBackend")
    assert manager.get(reverse("admin:index")).status_code == 302

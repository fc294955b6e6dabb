"""Bank-scale people for `manage.py seed_volume` (see that command for the plug-in shape).

At scale 1: 5 branches, 20 supervisors each leading 10 client managers (200),
20 trainees, one administrator. Usernames are predictable so the benchmark can
sign in: `sup001` leads `mgr0001`…`mgr0010`; the administrator is `vadmin`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from django.contrib.auth.hashers import make_password

from accounts import sample_names
from accounts.models import Branch, Role, User

Progress = Callable[[str, int, int], None]
VOLUME_PASSWORD = "volume-pass-2026"  # a benchmark database's people only
BATCH = 5_000
TEAM_SIZE = 10

# More family and given names than a small sample needs: 200 managers' names repeat less.
SURNAMES = (
    sample_names.SURNAMES + "郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
)
GIVEN = [
    *sample_names.GIVEN,
    "丽",
    "霞",
    "平",
    "刚",
    "桂英",
    "建国",
    "玉兰",
    "俊",
    "鹏",
    "辉",
    "婷",
    "子涵",
    "思远",
]
BRANCHES = ["城南支行", "江东支行", "滨江支行", "高新区支行", "城北支行", "开发区支行", "西湖支行"]

T = TypeVar("T")


def batches(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def chinese_name(rng: random.Random) -> tuple[str, str]:
    """(family name, given name)."""
    return rng.choice(SURNAMES), rng.choice(GIVEN)


def people_by_role() -> dict[str, list[User]]:
    """The generated people by role, in username order (for the other apps' generators)."""
    people: dict[str, list[User]] = {}
    for user in User.objects.order_by("username"):
        people.setdefault(user.role, []).append(user)
    return people


def generate(scale: float, progress: Progress) -> None:
    rng = random.Random(13)
    managers = max(2 * TEAM_SIZE, round(200 * scale))
    teams = -(-managers // TEAM_SIZE)
    branch_count = min(len(BRANCHES), max(1, round(5 * scale**0.5)))
    branches = Branch.objects.bulk_create(
        Branch(code=f"V{index + 1:02d}", name=name)
        for index, name in enumerate(BRANCHES[:branch_count])
    )
    # One hash for everyone: Argon2 takes ~0.1 s a person.
    password = make_password(VOLUME_PASSWORD)
    total = 1 + teams * (1 + TEAM_SIZE + 1)

    def person(username: str, role: str, branch: Branch, supervisor: User | None = None) -> User:
        family, given = chinese_name(rng)
        return User(
            username=username,
            password=password,
            last_name=family,
            first_name=given,
            role=role,
            branch=branch,
            supervisor=supervisor,
        )

    User.objects.bulk_create([person("vadmin", Role.ADMINISTRATOR, branches[0])])
    supervisors = User.objects.bulk_create(
        person(f"sup{team + 1:03d}", Role.SUPERVISOR, branches[team % branch_count])
        for team in range(teams)
    )
    done = 1 + len(supervisors)
    progress("people", done, total)
    members: list[User] = []
    for number in range(managers):
        leader = supervisors[number // TEAM_SIZE]
        members.append(
            person(f"mgr{number + 1:04d}", Role.CLIENT_MANAGER, leader.branch, supervisor=leader)
        )
    for team, leader in enumerate(supervisors):
        members.append(person(f"trn{team + 1:03d}", Role.TRAINEE, leader.branch, supervisor=leader))
    User.objects.bulk_create(members, batch_size=BATCH)
    progress("people", total, total)

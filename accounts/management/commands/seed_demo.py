"""Demo people, then each app's demo data (its `demo.seed(people)`). Idempotent."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from accounts.models import Branch, Role, User

DEMO_PASSWORD = "demo-pass-2026"  # documented in the README; demo only (refused when DEBUG is off)

# username, family name, given name, role, supervisor's username
DEMO_PEOPLE = [
    ("zhangwei", "张", "伟", Role.SUPERVISOR, None),
    ("lina", "李", "娜", Role.CLIENT_MANAGER, "zhangwei"),
    ("wangqiang", "王", "强", Role.CLIENT_MANAGER, "zhangwei"),
    ("zhaomin", "赵", "敏", Role.TRAINEE, "zhangwei"),
    ("chenjie", "陈", "杰", Role.SUPERVISOR, None),
    ("liuyang", "刘", "洋", Role.CLIENT_MANAGER, "chenjie"),
    ("admin", "系统", "管理员", Role.ADMINISTRATOR, None),
]


class Command(BaseCommand):
    help = "Create the demo branch, people and each app's demo data (debug only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run when DJANGO_DEBUG is off.")
        with transaction.atomic():
            people = self.seed_people()
            for app_config in apps.get_app_configs():
                if module_has_submodule(app_config.module, "demo"):
                    import_module(f"{app_config.name}.demo").seed(people)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with any of:"))
        for username, family, given, role, _supervisor in DEMO_PEOPLE:
            self.stdout.write(f"  {username:<10} {DEMO_PASSWORD}   {family}{given} ({role.label})")

    def seed_people(self) -> SimpleNamespace:
        branch, _ = Branch.objects.get_or_create(code="0101", defaults={"name": "城南支行"})
        people: dict[str, User] = {}
        for username, family, given, role, supervisor in DEMO_PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "last_name": family,
                    "first_name": given,
                    "role": role,
                    "branch": branch,
                    "supervisor": people.get(supervisor),
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            people[username] = user
        return SimpleNamespace(branch=branch, **people)

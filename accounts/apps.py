from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and branches")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from accounts.models import Branch, User

        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(Branch)

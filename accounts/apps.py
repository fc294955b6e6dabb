from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and branches")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in

        from config.middleware import stamp_on_sign_in

        # The session time limits count from here (config.middleware.SessionTimeoutMiddleware).
        user_logged_in.connect(stamp_on_sign_in, dispatch_uid="stamp_session_on_sign_in")

        from accounts.models import Branch, User

        # Named fields only: never the password, nor reverse relations other apps add.
        auditlog.register(
            User,
            include_fields=[
                "username",
                "first_name",
                "last_name",
                "email",
                "role",
                "branch",
                "supervisor",
                "is_active",
            ],
        )
        auditlog.register(Branch)

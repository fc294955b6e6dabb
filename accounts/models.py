from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Branch(models.Model):
    """A branch or outlet (支行/网点) of the bank."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLIENT_MANAGER = "manager", _("Client manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    TRAINEE = "trainee", _("Trainee")
    ADMINISTRATOR = "admin", _("Administrator")


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `manage.py createsuperuser` makes an administrator: the role grants the admin.
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)

    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(), but not the rule that the role grants the admin.
        objs = list(objs)
        for user in objs:
            user.grant_the_admin_by_role()
        return super().bulk_create(objs, *args, **kwargs)


class User(AbstractUser):
    """A person who signs in. Their role decides what they see (see accounts.policy)."""

    objects = UserManager()

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.CLIENT_MANAGER
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team",
        limit_choices_to={"role": Role.SUPERVISOR},
        help_text=_("The supervisor (mentor, for a trainee) who leads this person's team."),
    )

    # Chinese whatever the browser sends; English only when the person chooses it, and the
    # choice follows them to any phone or computer (accounts.middleware).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese order: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()

    def save(self, *args, **kwargs) -> None:
        self.grant_the_admin_by_role()
        super().save(*args, **kwargs)

    def grant_the_admin_by_role(self) -> None:
        # The administrator role is what grants the Django admin, not a separate flag:
        # someone moved to another role loses the admin and the bank-wide view with it.
        self.is_staff = self.is_superuser = self.role == Role.ADMINISTRATOR

    @property
    def is_client_manager(self) -> bool:
        return self.role == Role.CLIENT_MANAGER

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_trainee(self) -> bool:
        return self.role == Role.TRAINEE

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR


class FormSubmission(models.Model):
    """A create form's one-time token, claimed by its first submission (accounts.once).

    The unique token makes a double click, a retry or a duplicated tab save one record:
    the database, not a check-then-insert, decides which submission was first.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return self.token


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarTokenQuerySet(models.QuerySet):
    def person_for(self, token: str):
        """The active person whose feed `token` opens, or None (revoked, unknown, inactive)."""
        found = (
            self.filter(token=token, user__is_active=True).select_related("user").first()
            if token
            else None
        )
        return found.user if found else None


class CalendarToken(models.Model):
    """The secret in a person's calendar subscription URL (webcal).

    It opens that person's calendar feed and nothing else; regenerating it
    replaces (revokes) the old one.
    """

    user = models.OneToOneField(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_token",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    objects = CalendarTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def regenerate(cls, user: User) -> CalendarToken:
        """A new secret for `user`; the old URL stops working at once."""
        token, _created = cls.objects.update_or_create(
            user=user, defaults={"token": new_calendar_token()}
        )
        return token

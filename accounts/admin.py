from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Branch, Role, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to administrators, never changed there: the work happens in the app, through
    its checks and its audit trail."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class UserChangeForm(DjangoUserChangeForm):
    def clean(self):
        cleaned = super().clean()
        person = User.objects.filter(pk=self.instance.pk).first()
        stays_lead = cleaned.get("role") == Role.SUPERVISOR and cleaned.get("is_active", True)
        if person and person.is_supervisor and not stays_lead:
            # Their team's submitted work would wait in no queue: nobody else reviews it.
            led = person.team.filter(is_active=True).count()
            if led:
                raise forms.ValidationError(
                    ngettext(
                        "%(name)s still leads %(count)s person: give them another "
                        "supervisor first.",
                        "%(name)s still leads %(count)s people: give them another "
                        "supervisor first.",
                        led,
                    )
                    % {"name": person, "count": led}
                )
        return cleaned


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    list_display = [
        "username",
        "last_name",
        "first_name",
        "role",
        "branch",
        "supervisor",
        "is_active",
    ]
    list_filter = ["role", "branch", "is_active"]
    list_select_related = ["branch", "supervisor"]
    # No staff or superuser boxes: the administrator role grants the admin (User.save).
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "email")}),
        (_("Role and team"), {"fields": ("role", "branch", "supervisor", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (
            _("Role and team"),
            {"fields": ("last_name", "first_name", "role", "branch", "supervisor")},
        ),
    )


# The bank's headings, not "Django administration".
admin.site.site_header = _("Client Manager Workbench · administration")
admin.site.site_title = _("Client Manager Workbench")
admin.site.index_title = _("People, branches and reference data")

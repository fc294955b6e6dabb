from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch, User


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role and team"), {"fields": ("role", "branch", "supervisor")}),
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

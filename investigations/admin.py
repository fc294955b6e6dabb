from django.contrib import admin

from investigations.models import Investigation


@admin.register(Investigation)
class InvestigationAdmin(admin.ModelAdmin):
    """Read-only for administrators: the work happens in the app, through its checks."""

    list_display = ["prospect", "owner", "amount", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["prospect__name"]
    list_select_related = ["prospect", "owner"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

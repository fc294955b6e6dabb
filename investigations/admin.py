from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from investigations.models import Investigation


@admin.register(Investigation)
class InvestigationAdmin(ReadOnlyAdmin):
    """Read-only for administrators: the work happens in the app, through its checks."""

    list_display = ["prospect", "owner", "amount", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["prospect__name"]
    list_select_related = ["prospect", "owner"]

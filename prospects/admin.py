from django.contrib import admin

from prospects.models import Industry, Territory


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "preferred", "large_cash_flow", "financing_need"]
    list_editable = ["preferred", "large_cash_flow", "financing_need"]
    search_fields = ["name"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "branch", "merchant_count"]
    list_filter = ["kind", "branch"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]

from django.contrib import admin

from wangge.dispatch.models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "area", "unit", "is_active")
    list_filter = ("is_active",)
    autocomplete_fields = ()
    raw_id_fields = ("category", "area", "unit")

from django.contrib import admin

from wangge.disputes.models import Dispute


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    """Read-only: disputes change only through their steps (the services),
    so the timeline and the audit chain stay the record."""

    list_display = ("number", "type", "risk", "level", "state", "outcome", "found_on")
    list_filter = ("type", "risk", "level", "state")
    search_fields = ("number", "summary")
    raw_id_fields = ("grid", "request", "found_by", "created_by")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

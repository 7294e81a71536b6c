from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Browse only: the log cannot be edited or deleted from the application."""

    list_display = ("seq", "at", "actor_label", "action", "object_label", "address", "reason")
    list_filter = ("action", "channel")
    search_fields = ("actor_label", "object_id", "object_label", "reason")
    ordering = ("-seq",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

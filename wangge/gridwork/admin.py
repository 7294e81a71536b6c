"""The admin: the duty list is edited here (data, not code); the rest is
there to look at — posts, leave, visits and change requests are changed
through the staff pages and their services, which check reach and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.gridwork.models import (
    Duty,
    GridPost,
    GridWorker,
    HouseholdChange,
    Leave,
    Patrol,
    ReservePerson,
    Visit,
)


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ("position", "code", "name", "description", "is_active")
    list_display_links = ("code",)
    list_editable = ("position", "name", "description", "is_active")
    ordering = ("position", "code")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GridWorker)
class GridWorkerAdmin(ReadOnly):
    list_display = ("user", "kind", "area", "phone_masked", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("user__username", "user__display_name")
    exclude = ("phone_enc", "phone_index")


@admin.register(GridPost)
class GridPostAdmin(ReadOnly):
    list_display = ("grid", "post", "worker", "started_at", "ended_at")
    list_filter = ("post",)
    search_fields = ("grid__code", "worker__user__username")


@admin.register(Leave)
class LeaveAdmin(ReadOnly):
    list_display = ("worker", "kind", "starts_at", "ends_at", "reason")
    list_filter = ("kind",)


@admin.register(Visit)
class VisitAdmin(ReadOnly):
    list_display = ("household", "worker", "visited_at", "received_at")
    search_fields = ("household__number",)


@admin.register(Patrol)
class PatrolAdmin(ReadOnly):
    list_display = ("grid", "worker", "started_at", "stopped_at", "point_count", "distance_m")


@admin.register(HouseholdChange)
class HouseholdChangeAdmin(ReadOnly):
    list_display = ("household", "status", "proposed_by", "received_at", "decided_by")
    list_filter = ("status",)
    exclude = ("proposed", "seen_state")


@admin.register(ReservePerson)
class ReservePersonAdmin(ReadOnly):
    list_display = ("name", "village", "track", "status")
    list_filter = ("track", "status")
    exclude = ("phone_enc", "phone_index")

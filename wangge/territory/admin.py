from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.territory.models import Area, GridGeneration
from wangge.territory.services import area_update


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    """Names and urban/rural class can be corrected here (through the same
    audited service as the pages); codes, tree and boundaries come from loads."""

    list_display = ("code", "name", "level", "form", "ur_code", "geometry_source", "is_active")
    list_filter = ("level", "form", "geometry_source", "is_active", "county_code")
    search_fields = ("code", "name")
    fields = (
        "code",
        "name",
        "level",
        "form",
        "parent",
        "path",
        "ur_code",
        "geometry_source",
        "centroid_lon",
        "centroid_lat",
        "is_active",
    )
    readonly_fields = (
        "code",
        "level",
        "form",
        "parent",
        "path",
        "geometry_source",
        "centroid_lon",
        "centroid_lat",
        "is_active",
    )
    list_per_page = 100
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("geometry").select_related("parent")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Area, form: Any, change: bool) -> None:
        original = Area.objects.get(pk=obj.pk)
        area_update(actor=request.user, area=original, name=obj.name, ur_code=obj.ur_code)


@admin.register(GridGeneration)
class GridGenerationAdmin(admin.ModelAdmin):
    """Read only: generations change only through their pages and services (audited)."""

    list_display = ("pk", "village", "state", "origin", "minimum", "maximum", "computed_at")
    list_filter = ("state", "origin", "county_code")
    search_fields = ("village__code", "village__name")
    list_select_related = ("village",)
    readonly_fields = ("village", "state", "origin", "minimum", "maximum", "measure", "fresh")
    fields = (*readonly_fields, "report", "outcome", "note")
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("grids", "assignment", "barriers")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

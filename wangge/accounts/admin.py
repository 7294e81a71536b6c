from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from wangge.accounts.models import RoleAssignment, Unit, User
from wangge.accounts.services import role_grant, role_revoke
from wangge.audit.services import audit_record


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ("role", "area", "unit", "is_active")
    raw_id_fields = ("area", "unit")
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "is_active", "locked_until", "last_login")
    search_fields = ("username", "display_name")
    fieldsets = (
        (None, {"fields": ("username", "password", "display_name")}),
        (
            "状态",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "failed_logins",
                    "locked_until",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined", "failed_logins")
    inlines = (RoleAssignmentInline,)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # Plain field edits of a user go through here; every one is audited.
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="user.update" if change else "user.create",
            obj=obj,
            changes={"fields": sorted(form.changed_data)},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Role assignments go through the services so level rules and audit apply.
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.is_valid():
                continue
            data = inline_form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            instance = inline_form.instance
            if instance.pk and not data.get("is_active", True):
                role_revoke(actor=cast(User, request.user), assignment=instance)
            else:
                role_grant(
                    actor=cast(User, request.user),
                    user=form.instance,
                    role=data["role"],
                    area=data["area"],
                    unit=data.get("unit"),
                )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the audit log points at users


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "area", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("area",)
    filter_horizontal = ("categories",)

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="unit.update" if change else "unit.create",
            obj=obj,
            area_path=obj.area.path,
            changes={"fields": sorted(form.changed_data)},
        )

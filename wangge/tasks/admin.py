from django.contrib import admin

from wangge.tasks.models import Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    """Read-only: tasks are given and completed through the services, so
    the audit chain stays the record."""

    list_display = ("title", "due_on", "grid_count", "household_count", "created_unit")
    search_fields = ("title",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

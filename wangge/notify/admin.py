from django.contrib import admin

from wangge.notify.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "audience", "kind", "unit", "request", "status", "sender")
    list_filter = ("audience", "status", "kind")
    # The phone stays protected: the admin shows neither token nor index.
    exclude = ("phone_enc", "phone_index")
    readonly_fields = ("request", "unit")

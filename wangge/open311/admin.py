"""API keys in the admin: the key itself is never shown, only once when
made, in the message after saving; a lost key is replaced, not recovered."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from wangge.core.errors import DomainError
from wangge.open311.models import ApiKey
from wangge.open311.selectors import jurisdiction_check
from wangge.open311.services import api_key_issue


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("name", "county_code", "user", "is_active")

    def clean_county_code(self) -> str:
        code: str = self.cleaned_data["county_code"].strip()
        try:
            jurisdiction_check(code)
        except DomainError:
            raise forms.ValidationError("本系统没有这个县区(或它还没有划分网格)") from None
        return code


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ("name", "county_code", "is_active", "last_used_at", "created_at")
    list_filter = ("is_active", "county_code")
    search_fields = ("name",)
    raw_id_fields = ("user",)
    readonly_fields = ("created_at", "last_used_at")

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        raw = None if change else api_key_issue(obj)
        super().save_model(request, obj, form, change)
        if raw is not None:
            self.message_user(
                request, f"新密钥(只显示这一次,请立即交给对方):{raw}", messages.WARNING
            )

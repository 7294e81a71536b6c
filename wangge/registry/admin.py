from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from wangge.audit.services import audit_record
from wangge.registry import colour as engine
from wangge.registry.models import ColourRule, VisitInterval


@admin.register(ColourRule)
class ColourRuleAdmin(admin.ModelAdmin):
    """Colour rules are data: edited here, checked before saving."""

    list_display = ("code", "colour", "reason", "is_active", "position")
    list_filter = ("colour", "is_active")
    list_editable = ("is_active", "position")

    def save_model(self, request: HttpRequest, obj: ColourRule, form: Any, change: bool) -> None:
        try:
            engine.parse_rule(
                {"code": obj.code, "colour": obj.colour, "reason": obj.reason, "when": obj.when}
            )
        except engine.RuleError as exc:
            messages.error(request, f"规则无效,未保存:{exc}")
            return
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="colour_rule.save",
            obj=obj,
            changes={"colour": obj.colour, "when": obj.when},
        )


@admin.register(VisitInterval)
class VisitIntervalAdmin(admin.ModelAdmin):
    list_display = ("colour", "days")

    def save_model(self, request: HttpRequest, obj: VisitInterval, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="visit_interval.save",
            obj=obj,
            changes={"colour": obj.colour, "days": obj.days},
        )

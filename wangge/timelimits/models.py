"""Days entered by administrators into the working-day calendar: a new
year's holidays and adjusted working days before the calendar package knows
them, or a local change. They take precedence over the package."""

from __future__ import annotations

from django.db import models


class CalendarDay(models.Model):
    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=64, blank=True, help_text="如:元旦、春节调休上班")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工作日历(人工录入)"
        verbose_name_plural = "工作日历(人工录入)"
        ordering = ("date",)

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.note}".strip()

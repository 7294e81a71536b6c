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


class Urgency(models.TextChoices):
    URGENT = "urgent", "紧急"
    NORMAL = "normal", "一般"
    COMPLEX = "complex", "复杂"


class Step(models.TextChoices):
    SIGN = "sign", "签收"
    CONTACT = "contact", "首次联系"
    FINISH = "finish", "办结"
    CHECK = "check", "核查"
    CALLBACK = "callback", "回访"


class LimitUnit(models.TextChoices):
    HOURS = "hours", "工作小时"
    DAYS = "days", "工作日"


class TimeLimitProfile(models.Model):
    """A set of time limits a category of matters follows (快办、一般、
    复杂、紧急); each category names one. Administrators edit the limits."""

    code = models.CharField("编码", max_length=16, unique=True)
    name = models.CharField("名称", max_length=32)

    class Meta:
        verbose_name = "时限方案"
        verbose_name_plural = "时限方案"
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name


class TimeLimit(models.Model):
    """How long one step may take, for a profile at an urgency."""

    profile = models.ForeignKey(
        TimeLimitProfile, verbose_name="时限方案", on_delete=models.CASCADE, related_name="limits"
    )
    urgency = models.CharField("紧急程度", max_length=8, choices=Urgency.choices)
    step = models.CharField("环节", max_length=8, choices=Step.choices)
    amount = models.DecimalField("时限", max_digits=5, decimal_places=1)
    unit = models.CharField("单位", max_length=5, choices=LimitUnit.choices)

    class Meta:
        verbose_name = "环节时限"
        verbose_name_plural = "环节时限"
        constraints = [  # noqa: RUF012 - Django reads it as a plain list
            models.UniqueConstraint(
                fields=["profile", "urgency", "step"], name="timelimits_one_limit_per_step"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="timelimits_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} {self.get_urgency_display()} {self.get_step_display()}"

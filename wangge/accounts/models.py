from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models

from wangge.accounts.roles import Role


class User(AbstractUser):
    """A person who signs in: staff of any level, or an administrator.

    What a user reaches comes only from their active role assignments (see
    ``wangge.accounts.reach``); ``is_superuser`` alone reaches everything, for
    the IT person who installs the system.
    """

    display_name = models.CharField("姓名", max_length=64, blank=True)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class UnitKind(models.TextChoices):
    GRID = "grid", "网格"
    VILLAGE_COMMITTEE = "village_committee", "村(居)委会"
    TOWN_OFFICE = "town_office", "镇街办"
    DEPARTMENT = "department", "县级职能部门"
    COMMAND_CENTRE = "command_centre", "指挥中心"


class Unit(models.Model):
    """A body that receives and does work: a grid, a village committee, a town
    or street office, a county department, a command centre. It sits at an
    area (a department at its county) and, for a department, handles the
    categories listed in ``categories``."""

    code = models.CharField("单位编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices, db_index=True)
    area = models.ForeignKey(
        "territory.Area", verbose_name="所在区域", on_delete=models.PROTECT, related_name="units"
    )
    categories = models.ManyToManyField(
        "categories.Category", verbose_name="负责事项分类", blank=True, related_name="units"
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering: ClassVar[list[str]] = ["area__code", "kind", "code"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """A user holds ``role`` at ``area`` (and, for department staff, in
    ``unit``). The assignment reaches the area's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    area = models.ForeignKey(
        "territory.Area", verbose_name="区域", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "角色分配"
        verbose_name_plural = "角色分配"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["user", "role", "area"], name="accounts_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area.name}"

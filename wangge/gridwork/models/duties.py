from __future__ import annotations

from typing import ClassVar

from django.db import models


class Duty(models.Model):
    """One of the grid worker's standing duties (工作职责清单). Data, not
    code: administrators reword, reorder, add or retire them in the admin;
    the eight of Shangluo's practice are seeded by a migration. Visits,
    patrols and findings record which duties they served; a retired duty
    stays on the records that named it."""

    code = models.SlugField("编码", max_length=32, unique=True)
    name = models.CharField("职责", max_length=40)
    description = models.CharField("说明", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "工作职责"
        verbose_name_plural = "工作职责清单"
        ordering: ClassVar[list[str]] = ["position", "code"]

    def __str__(self) -> str:
        return self.name

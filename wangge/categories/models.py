from __future__ import annotations

from typing import ClassVar

from django.db import models


class Category(models.Model):
    """A class of matters (诉求分类), a tree of up to three levels.

    The foundation seeds the first level; the request-dispatch work grows it
    into the full taxonomy with default units and time limits. A county
    department is tied to the first-level categories it handles, which limits
    what its staff reach.
    """

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField("层级", default=1)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "事项分类"
        verbose_name_plural = "事项分类"
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name

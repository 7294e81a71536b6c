from __future__ import annotations

from typing import ClassVar

from django.db import models


class Category(models.Model):
    """A class of matters (诉求分类), a tree of three levels
    (``wangge.categories.taxonomy``), each with the kind of unit that
    usually handles it and its time-limit profile. A county department is
    tied to the first-level categories it handles, which limits what its
    staff reach.
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
    # Who usually handles such a matter (grid / village_committee /
    # town_office / department: the unit kinds) and the time limits it
    # follows; routing and deadlines start from these.
    unit_kind = models.CharField("默认承办单位类型", max_length=20, blank=True)
    profile = models.ForeignKey(
        "timelimits.TimeLimitProfile",
        verbose_name="时限方案",
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "事项分类"
        verbose_name_plural = "事项分类"
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class Level(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县区"
    TOWN = "town", "镇街"
    VILLAGE = "village", "村社区"
    ZONE = "zone", "片区"
    GRID = "grid", "网格"


# Depth of each level in the tree; a zone is optional, so a grid's parent is a
# zone or a village and the depth of a grid is 5 or 6.
LEVEL_ORDER: dict[str, int] = {lv.value: i for i, lv in enumerate(Level)}


class Form(models.TextChoices):
    """The urban or rural form of a town or village level area."""

    STREET = "street", "街道"
    TOWN = "town", "镇"
    TOWNSHIP = "township", "乡"
    COMMUNITY = "community", "社区"
    VILLAGE = "village", "村"
    SPECIAL = "special", "特殊区域"
    NONE = "", "—"


class GeometrySource(models.TextChoices):
    OFFICIAL = "official", "公开边界(GCJ-02 转 WGS-84)"
    SYNTHETIC = "synthetic", "合成边界(无公开边界,按已知中心点剖分)"
    DERIVED = "derived", "由下级合并"
    PARTITION = "partition", "按住户位置自动划分"


class Area(models.Model):
    """One node of the territory tree: city → county → town/street →
    village/community → zone (optional) → grid.

    ``code`` is the 12-digit statistical division code for city to village; a
    grid is its village's code plus a 3-digit sequence numbered west→east,
    north→south (15 digits); a zone is its village's code plus ``Z`` and two
    digits. ``path`` is the materialised path of codes from the root, each
    followed by ``/``: an area's subtree is every area whose path starts with
    its path, which is how reach is enforced (one indexed prefix query).

    Areas are written only by ``wangge.territory.services``; boundaries are
    WGS-84 GeoJSON. Grids are not deleted when redrawn: a later generation
    makes new ones and deactivates the old, so past records keep their grid.
    """

    code = models.CharField("区划代码", max_length=15, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=8, choices=Level.choices, db_index=True)
    form = models.CharField("类型", max_length=10, choices=Form.choices, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField("路径", max_length=128, unique=True)
    county_code = models.CharField("县区代码", max_length=6, db_index=True, blank=True)
    ur_code = models.CharField("城乡分类代码", max_length=3, blank=True, default="")
    geometry = models.JSONField("边界(GeoJSON, WGS-84)", null=True, blank=True)
    geometry_source = models.CharField(
        "边界来源", max_length=10, choices=GeometrySource.choices, blank=True, default=""
    )
    centroid_lon = models.FloatField("中心经度", null=True, blank=True)
    centroid_lat = models.FloatField("中心纬度", null=True, blank=True)
    is_active = models.BooleanField("有效", default=True)
    # The grid generation that drew this grid (None: loaded or seeded before generations).
    generation = models.ForeignKey(
        "territory.GridGeneration",
        verbose_name="划分方案",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="areas",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "区域"
        verbose_name_plural = "区域"
        ordering: ClassVar[list[str]] = ["code"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["parent", "level"])]

    def __str__(self) -> str:
        return f"{self.name}({self.code})"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to the parent."""
        return self.path.rstrip("/").split("/")[:-1]

    @property
    def ur_label(self) -> str:
        return UR_LABELS.get(self.ur_code, "")


# National Bureau of Statistics urban/rural classification codes.
UR_LABELS: dict[str, str] = {
    "111": "主城区",
    "112": "城乡结合区",
    "121": "镇中心区",
    "122": "镇乡结合区",
    "123": "特殊区域",
    "210": "乡中心区",
    "220": "村庄",
}


class TerritoryVersion(models.Model):
    """A counter bumped by every write to area boundaries, so each process can
    tell cheaply when its in-memory point index is stale."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "区划版本"

    def __str__(self) -> str:
        return f"v{self.version}"


# Grid generations live in their own module; imported here so Django finds the models.
from wangge.territory.generation_models import (  # noqa: E402
    GenerationOrigin,
    GenerationState,
    GridGeneration,
    HouseholdGridChange,
)

__all__ = [
    "LEVEL_ORDER",
    "UR_LABELS",
    "Area",
    "Form",
    "GenerationOrigin",
    "GenerationState",
    "GeometrySource",
    "GridGeneration",
    "HouseholdGridChange",
    "Level",
    "TerritoryVersion",
]

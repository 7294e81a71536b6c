"""Buildings, households, people and who lives where.

Personal data (ID number, phone, exact address) is stored only as SM4
tokens (``*_enc``, see ``wangge.registry.pii``) beside an HMAC-SM3 blind
index for exact search (``*_index``) and a precomputed mask for display
(``*_masked``). Every row carries ``area_path`` — the path of the grid it
belongs to — so reach is one indexed prefix filter, and ``county_code`` so
the largest tables can be partitioned by county.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

# 政治面貌 values that make a person a party member (full or probationary).
PARTY_STATUSES = ("中共党员", "中共预备党员")


class Colour(models.TextChoices):
    RED = "red", "红色·连心户"
    YELLOW = "yellow", "黄色·关心户"
    GREEN = "green", "绿色·放心户"


class ResidenceKind(models.TextChoices):
    REGISTERED = "registered", "户籍"
    RESIDENT = "resident", "常住"
    FLOATING = "floating", "流动"


# 与户主关系 as a household register lists them (and in that order).
RELATIONS = ("户主", "配偶", "父母", "子女", "儿媳", "女婿", "孙子女", "兄弟姐妹", "其他")
# Why a member joined or left a household (``Membership.joined_reason`` /
# ``left_reason``); "" for rows from before these were kept, and imports.
JOIN_REASONS = ("出生", "婚入", "迁入", "其他")
LEAVE_REASONS = ("死亡", "迁出", "婚出", "其他")
DEATH = "死亡"


class Building(models.Model):
    """A building (楼栋) in a grid: an apartment block in town, or a
    homestead cluster in a village."""

    grid = models.ForeignKey("territory.Area", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=128, db_index=True)
    county_code = models.CharField(max_length=6, db_index=True)
    name = models.CharField("名称", max_length=64)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "楼栋"
        verbose_name_plural = "楼栋"

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """A household (户): an address in a grid, with its members over time.

    ``colour`` and its reasons are derived by the colour rules from the
    household's data and kept here so lists and maps need no evaluation; an
    override by staff carries its own reason and expiry. ``last_visit_on``
    is the date of the last grid-worker visit, for the visit schedule.
    """

    number = models.CharField("户编号", max_length=24)
    grid = models.ForeignKey(
        "territory.Area", verbose_name="网格", on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=128)
    county_code = models.CharField(max_length=6)
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.SET_NULL, related_name="households"
    )
    address_enc = models.TextField("详细地址(密文)", blank=True)
    address_masked = models.CharField("地址", max_length=128, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    household_type = models.CharField("户类型", max_length=16, default="family")
    colour = models.CharField("颜色", max_length=8, choices=Colour.choices, default=Colour.GREEN)
    colour_reasons = models.JSONField("颜色原因", default=list, blank=True)
    colour_rules = models.JSONField("命中规则", default=list, blank=True)
    # The same reasons for viewers not cleared for sensitive groups.
    colour_public_reasons = models.JSONField(default=list, blank=True)
    colour_override = models.CharField(max_length=8, choices=Colour.choices, blank=True)
    colour_override_reason = models.CharField(max_length=200, blank=True)
    colour_override_until = models.DateField(null=True, blank=True)
    colour_updated_at = models.DateTimeField(null=True, blank=True)
    last_visit_on = models.DateField("最近走访", null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "户"
        verbose_name_plural = "户"
        # Few, chosen indexes: each one costs every million-row import.
        # The reach filter is a prefix of area_path (``__prefix``); the
        # pattern operator class lets PostgreSQL serve it whatever the
        # database's collation (SQLite ignores operator classes).
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["number"], name="registry_household_number_once")
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(
                fields=["area_path", "colour"],
                name="registry_household_reach",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.number


class Person(models.Model):
    """A person, wherever they live now. ``area_path`` is the grid of their
    current main household (registered, else resident, else floating) and
    moves with them; the history is in ``Membership``."""

    name = models.CharField("姓名", max_length=32)
    name_initials = models.CharField("拼音首字母", max_length=16)
    id_enc = models.TextField("身份证号(密文)", blank=True)
    # NULL, not "", for people without an ID number: unique allows many NULLs.
    id_index = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    id_masked = models.CharField("身份证号", max_length=18, blank=True)
    id_converted_from_15 = models.BooleanField(default=False)
    gender = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")], blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    ethnicity = models.CharField("民族", max_length=16, blank=True)
    phone_enc = models.TextField("联系电话(密文)", blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField("联系电话", max_length=16, blank=True)
    education = models.CharField("文化程度", max_length=16, blank=True)
    occupation = models.CharField("职业", max_length=32, blank=True)
    political_status = models.CharField("政治面貌", max_length=16, blank=True)
    health_note = models.CharField("健康状况", max_length=100, blank=True)
    ability_note = models.CharField("能力特长", max_length=100, blank=True)
    is_away = models.BooleanField("外出务工", default=False)
    # Set when a death is recorded (``registry.moves.member_leave``), which
    # also ends every household the person belonged to: no longer counted
    # as living anywhere, but kept on file with their history.
    died_on = models.DateField("死亡日期", null=True, blank=True)
    area_path = models.CharField(max_length=128)
    county_code = models.CharField(max_length=6)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        # See Household: exact lookups by blind index, prefixes for reach
        # and pinyin initials; county_code is kept for partitioning, not
        # indexed (seven values).
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["id_index"], name="registry_person_id_once")
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["phone_index"], name="registry_person_phone"),
            models.Index(
                fields=["area_path"],
                name="registry_person_reach",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["name_initials"],
                name="registry_person_initials",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_party_member(self) -> bool:
        return self.political_status in PARTY_STATUSES


class Membership(models.Model):
    """A person belongs to a household, with a relation to its head and a
    residence kind, from ``moved_in`` until ``moved_out`` (open = current),
    and why they joined and left when known. A person has at most one
    current registered (户籍) household. Rows are closed, never deleted:
    they are the household's history."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    # Indexed by (household, moved_out) below.
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    relation = models.CharField("与户主关系", max_length=16, default="户主")
    kind = models.CharField(
        "居住类型", max_length=10, choices=ResidenceKind.choices, default=ResidenceKind.REGISTERED
    )
    moved_in = models.DateField("迁入日期", null=True, blank=True)
    moved_out = models.DateField("迁出日期", null=True, blank=True)
    # Why (JOIN_REASONS / LEAVE_REASONS). A database default too: imports
    # and the demo insert memberships by raw column lists without them.
    joined_reason = models.CharField(
        "加入原因", max_length=8, blank=True, default="", db_default=""
    )
    left_reason = models.CharField("离开原因", max_length=8, blank=True, default="", db_default="")

    class Meta:
        verbose_name = "户成员"
        verbose_name_plural = "户成员"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind="registered", moved_out__isnull=True),
                name="registry_one_registered_household",
            )
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["household", "moved_out"])]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.household_id}"


class PersonTag(models.Model):
    """A group tag on a person (独居老人, 留守儿童, 低保...). The codes and
    which are sensitive are listed in ``wangge.registry.tags``."""

    # Indexed by the unique (person, code) below.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="tags", db_index=False
    )
    code = models.CharField(max_length=32, db_index=True)

    class Meta:
        verbose_name = "人员标签"
        verbose_name_plural = "人员标签"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["person", "code"], name="registry_tag_once")
        ]

    def __str__(self) -> str:
        return self.code


class LeadHousehold(models.Model):
    """党员中心户: a party member's household that looks after neighbours."""

    household = models.OneToOneField(Household, on_delete=models.CASCADE, related_name="lead_of")
    party_member = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    looks_after = models.ManyToManyField(Household, related_name="looked_after_by", blank=True)

    class Meta:
        verbose_name = "党员中心户"
        verbose_name_plural = "党员中心户"

    def __str__(self) -> str:
        return str(self.household)


class ColourRule(models.Model):
    """One colour rule as data (see ``wangge.registry.colour`` for the
    condition language). Administrators edit these; defaults are seeded."""

    code = models.CharField(max_length=40, unique=True)
    colour = models.CharField(max_length=8, choices=Colour.choices)
    reason = models.CharField("原因", max_length=100)
    when = models.JSONField("条件")
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "颜色规则"
        verbose_name_plural = "颜色规则"
        ordering: ClassVar[list[str]] = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


class VisitInterval(models.Model):
    colour = models.CharField(max_length=8, choices=Colour.choices, unique=True)
    days = models.PositiveSmallIntegerField("走访周期(天)")

    class Meta:
        verbose_name = "走访周期"
        verbose_name_plural = "走访周期"

    def __str__(self) -> str:
        return f"{self.colour}: {self.days}"


class ImportJob(models.Model):
    """One uploaded population file and what became of it. The work runs in
    the background (``wangge.registry.tasks``); progress is read from a small
    file beside the upload, since the import's own transaction is not
    visible to others until it ends."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        DONE = "done", "已完成"
        REJECTED = "rejected", "有错误,未导入"
        FAILED = "failed", "处理失败"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField("文件名", max_length=200)
    stored_as = models.CharField(max_length=200)
    commit = models.BooleanField("导入(否则仅校验)", default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

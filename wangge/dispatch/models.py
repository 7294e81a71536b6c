"""Requests (诉求/工单), their numbers, their timeline, and routing rules.

A request carries its place the way the registry's rows do: the grid, its
``area_path`` (for reach) and ``county_code``; the requester's phone is
protected like the registry's personal data (SM4 token, blind index, mask).
Every step is a ``RequestEvent`` — the timeline is the record.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from wangge.timelimits.models import Urgency


class Channel(models.TextChoices):
    PORTAL = "portal", "居民端"
    GRID_WORKER = "grid_worker", "网格员上报"
    HOTLINE = "hotline", "热线"
    WALK_IN = "walk_in", "来访"
    DEVICE = "device", "物联感知"
    API = "api", "外部接口"


class State(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    SELF_HANDLING = "self_handling", "网格自处置"
    DISPATCHED = "dispatched", "待签收"
    SIGNED = "signed", "办理中"
    EXTENSION_PENDING = "extension_pending", "延期审批中"
    FINISHED = "finished", "待核查"
    CHECKED = "checked", "待回访"
    CLOSED = "closed", "已办结"
    LONG_TERM = "long_term", "挂账"
    MERGED = "merged", "已合并"
    REJECTED = "rejected", "不予受理"


class Request(models.Model):
    number = models.CharField("编号", max_length=20, unique=True)
    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    channel = models.CharField("渠道", max_length=12, choices=Channel.choices)
    category = models.ForeignKey(
        "categories.Category", verbose_name="分类", on_delete=models.PROTECT, related_name="+"
    )
    urgency = models.CharField(
        "紧急程度", max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    description = models.TextField("诉求内容")
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    grid = models.ForeignKey(
        "territory.Area", verbose_name="网格", on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=128)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="相关户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    anonymous = models.BooleanField("匿名", default=False)
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone_enc = models.TextField(blank=True)
    contact_phone_index = models.CharField(max_length=64, blank=True)
    contact_phone_masked = models.CharField("联系电话", max_length=16, blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        related_name="requests",
        help_text="首问负责:在别处正式签收之前,一直由它负责",
    )
    # First-responder duty: the unit that stays responsible until ``unit``
    # signs (None once signed); and the stored deadlines of the step under
    # way, computed from the time limits when the step began.
    responsible = models.ForeignKey(
        "accounts.Unit",
        verbose_name="首问责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sign_due = models.DateTimeField("签收时限", null=True, blank=True)
    finish_due = models.DateTimeField("办结时限", null=True, blank=True)
    # The deadline the sweep last urged for, so it urges once per deadline.
    urged_for = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    # The other steps' clocks (the time-limit profile's contact, check and
    # call-back limits), set when the step before them is taken.
    contact_due = models.DateTimeField("首次联系时限", null=True, blank=True)
    contacted_at = models.DateTimeField("首次联系时间", null=True, blank=True)
    check_due = models.DateTimeField("核查时限", null=True, blank=True)
    callback_due = models.DateTimeField("回访时限", null=True, blank=True)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)
    result = models.TextField("办理结果", blank=True)
    checked_at = models.DateTimeField("核查时间", null=True, blank=True)
    solved = models.BooleanField("是否解决", null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        "满意度",
        null=True,
        blank=True,
        choices=[(5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")],
    )
    redo_count = models.PositiveSmallIntegerField("重办次数", default=0)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    plan = models.TextField("挂账计划", blank=True)
    # The grid worker on duty (wangge.gridwork.cover) when a grid unit took
    # the matter on — A, or B while A is away; None while another kind of
    # unit holds it, or when the grid's posts are not recorded.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="值守网格员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Bumped by every step: two people acting at once, exactly one wins.
    version = models.PositiveIntegerField(default=0)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Not stored: set by intake when a retried submission found the request
    # its first submission made (the API answers 200 instead of 201).
    replayed = False

    class Meta:
        verbose_name = "诉求"
        verbose_name_plural = "诉求"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["county_code", "year", "seq"], name="dispatch_number"),
            # A retried submission finds the first one (NULL keys never clash).
            models.UniqueConstraint(fields=["idempotency_key"], name="dispatch_idempotent"),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(
                fields=["area_path", "state"],
                name="dispatch_reach",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["unit", "state"], name="dispatch_queue"),
            models.Index(fields=["contact_phone_index"], name="dispatch_phone"),
        ]

    def __str__(self) -> str:
        return self.number


class RequestCounter(models.Model):
    """The last sequence number issued per county and year."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["county_code", "year"], name="dispatch_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.county_code}-{self.year}: {self.last}"


class RequestEvent(models.Model):
    """One step on a request's timeline."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField("动作", max_length=24)
    note = models.TextField("说明", blank=True)
    state_after = models.CharField(max_length=20, choices=State.choices)
    # A rating given at this step (call back, the resident's own, or the one
    # that sent the matter back to be redone): every rating counts in the
    # figures, not only the last.
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    solved = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering: ClassVar[list[str]] = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"


class RoutingRule(models.Model):
    """(category, area) → unit, as administrators set it: a matter of this
    category (or one below it) arising in this area (or below it) goes to
    this unit. The most specific rule wins — deepest area, then deepest
    category; without one, the category's usual handler (see routing)."""

    category = models.ForeignKey(
        "categories.Category", verbose_name="分类", on_delete=models.CASCADE, related_name="+"
    )
    area = models.ForeignKey(
        "territory.Area", verbose_name="区域", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="承办单位", on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "派单规则"
        verbose_name_plural = "派单规则"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["category", "area"], name="dispatch_one_rule")
        ]

    def __str__(self) -> str:
        return f"{self.category} @ {self.area} → {self.unit}"


class Extension(models.Model):
    """An extension request (延期申请): while it waits, the finish clock
    stops; approved, the limit grows by ``days`` working days."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="申请单位", on_delete=models.PROTECT, related_name="+"
    )
    days = models.PositiveSmallIntegerField("延长工作日")
    reason = models.TextField("理由")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField("申请时间")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    approved = models.BooleanField("是否同意", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering: ClassVar[list[str]] = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} +{self.days}"


class AssistRole(models.TextChoices):
    LEAD = "lead", "牵头"
    HELP = "help", "协办"


class Assist(models.Model):
    """A unit whistled (吹哨) to a matter by the town or the command centre:
    the lead, who holds it and finishes it, or a helper, who reports in
    (报到) within its own limit and records its part. Reporting in is the
    helper's own row, not a step of the request, so helpers never collide
    with the lead's work on the request."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="assists")
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("角色", max_length=8, choices=AssistRole.choices)
    sign_due = models.DateTimeField("报到时限", null=True, blank=True)
    signed_at = models.DateTimeField("报到时间", null=True, blank=True)
    urged_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField("协办完成", null=True, blank=True)
    note = models.TextField("协办情况", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "吹哨报到"
        verbose_name_plural = "吹哨报到"
        ordering: ClassVar[list[str]] = ["role", "pk"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["request", "unit"], name="dispatch_assist_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.role} {self.unit_id}"


class RequestPhoto(models.Model):
    """A photo on a request: taken at intake, or on a step (finish, on-the-
    spot handling, site check, a helper's part). Stored re-encoded, without
    EXIF (no GPS or phone model leaks), never served publicly: staff get it
    through their reach, the requester inside their tracked request."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        RequestEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    file = models.FileField(upload_to="requests/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "照片"
        verbose_name_plural = "照片"
        ordering: ClassVar[list[str]] = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} photo {self.pk}"


class SavedView(models.Model):
    """A ledger filter someone uses often (常用筛选), kept under a name —
    their own, or shared with everyone acting for the same units."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_views"
    )
    name = models.CharField("名称", max_length=40)
    query = models.CharField("筛选条件", max_length=500)
    shared = models.BooleanField("本单位共享", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "台账常用筛选"
        verbose_name_plural = "台账常用筛选"
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["owner", "name"], name="dispatch_view_name")
        ]

    def __str__(self) -> str:
        return self.name

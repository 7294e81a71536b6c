"""Disputes (矛盾纠纷排查化解): a case found in the field or raised by a
resident, its parties, how it is mediated up the ladder — the grid, the
village mediation committee (村调委会), the town judicial office (镇司法所)
— the agreement reached, the outcome and the follow-up visits after it.

A dispute carries its place the way the registry's rows do (the grid, its
``area_path`` for reach, ``county_code``); parties from the registry link
to their person and household, outsiders' phones and ID numbers are
protected like the registry's (SM4 token, blind index, mask). Every step is
a ``DisputeEvent``: the timeline is the record. Written only by
``wangge.disputes.services``; every step is one conditional update on
``version``, so two people acting at once cannot both win.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class DisputeType(models.TextChoices):
    NEIGHBOUR = "neighbour", "邻里纠纷"
    FAMILY = "family", "婚姻家庭纠纷"
    LAND = "land", "土地(山林)权属纠纷"
    LABOUR = "labour", "劳动(欠薪)纠纷"
    DEBT = "debt", "债务纠纷"
    PROPERTY = "property", "物业纠纷"
    EXPROPRIATION = "expropriation", "征地拆迁纠纷"
    OTHER = "other", "其他纠纷"


class Risk(models.TextChoices):
    LOW = "low", "低风险"
    MEDIUM = "medium", "中风险"
    HIGH = "high", "高风险"


# What each risk level means, for the people who choose it (shown beside
# the choice) — after the usual 矛盾纠纷风险等级 of county 综治 offices.
RISK_MEANING: dict[str, str] = {
    Risk.LOW: "矛盾单一,当事人情绪平稳,网格内可以调处",
    Risk.MEDIUM: "矛盾较深,或涉及多人、较大金额,有反复或激化可能,需村调委会介入",
    Risk.HIGH: "可能引发民转刑案件、群体性事件、个人极端行为或越级上访,"
    "须立即报告镇司法所并落实稳控措施",
}


class Level(models.TextChoices):
    """Who is mediating now: the ladder of 小事不出网格、大事不出村、难事不出镇."""

    GRID = "grid", "网格"
    VILLAGE = "village", "村调委会"
    TOWN = "town", "镇司法所"


LADDER: tuple[str, ...] = (Level.GRID, Level.VILLAGE, Level.TOWN)


class State(models.TextChoices):
    OPEN = "open", "调解中"
    FOLLOW_UP = "follow_up", "待回访"
    CLOSED = "closed", "已结案"


class Outcome(models.TextChoices):
    SETTLED = "settled", "化解成功"
    PARTIAL = "partial", "部分化解"
    UNSETTLED = "unsettled", "未化解"
    LITIGATION = "litigation", "转入诉讼"
    ARBITRATION = "arbitration", "转入仲裁"
    REFERRED = "referred", "移交有关部门"


class FoundVia(models.TextChoices):
    VISIT = "visit", "入户走访"
    PATROL = "patrol", "网格巡查"
    REQUEST = "request", "群众诉求"
    REPORT = "report", "群众反映"
    OTHER = "other", "其他途径"


def unresolved_q(prefix: str = "") -> Q:
    """Disputes that still weigh on their households: being mediated, or
    ended without a full settlement and not yet closed after follow-up. A
    full settlement (化解成功) lifts the weight at once."""
    return Q(**{f"{prefix}state": State.OPEN}) | (
        Q(**{f"{prefix}state": State.FOLLOW_UP}) & ~Q(**{f"{prefix}outcome": Outcome.SETTLED})
    )


class Dispute(models.Model):
    """One dispute case. ``level`` is who mediates it now; ``state`` runs
    open → follow_up (an outcome was recorded; follow-up visits are due) →
    closed (the last follow-up found it stable), or back to open when a
    follow-up finds it flared up again."""

    number = models.CharField("编号", max_length=24, unique=True)
    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    type = models.CharField("纠纷类型", max_length=16, choices=DisputeType.choices)
    risk = models.CharField("风险等级", max_length=8, choices=Risk.choices)
    level = models.CharField("调处层级", max_length=8, choices=Level.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    outcome = models.CharField("化解结果", max_length=12, choices=Outcome.choices, blank=True)
    summary = models.CharField("纠纷简述", max_length=100)
    description = models.TextField("基本情况", blank=True)
    grid = models.ForeignKey(
        "territory.Area", verbose_name="网格", on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=128)
    found_via = models.CharField("发现途径", max_length=8, choices=FoundVia.choices)
    found_on = models.DateField("发现日期")
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发现人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The request it came from, when a resident raised it; a grid worker's
    # visit or patrol will link here the same way once field work has them.
    request = models.ForeignKey(
        "dispatch.Request",
        verbose_name="来源诉求",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
    )
    outcome_note = models.TextField("结果说明", blank=True)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    # Bumped by every step: two people acting at once, exactly one wins.
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Not auto_now_add: the demo writes a year of history with its real times.
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "矛盾纠纷"
        verbose_name_plural = "矛盾纠纷"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["county_code", "year", "seq"], name="disputes_number"),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(
                fields=["area_path", "state"],
                name="disputes_reach",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_unresolved(self) -> bool:
        return self.state == State.OPEN or (
            self.state == State.FOLLOW_UP and self.outcome != Outcome.SETTLED
        )


class DisputeCounter(models.Model):
    """The last sequence number issued per county and year."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["county_code", "year"], name="disputes_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.county_code}-{self.year}: {self.last}"


class PartySide(models.TextChoices):
    A = "a", "甲方"
    B = "b", "乙方"
    OTHER = "other", "相关方"


class PartyKind(models.TextChoices):
    PERSON = "person", "个人"
    ORGANISATION = "organisation", "单位"


class Party(models.Model):
    """A party to a dispute: a person of the registry (``person`` and their
    ``household``), a household of the registry named by someone not on
    file in it, or an outsider (a person or an organisation — an employer,
    a property company). Registry people's phones and ID numbers stay in
    the registry; an outsider's are kept here the registry's way."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField("当事方", max_length=8, choices=PartySide.choices)
    kind = models.CharField(
        "类别", max_length=12, choices=PartyKind.choices, default=PartyKind.PERSON
    )
    name = models.CharField("姓名(名称)", max_length=64)
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispute_parties",
    )
    phone_enc = models.TextField(blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField("联系电话", max_length=16, blank=True)
    id_enc = models.TextField(blank=True)
    id_index = models.CharField(max_length=64, blank=True)
    id_masked = models.CharField("身份证号", max_length=18, blank=True)
    note = models.CharField("备注", max_length=100, blank=True)

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        ordering: ClassVar[list[str]] = ["side", "pk"]

    def __str__(self) -> str:
        return self.name


class StepResult(models.TextChoices):
    AGREED = "agreed", "达成一致"
    PARTLY = "partly", "部分达成一致"
    FAILED = "failed", "未达成一致"
    ABSENT = "absent", "当事人未到场"


class DisputeEvent(models.Model):
    """One step on a dispute's timeline. A mediation session (``action``
    "mediate") also says when it was held, who mediated and how it ended."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("记录时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField("动作", max_length=16)
    level = models.CharField("层级", max_length=8, choices=Level.choices)
    note = models.TextField("说明", blank=True)
    held_at = models.DateTimeField("调解时间", null=True, blank=True)
    mediators = models.CharField("调解人员", max_length=200, blank=True)
    result = models.CharField("本次结果", max_length=8, choices=StepResult.choices, blank=True)
    state_after = models.CharField(max_length=10, choices=State.choices)

    class Meta:
        verbose_name = "调处记录"
        verbose_name_plural = "调处记录"
        ordering: ClassVar[list[str]] = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.action}"


class Agreement(models.Model):
    """A mediation agreement (调解协议): its text and the day it was signed,
    with photos of the signed paper if taken."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="agreements")
    text = models.TextField("协议内容")
    signed_on = models.DateField("签订日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "调解协议"
        verbose_name_plural = "调解协议"
        ordering: ClassVar[list[str]] = ["signed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.signed_on}"


class AgreementPhoto(models.Model):
    """A photo of a signed agreement: re-encoded without EXIF like a
    request's photos, served only to those who may see the dispute."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="disputes/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "协议照片"
        verbose_name_plural = "协议照片"
        ordering: ClassVar[list[str]] = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.agreement_id} photo {self.pk}"


class FollowUpResult(models.TextChoices):
    STABLE = "stable", "情况稳定"
    RELAPSE = "relapse", "矛盾反复"


class FollowUp(models.Model):
    """A follow-up visit (回访) due after an outcome: was the agreement kept,
    is it calm? Made when the outcome is recorded; done by whoever visits.
    Dropped (``cancelled``) when the dispute is reopened."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField("应回访日期")
    done_at = models.DateTimeField("回访时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField("回访结果", max_length=8, choices=FollowUpResult.choices, blank=True)
    note = models.TextField("回访情况", blank=True)
    cancelled = models.BooleanField("已取消", default=False)

    class Meta:
        verbose_name = "回访"
        verbose_name_plural = "回访"
        ordering: ClassVar[list[str]] = ["due_on", "pk"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["due_on", "done_at"], name="disputes_follow_up_due")
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.due_on}"

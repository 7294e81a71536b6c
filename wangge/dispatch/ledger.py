"""The demand ledger (需求台账): every request a user may see, filtered by
area, unit, category, state, channel, dates and lateness, and exported to
XLSX — contacts masked, the export audited."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook

from wangge.audit.services import audit_record
from wangge.core.errors import DomainError, NotFound
from wangge.dispatch.models import Channel, Request, SavedView, State
from wangge.dispatch.selectors import OPEN, _visible_q
from wangge.territory.models import Area

MAX_EXPORT = 20_000


@dataclass(frozen=True)
class LedgerFilter:
    area: str = ""  # area code
    unit: str = ""  # unit code
    category: str = ""  # category code (and everything below it)
    state: str = ""
    channel: str = ""
    overdue: bool = False
    since: dt.date | None = None
    until: dt.date | None = None

    @classmethod
    def from_query(cls, q: Any) -> LedgerFilter:
        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(q.get(name, ""))
            except ValueError:
                return None

        return cls(
            area=q.get("area", "").strip(),
            unit=q.get("unit", "").strip(),
            category=q.get("category", "").strip(),
            state=q.get("state", "") if q.get("state", "") in State.values else "",
            channel=q.get("channel", "") if q.get("channel", "") in Channel.values else "",
            overdue=q.get("overdue") == "1",
            since=day("since"),
            until=day("until"),
        )


def ledger_for(user: Any, f: LedgerFilter) -> QuerySet[Request]:
    qs = Request.objects.filter(_visible_q(user))
    if f.area:
        path = Area.objects.filter(code=f.area).values_list("path", flat=True).first()
        qs = qs.filter(area_path__prefix=path) if path else qs.none()
    if f.unit:
        qs = qs.filter(unit__code=f.unit)
    if f.category:
        qs = qs.filter(category__code__startswith=f.category)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.overdue:
        now = timezone.now()
        qs = qs.filter(
            Q(state__in=[State.SUBMITTED, State.DISPATCHED], sign_due__lt=now)
            | Q(state=State.SIGNED, finish_due__lt=now)
        )
    if f.since:
        qs = qs.filter(created_at__date__gte=f.since)
    if f.until:
        qs = qs.filter(created_at__date__lte=f.until)
    return qs.select_related("category", "grid", "unit").order_by("-created_at", "-pk")


HEADERS = [
    "编号", "提交时间", "渠道", "分类", "紧急程度", "网格", "诉求内容", "联系人", "联系电话",
    "状态", "承办单位", "签收时限", "办结时限", "办理结果", "满意度", "重办次数",
]  # fmt: skip


def ledger_export_xlsx(user: Any, f: LedgerFilter) -> bytes:
    """The filtered ledger as XLSX; personal contacts masked. Audited."""
    qs = ledger_for(user, f)
    count = qs.count()
    if count > MAX_EXPORT:
        raise DomainError(
            "ledger.too_many", f"共 {count} 条,超过 {MAX_EXPORT} 条,请缩小筛选范围后分批导出"
        )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("需求台账")
    ws.append(HEADERS)

    def when(value: dt.datetime | None) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    for r in qs.iterator(chunk_size=2000):
        ws.append(
            [
                r.number,
                when(r.created_at),
                r.get_channel_display(),
                r.category.name,
                r.get_urgency_display(),
                r.grid.name,
                r.description,
                "匿名" if r.anonymous else r.contact_name,
                r.contact_phone_masked,
                r.get_state_display(),
                r.unit.name,
                when(r.sign_due),
                when(r.finish_due),
                r.result,
                r.get_rating_display() if r.rating else "",
                r.redo_count,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    audit_record(
        actor=user,
        action="request.export",
        object_type="dispatch.ledger",
        changes={"rows": count, "filter": {k: str(v) for k, v in f.__dict__.items() if v}},
    )
    return out.getvalue()


__all__ = ["OPEN", "LedgerFilter", "ledger_export_xlsx", "ledger_for"]


_VIEW_KEYS = ("area", "unit", "category", "state", "channel", "overdue", "since", "until")
MAX_VIEWS = 30


def saved_view_save(*, user: Any, name: str, query: Any, shared: bool = False) -> SavedView:
    """Keep the ledger's current filter under a name (same name: replaced).
    Only the filter's own fields are kept, never a page number."""
    name = name.strip()
    if not 1 <= len(name) <= 40:
        raise DomainError("ledger.view_name", "请给常用筛选起个名字(不超过 40 字)")
    kept = {k: str(query.get(k, "")).strip() for k in _VIEW_KEYS}
    kept = {k: v for k, v in kept.items() if v}
    if not kept:
        raise DomainError("ledger.view_empty", "请先选择筛选条件,再保存")
    existing = SavedView.objects.filter(owner=user, name=name).first()
    if existing is None and SavedView.objects.filter(owner=user).count() >= MAX_VIEWS:
        raise DomainError("ledger.view_many", f"常用筛选最多 {MAX_VIEWS} 个,请先删除不用的")
    view, _ = SavedView.objects.update_or_create(
        owner=user, name=name, defaults={"query": urlencode(kept), "shared": shared}
    )
    return view


def saved_view_delete(*, user: Any, view_id: int) -> None:
    if not SavedView.objects.filter(owner=user, pk=view_id).delete()[0]:
        raise NotFound("常用筛选")


def saved_views_for(user: Any) -> list[SavedView]:
    """The user's own views, and those shared by colleagues: people holding
    the same role at the same place, or tied to the same unit (a town
    office's dispatchers share theirs)."""
    from wangge.accounts.models import RoleAssignment

    mine = RoleAssignment.objects.filter(user=user, is_active=True)
    same = Q(pk__in=[])
    for role, area_id, unit_id in mine.values_list("role", "area_id", "unit_id"):
        same |= Q(unit_id=unit_id) if unit_id else Q(role=role, area_id=area_id)
    colleagues = RoleAssignment.objects.filter(same, is_active=True).values("user_id")
    return list(
        SavedView.objects.filter(
            Q(owner=user) | Q(shared=True, owner_id__in=colleagues)
        ).select_related("owner")
    )

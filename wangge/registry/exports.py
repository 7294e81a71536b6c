"""XLSX export of an area's households and people: masked by default, full
values only for those who may reveal them and say why. Every export is
audited (what and how much, never a personal value)."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError, NotFound
from wangge.registry import pii
from wangge.registry.keys import keyring
from wangge.registry.models import Household, Membership, PersonTag
from wangge.registry.tags import visible_tags
from wangge.territory.models import Area

# A county or city in one sheet is too much personal data in one file and
# too big for a request; its towns can be exported one by one.
EXPORT_LEVELS = frozenset({"town", "village", "zone", "grid"})
MAX_PERSONS = 50_000

HOUSEHOLD_HEADERS = ["户编号", "网格", "地址", "户类型", "颜色", "颜色原因", "最近走访", "人数"]
HOUSEHOLD_WIDTHS = [18, 16, 40, 10, 14, 40, 12, 6]
PERSON_HEADERS = [
    "户编号", "姓名", "与户主关系", "居住类型", "性别", "出生日期", "身份证号",
    "联系电话", "民族", "政治面貌", "文化程度", "职业", "外出务工", "标签",
]  # fmt: skip
PERSON_WIDTHS = [18, 10, 10, 8, 6, 12, 20, 14, 8, 12, 10, 14, 8, 30]
HOUSEHOLD_TYPES = {"family": "家庭户"}

_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s]')
# Text openpyxl would not store as plain text (see ``_cell``).
_UNSAFE_TEXT = re.compile(rf"^=|^#|{ILLEGAL_CHARACTERS_RE.pattern}")


def people_export_xlsx(
    *, actor: Any, area: Area, full: bool = False, reason: str = ""
) -> tuple[str, bytes]:
    """The households and current members of ``area`` as an XLSX workbook:
    ``(file name, bytes)``. Raises ``NotFound`` outside the actor's reach."""
    reach = reach_for(actor)
    if not reach.allows(Capability.PERSON_VIEW, area.path):
        raise NotFound("区域")
    if not reach.allows(Capability.PERSON_EXPORT, area.path):
        raise DomainError("forbidden", "您没有导出人口信息的权限")
    if area.level not in EXPORT_LEVELS:
        raise DomainError("export.too_large", "请按镇街、村(社区)、片区或网格分别导出")
    reason = reason.strip()
    if full:
        if not reach.allows(Capability.PERSON_REVEAL, area.path):
            raise DomainError("forbidden", "您没有导出完整个人信息的权限")
        if len(reason) < 2:
            raise DomainError("export.reason", "导出完整信息须说明事由")

    in_area = Q(household__is_active=True, household__area_path__prefix=area.path)
    members = Membership.objects.filter(in_area, moved_out__isnull=True)
    if members.count() > MAX_PERSONS:
        raise DomainError("export.too_large", f"超过 {MAX_PERSONS} 人,请按村(社区)或网格分别导出")
    sensitive_ok = reach.allows(Capability.PERSON_VIEW_SENSITIVE, area.path)
    ring = keyring() if full else None

    wb = Workbook(write_only=True)
    n_households = _write(
        _sheet(wb, "住户", HOUSEHOLD_HEADERS, HOUSEHOLD_WIDTHS),
        _household_rows(area, ring, sensitive_ok),
    )
    n_persons = _write(
        _sheet(wb, "人员", PERSON_HEADERS, PERSON_WIDTHS),
        _person_rows(members, ring, sensitive_ok),
    )
    out = io.BytesIO()
    wb.save(out)

    audit_record(
        actor=actor,
        action="person.export",
        obj=area,
        reason=reason,
        area_path=area.path,
        changes={"full": full, "households": n_households, "persons": n_persons},
    )
    name = _UNSAFE_FILENAME.sub("_", area.name)
    return f"{name}_人员_{timezone.localdate():%Y%m%d}.xlsx", out.getvalue()


def _household_rows(
    area: Area, ring: pii.Keyring | None, sensitive_ok: bool
) -> Iterator[list[Any]]:
    households = (
        Household.objects.filter(is_active=True, area_path__prefix=area.path)
        .select_related("grid")
        .annotate(n=Count("memberships", filter=Q(memberships__moved_out__isnull=True)))
        .order_by("number")
    )
    for h in households.iterator(chunk_size=2000):
        reasons = h.colour_reasons if sensitive_ok else h.colour_public_reasons
        address = _reveal(ring, [h.address_enc])[0] if ring else h.address_masked
        yield [
            h.number,
            h.grid.name,
            address,
            HOUSEHOLD_TYPES.get(h.household_type, h.household_type),
            h.get_colour_display(),
            "、".join(reasons),
            h.last_visit_on,
            h.n,
        ]


def _person_rows(
    members: QuerySet[Membership], ring: pii.Keyring | None, sensitive_ok: bool
) -> Iterator[list[Any]]:
    # One query for all tags rather than a prefetch per chunk of members.
    tags: dict[int, set[str]] = defaultdict(set)
    for person_id, code in PersonTag.objects.filter(
        person__in=members.values("person_id")
    ).values_list("person_id", "code"):
        tags[person_id].add(code)
    # Household by household, its head first, as a household register reads.
    head_first = Case(
        When(relation="户主", then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    rows = members.select_related("person", "household").order_by(
        "household__number", head_first, "person__birth_date", "pk"
    )
    for m in rows.iterator(chunk_size=2000):
        p = m.person
        if ring:
            id_number, phone = _reveal(ring, [p.id_enc, p.phone_enc])
        else:
            id_number, phone = p.id_masked, p.phone_masked
        yield [
            m.household.number,
            p.name,
            m.relation,
            m.get_kind_display(),
            p.get_gender_display(),
            p.birth_date,
            id_number,
            phone,
            p.ethnicity,
            p.political_status,
            p.education,
            p.occupation,
            "是" if p.is_away else "",
            "、".join(visible_tags(tags.get(p.pk, set()), sensitive_ok=sensitive_ok)),
        ]


def _reveal(ring: pii.Keyring, tokens: list[str]) -> list[str]:
    # An empty token means "not on file": decrypt only the others.
    plain = iter(pii.decrypt_many(ring, [t for t in tokens if t]))
    return [next(plain) if t else "" for t in tokens]


def _sheet(wb: Any, title: str, headers: list[str], widths: list[int]) -> Any:
    ws = wb.create_sheet(title)
    # Write-only sheets take column widths and panes only before the first row.
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    ws.append([_cell(ws, h, font=bold) for h in headers])
    return ws


def _write(ws: Any, rows: Iterable[list[Any]]) -> int:
    n = 0
    for row in rows:
        ws.append(
            [_cell(ws, v) if isinstance(v, str) and _UNSAFE_TEXT.search(v) else v for v in row]
        )
        n += 1
    return n


def _cell(ws: Any, value: str, font: Font | None = None) -> Any:
    """A cell that stays text: openpyxl would store ``=...`` as a formula (an
    address typed as ``=HYPERLINK(...)`` must not run in Excel) and ``#N/A`` as
    an error, and refuses control characters, which pasted data may carry."""
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell

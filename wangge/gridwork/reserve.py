"""The reserve pool ledger (后备队伍台账): people ready to become grid
workers or village cadres, kept by the village or town. Audited; the
phone is protected like the registry's."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from wangge.accounts.roles import Capability
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError
from wangge.gridwork.models import ReservePerson, ReserveStatus, ReserveTrack
from wangge.gridwork.posts import protected_phone, require
from wangge.territory.models import Area

EDUCATION = ("小学", "初中", "高中", "中专", "大专", "本科", "研究生")


def _clean(
    *, name: str, birth_year: int | None, education: str, track: str, status: str
) -> dict[str, Any]:
    name = name.strip()
    if not name or len(name) > 32:
        raise DomainError("reserve.name", "请填写姓名(不超过 32 个字)")
    this_year = timezone.localdate().year
    if birth_year is not None and not this_year - 75 <= birth_year <= this_year - 16:
        raise DomainError("reserve.birth_year", "出生年份应使年龄在 16 到 75 岁之间")
    if education and education not in EDUCATION:
        raise DomainError("reserve.education", f"文化程度应为:{'、'.join(EDUCATION)}")
    if track not in ReserveTrack.values:
        raise DomainError("reserve.track", "储备方向应为网格员或村(社区)干部")
    if status not in ReserveStatus.values:
        raise DomainError("reserve.status", "状态无效")
    return {"name": name, "birth_year": birth_year, "education": education}


def reserve_add(
    *,
    actor: Any,
    village: Area,
    name: str,
    phone: str = "",
    gender: str = "",
    birth_year: int | None = None,
    education: str = "",
    political_status: str = "",
    skills: str = "",
    track: str = ReserveTrack.GRID_WORKER,
    notes: str = "",
) -> ReservePerson:
    if village.level not in ("village", "town"):
        raise DomainError("reserve.village", "后备人员应登记在村(社区)或镇街")
    require(actor, Capability.GRIDWORK_MANAGE, village.path)
    fields = _clean(
        name=name, birth_year=birth_year, education=education, track=track,
        status=ReserveStatus.CANDIDATE,
    )  # fmt: skip
    if gender not in ("", "M", "F"):
        raise DomainError("reserve.gender", "性别无效")
    with transaction.atomic():
        person = ReservePerson.objects.create(
            **fields,
            **protected_phone(phone),
            gender=gender,
            village=village,
            area_path=village.path,
            county_code=village.county_code,
            political_status=political_status.strip()[:16],
            skills=skills.strip()[:200],
            track=track,
            notes=notes.strip()[:2000],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="gridwork.reserve_add",
            obj=person,
            area_path=village.path,
            changes={"track": track},
        )
    return person


def reserve_update(
    *, actor: Any, person: ReservePerson, status: str, notes: str | None = None
) -> ReservePerson:
    """Move someone along the ledger (培养中, 已任用, 已退出) with a note."""
    require(actor, Capability.GRIDWORK_MANAGE, person.area_path, "后备人员")
    if status not in ReserveStatus.values:
        raise DomainError("reserve.status", "状态无效")
    with transaction.atomic():
        before = person.status
        person.status = status
        if notes is not None:
            person.notes = notes.strip()[:2000]
        person.save(update_fields=["status", "notes", "updated_at"])
        audit_record(
            actor=actor,
            action="gridwork.reserve_update",
            obj=person,
            area_path=person.area_path,
            changes={"status": [before, status]},
        )
    return person

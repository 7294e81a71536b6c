"""Corrections to a household or a person already on file: the address
and position of a household; a person's phone, work away from home,
occupation, education, health and group tags. For staff who keep the
registry (``person.edit``), and for approving the changes grid workers
notice in the field (``wangge.gridwork.changes``).

Each call is one transaction with one audit record naming the fields
changed — masked values only, never a full phone or address — and
recolours the households concerned.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError, NotFound
from wangge.registry import pii
from wangge.registry.keys import keyring
from wangge.registry.models import Household, Person, PersonTag
from wangge.registry.phone import PhoneError, parse_phone
from wangge.registry.services import household_recolour
from wangge.registry.tags import SENSITIVE_TAGS, TAGS

EDUCATION = ("文盲", "小学", "初中", "高中", "中专", "大专", "本科", "研究生")
# Roughly China, to refuse swapped or zero coordinates.
LON_RANGE, LAT_RANGE = (73.0, 136.0), (3.0, 54.0)


def require_edit(actor: Any, path: str, what: str) -> None:
    reach = reach_for(actor)
    if not reach.allows(Capability.PERSON_VIEW, path):
        raise NotFound(what)
    if not reach.allows(Capability.PERSON_EDIT, path):
        raise DomainError("forbidden", "您没有执行此操作的权限")


def check_position(lon: Any, lat: Any) -> tuple[float, float]:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise DomainError("household.position", "位置应为经度、纬度两个数") from None
    if not (LON_RANGE[0] <= x <= LON_RANGE[1] and LAT_RANGE[0] <= y <= LAT_RANGE[1]):
        raise DomainError("household.position", "位置不在我国境内,请检查经纬度")
    return x, y


def household_update(
    *,
    actor: Any,
    household: Household,
    address: str | None = None,
    position: tuple[float, float] | None = None,
    reason: str = "",
) -> Household:
    """Correct a household's address and/or position."""
    require_edit(actor, household.area_path, "户")
    changes: dict[str, Any] = {}
    fields: list[str] = []
    if address is not None:
        address = address.strip()
        if not 4 <= len(address) <= 200:
            raise DomainError("household.address", "详细地址应为 4 到 200 个字")
        household.address_enc = pii.encrypt(keyring(), address)
        household.address_masked = pii.mask_address(address)
        fields += ["address_enc", "address_masked"]
        changes["address"] = household.address_masked
    if position is not None:
        household.lon, household.lat = check_position(*position)
        fields += ["lon", "lat"]
        changes["position"] = [household.lon, household.lat]
    if not fields:
        raise DomainError("household.nothing", "没有要修改的内容")
    with transaction.atomic():
        household.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            action="household.update",
            obj=household,
            reason=reason[:500],
            area_path=household.area_path,
            changes=changes,
        )
        household_recolour(household=household)
    return household


def person_update(
    *,
    actor: Any,
    person: Person,
    phone: str | None = None,
    is_away: bool | None = None,
    occupation: str | None = None,
    education: str | None = None,
    health_note: str | None = None,
    tags_add: Iterable[str] = (),
    tags_remove: Iterable[str] = (),
    reason: str = "",
) -> Person:
    """Correct what is known of a person. Sensitive group tags only by
    those cleared to see them."""
    require_edit(actor, person.area_path, "人员")
    changes: dict[str, Any] = {}
    fields: list[str] = []
    if phone is not None:
        if phone.strip():
            try:
                normal = parse_phone(phone)
            except PhoneError as exc:
                raise DomainError(exc.code, exc.message) from None
            ring = keyring()
            person.phone_enc = pii.encrypt(ring, normal)
            person.phone_index = pii.blind_index(ring, "phone", normal)
            person.phone_masked = pii.mask_phone(normal)
        else:
            person.phone_enc = person.phone_index = person.phone_masked = ""
        fields += ["phone_enc", "phone_index", "phone_masked"]
        changes["phone"] = person.phone_masked
    if is_away is not None:
        person.is_away = bool(is_away)
        fields.append("is_away")
        changes["is_away"] = person.is_away
    for name, value, limit in (
        ("occupation", occupation, 32),
        ("health_note", health_note, 100),
    ):
        if value is not None:
            setattr(person, name, value.strip()[:limit])
            fields.append(name)
            changes[name] = getattr(person, name)
    if education is not None:
        if education and education not in EDUCATION:
            raise DomainError("person.education", f"文化程度应为:{'、'.join(EDUCATION)}")
        person.education = education
        fields.append("education")
        changes["education"] = education
    add, remove = set(tags_add), set(tags_remove)
    unknown = (add | remove) - set(TAGS)
    if unknown:
        raise DomainError("person.tags", f"未知标签:{'、'.join(sorted(unknown))}")
    if (add | remove) & SENSITIVE_TAGS and not reach_for(actor).allows(
        Capability.PERSON_VIEW_SENSITIVE, person.area_path
    ):
        raise DomainError("forbidden", "您不能修改该类标签")
    if add & remove:
        raise DomainError("person.tags", "同一标签不能既添加又移除")
    if not fields and not add and not remove:
        raise DomainError("person.nothing", "没有要修改的内容")
    with transaction.atomic():
        if fields:
            person.save(update_fields=[*fields, "updated_at"])
        if add:
            PersonTag.objects.bulk_create(
                [PersonTag(person=person, code=c) for c in sorted(add)], ignore_conflicts=True
            )
            changes["tags_add"] = sorted(add)
        if remove:
            PersonTag.objects.filter(person=person, code__in=remove).delete()
            changes["tags_remove"] = sorted(remove)
        if not fields:
            person.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            action="person.update",
            obj=person,
            reason=reason[:500],
            area_path=person.area_path,
            changes=changes,
        )
        for household in Household.objects.filter(
            memberships__person=person, memberships__moved_out__isnull=True
        ).distinct():
            household_recolour(household=household)
    return person

"""Writes to the registry: households, people, revealing personal data,
colours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError, NotFound
from wangge.registry import pii
from wangge.registry.colouring import recolour_households
from wangge.registry.idnumber import IdNumberError, parse_id_number
from wangge.registry.keys import keyring
from wangge.registry.models import Colour, Household, LeadHousehold, Membership, Person, PersonTag
from wangge.registry.phone import PhoneError, parse_phone
from wangge.registry.tags import TAGS
from wangge.territory.models import Area


class _Initials(dict[int, str]):
    """Character code → first letter of its pinyin, filled on first use;
    a table for ``str.translate``."""

    def __missing__(self, code: int) -> str:
        out = lazy_pinyin(chr(code), style=Style.FIRST_LETTER, errors="ignore")
        letter = out[0][:1].lower() if out else ""
        self[code] = letter
        return letter


_INITIALS = _Initials()


def name_initials(name: str) -> str:
    """张三 → zs: how staff type a name they half remember. Character by
    character through a table: pypinyin per whole name costs ~100 µs, too
    slow for million-row imports. (Heteronyms in surnames, e.g. 单 shan,
    take pypinyin's first reading.)"""
    return name.translate(_INITIALS)[:16]


def _reason(reason: str, code: str, message: str) -> str:
    """The stated reason for an act that is audited; two characters at least."""
    reason = reason.strip()
    if len(reason) < 2:
        raise DomainError(code, message)
    return reason


def _require(actor: Any, capability: str, path: str, what: str) -> None:
    reach = reach_for(actor)
    if not reach.allows(Capability.PERSON_VIEW, path) and not reach.allows(capability, path):
        raise NotFound(what)
    if not reach.allows(capability, path):
        raise DomainError("forbidden", "您没有执行此操作的权限")


def household_create(
    *,
    actor: Any,
    grid: Area,
    address: str,
    lon: float | None = None,
    lat: float | None = None,
    household_type: str = "family",
    number: str | None = None,
) -> Household:
    if grid.level != "grid":
        raise DomainError("household.grid", "户必须属于一个网格")
    _require(actor, Capability.PERSON_EDIT, grid.path, "网格")
    address = address.strip()
    if not address:
        raise DomainError("household.address", "请填写详细地址")
    ring = keyring()
    with transaction.atomic():
        if number is None:
            seq = Household.objects.filter(grid=grid).count() + 1
            number = f"{grid.code}{seq:04d}"
        household = Household.objects.create(
            number=number,
            grid=grid,
            area_path=grid.path,
            county_code=grid.county_code,
            address_enc=pii.encrypt(ring, address),
            address_masked=pii.mask_address(address),
            lon=lon,
            lat=lat,
            household_type=household_type,
        )
        audit_record(
            actor=actor,
            action="household.create",
            obj=household,
            area_path=grid.path,
            changes={"grid": grid.code},
        )
    return household


def person_add(
    *,
    actor: Any,
    household: Household,
    name: str,
    id_number: str = "",
    phone: str = "",
    relation: str = "户主",
    kind: str = "registered",
    moved_in: dt.date | None = None,
    tags: Iterable[str] = (),
    joined_reason: str = "",
    reason: str = "",
    **attrs: Any,
) -> Person:
    """Register a new person in a household. The ID number is checked
    (GB 11643) and must not already be on file; birth date and gender come
    from it. ``joined_reason`` (出生, 婚入…) is kept on the membership,
    ``reason`` (why this was done) in the audit record. Bad input raises
    DomainError and changes nothing."""
    _require(actor, Capability.PERSON_EDIT, household.area_path, "户")
    name = name.strip()
    if not name or len(name) > 32:
        raise DomainError("person.name", "请填写姓名(不超过 32 个字)")
    unknown = set(tags) - set(TAGS)
    if unknown:
        raise DomainError("person.tags", f"未知标签:{'、'.join(sorted(unknown))}")
    ring = keyring()
    fields: dict[str, Any] = {}
    if id_number:
        try:
            info = parse_id_number(id_number)
        except IdNumberError as exc:
            raise DomainError(exc.code, exc.message) from exc
        fields.update(
            id_enc=pii.encrypt(ring, info.number),
            id_index=pii.blind_index(ring, "id", info.number),
            id_masked=pii.mask_id_number(info.number),
            id_converted_from_15=info.converted_from_15,
            birth_date=info.birth_date,
            gender=info.gender,
        )
    if phone:
        try:
            normalised = parse_phone(phone)
        except PhoneError as exc:
            raise DomainError(exc.code, exc.message) from exc
        fields.update(
            phone_enc=pii.encrypt(ring, normalised),
            phone_index=pii.blind_index(ring, "phone", normalised),
            phone_masked=pii.mask_phone(normalised),
        )
    try:
        with transaction.atomic():
            person = Person.objects.create(
                name=name,
                name_initials=name_initials(name),
                area_path=household.area_path,
                county_code=household.county_code,
                **fields,
                **attrs,
            )
            Membership.objects.create(
                person=person,
                household=household,
                relation=relation,
                kind=kind,
                moved_in=moved_in or timezone.localdate(),
                joined_reason=joined_reason,
            )
            PersonTag.objects.bulk_create([PersonTag(person=person, code=c) for c in set(tags)])
            changes: dict[str, Any] = {"household": household.number, "tags": sorted(set(tags))}
            if joined_reason:
                changes["joined_reason"] = joined_reason
            audit_record(
                actor=actor,
                action="person.create",
                obj=person,
                reason=reason[:500],
                area_path=household.area_path,
                changes=changes,
            )
            household_recolour(household=household)
    except IntegrityError as exc:
        if "id_index" in str(exc) or "registry_person" in str(exc).lower():
            raise _duplicate(actor, fields.get("id_index", "")) from exc
        raise
    return person


def _duplicate(actor: Any, id_index: str) -> DomainError:
    """Name where the existing copy lives, if the actor may see it."""
    other = Person.objects.filter(id_index=id_index).first()
    where = "其他区域"
    if other is not None and reach_for(actor).allows(Capability.PERSON_VIEW, other.area_path):
        membership = (
            other.memberships.filter(moved_out__isnull=True).select_related("household").first()
        )
        where = f"户 {membership.household.number}" if membership else "本辖区"
    return DomainError("person.duplicate", f"该身份证号已登记(现登记于{where})")


REVEALABLE = {"id_number": "身份证号", "phone": "联系电话"}


def person_reveal(*, actor: Any, person: Person, field: str, reason: str) -> str:
    """The full value of one protected field, for someone who may see it and
    says why. Audited with the reason."""
    _require(actor, Capability.PERSON_REVEAL, person.area_path, "人员")
    if field not in REVEALABLE:
        raise DomainError("reveal.field", "该信息不能查看")
    reason = _reason(reason, "reveal.reason", "请说明查看完整信息的事由")
    token = person.id_enc if field == "id_number" else person.phone_enc
    if not token:
        raise DomainError("reveal.empty", f"未登记{REVEALABLE[field]}")
    value = pii.decrypt(keyring(), token)
    audit_record(
        actor=actor,
        action="person.reveal",
        obj=person,
        reason=reason,
        area_path=person.area_path,
        changes={"field": field},
    )
    return value


def household_reveal_address(*, actor: Any, household: Household, reason: str) -> str:
    _require(actor, Capability.PERSON_REVEAL, household.area_path, "户")
    reason = _reason(reason, "reveal.reason", "请说明查看完整信息的事由")
    value = pii.decrypt(keyring(), household.address_enc) if household.address_enc else ""
    audit_record(
        actor=actor,
        action="household.reveal",
        obj=household,
        reason=reason,
        area_path=household.area_path,
        changes={"field": "address"},
    )
    return value


def household_recolour(*, household: Household, today: dt.date | None = None) -> str:
    """Re-derive the household's colour from its data (called after every
    change to it or its members, and by the nightly sweep)."""
    recolour_households([household.pk], today=today)
    household.refresh_from_db(
        fields=["colour", "colour_reasons", "colour_rules", "colour_public_reasons"]
    )
    return household.colour


def household_colour_override(
    *, actor: Any, household: Household, colour: str, reason: str, until: dt.date
) -> None:
    _require(actor, Capability.PERSON_EDIT, household.area_path, "户")
    if colour not in Colour.values:
        raise DomainError("colour.value", "颜色无效")
    reason = _reason(reason, "colour.reason", "请说明调整颜色的原因")
    if until <= timezone.localdate():
        raise DomainError("colour.until", "有效期须晚于今天")
    with transaction.atomic():
        Household.objects.filter(pk=household.pk).update(
            colour_override=colour,
            colour_override_reason=reason.strip(),
            colour_override_until=until,
        )
        household.refresh_from_db()
        household_recolour(household=household)
        audit_record(
            actor=actor,
            action="household.colour_override",
            obj=household,
            reason=reason,
            area_path=household.area_path,
            changes={"colour": colour, "until": until.isoformat()},
        )


LEAD_MAX_HOUSEHOLDS = 30


def _village_path(area_path: str) -> str:
    """The village (community) of a grid path: the path without its last code."""
    return area_path[: area_path.rstrip("/").rfind("/") + 1]


def lead_household_set(
    *, actor: Any, household: Household, party_member_id: int, looks_after: list[str]
) -> LeadHousehold:
    """Make ``household`` a 党员中心户: one of its current members who is a
    party member looks after neighbouring households of the same village
    (by household number). Replaces an earlier designation. Audited."""
    _require(actor, Capability.PERSON_EDIT, household.area_path, "户")
    member = (
        Person.objects.filter(
            pk=party_member_id,
            memberships__household=household,
            memberships__moved_out__isnull=True,
        )
        .distinct()
        .first()
    )
    if member is None:
        raise DomainError("lead.member", "请选择本户的一名现有成员")
    if not member.is_party_member:
        raise DomainError("lead.not_party_member", "党员中心户须由本户的党员担任")
    numbers = list(dict.fromkeys(n.strip() for n in looks_after if n.strip()))
    numbers = [n for n in numbers if n != household.number]
    if not numbers:
        raise DomainError("lead.households", "请填写联系的户编号")
    if len(numbers) > LEAD_MAX_HOUSEHOLDS:
        raise DomainError("lead.households", f"一个党员中心户最多联系 {LEAD_MAX_HOUSEHOLDS} 户")
    village = _village_path(household.area_path)
    reach = reach_for(actor)
    found = {
        h.number: h
        for h in Household.objects.filter(
            number__in=numbers, is_active=True, area_path__prefix=village
        )
        if reach.allows(Capability.PERSON_EDIT, h.area_path)
    }
    missing = [n for n in numbers if n not in found]
    if missing:
        raise DomainError(
            "lead.households", f"户编号不存在或不在本村(社区):{'、'.join(missing[:5])}"
        )
    with transaction.atomic():
        lead, _ = LeadHousehold.objects.update_or_create(
            household=household, defaults={"party_member": member}
        )
        lead.looks_after.set([found[n] for n in numbers])
        audit_record(
            actor=actor,
            action="household.lead_set",
            obj=household,
            area_path=household.area_path,
            changes={"party_member": member.pk, "looks_after": numbers},
        )
    return lead


def lead_household_clear(*, actor: Any, household: Household) -> None:
    """The household is no longer a 党员中心户. Audited."""
    _require(actor, Capability.PERSON_EDIT, household.area_path, "户")
    with transaction.atomic():
        deleted, _ = LeadHousehold.objects.filter(household=household).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="household.lead_clear",
                obj=household,
                area_path=household.area_path,
            )

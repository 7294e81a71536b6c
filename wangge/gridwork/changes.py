"""Household change requests: what a worker noticed becomes a request to
change the registry, reviewed by someone who keeps it (``person.edit``),
never a direct edit.

What may be proposed (``FIELDS``): a household's address or position; a
current member's phone, work away from home, occupation, education,
health note, and group tags added or removed (sensitive tags only by
those cleared to see them). Each entry is ``{"field", "value"}`` plus
``"person"`` (the member's id from the household card) for a person's
field. A phone or an address is stored as an SM4 token with its mask,
never in clear. And members joining and leaving (``member_add``,
``member_leave``: ``wangge.gridwork.change_members``), applied after the
fields, additions before departures.

Conflicts: the household card gives a **state token** — a keyed hash of
everything a change could touch (address, position, members and their
fields and tags; not the colour nor the last visit, which change without
anyone editing). The phone sends back the token it saw. If the household's
token is different when the request arrives, or when a reviewer approves
it, someone changed the household meanwhile: the request is flagged
``conflict`` with the values now on file, and a person decides, entry by
entry, which value to keep. Nothing is overwritten silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, NotFound
from wangge.gridwork.change_members import (
    MEMBER_ENTRIES,
    check_together,
    member_apply,
    member_current,
    member_entry,
    with_new_heads,
)
from wangge.gridwork.models import ChangeStatus, HouseholdChange, Visit
from wangge.registry import pii
from wangge.registry.edits import EDUCATION, check_position, household_update, person_update
from wangge.registry.keys import keyring
from wangge.registry.models import Household, Membership
from wangge.registry.moves import HEAD
from wangge.registry.phone import PhoneError, parse_phone
from wangge.registry.tags import SENSITIVE_TAGS, TAGS

MAX_ENTRIES = 20

# field → (label, whose: "household" | "person")
FIELDS: dict[str, tuple[str, str]] = {
    "address": ("详细地址", "household"),
    "position": ("位置", "household"),
    "phone": ("联系电话", "person"),
    "is_away": ("外出务工", "person"),
    "occupation": ("职业", "person"),
    "education": ("文化程度", "person"),
    "health_note": ("健康状况", "person"),
    "tag_add": ("添加标签", "person"),
    "tag_remove": ("移除标签", "person"),
}
_SECRET = ("address", "phone")  # kept as a token and a mask
# Entries a reviewer may only take or leave, not rewrite.
FIXED = ("is_away", "position", "tag_add", "tag_remove", *MEMBER_ENTRIES)


# --- the state token -----------------------------------------------------------------------


def _members(household: Household) -> list[Membership]:
    return list(
        household.memberships.filter(moved_out__isnull=True)
        .select_related("person")
        .prefetch_related("person__tags")
        .order_by("person_id")
    )


def household_state(household: Household, members: list[Membership] | None = None) -> str:
    """The household's state token (see the module docstring)."""
    members = _members(household) if members is None else members
    ring = keyring()
    facts: list[Any] = [
        pii.decrypt(ring, household.address_enc) if household.address_enc else "",
        household.lon,
        household.lat,
        household.household_type,
        household.is_active,
    ]
    for m in sorted(members, key=lambda m: m.person_id):
        p = m.person
        facts.append(
            [
                p.pk, m.relation, m.kind, p.name, p.phone_index, p.is_away, p.occupation,
                p.education, p.health_note, p.political_status,
                sorted(t.code for t in p.tags.all()),
            ]
        )  # fmt: skip
    text = json.dumps(facts, ensure_ascii=False, sort_keys=True, default=str)
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:32]


# --- proposing -----------------------------------------------------------------------------


def _entry(raw: Any, members: dict[int, Membership], sensitive_ok: bool, n: int) -> dict[str, Any]:
    """One proposed entry, checked and in stored form."""
    if not isinstance(raw, dict):
        raise DomainError("change.entry", f"第 {n} 项变更格式不对")
    name = str(raw.get("field", ""))
    if name in MEMBER_ENTRIES:
        return member_entry(raw, members, n)
    if name not in FIELDS:
        raise DomainError("change.field", f"第 {n} 项:不能申请变更“{name}”")
    out: dict[str, Any] = {"field": name, "label": FIELDS[name][0]}
    if FIELDS[name][1] == "person":
        try:
            person_id = int(raw.get("person"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise DomainError("change.person", f"第 {n} 项:请指明是哪位家庭成员") from None
        if person_id not in members:
            raise DomainError("change.person", f"第 {n} 项:该人员不是本户现有成员")
        out["person"] = person_id
        out["name"] = members[person_id].person.name
    out.update(_checked_value(name, raw.get("value"), sensitive_ok, n))
    return out


def _checked_value(name: str, value: Any, sensitive_ok: bool, n: int) -> dict[str, Any]:
    """A proposed value checked: ``value`` (or ``value_enc`` for a phone or
    an address) and ``shown``, what people see of it."""
    label = FIELDS[name][0]
    ring = keyring()
    if name == "address":
        text = str(value or "").strip()
        if not 4 <= len(text) <= 200:
            raise DomainError("change.value", f"第 {n} 项:详细地址应为 4 到 200 个字")
        return {"value_enc": pii.encrypt(ring, text), "shown": pii.mask_address(text)}
    if name == "phone":
        try:
            normal = parse_phone(str(value or ""))
        except PhoneError as exc:
            raise DomainError("change.value", f"第 {n} 项:{exc.message}") from None
        return {"value_enc": pii.encrypt(ring, normal), "shown": pii.mask_phone(normal)}
    if name == "position":
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise DomainError("change.value", f"第 {n} 项:位置应为 [经度, 纬度]")
        lon, lat = check_position(*value)
        return {"value": [lon, lat], "shown": f"{lon:.5f}, {lat:.5f}"}
    if name == "is_away":
        if not isinstance(value, bool):
            raise DomainError("change.value", f"第 {n} 项:外出务工应为 true 或 false")
        return {"value": value, "shown": "是" if value else "否"}
    if name == "education":
        if value not in EDUCATION:
            raise DomainError("change.value", f"第 {n} 项:文化程度应为:{'、'.join(EDUCATION)}")
        return {"value": value, "shown": value}
    if name in ("occupation", "health_note"):
        text = str(value or "").strip()
        limit = 32 if name == "occupation" else 100
        if len(text) > limit:
            raise DomainError("change.value", f"第 {n} 项:{label}不超过 {limit} 个字")
        return {"value": text, "shown": text or "(空)"}
    # tag_add, tag_remove
    if value not in TAGS or (value in SENSITIVE_TAGS and not sensitive_ok):
        raise DomainError("change.value", f"第 {n} 项:标签无效")
    return {"value": value, "shown": TAGS[str(value)]}


def change_propose(
    *,
    actor: Any,
    client_id: Any,
    household: Household,
    entries: Any,
    seen_state: str,
    proposed_at: dt.datetime,
    visit: Visit | None = None,
    note: str = "",
) -> HouseholdChange:
    """Record a change request (checked; nothing is changed in the
    registry). Flagged ``conflict`` at once if the household is no longer
    in the state the phone saw. The caller has checked the actor may work
    in the household's grid."""
    if not isinstance(entries, list) or not entries:
        raise DomainError("change.entries", "请填写发现的变化")
    if len(entries) > MAX_ENTRIES:
        raise DomainError("change.entries", f"一次最多申请 {MAX_ENTRIES} 项变更")
    if not isinstance(seen_state, str) or not 8 <= len(seen_state) <= 64:
        raise DomainError("change.seen_state", "缺少户信息版本(seen_state),请先打开该户的户卡")
    members = _members(household)
    current = {m.person_id: m for m in members}
    sensitive_ok = reach_for(actor).allows(Capability.PERSON_VIEW_SENSITIVE, household.area_path)
    proposed = [_entry(raw, current, sensitive_ok, n) for n, raw in enumerate(entries, 1)]
    check_together(proposed, current)
    change = HouseholdChange(
        client_id=client_id,
        household=household,
        visit=visit,
        area_path=household.area_path,
        county_code=household.county_code,
        proposed=proposed,
        seen_state=seen_state,
        note=note.strip()[:200],
        proposed_by=actor,
        proposed_at=proposed_at,
        received_at=timezone.now(),
    )
    if household_state(household, members) != seen_state:
        change.status = ChangeStatus.CONFLICT
        change.conflict = {"flagged_at": timezone.now().isoformat(), "current": current_shown(
            household, proposed, members
        )}  # fmt: skip
    change.save()
    return change


def current_shown(
    household: Household, proposed: list[dict[str, Any]], members: list[Membership] | None = None
) -> list[str]:
    """What the registry holds now for each proposed entry (masked)."""
    members = _members(household) if members is None else members
    people = {m.person_id: m.person for m in members}
    out = []
    for e in proposed:
        p = people.get(e.get("person", -1))
        name = e["field"]
        if name in MEMBER_ENTRIES:
            out.append(member_current(household, e, {m.person_id: m for m in members}))
        elif name == "address":
            out.append(household.address_masked or "(空)")
        elif name == "position":
            out.append(
                f"{household.lon:.5f}, {household.lat:.5f}" if household.lon is not None else "(空)"
            )
        elif p is None:
            out.append("(已不是本户成员)")
        elif name == "phone":
            out.append(p.phone_masked or "(空)")
        elif name == "is_away":
            out.append("是" if p.is_away else "否")
        elif name in ("tag_add", "tag_remove"):
            has = any(t.code == e["value"] for t in p.tags.all())
            out.append(f"{'有' if has else '无'}“{TAGS[e['value']]}”")
        else:
            out.append(getattr(p, name) or "(空)")
    return out


# --- reviewing -----------------------------------------------------------------------------


def _require_review(actor: Any, change: HouseholdChange) -> None:
    reach = reach_for(actor)
    if not reach.allows(Capability.PERSON_VIEW, change.area_path):
        raise NotFound("变更申请")
    if not reach.allows(Capability.PERSON_EDIT, change.area_path):
        raise DomainError("forbidden", "只有负责人口信息维护的人员可以审核")


def _flag(change: HouseholdChange, household: Household) -> None:
    """The household moved on since the request was made: flag it."""
    with transaction.atomic():
        HouseholdChange.objects.filter(pk=change.pk, status=ChangeStatus.PENDING).update(
            status=ChangeStatus.CONFLICT,
            conflict={
                "flagged_at": timezone.now().isoformat(),
                "current": current_shown(household, change.proposed),
            },
        )


def _value(entry: dict[str, Any]) -> Any:
    if "value_enc" in entry:
        return pii.decrypt(keyring(), entry["value_enc"])
    return entry.get("value")  # a member entry carries its own fields


def change_approve(
    *,
    actor: Any,
    change: HouseholdChange,
    choices: dict[int, str] | None = None,
    custom: dict[int, str] | None = None,
    seen_state: str = "",
    note: str = "",
    new_heads: dict[int, str] | None = None,
) -> HouseholdChange:
    """Apply a change request through the registry's services (audited, in
    the approver's name).

    Pending: applied as proposed — unless the household changed since the
    worker saw it; then it is flagged ``conflict`` and nothing is applied
    (DomainError ``change.conflict``).
    Conflict: the reviewer has looked at the household as it is now (its
    state token, ``seen_state``) and chooses per entry (by index):
    ``"proposed"``, ``"keep"`` (the value on file), or ``"custom"`` with the
    value in ``custom`` (text fields only).
    ``new_heads``: for a departure of the head, the new head the reviewer
    chose (entry index → member id), in place of the one proposed."""
    _require_review(actor, change)
    if change.status not in (ChangeStatus.PENDING, ChangeStatus.CONFLICT):
        raise DomainError("change.decided", "该变更申请已处理")
    choices = choices or {}
    custom = custom or {}
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=change.household_id)
        members = _members(household)
        state = household_state(household, members)
        proposed = with_new_heads(
            change.proposed, new_heads or {}, {m.person_id: m for m in members}
        )
        if change.status == ChangeStatus.PENDING:
            if state != change.seen_state:
                conflict = True
            else:
                conflict = False
                chosen = [(e, _value(e)) for e in proposed]
        else:
            conflict = False
            if seen_state != state:
                raise DomainError("change.stale", "该户信息刚又被修改,请刷新页面重新核对")
            chosen = _chosen(proposed, choices, custom)
        if not conflict:
            applied = _apply(actor, household, change, chosen)
            decided = HouseholdChange.objects.filter(pk=change.pk, status=change.status).update(
                status=ChangeStatus.APPROVED,
                decided_by=actor,
                decided_at=timezone.now(),
                decision_note=note.strip()[:200],
                applied=applied,
            )
            if not decided:
                raise DomainError("conflict", "该变更申请刚被他人处理,请刷新")
    if conflict:
        _flag(change, household)
        raise DomainError(
            "change.conflict", "提交后该户信息已被他人修改,已标为冲突,请核对后选择保留哪个值"
        )
    change.refresh_from_db()
    return change


def _chosen(
    proposed: list[dict[str, Any]], choices: dict[int, str], custom: dict[int, str]
) -> list[tuple[dict[str, Any], Any]]:
    out = []
    for i, e in enumerate(proposed):
        choice = choices.get(i, "")
        if choice == "keep":
            continue
        if choice == "proposed":
            out.append((e, _value(e)))
        elif choice == "custom":
            if e["field"] in FIXED:
                raise DomainError("change.choice", f"第 {i + 1} 项只能采纳或保留")
            checked = _checked_value(e["field"], custom.get(i, ""), True, i + 1)
            out.append(({**e, **checked}, _value(checked)))
        else:
            raise DomainError(
                "change.choice", f"请为第 {i + 1} 项选择采纳新值、保留现值或改为其他值"
            )
    if not out:
        raise DomainError("change.choice", "所有项都保留现值:请改为“不采纳”")
    return out


def _apply(
    actor: Any, household: Household, change: HouseholdChange, chosen: list[tuple[dict, Any]]
) -> list[dict[str, Any]]:
    reason = f"网格员走访发现的变化(变更申请 {change.pk})"
    home: dict[str, Any] = {}
    people: dict[int, dict[str, Any]] = defaultdict(lambda: {"tags_add": [], "tags_remove": []})
    applied = []
    members = []
    for entry, value in chosen:
        name = entry["field"]
        if name in MEMBER_ENTRIES:
            members.append(entry)
            continue
        if "person" not in entry:
            home[name] = value
        elif name in ("tag_add", "tag_remove"):
            people[entry["person"]][f"tags_{name[4:]}"].append(value)
        else:
            people[entry["person"]][name] = value
        shown = pii.mask(name, value) if name in _SECRET else entry.get("shown")
        applied.append({k: v for k, v in {**entry, "shown": shown}.items() if k != "value_enc"})
    if home:
        household_update(
            actor=actor,
            household=household,
            address=home.get("address"),
            position=home.get("position"),
            reason=reason,
        )
    now = _members(household)
    current = {m.person_id: m.person for m in now}
    heads = {m.person_id for m in now if m.relation == HEAD}
    for person_id, fields in people.items():
        if person_id not in current:
            raise DomainError("change.person", "申请涉及的人员已不是本户成员,请不采纳该申请")
        person_update(actor=actor, person=current[person_id], reason=reason, **fields)
    # Who joins, then who leaves (fields of a leaver were updated first),
    # the head last: when everyone leaves, no one is left to be head.
    members.sort(key=lambda e: (e["field"] != "member_add", e.get("person") in heads))
    applied += [member_apply(actor, household, e, reason) for e in members]
    return applied


def change_reject(*, actor: Any, change: HouseholdChange, note: str) -> HouseholdChange:
    """Not taken into the registry, with the reason (the worker sees it)."""
    _require_review(actor, change)
    note = note.strip()
    if len(note) < 2:
        raise DomainError("change.note", "请写明不采纳的原因")
    updated = HouseholdChange.objects.filter(
        pk=change.pk, status__in=[ChangeStatus.PENDING, ChangeStatus.CONFLICT]
    ).update(
        status=ChangeStatus.REJECTED,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note[:200],
    )
    if not updated:
        raise DomainError("change.decided", "该变更申请已处理")
    change.refresh_from_db()
    return change

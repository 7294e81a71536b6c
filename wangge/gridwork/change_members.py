"""Members joining and leaving, as entries of a household change request
(``wangge.gridwork.changes``): the commonest things a grid worker notices
— a birth, a death, a marriage into or out of the family, a move.

``member_add`` — ``{"field": "member_add", "name", "relation" (与户主关系,
not 户主), "gender" ("M"/"F"), "birth_date" or "birth_year", "id_number"
(optional: a newborn has none yet), "kind" (registered / resident /
floating), "reason" (出生 / 婚入 / 迁入 / 其他), "date"}``. With an ID
number, gender and birth date come from it (if also given they must
agree); it is stored as an SM4 token and a mask, never in clear. For a
birth the date is the birth date.

``member_leave`` — ``{"field": "member_leave", "person" (the member's id
from the card), "reason" (死亡 / 迁出 / 婚出 / 其他), "date", "note",
"new_head"}``. ``new_head`` (a member's id) is needed when the head (户主)
leaves and members not leaving in the same request remain; the reviewer
may choose another before approving. When everyone leaves, approval
closes the household.

Both are checked when proposed and applied on approval through
``wangge.registry.moves`` (``member_join``, which creates people only
through ``person_add``; ``member_leave``), which refuse a member who left
already and an ID number that is a current member somewhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wangge.core.errors import DomainError
from wangge.registry import pii
from wangge.registry.idnumber import IdNumberError, check_consistency, parse_id_number
from wangge.registry.keys import keyring
from wangge.registry.models import (
    JOIN_REASONS,
    LEAVE_REASONS,
    RELATIONS,
    Household,
    Membership,
    Person,
    ResidenceKind,
)
from wangge.registry.moves import HEAD, check_day, check_join, member_join, member_leave

MEMBER_ENTRIES = {"member_add": "新增成员", "member_leave": "成员离开"}
BIRTH = "出生"
_GENDERS = {"M": "男", "F": "女"}


def _fail(n: int, message: str) -> DomainError:
    return DomainError("change.member", f"第 {n} 项:{message}")


def member_entry(raw: dict[str, Any], members: dict[int, Membership], n: int) -> dict[str, Any]:
    """One proposed member entry, checked and in stored form (with
    ``shown``, what people see of it). ``members``: the current ones by
    person id."""
    if raw.get("field") == "member_add":
        return _add_entry(raw, n)
    try:
        person_id = int(raw.get("person"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _fail(n, "请指明是哪位家庭成员离开") from None
    if person_id not in members:
        raise DomainError("change.person", f"第 {n} 项:该人员不是本户现有成员")
    reason = str(raw.get("reason", ""))
    if reason not in LEAVE_REASONS:
        raise _fail(n, f"离开原因应为:{'、'.join(LEAVE_REASONS)}")
    day = _day(raw.get("date"), "离开日期", n)
    note = str(raw.get("note") or "").strip()
    if len(note) > 100:
        raise _fail(n, "说明不超过 100 个字")
    name = members[person_id].person.name
    out = {
        "field": "member_leave",
        "label": MEMBER_ENTRIES["member_leave"],
        "person": person_id,
        "name": name,
        "reason": reason,
        "date": day.isoformat(),
        "note": note,
    }
    if raw.get("new_head") not in (None, ""):
        if members[person_id].relation != HEAD:
            raise _fail(n, "只有户主离开时才指定新户主")
        try:
            head = int(raw["new_head"])
        except (TypeError, ValueError):
            raise _fail(n, "新户主应为本户现有的其他成员") from None
        if head == person_id or head not in members:
            raise _fail(n, "新户主应为本户现有的其他成员")
        out.update(new_head=head, new_head_name=members[head].person.name)
    out["shown"] = leave_shown(out)
    return out


def leave_shown(e: dict[str, Any]) -> str:
    """ "王某某,死亡 2026-11-20(说明),新户主 王小某"."""
    text = f"{e['name']},{e['reason']} {e['date']}" + (f"({e['note']})" if e["note"] else "")
    return text + (f",新户主 {e['new_head_name']}" if e.get("new_head") else "")


def _day(value: Any, what: str, n: int) -> dt.date:
    try:
        return check_day(value if value not in (None, "") else None, what)
    except DomainError as exc:
        raise _fail(n, exc.message) from None


def _add_entry(raw: dict[str, Any], n: int) -> dict[str, Any]:
    name = str(raw.get("name") or "").strip()
    if not 1 <= len(name) <= 32:
        raise _fail(n, "请填写新成员的姓名(不超过 32 个字)")
    relation, reason = str(raw.get("relation", "")), str(raw.get("reason", ""))
    kind = str(raw.get("kind") or ResidenceKind.REGISTERED)
    try:
        check_join(relation=relation, kind=kind, joined_reason=reason)
    except DomainError as exc:
        raise _fail(n, exc.message) from None
    day = _day(raw.get("date"), "加入日期" if reason != BIRTH else "出生日期", n)
    gender = str(raw.get("gender") or "")
    if gender and gender not in _GENDERS:
        raise _fail(n, "性别应为男或女")
    birth, year = _birth(raw, reason, day, n)
    out: dict[str, Any] = {
        "field": "member_add",
        "label": MEMBER_ENTRIES["member_add"],
        "name": name,
        "relation": relation,
        "kind": kind,
        "reason": reason,
        "date": day.isoformat(),
    }
    number = str(raw.get("id_number") or "").strip()
    if number:
        try:
            info = parse_id_number(number)
        except IdNumberError as exc:
            raise _fail(n, exc.message) from None
        problems = check_consistency(info, birth_date=birth, gender=gender or None)
        if year is not None and year != info.birth_date.year:
            problems.append(
                ("", f"出生年份与身份证号码不一致(身份证号码中为 {info.birth_date.year} 年)")
            )
        if problems:
            raise _fail(n, problems[0][1])
        gender, birth, year = info.gender, info.birth_date, None
        if birth > day:
            raise _fail(n, "身份证号码中的出生日期晚于加入日期")
        out["id_enc"] = pii.encrypt(keyring(), info.number)
        out["id_masked"] = pii.mask_id_number(info.number)
    elif not gender:
        raise _fail(n, "请选择性别")
    elif birth is None and year is None:
        raise _fail(n, "请填写出生日期或出生年份")
    out.update(gender=gender, birth_date=birth.isoformat() if birth else None, birth_year=year)
    out["shown"] = _add_shown(out)
    return out


def _birth(
    raw: dict[str, Any], reason: str, day: dt.date, n: int
) -> tuple[dt.date | None, int | None]:
    """The birth date, or only the year, as given. For a birth, the
    entry's date is the birth date."""
    given = raw.get("birth_date")
    birth = _day(given, "出生日期", n) if given not in (None, "") else None
    if reason == BIRTH:
        if birth is not None and birth != day:
            raise _fail(n, "出生日期与加入日期应相同(因出生加入)")
        return day, None
    if birth is not None:
        if birth > day:
            raise _fail(n, "出生日期不能晚于加入日期")
        return birth, None
    raw_year = raw.get("birth_year")
    if raw_year in (None, ""):
        return None, None
    try:
        year = int(raw_year)
    except (TypeError, ValueError):
        raise _fail(n, "出生年份应为四位数字") from None
    if not 1900 <= year <= day.year:
        raise _fail(n, "出生年份应在 1900 年到加入那年之间")
    return None, year


def _add_shown(e: dict[str, Any]) -> str:
    """ "张小宝(子女·男),出生 2026-11-02,无身份证号"."""
    who = [e["relation"], _GENDERS.get(e["gender"], "")]
    if e["kind"] != ResidenceKind.REGISTERED:
        who.append(ResidenceKind(e["kind"]).label)
    text = f"{e['name']}({'·'.join(w for w in who if w)}),{e['reason']} {e['date']}"
    if e["reason"] != BIRTH:
        if e.get("birth_date"):
            text += f",{e['birth_date']} 生"
        elif e.get("birth_year"):
            text += f",{e['birth_year']} 年生"
    return text + (f",身份证号 {e['id_masked']}" if e.get("id_masked") else ",无身份证号")


def check_together(proposed: list[dict[str, Any]], members: dict[int, Membership]) -> None:
    """What no single entry shows: one member leaving twice, one ID number
    added twice; the head leaving without a new head while others stay,
    or with a new head who leaves too."""
    leaving = [e["person"] for e in proposed if e["field"] == "member_leave"]
    if len(leaving) != len(set(leaving)):
        raise DomainError("change.member", "同一成员只能申请离开一次")
    staying = set(members) - set(leaving)
    for n, e in enumerate(proposed, 1):
        if e["field"] != "member_leave" or members[e["person"]].relation != HEAD:
            continue
        if staying and not e.get("new_head"):
            raise _fail(n, f"{e['name']}是户主,本户还有其他成员:请指定新户主")
        if e.get("new_head") and e["new_head"] not in staying:
            raise _fail(n, "新户主不能是同时离开的成员")
    ring = keyring()
    numbers = [pii.decrypt(ring, e["id_enc"]) for e in proposed if e.get("id_enc")]
    if len(numbers) != len(set(numbers)):
        raise DomainError("change.member", "同一身份证号只能新增一次")


def with_new_heads(
    proposed: list[dict[str, Any]], new_heads: dict[int, str], members: dict[int, Membership]
) -> list[dict[str, Any]]:
    """The entries with the new heads the reviewer chose (by entry index:
    a member's id), each a current member; the others as proposed."""
    out = list(proposed)
    for i, raw in new_heads.items():
        e = out[i] if 0 <= i < len(out) else {}
        if e.get("field") != "member_leave" or not raw:
            continue
        try:
            head = int(raw)
        except (TypeError, ValueError):
            head = -1
        if head == e["person"] or head not in members:
            raise _fail(i + 1, "新户主应为本户现有的其他成员")
        chosen = {**e, "new_head": head, "new_head_name": members[head].person.name}
        out[i] = {**chosen, "shown": leave_shown(chosen)}
    return out


def summary(entry: dict[str, Any]) -> str:
    """One line for lists: "新增成员:张小宝(子女·男),出生 2026-11-02,无身份证号"
    for a member entry; the value as shown for any other."""
    if entry.get("field") in MEMBER_ENTRIES:
        return f"{entry['label']}:{entry.get('shown', '')}"
    return str(entry.get("shown", ""))


# --- what the registry holds now ------------------------------------------------------------


def member_current(household: Household, entry: dict[str, Any], people: dict[int, Any]) -> str:
    """What the registry holds now that bears on a member entry (no
    personal data in clear): is the leaver still a member, is the newcomer
    already on file."""
    if entry["field"] == "member_leave":
        m = people.get(entry["person"])
        return f"本户成员({m.relation})" if m is not None else "(已不是本户成员)"
    if entry.get("id_enc"):
        number = pii.decrypt(keyring(), entry["id_enc"])
        known = Person.objects.filter(id_index=pii.blind_index(keyring(), "id", number)).first()
        if known is None:
            return "该身份证号未登记"
        if known.died_on is not None:
            return "该身份证号登记的人员已登记死亡"
        here = Membership.objects.filter(person=known, moved_out__isnull=True)
        if here.filter(household=household).exists():
            return "已是本户成员"
        if here.exists():
            return "该身份证号已是其他户的成员"
        return "已登记,现无所在户(采纳后迁入本户)"
    same = [m for m in people.values() if m.person.name == entry["name"]]
    return "本户已有同名成员" if same else "本户无此人"


# --- applying ---------------------------------------------------------------------------------


def member_apply(
    actor: Any, household: Household, entry: dict[str, Any], reason: str
) -> dict[str, Any]:
    """Apply one member entry through the registry's services; what was
    applied (masked)."""
    applied = {k: v for k, v in entry.items() if k != "id_enc"}
    if entry["field"] == "member_leave":
        member_leave(
            actor=actor,
            household=household,
            person_id=entry["person"],
            left_on=dt.date.fromisoformat(entry["date"]),
            left_reason=entry["reason"],
            note=entry.get("note", ""),
            reason=reason,
            new_head_id=entry.get("new_head"),
        )
        return applied
    birth = entry.get("birth_date")
    if birth:
        birth_date: dt.date | None = dt.date.fromisoformat(birth)
    elif entry.get("birth_year"):
        # Only the year is known: mid-year, so an age is never out by more
        # than half a year (decision 0017).
        birth_date = dt.date(int(entry["birth_year"]), 7, 1)
    else:
        birth_date = None
    person = member_join(
        actor=actor,
        household=household,
        name=entry["name"],
        relation=entry["relation"],
        kind=entry["kind"],
        joined_on=dt.date.fromisoformat(entry["date"]),
        joined_reason=entry["reason"],
        id_number=pii.decrypt(keyring(), entry["id_enc"]) if entry.get("id_enc") else "",
        gender=entry.get("gender", ""),
        birth_date=birth_date,
        reason=reason,
    )
    applied["person"] = person.pk
    return applied


def phone_lists() -> dict[str, Any]:
    """What the phone's forms offer (kept offline with the other lists)."""
    return {
        "relations": [r for r in RELATIONS if r != "户主"],
        "kinds": [{"code": k, "name": label} for k, label in ResidenceKind.choices],
        "join_reasons": list(JOIN_REASONS),
        "leave_reasons": list(LEAVE_REASONS),
    }

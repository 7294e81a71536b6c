"""Members joining and leaving a household: a birth, a marriage into or
out of the family, a move, a death. For staff who keep the registry
(``person.edit``), and for approving what grid workers noticed in the
field (``wangge.gridwork.change_members``).

A membership is closed (``moved_out``, ``left_reason``), never deleted: it
is the household's history. A death also sets ``Person.died_on`` and
closes every household the person still belonged to, so they are counted
as living nowhere. Someone joining is created through ``person_add`` —
one way of creating people, with its ID number check and duplicate check
— unless their ID number is already on file for a living person who
belongs to no household now (they left one and come to another): then
that person gets a new membership. Every call is audited and recolours
the households concerned, since colour rules count members.

When the head (户主) leaves and others remain, the leave names the new
head, a current member, whose relation becomes 户主 in the same
transaction; the others' relations are left as they were (a 子女 of the
old head is not necessarily the new head's: the clerk checks them). When
the last member leaves, the household is closed (``is_active`` off): it
drops out of every list and of the visits due, its history kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from wangge.audit.services import audit_record
from wangge.core.errors import DomainError
from wangge.registry import pii
from wangge.registry.edits import require_edit
from wangge.registry.idnumber import IdNumberError, parse_id_number
from wangge.registry.keys import keyring
from wangge.registry.models import (
    DEATH,
    JOIN_REASONS,
    LEAVE_REASONS,
    RELATIONS,
    Household,
    LeadHousehold,
    Membership,
    Person,
    ResidenceKind,
)
from wangge.registry.services import household_recolour, person_add

EARLIEST = dt.date(1900, 1, 1)
HEAD = "户主"
CLOSED = "户已无成员,注销"
# Which household is a person's main one, for their ``area_path``.
_KIND_ORDER: dict[str, int] = {
    ResidenceKind.REGISTERED: 0,
    ResidenceKind.RESIDENT: 1,
    ResidenceKind.FLOATING: 2,
}


def check_day(day: Any, what: str) -> dt.date:
    """A day of an event that has happened: ISO text or a date, from 1900
    to today."""
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day.strip())
        except ValueError:
            raise DomainError("member.date", f"{what}应为日期,如 2026-11-02") from None
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise DomainError("member.date", f"请填写{what}")
    if not EARLIEST <= day <= timezone.localdate():
        raise DomainError("member.date", f"{what}不能晚于今天,也不能早于 1900 年")
    return day


def check_join(*, relation: str, kind: str, joined_reason: str) -> None:
    """What a new member's membership says, checked."""
    if relation not in RELATIONS or relation == "户主":
        raise DomainError(
            "member.relation",
            f"与户主关系应为:{'、'.join(r for r in RELATIONS if r != '户主')}"
            "(更换户主请在人口信息库办理)",
        )
    if kind not in ResidenceKind.values:
        raise DomainError("member.kind", "居住类型应为户籍、常住或流动")
    if joined_reason not in JOIN_REASONS:
        raise DomainError("member.reason", f"加入原因应为:{'、'.join(JOIN_REASONS)}")


def member_join(
    *,
    actor: Any,
    household: Household,
    name: str,
    relation: str,
    kind: str,
    joined_on: dt.date,
    joined_reason: str,
    id_number: str = "",
    gender: str = "",
    birth_date: dt.date | None = None,
    reason: str = "",
) -> Person:
    """Someone joins the household from ``joined_on``. With an ID number,
    gender and birth date come from it; without one (a newborn has none
    yet) they must be given. Refused — nothing changed — if the ID number
    belongs to a current member of any household (here or elsewhere: the
    duplicate check of ``person_add``) or to someone recorded dead."""
    require_edit(actor, household.area_path, "户")
    check_join(relation=relation, kind=kind, joined_reason=joined_reason)
    joined_on = check_day(joined_on, "加入日期")
    if not id_number:
        if gender not in ("M", "F"):
            raise DomainError("member.gender", "请选择性别")
        if birth_date is None:
            raise DomainError("member.birth", "没有身份证号时请填写出生日期")
        if birth_date > joined_on:
            raise DomainError("member.birth", "出生日期不能晚于加入日期")
    else:
        try:
            number = parse_id_number(id_number).number
        except IdNumberError as exc:
            raise DomainError(exc.code, exc.message) from exc
        known = Person.objects.filter(id_index=pii.blind_index(keyring(), "id", number)).first()
        if known is not None and known.died_on is not None:
            raise DomainError("member.dead", "该身份证号登记的人员已登记死亡,请核对")
        if known is not None and not known.memberships.filter(moved_out__isnull=True).exists():
            return _rejoin(
                actor, household, known, name, relation, kind, joined_on, joined_reason, reason
            )
    extra: dict[str, Any] = {} if id_number else {"gender": gender, "birth_date": birth_date}
    return person_add(
        actor=actor,
        household=household,
        name=name,
        id_number=id_number,
        relation=relation,
        kind=kind,
        moved_in=joined_on,
        joined_reason=joined_reason,
        reason=reason,
        **extra,
    )


def _rejoin(
    actor: Any,
    household: Household,
    person: Person,
    name: str,
    relation: str,
    kind: str,
    joined_on: dt.date,
    joined_reason: str,
    reason: str,
) -> Person:
    """A living person on file who belongs to no household now joins this
    one (moved here from elsewhere, married in): a new membership, the
    person's record and history kept."""
    if person.name != name.strip():
        # Not the name on file: say so without showing it.
        raise DomainError("member.name", "身份证号与登记的姓名不一致,请核对")
    last = person.memberships.order_by("-moved_out").first()
    if last is not None and last.moved_out and joined_on < last.moved_out:
        raise DomainError(
            "member.date", f"加入日期早于此人离开原户的日期({last.moved_out.isoformat()})"
        )
    with transaction.atomic():
        Membership.objects.create(
            person=person,
            household=household,
            relation=relation,
            kind=kind,
            moved_in=joined_on,
            joined_reason=joined_reason,
        )
        Person.objects.filter(pk=person.pk).update(
            area_path=household.area_path,
            county_code=household.county_code,
            updated_at=timezone.now(),
        )
        person.refresh_from_db()
        audit_record(
            actor=actor,
            action="person.join",
            obj=person,
            reason=reason[:500],
            area_path=household.area_path,
            changes={
                "household": household.number,
                "joined_reason": joined_reason,
                "on": joined_on.isoformat(),
                "returning": True,
            },
        )
        household_recolour(household=household)
    return person


def member_leave(
    *,
    actor: Any,
    household: Household,
    person_id: int,
    left_on: dt.date,
    left_reason: str,
    note: str = "",
    reason: str = "",
    new_head_id: int | None = None,
) -> Membership:
    """A current member leaves the household on ``left_on``. A death is
    recorded on the person and ends every household they belonged to. A
    党员中心户 whose party member leaves it is no longer one. Refused with
    a clear message if they are not a current member (left already).

    The head leaving while others remain must name the new head
    (``new_head_id``, a current member), who becomes 户主; refused
    otherwise. A household left with no member is closed (注销)."""
    require_edit(actor, household.area_path, "户")
    if left_reason not in LEAVE_REASONS:
        raise DomainError("member.reason", f"离开原因应为:{'、'.join(LEAVE_REASONS)}")
    left_on = check_day(left_on, "离开日期")
    note = str(note or "").strip()
    if len(note) > 100:
        raise DomainError("member.note", "说明不超过 100 个字")
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("person")
            .filter(household=household, person_id=person_id, moved_out__isnull=True)
            .first()
        )
        if membership is None:
            raise _not_a_member(household, person_id)
        person = membership.person
        if membership.moved_in and left_on < membership.moved_in:
            raise DomainError(
                "member.date",
                f"离开日期早于{person.name}加入本户的日期({membership.moved_in.isoformat()})",
            )
        new_head = _new_head(household, membership, new_head_id)
        if left_reason == DEATH:
            ended = list(
                Membership.objects.select_for_update().filter(person=person, moved_out__isnull=True)
            )
            Person.objects.filter(pk=person.pk).update(died_on=left_on, updated_at=timezone.now())
        else:
            ended = [membership]
        Membership.objects.filter(pk__in=[m.pk for m in ended]).update(
            moved_out=left_on, left_reason=left_reason
        )
        homes = [m.household_id for m in ended]
        if left_reason != DEATH:
            _follow_main_household(person)
        leads = list(
            LeadHousehold.objects.filter(party_member=person, household_id__in=homes).values_list(
                "household__number", flat=True
            )
        )
        LeadHousehold.objects.filter(party_member=person, household_id__in=homes).delete()
        changes: dict[str, Any] = {
            "household": household.number,
            "left_reason": left_reason,
            "on": left_on.isoformat(),
        }
        if len(ended) > 1:
            changes["households_ended"] = len(ended)
        if leads:
            changes["lead_household_cleared"] = leads
        if note:
            changes["note"] = note
        if new_head is not None:
            changes["new_head"] = new_head.person_id
        headless = _left_headless(ended, household)
        if headless:
            # A death ends the person's other households too; one they
            # headed is left for the clerk to name its new head.
            changes["head_left"] = headless
        audit_record(
            actor=actor,
            action="person.leave",
            obj=person,
            reason=reason[:500],
            area_path=household.area_path,
            changes=changes,
        )
        if new_head is not None:
            _make_head(actor, household, new_head, person, reason)
        for other in Household.objects.filter(pk__in=homes):
            if other.memberships.filter(moved_out__isnull=True).exists():
                household_recolour(household=other)
            else:
                _close(actor, other, left_reason, left_on, reason)
    household.refresh_from_db(fields=["is_active"])
    membership.refresh_from_db()
    return membership


def _new_head(
    household: Household, leaving: Membership, new_head_id: int | None
) -> Membership | None:
    """The membership of the new head, checked: needed when the head leaves
    and others remain, refused otherwise (the household already has a
    head, or no one is left to be one)."""
    others = list(
        Membership.objects.select_for_update()
        .filter(household=household, moved_out__isnull=True)
        .exclude(pk=leaving.pk)
    )
    if leaving.relation != HEAD or not others:
        if new_head_id is not None:
            raise DomainError(
                "member.new_head",
                "只有户主离开、且本户还有其他成员时才指定新户主"
                if leaving.relation != HEAD
                else "本户已无其他成员,无需指定新户主",
            )
        return None
    if new_head_id is None:
        raise DomainError(
            "member.new_head",
            f"{leaving.person.name}是户主,本户还有其他成员:请从现有成员中指定新户主",
        )
    chosen = next((m for m in others if m.person_id == new_head_id), None)
    if chosen is None:
        raise DomainError("member.new_head", "新户主应为本户现有的其他成员")
    return chosen


def _make_head(
    actor: Any, household: Household, new_head: Membership, old_head: Person, reason: str
) -> None:
    """The new head's relation becomes 户主. The others' relations are left
    as they were: they describe kinship to the old head, and whether a
    子女 of the old head is the new head's 子女 or 兄弟姐妹 only the family
    can say (the staff page asks the clerk to check them)."""
    Membership.objects.filter(pk=new_head.pk).update(relation=HEAD)
    audit_record(
        actor=actor,
        action="household.head_change",
        obj=household,
        reason=reason[:500],
        area_path=household.area_path,
        changes={
            "old_head": old_head.pk,
            "new_head": new_head.person_id,
            "relation_was": new_head.relation,
        },
    )


def _left_headless(ended: list[Membership], household: Household) -> list[str]:
    """Other households whose head this leave ended (a death) and that
    still have members: they have no head now."""
    others = [
        m.household_id for m in ended if m.relation == HEAD and m.household_id != household.pk
    ]
    return list(
        Household.objects.filter(pk__in=others, memberships__moved_out__isnull=True)
        .distinct()
        .order_by("number")
        .values_list("number", flat=True)
    )


def _close(
    actor: Any, household: Household, left_reason: str, left_on: dt.date, reason: str
) -> None:
    """The last member has gone: the household is closed (注销), kept with
    its history, out of every list and of the visits due."""
    Household.objects.filter(pk=household.pk).update(is_active=False, updated_at=timezone.now())
    audit_record(
        actor=actor,
        action="household.close",
        obj=household,
        reason=(f"{CLOSED}({reason})" if reason else CLOSED)[:500],
        area_path=household.area_path,
        changes={"left_reason": left_reason, "on": left_on.isoformat()},
    )


def _not_a_member(household: Household, person_id: int) -> DomainError:
    """Why someone is not a current member: gone already (say when and
    why), or never was."""
    last = (
        Membership.objects.filter(household=household, person_id=person_id)
        .select_related("person")
        .order_by("-moved_out")
        .first()
    )
    if last is None:
        return DomainError("member.gone", "该人员不是本户成员")
    when = last.moved_out.isoformat() if last.moved_out else ""
    why = last.left_reason or "离开"
    return DomainError("member.gone", f"{last.person.name}已不是本户成员({when} {why})")


def _follow_main_household(person: Person) -> None:
    """A person's ``area_path`` is their main current household's grid
    (registered, else resident, else floating). With none left it stays
    where they were last: their record stays with the grid that knew them."""
    current = list(
        Membership.objects.filter(person=person, moved_out__isnull=True).select_related("household")
    )
    if not current:
        return
    main = min(current, key=lambda m: (_KIND_ORDER.get(m.kind, 3), m.pk)).household
    if main.area_path != person.area_path:
        Person.objects.filter(pk=person.pk).update(
            area_path=main.area_path, county_code=main.county_code
        )

"""The parties of a dispute, from what a form or an API call gives: a person
of the registry (by id), someone named in a household of the registry (by
household number: linked to the member of that name if there is one), or
an outsider. Registry people and households are looked up through the
actor's reach; an outsider's phone and ID number are checked and protected
the registry's way (SM4 token, blind index, mask) and never kept in clear.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, NotFound
from wangge.disputes.models import Party, PartyKind, PartySide
from wangge.registry import pii
from wangge.registry.idnumber import IdNumberError, parse_id_number
from wangge.registry.keys import keyring
from wangge.registry.models import Household, Person, ResidenceKind
from wangge.registry.phone import PhoneError, parse_phone

MAX_PARTIES = 10
_MAX_NAME = 32


@dataclass(frozen=True)
class PartyIn:
    name: str = ""
    side: str = PartySide.A
    kind: str = PartyKind.PERSON
    person_id: int | None = None
    household_number: str = ""
    phone: str = ""
    id_number: str = ""
    note: str = ""

    def is_blank(self) -> bool:
        return not (
            self.name.strip()
            or self.person_id
            or self.household_number.strip()
            or self.phone.strip()
            or self.id_number.strip()
        )


def parties_resolve(actor: Any, items: Sequence[PartyIn], *, at_least: int = 1) -> list[Party]:
    """Unsaved ``Party`` rows (no dispute yet) for the items that are not
    blank; DomainError naming the party for anything wrong."""
    wanted = [p for p in items if not p.is_blank()]
    if len(wanted) < at_least:
        raise DomainError("dispute.parties", "请至少填写一名当事人")
    if len(wanted) > MAX_PARTIES:
        raise DomainError("dispute.parties", f"当事人最多 {MAX_PARTIES} 名")
    out = [_resolve(actor, p, n) for n, p in enumerate(wanted, 1)]
    people = [p.person_id for p in out if p.person_id]
    if len(people) != len(set(people)):
        raise DomainError("dispute.parties", "同一人不能重复列为当事人")
    return out


def _fail(n: int, message: str, code: str = "dispute.party") -> DomainError:
    return DomainError(code, f"第 {n} 名当事人:{message}")


def _resolve(actor: Any, item: PartyIn, n: int) -> Party:
    if item.side not in PartySide.values:
        raise _fail(n, "当事方无效")
    if item.kind not in PartyKind.values:
        raise _fail(n, "类别无效")
    note = item.note.strip()[:100]
    reach = reach_for(actor)
    if item.person_id:
        person = Person.objects.filter(pk=item.person_id).first()
        if person is None or not reach.allows(Capability.PERSON_VIEW, person.area_path):
            raise NotFound("人员")
        if item.phone.strip() or item.id_number.strip():
            raise _fail(n, "已在人口信息库登记,电话和身份证号以库中为准,请勿另填")
        return Party(
            side=item.side,
            kind=PartyKind.PERSON,
            name=person.name,
            person=person,
            household=_home_of(person),
            note=note,
        )
    name = item.name.strip()
    if not name or len(name) > _MAX_NAME:
        raise _fail(n, f"请填写姓名或单位名称(不超过 {_MAX_NAME} 个字)")
    household = person = None
    if item.household_number.strip():
        if item.kind == PartyKind.ORGANISATION:
            raise _fail(n, "单位不能关联到户")
        household = Household.objects.filter(
            number=item.household_number.strip(), is_active=True
        ).first()
        if household is None or not reach.allows(Capability.PERSON_VIEW, household.area_path):
            raise NotFound("户")
        person = (
            Person.objects.filter(
                name=name,
                memberships__household=household,
                memberships__moved_out__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        if person is not None and (item.phone.strip() or item.id_number.strip()):
            raise _fail(n, "已在人口信息库登记,电话和身份证号以库中为准,请勿另填")
    party = Party(
        side=item.side, kind=item.kind, name=name, person=person, household=household, note=note
    )
    _protect(party, item, n)
    return party


def _home_of(person: Person) -> Household | None:
    """The person's main current household: registered, else resident,
    else floating — where their dispute weighs."""
    order: list[str] = [ResidenceKind.REGISTERED, ResidenceKind.RESIDENT, ResidenceKind.FLOATING]
    current = list(person.memberships.filter(moved_out__isnull=True).select_related("household"))
    current.sort(key=lambda m: order.index(m.kind) if m.kind in order else len(order))
    return current[0].household if current else None


def _protect(party: Party, item: PartyIn, n: int) -> None:
    ring = keyring()
    if item.phone.strip():
        try:
            phone = parse_phone(item.phone)
        except PhoneError as exc:
            raise _fail(n, exc.message, exc.code) from exc
        party.phone_enc = pii.encrypt(ring, phone)
        party.phone_index = pii.blind_index(ring, "phone", phone)
        party.phone_masked = pii.mask_phone(phone)
    if item.id_number.strip():
        if item.kind == PartyKind.ORGANISATION:
            raise _fail(n, "单位无需填写身份证号")
        try:
            info = parse_id_number(item.id_number)
        except IdNumberError as exc:
            raise _fail(n, exc.message, exc.code) from exc
        party.id_enc = pii.encrypt(ring, info.number)
        party.id_index = pii.blind_index(ring, "id", info.number)
        party.id_masked = pii.mask_id_number(info.number)

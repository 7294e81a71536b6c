"""Members joining and leaving a household, proposed by a grid worker as a
change request: nothing changes until a reviewer approves; approval goes
through the registry's services (one way of creating people, audited,
recoloured); an ID number never appears in clear in the request; a member
who left meanwhile, or an ID number that is a member somewhere, is refused
at approval with a clear message; a household changed meanwhile is
flagged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.gridwork.conftest import GRID, SECRETARY, A
from tests.gridwork.conftest import propose as _propose
from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError
from wangge.gridwork.changes import change_approve, household_state
from wangge.gridwork.models import HouseholdChange
from wangge.gridwork.selectors import household_card_for
from wangge.registry import pii
from wangge.registry.edits import person_update
from wangge.registry.idnumber import make_id_number
from wangge.registry.keys import keyring
from wangge.registry.models import Household, Membership, Person
from wangge.registry.moves import member_leave

VILLAGE = "611022109223"


def _days_ago(n: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=n)).isoformat()


def _household(min_members: int = 2) -> Household:
    for h in Household.objects.filter(grid__code=GRID, is_active=True).order_by("number"):
        if h.memberships.filter(moved_out__isnull=True).count() >= min_members:
            return h
    raise AssertionError("no household with enough members in the grid")


def _members(h: Household) -> list[Membership]:
    return list(
        h.memberships.filter(moved_out__isnull=True).select_related("person").order_by("pk")
    )


def _change(answer: dict[str, Any]) -> HouseholdChange:
    assert answer["status"] in ("ok", "conflict"), answer
    return HouseholdChange.objects.get(client_id=answer["result"]["change"])


def _newborn(**more: Any) -> dict[str, Any]:
    return {
        "field": "member_add",
        "name": "张小宝",
        "relation": "子女",
        "gender": "M",
        "reason": "出生",
        "date": _days_ago(20),
        **more,
    }


def _id_on_file(person: Person) -> str:
    return pii.decrypt(keyring(), person.id_enc)


def test_a_newborn_waits_then_is_registered_on_approval(db: None, user_named: Any) -> None:
    h = _household()
    born = _days_ago(20)
    change = _change(_propose(user_named(A), h, [_newborn()]))
    assert change.status == "pending"
    assert change.proposed[0]["shown"] == f"张小宝(子女·男),出生 {born},无身份证号"
    assert not Person.objects.filter(name="张小宝", memberships__household=h).exists()
    card = household_card_for(user_named(A), h.number)
    assert f"新增成员:张小宝(子女·男),出生 {born},无身份证号" in card["changes_open"][0]["proposed"]

    secretary = user_named(SECRETARY)
    change_approve(actor=secretary, change=change)
    change.refresh_from_db()
    assert change.status == "approved"
    baby = Person.objects.get(name="张小宝", memberships__household=h)
    m = baby.memberships.get()
    assert (m.relation, m.kind, m.moved_in.isoformat(), m.joined_reason) == (
        "子女",
        "registered",
        born,
        "出生",
    )
    assert (baby.gender, baby.birth_date.isoformat()) == ("M", born)  # type: ignore[union-attr]
    assert baby.area_path == h.area_path
    assert (baby.id_index, baby.id_masked) == (None, "")
    record = AuditRecord.objects.get(action="person.create", object_id=str(baby.pk))
    assert record.actor_id == secretary.pk
    assert f"变更申请 {change.pk}" in record.reason
    assert change.applied[0]["person"] == baby.pk


def test_an_id_number_is_kept_encrypted_and_masked_then_stored_as_the_registry_does(
    db: None, user_named: Any
) -> None:
    h = _household()
    number = make_id_number("610113", dt.date(1998, 3, 12), 497, "F")
    bride = {
        "field": "member_add",
        "name": "李梅",
        "relation": "儿媳",
        "reason": "婚入",
        "kind": "registered",
        "date": _days_ago(40),
        "id_number": number,
    }
    change = _change(_propose(user_named(A), h, [bride]))
    entry = change.proposed[0]
    assert number not in str(change.proposed)
    assert entry["id_masked"] == pii.mask_id_number(number)
    assert pii.decrypt(keyring(), entry["id_enc"]) == number
    # Gender and birth date come from the number.
    assert (entry["gender"], entry["birth_date"]) == ("F", "1998-03-12")
    assert entry["shown"].endswith(f"1998-03-12 生,身份证号 {pii.mask_id_number(number)}")

    change_approve(actor=user_named(SECRETARY), change=change)
    change.refresh_from_db()
    assert number not in str(change.applied)
    p = Person.objects.get(name="李梅", memberships__household=h)
    assert p.id_masked == pii.mask_id_number(number)
    assert p.id_index == pii.blind_index(keyring(), "id", number)
    assert pii.decrypt(keyring(), p.id_enc) == number
    assert (p.gender, p.birth_date) == ("F", dt.date(1998, 3, 12))
    assert p.memberships.get().joined_reason == "婚入"
    # The reviewer's page shows the mask, never the number.
    page = _staff(user_named).get(f"/gridwork/changes/{change.pk}/").content.decode()
    assert pii.mask_id_number(number) in page
    assert number not in page


def test_a_death_ends_every_household_and_recolours(db: None, user_named: Any) -> None:
    h = _household()
    Household.objects.filter(pk=h.pk).update(last_visit_on=timezone.localdate())
    dead = _members(h)[-1].person
    secretary = user_named(SECRETARY)
    person_update(actor=secretary, person=dead, tags_add=["elderly_alone"])
    h.refresh_from_db()
    assert "elderly_alone" in h.colour_rules
    # They were also living in another household (常住 there).
    other = Household.objects.exclude(pk=h.pk).filter(grid__code=GRID).order_by("number")[0]
    Membership.objects.create(person=dead, household=other, relation="父母", kind="resident")
    died = _days_ago(3)
    change = _change(
        _propose(
            user_named(A),
            h,
            [{"field": "member_leave", "person": dead.pk, "reason": "死亡", "date": died}],
        )
    )
    assert change.proposed[0]["shown"] == f"{dead.name},死亡 {died}"

    change_approve(actor=secretary, change=change)
    dead.refresh_from_db()
    assert dead.died_on is not None
    assert dead.died_on.isoformat() == died
    assert not dead.memberships.filter(moved_out__isnull=True).exists()
    ended = dead.memberships.filter(household__in=[h, other])
    assert {(m.moved_out.isoformat(), m.left_reason) for m in ended} == {(died, "死亡")}  # type: ignore[union-attr]
    h.refresh_from_db()
    assert "elderly_alone" not in h.colour_rules  # recoloured without them
    assert dead.pk not in [m.person_id for m in _members(h)]
    record = AuditRecord.objects.get(action="person.leave", object_id=str(dead.pk))
    assert record.actor_id == secretary.pk
    assert record.changes["left_reason"] == "死亡"
    assert record.changes["households_ended"] == 2


def test_moving_out_ends_this_household_only(db: None, user_named: Any) -> None:
    h = _household()
    leaver = _members(h)[-1].person
    other = Household.objects.exclude(pk=h.pk).filter(grid__code=GRID).order_by("number")[0]
    Membership.objects.filter(person=leaver, household=h).update(kind="resident")
    Membership.objects.create(person=leaver, household=other, relation="子女", kind="registered")
    change = _change(
        _propose(
            user_named(A),
            h,
            [
                {
                    "field": "member_leave",
                    "person": leaver.pk,
                    "reason": "迁出",
                    "date": _days_ago(1),
                    "note": "去西安女儿家",
                }
            ],
        )
    )
    assert change.proposed[0]["shown"].endswith("(去西安女儿家)")
    change_approve(actor=user_named(SECRETARY), change=change)
    leaver.refresh_from_db()
    assert leaver.died_on is None
    assert [m.household_id for m in leaver.memberships.filter(moved_out__isnull=True)] == [other.pk]
    assert leaver.memberships.get(household=h).left_reason == "迁出"
    assert leaver.area_path == other.area_path


def test_a_leave_of_someone_who_left_meanwhile_is_flagged_then_refused(
    db: None, user_named: Any
) -> None:
    h = _household()
    leaver = _members(h)[-1].person
    change = _change(
        _propose(
            user_named(A),
            h,
            [
                {
                    "field": "member_leave",
                    "person": leaver.pk,
                    "reason": "婚出",
                    "date": _days_ago(2),
                }
            ],
        )
    )
    assert change.status == "pending"
    secretary = user_named(SECRETARY)
    # Meanwhile the village office records the same person moving away.
    member_leave(
        actor=secretary, household=h, person_id=leaver.pk, left_on=timezone.localdate(),
        left_reason="迁出",
    )  # fmt: skip
    with pytest.raises(DomainError) as e:
        change_approve(actor=secretary, change=change)
    assert e.value.code == "change.conflict"
    change.refresh_from_db()
    assert change.status == "conflict"
    assert change.conflict["current"] == ["(已不是本户成员)"]
    with pytest.raises(DomainError) as e:
        change_approve(
            actor=secretary,
            change=change,
            choices={0: "proposed"},
            seen_state=household_state(h),
        )
    assert e.value.code == "member.gone"
    assert f"{leaver.name}已不是本户成员" in e.value.message
    assert "迁出" in e.value.message
    change.refresh_from_db()
    assert change.status == "conflict"  # still the reviewer's to reject
    assert leaver.memberships.get(household=h).left_reason == "迁出"


def test_an_id_number_that_is_a_member_elsewhere_or_here_is_refused(
    db: None, user_named: Any
) -> None:
    h = _household()
    here = next(m.person for m in _members(h) if m.person.id_enc)
    elsewhere = (
        Person.objects.filter(
            memberships__household__grid__code=GRID, memberships__moved_out__isnull=True
        )
        .exclude(memberships__household=h)
        .exclude(id_enc="")
        .order_by("pk")
        .first()
    )
    assert elsewhere is not None
    secretary = user_named(SECRETARY)
    people = Person.objects.count()
    for person, where in ((elsewhere, "户 "), (here, f"户 {h.number}")):
        entry = {
            "field": "member_add", "name": person.name, "relation": "其他", "reason": "迁入",
            "date": _days_ago(5), "id_number": _id_on_file(person),
        }  # fmt: skip
        change = _change(_propose(user_named(A), h, [entry]))
        assert change.status == "pending"
        with pytest.raises(DomainError) as e:
            change_approve(actor=secretary, change=change)
        assert e.value.code == "person.duplicate"
        assert "该身份证号已登记" in e.value.message
        assert where in e.value.message
        change.refresh_from_db()
        assert change.status == "pending"
    assert Person.objects.count() == people


def test_someone_on_file_with_no_household_now_joins_with_their_record(
    db: None, user_named: Any
) -> None:
    """A person who moved out of one household (and belongs to none) moves
    into another: the same record gets a new membership, not a copy."""
    h = _household()
    other = Household.objects.exclude(pk=h.pk).filter(grid__code=GRID).order_by("number")[1]
    # Not the head: a head leaving with others staying must name a new head.
    person = next(m.person for m in _members(other) if m.person.id_enc and m.relation != "户主")
    secretary = user_named(SECRETARY)
    member_leave(
        actor=secretary, household=other, person_id=person.pk, left_on=timezone.localdate(),
        left_reason="婚出",
    )  # fmt: skip
    entry = {
        "field": "member_add", "name": person.name, "relation": "儿媳", "reason": "婚入",
        "date": timezone.localdate().isoformat(), "id_number": _id_on_file(person),
    }  # fmt: skip
    change = _change(_propose(user_named(A), h, [entry]))
    page = _staff(user_named).get(f"/gridwork/changes/{change.pk}/").content.decode()
    assert "已登记,现无所在户(采纳后迁入本户)" in page
    people = Person.objects.count()
    change_approve(actor=secretary, change=change)
    assert Person.objects.count() == people
    m = person.memberships.get(moved_out__isnull=True)
    assert (m.household_id, m.relation, m.joined_reason) == (h.pk, "儿媳", "婚入")
    assert AuditRecord.objects.filter(action="person.join", object_id=str(person.pk)).exists()


def test_a_change_made_meanwhile_to_the_members_flags_a_member_request(
    db: None, user_named: Any
) -> None:
    h = _household()
    seen = household_state(h)
    # Someone at the office registers a member before the phone's request arrives.
    _change(_propose(user_named(A), h, [_newborn(name="王一")]))
    change_approve(actor=user_named(SECRETARY), change=HouseholdChange.objects.get(household=h))
    assert household_state(h) != seen
    answer = _propose(user_named(A), h, [_newborn(name="王一")], seen)
    assert answer["status"] == "conflict"
    assert answer["result"]["current"] == ["本户已有同名成员"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": ""}, "请填写新成员的姓名"),
        ({"relation": "户主"}, "与户主关系应为"),
        ({"relation": "邻居"}, "与户主关系应为"),
        ({"reason": "领养"}, "加入原因应为"),
        ({"kind": "tourist"}, "居住类型应为"),
        ({"date": "2099-01-01"}, "不能晚于今天"),
        ({"date": "昨天"}, "应为日期"),
        ({"gender": ""}, "请选择性别"),
        ({"reason": "迁入", "birth_date": None}, "请填写出生日期或出生年份"),
        ({"reason": "迁入", "birth_year": "八零"}, "出生年份应为四位数字"),
        ({"id_number": "611022199801011234"}, "校验"),
        ({"reason": "婚入", "gender": "M", "id_number": "ID:F"}, "性别与身份证号码不一致"),
        ({"reason": "出生", "id_number": "ID:F"}, "出生日期与身份证号码不一致"),
    ],
)
def test_bad_new_members_are_refused_and_nothing_is_stored(
    db: None, user_named: Any, entry: dict[str, Any], message: str
) -> None:
    h = _household()
    if entry.get("id_number") == "ID:F":
        entry = {**entry, "id_number": make_id_number("610113", dt.date(1998, 3, 12), 497, "F")}
    raw = {k: v for k, v in {**_newborn(), **entry}.items() if v is not None}
    before = HouseholdChange.objects.count()
    answer = _propose(user_named(A), h, [raw])
    assert answer["status"] == "error", answer
    assert answer["code"] == "change.member"
    assert message in answer["message"], answer["message"]
    assert HouseholdChange.objects.count() == before


def test_bad_departures_are_refused(db: None, user_named: Any) -> None:
    h = _household()
    p = _members(h)[0].person
    stranger = Person.objects.exclude(memberships__household=h).order_by("pk")[0]
    leave = {"field": "member_leave", "person": p.pk, "reason": "死亡", "date": _days_ago(1)}
    for entries, code in (
        ([{**leave, "reason": "失踪"}], "change.member"),
        ([{**leave, "person": stranger.pk}], "change.person"),
        ([{**leave, "date": ""}], "change.member"),
        ([leave, {**leave, "reason": "迁出"}], "change.member"),
    ):
        answer = _propose(user_named(A), h, entries)
        assert (answer["status"], answer["code"]) == ("error", code), answer
    assert not HouseholdChange.objects.filter(household=h).exists()


def _staff(user_named: Any) -> Client:
    c = Client()
    c.force_login(user_named(SECRETARY))
    return c


def test_the_staff_pages_read_the_entries_and_approve_them(db: None, user_named: Any) -> None:
    h = _household()
    dead = _members(h)[-1].person
    born, died = _days_ago(20), _days_ago(4)
    change = _change(
        _propose(
            user_named(A),
            h,
            [
                _newborn(),
                {"field": "member_leave", "person": dead.pk, "reason": "死亡", "date": died},
            ],
        )
    )
    c = _staff(user_named)
    queue = c.get(f"/gridwork/areas/{VILLAGE}/changes/").content.decode()
    assert f"新增成员:张小宝(子女·男),出生 {born},无身份证号" in queue
    assert f"成员离开:{dead.name},死亡 {died}" in queue
    detail = c.get(f"/gridwork/changes/{change.pk}/").content.decode()
    assert "本户无此人" in detail
    assert "本户成员(" in detail
    r = c.post(f"/gridwork/changes/{change.pk}/approve/", {"note": "已核实"}, follow=True)
    assert "已采纳" in r.content.decode()
    assert "新增成员:张小宝" in r.content.decode()  # what was applied
    change.refresh_from_db()
    assert change.status == "approved"
    assert Person.objects.filter(name="张小宝", memberships__household=h).exists()
    dead.refresh_from_db()
    assert dead.died_on is not None

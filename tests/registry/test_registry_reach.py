"""People and households through every route, for every role: a user
reaches the people of their own area only, masked, and "not yours" looks
exactly like "not found"; full values only with a reason, audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from wangge.accounts.models import RoleAssignment
from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability, Role
from wangge.audit.models import AuditRecord
from wangge.registry import pii
from wangge.registry.keys import keyring
from wangge.registry.models import Household, Person

SHANGZHEN = "611022109"
LONGJUZHAI = "611022001"
ID_PATTERN = re.compile(r"\b\d{17}[\dX]\b")


def _user_for(role: str, prefix: str) -> Any:
    a = (
        RoleAssignment.objects.filter(role=role, area__code__startswith=prefix)
        .select_related("user", "area")
        .order_by("area__code")
        .first()
    )
    assert a is not None
    return a


def _people_in(path: str) -> Any:
    return Person.objects.filter(area_path__startswith=path)


def _someone_in_shangzhou() -> Person:
    """A person outside 丹凤县 altogether (the demo has people only there),
    added through the services as the city administrator would."""
    from wangge.accounts.models import User
    from wangge.registry.idnumber import make_id_number
    from wangge.registry.services import household_create, person_add
    from wangge.territory.models import Area

    village = Area.objects.filter(level="village", county_code="611002").order_by("code").first()
    assert village is not None
    grid = Area.objects.create(
        code=f"{village.code}001",
        name="测试网格",
        level="grid",
        parent=village,
        path=f"{village.path}{village.code}001/",
        county_code="611002",
    )
    admin = User.objects.get(username="admin")
    hh = household_create(actor=admin, grid=grid, address="陕西省商洛市商州区测试路1号")
    import datetime as dt

    number = make_id_number("611002", dt.date(1980, 5, 1), 7, "M")
    return person_add(actor=admin, household=hh, name="外县人", id_number=number)


CASES = [
    (Role.GRID_WORKER, SHANGZHEN),
    (Role.ZONE_HEAD, LONGJUZHAI),
    (Role.VILLAGE_SECRETARY, SHANGZHEN),
    (Role.TOWN_DISPATCHER, SHANGZHEN),
    (Role.DEPARTMENT_STAFF, "611022000000"),
    (Role.COMMAND_CENTRE, "611022000000"),
    (Role.ORGANISATION_STAFF, "611022000000"),
    (Role.ADMINISTRATOR, "611022000000"),
]


@pytest.mark.parametrize(("role", "prefix"), CASES, ids=[f"{r}@{p}" for r, p in CASES])
def test_people_reach_by_role(db: None, role: str, prefix: str) -> None:
    a = _user_for(role, prefix)
    reach = reach_for(a.user)
    may_view = reach.allows(Capability.PERSON_VIEW, a.area.path)
    inside = _people_in(a.area.path).order_by("pk").first()
    outside = Person.objects.exclude(area_path__startswith=a.area.path).order_by("pk").first()
    if outside is None:
        outside = _someone_in_shangzhou()
    c = Client()
    c.force_login(a.user)
    missing_page = c.get("/persons/999999999/")
    missing_api = c.get("/api/persons/999999999/")
    assert missing_page.status_code == missing_api.status_code == 404

    # Outside the area: every route answers like "does not exist".
    for url in (f"/persons/{outside.pk}/", f"/api/persons/{outside.pk}/"):
        r = c.get(url)
        assert r.status_code == 404, url
    assert c.get(f"/api/persons/{outside.pk}/").json() == missing_api.json()
    hh_out = Household.objects.exclude(area_path__startswith=a.area.path).first()
    assert hh_out is not None
    assert c.get(f"/households/{hh_out.number}/").status_code == 404
    assert (
        c.get(f"/api/households/{hh_out.number}/").json() == c.get("/api/households/NOPE/").json()
    )
    r = c.post(f"/api/persons/{outside.pk}/reveal/", {"field": "id_number", "reason": "核实"})
    assert r.status_code == 404
    # Search by the outsider's exact ID number finds nothing.
    full_id = pii.decrypt(keyring(), outside.id_enc)
    r = c.get(f"/api/persons/?q={full_id}")
    assert r.status_code == 200
    assert r.json()["results"] == []
    assert outside.name not in c.get(f"/search/?q={full_id}").content.decode()

    if not may_view:
        if inside is not None:
            assert c.get(f"/persons/{inside.pk}/").status_code == 404
            assert c.get(f"/api/persons/{inside.pk}/").status_code == 404
        assert c.get(f"/api/households/?area={a.area.code}").json()["count"] == 0
        return

    # Inside: visible, masked everywhere.
    assert inside is not None
    page = c.get(f"/persons/{inside.pk}/").content.decode()
    api = c.get(f"/api/persons/{inside.pk}/").json()
    own_id = pii.decrypt(keyring(), inside.id_enc)
    assert own_id not in page
    assert api["id_masked"] == inside.id_masked
    assert own_id not in str(api)
    assert not ID_PATTERN.search(page)
    listing = c.get(f"/api/households/?area={a.area.code}").json()
    assert listing["count"] == Household.objects.filter(area_path__startswith=a.area.path).count()
    hh = Household.objects.filter(area_path__startswith=a.area.path).first()
    assert hh is not None
    detail = c.get(f"/api/households/{hh.number}/").json()
    assert not ID_PATTERN.search(str(detail))
    assert not ID_PATTERN.search(c.get(f"/households/{hh.number}/").content.decode())
    # Search by exact ID finds the person, still masked.
    found = c.get(f"/api/persons/?q={own_id}").json()["results"]
    assert [p["id"] for p in found] == [inside.pk]


def test_reveal_needs_a_reason_and_is_audited(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    worker = user_named("wg611022109223001")
    person = _people_in(
        "611000000000/611022000000/611022109000/611022109223/611022109223001/"
    ).first()
    assert person is not None
    c = Client()
    c.force_login(worker)
    no_reason = c.post(f"/api/persons/{person.pk}/reveal/", {"field": "id_number", "reason": " "})
    assert no_reason.status_code == 400
    assert not AuditRecord.objects.filter(action="person.reveal").exists()
    r = c.post(
        f"/api/persons/{person.pk}/reveal/", {"field": "id_number", "reason": "办理低保核实"}
    )
    assert r.status_code == 200
    assert r.json()["value"] == pii.decrypt(keyring(), person.id_enc)
    rec = AuditRecord.objects.get(action="person.reveal")
    assert rec.reason == "办理低保核实"
    assert rec.actor_label == worker.username
    assert rec.object_id == str(person.pk)
    assert r.json()["value"] not in str(rec.changes)  # the log never holds the value
    page = c.post(f"/persons/{person.pk}/reveal/", {"field": "phone", "reason": "电话回访"})
    if person.phone_enc:
        assert pii.decrypt(keyring(), person.phone_enc) in page.content.decode()


def test_command_centre_sees_masked_but_cannot_reveal(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_named("danfeng_command"))
    person = Person.objects.filter(county_code="611022").first()
    assert person is not None
    assert c.get(f"/api/persons/{person.pk}/").status_code == 200
    r = c.post(f"/api/persons/{person.pk}/reveal/", {"field": "id_number", "reason": "查看"})
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"


def test_sensitive_tags_only_for_allowed_roles(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    tagged = Person.objects.filter(
        tags__code="severe_mental_disorder", area_path__contains="/611022109"
    ).first()
    if tagged is None:
        pytest.skip("the sample population has no such person")
    grid_path = tagged.area_path
    grid_code = grid_path.rstrip("/").rsplit("/", 1)[-1]
    worker = Client()
    worker.force_login(user_named(f"wg{grid_code}"))
    secretary = Client()
    secretary.force_login(user_named(f"sj{grid_code[:12]}"))
    assert "严重精神障碍" not in worker.get(f"/persons/{tagged.pk}/").content.decode()
    assert "严重精神障碍" not in str(worker.get(f"/api/persons/{tagged.pk}/").json())
    assert "严重精神障碍" in secretary.get(f"/persons/{tagged.pk}/").content.decode()

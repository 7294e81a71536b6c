"""Granting roles: the level rules and the audit trail."""

from __future__ import annotations

import pytest

from wangge.accounts.models import Unit
from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability, Role
from wangge.accounts.services import role_grant, role_revoke, user_create
from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError, NotFound
from wangge.territory.models import Area


def test_grant_then_revoke(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    admin = user_named("admin")
    u = user_create(actor=admin, username="new_worker", display_name="新网格员")
    grid = Area.objects.get(code="611022109223001")
    assert reach_for(u).is_empty
    a = role_grant(actor=admin, user=u, role=Role.GRID_WORKER, area=grid)
    assert reach_for(u).allows(Capability.AREA_VIEW, grid.path)
    assert not reach_for(u).allows(Capability.AREA_VIEW, grid.parent.path)  # type: ignore[union-attr]
    role_revoke(actor=admin, assignment=a)
    assert reach_for(u).is_empty
    actions = list(
        AuditRecord.objects.filter(object_id=str(u.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["user.create", "role.grant", "role.revoke"]


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (Role.GRID_WORKER, "611022109223"),  # a village, not a grid
        (Role.TOWN_DISPATCHER, "611022000000"),  # a county
        (Role.VILLAGE_SECRETARY, "611022109000"),  # a town
    ],
)
def test_roles_only_at_their_levels(db: None, user_named, role, code) -> None:  # type: ignore[no-untyped-def]
    admin = user_named("admin")
    u = user_create(actor=admin, username="x_user")
    with pytest.raises(DomainError) as e:
        role_grant(actor=admin, user=u, role=role, area=Area.objects.get(code=code))
    assert e.value.code == "role.level"
    assert not u.assignments.exists()


def test_department_staff_need_their_countys_department(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    admin = user_named("admin")
    u = user_create(actor=admin, username="dept_user")
    county = Area.objects.get(code="611022000000")
    with pytest.raises(DomainError):
        role_grant(actor=admin, user=u, role=Role.DEPARTMENT_STAFF, area=county)
    town_office = Unit.objects.get(code="T-611022109000")
    with pytest.raises(DomainError):
        role_grant(actor=admin, user=u, role=Role.DEPARTMENT_STAFF, area=county, unit=town_office)
    dept = Unit.objects.get(code="D-611022-zhujian")
    role_grant(actor=admin, user=u, role=Role.DEPARTMENT_STAFF, area=county, unit=dept)
    assert reach_for(u).category_codes() == {"01", "23", "33"}


def test_county_admin_cannot_grant_outside_their_county(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    county_admin = user_named("danfeng_admin")
    u = user_create(actor=None, username="elsewhere")
    shangzhou_village = Area.objects.filter(level="village", county_code="611002").first()
    with pytest.raises(NotFound):
        role_grant(actor=county_admin, user=u, role=Role.VILLAGE_SECRETARY, area=shangzhou_village)  # type: ignore[arg-type]


def test_non_admins_cannot_grant(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    dispatcher = user_named("shangzhen_dispatcher")
    u = user_create(actor=None, username="someone")
    with pytest.raises(NotFound):
        role_grant(
            actor=dispatcher,
            user=u,
            role=Role.GRID_WORKER,
            area=Area.objects.get(code="611022109223001"),
        )

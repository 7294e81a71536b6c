"""Intake: numbers, places, routing by place and category, idempotency,
protected contact details, and bad input that changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from wangge.accounts.models import Unit
from wangge.categories.models import Category
from wangge.core.errors import DomainError
from wangge.dispatch.models import Request, RoutingRule, State
from wangge.dispatch.routing import route
from wangge.dispatch.services import request_intake
from wangge.registry import pii
from wangge.registry.keys import keyring
from wangge.territory.models import Area

GRID = "611022109223001"  # 保定村第1网格, 商镇, 丹凤县
TEXT = "村口垃圾堆放多日无人清运,气味很大"


def _intake(**kw):  # type: ignore[no-untyped-def]
    args = {
        "actor": None,
        "channel": "portal",
        "category_code": "210101",  # 暴露垃圾: the grid's own matter
        "description": TEXT,
        "grid_code": GRID,
    }
    args.update(kw)
    return request_intake(**args)


def test_numbers_run_per_county_and_year(db: None) -> None:
    first, second = _intake(), _intake()
    year = timezone.localdate().year
    assert first.number.startswith(f"611022-{year}-")
    assert second.seq == first.seq + 1
    assert second.number == f"611022-{year}-{second.seq:06d}"
    assert [e.action for e in first.events.all()] == ["submit"]
    assert first.state == State.SUBMITTED


@pytest.mark.parametrize(
    ("category", "unit_code"),
    [
        ("210101", f"G-{GRID}"),  # 暴露垃圾 → the grid
        ("080301", "V-611022109223"),  # 留守儿童关爱 → the village committee
        ("010701", "T-611022109000"),  # 农村危房改造 → the town office
        ("010101", "D-611022-zhujian"),  # 违法建设 → 住建局 of the county
        ("130101", "T-611022109000"),  # no department handles 13: the town dispatcher
    ],
)
def test_routing_by_the_usual_handler(db: None, category: str, unit_code: str) -> None:
    unit = route(Category.objects.get(code=category), Area.objects.get(code=GRID))
    assert unit.code == unit_code


def test_rules_override_and_the_most_specific_wins(db: None) -> None:
    category = Category.objects.get(code="210101")
    grid = Area.objects.get(code=GRID)
    town_office = Unit.objects.get(code="T-611022109000")
    village = Unit.objects.get(code="V-611022109223")
    RoutingRule.objects.create(
        category=category.parent.parent,  # all of 市容环境 …
        area=Area.objects.get(code="611022000000"),  # … in the county
        unit=town_office,
    )
    assert route(category, grid) == town_office
    RoutingRule.objects.create(category=category, area=grid.parent, unit=village)
    assert route(category, grid) == village  # deeper area, deeper category
    other_grid = Area.objects.filter(level="grid", code__startswith="611022001").first()
    assert other_grid is not None
    assert route(category, other_grid) == town_office  # the county-wide rule still applies


def test_a_point_on_the_map_finds_its_grid(db: None) -> None:
    grid = Area.objects.get(code=GRID)
    from shapely.geometry import shape

    inside = shape(grid.geometry).representative_point()
    r = _intake(grid_code="", lon=inside.x, lat=inside.y)
    assert r.grid == grid
    assert r.area_path == grid.path
    with pytest.raises(DomainError, match="不在本系统管辖"):
        _intake(grid_code="", lon=116.4, lat=39.9)  # Beijing
    with pytest.raises(DomainError, match="请在地图上标出位置"):
        _intake(grid_code="")


def test_a_retried_submission_makes_one_request(db: None) -> None:
    before = Request.objects.count()
    a = _intake(idempotency_key="phone-7f3a-0001")
    b = _intake(idempotency_key="phone-7f3a-0001", description="另一次重试,内容一样也好不一样也好")
    assert a.pk == b.pk
    assert (a.replayed, b.replayed) == (False, True)
    assert Request.objects.count() == before + 1


def test_a_retry_racing_the_first_gets_the_first(db: None, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Both looked before either wrote: the unique key stops the second,
    which answers with the first, and the number it took is given back."""
    from wangge.dispatch import services

    a = _intake(idempotency_key="race-0001")
    monkeypatch.setattr(services, "_first_with_key", _missing_once(services._first_with_key))
    b = _intake(idempotency_key="race-0001")
    assert (b.pk, b.replayed) == (a.pk, True)
    assert _intake().seq == a.seq + 1  # no gap


def _missing_once(real):  # type: ignore[no-untyped-def]
    calls = []

    def first_with_key(key: str):  # type: ignore[no-untyped-def]
        calls.append(key)
        return None if len(calls) == 1 else real(key)

    return first_with_key


def test_contact_is_protected_and_anonymous_keeps_none(db: None) -> None:
    r = _intake(contact_name="王先生", contact_phone="139 1234 5678")
    assert r.contact_phone_masked == "139****5678"
    assert "13912345678" not in r.contact_phone_enc
    assert pii.decrypt(keyring(), r.contact_phone_enc) == "13912345678"
    assert r.contact_phone_index == pii.blind_index(keyring(), "phone", "13912345678")
    anon = _intake(contact_name="王先生", contact_phone="13912345678", anonymous=True)
    assert (anon.contact_name, anon.contact_phone_enc, anon.contact_phone_masked) == ("", "", "")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"category_code": "999999"}, "request.category"),
        ({"description": "太脏"}, "request.description"),
        ({"contact_phone": "12345"}, "request.phone"),
        ({"channel": "pigeon"}, "request.channel"),
        ({"urgency": "very"}, "request.urgency"),
        ({"grid_code": "611022109223999"}, "request.location"),
    ],
)
def test_bad_input_changes_nothing(db: None, change: dict[str, str], code: str) -> None:
    before = Request.objects.count()
    with pytest.raises(DomainError) as e:
        _intake(**change)
    assert e.value.code == code
    assert Request.objects.count() == before


def test_household_must_be_within_the_reporters_reach(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    from wangge.core.errors import NotFound
    from wangge.registry.models import Household

    mine = Household.objects.filter(grid__code=GRID).first()
    other = Household.objects.exclude(area_path__contains="/611022109223/").first()
    assert mine is not None
    assert other is not None
    worker = user_named("wg" + GRID)
    r = _intake(actor=worker, channel="grid_worker", grid_code="", household_number=mine.number)
    assert r.household == mine
    assert r.created_by == worker
    with pytest.raises(NotFound):
        _intake(actor=worker, channel="grid_worker", grid_code="", household_number=other.number)


def test_staff_intake_page(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from wangge.dispatch.models import Request

    worker = Client()
    worker.force_login(user_named("wg611022109223001"))
    page = worker.get("/requests/new/").content.decode()
    assert 'value="grid_worker" selected' in page  # a grid worker's own channel and grid
    assert "611022109223001" in page
    body = {
        "key": "staff-new-1",
        "channel": "grid_worker",
        "urgency": "normal",
        "category": "210101",
        "description": "巡查发现一组路口垃圾堆积",
        "grid": "611022109223001",
        "phone": "13900007777",
    }
    answer = worker.post("/requests/new/", body)
    made = Request.objects.get(idempotency_key="staff-new-1")
    assert answer["Location"] == f"/requests/{made.number}/"
    assert (made.channel, made.grid.code) == ("grid_worker", "611022109223001")
    worker.post("/requests/new/", body)  # a double tap files once
    assert Request.objects.filter(idempotency_key="staff-new-1").count() == 1
    # Bad input: a clear message, the form kept, nothing filed.
    bad = worker.post("/requests/new/", {**body, "key": "staff-new-2", "description": "短"})
    text = bad.content.decode()
    assert "请把诉求写清楚" in text
    assert "staff-new-2" in text
    assert not Request.objects.filter(idempotency_key="staff-new-2").exists()
    # The hotline desk picks a village.
    desk = Client()
    desk.force_login(user_named("shangzhen_dispatcher"))
    desk.post(
        "/requests/new/",
        {**body, "key": "staff-new-3", "channel": "hotline", "grid": "", "village": "611022109223"},
    )
    hotline = Request.objects.get(idempotency_key="staff-new-3")
    assert hotline.channel == "hotline"
    assert hotline.grid.code.startswith("611022109223")

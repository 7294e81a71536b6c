"""The hot-path insert and the once-built serializers give what the ORM and
DRF give the slow way."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import ValidationError

from wangge.accounts.models import Unit
from wangge.core.api import represent, validated
from wangge.core.insert import insert_new
from wangge.dispatch.api import IntakeSerializer, RequestDetailSerializer
from wangge.dispatch.models import Request
from wangge.dispatch.services import request_intake
from wangge.notify.models import Message

pytestmark = pytest.mark.django_db

GRID = "611022109223001"


def test_insert_new_writes_rows_as_save_would() -> None:
    unit = Unit.objects.order_by("pk").first()
    made = [
        Message(audience="staff", unit=unit, kind="arrived", body="第一条"),
        Message(audience="resident", phone_index="abc", kind="submitted", body="第二条"),
    ]
    insert_new(made)
    assert made[0].pk is not None
    assert made[1].pk == made[0].pk + 1
    assert made[0].created_at is not None  # auto_now_add filled in, as save() does
    stored = Message.objects.in_bulk([m.pk for m in made])
    for m in made:
        got = stored[m.pk]
        assert (got.audience, got.unit_id, got.phone_index, got.kind, got.body) == (
            m.audience, m.unit_id, m.phone_index, m.kind, m.body
        )  # fmt: skip
        assert got.created_at == m.created_at
        assert got.status == "stored"


def test_insert_new_refuses_an_unsaved_parent() -> None:
    orphan = Message(audience="staff", request=Request(), kind="x", body="y")
    with pytest.raises(ValueError, match="unsaved"):
        insert_new([orphan])
    assert not Message.objects.filter(kind="x").exists()


def test_represent_matches_a_fresh_serializer() -> None:
    r = request_intake(
        actor=None, channel="hotline", category_code="2101",
        description="路灯坏了三盏,晚上很黑", grid_code=GRID, contact_phone="13900002222",
    )  # fmt: skip
    fresh = Request.objects.prefetch_related("events").get(pk=r.pk)
    assert represent(RequestDetailSerializer, fresh) == RequestDetailSerializer(fresh).data
    assert represent(RequestDetailSerializer, fresh)["events"][0]["action"] == "submit"


def test_validated_refuses_like_is_valid() -> None:
    ok = validated(IntakeSerializer, {"category": "2101", "description": "路灯坏了"})
    assert ok["channel"] == "api"
    assert ok["grid"] == ""
    with pytest.raises(ValidationError) as caught:
        validated(IntakeSerializer, {"description": "路灯坏了", "lon": "东经"})
    slow = IntakeSerializer(data={"description": "路灯坏了", "lon": "东经"})
    assert not slow.is_valid()
    assert caught.value.detail == slow.errors

"""The phone's API over HTTP: today, grids, reference lists, the household
card, sync and photos; outsiders get "not found"; the schema documents it."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from tests.gridwork.conftest import GRID, A, B, new_id, now_iso
from wangge.gridwork.models import FieldPhoto
from wangge.registry.models import Household


def _client(user_named, name: str) -> APIClient:  # type: ignore[no-untyped-def]
    c = APIClient()
    c.force_authenticate(user_named(name))
    return c


def _number() -> str:
    return (
        Household.objects.filter(grid__code=GRID)
        .order_by("number")
        .values_list("number", flat=True)[0]
    )


def test_today_grids_and_meta(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    Household.objects.filter(grid__code=GRID).update(last_visit_on=None)
    c = _client(user_named, A)
    today = c.get("/api/field/today/")
    assert today.status_code == 200
    body = today.json()
    assert [g["code"] for g in body["grids"]] == [GRID]
    assert body["grids"][0]["post"] == "A"
    assert body["visits"]["due"]
    assert sum(body["visits"]["counts"]["due"].values()) >= len(body["visits"]["due"])
    colours = [v["colour"] for v in body["visits"]["due"]]
    order = {"red": 0, "yellow": 1, "green": 2}
    assert colours == sorted(colours, key=order.__getitem__)  # red first
    assert body["tasks"] == []
    grids = c.get("/api/field/grids/").json()
    assert [p["post"] for p in grids["posts"]] == ["A", "B"]  # A here, B of the neighbour
    assert [g["code"] for g in grids["serving"]] == [GRID]
    meta = c.get("/api/field/meta/").json()
    assert len(meta["duties"]) == 8
    assert meta["duties"][0]["name"] == "摸清底数"
    assert any(cat["code"] == "210101" for cat in meta["categories"])
    assert "released_prisoner" not in [t["code"] for t in meta["tags"]]
    assert set(meta["ops"]) == {
        "visit", "patrol_start", "patrol_points", "patrol_stop", "finding", "household_change",
    }  # fmt: skip


def test_zone_head_sees_the_zone_grids(db: None) -> None:
    from wangge.accounts.models import User

    head = User.objects.filter(assignments__role="zone_head").first()
    c = APIClient()
    c.force_authenticate(head)
    zone = c.get("/api/field/grids/").json()["zone"]
    assert zone
    assert all(g["on_duty"] for g in zone if not g["uncovered"])


def test_card_sync_and_outsiders(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    number = _number()
    c = _client(user_named, A)
    card = c.get(f"/api/field/households/{number}/")
    assert card.status_code == 200
    assert card.json()["state"]
    outsider = _client(user_named, "wg611022109223005")
    missing = outsider.get(f"/api/field/households/{number}/")
    nothing = outsider.get("/api/field/households/000000000000000000/")
    assert missing.status_code == nothing.status_code == 404
    assert missing.json() == nothing.json()

    op = {"id": new_id(), "op": "visit", "household": number, "at": now_iso(-3)}
    first = c.post("/api/field/sync/", {"ops": [op]}, format="json")
    assert first.status_code == 200
    assert first.json()["results"][0]["status"] == "ok"
    again = c.post("/api/field/sync/", {"ops": [op]}, format="json")
    assert again.json()["results"][0]["status"] == "duplicate"
    bad = c.post("/api/field/sync/", {"ops": "everything"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "sync.batch"
    assert c.get(f"/api/field/households/{number}/").json()["last_visits"][0]["id"] == op["id"]


def _jpeg() -> SimpleUploadedFile:
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {2: (34.0, 1.0, 2.0)}  # a GPS block
    Image.new("RGB", (2400, 1800), (90, 120, 160)).save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile("IMG_1.JPG", buf.getvalue(), content_type="image/jpeg")


def test_photos_of_a_visit_once_each(db: None, user_named, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    c = _client(user_named, A)
    visit = {"id": new_id(), "op": "visit", "household": _number(), "at": now_iso(-3)}
    c.post("/api/field/sync/", {"ops": [visit]}, format="json")
    photo_id = new_id()
    first = c.post("/api/field/photos/", {"id": photo_id, "record": visit["id"], "photo": _jpeg()})
    assert first.status_code == 201, first.content
    assert max(first.json()["width"], first.json()["height"]) == 1600
    again = c.post("/api/field/photos/", {"id": photo_id, "record": visit["id"], "photo": _jpeg()})
    assert again.status_code == 200
    assert FieldPhoto.objects.filter(client_id=photo_id).count() == 1
    stored = FieldPhoto.objects.get(client_id=photo_id)
    assert Image.open(stored.file.path).getexif().get(0x8825) is None  # no GPS kept
    # Someone else's visit, or one not synced yet: refused.
    other = _client(user_named, B)
    refused = other.post(
        "/api/field/photos/", {"id": new_id(), "record": visit["id"], "photo": _jpeg()}
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "photo.record"
    junk = c.post(
        "/api/field/photos/",
        {
            "id": new_id(),
            "record": visit["id"],
            "photo": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
        },
    )
    assert junk.status_code == 400
    assert FieldPhoto.objects.filter(visit__client_id=visit["id"]).count() == 1


def test_my_changes_and_the_schema(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = _client(user_named, A)
    assert c.get("/api/field/changes/").json() == {"results": []}
    admin = _client(user_named, "admin")
    schema = admin.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for p in ("today", "grids", "meta", "households/{number}", "sync", "photos", "changes"):
        assert f"/api/field/{p}/" in schema["paths"], p


def test_anonymous_is_refused(db: None) -> None:
    r = APIClient().post("/api/field/sync/", {"ops": []}, format="json")
    assert r.status_code == 401

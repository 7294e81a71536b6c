"""Photos: checked, shrunk, stripped of metadata; attached to intake and
steps; refused photos refuse the whole step; served only through reach
(staff) or a short-lived link from the tracked request (resident)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from wangge.dispatch.models import Request, RequestPhoto

GRID = "611022109223001"
PHONE = "13900004444"


def _jpeg(w: int = 3000, h: int = 2000, *, gps: bool = True) -> SimpleUploadedFile:
    img = Image.new("RGB", (w, h), (120, 160, 90))
    exif = Image.Exif()
    if gps:
        exif[0x0110] = "Phone Model X"  # camera model
        exif[0x8825] = {2: (34.0, 1.0, 2.0)}  # a GPS block
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, quality=95)
    return SimpleUploadedFile("IMG_0001.JPG", buf.getvalue(), content_type="image/jpeg")


def _report(c: Client, **extra: object) -> str:
    data = {
        "category": "2101",
        "description": "保定村一组垃圾桶满了没人清运,味道很大",
        "village": "611022109223",
        "phone": PHONE,
        "key": "photo-test-" + str(extra.pop("key", "1")),
        **extra,
    }
    page = c.post("/portal/", data).content.decode()
    return page


def test_portal_photo_shrunk_stripped_and_shown_to_the_requester(db: None) -> None:
    c = Client()
    _report(c, photos=[_jpeg()])
    r = Request.objects.get(idempotency_key="photo-test-1")
    photo = RequestPhoto.objects.get(request=r)
    assert photo.event.action == "submit"
    assert max(photo.width, photo.height) == 1600
    with Image.open(photo.file.open("rb")) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()  # no model, no GPS
    # A retried submission does not add the photo twice.
    _report(c, photos=[_jpeg()])
    assert RequestPhoto.objects.filter(request=r).count() == 1

    track = c.post("/portal/track/", {"number": r.number, "phone": PHONE}).content.decode()
    link = track.split('<img src="')[1].split('"')[0]
    answer = c.get(link)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg"
    assert c.get("/portal/photo/1:forged:token/").status_code == 404


def test_not_an_image_changes_nothing(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    bad = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    page = _report(c, key="bad", photos=[bad])
    assert "不是可识别的图片" in page
    assert not Request.objects.filter(idempotency_key="photo-test-bad").exists()


def test_step_photos_and_staff_reach(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    _report(Client(), key="step")
    r = Request.objects.get(idempotency_key="photo-test-step")
    worker = Client()
    worker.force_login(user_named("wg" + r.grid.code))
    # A bad photo refuses the step: still unhandled.
    bad = SimpleUploadedFile("x.png", b"nope", content_type="image/png")
    worker.post(
        f"/requests/{r.number}/self_handle/",
        {"version": r.version, "result": "已叫保洁员清运", "photos": [bad]},
    )
    r.refresh_from_db()
    assert r.state == "submitted"
    worker.post(
        f"/requests/{r.number}/self_handle/",
        {"version": r.version, "result": "已叫保洁员清运", "photos": [_jpeg(800, 600)]},
    )
    r.refresh_from_db()
    assert r.state == "finished"
    photo = RequestPhoto.objects.get(request=r)
    assert photo.event.action == "self_handle"
    assert (photo.width, photo.height) == (800, 600)
    page = worker.get(f"/requests/{r.number}/").content.decode()
    url = f"/requests/{r.number}/photos/{photo.pk}/"
    assert url in page
    assert worker.get(url).status_code == 200
    # Someone outside the place's reach gets "not found".
    other = Client()
    other.force_login(user_named("longjuzhaijiedao_dispatcher"))
    assert other.get(url).status_code == 404


def test_api_multipart_photos(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user_named("wg" + GRID))
    made = api.post(
        "/api/requests/",
        {
            "channel": "grid_worker",
            "category": "2101",
            "description": "巡查发现路边堆放建筑垃圾",
            "grid": GRID,
            "photos": [_jpeg(640, 480), _jpeg(480, 640)],
        },
        format="multipart",
    )
    assert made.status_code == 201, made.content
    r = Request.objects.get(number=made.json()["number"])
    assert sorted((p.width, p.height) for p in r.photos.all()) == [(480, 640), (640, 480)]

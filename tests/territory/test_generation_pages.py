"""The grids pages: who sees what and may do what; bad input is shown and changes nothing."""

from __future__ import annotations

from django.test import Client

from wangge.territory.models import GenerationState, GridGeneration

VILLAGE = "611022109223"  # 商镇保定村


def _client(user_named, username: str) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_named(username))
    return c


def test_the_page_shows_the_grids_and_the_form_to_those_who_may_draft(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    for username in ("shangzhen_dispatcher", "sj611022109223"):
        r = _client(user_named, username).get(f"/areas/{VILLAGE}/grids/")
        assert r.status_code == 200
        text = r.content.decode()
        assert "保定村第1网格" in text
        assert 'id="compute-form"' in text
        assert 'value="30"' in text  # the fine norm: its grids are already fine
    # County department staff see the grids, not the form; another town sees nothing.
    r = _client(user_named, "danfeng_zhujian").get(f"/areas/{VILLAGE}/grids/")
    assert r.status_code == 200
    assert 'id="compute-form"' not in r.content.decode()
    other = _client(user_named, "longjuzhaijiedao_dispatcher")
    assert other.get(f"/areas/{VILLAGE}/grids/").status_code == 404
    assert other.get(f"/areas/{VILLAGE}/grids/map.geojson").status_code == 404
    # Only villages have a grids page.
    town = _client(user_named, "shangzhen_dispatcher")
    assert town.get("/areas/611022109000/grids/").status_code == 404


def test_bad_sizes_are_shown_and_change_nothing(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    before = GridGeneration.objects.count()
    c = _client(user_named, "shangzhen_dispatcher")
    r = c.post(f"/areas/{VILLAGE}/grids/compute/", {"min": "abc", "max": "40"})
    assert r.status_code == 400
    assert "每格下限和上限须为" in r.content.decode()
    assert 'value="abc"' in r.content.decode()  # what was typed stays in the form
    assert GridGeneration.objects.count() == before


def test_compute_preview_and_who_may_approve(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    secretary = _client(user_named, "sj611022109223")
    r = secretary.post(f"/areas/{VILLAGE}/grids/compute/", {"min": "40", "max": "50"})
    assert r.status_code == 302
    g = GridGeneration.objects.filter(village__code=VILLAGE).latest("pk")
    assert r["Location"] == f"/grids/generations/{g.pk}/"
    page = secretary.get(r["Location"]).content.decode()
    assert "需换网格的住户" in page
    assert 'id="submit-button"' in page
    features = secretary.get(f"/grids/generations/{g.pk}/map.geojson").json()["features"]
    roles = {f["properties"]["role"] for f in features}
    assert {"village", "old", "new", "moved", "kept"} <= roles
    secretary.post(f"/grids/generations/{g.pk}/submit/")
    g.refresh_from_db()
    assert g.state == GenerationState.SUBMITTED
    # The secretary may not approve: no button, and a forged post is refused.
    page = secretary.get(f"/grids/generations/{g.pk}/").content.decode()
    assert 'id="activate-button"' not in page
    r = secretary.post(f"/grids/generations/{g.pk}/activate/", follow=True)
    assert "权限" in r.content.decode()
    g.refresh_from_db()
    assert g.state == GenerationState.SUBMITTED
    # Department staff may look at the grids but not at the households that move.
    dept = _client(user_named, "danfeng_zhujian")
    features = dept.get(f"/grids/generations/{g.pk}/map.geojson").json()["features"]
    assert not {"moved", "kept"} & {f["properties"]["role"] for f in features}
    # The town approves.
    town = _client(user_named, "shangzhen_dispatcher")
    r = town.post(f"/grids/generations/{g.pk}/activate/", follow=True)
    assert "已启用" in r.content.decode()
    g.refresh_from_db()
    assert g.state == GenerationState.ACTIVE
    assert (
        _client(user_named, "longjuzhaijiedao_dispatcher")
        .get(f"/grids/generations/{g.pk}/")
        .status_code
        == 404
    )

"""Possible duplicates at intake, and merging: the copy closes as merged and
its requester follows the main request."""

from __future__ import annotations

import pytest
from django.test import Client

from wangge.core.errors import DomainError
from wangge.dispatch.duplicates import duplicate_candidates, request_merge, similarity
from wangge.dispatch.flow import request_finish, request_sign
from wangge.dispatch.models import Request, State
from wangge.dispatch.services import request_intake


def _make(
    text: str, grid: str = "611022109223001", category: str = "210101", phone: str = ""
) -> Request:
    return request_intake(
        actor=None,
        channel="portal",
        category_code=category,
        description=text,
        grid_code=grid,
        contact_phone=phone,
    )


def test_similarity() -> None:
    assert similarity("村口垃圾没人清运", "村口的垃圾没有人清运") > 0.3
    assert similarity("村口垃圾没人清运", "路灯坏了晚上很黑") < 0.1
    assert similarity("", "路灯") == 0.0


def test_candidates_same_village_category_and_similar_text(db: None) -> None:
    first = _make("保定村一组村口垃圾堆了好几天没人清运", grid="611022109223002")
    same = _make("一组村口的垃圾好几天没有人清运了")
    other_text = _make("一组路灯坏了晚上很黑,老人出门不方便")
    other_category = _make("一组村口垃圾堆了好几天没人清运", category="130101")
    other_village = _make("村口垃圾堆了好几天没人清运", grid="611022001212001")
    found = [r for r, _score in duplicate_candidates(same)]
    assert first in found
    assert other_text not in found
    assert other_category not in found
    assert other_village not in found


def test_merge_and_the_requester_follows_the_main_one(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    main = _make("保定村一组村口垃圾堆了好几天没人清运")
    copy = _make("一组村口的垃圾好几天没有人清运了", phone="13800006666")
    town = user_named("shangzhen_dispatcher")
    with pytest.raises(DomainError) as e:
        request_merge(actor=user_named("wg611022109223001"), request=copy, into=main)
    assert e.value.code == "forbidden"
    with pytest.raises(DomainError, match="未被合并"):
        request_merge(actor=town, request=copy, into=copy)
    merged = request_merge(actor=town, request=copy, into=main)
    assert (merged.state, merged.duplicate_of) == (State.MERGED, main)
    worker = user_named("wg611022109223001")
    main = request_sign(actor=worker, request=main)
    request_finish(actor=worker, request=main, result="已联系保洁公司全部清运")
    page = (
        Client()
        .post("/portal/track/", {"number": copy.number, "phone": "13800006666"})
        .content.decode()
    )
    assert "合并办理" in page
    assert main.number in page
    assert "已联系保洁公司全部清运" in page


def test_page_offers_the_merge(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    main = _make("保定村一组村口垃圾堆了好几天没人清运")
    copy = _make("一组村口的垃圾好几天没有人清运了")
    c = Client()
    c.force_login(user_named("shangzhen_dispatcher"))
    page = c.get(f"/requests/{copy.number}/").content.decode()
    assert 'id="duplicates"' in page
    assert main.number in page
    resp = c.post(
        f"/requests/{copy.number}/merge/",
        {"into": main.number, "version": copy.version},
        follow=True,
    )
    assert "已办理" in resp.content.decode()
    assert Request.objects.get(pk=copy.pk).duplicate_of_id == main.pk


def test_candidates_near_across_a_village_border(db: None) -> None:
    """Pins 150 m apart in two villages are candidates; 2 km apart are not."""
    here = _make("村界处的桥头垃圾堆了好几天没人清运", grid="611022109223002")
    near = _make("桥头垃圾堆了好几天没人清运,臭得很", grid="611022001212001")
    far = _make("桥头的垃圾堆了好几天没人清运了", grid="611022001212001")
    Request.objects.filter(pk=here.pk).update(lon=110.40000, lat=33.70000)
    Request.objects.filter(pk=near.pk).update(lon=110.40100, lat=33.70100)  # ~145 m
    Request.objects.filter(pk=far.pk).update(lon=110.42000, lat=33.70000)  # ~1.85 km
    here.refresh_from_db()
    found = [r for r, _score in duplicate_candidates(here)]
    assert near in found
    assert far not in found

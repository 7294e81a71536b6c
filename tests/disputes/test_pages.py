"""The staff pages: the ledger with its filters, registering a dispute,
the dispute page with its timeline and the forms the viewer may use."""

from __future__ import annotations

from django.test import Client

from tests.disputes.conftest import GRID, SECRETARY, WORKER, household_with_member, register
from wangge.disputes.models import Dispute


def _client(user_named, name: str) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_named(name))
    return c


def test_register_from_a_household_then_mediate_on_the_page(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    household, name = household_with_member(GRID)
    c = _client(user_named, WORKER)
    form = c.get(f"/disputes/new/?household={household.number}")
    assert form.status_code == 200
    html = form.content.decode()
    assert f'value="{household.number}"' in html
    assert "可能引发民转刑案件" in html  # what "high risk" means, beside the choice
    posted = c.post(
        "/disputes/new/",
        {
            "grid": GRID,
            "type": "neighbour",
            "risk": "medium",
            "summary": "两户因鸡鸭进地吵架",
            "found_via": "visit",
            "p0_side": "a",
            "p0_name": name,
            "p0_household": household.number,
            "p1_side": "b",
            "p1_name": "李某",
            "p1_phone": "13700001111",
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:500]
    d = Dispute.objects.get(number=posted.url.strip("/").split("/")[-1])
    page = c.get(posted.url).content.decode()
    assert d.number in page
    assert "137****1111" in page
    assert "13700001111" not in page
    assert 'id="mediate-form"' in page
    assert 'id="escalate-form"' in page
    moved = c.post(
        f"/disputes/{d.number}/mediate/",
        {"version": d.version, "mediators": "网格员", "note": "约双方到场协商", "result": "failed"},
    )
    assert moved.status_code == 302
    page = c.get(moved.url).content.decode()
    assert "约双方到场协商" in page
    assert "未达成一致" in page
    # A stale form is refused with the reason, nothing written.
    stale = c.post(
        f"/disputes/{d.number}/escalate/",
        {"version": d.version, "reason": "旧页面上的上报"},
        follow=True,
    )
    assert "刚被他人处理" in stale.content.decode()
    assert Dispute.objects.get(pk=d.pk).level == "grid"


def test_a_bad_form_comes_back_with_the_message_and_what_was_typed(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = _client(user_named, WORKER)
    before = Dispute.objects.count()
    back = c.post(
        "/disputes/new/",
        {
            "grid": GRID,
            "type": "debt",
            "risk": "low",
            "summary": "借款未还引发争吵",
            "found_via": "report",
            "p0_name": "赵某",
            "p0_phone": "12345",
        },
    )
    assert back.status_code == 200
    html = back.content.decode()
    assert "第 1 名当事人" in html
    assert "借款未还引发争吵" in html
    assert 'value="赵某"' in html
    assert Dispute.objects.count() == before


def test_escalated_the_grid_worker_sees_it_without_forms(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    d = register(user_named(SECRETARY), level="village")
    page = _client(user_named, WORKER).get(f"/disputes/{d.number}/").content.decode()
    assert "该纠纷现由村调委会调处" in page
    assert 'id="mediate-form"' not in page
    assert _client(user_named, "wg611022109223002").get(f"/disputes/{d.number}/").status_code == 404


def test_the_ledger_filters_and_counts(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    worker = user_named(WORKER)
    low = register(worker)
    high = register(worker, risk="high", dispute_type="land", summary="山林界址争议扬言械斗")
    c = _client(user_named, "shangzhen_dispatcher")
    page = c.get("/disputes/", {"area": "611022109223", "risk": "high"}).content.decode()
    assert high.number in page
    assert low.number not in page
    assert "高风险未化解" in page
    page = c.get("/disputes/", {"q": "扬言"}).content.decode()  # not a party's name
    assert high.number not in page
    assert _client(user_named, "danfeng_command").get("/disputes/new/").status_code == 403
    nav = c.get("/").content.decode()
    assert "矛盾纠纷" in nav
    assert "交办任务" in nav

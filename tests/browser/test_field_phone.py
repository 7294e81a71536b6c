"""The grid worker's phone pages in a real Chromium on a 360×740 touch
screen: a visit and a patrol finding recorded online, then the same with
the network switched off (shown waiting, kept over a reload, sent once
back online), an answer lost on the way and the batch sent again, and a
household changed by someone else between the phone loading it and
sending — each record exactly once on the server.

The worker is the A post of a grid of 龙驹寨街道代庄村 (no other test uses
that village); what the browser wrote there is removed afterwards."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from wangge.demo.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser

VILLAGE = "611022001252"  # 龙驹寨街道代庄村
PHONE = {"width": 360, "height": 740}
HERE = {"longitude": 110.3301, "latitude": 33.6952}


@pytest.fixture(scope="module")
def field(live_url: str, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The first grid of the village whose A worker is on duty and has
    households to visit; after the module, the worker's records go."""
    from django.db import connections

    from wangge.accounts.models import User
    from wangge.disputes.models import Dispute
    from wangge.disputes.parties import PartyIn
    from wangge.disputes.services import dispute_register
    from wangge.gridwork.cover import on_duty
    from wangge.gridwork.models import (
        Finding,
        GridPost,
        HouseholdChange,
        Patrol,
        SyncOp,
        Visit,
    )
    from wangge.gridwork.today import today_for
    from wangge.registry.models import Household, Membership, Person
    from wangge.territory.models import Area

    with django_db_blocker.unblock():
        found: dict[str, Any] = {}
        for grid in Area.objects.filter(level="grid", code__startswith=VILLAGE).order_by("code"):
            duty = on_duty(grid)
            if duty.post != "A":
                continue
            worker = User.objects.get(pk=duty.user_id)
            today = today_for(worker)
            listed = [h["household"] for h in today["visits"]["overdue"] + today["visits"]["due"]]
            if len(listed) >= 3:
                found = {"grid": grid.code, "user": worker.username, "households": listed[:3]}
                break
        assert found, "no grid of 代庄村 with an A worker on duty and households to visit"
        worker_id = User.objects.get(username=found["user"]).pk
        kept_visits = dict(
            Household.objects.filter(number__in=found["households"]).values_list(
                "number", "last_visit_on"
            )
        )
        people = Person.objects.filter(
            memberships__household__number__in=found["households"]
        ).values("pk", "occupation", "is_away", "phone_enc", "phone_masked", "phone_index")
        kept_people = {p["pk"]: p for p in people}
        assert GridPost.objects.filter(grid__code=found["grid"], post="A", ended_at__isnull=True)
        colours = list(
            Household.objects.filter(number__in=found["households"]).values(
                "pk", "colour", "colour_reasons", "colour_rules", "colour_public_reasons"
            )
        )
        # A dispute the first household is party to, for its card to show.
        head = Membership.objects.get(
            household__number=found["households"][0], moved_out__isnull=True, relation="户主"
        )
        dispute = dispute_register(
            actor=User.objects.get(username=found["user"]),
            grid_code=found["grid"],
            dispute_type="neighbour",
            risk="medium",
            summary="与邻居因宅基地边界争执",
            found_via="visit",
            parties=[
                PartyIn(name=head.person.name, household_number=found["households"][0], side="a"),
                PartyIn(name="邻居张某", side="b"),
            ],
        )
        connections.close_all()
    yield found
    with django_db_blocker.unblock():
        HouseholdChange.objects.filter(proposed_by_id=worker_id).delete()
        Finding.objects.filter(worker_id=worker_id).delete()
        Patrol.objects.filter(worker_id=worker_id).delete()
        Visit.objects.filter(worker_id=worker_id).delete()
        SyncOp.objects.filter(user_id=worker_id).delete()
        for number, last in kept_visits.items():
            Household.objects.filter(number=number).update(last_visit_on=last)
        Dispute.objects.filter(pk=dispute.pk).delete()
        for c in colours:
            Household.objects.filter(pk=c.pop("pk")).update(**c)
        for pk, fields in kept_people.items():
            Person.objects.filter(pk=pk).update(**{k: v for k, v in fields.items() if k != "pk"})
        connections.close_all()


@pytest.fixture
def on_server(field: dict[str, Any], django_db_blocker: Any) -> Callable[..., Any]:
    """Run ``fn(worker)`` against the server's database."""
    from django.db import connections

    from wangge.accounts.models import User

    def run(fn: Callable[[Any], Any]) -> Any:
        with django_db_blocker.unblock():
            try:
                return fn(User.objects.get(username=field["user"]))
            finally:
                connections.close_all()

    return run


@pytest.fixture
def phone(browser: Browser, live_url: str, field: dict[str, Any]) -> Iterator[Page]:
    """A phone signed in as the worker, on today's page, its service
    worker in control (so the pages and data are kept for offline use)."""
    context: BrowserContext = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        geolocation=HERE,
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(f"{live_url}/login/?next=/field/")
    page.fill("#id_username", field["user"])
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_url}/field/")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    expect(page.locator("#overdue li, #due li").first).to_be_visible()
    yield page
    context.close()


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (180, 200, 160)).save(out, "JPEG")
    return out.getvalue()


def _shot(page: Page, artifacts: Path, name: str, at: str = "") -> None:
    """What the phone's screen shows (not a full-page capture, which draws
    the sticky bars in the middle): the top, or scrolled to ``at``."""
    if at:
        page.locator(at).scroll_into_view_if_needed()
    else:
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / f"{name}.png"))


def _waiting(page: Page, n: int) -> None:
    expect(page.locator("#outbox-count")).to_contain_text(f"待发送 {n} 条")


def _record_visit(page: Page, live_url: str, number: str, notes: str, photo: bool = False) -> None:
    page.goto(f"{live_url}/field/visit/?h={number}")
    expect(page.locator("#visit-form")).to_be_visible()
    page.fill("#notes", notes)
    page.check("#duties input[value=care]")
    if photo:
        page.set_input_files(
            "#photos", files=[{"name": "门口.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
        )
        expect(page.locator("#photos-note")).to_contain_text("1 张照片")


def _visits_noted(worker: Any, notes: str) -> int:
    from wangge.gridwork.models import Visit

    n = Visit.objects.filter(worker=worker, notes=notes).count()
    assert n == 1, n
    return n


def _finding(page: Page, text: str, handled: str = "") -> None:
    if handled:
        page.check("input[name=outcome][value=handled]")
        page.fill("#handled-note", handled)
    else:
        page.fill("#cat-filter", "暴露垃圾")
        expect(page.locator("#category")).not_to_have_value("")
    page.fill("#description", text)
    page.click("#save-finding")
    expect(page.locator("#finding-saved")).to_contain_text("已保存")


def test_visit_and_finding_online_each_reach_the_server_once(
    phone: Page, live_url: str, artifacts: Path, field: dict[str, Any], on_server: Any
) -> None:
    page = phone
    number = field["households"][0]
    expect(page.locator("#grids")).to_contain_text("A岗")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, artifacts, "field-today")

    page.click(f"#overdue li[data-household='{number}'] a, #due li[data-household='{number}'] a")
    expect(page.locator("#card")).to_be_visible()
    expect(page.locator("#members li").first).to_contain_text("身份证")
    expect(page.locator("#members li").first).to_contain_text("*")
    expect(page.locator("#disputes")).to_contain_text("与邻居因宅基地边界争执")
    _shot(page, artifacts, "field-household-disputes", at="#disputes-box")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, artifacts, "field-household")

    page.click("#record-visit")
    _record_visit(page, live_url, number, "老人身体还好,叮嘱注意防寒", photo=True)
    page.click("#locate")
    expect(page.locator("#located")).to_contain_text("已定位")
    page.click("#changes-box summary")
    page.select_option("#ch-field", "phone")
    page.fill("#ch-value", "13912345678")
    page.click("#ch-add")
    expect(page.locator("#ch-list")).to_contain_text("联系电话:13912345678")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, artifacts, "field-visit")
    _shot(page, artifacts, "field-visit-changes", at="#changes-box")
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()
    _waiting(page, 0)
    expect(page.locator("#saved-how")).to_have_text("已发送到服务器")
    expect(page.locator("#outbox-count")).not_to_contain_text("照片")

    page.goto(f"{live_url}/field/patrol/")
    page.click("#start")
    expect(page.locator("#running")).to_be_visible()
    expect(page.locator("#trail")).to_contain_text("轨迹点 1 个")  # where it started
    page.context.set_geolocation({"longitude": 110.3311, "latitude": 33.6958})
    expect(page.locator("#trail")).to_contain_text("轨迹点 2 个")
    page.context.set_geolocation({"longitude": 110.3322, "latitude": 33.6963})
    expect(page.locator("#trail")).to_contain_text("轨迹点 3 个")
    _finding(page, "路边垃圾堆放,气味很大")
    expect(page.locator("#clock")).not_to_be_empty()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, artifacts, "field-patrol")
    _shot(page, artifacts, "field-patrol-finding", at="#save-finding")
    expect(page.locator("#finding-saved")).to_contain_text("已上报,诉求编号")
    page.once("dialog", lambda d: d.accept())
    page.click("#stop")
    expect(page.locator("#idle")).to_be_visible()
    _waiting(page, 0)

    def check(worker: Any) -> None:
        from wangge.gridwork.models import FieldPhoto, Finding, HouseholdChange, Patrol, Visit

        visit = Visit.objects.get(worker=worker, household__number=number)
        assert visit.notes == "老人身体还好,叮嘱注意防寒"
        assert visit.lon is not None
        assert [d.code for d in visit.duties.all()] == ["care"]
        assert FieldPhoto.objects.filter(visit=visit).count() == 1
        change = HouseholdChange.objects.get(proposed_by=worker, household__number=number)
        assert change.status == "pending"
        assert change.visit_id == visit.pk
        patrol = Patrol.objects.get(worker=worker)
        assert patrol.stopped_at is not None
        assert patrol.point_count == 3
        finding = Finding.objects.get(worker=worker)
        assert finding.patrol_id == patrol.pk
        assert finding.request is not None
        assert finding.request.category.name == "暴露垃圾"

    on_server(check)
    page.goto(f"{live_url}/field/outbox/")
    expect(page.locator("#log")).to_contain_text("已上报,诉求编号")


def test_offline_records_wait_then_go_exactly_once(
    phone: Page, live_url: str, artifacts: Path, field: dict[str, Any], on_server: Any
) -> None:
    page = phone
    number = field["households"][1]
    # Opened once online, the card is on the phone.
    page.goto(f"{live_url}/field/household/?h={number}")
    expect(page.locator("#card")).to_be_visible()

    page.context.set_offline(True)
    page.goto(f"{live_url}/field/")
    expect(page.locator("#net")).to_have_text("离线")
    expect(page.locator("#status")).to_contain_text("离线数据")
    page.goto(f"{live_url}/field/household/?h={number}")
    expect(page.locator("#members li").first).to_be_visible()
    page.click("#record-visit")
    _record_visit(page, live_url, number, "离线走访:家中无人,电话联系上了", photo=True)
    page.click("#save")
    expect(page.locator("#saved-how")).to_contain_text("有网后自动发送")
    _waiting(page, 1)

    page.goto(f"{live_url}/field/patrol/")
    page.click("#start")
    expect(page.locator("#trail")).to_contain_text("轨迹点 1 个")
    page.context.set_geolocation({"longitude": 110.3311, "latitude": 33.6958})
    expect(page.locator("#trail")).to_contain_text("轨迹点 2 个")
    _finding(page, "两家因排水沟争吵", handled="现场劝解,双方各让一步")
    page.once("dialog", lambda d: d.accept())
    page.click("#stop")
    # The visit, the patrol's start, points before the finding, the finding, its stop.
    _waiting(page, 5)

    # A reload with no network: the page and the outbox are still there.
    page.reload()
    _waiting(page, 5)
    page.goto(f"{live_url}/field/outbox/")
    expect(page.locator("#waiting li")).to_have_count(5)
    expect(page.locator("#waiting")).to_contain_text("走访")
    expect(page.locator("#waiting")).to_contain_text("照片 1 张")
    expect(page.locator("#outbox-state")).to_contain_text("离线")
    page.click("#outbox summary")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, artifacts, "field-outbox-offline")

    def nothing_yet(worker: Any) -> None:
        from wangge.gridwork.models import Finding, Visit

        assert not Visit.objects.filter(worker=worker, household__number=number).exists()
        assert not Finding.objects.filter(worker=worker, outcome="handled").exists()

    on_server(nothing_yet)

    sent: list[str] = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data or "") if r.url.endswith("/api/field/sync/") else None,
    )
    page.context.set_offline(False)
    _waiting(page, 0)
    expect(page.locator("#log li.ok")).to_have_count(5, timeout=10_000)

    # The same batch sent again (a retry from another tab, a lost answer):
    # every record answers duplicate and nothing is stored twice.
    assert sent
    again = page.evaluate(
        """async (body) => {
            const r = await fetch('/api/field/sync/', {method: 'POST', body,
              headers: {'Content-Type': 'application/json', 'X-CSRFToken': Field.csrf()}});
            return (await r.json()).results.map((x) => x.status);
        }""",
        sent[0],
    )
    assert len(again) == 5
    assert set(again) == {"duplicate"}, again

    def once(worker: Any) -> None:
        from wangge.gridwork.models import FieldPhoto, Finding, Patrol, Visit

        visits = Visit.objects.filter(worker=worker, household__number=number)
        assert visits.count() == 1
        assert FieldPhoto.objects.filter(visit__in=visits).count() == 1
        handled = Finding.objects.filter(worker=worker, outcome="handled")
        assert handled.count() == 1
        assert handled.get().handled_note == "现场劝解,双方各让一步"
        patrol = Patrol.objects.get(pk=handled.get().patrol_id)
        assert patrol.stopped_at is not None
        assert patrol.point_count == 2

    on_server(once)


def test_a_lost_answer_is_sent_again_and_kept_once(
    phone: Page, live_url: str, field: dict[str, Any], on_server: Any
) -> None:
    """The server stores the batch but its answer never reaches the phone:
    the record stays in the outbox, goes again, and the server answers
    "duplicate" — still one copy."""
    page = phone
    number = field["households"][2]
    lost: list[int] = []

    def drop_answer(route: Any) -> None:
        route.fetch()  # the server gets it and stores it...
        lost.append(1)
        route.abort("connectionreset")  # ...but the phone hears nothing

    page.context.route("**/api/field/sync/", drop_answer)
    _record_visit(page, live_url, number, "回答丢失的走访")
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()
    page.wait_for_function("document.getElementById('outbox-state').textContent.includes('稍后')")
    assert lost
    _waiting(page, 1)
    on_server(lambda worker: _visits_noted(worker, "回答丢失的走访") == 1)
    page.context.unroute("**/api/field/sync/")
    page.click("#outbox summary")
    page.click("#outbox-send")
    _waiting(page, 0)

    def once(worker: Any) -> None:
        from wangge.gridwork.models import SyncOp, Visit

        visit = Visit.objects.get(worker=worker, notes="回答丢失的走访")
        assert SyncOp.objects.filter(client_id=visit.client_id).count() == 1

    on_server(once)


def test_a_household_changed_meanwhile_is_flagged_and_shown(
    phone: Page, live_url: str, artifacts: Path, field: dict[str, Any], on_server: Any
) -> None:
    page = phone
    number = field["households"][0]
    _record_visit(page, live_url, number, "复查:家里人说儿子去西安打工了")
    page.click("#changes-box summary")
    page.select_option("#ch-field", "is_away")
    page.select_option("#ch-value", "true")
    page.click("#ch-add")
    page.context.set_offline(True)
    page.click("#save")
    _waiting(page, 2)

    # Meanwhile, at the village office, someone edits a member of the household.
    def edit(worker: Any) -> None:
        from wangge.accounts.models import User
        from wangge.registry.edits import person_update
        from wangge.registry.models import Person

        person = Person.objects.filter(memberships__household__number=number).order_by("pk")[0]
        office = User.objects.get(username="longjuzhaijiedao_dispatcher")
        person_update(actor=office, person=person, occupation="个体经营")

    on_server(edit)
    page.context.set_offline(False)
    _waiting(page, 0)
    notice = page.locator("#notices .notice")
    expect(notice).to_contain_text("该户信息已被他人修改,已提交审核")
    expect(page.locator("#saved-how")).to_have_text("已发送到服务器")
    _shot(page, artifacts, "field-conflict")

    def flagged(worker: Any) -> None:
        from wangge.gridwork.models import HouseholdChange

        change = HouseholdChange.objects.get(
            proposed_by=worker, household__number=number, status="conflict"
        )
        assert json.dumps(change.proposed, ensure_ascii=False).count("外出务工") == 1

    on_server(flagged)
    page.goto(f"{live_url}/field/household/?h={number}")
    expect(page.locator("#changes")).to_contain_text("待核对")
    notice.locator("button").click()
    expect(page.locator("#notices .notice")).to_have_count(0)


def test_a_refused_record_stays_with_the_servers_message(
    phone: Page, live_url: str, artifacts: Path
) -> None:
    """A record the server refuses is not dropped: it stays in the outbox
    with the server's reason until the worker resends or discards it."""
    page = phone
    page.goto(f"{live_url}/field/outbox/")
    # A visit to a household that is not the worker's (as a phone whose
    # grids changed since the list was loaded would send).
    page.evaluate(
        """() => Field.queue({summary: "别人网格的一户", op: {id: Field.uuid(), op: "visit",
            household: "6110221092230010001", at: new Date().toISOString(), notes: "走错了"}})"""
    )
    failed = page.locator("#waiting li.error")
    expect(failed).to_contain_text("发送失败")
    expect(failed).to_contain_text("不存在")
    expect(page.locator("#outbox-count")).to_contain_text("1 条失败")
    expect(page.locator("#log li.error")).to_contain_text("别人网格的一户")
    _shot(page, artifacts, "field-outbox-error", at="#waiting")

    failed.locator("text=重新发送").click()  # refused again, still kept
    expect(page.locator("#waiting li.error")).to_have_count(1)
    page.once("dialog", lambda d: d.accept())
    page.locator("#waiting li.error >> text=放弃").click()
    _waiting(page, 0)
    expect(page.locator("#log li.discarded")).to_contain_text("已放弃")


def test_a_birth_and_a_death_recorded_offline_go_as_one_change_request(
    phone: Page, live_url: str, artifacts: Path, field: dict[str, Any], on_server: Any
) -> None:
    """In one visit with no signal: a newborn added (no ID number yet) and a
    member's death; sent once back online, as one change request with both,
    waiting for review (the registry is not changed by the phone)."""
    import datetime as dt

    page = phone
    number = field["households"][2]
    born = (dt.date.today() - dt.timedelta(days=12)).isoformat()
    died = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    page.goto(f"{live_url}/field/household/?h={number}")  # the card, kept for offline use
    expect(page.locator("#members li").first).to_be_visible()

    page.context.set_offline(True)
    page.goto(f"{live_url}/field/household/?h={number}")
    page.click("#record-visit")
    _record_visit(page, live_url, number, "离线走访:添了个孙子,老人上周去世了")
    page.click("#changes-box summary")
    page.click("#member-open")
    expect(page.locator("#member-form")).to_be_visible()
    expect(page.locator("#m-birth-box")).to_be_hidden()  # a birth: the date is the birth date
    page.fill("#m-name", "张小宝")
    page.fill("#m-date", born)
    page.click("#member-add")
    expect(page.locator("#form-error")).to_have_text("请选择性别")  # nothing added yet
    page.check("input[name=m-gender][value=M]")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, artifacts, "field-member-add", at="#member-form")
    page.click("#member-add")
    expect(page.locator("#ch-list")).to_contain_text(
        f"新增成员:张小宝(子女·男),出生 {born},无身份证号"
    )
    leaver = page.locator("#leave-list li button").last
    person = leaver.get_attribute("data-person")
    leaver.click()
    expect(page.locator("#leave-form")).to_be_visible()
    expect(page.locator("#leave-head-box")).to_be_hidden()  # no one else: no new head
    page.select_option("#leave-reason", "死亡")
    page.fill("#leave-date", died)
    page.click("#leave-add")
    expect(page.locator("#ch-list li")).to_have_count(2)
    expect(page.locator("#ch-list")).to_contain_text(f",死亡 {died}")
    expect(page.locator("#leave-list li.leaving")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, artifacts, "field-member-changes", at="#ch-list")
    page.click("#save")
    expect(page.locator("#saved-how")).to_contain_text("有网后自动发送")
    _waiting(page, 2)  # the visit and its change request

    def nothing_yet(worker: Any) -> None:
        from wangge.gridwork.models import HouseholdChange

        assert not HouseholdChange.objects.filter(
            proposed_by=worker, household__number=number
        ).exists()

    on_server(nothing_yet)
    page.context.set_offline(False)
    _waiting(page, 0)
    expect(page.locator("#saved-how")).to_have_text("已发送到服务器")

    def one_request(worker: Any) -> None:
        from wangge.gridwork.models import HouseholdChange, Visit
        from wangge.registry.models import Membership, Person

        change = HouseholdChange.objects.get(proposed_by=worker, household__number=number)
        assert change.status == "pending"
        visit = Visit.objects.get(worker=worker, notes="离线走访:添了个孙子,老人上周去世了")
        assert change.visit_id == visit.pk
        add, leave = change.proposed
        assert (add["field"], add["name"], add["relation"], add["gender"]) == (
            "member_add", "张小宝", "子女", "M",
        )  # fmt: skip
        assert (add["reason"], add["birth_date"], "id_enc" in add) == ("出生", born, False)
        assert (leave["field"], leave["person"], leave["reason"], leave["date"]) == (
            "member_leave", int(person or 0), "死亡", died,
        )  # fmt: skip
        # Only proposed: the registry is as it was.
        assert Membership.objects.filter(
            person_id=person, household__number=number, moved_out__isnull=True
        ).exists()
        assert not Person.objects.filter(name="张小宝", memberships__household__number=number)

    on_server(one_request)
    page.goto(f"{live_url}/field/household/?h={number}")
    expect(page.locator("#changes")).to_contain_text("新增成员:张小宝")
    expect(page.locator("#changes")).to_contain_text("成员离开:")


def test_the_head_leaving_names_the_new_head_among_the_others(
    phone: Page, live_url: str, artifacts: Path, field: dict[str, Any], django_db_blocker: Any
) -> None:
    """The head's leave form asks for the new head among the members who
    stay (required); a member's leave form does not. Nothing is sent."""
    from django.db import connections

    from wangge.registry.models import Household, Membership

    with django_db_blocker.unblock():
        family = next(
            h.number
            for h in Household.objects.filter(grid__code=field["grid"], is_active=True)
            .exclude(number__in=field["households"])
            .order_by("number")
            if h.memberships.filter(moved_out__isnull=True).count() >= 3
            and h.memberships.filter(moved_out__isnull=True, relation="户主").count() == 1
        )
        head = Membership.objects.get(
            household__number=family, moved_out__isnull=True, relation="户主"
        ).person.name
        connections.close_all()
    page = phone
    page.goto(f"{live_url}/field/household/?h={family}")
    expect(page.locator("#members li").first).to_be_visible()
    page.click("#record-visit")
    expect(page.locator("#visit-form")).to_be_visible()
    page.click("#changes-box summary")
    members = page.locator("#leave-list li")
    others = members.count() - 1
    members.filter(has_text="(户主").locator("button").click()
    expect(page.locator("#leave-head-box")).to_be_visible()
    expect(page.locator("#leave-head option")).to_have_count(others + 1)  # 请选择 and the others
    page.click("#leave-add")
    expect(page.locator("#form-error")).to_have_text("户主离开,请指定新户主")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, artifacts, "field-head-leave", at="#leave-form")
    heir = page.locator("#leave-head option").nth(1)
    heir_name = (heir.text_content() or "").split("(")[0]
    page.select_option("#leave-head", heir.get_attribute("value"))
    page.click("#leave-add")
    expect(page.locator("#ch-list")).to_contain_text(f"成员离开:{head},死亡")
    expect(page.locator("#ch-list")).to_contain_text(f",新户主 {heir_name}")
    # The heir cannot leave too; another member leaves without a new head.
    members.filter(has_text=heir_name).locator("button").click()
    expect(page.locator("#form-error")).to_contain_text("已被指定为新户主")
    members.filter(has_not_text="(户主").filter(has_not_text=heir_name).first.locator(
        "button"
    ).click()
    expect(page.locator("#leave-form")).to_be_visible()
    expect(page.locator("#leave-head-box")).to_be_hidden()

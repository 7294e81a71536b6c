"""响应率, 解决率, 满意率 and the rest: the formulas on hand-made facts, and
on real requests worked through the flow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.dispatch.figures import Facts, compute, figures_for, parse_weights
from wangge.dispatch.flow import (
    request_callback,
    request_check,
    request_finish,
    request_self_handle,
    request_sign,
)
from wangge.dispatch.services import request_intake

BASE = Facts(
    signed=True,
    escalated_before_sign=False,
    sign_overdue=False,
    finished=True,
    finished_on_time=True,
    finished_by="grid",
    ratings=((True, True),),
    returned=False,
    redone=False,
    self_handled=False,
)


def test_formulas() -> None:
    from dataclasses import replace

    rows = [
        BASE,
        replace(BASE, escalated_before_sign=True, finished_by="department", finished_on_time=False),
        # Rated unsatisfied, redone, then rated solved and satisfied: both count.
        replace(BASE, ratings=((False, False), (True, True)), redone=True, returned=True),
        replace(BASE, signed=False, sign_overdue=True, finished=False, finished_by="", ratings=()),
        replace(BASE, signed=False, finished=False, finished_by="", ratings=()),  # not yet due
    ]
    f = compute(rows)
    assert f.count == 5
    assert f.response == pytest.approx(2 / 4)  # responded in time / due
    assert f.resolution == pytest.approx(3 / 4)  # of four ratings given
    assert f.satisfaction == pytest.approx(3 / 4)
    assert f.score == pytest.approx((30 * 0.5 + 35 * 3 / 4 + 35 * 3 / 4) / 100)
    assert f.on_time_finish == pytest.approx(2 / 3)
    assert f.returned == pytest.approx(1 / 5)
    assert f.redone == pytest.approx(1 / 3)
    assert f.finished_at_level == {"grid": pytest.approx(2 / 3), "department": pytest.approx(1 / 3)}
    empty = compute([])
    assert (empty.response, empty.score, empty.finished_at_level) == (None, None, {})
    assert compute(rows, (1, 0, 0)).score == pytest.approx(0.5)
    assert parse_weights("30, 35, 35") == (30, 35, 35)
    with pytest.raises(ValueError, match="weights"):
        parse_weights("1,2")


def test_figures_from_real_requests(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    worker, town = user_named("wg611022109223001"), user_named("shangzhen_dispatcher")

    def make(category: str) -> object:
        return request_intake(
            actor=None,
            channel="portal",
            category_code=category,
            description="村口路灯坏了好几天,晚上很黑",
            grid_code="611022109223001",
        )

    a = request_self_handle(actor=worker, request=make("210101"), result="已当场处理完毕")
    a = request_check(actor=worker, request=a, passed=True, note="")
    request_callback(actor=town, request=a, solved=True, rating=5)
    b = request_sign(actor=town, request=make("130101"))
    b = request_finish(actor=town, request=b, result="已协调运营商处理完毕")
    b = request_check(actor=worker, request=b, passed=True, note="")
    request_callback(actor=town, request=b, solved=False, rating=2)
    today = timezone.localdate()
    figures = figures_for(town, since=today - dt.timedelta(days=1), until=today, by="town")
    total = figures["合计"]
    assert total.count == 2
    assert total.response == 1.0
    assert total.resolution == 0.5
    assert total.satisfaction == 0.5
    assert total.self_handled == 0.5
    assert figures["商镇"].count == 2
    by_village = figures_for(town, since=today, until=today, by="village")
    assert by_village["商镇·保定村"].count == 2
    assert figures_for(town, since=today, until=today, by="county")["丹凤县"].count == 2
    assert set(figures_for(town, since=today, until=today, by="unit")) >= {"合计"}
    assert list(figures_for(town, since=today, until=today, by="month")) == [
        "合计",
        f"{timezone.localtime():%Y-%m}",
    ]


def test_figures_page(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    c = Client()
    c.force_login(user_named("shangzhen_dispatcher"))
    page = c.get("/figures/", {"by": "unit"}).content.decode()
    assert "接诉即办考核指标" in page
    assert "承办单位" in page
    assert c.get("/figures/", {"by": "nonsense", "since": "bad"}).status_code == 200

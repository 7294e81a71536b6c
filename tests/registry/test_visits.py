"""The visit schedule: SQL filters agree with the pure rules, and the page
shows what is overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from wangge.registry import visits
from wangge.registry.models import Household

TOWN = "611000000000/611022000000/611022109000/"


@pytest.mark.parametrize("today", [dt.date(2026, 11, 1), dt.date(2026, 12, 15)])
def test_state_filter_agrees_with_visit_status(db: None, today: dt.date) -> None:
    table = visits.intervals()
    households = list(Household.objects.filter(area_path__startswith=TOWN)[:3000])
    Household.objects.filter(pk=households[0].pk).update(last_visit_on=None)
    households[0].last_visit_on = None
    expected = {s: set() for s in visits.STATES}  # type: ignore[var-annotated]
    for h in households:
        expected[visits.status_of(h, today, table).state].add(h.pk)
    ids = [h.pk for h in households]
    for state in visits.STATES:
        got = set(
            Household.objects.filter(pk__in=ids)
            .filter(visits.state_filter(state, today, table))
            .values_list("pk", flat=True)
        )
        assert got == expected[state], state
    assert households[0].pk in expected["due"]


def test_page_lists_overdue_households(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_named("shangzhen_dispatcher"))
    r = c.get("/areas/611022109000/households/?visit=overdue")
    assert r.status_code == 200
    html = r.content.decode()
    assert "走访逾期" in html
    rows = html.count("visit-overdue")
    assert rows >= 1
    assert "visit-done" not in html


def test_recolour_command_follows_rule_changes(db: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    from wangge.registry.models import ColourRule

    hh = Household.objects.filter(
        area_path__startswith=TOWN + "611022109223/", colour="green"
    ).first()
    assert hh is not None
    # A new rule that makes every household with a member red.
    ColourRule.objects.create(
        code="test_all_red", colour="red", reason="测试规则", when={"member_count_at_least": 1}
    )
    out = StringIO()
    call_command("recolour_households", "--area", "611022109223", stdout=out)
    assert "试运行" in out.getvalue()
    hh.refresh_from_db()
    assert hh.colour == "green"  # dry run
    call_command("recolour_households", "--area", "611022109223", "--commit", stdout=out)
    hh.refresh_from_db()
    assert hh.colour == "red"
    assert "测试规则" in hh.colour_reasons


def test_nightly_task_recolours_everything_and_is_scheduled(db: None) -> None:
    import datetime as dt

    from huey.contrib.djhuey import HUEY

    from wangge.audit.models import AuditRecord
    from wangge.registry.models import ColourRule
    from wangge.registry.tasks import nightly_recolour

    def due(at: dt.datetime) -> set[str]:
        return {t.name for t in HUEY.read_periodic(at)}

    assert "nightly_recolour" in due(dt.datetime(2026, 12, 1, 2, 30))
    assert "nightly_recolour" not in due(dt.datetime(2026, 12, 1, 14, 30))

    hh = Household.objects.filter(area_path__prefix=TOWN, colour="green").first()
    assert hh is not None
    ColourRule.objects.create(
        code="test_all_red", colour="red", reason="测试规则", when={"member_count_at_least": 1}
    )
    nightly_recolour()  # the task runs inline under the tests
    hh.refresh_from_db()
    assert hh.colour == "red"
    assert AuditRecord.objects.filter(action="household.recolour", object_id="all").exists()

"""In a real Chromium: a village secretary opens the field work figures of
their village after a demo year of visits and patrols — per grid, then by
month — and sees the charts drawn and the formulas explained. The year is
seeded for one village (商镇鱼岭村, which no other test uses) and removed
afterwards: the session's database is shared."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_area_map import _login

pytestmark = pytest.mark.browser

VILLAGE = "611022109206"  # 商镇鱼岭村


@pytest.fixture(scope="module")
def field_year(live_url: str, django_db_blocker: Any) -> Iterator[int]:
    from django.db import connections, transaction

    from wangge.gridwork.demo_history import field_history_seed
    from wangge.gridwork.models import Finding, HouseholdChange, Patrol, PatrolPoint, Visit
    from wangge.registry.models import Household
    from wangge.territory.models import Area

    with django_db_blocker.unblock():
        grids = list(Area.objects.filter(level="grid", is_active=True, code__startswith=VILLAGE))
        homes = Household.objects.filter(grid__in=grids)
        kept = dict(homes.values_list("pk", "last_visit_on"))
        with transaction.atomic():
            field_history_seed(grids, once=False)
        connections.close_all()
    yield len(grids)
    with django_db_blocker.unblock(), transaction.atomic():
        HouseholdChange.objects.filter(household__in=homes).delete()
        Finding.objects.filter(grid__in=grids).delete()
        PatrolPoint.objects.filter(patrol__grid__in=grids).delete()
        Patrol.objects.filter(grid__in=grids).delete()
        Visit.objects.filter(grid__in=grids).delete()
        for pk, day in kept.items():
            Household.objects.filter(pk=pk).update(last_visit_on=day)
    with django_db_blocker.unblock():
        connections.close_all()


def test_secretary_reads_the_village_figures(
    page: Page, live_url: str, artifacts: Path, field_year: int
) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})
    _login(page, live_url, f"sj{VILLAGE}")
    page.click("nav.mainnav >> text=履职指标")
    expect(page.locator("h1")).to_contain_text("网格员履职指标 · 鱼岭村")
    expect(page.locator("#figures tbody tr")).to_have_count(field_year)
    expect(page.locator("#chart-field")).to_have_attribute("data-rendered", "1")
    expect(page.locator("#chart-outcome")).to_have_attribute("data-rendered", "1")
    totals = page.locator("#totals")
    expect(totals).to_contain_text("按时率")
    expect(totals).to_contain_text("达标网格")
    expect(page.locator("#formulas")).to_contain_text("应走访日期 = 上次走访日期")
    page.screenshot(path=str(artifacts / "field-figures-grids.png"), full_page=True)

    page.select_option("#by", "month")
    page.click("#period button")
    expect(page.locator("#figures thead")).to_contain_text("月份")
    from django.utils import timezone

    today = timezone.localdate()
    first = today - dt.timedelta(days=364)  # the default period: a year to today
    months = (today.year - first.year) * 12 + today.month - first.month + 1
    expect(page.locator("#figures tbody tr")).to_have_count(months, timeout=10_000)
    expect(page.locator("#chart-field")).to_have_attribute("data-rendered", "1")
    page.screenshot(path=str(artifacts / "field-figures-months.png"), full_page=True)

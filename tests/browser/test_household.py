"""In a real Chromium on a phone-sized screen: a grid worker opens their
grid, its households by colour, a red household, its reasons and its
masked members."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_area_map import _login

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def red_grid(live_url: str, django_db_blocker: Any) -> dict[str, str]:
    """A 商镇 grid with a red household, and its grid worker (looked up here,
    outside the browser's event loop)."""
    from django.db import connections

    from wangge.registry.models import Household

    with django_db_blocker.unblock():
        hh = (
            Household.objects.filter(colour="red", area_path__contains="/611022109000/")
            .select_related("grid")
            .order_by("number")
            .first()
        )
        assert hh is not None, "the sample population has no red household in 商镇"
        found = {
            "grid": hh.grid.code,
            "grid_name": hh.grid.name,
            "number": hh.number,
            "reason": hh.colour_public_reasons[0],
        }
        connections.close_all()
    return found


def test_grid_worker_opens_a_red_household(
    page: Page, live_url: str, artifacts: Path, red_grid: dict[str, str]
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_url, f"wg{red_grid['grid']}")
    page.click("text=区域与网格")
    expect(page.locator("h1")).to_contain_text(red_grid["grid_name"])
    page.click("#households-link")
    expect(page.locator("#colour-counts")).to_contain_text("红色")
    expect(page.locator("#hhmap")).to_have_attribute(
        "data-loaded", re.compile(r"^[1-9]\d*$"), timeout=10_000
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "grid-households.png"))
    page.click("#colour-counts .c-red a")
    page.click(f"text={red_grid['number']}")
    expect(page.locator("h1")).to_contain_text("红色·连心户")
    expect(page.locator("#reasons")).to_contain_text(red_grid["reason"])
    members = page.locator("#members").inner_text()
    assert re.search(r"\d{4}\*{10}[\dX]{4}", members), members  # masked ID numbers
    assert not re.search(r"\d{17}[\dX]", members)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    page.screenshot(path=str(artifacts / "red-household.png"), full_page=True)


@pytest.fixture(scope="session")
def lead_household(live_url: str, django_db_blocker: Any) -> dict[str, Any]:
    """A demo 党员中心户 in 保定村 and the households it looks after."""
    from django.db import connections

    from wangge.registry.models import LeadHousehold

    with django_db_blocker.unblock():
        lead = (
            LeadHousehold.objects.filter(household__area_path__contains="/611022109223/")
            .select_related("household", "party_member")
            .order_by("household__number")
            .first()
        )
        assert lead is not None, "the demo has no 党员中心户 in 保定村"
        found = {
            "number": lead.household.number,
            "member": lead.party_member.name,
            "looks_after": list(lead.looks_after.values_list("number", flat=True)),
        }
        connections.close_all()
    return found


def test_secretary_sees_a_lead_household_and_its_neighbours(
    page: Page, live_url: str, artifacts: Path, lead_household: dict[str, Any]
) -> None:
    _login(page, live_url, "sj611022109223")
    page.goto(f"{live_url}/households/{lead_household['number']}/")
    section = page.locator("#lead")
    expect(section).to_contain_text("本户为党员中心户")
    expect(section).to_contain_text(lead_household["member"])
    for number in lead_household["looks_after"]:
        expect(section).to_contain_text(number)
    page.click("#lead-form summary")
    expect(page.locator("#lead_households")).to_have_value(
        re.compile(re.escape(lead_household["looks_after"][0]))
    )
    page.screenshot(path=str(artifacts / "lead-household.png"), full_page=True)
    page.click(f"#lead a:has-text('{lead_household['looks_after'][0]}')")
    expect(page.locator("#lead")).to_contain_text(f"由党员中心户 {lead_household['number']}")

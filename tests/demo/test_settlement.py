"""The demo's grids are real partitions of the demo's households: every village's grids come
from its households (one active generation each), grids hold their households, sizes are within
the demo's settings, and the same village always gives the same households."""

from __future__ import annotations

import numpy as np
import pytest
from django.conf import settings
from shapely.geometry import Point, shape

from wangge.demo.settlement import DEMO_TARGETS, demo_class, household_count, village_households
from wangge.registry.models import Household
from wangge.territory.models import Area, GenerationOrigin, GenerationState, GridGeneration
from wangge.territory.shangluo import attach_boundaries, build_tree, villages

DANFENG = "611000000000/611022000000/"


def test_every_village_has_its_demo_generation(db: None) -> None:
    villages_ = Area.objects.filter(level="village", path__startswith=DANFENG)
    demo = GridGeneration.objects.filter(origin=GenerationOrigin.DEMO, village__in=villages_)
    assert demo.count() == villages_.count() == 155
    active = demo.filter(state=GenerationState.ACTIVE)
    for g in active.select_related("village"):
        targets = DEMO_TARGETS[demo_class(g.village.ur_code)]
        assert (g.minimum, g.maximum) == (targets.minimum, targets.maximum)
        sizes = [x["households"] for x in g.grids]
        assert all(targets.minimum <= s <= targets.maximum for s in sizes), g.village.code
        grids = Area.objects.filter(generation=g, is_active=True)
        assert grids.count() == len(sizes)


def test_the_demo_county_has_shangluo_like_grids(db: None) -> None:
    grids = Area.objects.filter(level="grid", path__startswith=DANFENG, generation__origin="demo")
    assert 2_200 <= grids.count() <= 2_600
    # The logins and grids the other tests and the README use are there.
    for code in ("611022109223001", "611022109223002", "611022001212001", "611022001004001"):
        assert Area.objects.filter(code=code, is_active=True).exists(), code


def test_households_live_in_their_grid(db: None) -> None:
    households = Household.objects.filter(
        area_path__startswith=DANFENG + "611022109000/611022109223/"
    ).select_related("grid")
    assert households.count() > 300
    outlines: dict[str, object] = {}
    for hh in households:
        outline = outlines.setdefault(hh.grid.code, shape(hh.grid.geometry))
        # Households sharing a building are spread a few metres apart by the partitioner.
        assert outline.distance(Point(hh.lon, hh.lat)) < 5e-5  # type: ignore[attr-defined]
    generation = GridGeneration.objects.get(village__code="611022109223", origin="demo")
    assert generation.assignment == {str(hh.pk): hh.grid.code for hh in households}


@pytest.mark.parametrize("code", ["611022109223", "611022001004", "611002001001"])
def test_the_same_village_gives_the_same_households(code: str) -> None:
    root = build_tree(settings.WANGGE_DATA_DIR)
    attach_boundaries(root, settings.WANGGE_DATA_DIR)
    village = next(v for v in villages(root) if v.code == code)
    first, again = village_households(village), village_households(village)
    assert first.ids == again.ids
    assert len(first) == household_count(village)
    assert np.array_equal(first.lon, again.lon)
    assert np.array_equal(first.lat, again.lat)
    outline = village.geometry
    assert outline is not None
    assert all(outline.contains(Point(x, y)) for x, y in zip(first.lon, first.lat, strict=True))

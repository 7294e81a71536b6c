"""The real Shangluo divisions and the synthetic boundaries built from them
(no database: the records the loader produces)."""

from __future__ import annotations

import itertools
from collections import Counter
from functools import cache

import pytest
import shapely
from django.conf import settings
from shapely.geometry.base import BaseGeometry

from wangge.territory.shangluo import (
    AreaRecord,
    attach_boundaries,
    build_tree,
    make_grids,
    short_name,
    villages,
    walk,
)

# 1 square degree at Shangluo's latitude (~33.7° N) is about 1.03e10 m².
M2_PER_DEG2 = 111_320.0 * 111_320.0 * 0.832


@cache
def tree() -> AreaRecord:
    root = build_tree(settings.WANGGE_DATA_DIR)
    attach_boundaries(root, settings.WANGGE_DATA_DIR)
    return root


def test_counts_match_the_official_divisions() -> None:
    levels = Counter(rec.level for rec in walk(tree()))
    assert levels == {"city": 1, "county": 7, "town": 110, "village": 1293}


def test_shangzhen_has_its_named_villages() -> None:
    danfeng = next(c for c in tree().children if c.name == "丹凤县")
    shangzhen = next(t for t in danfeng.children if t.name == "商镇")
    names = {v.name for v in shangzhen.children}
    for expected in ("保定村", "商山村", "王塬村", "东峰村", "铁庙村"):
        assert expected in names


@pytest.mark.parametrize(
    ("official", "short"),
    [
        ("保定村委会", "保定村"),
        ("东店子社区居委会", "东店子社区"),
        ("龙驹寨街道办事处", "龙驹寨街道"),
        ("商镇", "商镇"),
    ],
)
def test_short_names(official: str, short: str) -> None:
    assert short_name(official) == short


def test_forms_follow_the_code_and_name() -> None:
    by_code = {rec.code: rec for rec in walk(tree())}
    assert by_code["611022001000"].form == "street"  # 龙驹寨街道
    assert by_code["611022109000"].form == "town"  # 商镇
    assert by_code["611022109001"].form == "community"  # 商镇社区


def test_county_boundaries_are_converted_to_wgs84() -> None:
    # GCJ-02 is offset from WGS-84 by a few hundred metres around here; the
    # converted fence must have moved west/south by roughly that much.
    import json

    from shapely.geometry import shape

    path = settings.WANGGE_DATA_DIR / "shangluo" / "fences" / "611022.json"
    raw = shape(json.loads(path.read_text(encoding="utf-8")))
    danfeng = next(c for c in tree().children if c.county_code == "611022")
    assert danfeng.geometry is not None
    dx = raw.centroid.x - danfeng.geometry.centroid.x
    dy = raw.centroid.y - danfeng.geometry.centroid.y
    assert 0.001 < abs(dx) + abs(dy) < 0.02
    assert danfeng.geometry_source == "official"


def _assert_partition(parent: BaseGeometry, cells: list[BaseGeometry], what: str) -> None:
    """Children lie inside the parent, cover it, and do not overlap (to 1 m²)."""
    tol = 1.0 / M2_PER_DEG2
    union = shapely.union_all(cells)
    assert union.symmetric_difference(parent).area < tol * max(1, len(cells)), f"{what}: gap"
    assert abs(sum(c.area for c in cells) - parent.area) < tol * max(1, len(cells)), (
        f"{what}: overlap"
    )
    for c in cells:
        assert c.difference(parent).area < tol, f"{what}: a child sticks out of its parent"


def test_counties_tile_the_city() -> None:
    root = tree()
    assert root.geometry is not None
    _assert_partition(root.geometry, [c.geometry for c in root.children], "city")  # type: ignore[misc]


def test_towns_tile_each_county_and_villages_tile_each_town() -> None:
    for county in tree().children:
        assert county.geometry is not None
        _assert_partition(county.geometry, [t.geometry for t in county.children], county.name)  # type: ignore[misc]
        for town in county.children:
            assert town.geometry is not None
            assert town.geometry_source == "synthetic"
            _assert_partition(town.geometry, [v.geometry for v in town.children], town.name)  # type: ignore[misc]


def test_no_two_villages_overlap_across_towns() -> None:
    danfeng = next(c for c in tree().children if c.county_code == "611022")
    vs = [v for t in danfeng.children for v in t.children]
    tree_index = shapely.STRtree([v.geometry for v in vs])
    tol = 1.0 / M2_PER_DEG2
    for i, j in tree_index.query([v.geometry for v in vs], predicate="intersects").T:
        if i < j:
            assert vs[i].geometry.intersection(vs[j].geometry).area < tol  # type: ignore[union-attr]


def test_grids_tile_their_village_and_are_numbered_in_reading_order() -> None:
    for village in itertools.islice(villages(tree(), ["611022"]), 0, None, 7):
        grids = make_grids(village)
        assert village.geometry is not None
        _assert_partition(village.geometry, [g.geometry for g in grids], village.name)  # type: ignore[misc]
        assert [g.code for g in grids] == [
            f"{village.code}{i:03d}" for i in range(1, len(grids) + 1)
        ]
        assert all(len(g.code) == 15 for g in grids)
        # Reading order: the first grid is in the northernmost band.
        first = grids[0].geometry.representative_point()  # type: ignore[union-attr]
        last = grids[-1].geometry.representative_point()  # type: ignore[union-attr]
        if len(grids) >= 4:
            assert first.y > last.y


def test_synthesis_is_deterministic() -> None:
    a = build_tree(settings.WANGGE_DATA_DIR)
    attach_boundaries(a, settings.WANGGE_DATA_DIR)
    for x, y in zip(walk(a), walk(tree()), strict=True):
        assert x.code == y.code
        assert x.geometry is not None
        assert y.geometry is not None
        assert x.geometry.equals_exact(y.geometry, 0)

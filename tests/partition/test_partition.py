"""Behaviour of partition_village and partition_many on fixed synthetic villages."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from tests.partition import checks
from wangge.partition import (
    NORMS,
    Households,
    Targets,
    Village,
    partition_many,
    partition_village,
)
from wangge.partition.baselines import metis_labels, per_component
from wangge.partition.frame import LocalFrame
from wangge.partition.quality import kept_share, mean_rms
from wangge.partition.synthetic import SyntheticVillage, perturbed, village


def run(v: SyntheticVillage, targets: Targets, **kwargs: object):  # type: ignore[no-untyped-def]
    return partition_village(
        village=v.polygon,
        households=v.households,
        targets=targets,
        code=v.code,
        barriers=v.barriers,
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_village_below_the_minimum_becomes_one_flagged_grid() -> None:
    v = village(80, seed=3, river=False)
    result = run(v, Targets(100, 150))
    assert len(result.grids) == 1
    assert result.grids[0].code == f"{v.code}001"
    assert set(result.assignment.values()) == {f"{v.code}001"}
    (issue,) = result.report.issues
    assert issue.code == "too_small"
    assert issue.households == 80
    assert "80户" in issue.message
    assert "100户" in issue.message
    checks.assert_polygons_tile(result, v.polygon)


def test_a_village_no_number_of_grids_fits_takes_the_nearest_and_says_so() -> None:
    v = village(450, seed=4, river=False)
    result = run(v, Targets(300, 400))
    assert len(result.grids) == 1  # 450 in one grid misses by 12.5 %; 225 in two by 25 %
    assert [i.code for i in result.report.issues] == ["no_k_fits"]


def test_a_town_with_a_river_gets_grids_within_bounds_on_one_bank_each() -> None:
    v = village(3000, seed=5)
    targets = NORMS["fine"]
    result = run(v, targets)
    assert len(v.barriers) == 1
    checks.assert_sizes_within_bounds(result, targets)
    assert result.report.in_bounds_share == 1.0
    checks.assert_contiguous(result)
    checks.assert_polygons_tile(result, v.polygon)
    checks.assert_households_in_their_grid(result, v.polygon)
    lon, lat = v.households.lon, v.households.lat
    checks.assert_barriers_not_straddled(result, v.polygon, v.barriers, lon, lat)
    checks.assert_numbered_in_reading_order(result, v.code)


def test_bounds_on_persons() -> None:
    v = village(1500, seed=6)
    targets = Targets(80, 120, measure="persons")
    result = run(v, targets)
    checks.assert_sizes_within_bounds(result, targets, v.households.persons)
    assert result.report.in_bounds_share == 1.0
    assert all(80 <= g.persons <= 120 for g in result.grids)
    checks.assert_contiguous(result)


def test_a_building_larger_than_a_grid_is_shared_by_several_grids() -> None:
    rng = np.random.default_rng(7)
    frame = LocalFrame(110.0, 33.9)
    xy = np.concatenate([np.zeros((150, 2)), rng.uniform(-300, 300, size=(250, 2))])
    lonlat = frame.to_lonlat(xy)
    households = Households(
        tuple(range(400)), lonlat[:, 0], lonlat[:, 1], np.full(400, 3, dtype=np.int64)
    )
    polygon = shapely.transform(shapely.box(-320, -320, 320, 320), frame.to_lonlat)
    result = partition_village(village=polygon, households=households, targets=Targets(30, 40))
    in_building = result.labels[:150]
    assert len(set(in_building.tolist())) >= 4
    assert result.report.in_bounds_share == 1.0
    checks.assert_contiguous(result)
    checks.assert_polygons_tile(result, polygon)


def test_the_same_village_gives_the_same_grids() -> None:
    v = village(800, seed=8)
    first, second = run(v, NORMS["fine"]), run(v, NORMS["fine"])
    assert first.assignment == second.assignment
    assert [g.polygon.wkb for g in first.grids] == [g.polygon.wkb for g in second.grids]  # type: ignore[union-attr]


def test_a_redraw_after_five_percent_change_keeps_households_in_their_grids() -> None:
    v = village(4000, seed=9, river=False)
    targets = NORMS["fine"]
    before = run(v, targets)
    after_households = perturbed(v, 0.05, seed=10)
    redrawn = partition_village(
        village=v.polygon,
        households=after_households,
        targets=targets,
        code=v.code,
        existing=before.assignment,
    )
    assert redrawn.report.kept_share is not None
    assert redrawn.report.kept_share >= 0.95
    assert redrawn.report.in_bounds_share == 1.0
    checks.assert_contiguous(redrawn)
    checks.assert_polygons_tile(redrawn, v.polygon)
    # Grids that continue an existing grid keep its code.
    continuing = [g for g in redrawn.grids if g.previous is not None]
    assert len(continuing) >= 0.9 * len(before.grids)
    assert all(g.code == g.previous for g in continuing)
    common = [i for i in after_households.ids if i in before.assignment]
    same = sum(before.assignment[i] == redrawn.assignment[i] for i in common) / len(common)
    assert same >= 0.95


def test_wangge_grids_are_rounder_than_metis_grids() -> None:
    pytest.importorskip("pymetis", reason="pymetis (a dev dependency) is not installed")
    v = village(5000, seed=11)
    result = run(v, NORMS["fine"])
    assert result.graph is not None
    pos = LocalFrame.around(v.polygon.bounds).to_local(v.households.lon, v.households.lat)
    g = result.graph
    metis = per_component(g.indptr, g.indices, pos, result.labels, metis_labels)
    assert len(np.unique(metis)) == len(result.grids)
    ours, theirs = mean_rms(pos, result.labels), mean_rms(pos, metis)
    assert ours <= 0.95 * theirs, (ours, theirs)


def test_partition_many_matches_one_by_one() -> None:
    villages = [village(n, seed=20 + n, code=f"61102210{n:04d}") for n in (300, 900, 60)]
    inputs = [Village(v.code, v.polygon, v.households, NORMS["fine"], v.barriers) for v in villages]
    many = partition_many(inputs, workers=2)
    for v, result in zip(villages, many, strict=True):
        alone = run(v, NORMS["fine"])
        assert result.assignment == alone.assignment
        assert result.graph is None


def test_kept_share_pairs_grids_whatever_their_numbers() -> None:
    before = np.array([0, 0, 1, 1, 2, 2])
    assert kept_share(before, np.array([5, 5, 3, 3, 4, 4])) == 1.0
    assert kept_share(before, np.array([1, 1, 1, 1, 2, 2])) == pytest.approx(4 / 6)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="bounds"):
        Targets(0, 10)
    with pytest.raises(ValueError, match="bounds"):
        Targets(50, 40)
    with pytest.raises(ValueError, match="unique"):
        Households.of([(1, 110.0, 33.0, 2), (1, 110.1, 33.0, 2)])
    v = village(50, seed=1, river=False)
    with pytest.raises(ValueError, match="12 digits"):
        partition_village(
            village=v.polygon, households=v.households, targets=NORMS["fine"], code="6110"
        )

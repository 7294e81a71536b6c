"""Issues a reviewer must see, with stable codes and the Chinese text the UI shows.

Codes: ``too_small`` (a group of households lighter than one grid's minimum became one grid),
``no_k_fits`` (no number of grids puts every grid within bounds; the nearest was taken),
``no_contiguous_fit`` (a number of grids would fit the group's weight, but an exhaustive search
showed that its shape -- cut off by a river, a road or the boundary -- allows no cut into
connected grids within bounds),
``out_of_bounds`` and ``not_contiguous`` (a grid the algorithm could not bring within bounds or
keep in one piece -- not expected, reported if it happens), ``outside_village`` (households
whose position is outside the village polygon) and ``empty_face`` (an area cut off by barriers
with nobody in it, joined to a neighbouring grid).
"""

from __future__ import annotations

from wangge.partition.model import Grid, Issue, Targets
from wangge.partition.solve import Solution

__all__ = ["explain"]


def explain(
    solution: Solution, grids: list[Grid], targets: Targets, outside: int, empty_faces: int
) -> list[Issue]:
    unit = "人" if targets.measure == "persons" else "户"
    low, high = f"{targets.minimum:g}", f"{targets.maximum:g}"
    issues: list[Issue] = []
    explained: set[int] = set()

    def amount(households: int, weight: float) -> str:
        return f"{households}户" if unit == "户" else f"{households}户（{weight:g}人）"

    for note in solution.notes:
        first = note.first_label
        code = grids[first].code if 0 <= first < len(grids) else ""
        explained.update(
            i for i in range(len(grids)) if solution.component[i] == solution.component[first]
        )
        if note.reason == "too_small":
            message = (
                f"这片住户共{amount(note.households, note.weight)}，少于网格下限{low}{unit}，"
                "且与其他住户被村界或河流道路隔开，单独划为一个网格，请核查。"
            )
        elif note.reason == "no_contiguous_fit":
            message = (
                f"这片住户共{amount(note.households, note.weight)}，被河流、道路或村界隔成的"
                f"形状无法在保持连片的前提下分成每格{low}–{high}{unit}的网格（已试遍所有分法），"
                f"已分为{note.grids}个网格，请核查。"
            )
        else:
            message = (
                f"这片住户共{amount(note.households, note.weight)}，无法分成每格{low}–{high}"
                f"{unit}的网格，已分为最接近要求的{note.grids}个网格，请核查。"
            )
        issues.append(Issue(note.reason, message, code, note.households))
    for i, grid in enumerate(grids):
        if not grid.in_bounds and i not in explained:
            size = grid.persons if targets.measure == "persons" else grid.households
            side = f"少于下限{low}{unit}" if size < targets.minimum else f"多于上限{high}{unit}"
            # Not proven impossible (that is no_contiguous_fit): the search gave up.
            hint = "，或放宽人数上下限" if targets.measure == "persons" else ""
            issues.append(
                Issue(
                    "out_of_bounds",
                    f"网格{grid.code}有{size}{unit}，{side}；自动调整（逐户移动、与相邻网格"
                    f"一起穷举分法）未找到保持连片的分法，请在地图上人工调整{hint}。",
                    grid.code,
                    grid.households,
                )
            )
        if not grid.contiguous:
            issues.append(
                Issue(
                    "not_contiguous",
                    f"网格{grid.code}不连片，请人工调整。",
                    grid.code,
                    grid.households,
                )
            )
    if outside:
        issues.append(
            Issue(
                "outside_village",
                f"{outside}户的位置在村（社区）界之外，已就近划入网格，请核对坐标。",
                households=outside,
            )
        )
    if empty_faces:
        issues.append(
            Issue(
                "empty_face",
                f"{empty_faces}处被河流或道路隔开、无人居住的区域已并入相邻网格。",
            )
        )
    return issues

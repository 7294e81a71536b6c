"""The shipped taxonomy of matters is a well-formed three-level tree under
the first level, with sensible default units and time-limit profiles."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from wangge.categories.defaults import FIRST_LEVEL
from wangge.categories.taxonomy import SECOND_LEVEL, THIRD_LEVEL, Node

UNIT_KINDS = {"grid", "village_committee", "town_office", "department"}
PROFILES = {"quick", "standard", "complex", "emergency"}
FIRST_CODES = [code for code, _ in FIRST_LEVEL]
ALL = SECOND_LEVEL + THIRD_LEVEL


def _leaf(name: str) -> Node:
    found = [n for n in THIRD_LEVEL if n.name == name]
    assert len(found) == 1, name
    return found[0]


def test_codes_unique_and_well_formed() -> None:
    codes = [n.code for n in ALL] + FIRST_CODES
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"\d{4}", n.code) for n in SECOND_LEVEL)
    assert all(re.fullmatch(r"\d{6}", n.code) for n in THIRD_LEVEL)
    assert all(not n.code.endswith("00") for n in ALL)


def test_parents_exist() -> None:
    second = {n.code for n in SECOND_LEVEL}
    assert all(n.code[:2] in FIRST_CODES for n in SECOND_LEVEL)
    assert all(n.code[:4] in second for n in THIRD_LEVEL)


def test_every_first_level_has_second_level_classes() -> None:
    per_first = Counter(n.code[:2] for n in SECOND_LEVEL)
    assert all(per_first[code] >= 2 for code in FIRST_CODES), per_first


def test_every_second_level_has_children() -> None:
    per_second = Counter(n.code[:4] for n in THIRD_LEVEL)
    assert all(per_second[n.code] >= 1 for n in SECOND_LEVEL)


def test_unit_kinds_and_profiles_allowed() -> None:
    assert {n.unit_kind for n in ALL} <= UNIT_KINDS
    assert {n.profile for n in ALL} <= PROFILES


def test_names_short_and_unique_among_siblings() -> None:
    siblings: dict[str, list[str]] = defaultdict(list)
    for n in ALL:
        assert n.name.strip() == n.name
        assert 0 < len(n.name) <= 20, n
        siblings[n.code[:-2]].append(n.name)
    for parent, names in siblings.items():
        assert len(names) == len(set(names)), parent


def test_size() -> None:
    assert 200 <= len(THIRD_LEVEL) <= 500


def test_plain_data() -> None:
    assert all(type(n) is Node for n in ALL)
    assert all(isinstance(v, str) for n in ALL for v in n)


@pytest.mark.parametrize("name", ["燃气管道泄漏", "燃气异味", "路面塌陷", "山体滑坡崩塌", "火灾"])
def test_danger_now_is_emergency(name: str) -> None:
    assert _leaf(name).profile == "emergency"


def test_neighbour_dispute_stays_local() -> None:
    leaf = _leaf("一般邻里矛盾")
    assert leaf.code.startswith("31")
    assert leaf.unit_kind in {"grid", "village_committee"}


@pytest.mark.parametrize("name", ["拖欠工资", "拖欠农民工工资"])
def test_wage_arrears_go_to_a_department(name: str) -> None:
    leaf = _leaf(name)
    assert leaf.unit_kind == "department"
    assert leaf.profile == "complex"


def test_small_street_matters_are_quick() -> None:
    for name in ("违章张贴小广告", "机动车乱停放", "暴露垃圾"):
        assert _leaf(name).profile == "quick", name
    assert _leaf("道路不洁").unit_kind == "grid"


def test_installed_tree_in_the_database(db: None) -> None:
    from wangge.categories.models import Category
    from wangge.categories.services import categories_install

    assert Category.objects.filter(level=3).count() == len(THIRD_LEVEL)
    leaf = Category.objects.select_related("parent__parent", "profile").get(
        code=THIRD_LEVEL[0].code
    )
    assert leaf.parent is not None
    assert leaf.parent.parent is not None
    assert leaf.parent.parent.level == 1
    assert leaf.profile is not None
    assert leaf.profile.code == THIRD_LEVEL[0].profile
    # Administrators' edits survive a second install.
    Category.objects.filter(pk=leaf.pk).update(name="改过的名称")
    again = categories_install()
    assert again.created == 0
    assert Category.objects.get(pk=leaf.pk).name == "改过的名称"

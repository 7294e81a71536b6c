"""``manage.py partition_village``: dry unless --commit; with --commit the generation is made
and activated at once; bad input is a clear error and changes nothing."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import shape

from wangge.registry.models import Household
from wangge.territory.models import Area, GenerationOrigin, GenerationState, GridGeneration

VILLAGE = "611022109223"  # 商镇保定村


def _run(*args: str) -> str:
    out = StringIO()
    call_command("partition_village", *args, stdout=out)
    return out.getvalue()


def _state() -> tuple[int, list[str]]:
    return (
        GridGeneration.objects.count(),
        sorted(
            Area.objects.filter(level="grid", is_active=True, code__startswith=VILLAGE).values_list(
                "code", flat=True
            )
        ),
    )


def test_dry_run_reports_and_writes_nothing(db: None) -> None:
    before = _state()
    text = _run("--village", VILLAGE, "--min", "40", "--max", "50")
    assert "保定村" in text
    assert "规模达标 100%" in text
    assert "需换网格" in text
    assert "试运行" in text
    assert _state() == before


def test_commit_makes_and_activates_a_generation(db: None) -> None:
    text = _run("--village", VILLAGE, "--min", "40", "--max", "50", "--commit")
    assert "已启用方案" in text
    g = GridGeneration.objects.get(village__code=VILLAGE, state=GenerationState.ACTIVE)
    assert g.origin == GenerationOrigin.COMMAND
    assert _state()[1] == sorted(x["code"] for x in g.grids)


def test_barriers_are_respected(db: None, tmp_path: Path) -> None:
    village = Area.objects.get(code=VILLAGE)
    outline = shape(village.geometry)
    x0, y0, x1, y1 = outline.bounds
    middle = (y0 + y1) / 2
    river = {"type": "LineString", "coordinates": [[x0 - 0.01, middle], [x1 + 0.01, middle]]}
    path = tmp_path / "river.geojson"
    path.write_text(json.dumps({"type": "Feature", "geometry": river, "properties": {}}))
    _run("--village", VILLAGE, "--min", "25", "--max", "40", "--barriers", str(path), "--commit")
    g = GridGeneration.objects.get(village__code=VILLAGE, state=GenerationState.ACTIVE)
    assert len(g.barriers) == 1
    sides: dict[str, set[bool]] = {}
    for code, lat in Household.objects.filter(
        is_active=True, area_path__startswith=village.path
    ).values_list("grid__code", "lat"):
        sides.setdefault(code, set()).add(lat > middle)
    assert all(len(s) == 1 for s in sides.values())  # no grid on both banks


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--village", "611022109999", "--min", "30", "--max", "40"], "不存在"),
        (["--village", VILLAGE, "--min", "50", "--max", "40"], "下限"),
        (["--village", VILLAGE, "--min", "30", "--max", "40", "--actor", "nobody"], "用户不存在"),
    ],
)
def test_bad_input_is_a_clear_error(db: None, args: list[str], message: str) -> None:
    before = _state()
    with pytest.raises(CommandError, match=message):
        _run(*args, "--commit")
    assert _state() == before


def test_a_missing_barrier_file_is_a_clear_error(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="阻隔线"):
        _run("--village", VILLAGE, "--min", "30", "--max", "40", "--barriers", str(tmp_path / "x"))

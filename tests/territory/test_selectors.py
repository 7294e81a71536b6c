"""Territory reads through reach."""

from __future__ import annotations

from wangge.territory.models import Area
from wangge.territory.selectors import area_descendant_counts_for, area_get_for


def test_descendant_counts_per_level(user_named) -> None:  # type: ignore[no-untyped-def]
    dispatcher = user_named("shangzhen_dispatcher")
    town = area_get_for(dispatcher, "611022109000")
    counts = area_descendant_counts_for(dispatcher, town)
    assert counts == {
        "village": 12,
        "grid": Area.objects.filter(level="grid", code__startswith="611022109").count(),
    }
    assert counts["grid"] > 12

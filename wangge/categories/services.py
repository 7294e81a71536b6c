"""Installing the shipped category tree."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from wangge.categories.defaults import FIRST_LEVEL
from wangge.categories.models import Category
from wangge.categories.taxonomy import SECOND_LEVEL, THIRD_LEVEL


@dataclass
class Installed:
    created: int = 0
    kept: int = 0


def categories_install() -> Installed:
    """Add the shipped categories (three levels, with their default unit
    kind and time-limit profile) that are not there yet. Categories already
    present are kept as administrators edited them."""
    result = Installed()
    with transaction.atomic():
        by_code = {c.code: c for c in Category.objects.all()}
        rows = [(code, name, 1, "", None) for code, name in FIRST_LEVEL] + [
            (n.code, n.name, level, n.unit_kind, n.profile)
            for level, nodes in ((2, SECOND_LEVEL), (3, THIRD_LEVEL))
            for n in nodes
        ]
        for code, name, level, unit_kind, profile in rows:
            if code in by_code:
                result.kept += 1
                continue
            by_code[code] = Category.objects.create(
                code=code,
                name=name,
                level=level,
                parent=by_code.get(code[:-2]) if level > 1 else None,
                unit_kind=unit_kind,
                profile_id=profile,
            )
            result.created += 1
    return result

"""Glue between the registry's tables and the pure colour engine
(``wangge.registry.colour``): facts from the database, rules from
``ColourRule`` rows (compiled once per process and recompiled when they
change), and what a viewer may read of the reasons."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.utils import timezone

from wangge.registry import colour as engine
from wangge.registry.colour_defaults import DEFAULT_RULES
from wangge.registry.idnumber import age_on
from wangge.registry.models import PARTY_STATUSES, ColourRule, Household
from wangge.registry.tags import SENSITIVE_TAGS


@dataclass
class _Compiled:
    key: tuple[str, ...]
    rules: engine.CompiledRules


_cache: dict[str, _Compiled] = {}

# Counts of open matters that other apps keep about households (disputes,
# later requests), as facts for the rules: a source takes household ids and
# answers {household id: {"open_disputes": n, ...}} for those with any. The
# owning app registers its source when it loads (AppConfig.ready), so the
# registry imports none of them. Keys are HouseholdFacts' count fields.
HouseholdCounts = Callable[[Sequence[int]], Mapping[int, Mapping[str, int]]]
_count_sources: list[HouseholdCounts] = []
_COUNT_FIELDS = ("open_disputes", "open_high_risk_disputes", "open_requests")


def household_counts_source(source: HouseholdCounts) -> HouseholdCounts:
    """Register a source of per-household counts (once; idempotent)."""
    if source not in _count_sources:
        _count_sources.append(source)
    return source


def _counts(ids: Sequence[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for source in _count_sources:
        for hid, counts in source(ids).items():
            mine = out.setdefault(hid, {})
            for key, n in counts.items():
                if key not in _COUNT_FIELDS:
                    raise ValueError(f"unknown household count {key!r}")
                mine[key] = mine.get(key, 0) + n
    return out


def _rule_rows() -> list[dict[str, Any]]:
    active = ColourRule.objects.filter(is_active=True)
    rows: list[dict[str, Any]] = [
        dict(r) for r in active.values("code", "colour", "reason", "when")
    ]
    return rows or [dict(r) for r in DEFAULT_RULES]


def compiled_rules() -> _Compiled:
    """The active rules, compiled; recompiled only when their data changed."""
    rows = _rule_rows()
    key = tuple(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)
    hit = _cache.get("rules")
    if hit is not None and hit.key == key:
        return hit
    parsed = [engine.parse_rule(r) for r in rows]
    compiled = _Compiled(key, engine.compile_rules(parsed, sensitive_tags=SENSITIVE_TAGS))
    _cache["rules"] = compiled
    return compiled


def override_of(household: Household) -> engine.Override | None:
    if not household.colour_override or household.colour_override_until is None:
        return None
    return engine.Override(
        colour=cast(engine.Colour, household.colour_override),
        reason=household.colour_override_reason,
        expires_on=household.colour_override_until,
    )


def reasons_for_viewer(household: Household, *, sensitive_ok: bool) -> list[str]:
    """The colour reasons this viewer may read (computed with the colour:
    a reason that would reveal a sensitive group is a neutral one)."""
    return list(household.colour_reasons if sensitive_ok else household.colour_public_reasons)


def recolour_households(household_ids: list[int], *, today: dt.date | None = None) -> int:
    """Recompute the colour of many households from the database in a few
    queries per thousand (imports, the nightly sweep). Returns how many
    changed colour."""
    from collections import defaultdict

    from wangge.registry.models import Membership, PersonTag

    today = today or timezone.localdate()
    rules = compiled_rules().rules
    changed = 0
    for i in range(0, len(household_ids), 1000):
        ids = household_ids[i : i + 1000]
        households = {h.pk: h for h in Household.objects.filter(pk__in=ids)}
        members = list(
            Membership.objects.filter(household_id__in=ids, moved_out__isnull=True).values_list(
                "household_id",
                "person_id",
                "kind",
                "person__birth_date",
                "person__gender",
                "person__political_status",
                "person__is_away",
            )
        )
        tags: dict[int, set[str]] = defaultdict(set)
        for pid, code in PersonTag.objects.filter(
            person_id__in=[m[1] for m in members]
        ).values_list("person_id", "code"):
            tags[pid].add(code)
        facts: dict[int, list[engine.PersonFacts]] = defaultdict(list)
        for hid, pid, kind, birth, gender, political, away in members:
            age = age_on(birth, today) if birth else None
            facts[hid].append(
                engine.PersonFacts(
                    age=age,
                    gender=gender or None,
                    tags=frozenset(tags[pid]),
                    is_party_member=political in PARTY_STATUSES,
                    residence=kind,
                    is_away=away,
                )
            )
        counts = _counts(ids)
        updates = []
        for hid, h in households.items():
            days = (today - h.last_visit_on).days if h.last_visit_on else None
            n = counts.get(hid, {})
            r = engine.evaluate(
                rules,
                engine.HouseholdFacts(
                    members=facts[hid],
                    household_type=h.household_type,
                    open_disputes=n.get("open_disputes", 0),
                    open_high_risk_disputes=n.get("open_high_risk_disputes", 0),
                    open_requests=n.get("open_requests", 0),
                    days_since_last_visit=days,
                    tags=frozenset(),
                ),
                override=override_of(h),
                today=today,
            )
            if (h.colour, h.colour_reasons, h.colour_rules) == (r.colour, r.reasons, r.rule_codes):
                continue  # most nights, most households: nothing to write
            changed += r.colour != h.colour
            h.colour, h.colour_reasons, h.colour_rules = r.colour, r.reasons, r.rule_codes
            h.colour_public_reasons, h.colour_updated_at = r.public_reasons, timezone.now()
            updates.append(h)
        Household.objects.bulk_update(
            updates,
            [
                "colour",
                "colour_reasons",
                "colour_rules",
                "colour_public_reasons",
                "colour_updated_at",
            ],
        )
    return changed


def households_recolour(*, area_path: str | None = None, chunk: int = 5000) -> tuple[int, int]:
    """Recolour every active household (under ``area_path``): the nightly
    run, since visits fall due and overrides expire with time alone, and
    after the rules change. A transaction per chunk, so the write lock is
    never held long. Audited once. Returns (households, changed colour)."""
    from django.db import transaction

    from wangge.audit.services import audit_record

    qs = Household.objects.filter(is_active=True)
    if area_path:
        qs = qs.filter(area_path__prefix=area_path)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    today = timezone.localdate()
    changed = 0
    for i in range(0, len(ids), chunk):
        with transaction.atomic():
            changed += recolour_households(ids[i : i + chunk], today=today)
    audit_record(
        actor=None,
        action="household.recolour",
        object_type="registry",
        # The area's own code: a grid's whole path (81 characters) is longer than the field.
        object_id=area_path.rstrip("/").rsplit("/", 1)[-1] if area_path else "all",
        area_path=area_path or "",
        changes={"households": len(ids), "changed": changed},
    )
    return len(ids), changed

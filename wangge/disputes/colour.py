"""Disputes as facts for the household colour rules: how many unresolved
disputes each household is a party to, and how many of them are high
risk (the default rules make the first yellow and the second red; see
``wangge.registry.colour_defaults``). Registered with the registry in
``DisputesConfig.ready``; called for every chunk of households the
registry recolours, so one indexed query per call."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from wangge.disputes.models import Party, Risk, unresolved_q


def open_dispute_counts(household_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    seen: dict[int, dict[int, bool]] = defaultdict(dict)
    rows = (
        Party.objects.filter(unresolved_q("dispute__"), household_id__in=list(household_ids))
        .values_list("household_id", "dispute_id", "dispute__risk")
        .distinct()
    )
    for hid, did, risk in rows:
        seen[hid][did] = risk == Risk.HIGH  # two parties of one household: one dispute
    return {
        hid: {
            "open_disputes": len(disputes),
            "open_high_risk_disputes": sum(disputes.values()),
        }
        for hid, disputes in seen.items()
    }

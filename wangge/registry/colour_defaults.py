"""The colour rules and visit intervals wangge ships with, as plain data.

They are seeded into the admin, where administrators edit them; the condition language is
described in ``wangge.registry.colour``. Tag codes are those of ``wangge.registry.tags``.
Within a colour the order is the order reasons are listed in, so the weightier come first.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["DEFAULT_RULES", "DEFAULT_VISIT_INTERVALS", "default_rules"]

# Days between grid-worker visits, by colour.
DEFAULT_VISIT_INTERVALS: dict[str, int] = {"red": 7, "yellow": 30, "green": 90}

# Any of these on two members of one household is more than one family can carry alone.
_VULNERABLE: list[dict[str, Any]] = [
    {"tag": "elderly_alone"},
    {"tag": "disabled"},
    {"tag": "serious_illness"},
]

DEFAULT_RULES: list[dict[str, Any]] = [
    # --- red 连心户 ---
    {
        "code": "extreme_hardship",
        "colour": "red",
        "reason": "有特困供养人员",
        "when": {"any_member": {"tag": "extreme_hardship"}},
    },
    {
        # A dispute that could turn violent or bring a crowd (see wangge.disputes: risk "high").
        "code": "high_risk_dispute",
        "colour": "red",
        "reason": "有高风险矛盾纠纷未化解（{n} 件）",
        "when": {"open_high_risk_disputes_at_least": 1},
    },
    {
        "code": "severe_mental_disorder",
        "colour": "red",
        "reason": "有严重精神障碍患者",
        "when": {"any_member": {"tag": "severe_mental_disorder"}},
    },
    {
        "code": "community_correction",
        "colour": "red",
        "reason": "有社区矫正对象",
        "when": {"any_member": {"tag": "community_correction"}},
    },
    {
        "code": "released_prisoner",
        "colour": "red",
        "reason": "有刑满释放人员",
        "when": {"any_member": {"tag": "released_prisoner"}},
    },
    {
        "code": "several_vulnerable",
        "colour": "red",
        "reason": "有 {n} 名独居老人、残疾人或重病患者",
        "when": {"count_members_at_least": {"n": 2, "where": {"any": _VULNERABLE}}},
    },
    # --- yellow 关心户 ---
    {
        # Any other dispute still being mediated, or not settled in full. A household already
        # red for a high-risk one is not told twice.
        "code": "open_dispute",
        "colour": "yellow",
        "reason": "有未化解的矛盾纠纷（{n} 件）",
        "when": {
            "open_disputes_at_least": 1,
            "not": {"open_high_risk_disputes_at_least": 1},
        },
    },
    {
        "code": "elderly_alone",
        "colour": "yellow",
        "reason": "有独居老人",
        "when": {"any_member": {"tag": "elderly_alone"}},
    },
    {
        "code": "serious_illness",
        "colour": "yellow",
        "reason": "有重病患者",
        "when": {"any_member": {"tag": "serious_illness"}},
    },
    {
        "code": "disabled",
        "colour": "yellow",
        "reason": "有残疾人",
        "when": {"any_member": {"tag": "disabled"}},
    },
    {
        "code": "left_behind_child",
        "colour": "yellow",
        "reason": "有留守儿童",
        "when": {"any_member": {"tag": "left_behind_child"}},
    },
    {
        "code": "low_income",
        "colour": "yellow",
        "reason": "有低保对象",
        "when": {"any_member": {"tag": "low_income"}},
    },
    {
        # An old member who lives with children elsewhere is not the grid worker's to visit.
        "code": "elderly_80",
        "colour": "yellow",
        "reason": "有 80 岁以上老人",
        "when": {"any_member": {"age_at_least": 80, "is_away": False}},
    },
    {
        # Never visited counts too: a household nobody has seen cannot be called 放心.
        "code": "not_visited_180",
        "colour": "yellow",
        "reason": "超过 180 天未走访或无走访记录",
        "when": {"days_since_visit_over": 180},
    },
]


def default_rules() -> list[dict[str, Any]]:
    """A copy of the defaults, safe to edit."""
    return copy.deepcopy(DEFAULT_RULES)

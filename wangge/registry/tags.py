"""Person group tags (重点人群): codes, Chinese labels, and which are
sensitive. Sensitive tags are shown only to roles holding the
``person.view_sensitive`` capability; everyone else does not learn they exist
(the colour reason shown to them is a neutral one)."""

from __future__ import annotations

TAGS: dict[str, str] = {
    "elderly_alone": "独居老人",
    "left_behind_child": "留守儿童",
    "left_behind_elderly": "留守老人",
    "disabled": "残疾人",
    "low_income": "低保对象",
    "extreme_hardship": "特困供养人员",
    "veteran": "退役军人",
    "returnee": "返乡人员",
    "serious_illness": "重病患者",
    "severe_mental_disorder": "严重精神障碍患者",
    "community_correction": "社区矫正对象",
    "released_prisoner": "刑满释放人员",
}

SENSITIVE_TAGS: frozenset[str] = frozenset(
    {"severe_mental_disorder", "community_correction", "released_prisoner"}
)

LABEL_TO_CODE: dict[str, str] = {label: code for code, label in TAGS.items()}


def visible_tags(codes: list[str] | set[str], *, sensitive_ok: bool) -> list[str]:
    """Labels of the tags the viewer may see, in a stable order."""
    return [TAGS[c] for c in TAGS if c in codes and (sensitive_ok or c not in SENSITIVE_TAGS)]

"""Red / yellow / green household rating: the default rules, the rule language, overrides.

Pure Python: no database.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wangge.registry.colour import (
    NO_RISK_REASON,
    PUBLIC_SENSITIVE_REASON,
    SEVERITY,
    HouseholdFacts,
    Override,
    PersonFacts,
    Rule,
    RuleError,
    compile_rules,
    evaluate,
    parse_rule,
    parse_rules,
)
from wangge.registry.colour_defaults import DEFAULT_RULES, default_rules
from wangge.registry.tags import SENSITIVE_TAGS, TAGS

REPO = Path(__file__).resolve().parents[2]
TODAY = date(2026, 3, 1)
RULES = compile_rules(parse_rules(DEFAULT_RULES), sensitive_tags=SENSITIVE_TAGS)


def person(*tags: str, **kw: Any) -> PersonFacts:
    kw.setdefault("age", 40)
    return PersonFacts(tags=frozenset(tags), **kw)


def household(*members: PersonFacts, **kw: Any) -> HouseholdFacts:
    # Visited recently unless a test says otherwise, so the "not visited" rule stays quiet.
    kw.setdefault("days_since_last_visit", 10)
    return HouseholdFacts(members=list(members), **kw)


def rate(facts: HouseholdFacts, **kw: Any) -> Any:
    return evaluate(RULES, facts, today=TODAY, **kw)


def rule(when: dict[str, Any], colour: str = "yellow", reason: str = "原因", **kw: Any) -> Rule:
    return parse_rule({"code": "r", "colour": colour, "reason": reason, "when": when, **kw})


def matches(when: dict[str, Any], facts: HouseholdFacts) -> bool:
    return evaluate(compile_rules([rule(when)]), facts, today=TODAY).rule_codes == ["r"]


# --- the default rules -----------------------------------------------------------------------

# code -> (a household it fires on, households it does not fire on)
CASES: dict[str, tuple[HouseholdFacts, list[HouseholdFacts]]] = {
    "extreme_hardship": (
        household(person("extreme_hardship")),
        [household(person("low_income")), household()],
    ),
    "high_risk_dispute": (
        household(person(), open_disputes=1, open_high_risk_disputes=1),
        [household(person(), open_disputes=2)],
    ),
    "open_dispute": (
        household(person(), open_disputes=1),
        # Red for a high-risk dispute already says it.
        [
            household(person(), open_requests=3),
            household(person(), open_disputes=2, open_high_risk_disputes=1),
        ],
    ),
    "severe_mental_disorder": (
        household(person(), person("severe_mental_disorder")),
        [household(person("veteran"))],
    ),
    "community_correction": (
        household(person("community_correction")),
        [household(person("returnee"))],
    ),
    "released_prisoner": (household(person("released_prisoner")), [household(person())]),
    "several_vulnerable": (
        household(person("elderly_alone"), person("disabled", age=50)),
        # Two tags on one person are still one vulnerable member.
        [household(person("disabled", "serious_illness"), person())],
    ),
    "elderly_alone": (household(person("elderly_alone", age=78)), [household(person(age=78))]),
    "serious_illness": (household(person("serious_illness")), [household(person("disabled"))]),
    "disabled": (household(person("disabled")), [household(person("serious_illness"))]),
    "left_behind_child": (
        household(person("left_behind_child", age=9)),
        [household(person(age=9))],
    ),
    "low_income": (household(person("low_income")), [household(person("extreme_hardship"))]),
    "elderly_80": (
        household(person(age=80)),
        [household(person(age=79)), household(person(age=85, is_away=True))],
    ),
    "not_visited_180": (
        household(person(), days_since_last_visit=181),
        [household(person(), days_since_last_visit=180)],
    ),
}


def test_every_default_rule_parses_with_the_tag_vocabulary_and_has_a_case() -> None:
    rules = parse_rules(DEFAULT_RULES, person_tags=TAGS)
    assert [r.code for r in rules] == [d["code"] for d in DEFAULT_RULES]
    assert set(CASES) == {r.code for r in rules}
    assert all(r.colour in SEVERITY for r in rules)


@pytest.mark.parametrize("code", list(CASES))
def test_default_rule_fires_on_a_matching_household_only(code: str) -> None:
    hit, misses = CASES[code]
    rating = rate(hit)
    assert code in rating.rule_codes
    colour = next(d["colour"] for d in DEFAULT_RULES if d["code"] == code)
    assert SEVERITY[rating.colour] >= SEVERITY[colour]
    for miss in misses:
        assert code not in rate(miss).rule_codes


def test_never_visited_counts_as_not_visited_for_long() -> None:
    rating = rate(household(person(), days_since_last_visit=None))
    assert rating.colour == "yellow"
    assert rating.rule_codes == ["not_visited_180"]


def test_a_household_with_nothing_is_green_with_a_no_risk_reason() -> None:
    rating = rate(household(person(), person(age=8)))
    assert (rating.colour, rating.reasons, rating.rule_codes) == ("green", [NO_RISK_REASON], [])
    assert not rating.overridden
    assert rating.label == "绿色·放心户"


def test_the_most_severe_colour_wins_and_every_reason_is_listed_most_severe_first() -> None:
    facts = household(
        person("low_income"),
        person("elderly_alone", age=82),
        open_disputes=2,
        open_high_risk_disputes=1,
    )
    rating = rate(facts)
    assert rating.colour == "red"
    assert rating.rule_codes == ["high_risk_dispute", "elderly_alone", "low_income", "elderly_80"]
    assert rating.reasons == [
        "有高风险矛盾纠纷未化解（1 件）",
        "有独居老人",
        "有低保对象",
        "有 80 岁以上老人",
    ]


def test_two_vulnerable_members_make_red_with_the_count_in_the_reason() -> None:
    facts = household(person("elderly_alone"), person("disabled"), person("serious_illness"))
    rating = rate(facts)
    assert rating.colour == "red"
    assert rating.reasons[0] == "有 3 名独居老人、残疾人或重病患者"
    assert rating.rule_codes == [
        "several_vulnerable",
        "elderly_alone",
        "serious_illness",
        "disabled",
    ]


def test_colour_follows_the_household_data() -> None:
    facts = household(person(), person(age=12))
    assert rate(facts).colour == "green"
    facts.open_disputes = 1  # a dispute is filed
    assert rate(facts).colour == "yellow"
    facts.open_high_risk_disputes = 1  # and found to be high risk
    assert rate(facts).colour == "red"
    facts.open_disputes = facts.open_high_risk_disputes = 0  # and settled
    assert rate(facts).colour == "green"
    facts.members.append(person("left_behind_child", age=6))
    assert rate(facts).colour == "yellow"
    facts.members.pop()
    facts.days_since_last_visit = 200
    assert rate(facts).colour == "yellow"


def test_a_matching_green_rule_gives_its_reason_instead_of_no_risk() -> None:
    rules = compile_rules(
        [rule({"any_member": {"party_member": True}}, colour="green", reason="党员户")]
    )
    rating = evaluate(rules, household(person(is_party_member=True)), today=TODAY)
    assert (rating.colour, rating.reasons) == ("green", ["党员户"])


def test_compiled_rules_are_most_severe_first_keeping_order_within_a_colour() -> None:
    data = [
        {"code": c, "colour": col, "reason": c, "when": {"member_count_at_least": 0}}
        for c, col in [("g1", "green"), ("y1", "yellow"), ("r1", "red"), ("y2", "yellow")]
    ]
    compiled = compile_rules(parse_rules(data))
    assert [c.rule.code for c in compiled] == ["r1", "y1", "y2", "g1"]
    assert evaluate(compiled, household(), today=TODAY).rule_codes == ["r1", "y1", "y2", "g1"]


# --- manual override -------------------------------------------------------------------------


def test_an_override_wins_until_it_expires_inclusive() -> None:
    facts = household(person("low_income"))
    override = Override("red", "家中突发变故，需密切联系", expires_on=TODAY)
    rating = rate(facts, override=override)
    assert rating.colour == "red"
    assert rating.overridden
    assert rating.rule_colour == "yellow"
    assert rating.reasons == [
        f"人工调整为红色·连心户：家中突发变故，需密切联系（有效期至 {TODAY.isoformat()}）",
        "有低保对象",
    ]
    assert rating.rule_codes == ["low_income"]

    later = evaluate(RULES, facts, override=override, today=TODAY + timedelta(days=1))
    assert (later.colour, later.overridden, later.reasons) == ("yellow", False, ["有低保对象"])


def test_an_override_may_lower_the_colour_and_replaces_the_no_risk_reason() -> None:
    lowered = rate(
        household(open_disputes=1, open_high_risk_disputes=1),
        override=Override("green", "已调解", TODAY),
    )
    assert (lowered.colour, lowered.rule_colour) == ("green", "red")
    raised = rate(household(person()), override=Override("yellow", "新近丧偶", TODAY))
    assert raised.colour == "yellow"
    assert raised.reasons == [f"人工调整为黄色·关心户：新近丧偶（有效期至 {TODAY.isoformat()}）"]


def test_override_data_is_checked() -> None:
    with pytest.raises(ValueError, match="颜色"):
        Override("blue", "原因", TODAY)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="原因"):
        Override("red", "  ", TODAY)


def test_public_reasons_hide_sensitive_groups_and_the_override_text() -> None:
    facts = household(person("community_correction"), person("released_prisoner", "low_income"))
    rating = rate(facts, override=Override("red", "刚刑满释放回村", TODAY))
    assert "有社区矫正对象" in rating.reasons
    assert rating.public_reasons == [
        f"人工调整为红色·连心户（有效期至 {TODAY.isoformat()}）",
        PUBLIC_SENSITIVE_REASON,
        "有低保对象",
    ]
    plain = rate(household(person("low_income")))
    assert plain.public_reasons == plain.reasons == ["有低保对象"]


# --- the rule language -----------------------------------------------------------------------

OLD = person(age=70)
AWAY = person(age=30, is_away=True)
MEMBER = person(age=30, is_party_member=True, residence="floating")
CHILD = person(age=5)


@pytest.mark.parametrize(
    ("when", "facts", "expected"),
    [
        ({"open_requests_at_least": 2}, household(open_requests=2), True),
        ({"open_requests_at_least": 2}, household(open_requests=1), False),
        (
            {"household_tag": "poverty_relapse"},
            household(tags=frozenset({"poverty_relapse"})),
            True,
        ),
        ({"household_tag": "poverty_relapse"}, household(), False),
        ({"household_type": "collective"}, household(household_type="collective"), True),
        ({"household_type": "collective"}, household(), False),
        ({"member_count_at_least": 2}, household(OLD, CHILD), True),
        ({"member_count_at_least": 3}, household(OLD, CHILD), False),
        ({"any_member": {"age_under": 6}}, household(OLD, CHILD), True),
        ({"any_member": {"age_under": 5}}, household(OLD, CHILD), False),
        ({"any_member": {"age_under": 5}}, household(person(age=None)), False),
        ({"any_member": {"age_at_least": 0}}, household(person(age=None)), False),
        ({"any_member": {"party_member": True}}, household(MEMBER), True),
        ({"any_member": {"party_member": False}}, household(MEMBER), False),
        ({"any_member": {"residence": "floating"}}, household(MEMBER), True),
        ({"any_member": {"residence": "resident"}}, household(MEMBER), False),
        ({"any_member": {"is_away": True}}, household(OLD, AWAY), True),
        ({"any_member": {"is_away": True}}, household(OLD), False),
        # Several keys in one object must all hold.
        ({"any_member": {"age_at_least": 60, "is_away": True}}, household(OLD, AWAY), False),
        ({"open_disputes_at_least": 0, "household_type": "family"}, household(), True),
        (
            {"all": [{"member_count_at_least": 1}, {"open_disputes_at_least": 1}]},
            household(OLD),
            False,
        ),
        (
            {"any": [{"member_count_at_least": 1}, {"open_disputes_at_least": 1}]},
            household(OLD),
            True,
        ),
        ({"not": {"any_member": {"age_under": 18}}}, household(OLD), True),
        ({"not": {"any_member": {"age_under": 18}}}, household(OLD, CHILD), False),
        # "Every member is away" (空挂户) said with not/not.
        (
            {"member_count_at_least": 1, "not": {"any_member": {"is_away": False}}},
            household(AWAY),
            True,
        ),
        ({"any_member": {"not": {"tag": "veteran"}}}, household(person("veteran")), False),
        ({"any_member": {"any": [{"tag": "veteran"}, {"age_at_least": 65}]}}, household(OLD), True),
        (
            {"count_members_at_least": {"n": 2, "where": {"all": [{"age_at_least": 18}]}}},
            household(OLD, CHILD),
            False,
        ),
        (
            {"count_members_at_least": {"n": 2, "where": {"age_at_least": 18}}},
            household(OLD, AWAY),
            True,
        ),
        (
            {"any": [{"any_member": {"tag": "veteran"}}, {"any_member": {"tag": "returnee"}}]},
            household(person("returnee")),
            True,
        ),
        (
            {"any": [{"any_member": {"tag": "veteran"}}, {"any_member": {"tag": "returnee"}}]},
            household(OLD),
            False,
        ),
        ({"days_since_visit_over": 30}, household(days_since_last_visit=None), True),
        ({"days_since_visit_over": 30}, household(days_since_last_visit=30), False),
    ],
)
def test_condition_language(when: dict[str, Any], facts: HouseholdFacts, expected: bool) -> None:
    assert matches(when, facts) is expected


def test_n_in_a_reason_is_the_count_of_its_counting_predicate() -> None:
    rules = compile_rules(
        [
            rule({"open_requests_at_least": 1}, reason="有 {n} 件诉求未办结"),
            rule(
                {"all": [{"any_member": {"age_at_least": 60}}, {"household_type": "family"}]},
                reason="{n} 位老人，{{重点}}",
            ),
        ]
    )
    facts = household(OLD, OLD, CHILD, open_requests=4)
    assert evaluate(rules, facts, today=TODAY).reasons == ["有 4 件诉求未办结", "2 位老人，{重点}"]


def test_a_rule_round_trips_through_its_dict() -> None:
    for data in DEFAULT_RULES:
        assert parse_rule(data).to_dict() == data
        assert parse_rule(parse_rule(data).to_dict()) == parse_rule(data)
    # Editing the source afterwards does not reach into a parsed rule.
    data = default_rules()[0]
    parsed = parse_rule(data)
    data["when"]["any_member"]["tag"] = "veteran"
    assert parsed.when == DEFAULT_RULES[0]["when"]


def _data(**changes: Any) -> dict[str, Any]:
    data = {
        "code": "elderly_alone",
        "colour": "yellow",
        "reason": "有独居老人",
        "when": {"any_member": {"tag": "elderly_alone"}},
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        (_data(note="x"), "", "未知的键“note”"),
        (_data(colour="blue"), "colour", "颜色 文本“blue” 无效"),
        (_data(colour=None), "", "缺少“colour”（颜色）"),
        (_data(reason=None), "", "缺少“reason”（原因）"),
        (_data(reason="  "), "reason", "原因应为非空文本"),
        (_data(reason="x" * 101), "reason", "原因不能超过 100 个字符"),
        (_data(code="x" * 41), "code", "代码不能超过 40 个字符"),
        (
            _data(when={"any_member": {"tga": "elderly_alone"}}),
            "when.any_member.tga",
            "未知的键“tga”",
        ),
        (_data(when={"tag": "elderly_alone"}), "when.tag", "是人员条件"),
        (
            _data(when={"any_member": {"open_disputes_at_least": 1}}),
            "when.any_member.open_disputes_at_least",
            "是户的条件",
        ),
        (
            _data(when={"open_disputes_at_least": True}),
            "when.open_disputes_at_least",
            "应为非负整数",
        ),
        (_data(when={"open_disputes_at_least": -1}), "when.open_disputes_at_least", "应为非负整数"),
        (_data(when={"open_disputes_at_least": "1"}), "when.open_disputes_at_least", "文本“1”"),
        (_data(when={"all": []}), "when.all", "应为非空的条件列表"),
        (_data(when={}), "when", "条件不能为空对象"),
        (_data(when=[{"tag": "x"}]), "when", "条件应为 JSON 对象"),
        (
            _data(when={"not": {"any_member": {"is_away": "yes"}}}),
            "when.not.any_member.is_away",
            "应为 true 或 false",
        ),
        (
            _data(when={"any_member": {"residence": "abroad"}}),
            "when.any_member.residence",
            "居住类型",
        ),
        (
            _data(when={"count_members_at_least": {"n": 2}}),
            "when.count_members_at_least",
            '"where"',
        ),
        (
            _data(when={"count_members_at_least": {"n": 0, "where": {"tag": "x"}}}),
            "when.count_members_at_least.n",
            "不小于 1",
        ),
        (_data(reason="有{m}人"), "reason", "占位符“{m}”无效"),
        (_data(reason="有{n人"), "reason", "花括号不成对"),
        (_data(reason="有{n}人", when={"household_type": "family"}), "reason", "实际有 0 个"),
        (
            _data(reason="有{n}人", when={"any": [{"open_disputes_at_least": 1}]}),
            "reason",
            "实际有 0 个",
        ),
        (
            _data(
                reason="有{n}人", when={"open_disputes_at_least": 1, "open_requests_at_least": 1}
            ),
            "reason",
            "实际有 2 个",
        ),
    ],
)
def test_bad_rule_data_is_refused_with_a_chinese_message(
    data: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule(data)
    assert message in str(caught.value)
    assert caught.value.path == path
    if len(data.get("code", "")) <= 40:
        assert "规则“elderly_alone”" in str(caught.value)


def test_rule_that_is_not_an_object_and_duplicate_codes() -> None:
    with pytest.raises(RuleError, match="规则应为 JSON 对象，实际是 列表"):
        parse_rule([])
    with pytest.raises(RuleError, match="代码重复"):
        parse_rules([_data(), _data()])


def test_tags_are_checked_against_a_vocabulary_when_one_is_given() -> None:
    typo = _data(when={"any_member": {"tag": "elderly_alon"}})
    assert parse_rule(typo).code == "elderly_alone"  # no vocabulary: accepted
    with pytest.raises(RuleError, match="未知的标签“elderly_alon”"):
        parse_rule(typo, person_tags=TAGS)
    with pytest.raises(RuleError, match="未知的标签“x”"):
        parse_rule(_data(when={"household_tag": "x"}), household_tags={"y"})


def test_the_engine_does_not_import_django() -> None:
    # A fresh interpreter: this process has Django loaded by pytest-django.
    script = (
        "import json, sys\n"
        "import wangge.registry.colour, wangge.registry.colour_defaults, wangge.registry.schedule\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'django')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []


# --- property: the colour is the most severe of the matching rules ---------------------------

# Small domains, so that conditions and households meet on their edges (an age equal to a
# threshold, a member carrying exactly the tag a rule asks for) often.
P_TAGS = ["elderly_alone", "disabled", "low_income", "veteran"]
H_TAGS = ["poverty_relapse", "rented"]
AGES = [0, 5, 18, 60, 80]


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in parts:
        merged.update(part)
    return merged


def _tree(leaf: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        leaf,
        lambda sub: st.one_of(
            st.builds(lambda xs: {"all": xs}, st.lists(sub, min_size=1, max_size=3)),
            st.builds(lambda xs: {"any": xs}, st.lists(sub, min_size=1, max_size=3)),
            st.builds(lambda x: {"not": x}, sub),
            st.lists(sub, min_size=2, max_size=3).map(_merge),
        ),
        max_leaves=4,
    )


person_cond = _tree(
    st.one_of(
        st.builds(lambda t: {"tag": t}, st.sampled_from(P_TAGS)),
        st.builds(lambda n: {"age_at_least": n}, st.sampled_from(AGES)),
        st.builds(lambda n: {"age_under": n}, st.sampled_from(AGES)),
        st.builds(lambda b: {"party_member": b}, st.booleans()),
        st.builds(lambda r: {"residence": r}, st.sampled_from(["registered", "floating"])),
        st.builds(lambda b: {"is_away": b}, st.booleans()),
    )
)
household_cond = _tree(
    st.one_of(
        st.builds(lambda n: {"open_disputes_at_least": n}, st.integers(0, 2)),
        st.builds(lambda n: {"open_high_risk_disputes_at_least": n}, st.integers(0, 1)),
        st.builds(lambda n: {"open_requests_at_least": n}, st.integers(0, 2)),
        st.builds(lambda n: {"days_since_visit_over": n}, st.sampled_from([0, 30, 180])),
        st.builds(lambda t: {"household_tag": t}, st.sampled_from(H_TAGS)),
        st.builds(lambda n: {"member_count_at_least": n}, st.integers(0, 4)),
        st.builds(lambda t: {"household_type": t}, st.sampled_from(["family", "collective"])),
        st.builds(lambda c: {"any_member": c}, person_cond),
        st.builds(lambda t: {"any_member": {"tag": t}}, st.sampled_from(P_TAGS)),
        st.builds(
            lambda n, c: {"count_members_at_least": {"n": n, "where": c}},
            st.integers(1, 3),
            person_cond,
        ),
    )
)
rule_lists = st.lists(
    st.tuples(st.sampled_from(["red", "yellow", "green"]), household_cond), max_size=6
).map(
    lambda rs: [
        {"code": f"r{i}", "colour": c, "reason": f"原因{i}", "when": w}
        for i, (c, w) in enumerate(rs)
    ]
)


def _bank(size: int) -> list[HouseholdFacts]:
    """Households drawn once from the small domains: cheaper than drawing them per example."""
    rng = random.Random(20260301)
    tags = P_TAGS[:]

    def someone() -> PersonFacts:
        return PersonFacts(
            age=rng.choice([None, *AGES, 17, 59, 79]),
            tags=frozenset(t for t in tags if rng.random() < 0.3),
            is_party_member=rng.random() < 0.3,
            residence=rng.choice(["registered", "resident", "floating"]),
            is_away=rng.random() < 0.3,
        )

    return [
        HouseholdFacts(
            members=[someone() for _ in range(rng.randint(0, 4))],
            household_type=rng.choice(["family", "collective"]),
            open_disputes=rng.randint(0, 2),
            open_high_risk_disputes=rng.randint(0, 1),
            open_requests=rng.randint(0, 2),
            days_since_last_visit=rng.choice([None, 0, 30, 31, 180, 181]),
            tags=frozenset(t for t in H_TAGS if rng.random() < 0.3),
        )
        for _ in range(size)
    ]


BANK = _bank(100)
people = st.builds(
    PersonFacts,
    age=st.one_of(st.none(), st.integers(0, 100)),
    tags=st.frozensets(st.sampled_from(sorted(TAGS))),
    is_party_member=st.booleans(),
    residence=st.sampled_from(["registered", "resident", "floating"]),
    is_away=st.booleans(),
)
households = st.builds(
    HouseholdFacts,
    members=st.lists(people, max_size=5),
    open_disputes=st.integers(0, 2),
    open_high_risk_disputes=st.integers(0, 1),
    days_since_last_visit=st.one_of(st.none(), st.integers(170, 190)),
)


def reference(cond: dict[str, Any], h: HouseholdFacts) -> bool:
    """The condition language read naively, to check the compiled closures against."""
    results = []
    for key, value in cond.items():
        if key == "all":
            results.append(all(reference(c, h) for c in value))
        elif key == "any":
            results.append(any(reference(c, h) for c in value))
        elif key == "not":
            results.append(not reference(value, h))
        elif key == "open_disputes_at_least":
            results.append(h.open_disputes >= value)
        elif key == "open_high_risk_disputes_at_least":
            results.append(h.open_high_risk_disputes >= value)
        elif key == "open_requests_at_least":
            results.append(h.open_requests >= value)
        elif key == "days_since_visit_over":
            d = h.days_since_last_visit
            results.append(d is None or d > value)
        elif key == "household_tag":
            results.append(value in h.tags)
        elif key == "member_count_at_least":
            results.append(len(h.members) >= value)
        elif key == "household_type":
            results.append(h.household_type == value)
        elif key == "any_member":
            results.append(any(reference_person(value, m) for m in h.members))
        elif key == "count_members_at_least":
            count = sum(reference_person(value["where"], m) for m in h.members)
            results.append(count >= value["n"])
        else:
            raise AssertionError(key)
    return all(results)


def reference_person(cond: dict[str, Any], p: PersonFacts) -> bool:
    results = []
    for key, value in cond.items():
        if key == "all":
            results.append(all(reference_person(c, p) for c in value))
        elif key == "any":
            results.append(any(reference_person(c, p) for c in value))
        elif key == "not":
            results.append(not reference_person(value, p))
        elif key == "tag":
            results.append(value in p.tags)
        elif key == "age_at_least":
            results.append(p.age is not None and p.age >= value)
        elif key == "age_under":
            results.append(p.age is not None and p.age < value)
        elif key == "party_member":
            results.append(p.is_party_member is value)
        elif key == "residence":
            results.append(p.residence == value)
        elif key == "is_away":
            results.append(p.is_away is value)
        else:
            raise AssertionError(key)
    return all(results)


def _expected(data: list[dict[str, Any]], facts: HouseholdFacts) -> tuple[str, list[str]]:
    hits = [d for d in data if reference(d["when"], facts)]
    hits.sort(key=lambda d: -SEVERITY[d["colour"]])  # stable, as the engine lists them
    colour = max((d["colour"] for d in hits), key=SEVERITY.__getitem__, default="green")
    return colour, [d["code"] for d in hits]


@settings(max_examples=40, deadline=None)
@given(rule_lists)
def test_colour_is_the_most_severe_of_the_matching_rules(data: list[dict[str, Any]]) -> None:
    compiled = compile_rules(parse_rules(data))
    for h in BANK:  # many households: the tag-set plans are reused between them
        rating = evaluate(compiled, h, today=TODAY)
        assert (rating.colour, rating.rule_codes) == _expected(data, h)
        assert len(rating.reasons) == max(1, len(rating.rule_codes))


@settings(max_examples=50, deadline=None)
@given(households)
def test_default_rules_agree_with_the_reference_reading(facts: HouseholdFacts) -> None:
    rating = rate(facts)  # the module-wide compiled defaults, plans shared across examples
    assert (rating.colour, rating.rule_codes) == _expected(DEFAULT_RULES, facts)

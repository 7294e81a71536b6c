"""Red / yellow / green household rating (红黄绿三色管理): the rule engine.

Each household is rated green 放心户 (no concern), yellow 关心户 (needs care) or red 连心户
(close contact). The colour sets how often the grid worker visits (see ``schedule``). The rules
are data that administrators edit as JSON; the shipped defaults are in ``colour_defaults``.
Pure Python, no Django: the nightly re-rating and the tests use it bare.

Rule format
-----------
A rule is a JSON object with exactly these keys::

    {"code": "elderly_alone", "colour": "yellow", "reason": "有独居老人",
     "when": {"any_member": {"tag": "elderly_alone"}}}

``code``
    unique identifier, at most 40 characters (the admin stores it in a 40-character column).
``colour``
    ``"red"``, ``"yellow"`` or ``"green"``.
``reason``
    the Chinese reason shown when the rule matches, at most 100 characters. It may contain
    ``{n}``, replaced by a count, when the condition holds exactly one *counting* predicate
    (below) that must hold for the rule to match, i.e. not under an ``any`` or a ``not`` (a
    count there need not be what made the rule match). Literal braces are ``{{`` and ``}}``.
``when``
    the condition, a household condition (below).

Conditions
----------
A condition is an object. Several keys in one object must all hold (an implicit ``all``); an
empty object is an error. Any key not listed here is an error.

Household conditions:

====================================  ==========================================================
``all: [cond, ...]``                  every condition holds (non-empty list)
``any: [cond, ...]``                  at least one holds (non-empty list)
``not: cond``                         the condition does not hold
``open_disputes_at_least: n``         at least n unresolved disputes (counting, ``{n}`` = count)
``open_high_risk_disputes_at_least:`` at least n of them rated high risk (counting, ``{n}`` =
``n``                                 count)
``open_requests_at_least: n``         at least n open requests (counting, ``{n}`` = count)
``days_since_visit_over: n``          last visit over n days ago; never visited → holds (not
                                      counting: a household never visited has no day count)
``household_tag: code``               the household carries that tag
``member_count_at_least: n``          at least n members, away or not (counting)
``household_type: str``               the household type is exactly that (e.g. ``"family"``)
``any_member: person_cond``           some member matches (counting, ``{n}`` = matching members)
``count_members_at_least:``           at least n members match ``where`` (counting, ``{n}`` =
``{"n": n, "where": person_cond}``    matching members); n >= 1
====================================  ==========================================================

Person conditions (inside ``any_member`` and ``where``): ``all`` / ``any`` / ``not`` as above,
and ``tag: code``, ``age_at_least: n``, ``age_under: n`` (an unknown age matches neither),
``party_member: true|false``, ``residence: "registered"|"resident"|"floating"``,
``is_away: true|false`` (moved out to work elsewhere). Every member counts, away or not: a rule
that should skip away members says ``"is_away": false``.

Rating
------
A household's colour is the most severe colour (red > yellow > green) of the rules that match;
its reasons are the reasons of every matching rule, most severe first, then in rule order. With
no matching rule it is green with the reason ``无风险因素``. An unexpired manual ``Override``
(``today <= expires_on``) sets the colour whatever the rules say; its reason is listed first and
the rules' reasons are still listed.

Rules that mention a sensitive tag (``compile_rules(..., sensitive_tags=...)``, normally
``wangge.registry.tags.SENSITIVE_TAGS``) have their reason replaced by a neutral one in
``Rating.public_reasons``, the list for viewers not cleared to see sensitive groups.

Validation: ``parse_rule`` / ``parse_rules`` raise ``RuleError`` with a Chinese message naming
the rule, the place (e.g. ``when.any_member.tga``) and the problem. Given the tag vocabulary they
also refuse unknown tag codes, which would otherwise silently never match.

Speed: rules are compiled once into closures (``compile_rules``). Most rules ask about members'
tags; which rules can match, and which surely match, is worked out once per distinct combination
of tags in a household and remembered, so a household without tags costs only the few rules that
are not about tags. A county's ~60,000 households re-rate in about a second.
"""

from __future__ import annotations

import copy
import string
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal, TypeAlias, cast, overload

__all__ = [
    "COLOURS",
    "COLOUR_LABELS",
    "NO_RISK_REASON",
    "PUBLIC_SENSITIVE_REASON",
    "RESIDENCES",
    "SEVERITY",
    "Colour",
    "CompiledRule",
    "CompiledRules",
    "HouseholdFacts",
    "Override",
    "PersonFacts",
    "Rating",
    "Rule",
    "RuleError",
    "compile_rules",
    "evaluate",
    "parse_rule",
    "parse_rules",
]

Colour: TypeAlias = Literal["red", "yellow", "green"]

# Most severe first: the order reasons are listed in and the order of the admin's choices.
COLOURS: Final[tuple[Colour, ...]] = ("red", "yellow", "green")
SEVERITY: Final[Mapping[str, int]] = {"green": 0, "yellow": 1, "red": 2}
_BY_SEVERITY: Final[tuple[Colour, ...]] = ("green", "yellow", "red")
COLOUR_LABELS: Final[Mapping[str, str]] = {
    "red": "红色·连心户",
    "yellow": "黄色·关心户",
    "green": "绿色·放心户",
}
RESIDENCES: Final[tuple[str, ...]] = ("registered", "resident", "floating")
NO_RISK_REASON: Final = "无风险因素"
# Shown instead of a rule's reason to viewers not cleared for sensitive groups (see
# ``wangge.registry.tags.SENSITIVE_TAGS``): they must not learn which group it is.
PUBLIC_SENSITIVE_REASON: Final = "有需重点关注的情况"

# The admin stores rules in columns of these sizes; refusing longer values here gives a clear
# message instead of a database error.
_MAX_CODE = 40
_MAX_REASON = 100

_RULE_KEYS: Final = ("code", "colour", "reason", "when")
_HOUSEHOLD_KEYS: Final = (
    "all",
    "any",
    "not",
    "open_disputes_at_least",
    "open_high_risk_disputes_at_least",
    "open_requests_at_least",
    "days_since_visit_over",
    "household_tag",
    "member_count_at_least",
    "household_type",
    "any_member",
    "count_members_at_least",
)
_PERSON_KEYS: Final = (
    "all",
    "any",
    "not",
    "tag",
    "age_at_least",
    "age_under",
    "party_member",
    "residence",
    "is_away",
)
_COUNTING_KEYS: Final = frozenset(
    {
        "open_disputes_at_least",
        "open_high_risk_disputes_at_least",
        "open_requests_at_least",
        "member_count_at_least",
        "any_member",
        "count_members_at_least",
    }
)


# --------------------------------------------------------------------------------------------
# Facts


# Facts and ratings are made by the hundred thousand each night: plain (not frozen) slotted
# dataclasses, as a frozen one costs four times as much to construct.


@dataclass(slots=True)
class PersonFacts:
    """What the rules may know about one member of the household."""

    age: int | None = None
    gender: str | None = None
    tags: frozenset[str] = frozenset()
    is_party_member: bool = False
    residence: str = "registered"
    is_away: bool = False


@dataclass(slots=True)
class HouseholdFacts:
    """What the rules may know about a household. ``days_since_last_visit`` is None when the
    household was never visited."""

    members: list[PersonFacts]
    household_type: str = "family"
    open_disputes: int = 0
    open_high_risk_disputes: int = 0
    open_requests: int = 0
    days_since_last_visit: int | None = None
    tags: frozenset[str] = frozenset()

    @property
    def member_count(self) -> int:
        """All members listed, away or not."""
        return len(self.members)


# --------------------------------------------------------------------------------------------
# Rules


class RuleError(ValueError):
    """Rule data that cannot be used; the message (Chinese) names the rule, the place and the
    problem, for the administrator who typed it."""

    def __init__(self, message: str, *, code: str | None = None, path: str = "") -> None:
        self.code = code
        self.path = path
        self.problem = message
        where = f"规则“{code}”" if code else "规则"
        if path:
            where += f"的 {path}"
        super().__init__(f"{where}：{message}")


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule. ``when`` is the condition as data (a private deep copy), kept for
    display and for ``to_dict``; ``compile_rules`` turns it into code."""

    code: str
    colour: Colour
    reason: str
    when: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "colour": self.colour,
            "reason": self.reason,
            "when": copy.deepcopy(dict(self.when)),
        }


class _Problem(Exception):
    """Raised deep in the condition compiler; ``parse_rule`` adds the rule's code."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _describe(value: object) -> str:
    # Name the JSON type the administrator wrote, not the Python one.
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"文本“{value}”"
    if isinstance(value, int | float):
        return f"数字 {value}"
    if isinstance(value, list | tuple):
        return "列表"
    if isinstance(value, Mapping):
        return "对象"
    return type(value).__name__


def _colour(value: object, path: str) -> Colour:
    if value not in SEVERITY:
        choices = "、".join(f"{c}（{COLOUR_LABELS[c]}）" for c in COLOURS)
        raise _Problem(path, f"颜色 {_describe(value)} 无效，应为 {choices} 之一")
    return cast(Colour, value)


def _text(value: object, path: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Problem(path, f"{what}应为非空文本，实际是 {_describe(value)}")
    return value.strip()


def _count(value: object, path: str, *, minimum: int = 0) -> int:
    # bool is an int in Python but `true` is never meant as a count in JSON.
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        kind = "非负整数" if minimum == 0 else f"不小于 {minimum} 的整数"
        raise _Problem(path, f"应为{kind}，实际是 {_describe(value)}")
    return value


def _flag(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise _Problem(path, f"应为 true 或 false，实际是 {_describe(value)}")
    return value


def _tag(value: object, path: str, known: Collection[str] | None) -> str:
    tag = _text(value, path, "标签代码")
    if known is not None and tag not in known:
        raise _Problem(path, f"未知的标签“{tag}”，可用的标签：{'、'.join(sorted(known))}")
    return tag


def _condition_items(cond: object, path: str) -> list[tuple[str, object]]:
    if not isinstance(cond, Mapping):
        raise _Problem(path, f"条件应为 JSON 对象，实际是 {_describe(cond)}")
    if not cond:
        raise _Problem(path, "条件不能为空对象")
    return list(cond.items())


def _conditions(value: object, path: str) -> list[object]:
    if not isinstance(value, list | tuple) or not value:
        raise _Problem(path, f"应为非空的条件列表，实际是 {_describe(value)}")
    return list(value)


def _unknown(key: object, path: str, *, person: bool) -> _Problem:
    if person and key in _HOUSEHOLD_KEYS:
        return _Problem(path, f"“{key}”是户的条件，不能用在人员条件中")
    if not person and key in _PERSON_KEYS:
        return _Problem(
            path, f"“{key}”是人员条件，请放在 any_member 或 count_members_at_least 的 where 中"
        )
    keys = "、".join(_PERSON_KEYS if person else _HOUSEHOLD_KEYS)
    kind = "人员条件" if person else "户条件"
    return _Problem(path, f"未知的键“{key}”，{kind}可用的键：{keys}")


# --------------------------------------------------------------------------------------------
# Compiling conditions into closures.
#
# A household predicate takes the facts and the union of all members' tags. The union is
# computed once per evaluation: most households carry no tags at all, and then every
# tag-based member rule is answered by one set test instead of a walk over the members.

_HPred: TypeAlias = Callable[[HouseholdFacts, frozenset[str]], bool]
_PPred: TypeAlias = Callable[[PersonFacts], bool]
_Counter: TypeAlias = Callable[[HouseholdFacts], int]


@dataclass(frozen=True, slots=True)
class _PersonCond:
    pred: _PPred
    # A person matching must carry one of these tags (None: no such guarantee). Lets a member
    # quantifier give up at once when no member carries any of them.
    needs: frozenset[str] | None
    # The predicate is exactly "carries one of these tags" (None: it is something else).
    exactly: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class _Options:
    person_tags: Collection[str] | None
    household_tags: Collection[str] | None


def _all_p(preds: list[_PPred]) -> _PPred:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda p: a(p) and b(p)
    return lambda p: all(f(p) for f in preds)


def _any_p(preds: list[_PPred]) -> _PPred:
    if len(preds) == 1:
        return preds[0]
    return lambda p: any(f(p) for f in preds)


def _not_p(pred: _PPred) -> _PPred:
    return lambda p: not pred(p)


def _carries_any(tags: frozenset[str]) -> _PPred:
    return lambda p: not tags.isdisjoint(p.tags)


def _person_leaf(key: str, value: object, path: str, opts: _Options) -> _PersonCond:
    if key == "tag":
        tag = _tag(value, path, opts.person_tags)
        one = frozenset({tag})
        return _PersonCond(lambda p: tag in p.tags, one, one)
    if key == "age_at_least":
        n = _count(value, path)
        return _PersonCond(lambda p: p.age is not None and p.age >= n, None, None)
    if key == "age_under":
        n = _count(value, path)
        return _PersonCond(lambda p: p.age is not None and p.age < n, None, None)
    if key == "party_member":
        flag = _flag(value, path)
        return _PersonCond(lambda p: p.is_party_member is flag, None, None)
    if key == "is_away":
        flag = _flag(value, path)
        return _PersonCond(lambda p: p.is_away is flag, None, None)
    if key == "residence":
        if value not in RESIDENCES:
            choices = "、".join(RESIDENCES)
            raise _Problem(path, f"居住类型 {_describe(value)} 无效，应为 {choices} 之一")
        kind = value
        return _PersonCond(lambda p: p.residence == kind, None, None)
    raise _unknown(key, path, person=True)


def _person_all(parts: list[_PersonCond]) -> _PersonCond:
    if len(parts) == 1:
        return parts[0]
    guards = [p.needs for p in parts if p.needs is not None]
    needs = min(guards, key=len) if guards else None
    return _PersonCond(_all_p([p.pred for p in parts]), needs, None)


def _compile_person(cond: object, path: str, opts: _Options) -> _PersonCond:
    parts: list[_PersonCond] = []
    for key, value in _condition_items(cond, path):
        sub = f"{path}.{key}"
        if key == "all":
            items = _conditions(value, sub)
            parts.append(
                _person_all([_compile_person(c, f"{sub}[{i}]", opts) for i, c in enumerate(items)])
            )
        elif key == "any":
            items = _conditions(value, sub)
            alts = [_compile_person(c, f"{sub}[{i}]", opts) for i, c in enumerate(items)]
            exact = [a.exactly for a in alts]
            needs = [a.needs for a in alts]
            if all(e is not None for e in exact):
                tags = frozenset().union(*cast(list[frozenset[str]], exact))
                # "carries any of these tags" is one set test, however many alternatives.
                parts.append(_PersonCond(_carries_any(tags), tags, tags))
            else:
                union = (
                    frozenset().union(*cast(list[frozenset[str]], needs))
                    if all(n is not None for n in needs)
                    else None
                )
                parts.append(_PersonCond(_any_p([a.pred for a in alts]), union, None))
        elif key == "not":
            parts.append(_PersonCond(_not_p(_compile_person(value, sub, opts).pred), None, None))
        else:
            parts.append(_person_leaf(key, value, sub, opts))
    return _person_all(parts)


def _at_least(n: int, cond: _PersonCond) -> _HPred:
    pred, needs = cond.pred, cond.needs

    def any_member(h: HouseholdFacts, tags: frozenset[str]) -> bool:
        if needs is not None and needs.isdisjoint(tags):
            return False
        for m in h.members:  # noqa: SIM110 - a plain loop beats any() on a generator here
            if pred(m):
                return True
        return False

    def count_at_least(h: HouseholdFacts, tags: frozenset[str]) -> bool:
        if needs is not None and needs.isdisjoint(tags):
            return False
        seen = 0
        for m in h.members:
            if pred(m):
                seen += 1
                if seen >= n:
                    return True
        return False

    return any_member if n == 1 else count_at_least


def _counter_of(cond: _PersonCond) -> _Counter:
    pred = cond.pred
    return lambda h: sum(1 for m in h.members if pred(m))


@dataclass(frozen=True, slots=True)
class _HouseholdCond:
    pred: _HPred
    # Counters of the counting predicates among the conjuncts: what ``{n}`` may refer to.
    counters: list[_Counter]
    # As in _PersonCond, but of the union of all members' tags.
    needs: frozenset[str] | None
    exactly: frozenset[str] | None


def _household_leaf(key: str, value: object, path: str, opts: _Options) -> _HouseholdCond:
    if key == "open_disputes_at_least":
        n = _count(value, path)
        return _HouseholdCond(
            lambda h, _t: h.open_disputes >= n, [lambda h: h.open_disputes], None, None
        )
    if key == "open_high_risk_disputes_at_least":
        n = _count(value, path)
        return _HouseholdCond(
            lambda h, _t: h.open_high_risk_disputes >= n,
            [lambda h: h.open_high_risk_disputes],
            None,
            None,
        )
    if key == "open_requests_at_least":
        n = _count(value, path)
        return _HouseholdCond(
            lambda h, _t: h.open_requests >= n, [lambda h: h.open_requests], None, None
        )
    if key == "member_count_at_least":
        n = _count(value, path)
        return _HouseholdCond(
            lambda h, _t: len(h.members) >= n, [lambda h: len(h.members)], None, None
        )
    if key == "days_since_visit_over":
        n = _count(value, path)
        return _HouseholdCond(
            lambda h, _t: h.days_since_last_visit is None or h.days_since_last_visit > n,
            [],
            None,
            None,
        )
    if key == "household_tag":
        tag = _tag(value, path, opts.household_tags)
        return _HouseholdCond(lambda h, _t: tag in h.tags, [], None, None)
    if key == "household_type":
        kind = _text(value, path, "户类型")
        return _HouseholdCond(lambda h, _t: h.household_type == kind, [], None, None)
    if key == "any_member":
        cond = _compile_person(value, path, opts)
        if cond.exactly is not None:
            exactly = cond.exactly
            return _HouseholdCond(
                lambda _h, t: not exactly.isdisjoint(t), [_counter_of(cond)], exactly, exactly
            )
        return _HouseholdCond(_at_least(1, cond), [_counter_of(cond)], cond.needs, None)
    if key == "count_members_at_least":
        if not isinstance(value, Mapping) or set(value) != {"n", "where"}:
            raise _Problem(
                path, f'应为 {{"n": 人数, "where": 人员条件}}，实际是 {_describe(value)}'
            )
        n = _count(value["n"], f"{path}.n", minimum=1)
        cond = _compile_person(value["where"], f"{path}.where", opts)
        return _HouseholdCond(_at_least(n, cond), [_counter_of(cond)], cond.needs, None)
    raise _unknown(key, path, person=False)


def _all_h(preds: list[_HPred]) -> _HPred:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda h, t: a(h, t) and b(h, t)
    return lambda h, t: all(f(h, t) for f in preds)


def _any_h(preds: list[_HPred]) -> _HPred:
    if len(preds) == 1:
        return preds[0]
    return lambda h, t: any(f(h, t) for f in preds)


def _not_h(pred: _HPred) -> _HPred:
    return lambda h, t: not pred(h, t)


def _union_or_none(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    if any(s is None for s in sets):
        return None
    return frozenset().union(*cast(list[frozenset[str]], sets))


def _household_all(parts: list[_HouseholdCond]) -> _HouseholdCond:
    if len(parts) == 1:
        return parts[0]
    guards = [p.needs for p in parts if p.needs is not None]
    return _HouseholdCond(
        _all_h([p.pred for p in parts]),
        [c for p in parts for c in p.counters],
        min(guards, key=len) if guards else None,
        None,
    )


def _compile_household(cond: object, path: str, opts: _Options) -> _HouseholdCond:
    parts: list[_HouseholdCond] = []
    for key, value in _condition_items(cond, path):
        sub = f"{path}.{key}"
        if key == "all":
            items = _conditions(value, sub)
            parts.append(
                _household_all(
                    [_compile_household(c, f"{sub}[{i}]", opts) for i, c in enumerate(items)]
                )
            )
        elif key == "any":
            items = _conditions(value, sub)
            alts = [_compile_household(c, f"{sub}[{i}]", opts) for i, c in enumerate(items)]
            exactly = _union_or_none([a.exactly for a in alts])
            pred = _any_h([a.pred for a in alts])
            if exactly is not None:
                pred = _members_carry_any(exactly)
            # A count under "any" may not be the one that made the rule match: no {n} from it.
            parts.append(_HouseholdCond(pred, [], _union_or_none([a.needs for a in alts]), exactly))
        elif key == "not":
            inner = _compile_household(value, sub, opts)
            parts.append(_HouseholdCond(_not_h(inner.pred), [], None, None))
        else:
            parts.append(_household_leaf(key, value, sub, opts))
    return _household_all(parts)


def _members_carry_any(tags: frozenset[str]) -> _HPred:
    return lambda _h, t: not tags.isdisjoint(t)


def _reason_uses_n(reason: str, path: str) -> bool:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(reason) if f is not None]
    except ValueError:
        raise _Problem(path, "原因中的花括号不成对；要显示花括号请写 {{ 或 }}") from None
    for name in fields:
        if name != "n":
            raise _Problem(path, f"原因中的占位符“{{{name}}}”无效，只能使用 {{n}}")
    return bool(fields)


def _build(data: object, opts: _Options) -> tuple[Rule, _HouseholdCond, _Counter | None]:
    """Validate rule data and compile it; raises RuleError. The counter is ``{n}``'s."""
    code: str | None = None
    try:
        if isinstance(data, Rule):
            data = data.to_dict()
        if not isinstance(data, Mapping):
            raise _Problem("", f"规则应为 JSON 对象，实际是 {_describe(data)}")
        raw_code = data.get("code")
        if isinstance(raw_code, str) and raw_code.strip():
            code = raw_code.strip()
        for key in data:
            if key not in _RULE_KEYS:
                raise _Problem("", f"未知的键“{key}”，规则可用的键：{'、'.join(_RULE_KEYS)}")
        names = {"code": "代码", "colour": "颜色", "reason": "原因", "when": "条件"}
        for key in _RULE_KEYS:
            if key not in data:
                raise _Problem("", f"缺少“{key}”（{names[key]}）")
        code = _text(data["code"], "code", "代码")
        if len(code) > _MAX_CODE:
            raise _Problem("code", f"代码不能超过 {_MAX_CODE} 个字符")
        colour = _colour(data["colour"], "colour")
        reason = _text(data["reason"], "reason", "原因")
        if len(reason) > _MAX_REASON:
            raise _Problem("reason", f"原因不能超过 {_MAX_REASON} 个字符")
        uses_n = _reason_uses_n(reason, "reason")
        cond = _compile_household(data["when"], "when", opts)
        if uses_n and len(cond.counters) != 1:
            raise _Problem(
                "reason",
                "原因中的 {n} 要求条件的最外层（或最外层 all 中）恰好有一个计数条件"
                f"（{'、'.join(sorted(_COUNTING_KEYS))}），实际有 {len(cond.counters)} 个",
            )
    except _Problem as problem:
        raise RuleError(problem.message, code=code, path=problem.path) from None

    rule = Rule(code=code, colour=colour, reason=reason, when=copy.deepcopy(data["when"]))
    return rule, cond, cond.counters[0] if uses_n else None


def parse_rule(
    data: object,
    *,
    person_tags: Collection[str] | None = None,
    household_tags: Collection[str] | None = None,
) -> Rule:
    """Validate one rule as JSON data. With ``person_tags`` / ``household_tags`` given, tag codes
    outside them are refused too (a misspelt tag would otherwise silently never match)."""
    return _build(data, _Options(person_tags, household_tags))[0]


def parse_rules(
    data: Iterable[object],
    *,
    person_tags: Collection[str] | None = None,
    household_tags: Collection[str] | None = None,
) -> list[Rule]:
    """Validate a list of rules; codes must be unique."""
    rules: list[Rule] = []
    seen: set[str] = set()
    for item in data:
        rule = parse_rule(item, person_tags=person_tags, household_tags=household_tags)
        if rule.code in seen:
            raise RuleError("代码重复，每条规则的代码必须唯一", code=rule.code, path="code")
        seen.add(rule.code)
        rules.append(rule)
    return rules


def _tags_in(cond: object) -> set[str]:
    """Every tag code a (validated) condition mentions."""
    found: set[str] = set()
    if isinstance(cond, Mapping):
        for key, value in cond.items():
            if key in ("tag", "household_tag") and isinstance(value, str):
                found.add(value.strip())
            else:
                found |= _tags_in(value)
    elif isinstance(cond, list | tuple):
        for item in cond:
            found |= _tags_in(item)
    return found


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: Rule
    severity: int
    matches: _HPred
    # Can only match when the members' tags meet this set / match exactly when they do.
    needs: frozenset[str] | None
    exactly: frozenset[str] | None
    # The reason, ready when it has no {n}; else counted per household.
    text: str | None
    count: _Counter | None
    # Mentions a sensitive tag: its reason is hidden from viewers not cleared for it.
    sensitive: bool

    def reason_for(self, facts: HouseholdFacts) -> str:
        if self.text is not None:
            return self.text
        return self.rule.reason.format(n=self.count(facts) if self.count else 0)


# (rule, certain to match) in order, and whether any of them is sensitive.
_Plan: TypeAlias = tuple[tuple[tuple[CompiledRule, bool], ...], bool]
# Distinct combinations of member tags in a county number in the hundreds; the cap only guards
# memory against pathological data, which is then evaluated without the cache.
_MAX_PLANS = 8192


class CompiledRules(Sequence[CompiledRule]):
    """Rules ready for ``evaluate``, most severe first (rule order kept within a colour).

    Which rules can match, and which surely do, depends on the members' tags for most rules:
    that is worked out once per distinct combination of tags and remembered, so a household
    pays only for the rules its tags leave open."""

    __slots__ = ("_plans", "_rules")

    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        # Stable sort: the given order is kept within a colour.
        self._rules = tuple(sorted(rules, key=lambda r: -r.severity))
        self._plans: dict[frozenset[str], _Plan] = {}

    def __len__(self) -> int:
        return len(self._rules)

    @overload
    def __getitem__(self, index: int) -> CompiledRule: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[CompiledRule, ...]: ...
    def __getitem__(self, index: int | slice) -> CompiledRule | tuple[CompiledRule, ...]:
        return self._rules[index]

    def plan(self, tags: frozenset[str]) -> _Plan:
        plan = self._plans.get(tags)
        if plan is None:
            steps = tuple(
                (r, r.exactly is not None and not r.exactly.isdisjoint(tags))
                for r in self._rules
                if r.needs is None or not r.needs.isdisjoint(tags)
            )
            plan = (steps, any(r.sensitive for r, _ in steps))
            if len(self._plans) < _MAX_PLANS:
                self._plans[tags] = plan
        return plan


def compile_rules(rules: Iterable[Rule], *, sensitive_tags: Collection[str] = ()) -> CompiledRules:
    """Compile rules once for many ``evaluate`` calls (re-validating them). A rule whose condition
    mentions one of ``sensitive_tags`` is marked sensitive (see ``Rating.public_reasons``)."""
    sensitive = frozenset(sensitive_tags)
    compiled: list[CompiledRule] = []
    for rule in rules:
        checked, cond, counter = _build(rule, _Options(None, None))
        compiled.append(
            CompiledRule(
                rule=checked,
                severity=SEVERITY[checked.colour],
                matches=cond.pred,
                needs=cond.needs,
                exactly=cond.exactly,
                text=None if counter else checked.reason.format(),  # format() undoes {{ }}
                count=counter,
                sensitive=not sensitive.isdisjoint(_tags_in(checked.when)),
            )
        )
    return CompiledRules(compiled)


# --------------------------------------------------------------------------------------------
# Evaluation


@dataclass(frozen=True, slots=True)
class Override:
    """A colour set by staff, with a reason, valid up to and including ``expires_on``."""

    colour: Colour
    reason: str
    expires_on: date

    def __post_init__(self) -> None:
        if self.colour not in SEVERITY:
            raise ValueError(f"人工调整的颜色“{self.colour}”无效，应为 red、yellow 或 green")
        if not self.reason.strip():
            raise ValueError("人工调整必须填写原因")

    def active_on(self, today: date) -> bool:
        return today <= self.expires_on

    def describe(self, *, with_reason: bool = True) -> str:
        """The entry for the rating's reasons; without the free-text reason for public view."""
        text = f"人工调整为{COLOUR_LABELS[self.colour]}"
        if with_reason:
            text += f"：{self.reason.strip()}"
        return f"{text}（有效期至 {self.expires_on.isoformat()}）"


@dataclass(slots=True)
class Rating:
    """The outcome for one household.

    ``reasons`` and ``rule_codes`` run in parallel for the rules (the override's reason, when
    it applies, is an extra first entry of ``reasons`` with no code). ``rule_colour`` is what
    the rules alone say. ``public_reasons`` is for viewers not cleared for sensitive groups:
    the reasons of sensitive rules become ``PUBLIC_SENSITIVE_REASON`` and the override's free
    text (which may name a sensitive matter) is left out."""

    colour: Colour
    reasons: list[str]
    rule_codes: list[str]
    overridden: bool
    rule_colour: Colour
    public_reasons: list[str]

    @property
    def label(self) -> str:
        return COLOUR_LABELS[self.colour]


def evaluate(
    rules: CompiledRules,
    facts: HouseholdFacts,
    *,
    override: Override | None = None,
    today: date,
) -> Rating:
    """Rate one household with rules from ``compile_rules``."""
    members = facts.members
    if len(members) == 1:
        tags = frozenset(members[0].tags)  # no copy when it is already a frozenset
    else:
        tags = frozenset().union(*[m.tags for m in members])

    steps, maybe_sensitive = rules.plan(tags)
    hits = [r for r, sure in steps if sure or r.matches(facts, tags)]
    if hits:
        rule_colour = hits[0].rule.colour  # the most severe: rules are ordered so
        reasons = [r.text if r.text is not None else r.reason_for(facts) for r in hits]
        codes = [r.rule.code for r in hits]
        public = _public(hits, reasons) if maybe_sensitive else list(reasons)
    else:
        rule_colour = "green"
        reasons = [NO_RISK_REASON]
        codes = []
        public = [NO_RISK_REASON]

    if override is not None and override.active_on(today):
        note = override.describe()
        public_note = override.describe(with_reason=False)
        if not hits:
            # "No risk" next to a manual red would read as a contradiction.
            return Rating(override.colour, [note], codes, True, rule_colour, [public_note])
        return Rating(
            override.colour, [note, *reasons], codes, True, rule_colour, [public_note, *public]
        )
    return Rating(rule_colour, reasons, codes, False, rule_colour, public)


def _public(hits: list[CompiledRule], reasons: list[str]) -> list[str]:
    public: list[str] = []
    for rule, reason in zip(hits, reasons, strict=True):
        text = PUBLIC_SENSITIVE_REASON if rule.sensitive else reason
        if text not in public:
            public.append(text)
    return public

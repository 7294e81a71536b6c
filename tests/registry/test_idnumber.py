"""Resident ID numbers: parsing, errors, consistency, age and the demo generator.

No database: the module is pure Python. python-stdnum serves as the independent reference
for the GB 11643 arithmetic (the module does not call it; see its docstring).
"""

from __future__ import annotations

import datetime
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from wangge.registry.idnumber import (
    Gender,
    IdInfo,
    IdNumberError,
    age_on,
    check_consistency,
    check_digit,
    make_id_number,
    parse_id_number,
)

REPO = Path(__file__).resolve().parents[2]
TODAY = datetime.date(2026, 5, 20)
DANFENG = "611022"  # 丹凤县 since 2001; 612523 before
D = datetime.date
GENDERS: tuple[Gender, Gender] = ("M", "F")


def parse(raw: str) -> IdInfo:
    return parse_id_number(raw, today=TODAY)


def error_code(raw: str) -> str:
    with pytest.raises(IdNumberError) as excinfo:
        parse(raw)
    return excinfo.value.code


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


# -- check digit ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the example of GB 11643-1999 itself
        "440524188001010014",  # the standard's second example
        "360426199101010071",  # stdnum's doctest
    ],
)
def test_check_digit_of_published_examples(number: str) -> None:
    assert check_digit(number[:17]) == number[17]


def test_check_digit_is_the_weighted_sum_of_the_standard() -> None:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for first17 in ["61102219900101001", "11010519491231002", "99999999999999999"]:
        total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
        assert check_digit(first17) == "10X98765432"[total % 11]


@pytest.mark.parametrize("bad", ["6110221990010100", "611022199001010011", "6110221990010100a"])
def test_check_digit_wants_17_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="17"):
        check_digit(bad)


# -- valid numbers -------------------------------------------------------------------------


def test_generated_number_parses() -> None:
    number = make_id_number(DANFENG, D(1990, 3, 4), 7, "F")
    assert number[:17] == "61102219900304014"
    info = parse(number)
    assert info == IdInfo(number, D(1990, 3, 4), "F", DANFENG, False)
    assert info.number == number


def test_generated_numbers_agree_with_stdnum() -> None:
    # stdnum checks the county code against its years of validity: 612523 丹凤县 (before
    # 2001) and 611022 丹凤县 (since) for people born then.
    cases: list[tuple[str, datetime.date, int, Gender]] = [
        ("612523", D(1956, 2, 29), 0, "M"),
        ("612523", D(1988, 12, 31), 499, "F"),
        (DANFENG, D(2003, 7, 1), 42, "M"),
        (DANFENG, D(2024, 2, 29), 13, "F"),
        ("110105", D(1949, 12, 31), 1, "F"),
    ]
    for region, birth, sequence, gender in cases:
        number = make_id_number(region, birth, sequence, gender)
        assert ric.validate(number) == number
        assert ric.get_birth_date(number) == birth
        info = parse(number)
        assert (info.birth_date, info.gender, info.region_code) == (birth, gender, region)


def test_order_code_parity_gives_gender() -> None:
    men = [make_id_number(DANFENG, D(1970, 1, 1), s, "M") for s in (0, 1, 250, 499)]
    women = [make_id_number(DANFENG, D(1970, 1, 1), s, "F") for s in (0, 1, 250, 499)]
    assert [n[14:17] for n in men] == ["001", "003", "501", "999"]
    assert [n[14:17] for n in women] == ["000", "002", "500", "998"]
    assert {parse(n).gender for n in men} == {"M"}
    assert {parse(n).gender for n in women} == {"F"}
    assert len(set(men + women)) == 8


def x_number() -> str:
    """A valid number whose check character is X."""
    for sequence in range(500):
        number = make_id_number(DANFENG, D(1985, 6, 15), sequence, "M")
        if number.endswith("X"):
            return number
    raise AssertionError("no X among 500 sequences")


def test_check_character_x() -> None:
    number = x_number()
    assert ric.calc_check_digit(number) == "X"
    assert parse(number).number == number


def test_lowercase_x_is_normalised() -> None:
    number = x_number()
    assert parse(number[:17] + "x").number == number


def test_full_width_digits_and_spaces_are_normalised() -> None:
    number = x_number()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number[:17]) + "ｘ"
    assert parse(full_width).number == number
    spaced = f"\u3000 {number[:6]} {number[6:14]}\t{number[14:].lower()}\u00a0\n"
    assert parse(spaced).number == number
    assert parse("\u200b" + number + "\ufeff").number == number


def test_fast_path_builds_the_same_info_as_the_constructor() -> None:
    # parse_id_number fills the slots itself; equality compares every field, so a field it
    # forgot would fail here (unset slot) rather than later in production.
    for number in [make_id_number(DANFENG, D(1960, 1, 31), 3, "M"), x_number()]:
        info = parse(number)
        twin = IdInfo(number, info.birth_date, info.gender, number[:6], False)
        assert info == twin
        assert hash(info) == hash(twin)
        assert pickle.loads(pickle.dumps(info)) == info  # noqa: S301 - our own bytes


def test_info_is_frozen_and_its_repr_masks_the_number() -> None:
    number = make_id_number(DANFENG, D(1960, 1, 31), 3, "M")
    info = parse(number)
    with pytest.raises(AttributeError):
        info.number = "x"  # type: ignore[misc]
    assert number not in repr(info)
    assert "611022********" in repr(info)


def test_default_today_is_the_real_date() -> None:
    today = datetime.date.today()
    number = make_id_number(DANFENG, today, 0, "M")
    assert parse_id_number(number).birth_date == today
    assert parse_id_number(number).birth_date == today  # second time: from the caches
    tomorrow = make_id_number(DANFENG, today + datetime.timedelta(days=1), 0, "M")
    with pytest.raises(IdNumberError, match="晚于今天"):
        parse_id_number(tomorrow)


def test_a_test_today_in_the_future_does_not_leak_into_later_calls() -> None:
    soon = datetime.date.today() + datetime.timedelta(days=3)
    number = make_id_number(DANFENG, soon, 0, "F")
    assert parse_id_number(number, today=soon + datetime.timedelta(days=1)).birth_date == soon
    with pytest.raises(IdNumberError):
        parse_id_number(number)


# -- 15-digit first-generation numbers -----------------------------------------------------


def test_fifteen_digits_are_converted() -> None:
    info = parse("612523650315123")
    assert info.converted_from_15
    assert info.number == with_check("61252319650315123")
    assert (info.birth_date, info.gender, info.region_code) == (D(1965, 3, 15), "M", "612523")
    assert ric.validate(info.number) == info.number  # stdnum rejects the 15 digits themselves
    assert not ric.is_valid("612523650315123")


def test_fifteen_digit_errors() -> None:
    assert error_code("61252365031512X") == "id.chars"
    assert error_code("612523650230124") == "id.birth_date"  # 1965-02-30
    assert error_code("992523650315123") == "id.region"


# -- errors --------------------------------------------------------------------------------


def test_bad_checksum() -> None:
    number = make_id_number(DANFENG, D(1990, 3, 4), 7, "F")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert not ric.is_valid(wrong)
    with pytest.raises(IdNumberError) as excinfo:
        parse(wrong)
    assert excinfo.value.code == "id.checksum"
    assert "校验位错误" in excinfo.value.message
    assert wrong not in str(excinfo.value)  # no personal data in messages


def test_impossible_date() -> None:
    # A correct check character over a date that does not exist: only the date is wrong.
    with pytest.raises(IdNumberError) as excinfo:
        parse(with_check("61102219990230001"))
    assert excinfo.value.code == "id.birth_date"
    assert excinfo.value.message.startswith("出生日期无效")
    assert error_code(with_check("61102219991301001")) == "id.birth_date"
    assert error_code(with_check("61102200000101001")) == "id.birth_date"  # year 0


def test_future_date() -> None:
    assert parse(with_check(f"{DANFENG}20260520001")).birth_date == TODAY  # born today
    with pytest.raises(IdNumberError, match="晚于今天") as excinfo:
        parse(with_check(f"{DANFENG}20260521001"))
    assert excinfo.value.code == "id.birth_date"


def test_older_than_130_years() -> None:
    # 130 years old on TODAY is plausible; 131 is not.
    assert age_on(parse(with_check(f"{DANFENG}18950521001")), TODAY) == 130
    with pytest.raises(IdNumberError, match="130") as excinfo:
        parse(with_check(f"{DANFENG}18950520001"))
    assert excinfo.value.code == "id.birth_date"


def test_age_limit_on_29_february() -> None:
    leap_day = D(2028, 2, 29)
    assert parse_id_number(with_check(f"{DANFENG}18970301001"), today=leap_day)
    with pytest.raises(IdNumberError, match="130"):
        parse_id_number(with_check(f"{DANFENG}18970228001"), today=leap_day)


@pytest.mark.parametrize("province", ["00", "10", "16", "30", "60", "66", "70", "80", "84", "99"])
def test_bad_region(province: str) -> None:
    with pytest.raises(IdNumberError) as excinfo:
        parse(with_check(f"{province}102219900101001"))
    assert excinfo.value.code == "id.region"
    assert excinfo.value.message.startswith("地区码无效")


@pytest.mark.parametrize("province", ["11", "46", "50", "54", "61", "65", "71", "81", "82", "83"])
def test_good_regions(province: str) -> None:
    assert parse(with_check(f"{province}000019900101001")).region_code == f"{province}0000"


@pytest.mark.parametrize(
    "raw", ["6110221990", "61102219900101001", "6110221990010100123", "6110221990010100171"]
)
def test_wrong_length(raw: str) -> None:
    with pytest.raises(IdNumberError) as excinfo:
        parse(raw)
    assert excinfo.value.code == "id.length"
    assert excinfo.value.message.startswith("身份证号码应为18位(或15位旧号码)")
    assert f"当前为{len(raw)}位" in excinfo.value.message


@pytest.mark.parametrize("raw", ["", "   ", "\u3000", "\u200b"])
def test_empty(raw: str) -> None:
    assert error_code(raw) == "id.empty"


@pytest.mark.parametrize(
    "raw",
    [
        "61102219900101001A",
        "6110221990010100X1",
        "61102219900-010017",
        "٦١١٠٢٢١٩٩٠٠١٠١٠٠١٧",  # Arabic-Indic digits: str.isdigit() says yes, we say no
        "61102219900101001²",
    ],
)
def test_bad_characters(raw: str) -> None:
    assert error_code(raw) == "id.chars"


def test_error_is_a_value_error_that_pickles() -> None:
    error = IdNumberError("id.checksum", "身份证号码校验位错误")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copy.code, copy.message, str(copy)) == (
        "id.checksum",
        "身份证号码校验位错误",
        error.message,
    )


# -- consistency and age -------------------------------------------------------------------


def test_consistency() -> None:
    info = parse(make_id_number(DANFENG, D(1990, 3, 4), 7, "F"))
    assert check_consistency(info, birth_date=D(1990, 3, 4), gender="F") == []
    assert check_consistency(info, birth_date=None, gender=None) == []
    assert check_consistency(info, birth_date=None, gender="") == []
    assert check_consistency(info, birth_date=None, gender="女") == []
    assert check_consistency(info, birth_date=datetime.datetime(1990, 3, 4, 8), gender=None) == []

    problems = check_consistency(info, birth_date=D(1990, 4, 3), gender="M")
    assert [code for code, _ in problems] == ["id.birth_date_mismatch", "id.gender_mismatch"]
    assert problems[0][1] == "出生日期与身份证号码不一致（身份证号码中为1990年3月4日）"
    assert problems[1][1] == "性别与身份证号码不一致（身份证号码中为女）"
    assert check_consistency(info, birth_date=None, gender="男")[0][0] == "id.gender_mismatch"

    with pytest.raises(ValueError, match="gender"):
        check_consistency(info, birth_date=None, gender="X")


def test_age() -> None:
    info = parse(make_id_number(DANFENG, D(1990, 3, 4), 7, "F"))
    assert age_on(info, D(1990, 3, 4)) == 0
    assert age_on(info, D(2026, 3, 3)) == 35
    assert age_on(info, D(2026, 3, 4)) == 36
    assert age_on(D(1990, 3, 4), D(2026, 3, 4)) == 36
    assert age_on(info, datetime.datetime(2026, 3, 4, 0, 1)) == 36
    leap = D(2004, 2, 29)
    assert age_on(leap, D(2022, 2, 28)) == 17
    assert age_on(leap, D(2022, 3, 1)) == 18
    assert age_on(leap, D(2024, 2, 29)) == 20
    with pytest.raises(ValueError, match="before"):
        age_on(info, D(1990, 3, 3))


# -- generator -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "sequence", "gender"),
    [
        ("61102", 0, "M"),
        ("61102a", 0, "M"),
        ("991022", 0, "M"),
        (DANFENG, -1, "M"),
        (DANFENG, 500, "F"),
        (DANFENG, 0, "男"),
    ],
)
def test_generator_rejects_bad_input(region: str, sequence: int, gender: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        make_id_number(region, D(1990, 1, 1), sequence, gender)  # type: ignore[arg-type]


def test_generator_is_deterministic() -> None:
    first = [
        make_id_number(DANFENG, D(1950 + i, 1 + i % 12, 1 + i % 28), i, GENDERS[i % 2])
        for i in range(60)
    ]
    again = [
        make_id_number(DANFENG, D(1950 + i, 1 + i % 12, 1 + i % 28), i, GENDERS[i % 2])
        for i in range(60)
    ]
    assert first == again
    assert len(set(first)) == 60


regions = st.sampled_from([DANFENG, "612523", "611002", "610102", "110105", "460100", "830000"])
births = st.dates(min_value=D(1896, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=499)
genders = st.sampled_from(GENDERS)


@given(region=regions, birth=births, sequence=sequences, gender=genders)
def test_round_trip(region: str, birth: datetime.date, sequence: int, gender: Gender) -> None:
    number = make_id_number(region, birth, sequence, gender)
    info = parse(number)
    assert (info.birth_date, info.gender, info.region_code) == (birth, gender, region)
    assert info.number == number
    assert not info.converted_from_15
    assert ric.calc_check_digit(number) == number[17]  # stdnum agrees
    assert parse(number.lower()) == info


@given(
    birth=births,
    sequence=sequences,
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from("0123456789X"),
)
def test_any_single_character_error_is_caught(
    birth: datetime.date, sequence: int, position: int, replacement: str
) -> None:
    # ISO 7064 MOD 11-2 catches every single substitution; some hit the region, the date or
    # the character set first, but none parses.
    number = make_id_number(DANFENG, birth, sequence, "F")
    typo = number[:position] + replacement + number[position + 1 :]
    if typo == number:
        return
    with pytest.raises(IdNumberError):
        parse(typo)


@given(birth=births, sequence=sequences, position=st.integers(min_value=0, max_value=16))
def test_any_adjacent_transposition_is_caught(
    birth: datetime.date, sequence: int, position: int
) -> None:
    number = make_id_number(DANFENG, birth, sequence, "M")
    a, b = number[position], number[position + 1]
    if a == b:
        return
    with pytest.raises(IdNumberError):
        parse(number[:position] + b + a + number[position + 2 :])


# -- no Django -----------------------------------------------------------------------------

SCRIPT = """
import json, sys
import wangge.registry.idnumber, wangge.registry.phone
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("django", "stdnum"))))
"""


def test_modules_import_without_django_or_stdnum() -> None:
    # A fresh interpreter: pytest-django has loaded Django into this one.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []

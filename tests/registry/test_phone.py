"""Phone numbers: mobiles and landlines as typed, normalised; errors with Chinese messages."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wangge.registry.phone import PhoneError, is_mobile, parse_phone


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        (" 19912345678\u3000", "19912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("0086-139-1234-5678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),  # full-width digits
        ("＋８６　１３９１２３４５６７８", "13912345678"),
        ("\u200b13912345678", "13912345678"),
    ],
)
def test_mobiles(raw: str, normalised: str) -> None:
    assert parse_phone(raw) == normalised
    assert is_mobile(parse_phone(raw))


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0914-2312345", "0914-2312345"),  # 商洛
        ("09142312345", "0914-2312345"),
        ("0914 2312345", "0914-2312345"),
        ("(0914)2312345", "0914-2312345"),
        ("（0914）2312345", "0914-2312345"),
        ("0914－2312345", "0914-2312345"),  # full-width hyphen
        ("091-42312345", "0914-2312345"),  # the area code is known, whatever the dash says
        ("029-88881234", "029-88881234"),  # 西安, 3-digit area code, 8-digit number
        ("02988881234", "029-88881234"),
        ("010-62345678", "010-62345678"),
        ("+86 914 2312345", "0914-2312345"),  # international form drops the trunk 0
        ("+86-10-62345678", "010-62345678"),
        ("0086 29 88881234", "029-88881234"),
        ("+86 (0)914 2312345", "0914-2312345"),
        ("0914-23123456", "0914-23123456"),  # 8-digit local numbers exist
    ],
)
def test_landlines(raw: str, normalised: str) -> None:
    assert parse_phone(raw) == normalised
    assert not is_mobile(parse_phone(raw))


@pytest.mark.parametrize(
    "raw",
    [
        "1391234567",  # 10 digits
        "139123456789",  # 12 digits
        "12912345678",  # no mobile prefix 12x
        "10912345678",
        "23912345678",
        "139123456a8",
        "86139123456",  # 86 + too short
        "0914-231234",  # local number too short
        "0914-231234567",  # too long
        "0914-1231234",  # local numbers do not start with 1
        "0914-0231234",
        "0014-2312345",  # no such area code
        "010-1234567",
        "0914-2312345-801",  # extensions are not phone numbers
        "400-123-4567",  # service numbers neither
        "+1 650 253 0000",
        "+86",
        "phone",
        "١٣٩١٢٣٤٥٦٧٨",  # Arabic-Indic digits
    ],
)
def test_invalid(raw: str) -> None:
    with pytest.raises(PhoneError) as excinfo:
        parse_phone(raw)
    assert excinfo.value.code == "phone.format"
    assert excinfo.value.message == "手机号码或固定电话格式不正确"
    assert str(excinfo.value) == excinfo.value.message


@pytest.mark.parametrize("raw", ["2312345", "23123456", "231-2345"])
def test_landline_without_area_code(raw: str) -> None:
    with pytest.raises(PhoneError) as excinfo:
        parse_phone(raw)
    assert excinfo.value.code == "phone.area_code"
    assert "区号" in excinfo.value.message


@pytest.mark.parametrize("raw", ["", "  ", "\u3000", "--"])
def test_empty(raw: str) -> None:
    with pytest.raises(PhoneError) as excinfo:
        parse_phone(raw)
    assert excinfo.value.code == "phone.empty"


def test_is_mobile_wants_the_normal_form() -> None:
    assert is_mobile("13912345678")
    assert not is_mobile("139 1234 5678")
    assert not is_mobile("+8613912345678")
    assert not is_mobile("0914-2312345")
    assert not is_mobile("")


def test_error_pickles() -> None:
    error = PhoneError("phone.format", "手机号码或固定电话格式不正确")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert isinstance(copy, PhoneError)
    assert isinstance(copy, ValueError)
    assert (copy.code, copy.message) == (error.code, error.message)


# Built from integers: st.from_regex is several times slower.
mobiles = st.builds(
    lambda second, rest: f"1{second}{rest:09d}", st.integers(3, 9), st.integers(0, 10**9 - 1)
)
area_codes = st.sampled_from(["010", *(f"02{i}" for i in range(10))]) | st.integers(300, 999).map(
    lambda n: f"0{n}"
)
local_numbers = (st.integers(2_000_000, 9_999_999) | st.integers(20_000_000, 99_999_999)).map(str)


@given(mobiles, st.sampled_from(["", "+86", "0086"]))
def test_any_mobile_round_trips(mobile: str, prefix: str) -> None:
    typed = f"{prefix} {mobile[:3]}-{mobile[3:7]} {mobile[7:]}"
    assert parse_phone(typed) == mobile
    assert parse_phone(parse_phone(typed)) == mobile


@given(area_codes, local_numbers)
def test_any_landline_round_trips(area: str, local: str) -> None:
    assert parse_phone(area + local) == f"{area}-{local}"
    assert parse_phone(f"{area}-{local}") == f"{area}-{local}"
    assert parse_phone(f"+86 {area[1:]} {local}") == f"{area}-{local}"

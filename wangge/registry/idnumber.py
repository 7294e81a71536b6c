"""Chinese resident identity numbers (公民身份号码, GB 11643-1999): parse, check, generate.

An 18-character number is ``RRRRRR YYYYMMDD SSS C``: the region code of the place of first
registration (GB/T 2260), the birth date, an order code whose parity gives the gender (odd:
male) and an ISO 7064 MOD 11-2 check character (``0``-``9`` or ``X`` for 10). First-generation
cards carry 15 digits (two-digit year, no check character); they still turn up in old county
data and are converted here.

The arithmetic is the one of ``stdnum.cn.ric`` (python-stdnum), written out here rather than
called: its ``validate`` costs about 0.1 ms a number, which a 2,000,000-row import cannot
afford, and it also rejects a county code for anyone born before the code was created
(611022 丹凤县 exists since 2001, 612523 before), although a number carries the code in force
when it was issued, not at birth. The tests check this module against stdnum.

Pure Python, no Django: importers, the demo generator and scripts use it bare.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Literal

__all__ = [
    "Gender",
    "IdInfo",
    "IdNumberError",
    "age_on",
    "check_consistency",
    "check_digit",
    "make_id_number",
    "parse_id_number",
]

Gender = Literal["M", "F"]

MAX_AGE = 130
"""Oldest plausible age in years; an older birth date is taken for a typing error."""

# GB/T 2260 province-level codes. 71 (Taiwan), 81 (Hong Kong) and 82 (Macao) are reserved in
# the standard; 83 starts the numbers of residence permits of Taiwan residents (台湾居民居住证),
# which follow GB 11643 and are accepted wherever a resident ID number is.
_PROVINCES = frozenset(
    str(code)
    for first, last in [
        (11, 15),
        (21, 23),
        (31, 37),
        (41, 46),
        (50, 54),
        (61, 65),
        (71, 71),
        (81, 83),
    ]
    for code in range(first, last + 1)
)

# Index = (1 - 2 * int(first17, 13)) % 11, see check_digit().
_CHECK_CHARS = "0123456789X"

# Input copied from spreadsheets, chat apps and web pages: full-width digits and letters,
# lowercase x, zero-width characters. Whitespace is removed separately (str.split covers the
# ideographic space U+3000 and the no-break space).
_NORMALISE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "x": "X",
        "\uff38": "X",  # FULLWIDTH LATIN CAPITAL LETTER X
        "\uff58": "X",  # FULLWIDTH LATIN SMALL LETTER X
        "\u200b": None,  # ZERO WIDTH SPACE
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,  # WORD JOINER
        "\ufeff": None,  # BOM / ZERO WIDTH NO-BREAK SPACE
    }
)

_ORDER_CODES = tuple(f"{i:03d}" for i in range(1000))

# Birth dates seen so far, keyed by their 8 digits: a county has a few tens of thousands of
# distinct ones, and a dict hit is several times cheaper than int() x 3 + date(). Only dates
# that passed the age checks go in, and the size is capped, so junk input cannot grow it.
_DATE_CACHE: dict[str, datetime.date] = {}
_DATE_CACHE_MAX = 100_000

# (valid from, valid until [epoch seconds], today, last birth date that is too old).
# date.today() costs more than the rest of a parse; time.time() is cheap.
_today_cache: tuple[float, float, datetime.date, datetime.date] = (
    0.0,
    0.0,
    datetime.date.min,
    datetime.date.min,
)


class IdNumberError(ValueError):
    """An ID number that is not valid. ``code`` is stable for programs, ``message`` is the
    Chinese text shown to the user; neither contains the number itself (personal data)."""

    def __init__(self, code: str, message: str) -> None:
        # Both go to args so that the exception pickles (multiprocessing imports).
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True, repr=False)
class IdInfo:
    number: str
    """Normalised 18 characters, check character ``X`` in upper case."""
    birth_date: datetime.date
    gender: Gender
    region_code: str
    """The first 6 digits: the region of first registration, not necessarily of residence."""
    converted_from_15: bool

    def __repr__(self) -> str:
        # Masked like on Chinese official sites: a repr ends up in logs and tracebacks.
        masked = self.number[:6] + "*" * 8 + self.number[14:]
        return (
            f"IdInfo(number={masked!r}, birth_date={self.birth_date!r}, gender={self.gender!r},"
            f" region_code={self.region_code!r}, converted_from_15={self.converted_from_15!r})"
        )


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits.

    ISO 7064 MOD 11-2: weights 2**(17-i) mod 11, check = (12 - sum) mod 11. Reading the digits
    in base 13 gives the same weights modulo 11 (13 = 2 mod 11) in one C-level int() call;
    the trick is stdnum's.
    """
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("check_digit() needs exactly 17 ASCII digits")
    return _CHECK_CHARS[(1 - 2 * int(first17, 13)) % 11]


def make_id_number(
    region_code: str, birth_date: datetime.date, sequence: int, gender: Gender
) -> str:
    """A valid 18-character number, for demo and test data.

    ``sequence`` 0..499 numbers the people of one region and birth date; the order code is
    ``2 * sequence + 1`` for men (odd) and ``2 * sequence`` for women (even). Deterministic and
    independent of today's date: whether the person is born yet is the caller's business.
    """
    if gender == "M":
        order = 2 * sequence + 1
    elif gender == "F":
        order = 2 * sequence
    else:
        raise ValueError(f"gender must be 'M' or 'F', not {gender!r}")
    if not 0 <= sequence < 500:
        raise ValueError(f"sequence must be in 0..499, not {sequence}")
    if region_code not in _GOOD_REGIONS:
        _check_region_code(region_code)
    ymd = _YMD_CACHE.get(birth_date)
    if ymd is None:
        ymd = _ymd(birth_date)
    first17 = region_code + ymd + _ORDER_CODES[order]
    return first17 + _CHECK_CHARS[(1 - 2 * int(first17, 13)) % 11]


# The generator's caches: formatting a date costs more than everything else in
# make_id_number, and a demo county has ~35,000 distinct birth dates for 400,000 people.
_GOOD_REGIONS: set[str] = set()
_YMD_CACHE: dict[datetime.date, str] = {}


def _check_region_code(region_code: str) -> None:
    if not (len(region_code) == 6 and region_code.isascii() and region_code.isdigit()):
        raise ValueError(f"region_code must be 6 digits, not {region_code!r}")
    if region_code[:2] not in _PROVINCES:
        raise ValueError(f"region_code {region_code!r} has no valid province code")
    if len(_GOOD_REGIONS) < 10_000:
        _GOOD_REGIONS.add(region_code)


def _ymd(birth_date: datetime.date) -> str:
    year = birth_date.year
    if year < 1000:
        # Four digits in the number; no such person is alive anyway.
        raise ValueError(f"birth year {year} does not fit")
    ymd = f"{year}{birth_date.month:02d}{birth_date.day:02d}"
    if len(_YMD_CACHE) < _DATE_CACHE_MAX:
        _YMD_CACHE[birth_date] = ymd
    return ymd


def parse_id_number(raw: str, *, today: datetime.date | None = None) -> IdInfo:
    """Validate and normalise an ID number (18 characters, or 15 digits of an old card).

    ``today`` (default: the local date) bounds the birth date: not in the future and at most
    ``MAX_AGE`` years back. Raises ``IdNumberError`` with codes ``id.empty``, ``id.length``,
    ``id.chars``, ``id.region``, ``id.birth_date`` and ``id.checksum``.
    """
    # Happy path first, tuned for bulk imports: a clean 18-character number goes through
    # without a translate, regex or exception. Anything else takes the general path.
    if (
        len(raw) == 18
        and raw.isascii()
        and (raw.isdigit() or (raw[17] == "X" and raw[:17].isdigit()))
    ):
        number = raw
        converted = False
    else:
        number, converted = _normalise(raw)

    if number[:2] not in _PROVINCES:
        raise IdNumberError("id.region", f"地区码无效（前两位{number[:2]}不是省级行政区划代码）")

    key = number[6:14]
    birth = _DATE_CACHE.get(key)
    if birth is None or today is not None:
        birth = _birth_date(key, today)
    else:
        # A cached date was checked against an earlier local date. Since then it cannot have
        # moved into the future, only past the age limit.
        start, until, _, too_old = _today_cache
        if not start <= time.time() < until:
            too_old = _refresh_today()[1]
        if birth <= too_old:
            birth = _birth_date(key, None)  # raises

    # The birth date is checked first: a typing error in it says more as "出生日期无效" than as
    # a wrong check character. A converted 15-digit number has a computed one.
    # check_digit()'s formula turned around: read with the check character as a base-13 digit
    # too (X = 10 = "A"), a valid number is 1 modulo 11. One int() on the whole string.
    if not converted and int(number if number[17] != "X" else number[:17] + "A", 13) % 11 != 1:
        raise IdNumberError("id.checksum", "身份证号码校验位错误，请核对每一位")

    # IdInfo(...) would cost as much as all the checks above: a frozen dataclass's __init__
    # goes through object.__setattr__ for each field. The slots' own setters do the same at
    # half the price. The tests check that the result equals IdInfo(...).
    info: IdInfo = _new_object(IdInfo)
    _set_number(info, number)
    _set_birth_date(info, birth)
    _set_gender(info, "M" if number[16] in "13579" else "F")
    _set_region_code(info, number[:6])
    _set_converted(info, converted)
    return info


_new_object = object.__new__
# Unpacked by field order: adding a field to IdInfo without a setter here fails at import.
_set_number, _set_birth_date, _set_gender, _set_region_code, _set_converted = (
    getattr(IdInfo, field.name).__set__ for field in fields(IdInfo)
)


def _normalise(raw: str) -> tuple[str, bool]:
    """The general path of parse_id_number: clean up, check length and characters, convert
    a 15-digit number. Returns (18 characters, converted_from_15)."""
    text = "".join(raw.translate(_NORMALISE).split())
    if not text:
        raise IdNumberError("id.empty", "请填写身份证号码")
    length = len(text)
    if length == 18:
        if not (text.isascii() and text[:17].isdigit() and text[17] in _CHECK_CHARS):
            raise IdNumberError("id.chars", "身份证号码只能由数字组成，最后一位可以是X")
        return text, False
    if length == 15:
        if not (text.isascii() and text.isdigit()):
            raise IdNumberError("id.chars", "15位旧身份证号码只能由数字组成")
        # First-generation numbers were issued from 1984 to people of the 20th century:
        # the two-digit year is 19YY (GB 11643-1999, conversion of old numbers).
        first17 = text[:6] + "19" + text[6:]
        return first17 + _CHECK_CHARS[(1 - 2 * int(first17, 13)) % 11], True
    raise IdNumberError("id.length", f"身份证号码应为18位(或15位旧号码)，当前为{length}位")


def _birth_date(key: str, today: datetime.date | None) -> datetime.date:
    """The slow path for the 8 date digits: build the date and check it against today."""
    year, month, day = int(key[:4]), int(key[4:6]), int(key[6:8])
    try:
        birth = datetime.date(year, month, day)
    except ValueError:
        raise IdNumberError(
            "id.birth_date", f"出生日期无效（{key[:4]}年{key[4:6]}月{key[6:8]}日不存在）"
        ) from None
    if today is None:
        start, until, now, too_old = _today_cache
        if not start <= time.time() < until:
            now, too_old = _refresh_today()
    else:
        now, too_old = today, _last_too_old(today)
    if birth > now:
        raise IdNumberError("id.birth_date", "出生日期无效（晚于今天）")
    if birth <= too_old:
        raise IdNumberError("id.birth_date", f"出生日期无效（年龄超过{MAX_AGE}岁）")
    # Only dates checked against the real date: a test's ``today`` years ahead must not let a
    # future birth date through later.
    if today is None and len(_DATE_CACHE) < _DATE_CACHE_MAX:
        _DATE_CACHE[key] = birth
    return birth


def _refresh_today() -> tuple[datetime.date, datetime.date]:
    """Re-read the local date and cache it until the next local midnight."""
    global _today_cache
    now_ts = time.time()
    today = datetime.date.today()
    midnight = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
    too_old = _last_too_old(today)
    # One tuple assignment: threads see the old or the new cache, never a mix.
    _today_cache = (now_ts, midnight.timestamp(), today, too_old)
    return today, too_old


@lru_cache(maxsize=64)
def _last_too_old(today: datetime.date) -> datetime.date:
    """The latest birth date older than MAX_AGE on ``today``: today, MAX_AGE + 1 years back."""
    return _years_before(today, MAX_AGE + 1)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February into a common year: the birthday is kept on 28 February
        return day.replace(year=day.year - years, day=28)


def age_on(info_or_birth_date: IdInfo | datetime.date, on: datetime.date) -> int:
    """Age in completed years on the date ``on``. A person born on 29 February becomes a year
    older on 1 March in common years."""
    birth = (
        info_or_birth_date.birth_date
        if isinstance(info_or_birth_date, IdInfo)
        else info_or_birth_date
    )
    if isinstance(birth, datetime.datetime):
        birth = birth.date()
    if isinstance(on, datetime.datetime):
        on = on.date()
    if on < birth:
        raise ValueError(f"{on} is before the birth date")
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


_GENDER_INPUT: dict[str, Gender] = {"M": "M", "m": "M", "男": "M", "F": "F", "f": "F", "女": "F"}
_GENDER_LABEL = {"M": "男", "F": "女"}


def check_consistency(
    info: IdInfo, *, birth_date: datetime.date | None, gender: str | None
) -> list[tuple[str, str]]:
    """Problems between an ID number and a birth date and gender entered separately, as
    (code, Chinese message) pairs; empty when they agree. ``None`` or "" means not entered.

    ``gender`` is "M"/"F" (also accepted: "m"/"f", "男"/"女"); another value is a programming
    error (ValueError), not a user's.
    """
    problems: list[tuple[str, str]] = []
    if birth_date is not None:
        if isinstance(birth_date, datetime.datetime):
            birth_date = birth_date.date()
        if birth_date != info.birth_date:
            problems.append(
                (
                    "id.birth_date_mismatch",
                    f"出生日期与身份证号码不一致（身份证号码中为{_chinese_date(info.birth_date)}）",
                )
            )
    if gender:
        given = _GENDER_INPUT.get(gender.strip())
        if given is None:
            raise ValueError(f"gender must be 'M' or 'F', not {gender!r}")
        if given != info.gender:
            problems.append(
                (
                    "id.gender_mismatch",
                    f"性别与身份证号码不一致（身份证号码中为{_GENDER_LABEL[info.gender]}）",
                )
            )
    return problems


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"

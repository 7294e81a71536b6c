"""Mainland Chinese phone numbers as people type them: mobiles and landlines.

Normal forms: a mobile is its 11 digits (``13912345678``); a landline is area code, dash,
local number (``0914-2312345``). Area codes are 010 and 02x (three digits) or four digits
for everywhere else (0914 is Shangluo), so the split is known even when typed without a dash.

Pure Python, no Django: importers and scripts use it bare.
"""

from __future__ import annotations

import re

__all__ = ["PhoneError", "is_mobile", "parse_phone"]

_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
# Local numbers never start with 0 (trunk prefix) or 1 (service numbers such as 110, 12345).
_LANDLINE_3 = re.compile(r"(0(?:10|2[0-9]))([2-9][0-9]{6,7})", re.ASCII)
_LANDLINE_4 = re.compile(r"(0[3-9][0-9]{2})([2-9][0-9]{6,7})", re.ASCII)
_LOCAL_ONLY = re.compile(r"[2-9][0-9]{6,7}", re.ASCII)

# Separators people put in phone numbers (spaces are removed with str.split), and the
# full-width forms that Chinese input methods produce.
_NORMALISE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "\uff0b": "+",  # FULLWIDTH PLUS SIGN
        **dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d", None),  # dashes
        **dict.fromkeys("()\uff08\uff09.", None),  # (0914) 2312345, 0914.2312345
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", None),  # zero-width characters
    }
)

_FORMAT_MESSAGE = "手机号码或固定电话格式不正确"


class PhoneError(ValueError):
    """A phone number that is not valid: ``code`` for programs, ``message`` in Chinese for
    the user. Codes: ``phone.empty``, ``phone.area_code``, ``phone.format``."""

    def __init__(self, code: str, message: str) -> None:
        # Both go to args so that the exception pickles.
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


def parse_phone(raw: str) -> str:
    """Validate and normalise a mainland mobile or landline number.

    Accepts spaces, dashes, brackets, full-width digits and a leading country code
    (+86, 0086, or 86 before a mobile). Returns 11 digits for a mobile and
    ``AREA-LOCAL`` for a landline.
    """
    text = "".join(raw.translate(_NORMALISE).split())
    if not text:
        raise PhoneError("phone.empty", "请填写电话号码")

    international = False
    if text.startswith("+86"):
        text, international = text[3:], True
    elif text.startswith("0086"):
        text, international = text[4:], True
    elif len(text) == 13 and text.startswith("86") and _MOBILE.fullmatch(text, 2):
        # Without "+" only before a mobile: 86... could otherwise be a local number.
        return text[2:]
    if international and text and text[0] != "0" and not _MOBILE.fullmatch(text):
        # +86 914 2312345, +86 10 62345678: the international form drops the trunk prefix 0.
        text = "0" + text

    if _MOBILE.fullmatch(text):
        return text
    match = _LANDLINE_3.fullmatch(text) or _LANDLINE_4.fullmatch(text)
    if match:
        return f"{match[1]}-{match[2]}"
    if _LOCAL_ONLY.fullmatch(text):
        raise PhoneError("phone.area_code", "固定电话请加上区号，例如0914-2312345")
    raise PhoneError("phone.format", _FORMAT_MESSAGE)


def is_mobile(normalised: str) -> bool:
    """Whether a number as returned by parse_phone() is a mobile (can receive SMS)."""
    return _MOBILE.fullmatch(normalised) is not None

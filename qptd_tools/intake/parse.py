"""Reading numbers and dates as Vietnamese users write them.

Numbers: a dot groups thousands and a comma marks decimals ("1.234.567", "12,5", "12,5%").
English writing ("1,234", "1.5") is accepted with a warning saying how it was read. Dates:
day first ("25/8/2019", "25-08-2019", "ngày 25 tháng 8 năm 2019"), ISO ("2019-08-25"), Excel
dates and Excel serial numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from qptd_tools.core import vnformat

_BLANKS = {"", "-", "–", "—", "x", "X", "…", "..."}
_VN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_VN_DECIMAL = re.compile(r"^[+-]?\d+(?:,\d+)?$")
_EN_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")
_EN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_SPACES = re.compile(r"(?<=\d)[\s\u00a0\u202f](?=\d{3}\b)")


class ParseFailed(ValueError):
    """A value that cannot be read as a number or a date."""


@dataclass(frozen=True)
class Parsed:
    """A value read from a cell, and how an ambiguous writing was read (else empty)."""

    value: float | None
    note: str = ""


def parse_number(raw: object) -> Parsed:
    """Read a number from a cell value.

    Parameters
    ----------
    raw
        A cell value: a number, a string in Vietnamese or English writing, or blank.

    Returns
    -------
    Parsed
        The number (``None`` for a blank cell) and a note when the writing was ambiguous.

    Raises
    ------
    ParseFailed
        When the value is not a number.
    """
    if raw is None or isinstance(raw, bool):
        if isinstance(raw, bool):
            raise ParseFailed(str(raw))
        return Parsed(None)
    if isinstance(raw, int | float):
        if isinstance(raw, float) and math.isnan(raw):
            return Parsed(None)
        if isinstance(raw, float) and math.isinf(raw):
            raise ParseFailed(str(raw))
        return Parsed(float(raw))
    if isinstance(raw, dt.date | dt.datetime | dt.time):
        raise ParseFailed(str(raw))
    text = str(raw).strip()
    if text in _BLANKS:
        return Parsed(None)
    if text.endswith("%"):
        text = text[:-1].rstrip()
    text = _SPACES.sub("", text)
    if _VN_THOUSANDS.match(text):
        return Parsed(float(text.replace(".", "").replace(",", ".")))
    if _VN_DECIMAL.match(text):
        value = float(text.replace(",", "."))
        note = ""
        if re.match(r"^[+-]?\d{1,3},\d{3}$", text):
            note = f"{vnformat.number(value, 10)} (dấu phẩy là dấu thập phân)"
        return Parsed(value, note)
    if _EN_DECIMAL.match(text):
        value = float(text)
        return Parsed(value, f"{vnformat.number(value, 10)} (dấu chấm đọc là dấu thập phân)")
    if _EN_THOUSANDS.match(text):
        value = float(text.replace(",", ""))
        return Parsed(value, f"{vnformat.number(value, 10)} (dấu phẩy đọc là dấu ngăn hàng nghìn)")
    raise ParseFailed(text)


_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_WORDS = re.compile(r"^(?:ngày\s*)?(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})$", re.IGNORECASE)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class ParsedDate:
    """A date read from a cell (``None`` when blank) and a note on an ambiguous writing."""

    value: dt.date | None
    note: str = ""


def parse_date(raw: object) -> ParsedDate:
    """Read a date from a cell value.

    Parameters
    ----------
    raw
        A date, datetime, Excel serial number or string, or blank.

    Returns
    -------
    ParsedDate
        The date (``None`` when blank) and a note when the writing was ambiguous.

    Raises
    ------
    ParseFailed
        When the value is not a date.
    """
    if raw is None:
        return ParsedDate(None)
    if isinstance(raw, dt.datetime):
        return ParsedDate(raw.date())
    if isinstance(raw, dt.date):
        return ParsedDate(raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 20000 <= raw <= 80000:
            return ParsedDate(_EXCEL_EPOCH + dt.timedelta(days=int(raw)))
        raise ParseFailed(str(raw))
    text = " ".join(str(raw).split())
    if text in _BLANKS:
        return ParsedDate(None)
    note = ""
    if match := _YMD.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := (_DMY.match(text) or _WORDS.match(text)):
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
            note = f"năm {year}"
        if month > 12 and day <= 12:
            day, month = month, day
            note = "tháng/ngày (kiểu Mỹ), đã đảo thành ngày/tháng"
    else:
        raise ParseFailed(text)
    try:
        return ParsedDate(dt.date(year, month, day), note)
    except ValueError as exc:
        raise ParseFailed(text) from exc

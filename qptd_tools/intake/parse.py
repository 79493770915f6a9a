"""Reading numbers and dates as Vietnamese users write them.

Numbers: a dot groups thousands and a comma marks decimals ("1.234.567", "12,5"). English
writing that cannot be misread ("1.5", "1,234,567") is accepted with a note saying how it was
read; a writing that reads two ways ("1,500": 1,5 or 1.500) is refused, never guessed. A dash
or an "x" is read as "not reported" and says so; a percent sign is reported to the caller,
which refuses it where the indicator is not measured in percent. Dates: day first
("25/8/2019", "25-08-2019", "ngày 25 tháng 8 năm 2019"), ISO ("2019-08-25"), Excel dates and
serial numbers; a blank of any kind (None, NaN, NaT) is no date.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from qptd_tools.core import vnformat

_EMPTY = {"", "…", "..."}
_MARKERS = {"-", "–", "—", "x", "X"}  # written in a cell to say "nothing": read as blank, said
_VN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_VN_DECIMAL = re.compile(r"^[+-]?\d+(?:,\d+)?$")
_TWO_WAYS = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")  # "1,500": 1,5 (Vietnamese) or 1.500 (English)
_EN_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")
_EN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?$|^[+-]?\d{1,3},\d{3}\.\d+$")
_SPACES = re.compile(r"(?<=\d)[\s\u00a0\u202f](?=\d{3}\b)")


class ParseFailed(ValueError):
    """A value that cannot be read as a number or a date."""


class ParseAmbiguous(ParseFailed):
    """A number written so that it reads two ways (``"1,500"``); ``readings`` gives both."""

    def __init__(self, text: str, readings: tuple[float, float]):
        super().__init__(text)
        self.readings = readings


@dataclass(frozen=True)
class Parsed:
    """A value read from a cell.

    ``note`` says how an unusual writing was read; ``marker`` is the dash or "x" that was read
    as "not reported"; ``percent`` is whether the writing carried a percent sign.
    """

    value: float | None
    note: str = ""
    marker: str = ""
    percent: bool = False


def _blank(raw: object) -> bool:
    """Whether a cell value is empty: None, NaN, NaT or pandas' NA (never raises)."""
    if raw is None:
        return True
    try:
        return bool(raw != raw)  # NaN, NaT
    except (TypeError, ValueError):  # pandas.NA refuses to be a bool
        return True


def parse_number(raw: object) -> Parsed:
    """Read a number from a cell value.

    Parameters
    ----------
    raw
        A cell value: a number, a string in Vietnamese or English writing, or blank.

    Returns
    -------
    Parsed
        The number (``None`` for a blank cell or a dash), with what was unusual about it.

    Raises
    ------
    ParseAmbiguous
        When the writing reads as two different numbers ("1,500").
    ParseFailed
        When the value is not a number.
    """
    if isinstance(raw, bool):
        raise ParseFailed(str(raw))
    if _blank(raw):
        return Parsed(None)
    if isinstance(raw, int | float):
        if math.isinf(raw):
            raise ParseFailed(str(raw))
        return Parsed(float(raw))
    if isinstance(raw, dt.date | dt.datetime | dt.time):
        raise ParseFailed(str(raw))
    text = str(raw).strip()
    if text in _EMPTY:
        return Parsed(None)
    if text in _MARKERS:
        return Parsed(None, marker=text)
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    text = _SPACES.sub("", text)
    if _TWO_WAYS.match(text):
        raise ParseAmbiguous(text, (float(text.replace(",", ".")), float(text.replace(",", ""))))
    if _VN_THOUSANDS.match(text):
        return Parsed(float(text.replace(".", "").replace(",", ".")), percent=percent)
    if _VN_DECIMAL.match(text):
        return Parsed(float(text.replace(",", ".")), percent=percent)
    if _EN_DECIMAL.match(text):
        value = float(text)
        note = f"{vnformat.number(value, 10)} (dấu chấm đọc là dấu thập phân)"
        return Parsed(value, note, percent=percent)
    if _EN_THOUSANDS.match(text):
        value = float(text.replace(",", ""))
        note = f"{vnformat.number(value, 10)} (dấu phẩy đọc là dấu ngăn hàng nghìn)"
        return Parsed(value, note, percent=percent)
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
    if _blank(raw):
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
    if text in _EMPTY or text in _MARKERS:
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

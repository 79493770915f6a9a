"""Vietnamese formatting of numbers, money and dates (Babel, locale ``vi``), and name order.

"1.234.567", "12,5%", "ngày 05 tháng 02 năm 2019", "1.490.000 đồng", "12,5 triệu đồng".
Vietnamese alphabetical order puts Ă, Â after A, Đ after D, Ê after E, Ô, Ơ after O and
Ư after U, and orders tones ngang, huyền, hỏi, ngã, sắc, nặng.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "vi"
_WIDE = Context(prec=80)  # room for any float with its decimals (1e20 with 10 decimals)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(
    value: float | int | None, decimals: int = 0, missing: str = "–", fixed: bool = False
) -> str:
    """Format a number: thousands with a dot, decimals with a comma ("1.234.567", "12,5").

    Parameters
    ----------
    value
        The number; ``None`` or NaN gives ``missing``.
    decimals
        At most this many decimals (trailing zeros are dropped).
    missing
        Text for a missing value.
    fixed
        Always show ``decimals`` decimals ("2,0" rather than "2").
    """
    if _missing(value):
        return missing
    return _formatted(repr(float(value)), decimals, fixed)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1 << 16)
def _formatted(value: str, decimals: int, fixed: bool) -> str:
    """Format a float given as its ``repr``; cached: figures format the same ticks at each draw."""
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals else "")
    with localcontext(_WIDE):  # Babel quantizes too: the default 28 digits fail on 1e20
        return format_decimal(_quantized(value, decimals), format=pattern, locale=LOCALE)


def _quantized(value: float | str, decimals: int) -> Decimal:
    with localcontext(_WIDE):
        text = value if isinstance(value, str) else repr(value)
        return Decimal(text).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def rounded(value: float, decimals: int = 1) -> float:
    """Round half up, as :func:`number` prints ("2,45" → 2,5), so sums of printed values agree."""
    return float(_quantized(value, decimals))


def percent(value: float | None, decimals: int = 1, missing: str = "–") -> str:
    """Format a percentage given in percent units: ``12.5`` → "12,5%"."""
    if _missing(value):
        return missing
    return number(value, decimals) + "%"


def dong(value: float | int | None, missing: str = "–") -> str:
    """Format an amount in đồng: "1.490.000 đồng"."""
    return missing if _missing(value) else f"{number(value)} đồng"


def million(value: float | None, decimals: int = 1, missing: str = "–") -> str:
    """Format an amount in millions of đồng: "12,5 triệu đồng"."""
    return missing if _missing(value) else f"{number(value, decimals)} triệu đồng"


def date_long(day: dt.date | None, missing: str = "ngày … tháng … năm …") -> str:
    """Format a date as in documents: "ngày 05 tháng 02 năm 2019".

    Days below 10 and months 1 and 2 take a leading zero (Decree 30/2020/NĐ-CP, Appendix I).
    """
    if day is None or (isinstance(day, float) and math.isnan(day)):
        return missing
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_short(day: dt.date | None, missing: str = "–") -> str:
    """Format a date as "05/02/2019"."""
    if day is None or (isinstance(day, float) and math.isnan(day)):
        return missing
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def date_prose(day: dt.date | None, missing: str = "…") -> str:
    """Format a date as prose writes it, without leading zeros: "15/9/2019"."""
    if day is None or (isinstance(day, float) and math.isnan(day)):
        return missing
    return f"{day.day}/{day.month}/{day.year}"


def weekday(day: dt.date) -> str:
    """Name the day of the week as a sentence does: "thứ Ba", "Chủ nhật" (Babel)."""
    name = format_date(day, "EEEE", locale=LOCALE)
    return name if name.startswith("Chủ") else name[0].lower() + name[1:]


_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_TONE_ORDER = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def _letters(word: str) -> list[tuple[str, str]]:
    """Split text into (letter, tone) pairs, letters keeping their breve/circumflex/horn."""
    out: list[tuple[str, str]] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONE_ORDER and out:
            out[-1] = (out[-1][0], ch)
        elif ch in _LETTER_MARKS and out:
            out[-1] = (unicodedata.normalize("NFC", out[-1][0] + ch), out[-1][1])
        else:
            out.append((ch, ""))
    return out


def _rank(ch: str) -> tuple[int, int]:
    if ch.isspace():
        return (0, 0)
    if ch in _ALPHABET:
        return (2, _ALPHABET.index(ch))
    return (1 if ch.isdigit() else 3, ord(ch))


def sort_key(text: str) -> tuple:
    """Return a key that sorts Vietnamese text in dictionary order (Đ after D)."""
    pairs = _letters(text)
    primary = tuple(_rank(ch) for ch, _ in pairs)
    secondary = tuple(_TONE_ORDER[tone] for _, tone in pairs)
    return primary, secondary


def sort_names(names: list[str]) -> list[str]:
    """Return names in Vietnamese alphabetical order."""
    return sorted(names, key=sort_key)


def fold(text: str) -> str:
    """Return a key for matching names across diacritics, spacing and case."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def same_name(a: str, b: str) -> bool:
    """Return whether two names are the same person or body, as typed by different people.

    Case and spacing never matter. Diacritics matter when both names carry them ("Hùng"
    and "Hưng" differ); a name typed without any ("Nguyen Van Hung") matches every name
    that folds to it ("Nguyễn Văn Hùng").
    """
    if fold(a) != fold(b):
        return False
    plain_a, plain_b = (
        " ".join(unicodedata.normalize("NFC", x).casefold().split()) for x in (a, b)
    )
    return plain_a == plain_b or plain_a == fold(a) or plain_b == fold(b)

"""Vietnamese text repair: Unicode NFC, and text typed in the legacy TCVN3 (ABC) or VNI codes.

Text typed with a ``.VnTime`` (TCVN3) or ``VNI-Times`` font and pasted into a workbook
arrives as Latin-1 letters (``"B¾c K¹n"``, ``"Baéc Kaïn"``). A string is repaired only when
it holds a character that correct Vietnamese never uses and its repaired form reads as
Vietnamese syllables clearly better than the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Literal

from qptd_tools.core.vnformat import fold

Encoding = Literal["TCVN3", "VNI"]
__all__ = ["clean_text", "fold", "repair_legacy", "vietnamese_score"]

# TCVN3 (TCVN 5712:1993, VN3): one byte per letter; capitals with tone marks use the
# "H" fonts with the lowercase codes, so only the base capitals below exist.
_TCVN3_PAIRS = (
    "aµà a¶ả a·ã a¸á a¹ạ ă¨ă ă»ằ ă¼ẳ ă½ẵ ă¾ắ ăÆặ â©â âÇầ âÈẩ âÉẫ âÊấ âËậ đ®đ "
    "eÌè eÎẻ eÏẽ eÐé eÑẹ êªê êÒề êÓể êÔễ êÕế êÖệ i×ì iØỉ iÜĩ iÝí iÞị "
    "oßò oáỏ oâõ oãó oäọ ô«ô ôåồ ôæổ ôçỗ ôèố ôéộ ơ¬ơ ơêờ ơëở ơìỡ ơíớ ơîợ "
    "uïù uñủ uòũ uóú uôụ ư\xadư ưõừ ưöử ư÷ữ ưøứ ưùự yúỳ yûỷ yüỹ yýý yþỵ "
    "Ă¡Ă Â¢Â Ê£Ê Ô¤Ô Ơ¥Ơ Ư¦Ư Đ§Đ"
)
TCVN3: dict[str, str] = {pair[1]: pair[2] for pair in _TCVN3_PAIRS.split()}

# VNI: a base letter followed by a mark character; a few letters are one character.
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_HAT_TONES = {"á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE_TONES = {"é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_SINGLE = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
    "Ô": "Ơ", "Ö": "Ư", "Ñ": "Đ", "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Î": "Ỵ",
}  # fmt: skip


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(code: str, text: str) -> None:
        table[code] = unicodedata.normalize("NFC", text)
        table[code.upper()] = unicodedata.normalize("NFC", text).upper()

    for base in "aeiouy":
        for mark, tone in _VNI_TONES.items():
            add(base + mark, base + tone)
    for base in "aeo":
        add(base + "â", base + "\u0302")
        for mark, tone in _VNI_HAT_TONES.items():
            add(base + mark, base + "\u0302" + tone)
    add("aê", "ă")
    for mark, tone in _VNI_BREVE_TONES.items():
        add("a" + mark, "a\u0306" + tone)
    for plain, modified in (("ô", "ơ"), ("ö", "ư")):
        for mark, tone in _VNI_TONES.items():
            add(plain + mark, modified + tone)
    table.update(_VNI_SINGLE)
    return table


VNI: dict[str, str] = _build_vni()

# Characters that correct Unicode Vietnamese text never contains, but legacy text does.
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_LEGACY_MARKERS = (set(TCVN3) | {c for k in VNI for c in k if ord(c) > 127}) - _VIETNAMESE_LATIN1

_ONSET = "(?:ngh|gh|gi|kh|ng|nh|ph|qu|th|tr|ch|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
_NUCLEI = [
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iê",
    "iu",
    "oa",
    "oă",
    "oe",
    "oi",
    "ôi",
    "ơi",
    "ua",
    "uâ",
    "uê",
    "ui",
    "uô",
    "uơ",
    "ưa",
    "ưi",
    "ưu",
    "ươ",
    "uy",
    "yê",
    "iêu",
    "oai",
    "oay",
    "oao",
    "oeo",
    "uai",
    "uây",
    "uôi",
    "ươi",
    "ươu",
    "uyê",
    "uya",
    "yêu",
    "uyu",
]
_NUCLEUS = "(?:" + "|".join(sorted(_NUCLEI, key=len, reverse=True)) + ")"
_CODA = "(?:ch|ng|nh|c|m|n|p|t)?"
_SYLLABLE = re.compile(f"^{_ONSET}{_NUCLEUS}{_CODA}$")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# A word: a run of anything but spaces, digits and ASCII punctuation, so that a legacy
# word such as "Nh©n" stays one word.
_WORD = re.compile(r"[^\s\d.,;:!?()\[\]{}\"'/\\|<>=+*&^%$#@~`_\-–—“”‘’…]+")


def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in _TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return tones <= 1 and bool(_SYLLABLE.match(base))


def vietnamese_score(text: str) -> float:
    """Return the share of a text's non-ASCII words that are well-formed Vietnamese syllables.

    Plain ASCII words read the same in every encoding, so they are left out.
    """
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return 0.0
    return sum(_is_syllable(w) for w in words) / len(words)


_UNICODE_ONLY = re.compile("[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")
_VNI_PAIR = re.compile("[aeiouyAEIOUY][ùøûõïáàåãäéèúüëâêô]")


def _per_word(decode: Callable[[str], str]) -> Callable[[str], str]:
    """Decode only the words that are not already Unicode Vietnamese (pasted mixes)."""

    def run(text: str) -> str:
        return "".join(
            part if _UNICODE_ONLY.search(part) else decode(part)
            for part in re.split(r"(\s+)", text)
        )

    return run


def _decode_tcvn3(text: str) -> str:
    return "".join(TCVN3.get(ch, ch) for ch in text)


def _decode_vni(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in VNI:
            out.append(VNI[pair])
            i += 2
        else:
            out.append(VNI.get(text[i], text[i]))
            i += 1
    return "".join(out)


def repair_legacy(text: str) -> tuple[str, Encoding | None]:
    """Repair text typed in TCVN3 or VNI; return the text and the encoding found.

    Parameters
    ----------
    text
        A string as read from a cell or a CSV field.

    Returns
    -------
    tuple
        The repaired (or unchanged) text, and ``"TCVN3"``, ``"VNI"`` or ``None``.
    """
    if not any(ch in _LEGACY_MARKERS for ch in text):
        # VNI text without its telltale letters ("Nguyeãn Vaên An") uses only letters that
        # correct Vietnamese also uses: repaired only when it does not read as Vietnamese
        # and its VNI reading does, clearly
        score = vietnamese_score(text)
        if not _VNI_PAIR.search(text) or score >= 0.75:
            return text, None
        candidate = _per_word(_decode_vni)(text)
        better = vietnamese_score(candidate)
        if better >= 0.95 and better - score >= 0.4:
            return candidate, "VNI"
        return text, None
    original = vietnamese_score(text)
    best: tuple[float, str, Encoding | None] = (original, text, None)
    candidates: tuple[tuple[Encoding, str], ...] = (
        ("TCVN3", _per_word(_decode_tcvn3)(text)),
        ("VNI", _per_word(_decode_vni)(text)),
    )
    for name, candidate in candidates:
        score = vietnamese_score(candidate)
        if score >= max(best[0], original + 0.2) and score >= 0.6 and score > best[0]:
            best = (score, candidate, name)
    return best[1], best[2]


def clean_text(value: object) -> tuple[str, Encoding | None]:
    """Return a cell's text stripped, legacy-repaired and in Unicode NFC.

    Parameters
    ----------
    value
        Any cell value; ``None`` gives an empty string.

    Returns
    -------
    tuple
        The clean text and the legacy encoding that was repaired (or ``None``).
    """
    if value is None:
        return "", None
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ").strip()
    repaired, encoding = repair_legacy(text)
    return unicodedata.normalize("NFC", repaired), encoding

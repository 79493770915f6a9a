"""The document's metadata, from the registry, ``documents.yaml`` and the run's parameters.

Issuing body and its upper body, number and symbol, place and date, subject, signer and
distribution list: never typed into an output file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat

SMALL_WORDS = {"và", "-", "–"}


def abbreviation(name: str) -> str:
    """Return the initials of a body's name, without tone marks: "Sở Nội vụ" → "SNV"."""
    words = [w for w in name.replace(",", " ").split() if w.lower() not in SMALL_WORDS]
    initials = "".join(w[0] for w in words)
    return "".join("Đ" if c in "Đđ" else vnformat.fold(c).upper() for c in initials)


def place_name(cat: Catalog, unit_code: str) -> str:
    """Return the place written before the date: "Ba Bể", "Dương Quang", "Bắc Kạn"."""
    unit = cat.unit(unit_code)
    if unit["level"] in ("huyen", "xa"):
        kind = str(unit["division_type"])
        name = str(unit["name"])
        return name[len(kind) :].strip() if name.lower().startswith(kind.lower()) else name
    if (
        unit["level"] == "donvi"
        and unit["parent_code"]
        and cat.unit(unit["parent_code"])["level"] == "huyen"
    ):
        return place_name(cat, str(unit["parent_code"]))
    return cat.review.province_name


def body_name(cat: Catalog, unit_code: str) -> str:
    """Name a unit as a body in prose: "Ủy ban nhân dân xã Dương Quang", "Sở Nội vụ"."""
    unit = cat.unit(unit_code)
    if unit["level"] in ("xa", "huyen", "tinh"):
        return f"Ủy ban nhân dân {cat.place(unit_code)}"
    return str(unit["name"])


def children_words(cat: Catalog, unit_code: str) -> str:
    """Name the units directly below as a distribution list does: "các xã", "các phường, xã"."""
    kids = cat.children(unit_code)
    kids = kids.loc[kids["level"].isin(("huyen", "xa"))]
    return cat.kinds(kids) if len(kids) else "các đơn vị trực thuộc"


def _deputy(signer_title: str, head: str) -> str:
    """Return the signer's title in capitals when a deputy signs for the head, else ""."""
    title = " ".join(signer_title.split()).upper()
    if not title or title == head.upper() or title.removeprefix("KT. ") == head.upper():
        return ""
    return title


def profile(day: dt.date | None, frame: dict[str, Any], chosen: str = "auto") -> str:
    """Return the format profile: ``tt01`` (Circular 01/2011) or ``nd30`` (Decree 30/2020)."""
    if chosen in ("tt01", "nd30"):
        return chosen
    switch = frame.get("profile_switch_date", dt.date(2020, 3, 5))
    return "nd30" if day is not None and day >= switch else "tt01"


def document(
    cat: Catalog,
    unit_code: str,
    *,
    chair: str | None = None,
    day: dt.date | None = None,
    number: str = "",
    signer: str = "",
    signer_title: str = "",
    format_profile: str = "auto",
    sample: bool = False,
) -> dict[str, Any]:
    """Return the metadata of one unit's report.

    Parameters
    ----------
    cat
        The catalogues.
    unit_code
        The unit.
    chair
        The conference chair (the signer of a People's Committee's report by default).
    day
        The document's date (``None``: "ngày … tháng … năm …" to be filled in).
    number
        The document number ("" leaves the space to fill in).
    signer
        The signer's name (default: the chair for People's Committees, else the visible
        placeholder "[Họ và tên người ký]").
    signer_title
        The signer's own title when it is not the head's ("Phó Chủ tịch"): the block then
        signs on the head's behalf ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", Decree 30/2020/NĐ-CP).
    format_profile
        ``auto`` (by date), ``tt01`` or ``nd30``.
    sample
        Whether the data are the synthetic sample.
    """
    frame = cat.documents
    unit = cat.unit(unit_code)
    level = str(unit["level"])
    rules = frame["levels"][level]
    parent = cat.unit(str(unit["parent_code"])) if unit["parent_code"] else None
    full_name = str(unit["name"])
    if full_name.endswith(" tỉnh"):  # "Hội Nông dân tỉnh" → "… tỉnh Bắc Kạn" in the letterhead
        full_name = f"{full_name} {cat.review.province_name}"
    words = {
        "NAME": full_name.upper(),
        "place": place_name(cat, unit_code),
        "PLACE": place_name(cat, unit_code).upper(),
        "province": cat.review.province_name,
        "PROVINCE": f"TỈNH {cat.review.province_name}".upper(),
        "parent": cat.place(str(parent["unit_code"])) if parent is not None else "",
        "PARENT": str(parent["name"]).upper() if parent is not None else "",
        "abbr": frame.get("symbols", {}).get(unit_code) or abbreviation(str(unit["name"])),
        "children": children_words(cat, unit_code),
        "start": cat.review.period_start,
        "end": cat.review.period_end,
    }
    commands = frame.get("commands", {})
    words["PARENT_COMMAND"] = str(commands.get(unit_code, commands.get("default", ""))).format(
        **words
    )
    authority, title = rules["authority"], rules["title"]
    if level == "nganh":
        for prefix, auth, ttl in frame.get("titles_by_name", []):
            if str(unit["name"]).startswith(prefix):
                authority, title = auth, ttl
                break
    name = signer or (chair if rules.get("signer_from_chair") and chair else "")
    title = title.format(**words)
    deputy = _deputy(signer_title, title)
    return {
        "unit_code": unit_code,
        "level": level,
        "upper_body": rules["upper_body"].format(**words),
        "issuer": [line.format(**words) for line in rules["issuer"]],
        "number": number,
        "symbol": rules["symbol"].format(**words),
        "place": words["place"],
        "date": day.isoformat() if day else None,
        "date_text": vnformat.date_long(day)
        if day
        else f"ngày … tháng … năm {cat.review.period_end}",
        "title": frame["title"],
        "subject": frame["subject"].format(**words),
        "national_name": frame["national_name"],
        "motto": frame["motto"],
        "authority": authority.format(**words),
        "on_behalf": f"KT. {title}" if deputy else "",
        "signer_title": deputy or title,
        "signer": name,
        "signer_missing": not name,
        "recipients": [r.format(**words) for r in rules["recipients"]],
        "profile": profile(day, frame, format_profile),
        "sample": sample,
    }

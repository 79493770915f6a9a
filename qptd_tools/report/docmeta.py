"""The document's metadata, from the registry, ``documents.yaml`` and the run's parameters.

Issuing body and its upper body, number and symbol, place and date, subject, signer and
distribution list: never typed into an output file.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat

SMALL_WORDS = {"và", "-", "–"}


@functools.lru_cache(maxsize=4)
def _frames(path: str) -> dict[str, Any]:
    return dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def frames(root: Path | None = None) -> dict[str, Any]:
    """Return ``documents.yaml``: the workspace's override when present, else the bundled one."""
    if root is not None and (root / "catalog" / "documents.yaml").is_file():
        return _frames(str(root / "catalog" / "documents.yaml"))
    return _frames(str(resources.files("qptd_tools.catalog") / "data" / "documents.yaml"))


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
    format_profile: str = "auto",
    sample: bool = False,
    root: Path | None = None,
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
        The signer's name (default: the chair for People's Committees, else blank).
    format_profile
        ``auto`` (by date), ``tt01`` or ``nd30``.
    sample
        Whether the data are the synthetic sample.
    root
        The workspace (for an overriding ``catalog/documents.yaml``).
    """
    frame = frames(root)
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
        "signer_title": title.format(**words),
        "signer": name,
        "recipients": [r.format(**words) for r in rules["recipients"]],
        "profile": profile(day, frame, format_profile),
        "sample": sample,
    }

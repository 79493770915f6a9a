"""What each sub-unit wrote, section by section, for the level that compiles them (Guidance 297, II.2).

Departments send their reports to the military agency of their level, which compiles them;
a district compiles its communes, the province its districts and departments. The analyst
writing the compiling unit's own section reads, per outline section, every sub-unit's text
with its source — the whole text, or its key sentences (the first sentences, up to a length).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

COLUMNS = ["section_id", "section", "unit_code", "unit", "text", "source"]
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-ZÀ-Ỹ0-9Đ])")


def key_sentences(text: str, limit: int = 300) -> str:
    """Return the first sentences of a text, whole, up to about ``limit`` characters."""
    text = " ".join(str(text).split())
    out = ""
    for sentence in _SENTENCE.split(text):
        if out and len(out) + len(sentence) + 1 > limit:
            return out + " …"
        out = f"{out} {sentence}".strip()
    return out


def by_section(
    narrative: pd.DataFrame,
    below: pd.DataFrame,
    outline: pd.DataFrame,
    titles: Mapping[str, str] | None = None,
    *,
    full: bool = False,
    limit: int = 300,
) -> pd.DataFrame:
    """Return, per outline section and sub-unit, the text it wrote and where it came from.

    Parameters
    ----------
    narrative
        The narrative in force (``WorkspaceData.narrative``: workbooks and Word documents
        merged), with its provenance columns.
    below
        The registry rows of the sub-units compiled (a district's communes; the province's
        districts and departments), in the order they are listed.
    outline
        The outline (``outline.csv``): sections in its order.
    titles
        Each section's heading as the compiling unit's report words it (default: its id).
    full
        The whole text (default: the key sentences, up to ``limit`` characters).
    """
    order = {s: i for i, s in enumerate(outline.sort_values("order")["section_id"])}
    rank = {u: i for i, u in enumerate(below["unit_code"])}
    names = below.set_index("unit_code")["name"]
    part = narrative.loc[
        narrative["unit_code"].isin(rank) & narrative["text"].fillna("").str.strip().ne("")
    ]
    if part.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.DataFrame({
        "section_id": part["section_id"],
        "section": part["section_id"].map(titles) if titles else part["section_id"],
        "unit_code": part["unit_code"],
        "unit": part["unit_code"].map(names),
        "text": part["text"] if full else part["text"].map(lambda t: key_sentences(t, limit)),
        "source": [f"{f} ({s}{', ' + c if c else ''})" if s else str(f)
                   for f, s, c in zip(part["source_file"], part["sheet"].fillna(""), part["cell"].fillna(""), strict=True)],
    })  # fmt: skip
    out["_s"] = out["section_id"].map(order)
    out["_u"] = out["unit_code"].map(rank)
    return out.sort_values(["_s", "_u"]).drop(columns=["_s", "_u"]).reset_index(drop=True)


def points(
    compiled: pd.DataFrame, section_id: str, limit: int = 200
) -> list[tuple[str, list[str]]]:
    """Return the distinct points the sub-units make in a section, most shared first.

    ``compiled`` is :func:`by_section` (full texts, sub-units in their listed order). Texts
    whose key sentences (up to ``limit`` characters) read the same, spaces and case aside, are
    one point; each comes with the codes of the units that make it, in the listed order.
    """
    part = compiled.loc[compiled["section_id"] == section_id]
    grouped: dict[str, tuple[str, list[str]]] = {}
    for code, text in zip(part["unit_code"], part["text"], strict=True):
        said = key_sentences(text, limit)
        grouped.setdefault(said.casefold(), (said, []))[1].append(str(code))
    order = {key: i for i, key in enumerate(grouped)}
    ranked = sorted(grouped, key=lambda k: (-len(grouped[k][1]), order[k]))
    return [grouped[k] for k in ranked]

"""Reading a unit's report written in Word (``.docx``): its unit, and its text by outline section.

Departments send their report as a document (Guidance 297, II.2); communes and districts edit
the toolkit's draft in Word or LibreOffice Writer. Either way the qualitative text is read
here, section by section of the outline (``outline.csv``) of the unit's level:

* **the unit** — the toolkit's own metadata (a draft it wrote names its unit), else the
  letterhead (the issuing body's lines at the top: "ỦY BAN NHÂN DÂN / XÃ BẰNG THÀNH"), else
  the file name's code; a name carrying another unit's code is refused as for workbooks;
* **the headings** — a paragraph in a heading style, in bold, or starting with an outline
  label ("1.", "1)", "a)", "II.", "-", "*", Word's own numbering) whose words, folded for case,
  diacritics and spacing, are a section's title; the text up to the next heading is that
  section's, with its heading and paragraph range kept as provenance;
* what cannot be placed is said, never dropped silently: headings matching no section
  (W117), sections missing (W118), text outside any section (W119), a table or a figure
  inside a section (W120: a table is kept as lines of text, a figure cannot be).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import pandas as pd
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from qptd_tools.catalog import Catalog
from qptd_tools.core.draft import DRAFT_MARK, GENERATED, GENERATED_TABLE, text_digest
from qptd_tools.core.errors import InputRejected, Problem
from qptd_tools.core.vnformat import fold
from qptd_tools.intake.text import clean_text

# "Phần I", "II.", "1.", "1)", "a)", "đ)", "-", "+", "*", "•" before a heading's words
LABEL = re.compile(r"^\s*(phần\s+[ivxlc]+\b[.:]?|[ivxlc]+[.)]|\d+(\.\d+)*[.)]?|[a-zđ][.)]|[-+*•–])\s*",
                   re.IGNORECASE)  # fmt: skip
END = re.compile(r"^\s*(nơi nhận|tm\.|kt\.|q\.|t/m)\b", re.IGNORECASE)
ORIGINS = {"draft": "bản dự thảo đã sửa", "document": "văn bản của đơn vị"}


@dataclass
class Block:
    """One paragraph or table of the document's body, in order."""

    index: int  # 1-based paragraph number as a reader counts them (tables count as one)
    text: str
    heading_like: bool = False
    table: bool = False
    figure: bool = False
    generated: bool = False  # written by the toolkit and not changed since: not the unit's text
    replaces: str = ""  # the digest of the generated paragraph this one is an edit of


@dataclass
class ReadDocument:
    """What was read from one document: the unit, each section's text, and the problems."""

    unit_code: str = ""
    origin: str = "document"
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def frame(self) -> pd.DataFrame:
        """The ``documents`` table rows: unit, section, text, origin, and where they were."""
        columns = ["unit_code", "section_id", "text", "origin", "replaces", "sheet", "cell"]
        return pd.DataFrame(self.rows, columns=columns)


def _bold(paragraph: Any) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.bold or (r.style is not None and r.style.font.bold) for r in runs)


def _numbered(paragraph: Any) -> bool:
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.find(qn("w:numPr")) is not None


def _generated(element: Any, text: str) -> tuple[bool, str]:
    """Return whether a block is the toolkit's own, unchanged, and what generated text it edits.

    The hidden bookmark says it; for a paragraph the unit edited, the digest of the generated
    text it replaces is returned (empty otherwise).
    """
    for mark in element.iter(qn("w:bookmarkStart")):
        name = mark.get(qn("w:name")) or ""
        if name == GENERATED_TABLE:
            return True, ""
        if name.startswith(GENERATED):
            digest = name[len(GENERATED) :]
            return (True, "") if digest == text_digest(text) else (False, digest)
    return False, ""


def _blocks(document: Any) -> Iterator[Block]:
    """Walk the body in order: paragraphs and tables, with what marks a heading."""
    index = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            text = clean_text(paragraph.text.replace("\u200b", ""))[0]
            figure = bool(
                child.findall(".//" + qn("w:drawing")) or child.findall(".//" + qn("w:pict"))
            )
            if not text and not figure:
                continue
            index += 1
            style = (paragraph.style.name if paragraph.style is not None else "").lower()
            heading = style.startswith(("heading", "title", "tiêu đề", "đề mục")) or (
                len(text) <= 300
                and (_bold(paragraph) or _numbered(paragraph) or bool(LABEL.match(text)))
            )
            generated, replaces = _generated(child, paragraph.text)
            yield Block(
                index,
                text,
                heading_like=heading,
                figure=figure,
                generated=generated,
                replaces=replaces,
            )
        elif child.tag == qn("w:tbl"):
            index += 1
            table = Table(child, document)
            lines = []
            for row in table.rows:
                cells: list[str] = []
                for cell in row.cells:  # merged cells repeat: keep each text once per row
                    value = clean_text(cell.text)[0]
                    if value and value not in cells:
                        cells.append(value)
                if cells:
                    lines.append(" | ".join(cells))
            first = child.find(".//" + qn("w:p"))
            generated = first is not None and _generated(first, "")[0]
            yield Block(index, "\n".join(lines), table=True, generated=generated)


def _titles(cat: Catalog, unit_code: str) -> tuple[tuple[str, str, str, bool], ...]:
    """Return each outline section as (id, folded title, label kind, takes text), for a unit."""
    outline = cat.outline.sort_values("order")
    out = []
    for row in outline.itertuples():
        title = cat.section_title(str(row.section_id), unit_code).format(
            start=cat.review.period_start, end=cat.review.period_end
        )
        label = fold(str(row.label)).strip()
        out.append((str(row.section_id), _key(title), label if row.level == "part" else str(row.level),
                    row.narrative != "none"))  # fmt: skip
    return tuple(out)


def _key(text: str) -> str:
    """Fold a heading for matching: no label, case, diacritics, punctuation or extra spaces."""
    text = LABEL.sub("", text, count=1)
    text = fold(text)
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return text.strip()


def _label_kind(text: str) -> str:
    """Say how a heading is numbered: ``roman`` "II.", ``arabic`` "1." / "1)", ``point`` "a)"."""
    match = LABEL.match(text)
    label = fold(match.group(1)) if match else ""
    if re.fullmatch(r"[ivxlc]+[.)]", label):
        return "roman"
    if re.fullmatch(r"\d+(\.\d+)*[.)]?", label):
        return "arabic"
    if re.fullmatch(r"[a-z][.)]", label):
        return "point"
    return ""


def match_heading(text: str, titles: tuple[tuple[str, str, str, bool], ...]) -> str | None:
    """Return the section a heading names, or None.

    Exact words first; then the closest title with a similarity of at least 0.9 (a typo, a
    word changed); a part heading may be its label alone ("Phần II"). Where two sections
    share their words ("ĐẶC ĐIỂM, TÌNH HÌNH" and "1. Đặc điểm, tình hình"), the heading's own
    numbering decides, else the section that takes text.
    """
    key = _key(text)
    label = fold(text).strip().rstrip(".:")
    if not key:
        part = [s for s, _, kind, _ in titles if kind.startswith("phan") and kind == label]
        return part[0] if part else None
    same = [t for t in titles if t[1] == key]
    if not same:
        scored = [(difflib.SequenceMatcher(None, key, t[1]).ratio(), t) for t in titles]
        best = max(scored, key=lambda x: x[0], default=(0.0, None))
        same = [t for r, t in scored if r == best[0] and r >= 0.9]
    if not same:
        return None
    kind = _label_kind(text)
    same.sort(key=lambda t: (t[2] != kind, not t[3]))
    return same[0][0]


def _unit_from_letterhead(blocks: list[Block], cat: Catalog) -> list[str]:
    """Return the units whose name is a line of the letterhead (bottom line first)."""
    names: dict[str, list[str]] = {}
    for row in cat.units.itertuples():
        names.setdefault(_key(str(row.name)), []).append(str(row.unit_code))
    top = [b for b in blocks[:6] if b.table][:1] or blocks[:4]
    lines: list[str] = []
    for block in top:
        lines += [part for line in block.text.splitlines() for part in line.split(" | ")]
    found: list[str] = []
    for line in reversed(lines[:6]):
        key = re.sub(r"^(uy ban nhan dan|ubnd)\s+", "", _key(line))
        if key in names and len(names[key]) == 1 and names[key][0] not in found:
            found.append(names[key][0])
    return found


def read_document(path: Path, cat: Catalog, sha256: str = "") -> ReadDocument:
    """Read a ``.docx`` report: its unit, and each outline section's text with provenance.

    Raises
    ------
    InputRejected
        QPTD-E005 (not a readable document), QPTD-E053 (no unit found), QPTD-E054 (no section).
    """
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise InputRejected([Problem("QPTD-E005", file=path.name,
                                     detail="không phải văn bản Word .docx hợp lệ")]) from exc  # fmt: skip
    out = ReadDocument()
    identifier = str(document.core_properties.identifier or "")
    blocks = list(_blocks(document))
    if identifier.startswith(DRAFT_MARK) and identifier[len(DRAFT_MARK) :] in set(
        cat.units["unit_code"]
    ):
        out.unit_code, out.origin = identifier[len(DRAFT_MARK) :], "draft"
    else:
        found = _unit_from_letterhead(blocks, cat)
        if found:
            out.unit_code = found[0]
        else:
            from qptd_tools.intake.ingest import name_codes

            codes = name_codes(path.name, cat)
            if len(codes) == 1:
                out.unit_code = codes[0]
    if not out.unit_code:
        raise InputRejected([Problem("QPTD-E053", file=path.name)])
    titles = _titles(cat, out.unit_code)
    narrative = set(cat.outline.loc[cat.outline["narrative"] != "none", "section_id"])
    section: str | None = None
    heading = ""
    parts: dict[str, list[Block]] = {}
    headings: dict[str, str] = {}
    outside: list[Block] = []
    started = False
    for block in blocks:
        if END.match(block.text):
            break  # the signature block and the distribution list end the body
        if block.generated:
            continue  # the toolkit's own text, unchanged: recomputed at the next run
        named = (
            match_heading(block.text, titles) if block.heading_like and not block.table else None
        )
        if named is not None:
            started, section, heading = True, named, block.text
            headings.setdefault(named, heading)
            continue
        if block.heading_like and started and not block.table and len(block.text) <= 200 \
                and not block.text.rstrip().endswith((".", ";", ":")):  # fmt: skip
            out.problems.append(Problem("QPTD-W117", file=path.name, value=block.text[:120],
                                        cell=f"đoạn {block.index}"))  # fmt: skip
            section, heading = None, ""
            continue
        if not started:
            continue  # the letterhead, the title and the subject come before the first section
        if section is not None and section in narrative:
            parts.setdefault(section, []).append(block)
        else:
            outside.append(block)
    if not parts and not headings:
        raise InputRejected([Problem("QPTD-E054", file=path.name, unit_code=out.unit_code,
                                     detail=f" ({cat.unit(out.unit_code)['name']})")])  # fmt: skip
    for block in outside:
        where = f"đoạn {block.index}"
        out.problems.append(Problem("QPTD-W119", file=path.name, cell=where, detail=where,
                                    value=block.text[:80]))  # fmt: skip
    for section_id, found_blocks in parts.items():
        kept = [b for b in found_blocks if b.text]
        title = headings[section_id]
        tables = sum(b.table for b in found_blocks)
        figures = sum(b.figure for b in found_blocks)
        said = [f"{tables} bảng (đọc thành văn bản)"] if tables else []
        said += [f"{figures} hình (không đọc được)"] if figures else []
        if said:
            out.problems.append(Problem("QPTD-W120", file=path.name, value=title[:80],
                                        detail=", ".join(said)))  # fmt: skip
        if not kept:
            continue
        out.rows.append({"unit_code": out.unit_code, "section_id": section_id,
                         "text": "\n".join(b.text for b in kept), "origin": out.origin,
                         "replaces": " ".join(b.replaces for b in kept if b.replaces),
                         "sheet": title[:200], "cell": f"đoạn {kept[0].index}-{kept[-1].index}"})  # fmt: skip
    required = cat.outline.loc[cat.outline["narrative"] == "required", "section_id"]
    missing = [s for s in required if s not in parts]
    if missing:
        names = [f"{cat.section_title(s, out.unit_code)}" for s in missing]
        out.problems.append(Problem("QPTD-W118", file=path.name, unit_code=out.unit_code,
                                    detail="; ".join(names[:8]) + (f" và {len(names) - 8} mục khác" if len(names) > 8 else "")))  # fmt: skip
    return out

"""Building the DOCX of a report in the Vietnamese administrative format (DESIGN §8).

A4, margins 20/20/30/15 mm; Times New Roman; the two-column letterhead with a short line under
the issuing body and a full-length line under the motto; "Số: …" and the italic place and date
on one line; "BÁO CÁO" and its subject; justified body, 14 pt, first-line indent 1,27 cm,
6 pt after; the outline's headings; tables with a repeated header row and right-aligned
Vietnamese numbers; figures with captions; page numbers by profile (none on page 1); the
"Nơi nhận" and signature table; the appendix after the signature. Same blocks, same bytes.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx import Document as new_document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from qptd_tools.core.config import SAMPLE_LABEL
from qptd_tools.core.draft import DRAFT_MARK, GENERATED, GENERATED_TABLE, text_digest
from qptd_tools.core.fsutil import FixedZip
from qptd_tools.export.collect import Document
from qptd_tools.report.blocks import heading_text

# Elements that must follow the one being inserted (OOXML schema order), so Word opens the file.
PPR_AFTER_PBDR = tuple(f"w:{t}" for t in (
    "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
    "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
    "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"))  # fmt: skip
TBLPR_AFTER_BORDERS = tuple(
    f"w:{t}" for t in ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")
)
TRPR_AFTER_CANTSPLIT = tuple(
    f"w:{t}" for t in ("trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden")
)

FONT = "Times New Roman"
SIGNER_PLACEHOLDER = "[Họ và tên người ký]"
BODY_PT = 14
TEXT_WIDTH = Mm(165)
WIDE_WIDTH = Mm(252)  # a landscape page: 297 mm less the same margins
LEFT_COL = Mm(70)  # the issuer's column: "SỞ KHOA HỌC VÀ CÔNG NGHỆ" on one line
RIGHT_COL = TEXT_WIDTH - LEFT_COL
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "sha": WD_ALIGN_PARAGRAPH.LEFT,
    "code": WD_ALIGN_PARAGRAPH.LEFT,  # a code ("QPTD-A005"): left, never broken
}


# a run's properties by (size, bold, italic): made once through python-docx, then copied
_RUN_PROPERTIES: dict[tuple[float | None, bool | None, bool | None], Any] = {}


def _fonts(
    run_or_style: Any,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
) -> None:
    """Set the document's font, its size, weight and slant, in black.

    A new run gets a copy of the properties made for the first run of the same kind: the same
    XML, without python-docx's element-by-element work (the documents' largest cost).
    """
    run = getattr(run_or_style, "_r", None)
    if run is not None and run.rPr is None:
        made = _RUN_PROPERTIES.get((size, bold, italic))
        if made is not None:
            run.insert(0, copy.deepcopy(made))
            return
        _set_fonts(run_or_style, size, bold, italic)
        _RUN_PROPERTIES[(size, bold, italic)] = copy.deepcopy(run.rPr)
        return
    _set_fonts(run_or_style, size, bold, italic)


def _set_fonts(
    run_or_style: Any, size: float | None, bold: bool | None, italic: bool | None
) -> None:
    font = run_or_style.font
    font.name = FONT
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    font.color.rgb = RGBColor(0, 0, 0)


def _para(container: Any, text: str = "", *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
          align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False, after: float = 6, before: float = 0,
          keep_next: bool = False) -> Paragraph:  # fmt: skip
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    fmt.line_spacing = 1.15
    fmt.first_line_indent = Cm(1.27) if indent else Cm(0)
    fmt.keep_with_next = keep_next
    if text:
        _fonts(paragraph.add_run(text), size, bold, italic)
    return paragraph


def _rule(paragraph: Paragraph, width: Any, cell_width: Any) -> None:
    """Draw a solid line under a paragraph, ``width`` long, centred in ``cell_width``."""
    side = int((cell_width - width) / 2)
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, *PPR_AFTER_PBDR)


def _tiny(paragraph: Paragraph) -> Paragraph:
    """Make an empty paragraph one hair high, so a line drawn under it hugs the text above."""
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(2)
    fmt.space_after = Pt(6)
    run = paragraph.add_run("\u200b")
    _fonts(run, 2)
    return paragraph


# word pairs a letterhead line is never broken between (a line break inside them misreads)
_BOUND = {("ỦY", "BAN"), ("BAN", "NHÂN"), ("NHÂN", "DÂN"), ("CHỈ", "HUY"), ("QUÂN", "SỰ"),
          ("PHÁT", "THANH"), ("TRUYỀN", "HÌNH"), ("MẶT", "TRẬN"), ("TỔ", "QUỐC"), ("VIỆT", "NAM"),
          ("BẮC", "KẠN"), ("THƯƠNG", "BINH"), ("XÃ", "HỘI")}  # fmt: skip


def _balanced(text: str, size: float, bold: bool, width: Any, depth: int = 0) -> list[str]:
    """Split a letterhead line too wide for its column into two lines of even length.

    "ỦY BAN NHÂN DÂN TỈNH BẮC KẠN" → "ỦY BAN NHÂN DÂN" / "TỈNH BẮC KẠN", never inside a name
    the way a word processor's wrap would ("TỈNH BẮC" / "KẠN").
    """
    words = text.split()

    def wide(line: str) -> Any:  # capitals are wide: the per-letter estimate, not the average
        return Pt(size * _ems(line, bold))

    if wide(text) <= width or len(words) < 2:
        return [text]

    def fits(i: int) -> bool:
        return all(wide(" ".join(part)) <= width for part in (words[:i], words[i:]))

    def longer(i: int) -> int:
        return max(len(" ".join(words[:i])), len(" ".join(words[i:])))

    # a place, "VÀ" or what follows a dash starts a line where it can ("… / TỈNH BẮC KẠN",
    # "SỞ LAO ĐỘNG - / THƯƠNG BINH …"); else the most even cut
    starts = ("TỈNH", "HUYỆN", "THÀNH", "XÃ", "QUẬN", "PHƯỜNG", "VÀ", "ỦY")

    def natural(i: int) -> bool:
        return words[i] in starts or words[i - 1] == "-"

    def head_fits(i: int) -> bool:
        return bool(wide(" ".join(words[:i])) <= width)

    def inside(i: int) -> bool:  # inside a word pair or right after a place word: never there
        return (words[i - 1], words[i]) in _BOUND or words[i - 1] in starts[:6]

    cut = min(
        range(1, len(words)), key=lambda i: (inside(i), not fits(i), not natural(i), longer(i))
    )
    head, rest = " ".join(words[:cut]), " ".join(words[cut:])
    if fits(cut) or depth >= 1:
        return [head, rest]
    # a third line rather than a name broken by the word processor
    return [
        *_balanced(head, size, bold, width, depth + 1),
        *_balanced(rest, size, bold, width, depth + 1),
    ]


def _text_width(text: str, size: float, bold: bool) -> Any:
    """Estimate a line's printed width (Times New Roman averages about 0,5 em a character)."""
    em = 0.53 if bold else 0.48
    return Pt(size * em * len(text))


def _borderless(table: Table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tblpr.insert_element_before(borders, *TBLPR_AFTER_BORDERS)


def _widths(table: Table, widths: list[Any]) -> None:
    """Fix column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False  # python-docx writes <w:tblLayout w:type="fixed"/> in its place
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width / 635)))  # EMU → twentieths of a point
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _no_split(table: Table) -> None:
    for row in table.rows:
        trpr = row._tr.get_or_add_trPr()
        element = OxmlElement("w:cantSplit")
        element.set(qn("w:val"), "true")
        trpr.insert_element_before(element, *TRPR_AFTER_CANTSPLIT)


def _ems(text: str, bold: bool = False) -> float:
    """Estimate a line's width in ems of Times New Roman (capitals wider, points narrower)."""
    width = 0.0
    for ch in text:
        if ch.isupper():
            width += 0.72
        elif ch.isdigit() or ch.isalpha():
            width += 0.5
        elif ch in ".,;:!'’ \u00a0":
            width += 0.27
        elif ch == "%":
            width += 0.83
        elif ch in "+−-–=×":
            width += 0.57
        else:
            width += 0.4
    return width * (1.08 if bold else 1.0)


def _column_widths(
    columns: list[str],
    rows: list[list[str]],
    align: list[str],
    size: float,
    width: int = TEXT_WIDTH,
) -> list[Any] | None:
    """Share the width: numbers get what they need (never wrapped), text columns the rest.

    A number column needs its longest value, and each word of its header, whole; a text
    column its longest value up to 40 characters (it may wrap, down to 30 mm); each adds the
    cell's inner margins. Returns None when the numbers alone do not fit at this size.
    """
    em, pad, least, text_floor = Pt(size), Mm(4), Mm(10), Mm(45)
    text_cols = [c for c, a in enumerate(align) if a == "left"]
    need = []
    for c, name in enumerate(columns):
        cells = [str(r[c]) for r in rows] or [""]
        # each word of a header whole; a short header ("Đơn vị tính") on one line
        header = max((_ems(w, bold=True) for w in str(name).split()), default=0.0)
        if len(str(name)) <= 12:
            header = _ems(str(name), bold=True)
        if align[c] == "sha":
            longest = 12.0
        elif c in text_cols:  # text wraps: its longest value up to about 40 characters
            longest = max(header, min(max(map(_ems, cells)), 20.0))
        elif align[c] == "center":  # short words ("lượt người") may wrap between words
            longest = max(header, *(_ems(w) for cell in cells for w in cell.split() or [""]))
        else:  # a number is never wrapped (5% to spare for the estimate)
            longest = max(header, 1.05 * max(map(_ems, cells)))
        need.append(max(least, int(em * longest) + pad))
    floor = [min(text_floor, w) if c in text_cols else w for c, w in enumerate(need)]
    if sum(floor) > width:
        return None
    widths = list(need)
    total = sum(need)
    if total <= width:
        share = text_cols or list(range(len(columns)))
        extra = int(width - total)
        for c in share:
            widths[c] += extra // len(share)
        return widths
    over = total - width  # taken from the text columns in proportion to what each can give
    room = {c: max(0, widths[c] - floor[c]) for c in text_cols}
    spare = sum(room.values())
    for c in text_cols:
        widths[c] -= int(over * room[c] / spare) + 1 if spare else 0
    return widths


def _cell_para(cell: _Cell, text: str, *, new: bool = False, size: float = 13, bold: bool = False,
               italic: bool = False, align: Any = WD_ALIGN_PARAGRAPH.CENTER, after: float = 0) -> Paragraph:  # fmt: skip
    """Write into a table cell: its first (empty) paragraph, or a new one with ``new``."""
    paragraph = cell.add_paragraph() if new else cell.paragraphs[0]
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(0)
    fmt.first_line_indent = Cm(0)
    if text:
        _fonts(paragraph.add_run(text), size, bold, italic)
    return paragraph


def _cell_style(document: Any, size: float, bold: bool = False) -> str:
    """Return the id of the paragraph style of table cells of one size (created once).

    A data table has hundreds of cells; formatting each run directly costs more than the rest
    of the document, so the font, size and spacing live in a style and a cell only gets its text
    and alignment.
    """
    style_id = f"QptdCell{size:g}{'b' if bold else ''}"
    styles = document.styles
    if styles.element.get_by_id(style_id) is None:
        style = styles.add_style(
            f"Ô bảng {size:g}{' đậm' if bold else ''}", WD_STYLE_TYPE.PARAGRAPH
        )
        style.element.styleId = style_id
        style.base_style = styles["Normal"]
        _fonts(style, size, bold, False)
        fmt = style.paragraph_format
        fmt.space_after = fmt.space_before = Pt(0)
        fmt.first_line_indent = Cm(0)
    return style_id


def _letterhead(document: Any, meta: dict[str, Any]) -> None:
    table = document.add_table(rows=2, cols=2)
    _borderless(table)
    _widths(table, [LEFT_COL, RIGHT_COL])
    _no_split(table)
    left, right = table.rows[0].cells
    first = True
    if meta.get("upper_body"):
        for line in _balanced(meta["upper_body"], 13, False, LEFT_COL - Mm(4)):
            _cell_para(left, line, size=13, new=not first)
            first = False
    for name in meta["issuer"]:
        for line in _balanced(name, 13, True, LEFT_COL - Mm(4)):
            _cell_para(left, line, size=13, bold=True, new=not first)
            first = False
    widest = max(_text_width(line, 13, True) for line in meta["issuer"])
    _rule(_tiny(_cell_para(left, "", new=True)), max(Mm(15), int(widest * 0.4)), LEFT_COL)
    _cell_para(right, meta["national_name"], size=12, bold=True)
    _cell_para(right, meta["motto"], size=13, bold=True, new=True)
    _rule(_tiny(_cell_para(right, "", new=True)), _text_width(meta["motto"], 13, True), RIGHT_COL)
    number = meta.get("number") or "\u00a0" * 8
    left, right = table.rows[1].cells
    if meta.get("symbol"):  # a list attached to another document has no number of its own
        _cell_para(
            left, f"Số: {number}/{meta['symbol']}", size=13, after=0 if meta.get("abstract") else 6
        )
    if meta.get("abstract"):  # a letter's subject, "V/v …", under its number
        _cell_para(left, meta["abstract"], size=12, new=True, after=6)
    _cell_para(right, f"{meta['place']}, {meta['date_text']}", size=14, italic=True, after=6)


def _addressees(document: Any, names: list[str]) -> None:
    """Write a letter's "Kính gửi:": one name on its line, several as a list under it."""
    if len(names) == 1:
        _para(
            document, f"Kính gửi: {names[0]}.", align=WD_ALIGN_PARAGRAPH.CENTER, before=12, after=12
        )
        return
    _para(
        document, "Kính gửi:", align=WD_ALIGN_PARAGRAPH.LEFT, before=12, after=0
    ).paragraph_format.left_indent = Cm(3)
    for i, name in enumerate(names):
        last = i == len(names) - 1
        line = _para(document, f"- {name}{'.' if last else ';'}", align=WD_ALIGN_PARAGRAPH.LEFT,
                     after=12 if last else 0)  # fmt: skip
        line.paragraph_format.left_indent = Cm(4.5)


def _title(document: Any, meta: dict[str, Any]) -> None:
    if meta.get("addressees"):  # a letter (công văn): no centred title, its abstract is above
        _addressees(document, list(meta["addressees"]))
        return
    _para(document, meta["title"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=12, after=0)
    _para(document, meta["subject"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    if meta.get("attached"):  # "(Kèm theo Quyết định số … ngày … của …)"
        _para(document, meta["attached"], italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule(_tiny(_para(document, "", align=WD_ALIGN_PARAGRAPH.CENTER, after=12)), Mm(40), TEXT_WIDTH)
    if meta.get("addressee"):  # a submission: "Kính gửi: …" under the subject
        _para(document, f"Kính gửi: {meta['addressee']}", align=WD_ALIGN_PARAGRAPH.CENTER, after=12)


def _heading(document: Any, block: dict[str, Any]) -> None:
    level = block["level"]
    if level == "part":
        _para(
            document,
            block["label"],
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            before=12,
            after=0,
            keep_next=True,
        )
        _para(
            document,
            block["title"],
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            after=6,
            keep_next=True,
        )
        return
    style = {"roman": (True, False), "arabic": (True, False), "point": (True, True), "star": (True, True),
             "dash": (False, True)}[level]  # fmt: skip
    _para(document, heading_text(block), bold=style[0], italic=style[1], indent=True, keep_next=True,
          before=6)  # fmt: skip


def _paragraph(document: Any, block: dict[str, Any]) -> Paragraph:
    style = block.get("style", "body")
    if style == "note":
        paragraph = _para(document, block["text"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        paragraph.runs[0].font.color.rgb = RGBColor(0xC0, 0, 0)
        return paragraph
    if style == "attached":  # "(Kèm theo Báo cáo số …)" under the appendix heading
        return _para(
            document, block["text"], size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12
        )
    if style == "list":
        return _para(document, block["text"], size=12, align=WD_ALIGN_PARAGRAPH.LEFT, after=2)
    if style == "note-small":
        return _para(document, block["text"], size=12, italic=True, after=6)
    if style == "center":  # "CHỦ TỊCH ỦY BAN NHÂN DÂN …", "QUYẾT ĐỊNH:" of a decision
        return _para(document, block["text"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6,
                     keep_next=True)  # fmt: skip
    if style == "basis":  # "Căn cứ …;" of a decision or a submission
        return _para(document, block["text"], italic=True, indent=True)
    if block.get("lead"):  # "Điều 1." in bold, then the article's text
        paragraph = _para(document, "", indent=True)
        _fonts(paragraph.add_run(f"{block['lead']} "), BODY_PT, True, False)
        _fonts(paragraph.add_run(block["text"]), BODY_PT, False, False)
        return paragraph
    paragraph = _para(document, block["text"], indent=True)
    if style == "placeholder":
        paragraph.runs[0].font.highlight_color = WD_COLOR_INDEX.YELLOW
    return paragraph


def _fitted(
    columns: list[str], rows: list[list[str]], align: list[str], width: int
) -> tuple[float, list[Any]]:
    """Return the largest cell size (12 pt down to 7) at which every number fits unwrapped."""
    for size in (12, 11, 10, 9, 8, 7):
        widths = _column_widths(columns, rows, align, size, width)
        if widths is not None:
            return size, widths
    return 7, [int(width / len(columns))] * len(columns)


def _orient(document: Any, landscape: bool) -> None:
    """Start a new section on a new page, landscape or portrait (margins and numbering kept)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Mm(297), Mm(210)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    # only the document's first page goes unnumbered: a new section's first page is numbered
    section.different_first_page_header_footer = False


def _table(document: Any, block: dict[str, Any]) -> None:
    wide = bool(block.get("wide"))
    if wide:
        _orient(document, landscape=True)
    if block.get("caption"):  # a list's tables need no number
        _para(document, f"Bảng {block['number']}. {block['caption']}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
              size=13, before=6, after=3, keep_next=True)  # fmt: skip
    columns, rows = block["columns"], block["rows"]
    table = document.add_table(rows=0, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    align = block.get("align") or ["left"] * len(columns)
    size, widths = _fitted(columns, rows, align, WIDE_WIDTH if wide else TEXT_WIDTH)
    _widths(table, widths)
    head = _cell_style(document, size, bold=True)
    styles = [_cell_style(document, min(size, 9) if a == "sha" else size) for a in align]
    bold = _cell_style(document, size, bold=True)
    aligns = [ALIGN.get(a, WD_ALIGN_PARAGRAPH.LEFT) for a in align]
    kinds = block.get("row_styles") or []
    rows_xml = [_row_xml(columns, [head] * len(columns), [WD_ALIGN_PARAGRAPH.CENTER] * len(columns),
                         widths, header=True)]  # fmt: skip
    for r, row in enumerate(rows):
        strong = r < len(kinds) and kinds[r] in ("group", "subtotal")
        # a group's title stays on the page of its rows
        rows_xml.append(_row_xml([str(v) for v in row], [bold] * len(row) if strong else styles,
                                 aligns, widths, keep=kinds[r : r + 1] == ["group"]))  # fmt: skip
    _append_rows(table, rows_xml)
    if block.get("note"):
        _para(
            document,
            block["note"],
            size=11,
            italic=True,
            after=3,
            keep_next=bool(block.get("source")),
        )
    if block.get("source"):
        _para(document, block["source"], size=11, italic=True, after=6)
    if wide:
        _orient(document, landscape=False)


def _row_xml(texts: list[str], styles: list[str], aligns: list[Any], widths: list[Any],
             header: bool = False, keep: bool = False) -> str:  # fmt: skip
    """Return a table row's XML: never split across pages, each cell styled, aligned, filled.

    A data table has thousands of cells: written as text and parsed once, they cost a tenth of
    building each through python-docx's element API (issue #16), for the same XML. A text a
    plain run cannot hold as it is (a tab, a line break, a space at an end) is left to
    python-docx (:func:`_append_rows`).
    """
    header_xml = '<w:tblHeader w:val="true"/>' if header else ""
    keep_xml = "<w:keepNext/>" if keep else ""
    cells = []
    for text, style, where, width in zip(texts, styles, aligns, widths, strict=True):
        run = f"<w:r><w:t>{xml_escape(text)}</w:t></w:r>" if text and _plain(text) else ""
        later = "" if run or not text else f' {_LATER}="{xml_escape(text, {chr(34): "&quot;"})}"'
        cells.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{Emu(width).twips}"/></w:tcPr>'
                     f'<w:p{later}><w:pPr><w:pStyle w:val="{style}"/>{keep_xml}'
                     f'<w:jc w:val="{where.xml_value}"/></w:pPr>{run}</w:p></w:tc>')  # fmt: skip
    return f'<w:tr><w:trPr><w:cantSplit w:val="true"/>{header_xml}</w:trPr>{"".join(cells)}</w:tr>'


_LATER = "qptd-text"  # a cell's text python-docx writes once the rows are parsed


def _plain(text: str) -> bool:
    """Whether a run's ``<w:t>`` holds ``text`` as it is (python-docx would write the same)."""
    return text == text.strip() and not any(ch < " " for ch in text)


def _append_rows(table: Table, rows_xml: list[str]) -> None:
    """Parse the rows' XML once and append them to the table."""
    parsed = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows_xml)}</w:tbl>")
    tbl = table._tbl
    for tr in list(parsed):
        tbl.append(tr)
    for p in tbl.iter(qn("w:p")):
        text = p.attrib.pop(_LATER, None)
        if text is not None:
            Paragraph(p, table).add_run(text)


def mark_generated(element: Any) -> None:
    """Put a hidden bookmark on a paragraph (or a table's first paragraph) the toolkit wrote.

    Word hides bookmarks whose names start with "_"; Word and LibreOffice keep them on save.
    Intake skips a marked paragraph whose text is still the one written (its numbers are
    recomputed at the next run) and keeps it as the unit's text when it was edited.
    """
    if element.tag == qn("w:tbl"):
        paragraph = element.find(".//" + qn("w:p"))
        name = GENERATED_TABLE
    elif element.tag == qn("w:p"):
        paragraph = element
        text = "".join(t.text or "" for t in element.iter(qn("w:t")))
        name = GENERATED + text_digest(text)
    else:
        return
    if paragraph is None:
        return
    body = element.getparent()
    ident = str(len(body.findall(".//" + qn("w:bookmarkStart"))) + 1) if body is not None else "1"
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), ident)
    start.set(qn("w:name"), name[:40])
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), ident)
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph.insert(0, start)
    paragraph.append(end)


def _figure(document: Any, block: dict[str, Any]) -> None:
    data = base64.b64decode(block["png_base64"])
    paragraph = _para(
        document, "", align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=0, keep_next=True
    )
    paragraph.add_run().add_picture(io.BytesIO(data), width=Cm(16))
    source = block.get("source")
    _para(document, f"Hình {block['number']}. {block['caption']}", size=13, italic=True,
          align=WD_ALIGN_PARAGRAPH.CENTER, after=3 if source else 9, keep_next=bool(source))  # fmt: skip
    if source:
        _para(document, source, size=11, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=9)


def _closing(document: Any, meta: dict[str, Any]) -> None:
    _para(document, "", after=6, keep_next=True)  # a line of space above the signature
    table = document.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, [Mm(80), TEXT_WIDTH - Mm(80)])
    _no_split(table)
    left, right = table.rows[0].cells
    if meta["recipients"]:
        _cell_para(
            left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT
        )
        for line in meta["recipients"]:
            _cell_para(left, f"- {line}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT, new=True)
    first = True
    for line in (meta.get("authority"), meta.get("on_behalf")):
        if line:
            _cell_para(right, line, size=13, bold=True, new=not first)
            first = False
    _cell_para(right, meta["signer_title"], size=13, bold=True, new=not first)
    for _ in range(4):
        _cell_para(right, "", new=True, after=6)
    name = _cell_para(right, meta.get("signer") or SIGNER_PLACEHOLDER, size=13, bold=True, new=True)
    if not meta.get("signer"):  # a visible gap to fill before signing
        name.runs[0].font.highlight_color = WD_COLOR_INDEX.YELLOW


def _field(paragraph: Paragraph, instruction: str, size: float) -> None:
    run = paragraph.add_run()
    _fonts(run, size)
    for kind, text in (
        ("begin", None),
        (None, instruction),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _page_numbers(section: Any, profile: str) -> None:
    section.different_first_page_header_footer = True
    if profile == "nd30":  # Decree 30/2020: centred at the top, from page 2
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:  # Circular 01/2011: bottom right, from page 2
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _field(paragraph, "PAGE", 13)


def build(doc: Document) -> bytes:
    """Return the DOCX bytes of a collected report (reproducible: same report, same bytes)."""
    meta = doc.meta
    document = new_document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    _fonts(normal, BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    _page_numbers(section, meta.get("profile", "tt01"))
    if meta.get("sample"):  # on every page, so that no page copied alone passes for real data
        for footer in (section.footer, section.first_page_footer):
            label = footer.add_paragraph()
            label.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = label.add_run(SAMPLE_LABEL)
            _fonts(run, 10)
            run.font.bold = True
            run.font.color.rgb = RGBColor(0xC0, 0, 0)
        note = _para(document, SAMPLE_LABEL, size=12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        note.runs[0].font.color.rgb = RGBColor(0xC0, 0, 0)
    for error in doc.errors:
        _para(
            document, f"Báo cáo chưa hoàn chỉnh — lỗi khi chạy sổ tay: {error}", size=12, bold=True
        )
    _letterhead(document, meta)
    _title(document, meta)
    for block in doc.body:
        before = set(document.element.body)  # new blocks go before the final sectPr
        {"heading": _heading, "paragraph": _paragraph, "table": _table, "figure": _figure}[
            block["kind"]
        ](document, block)
        if block["kind"] != "heading" and not block.get("verbatim"):
            for child in [c for c in document.element.body if c not in before]:
                mark_generated(child)
    if document.paragraphs:  # the signature never stands alone on a page: kept with the end
        for paragraph in document.paragraphs[-int(meta.get("keep_with_signature", 2)) :]:
            paragraph.paragraph_format.keep_with_next = True
    _closing(document, meta)
    if doc.appendix:
        start = len(document.paragraphs)
        for block in doc.appendix:
            {"heading": _heading, "paragraph": _paragraph, "table": _table, "figure": _figure}[
                block["kind"]
            ](document, block)
        document.paragraphs[start].paragraph_format.page_break_before = True
    props = document.core_properties
    # a report names its unit so that an edited draft comes back to it (issue #15)
    props.identifier = f"{DRAFT_MARK}{meta['unit_code']}" if not meta.get("kind") else ""
    when = dt.datetime.fromisoformat(meta["date"]) if meta.get("date") else dt.datetime(2019, 1, 1)
    props.created = props.modified = when
    props.author = props.last_modified_by = "qptd-toolkit"
    props.title = f"{meta['title']} {meta['subject']}"
    props.subject = " ".join(meta["issuer"])
    props.revision = 1
    return package_bytes(document)


class _Entries:
    """python-docx's package writer interface (``write(pack_uri, blob)``) onto a FixedZip."""

    def __init__(self) -> None:
        self.zip = FixedZip()

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.zip.add(pack_uri.membername, blob)


def package_bytes(document: Any) -> bytes:
    """Return the document's file: what ``document.save`` writes, normalised, zipped once.

    ``document.save`` then :func:`~qptd_tools.core.fsutil.normalize_zip` compressed every part
    twice and read it back once; this writes python-docx's parts in its order, with its
    content types and relationships, straight into the normalised zip (the same bytes: tested).
    """
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    entries: Any = _Entries()  # python-docx types it as its own zip writer
    PackageWriter._write_content_types_stream(entries, parts)
    PackageWriter._write_pkg_rels(entries, package.rels)
    PackageWriter._write_parts(entries, parts)
    return entries.zip.close()

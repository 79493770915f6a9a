"""The blocks a report notebook emits, and their HTML rendering.

A block is the document's metadata, a heading, a paragraph, a numbered table or a numbered
figure. Blocks are displayed as a MIME bundle holding the structured block
(``application/vnd.qptd.block+json``; several blocks a cell shows together as one ``group``),
HTML for JupyterLab and plain text, so that the exporters place each part exactly, and a
reader of the notebook sees the same thing.
Every string is escaped when rendered to HTML.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from typing import Any

MIME = "application/vnd.qptd.block+json"

HEADING_TAGS = {
    "part": "h1",
    "roman": "h2",
    "arabic": "h3",
    "point": "h4",
    "star": "h4",
    "dash": "h5",
}


PERIOD = re.compile(r"(\d{4} - \d{4})")


def esc(value: object) -> str:
    """Escape any value for HTML text or attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def prose(value: object) -> str:
    """Escape text for HTML, keeping a period ("2009 - 2019") on one line."""
    return PERIOD.sub(r'<span class="nowrap">\1</span>', esc(value))


def heading_text(block: Mapping[str, Any]) -> str:
    """Return a heading as printed: "Phần I", "I. ĐẶC ĐIỂM…", "a) …", "* Đánh giá chung"."""
    label, title = block.get("label", ""), block["title"]
    if block["level"] == "part":
        return f"{label}\n{title}"
    if block["level"] == "star":
        return f"* {title}"
    if block["level"] == "dash":
        return f"- {title}"
    return f"{label} {title}".strip()


def to_html(block: Mapping[str, Any]) -> str:
    """Render one block as an HTML fragment (all data escaped)."""
    kind = block["kind"]
    if kind == "heading":
        tag = HEADING_TAGS[block["level"]]
        # the outline section it opens, for links and for tools that read the page
        section = f' data-section="{esc(block["section_id"])}"' if block.get("section_id") else ""
        if block["level"] == "part":  # a line break, so it reads right without our CSS too
            return (f'<{tag} class="part"{section} style="text-align:center"><span class="part-label">'
                    f'{esc(block["label"])}</span><br><span class="part-title">{esc(block["title"])}'
                    f"</span></{tag}>")  # fmt: skip
        return f'<{tag} class="{esc(block["level"])}"{section}>{prose(heading_text(block))}</{tag}>'
    if kind == "paragraph":
        css = (
            "placeholder"
            if block.get("style") == "placeholder"
            else esc(block.get("style", "body"))
        )
        lead = f"<b>{esc(block['lead'])}</b> " if block.get("lead") else ""
        return f'<p class="{css}">{lead}{prose(block["text"])}</p>'
    if kind == "table":
        return table_html(block)
    if kind == "figure":
        src = (
            f"data:image/png;base64,{block['png_base64']}"
            if block.get("png_base64")
            else esc(block.get("png", ""))
        )
        source = f'<p class="source">{esc(block["source"])}</p>' if block.get("source") else ""
        return (f'<figure id="hinh-{block["number"]}"><img src="{src}" alt="{esc(block["caption"])}">'
                f'<figcaption>Hình {block["number"]}. {esc(block["caption"])}</figcaption>{source}</figure>')  # fmt: skip
    if kind == "meta":
        doc = block["document"]
        label = (
            '<p class="note">DỮ LIỆU MẪU — không phải số liệu thật</p>' if doc.get("sample") else ""
        )
        issuer = " ".join(doc.get("issuer", []))
        title = f"{doc.get('title', '')} {doc.get('subject', '')}"
        return f'{label}<div class="meta"><b>{esc(issuer)}</b> — {esc(title)}</div>'
    if kind == "marker":
        return f'<hr class="{esc(block["name"])}">'
    raise ValueError(f"unknown block kind {kind!r}")


CELL_ALIGN = {"left": "left", "right": "right", "center": "center", "sha": "left", "code": "left"}


def table_html(block: Mapping[str, Any]) -> str:
    """Render a table block; each number carries its source as a tooltip (``title``).

    Alignment is written inline as well as by class, so a table reads right in JupyterLab
    (whose stylesheet right-aligns every cell) and in the exported page alike.
    """
    head = "".join(f"<th>{esc(c)}</th>" for c in block["columns"])
    align = block.get("align", ["left"] * len(block["columns"]))
    sources = block.get("sources")
    styles = block.get("row_styles") or []
    body = []
    for r, row in enumerate(block["rows"]):
        cells = []
        for c, value in enumerate(row):
            tip = sources[r][c] if sources and sources[r][c] else ""
            attr = f' title="{esc(tip)}"' if tip else ""
            inline = f"text-align:{CELL_ALIGN.get(align[c], 'left')}"
            if align[c] in ("right", "center", "code"):  # a number or a code is never broken
                inline += ";white-space:nowrap"
            cells.append(f'<td class="{esc(align[c])}" style="{inline}"{attr}>{esc(value)}</td>')
        css = f' class="{esc(styles[r])}"' if r < len(styles) and styles[r] else ""
        body.append(f"<tr{css}>" + "".join(cells) + "</tr>")
    # a table of a letter or a submission has no number or caption of its own (as in the DOCX)
    title = f"Bảng {block['number']}. {block['caption']}"
    caption = f"<caption>{esc(title)}</caption>" if block.get("caption") else ""
    note = f'<p class="table-note">{esc(block["note"])}</p>' if block.get("note") else ""
    source = f'<p class="source">{esc(block["source"])}</p>' if block.get("source") else ""
    wide = " wide" if block.get("wide") else ""
    return (f'<div class="table{wide}"><table id="bang-{block["number"]}">{caption}'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{note}{source}</div>')  # fmt: skip


def to_text(block: Mapping[str, Any]) -> str:
    """Render one block as plain text."""
    kind = block["kind"]
    if kind == "heading":
        return heading_text(block)
    if kind == "paragraph":
        return str(block["text"])
    if kind == "table":
        lines = [
            f"Bảng {block['number']}. {block['caption']}",
            " | ".join(map(str, block["columns"])),
        ]
        lines += [" | ".join(map(str, row)) for row in block["rows"]]
        return "\n".join(lines)
    if kind == "figure":
        return f"Hình {block['number']}. {block['caption']}"
    if kind == "meta":
        return str(block["document"].get("subject", ""))
    return ""


def bundle(block: dict[str, Any]) -> dict[str, Any]:
    """Return the MIME bundle that displays a block in a notebook."""
    # a figure's PNG is in the block and in the HTML (which every front end shows before an
    # image/png); a third copy would only make the notebook larger and slower to save
    return {MIME: block, "text/html": to_html(block), "text/plain": to_text(block)}


def bundle_all(shown: list[dict[str, Any]]) -> dict[str, Any]:
    """Return one MIME bundle that displays several blocks, in order (a ``group`` block).

    A cell of the unit report shows its blocks as one output: each output is a message the
    kernel signs and sends and the batch's worker receives, checks against the notebook
    schema and stores (issue #16: a hundred outputs per unit were a tenth of its cost).
    """
    if len(shown) == 1:
        return bundle(shown[0])
    return {
        MIME: {"kind": "group", "blocks": shown},
        "text/html": "\n".join(to_html(b) for b in shown),
        "text/plain": "\n\n".join(t for t in map(to_text, shown) if t),
    }


def unpack(value: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the blocks an output's ``MIME`` value holds: itself, or a group's blocks."""
    if value.get("kind") == "group":
        return [dict(b) for b in value["blocks"]]
    return [dict(value)]


def png_base64(data: bytes) -> str:
    """Encode PNG bytes for a figure block."""
    return base64.b64encode(data).decode("ascii")

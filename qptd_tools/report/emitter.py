"""Showing report blocks in a notebook: paragraphs, numbered tables, numbered figures.

Every view of the toolkit (the unit report, the overview, the awards view) is an
:class:`Emitter`: it shows each block as a MIME bundle (:mod:`qptd_tools.report.blocks`) and
remembers it, so that the exporters and the tests see exactly what the notebook shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from qptd_tools.report import blocks, figures

Display = Callable[[dict[str, Any]], None]


def _ipython_display(bundle: dict[str, Any]) -> None:
    from IPython.display import display

    display(bundle, raw=True)


class Emitter:
    """Shows blocks in a notebook: paragraphs, numbered tables and numbered figures.

    Parameters
    ----------
    output_dir
        Where figures are written.
    display
        Where blocks go (IPython's ``display`` in a notebook; a list's ``append`` in tests).
    """

    def __init__(self, output_dir: Path, display: Display | None = None):
        self.out = Path(output_dir)
        self.display = display or _ipython_display
        self.tables = 0
        self.figures = 0
        self.emitted: list[dict[str, Any]] = []

    # --- emitting -------------------------------------------------------------------------
    def emit(self, block: dict[str, Any]) -> dict[str, Any]:
        """Show one block and remember it."""
        self.emitted.append(block)
        self.display(blocks.bundle(block))
        return block

    def paragraph(self, text: str, style: str = "body") -> None:
        """Emit a paragraph (``style``: body, placeholder, note, attached, list, note-small)."""
        if text:
            self.emit({"kind": "paragraph", "text": text, "style": style})

    def table(self, caption: str, frame: pd.DataFrame, align: list[str] | None = None,
              sources: list[list[str]] | None = None, note: str = "", role: str = "data",
              source: str = "", wide: bool = False, row_styles: list[str] | None = None) -> None:  # fmt: skip
        """Emit a numbered table ("Bảng N. …") from a frame of display strings.

        ``sources`` are per-cell tooltips; ``source`` the "Nguồn: …" line under the table;
        ``wide`` puts it on a landscape page; ``row_styles`` marks group and subtotal rows.
        """
        self.tables += 1
        self.emit({
            "kind": "table", "number": self.tables, "caption": caption, "role": role,
            "columns": [str(c) for c in frame.columns], "rows": frame.astype(str).values.tolist(),
            "align": align or ["left"] * len(frame.columns), "sources": sources, "note": note,
            "source": source, "wide": wide, "row_styles": row_styles or [],
        })  # fmt: skip

    def figure(
        self,
        caption: str,
        draw: Callable[[Any], Any],
        size: tuple[float, float] = (6.3, 3.2),
        source: str = "",
    ) -> None:
        """Draw, save (PNG and SVG under ``figures/``) and emit a numbered figure ("Hình N. …")."""
        self.figures += 1
        fig, ax = figures.new_figure(*size)
        draw(ax)
        stem = f"hinh-{self.figures:02d}"
        paths = figures.save(fig, self.out / "figures", stem)
        png = paths[0].read_bytes()
        self.emit({
            "kind": "figure", "number": self.figures, "caption": caption,
            "png": f"figures/{stem}.png", "svg": f"figures/{stem}.svg",
            "png_base64": blocks.png_base64(png), "source": source,
        })  # fmt: skip

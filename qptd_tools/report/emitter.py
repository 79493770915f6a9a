"""Showing report blocks in a notebook: paragraphs, numbered tables, numbered figures.

Every view of the toolkit (the unit report, the overview, the awards view) is an
:class:`Emitter`: it shows each block as a MIME bundle (:mod:`qptd_tools.report.blocks`) and
remembers it, so that the exporters and the tests see exactly what the notebook shows.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from qptd_tools.report import blocks, figure_cache, figures

Display = Callable[[dict[str, Any]], None]
FIGURE_FORMATS = ("png", "svg")


def _ipython_display(bundle: dict[str, Any]) -> None:
    from IPython.display import display

    display(bundle, raw=True)


def shown_together(method: Callable[..., Any]) -> Callable[..., Any]:
    """Make an emitting method show its blocks as one output (:meth:`Emitter.held`)."""

    @functools.wraps(method)
    def wrapper(self: Emitter, *args: Any, **kwargs: Any) -> Any:
        with self.held():
            return method(self, *args, **kwargs)

    return wrapper


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
        self.figure_cache: figure_cache.FigureCache | None = None
        self.figure_keys: list[str | None] = []
        self._held: list[dict[str, Any]] | None = None

    # --- emitting -------------------------------------------------------------------------
    def emit(self, block: dict[str, Any]) -> dict[str, Any]:
        """Show one block (at the end of :meth:`held`, when held) and remember it."""
        self.emitted.append(block)
        if self._held is not None:
            self._held.append(block)
        else:
            self.display(blocks.bundle(block))
        return block

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Show the blocks emitted within as one output, when the block ends (even by an error).

        Nested uses show nothing of their own: the outermost one shows everything.
        """
        if self._held is not None:
            yield
            return
        self._held = []
        try:
            yield
        finally:
            shown, self._held = self._held, None
            if shown:
                self.display(blocks.bundle_all(shown))

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
        chart: Callable[..., Any],
        data: dict[str, Any],
        size: tuple[float, float] = (6.3, 3.2),
        source: str = "",
    ) -> None:
        """Draw ``chart(ax, **data)``, save it under ``figures/`` and emit it ("Hình N. …").

        With a figure cache (:mod:`qptd_tools.report.figure_cache`), a figure whose chart, data
        and size are those of a kept one is not drawn again: its files are the kept ones.
        """
        self.figures += 1
        files = None
        key = None
        with figures.style():  # once for the key, the drawing and the saving
            if self.figure_cache is not None:
                key = figure_cache.key(chart, data, size, FIGURE_FORMATS)
                self.figure_keys.append(key)
                files = self.figure_cache.get(key, FIGURE_FORMATS)
            if files is None:
                fig, ax = figures.new_figure(*size)
                chart(ax, **data)
                files = figures.rendered(fig, FIGURE_FORMATS)
                if self.figure_cache is not None:
                    self.figure_cache.put(key, files)
        stem = f"hinh-{self.figures:02d}"
        figures.write(files, self.out / "figures", stem)
        self.emit({
            "kind": "figure", "number": self.figures, "caption": caption,
            "png": f"figures/{stem}.png", "svg": f"figures/{stem}.svg",
            "png_base64": blocks.png_base64(files["png"]), "source": source,
        })  # fmt: skip

    def use_figure_cache(self) -> None:
        """Keep figures by key in ``<output_dir>/.hinh-cache`` (the unit report's batch runs)."""
        self.figure_cache = figure_cache.FigureCache(self.out / figure_cache.FOLDER)

    def prune_figure_cache(self) -> None:
        """Remove the kept figures this view's figures did not use (one generation is kept)."""
        if self.figure_cache is not None:
            self.figure_cache.keep_only(self.figure_keys)

"""Appendix figures: functions that take an ``Axes``, draw and return it; saving is separate.

Figures are plain :class:`matplotlib.figure.Figure` objects, never pyplot's global state,
so nothing is left open between units. Every label is Vietnamese, numbers are formatted the Vietnamese way ("1.234", "12,5"), one
style (``styles/qptd.mplstyle``) serves all figures, and :func:`save` writes PNG (200 dpi)
and SVG with no timestamp, so the same data give the same bytes.
"""

from __future__ import annotations

import contextlib
import functools
import io
import threading
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox
from PIL import Image

from qptd_tools.core import vnformat
from qptd_tools.core.fsutil import atomic_write_bytes

STYLE = Path(str(resources.files("qptd_tools.report.styles") / "qptd.mplstyle"))
_VN = FuncFormatter(lambda x, _: vnformat.number(x, 2))


@functools.lru_cache(maxsize=1)
def _style_params() -> dict[Any, Any]:
    """Return the style file's settings, read once (a figure enters the style several times)."""
    return dict(mpl.rc_params_from_file(str(STYLE), use_default_template=False))


_inside = threading.local()


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Apply the toolkit's figure style within a ``with`` block.

    Inside another ``style()`` block it applies nothing more: the style is in force, and
    copying matplotlib's settings again cost a few milliseconds at each of a figure's eight
    entries (issue #16).
    """
    if getattr(_inside, "depth", 0):
        _inside.depth += 1
        try:
            yield
        finally:
            _inside.depth -= 1
        return
    with mpl.rc_context(_style_params()):
        _inside.depth = 1
        try:
            yield
        finally:
            _inside.depth = 0


def new_figure(width: float = 6.3, height: float = 3.2) -> tuple[Figure, Axes]:
    """Return a figure and one axes in the toolkit's style (size in inches)."""
    with style():
        fig = Figure(figsize=(width, height))
        ax = fig.add_subplot()
    return fig, ax


def _counted(unit: str) -> bool:
    """Whether a unit of measure counts whole things (people, sessions): no 2,5 on its axis."""
    return unit not in ("%", "triệu đồng", "")


def _finish(ax: Axes, title: str, unit: str) -> Axes:
    ax.set_title(title, loc="left")
    if unit:
        ax.set_ylabel(unit)
    if _counted(unit):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_VN)
    return ax


def trend(ax: Axes, series: pd.Series, title: str, unit: str = "", kind: str = "flow") -> Axes:
    """Draw a yearly series: bars for flows and flags, a line for stocks and ratios.

    Parameters
    ----------
    ax
        Where to draw.
    series
        Values indexed by year (NaN where not reported).
    title
        The figure's title (Vietnamese).
    unit
        The unit of measure, shown on the y axis.
    kind
        The indicator kind (``flow``, ``stock``, ``flag``, ``ratio``).
    """
    with style():
        years = [int(y) for y in series.index]
        values = series.to_numpy(dtype=float)
        if kind in ("flow", "flag"):
            ax.bar(years, values, color="#1f4e79", width=0.7)
            for x, v in zip(years, values, strict=True):
                if v == v:
                    ax.annotate(vnformat.number(v), (x, v), ha="center", va="bottom", fontsize=7,
                                xytext=(0, 2), textcoords="offset points")  # fmt: skip
        else:
            ax.plot(
                years,
                values,
                marker="o",
                color="#1f4e79",
                linewidth=1.6,
                markersize=4,
                clip_on=False,
            )
        ax.set_xticks(years, [str(y) for y in years])
        ax.tick_params(axis="x", labelsize=8)
        ax.margins(y=0.12)  # room above the highest point and its label
        ax.set_ylim(bottom=0)
        return _finish(ax, title, unit)


def against(
    ax: Axes, mine: pd.Series, others: pd.DataFrame, title: str, unit: str, label: str
) -> Axes:
    """Draw a unit's yearly series (red) over its siblings' (grey) and their median (dashed).

    Parameters
    ----------
    mine
        The unit's values by year.
    others
        The siblings' values: one row per sibling, one column per year.
    label
        The unit's name, for the legend.
    """
    with style():
        years = [int(y) for y in mine.index]
        for _, row in others.iterrows():
            ax.plot(
                years, row.reindex(mine.index).to_numpy(dtype=float), color="#bfbfbf", linewidth=0.8
            )
        if len(others):
            median = others.reindex(columns=mine.index).median(axis=0).to_numpy(dtype=float)
            ax.plot(years, median, color="#7f7f7f", linewidth=1.4, linestyle="--",
                    label=f"Trung vị {len(others)} đơn vị cùng cấp")  # fmt: skip
        ax.plot(years, mine.to_numpy(dtype=float), color="#c00000", linewidth=2, marker="o",
                markersize=4, label=label, clip_on=False)  # fmt: skip
        ax.set_xticks(years, [str(y) for y in years])
        ax.tick_params(axis="x", labelsize=8)
        ax.margins(y=0.12)
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
        return _finish(ax, title, unit)


def spread(ax: Axes, values: pd.DataFrame, mine: pd.Series, title: str, unit: str) -> Axes:
    """Draw each year's distribution over the units of a level (boxes), the unit marked in red.

    Parameters
    ----------
    values
        One row per unit of the level, one column per year.
    mine
        The unit's values by year (drawn as red points).
    """
    with style():
        years = [int(y) for y in values.columns]
        data = [values[y].dropna().to_numpy(dtype=float) for y in values.columns]
        ax.boxplot(data, positions=years, widths=0.6, patch_artist=True, showfliers=True,
                   boxprops={"facecolor": "#dbe5f1", "color": "#1f4e79"},
                   medianprops={"color": "#1f4e79"}, flierprops={"markersize": 3})  # fmt: skip
        ax.plot(years, mine.reindex(values.columns).to_numpy(dtype=float), "o", color="#c00000",
                markersize=5, zorder=3)  # fmt: skip
        ax.set_xticks(years, [str(y) for y in years])
        ax.tick_params(axis="x", labelsize=8)
        ax.set_ylim(bottom=0)
        return _finish(ax, title, unit)


def ranking(ax: Axes, ranks: pd.Series, counts: pd.Series, title: str) -> Axes:
    """Draw a unit's rank among its siblings by year (1 at the top)."""
    with style():
        years = [int(y) for y in ranks.index]
        ax.plot(years, ranks.to_numpy(dtype=float), marker="o", color="#1f4e79", linewidth=1.6)
        for x, r, n in zip(years, ranks, counts, strict=True):
            if r == r:
                ax.annotate(f"{int(r)}/{int(n)}", (x, r), ha="center", va="bottom", fontsize=7,
                            xytext=(0, 4), textcoords="offset points")  # fmt: skip
        top = max(2, int(counts.max()) if counts.notna().any() else 2)
        ax.set_ylim(top + 0.5, 0.5)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xticks(years, [str(y) for y in years])
        ax.tick_params(axis="x", labelsize=8)
        ax.set_ylabel("thứ hạng")
        ax.set_title(title, loc="left")
        return ax


def compare(
    ax: Axes, values: Mapping[str, float], title: str, unit: str = "", highlight: str = ""
) -> Axes:
    """Draw sub-units side by side (horizontal bars, largest on top).

    Parameters
    ----------
    values
        Value by unit name.
    highlight
        The name to draw in red (e.g. the unit the report is about).
    """
    with style():
        items = sorted(((v, k) for k, v in values.items() if v == v), reverse=False)
        names = [k for _, k in items]
        numbers = [v for v, _ in items]
        colors = ["#c00000" if n == highlight else "#1f4e79" for n in names]
        ax.barh(names, numbers, color=colors, height=0.65)
        decimals = 0 if all(float(v).is_integer() for v in numbers) else 1
        for y, v in enumerate(numbers):
            text = vnformat.number(v, decimals, fixed=True)
            ax.annotate(text, (v, y), va="center", ha="left", fontsize=7,
                        xytext=(3, 0), textcoords="offset points")  # fmt: skip
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        if decimals == 0 and _counted(unit):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(_VN)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_title(title, loc="left")
        if unit:
            ax.set_xlabel(unit)
        return ax


def awards_by_form(ax: Axes, counts: pd.DataFrame, title: str) -> Axes:
    """Draw award records by form, collectives and individuals stacked.

    Parameters
    ----------
    counts
        Index: form names (in the catalogue's order); columns ``Tập thể`` and ``Cá nhân``.
    """
    with style():
        names = list(counts.index)[::-1]
        left = pd.Series(0.0, index=names)
        for column, color in (("Tập thể", "#1f4e79"), ("Cá nhân", "#bf9000")):
            if column in counts:
                widths = counts[column].reindex(names).fillna(0).astype(float)
                ax.barh(names, widths, left=left, color=color, height=0.6, label=column)
                left += widths
        for y, total in enumerate(left):
            ax.annotate(vnformat.number(total), (total, y), va="center", ha="left", fontsize=7,
                        xytext=(3, 0), textcoords="offset points")  # fmt: skip
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(_VN)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.tick_params(axis="y", labelsize=8)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)
        ax.set_title(title, loc="left")
        ax.set_xlabel("hồ sơ")
        return ax


def timeline(
    ax: Axes, dates: Mapping[str, pd.Timestamp], deadline: pd.Timestamp, title: str
) -> Axes:
    """Draw each unit's date against a deadline: on time in blue, late in red, missing listed.

    Parameters
    ----------
    dates
        Date by unit name (NaT where missing).
    deadline
        The deadline, drawn as a vertical line.
    """
    with style():
        known = sorted(((d, n) for n, d in dates.items() if pd.notna(d)), reverse=True)
        missing = [n for n, d in dates.items() if pd.isna(d)]
        names = [n for _, n in known]
        when = [d for d, _ in known]
        colors = ["#c00000" if d > deadline else "#1f4e79" for d in when]
        ax.scatter(when, range(len(when)), c=colors, s=14, zorder=3)
        ax.axvline(deadline, color="#c00000", linestyle="--", linewidth=1)
        ax.annotate(f"Hạn {vnformat.date_prose(deadline.date())}", (deadline, 1),
                    xycoords=("data", "axes fraction"), ha="left", va="bottom", fontsize=8,
                    color="#c00000", xytext=(3, 2), textcoords="offset points")  # fmt: skip
        ax.set_yticks(range(len(names)), names)
        ax.tick_params(axis="y", labelsize=7.5)
        # "30/8", as the text writes dates (no leading zeros)
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda x, _: f"{mdates.num2date(x).day}/{mdates.num2date(x).month}")
        )
        ax.grid(axis="x", visible=True)
        ax.grid(axis="y", visible=False)
        ax.set_title(title, loc="left")
        if missing:
            ax.set_xlabel("Chưa có ngày: " + ", ".join(missing), fontsize=7)
        return ax


def save(
    fig: Figure, folder: Path, stem: str, formats: Sequence[str] = ("png", "svg")
) -> list[Path]:
    """Save a figure as PNG (200 dpi) and SVG under ``folder``, atomically and reproducibly.

    Returns
    -------
    list of Path
        The files written.
    """
    return write(rendered(fig, formats), folder, stem)


def write(files: Mapping[str, bytes], folder: Path, stem: str) -> list[Path]:
    """Write a figure's bytes by format (:func:`rendered`) as ``folder/stem.<format>``."""
    written = []
    for fmt, data in files.items():
        path = folder / f"{stem}.{fmt}"
        atomic_write_bytes(path, data)
        written.append(path)
    return written


def rendered(fig: Figure, formats: Sequence[str] = ("png",)) -> dict[str, bytes]:
    """Return a figure's bytes in each format (PNG 200 dpi, SVG), reproducibly, in our style.

    The PNG is drawn once, on a canvas wider than the figure by :data:`MARGIN` on every side
    (room for a legend or label placed outside the axes), and cut to its ink plus the style's
    padding; the SVG is cut to the same box. Matplotlib's "tight" box costs a draw of its own
    before each format (issue #16: a figure drawn three times, now twice). Content reaching the
    canvas's edge, or a figure with no ink, is cut the usual way.
    """
    with style():
        FigureCanvasAgg(fig)
        box, png = _one_draw(fig) if "png" in formats else (None, b"")
        if box is None:
            fig.draw_without_rendering()
            box = fig.get_tightbbox().padded(mpl.rcParams["savefig.pad_inches"])
            pixels = _rgba(fig, box) if "png" in formats else None
            png = _png(pixels) if pixels is not None else b""
        out = {}
        for fmt in formats:
            if fmt == "png" and png:
                out[fmt] = png
                continue
            buffer = io.BytesIO()
            metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
            fig.savefig(buffer, format=fmt, metadata=metadata, bbox_inches=box)
            out[fmt] = buffer.getvalue()
    return out


# inches drawn around the figure for what lies outside it (legends below the axes)
MARGIN = 1.0
_WHITE = 0xFFFFFFFF


def _one_draw(fig: Figure) -> tuple[Bbox | None, bytes]:
    """Draw the PNG once on a canvas with margins and cut it to its ink; return its box (inches).

    Returns ``(None, b"")`` when the ink reaches the canvas's edge (or there is none): the
    caller then cuts the figure to matplotlib's tight box.
    """
    dpi = float(mpl.rcParams["savefig.dpi"])
    width, height = fig.get_size_inches()
    pixels = _rgba(fig, Bbox([[-MARGIN, -MARGIN], [width + MARGIN, height + MARGIN]]))
    if pixels is None:
        return None, b""
    tall, wide = pixels.shape[:2]
    ink = pixels.view(np.uint32)[..., 0] != _WHITE
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if (
        not len(rows)
        or rows[0] == 0
        or cols[0] == 0
        or rows[-1] == tall - 1
        or cols[-1] == wide - 1
    ):
        return None, b""
    pad = round(float(mpl.rcParams["savefig.pad_inches"]) * dpi)
    top, bottom = max(int(rows[0]) - pad, 0), min(int(rows[-1]) + 1 + pad, tall)
    left, right = max(int(cols[0]) - pad, 0), min(int(cols[-1]) + 1 + pad, wide)
    # the same box in the figure's inches (the canvas starts MARGIN left of and below it)
    box = Bbox([[left / dpi - MARGIN, (tall - bottom) / dpi - MARGIN],
                [right / dpi - MARGIN, (tall - top) / dpi - MARGIN]])  # fmt: skip
    return box, _png(pixels, (left, top, right, bottom))


def _rgba(fig: Figure, box: Bbox) -> np.ndarray | None:
    """Draw the part ``box`` (inches) of a figure at the style's dpi; its pixels, top row first."""
    dpi = float(mpl.rcParams["savefig.dpi"])
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=dpi, bbox_inches=box)
    data, width, height = raw.getvalue(), box.width * dpi, box.height * dpi
    count = len(data) // 4
    for wide in (int(width), int(width) + 1, int(width) - 1):  # as Agg rounded the size
        if wide > 0 and count % wide == 0 and abs(count // wide - height) <= 1:
            return np.frombuffer(data, np.uint8).reshape(count // wide, wide, 4)
    return None


def _png(pixels: np.ndarray, box: tuple[int, int, int, int] | None = None) -> bytes:
    """Encode pixels (cut to ``box``: left, top, right, bottom) as PNG at the style's dpi.

    RGB, as the background is opaque white.
    """
    dpi = float(mpl.rcParams["savefig.dpi"])
    tall, wide = pixels.shape[:2]
    image = Image.frombuffer("RGBA", (wide, tall), pixels, "raw", "RGBA", 0, 1)
    image = (image.crop(box) if box else image).convert("RGB")
    png = io.BytesIO()
    image.save(png, format="png", dpi=(dpi, dpi))
    return png.getvalue()

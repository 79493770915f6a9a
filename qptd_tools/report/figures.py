"""Appendix figures: functions that take an ``Axes``, draw and return it; saving is separate.

Figures are plain :class:`matplotlib.figure.Figure` objects, never pyplot's global state,
so nothing is left open between units. Every label is Vietnamese, numbers are formatted the Vietnamese way ("1.234", "12,5"), one
style (``styles/qptd.mplstyle``) serves all figures, and :func:`save` writes PNG (200 dpi)
and SVG with no timestamp, so the same data give the same bytes.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.style as mstyle
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from qptd_tools.core import vnformat
from qptd_tools.core.fsutil import atomic_write_bytes

STYLE = Path(str(resources.files("qptd_tools.report.styles") / "qptd.mplstyle"))
_VN = FuncFormatter(lambda x, _: vnformat.number(x, 2))


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Apply the toolkit's figure style within a ``with`` block."""
    with mstyle.context(str(STYLE)):
        yield


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
    written = []
    for fmt, data in rendered(fig, formats).items():
        path = folder / f"{stem}.{fmt}"
        atomic_write_bytes(path, data)
        written.append(path)
    return written


def rendered(fig: Figure, formats: Sequence[str] = ("png",)) -> dict[str, bytes]:
    """Return a figure's bytes in each format (PNG 200 dpi, SVG), reproducibly, in our style."""
    out = {}
    with style():
        # The tight box is computed once here, not once per format: savefig's "tight" draws
        # the whole figure an extra time for it, which is half the cost of a save.
        FigureCanvasAgg(fig)
        fig.draw_without_rendering()
        box = fig.get_tightbbox().padded(mpl.rcParams["savefig.pad_inches"])
        for fmt in formats:
            buffer = io.BytesIO()
            metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
            fig.savefig(buffer, format=fmt, metadata=metadata, bbox_inches=box)
            out[fmt] = buffer.getvalue()
    return out

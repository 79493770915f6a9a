"""Appendix figures: Vietnamese labels with every glyph, Vietnamese numbers, one style,
PNG at 200 dpi and SVG, byte-identical for the same data."""

from __future__ import annotations

import struct
import warnings

import pandas as pd
import pytest

from qptd_tools.report import figures

YEARS = list(range(2009, 2020))
TITLE = "Lượt người được phổ biến kiến thức quốc phòng, an ninh ở Bắc Kạn — Đặng, Ưng, Ơn"


def draw_all(tmp_path):
    out = {}
    fig, ax = figures.new_figure()
    figures.trend(
        ax, pd.Series([1200.0 + 37 * i for i in range(11)], index=YEARS), TITLE, "lượt người"
    )
    out["trend"] = fig
    fig, ax = figures.new_figure()
    figures.trend(
        ax, pd.Series([1.5 + 0.05 * i for i in range(11)], index=YEARS), "Tỷ lệ", "%", "ratio"
    )
    out["line"] = fig
    fig, ax = figures.new_figure()
    figures.compare(
        ax,
        {"Xã Đồng Phúc": 1.95, "Xã Địa Linh": 2.0, "Thị trấn Chợ Rã": 1.52},
        "Tỷ lệ dân quân",
        "%",
        "Xã Địa Linh",
    )
    out["compare"] = fig
    fig, ax = figures.new_figure()
    counts = pd.DataFrame(
        {"Tập thể": [1, 5], "Cá nhân": [2, 40]},
        index=["Huân chương BVTQ hạng Ba", "Giấy khen UBND cấp xã"],
    )
    figures.awards_by_form(ax, counts, "Khen thưởng")
    out["awards"] = fig
    fig, ax = figures.new_figure()
    dates = {
        "Xã Bằng Thành": pd.Timestamp("2019-09-05"),
        "Xã Nhạn Môn": pd.Timestamp("2019-08-20"),
        "Xã Bộc Bố": pd.NaT,
    }
    figures.timeline(ax, dates, pd.Timestamp("2019-08-30"), "Ngày hội nghị")
    out["timeline"] = fig
    return out


def test_no_missing_glyphs_and_vietnamese_numbers(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = draw_all(tmp_path)
        for name, fig in drawn.items():
            figures.save(fig, tmp_path, name)
    missing = [
        str(w.message)
        for w in caught
        if "missing from" in str(w.message) or "Glyph" in str(w.message)
    ]
    assert missing == []
    ax = drawn["trend"].axes[0]
    drawn["trend"].canvas.draw()
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert any("." in t for t in ticks) and not any("," in t for t in ticks)  # 1.000, 1.500 …
    labels = [t.get_text() for t in ax.texts]
    assert "1.200" in labels and "1.570" in labels
    compare = drawn["compare"].axes[0]
    assert "2,0" in [t.get_text() for t in compare.texts] and "1,5" in [
        t.get_text() for t in compare.texts
    ]


def _png_dpi(data: bytes) -> float:
    at = data.index(b"pHYs")
    x, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
    assert unit == 1
    return x * 0.0254


def test_saved_png_and_svg_are_deterministic(tmp_path):
    first = {
        p.name: p.read_bytes()
        for f, fig in draw_all(tmp_path).items()
        for p in figures.save(fig, tmp_path / "a", f)
    }
    second = {
        p.name: p.read_bytes()
        for f, fig in draw_all(tmp_path).items()
        for p in figures.save(fig, tmp_path / "b", f)
    }
    assert first == second
    assert set(first) >= {"trend.png", "trend.svg", "timeline.png"}
    assert _png_dpi(first["trend.png"]) == pytest.approx(200, abs=1)
    svg = first["trend.svg"].decode()
    assert "<dc:date>" not in svg and "Matplotlib" not in svg
    assert b"tEXtSoftware" not in first["trend.png"]


def test_style_does_not_leak():
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    draw_all(None)
    assert dict(mpl.rcParams) == before


def test_style_inside_style_applies_nothing_more_and_leaves_nothing():
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    with figures.style():
        inside = dict(mpl.rcParams)
        assert inside["text.hinting"] == "no_hinting" and inside["text.parse_math"] is False
        mpl.rcParams["lines.linewidth"] = 7.0  # a chart's own change, inside the block
        with figures.style():
            assert mpl.rcParams["lines.linewidth"] == 7.0  # not reset by the inner block
        with pytest.raises(ZeroDivisionError), figures.style():
            raise ZeroDivisionError("một lỗi trong khối")
        assert mpl.rcParams["lines.linewidth"] == 7.0
    assert dict(mpl.rcParams) == before
    with figures.style():  # after an error inside, a new block applies the style again
        assert dict(mpl.rcParams) == inside


def test_a_dollar_in_a_name_is_printed_not_read_as_a_formula(tmp_path):
    fig, ax = figures.new_figure()
    figures.compare(ax, {"Xã A$b$": 3.0, "Xã C": 2.0}, "Giá $x$ (triệu đồng)", "triệu đồng")
    svg = figures.rendered(fig, ("svg",))["svg"].decode()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Xã A$b$" in labels and ax.get_title(loc="left") == "Giá $x$ (triệu đồng)"
    assert not any(t.get_parse_math() for t in ax.get_yticklabels())
    assert "<svg" in svg


def _pixels(data: bytes):
    import io

    import numpy as np
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    return image.mode, np.asarray(image.convert("RGB"))


def _svg_size_pt(svg: bytes) -> tuple[float, float]:
    import re

    found = re.search(rb'<svg[^>]*width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert found, svg[:300]
    return float(found.group(1)), float(found.group(2))


def _ink_box(rgb):
    import numpy as np

    ink = (rgb != 255).any(axis=2)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return rows[0], rgb.shape[0] - 1 - rows[-1], cols[0], rgb.shape[1] - 1 - cols[-1]


def test_each_figure_is_drawn_once_for_png_cut_to_its_ink_and_the_svg_to_the_same_box():
    """Issue #16: the PNG comes from one draw on a canvas with margins, cut to its ink plus
    the style's padding (0,1 in = 20 px at 200 dpi) on every side; nothing is cut off (a
    legend below the axes, a long label), and the SVG has the same box."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    pad = round(float(mpl.rcParams["savefig.pad_inches"]) * 200)
    draws = []
    real = FigureCanvasAgg.draw

    def counted(canvas):
        draws.append(canvas)
        return real(canvas)

    drawn = draw_all(None)
    del drawn["trend"]  # its test title runs past the margin: cut the usual way (test below)
    fig, ax = figures.new_figure()
    figures.trend(ax, pd.Series([3.0 * i for i in range(11)], index=YEARS), "Buổi huấn luyện")
    drawn["short trend"] = fig
    for name, fig in drawn.items():
        draws.clear()
        FigureCanvasAgg.draw = counted
        try:
            files = figures.rendered(fig, ("png", "svg"))
        finally:
            FigureCanvasAgg.draw = real
        assert len(draws) == 1, name  # the PNG's only Agg draw (the tight box took another)
        mode, rgb = _pixels(files["png"])
        assert mode == "RGB", name
        assert _ink_box(rgb) == (pad, pad, pad, pad), name
        width, height = _svg_size_pt(files["svg"])
        assert width == pytest.approx(rgb.shape[1] * 72 / 200, abs=0.01), name
        assert height == pytest.approx(rgb.shape[0] * 72 / 200, abs=0.01), name
    legend = draw_all(None)["awards"]  # its legend lies below the figure's own area
    _, rgb = _pixels(figures.rendered(legend)["png"])
    assert rgb.shape[0] > legend.get_size_inches()[1] * 200


def test_a_figure_wider_than_the_margins_is_cut_the_usual_way_and_nothing_is_lost():
    """A label longer than the canvas's margins reaches its edge: the figure is then cut to
    matplotlib's tight box, still whole, still RGB."""
    fig, ax = figures.new_figure()
    names = {f"Xã Thượng Quan số {i}": pd.NaT for i in range(40)}
    names["Xã Bằng Thành"] = pd.Timestamp("2019-08-20")
    figures.timeline(ax, names, pd.Timestamp("2019-08-30"), "Ngày hội nghị")
    files = figures.rendered(fig, ("png", "svg"))
    mode, rgb = _pixels(files["png"])
    assert mode == "RGB"
    assert rgb.shape[1] > (6.3 + 2 * figures.MARGIN) * 200  # wider than the canvas with margins
    assert min(_ink_box(rgb)) >= 1  # white on every side: nothing cut
    width, _ = _svg_size_pt(files["svg"])
    assert width == pytest.approx(rgb.shape[1] * 72 / 200, abs=1)
    long_title = draw_all(None)["trend"]
    _, rgb = _pixels(figures.rendered(long_title)["png"])
    assert min(_ink_box(rgb)) >= 1 and rgb.shape[1] > (6.3 + figures.MARGIN) * 200

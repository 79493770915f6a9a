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

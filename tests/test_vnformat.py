"""Vietnamese formatting (Babel, locale vi) and alphabetical order."""

from __future__ import annotations

import datetime as dt

from qptd_tools.core import vnformat as f


def test_numbers():
    assert f.number(1234567) == "1.234.567"
    assert f.number(12.5, 1) == "12,5"
    assert f.number(12.0, 1) == "12"
    assert f.number(0.5) == "1"  # half up, as people round
    assert f.number(1234.45, 1) == "1.234,5"
    assert f.number(None) == "–" and f.number(float("nan")) == "–"
    assert f.percent(12.5) == "12,5%"
    assert f.dong(1_490_000) == "1.490.000 đồng"
    assert f.million(12.5) == "12,5 triệu đồng"


def test_dates():
    assert f.date_long(dt.date(2019, 2, 5)) == "ngày 05 tháng 02 năm 2019"
    assert f.date_long(dt.date(2019, 9, 15)) == "ngày 15 tháng 9 năm 2019"
    assert f.date_long(dt.date(2019, 12, 1)) == "ngày 01 tháng 12 năm 2019"
    assert f.date_short(dt.date(2019, 8, 5)) == "05/08/2019"


def test_vietnamese_order():
    names = [
        "Đồng Xá",
        "Dương Quang",
        "Bằng Thành",
        "Ân Tình",
        "An Thắng",
        "Ba Bể",
        "Bạch Thông",
        "Bà",
        "Bá",
        "Ưng",
        "Uy",
        "Ơn",
        "Ông",
        "Oa",
    ]
    assert f.sort_names(names) == [
        "An Thắng",
        "Ân Tình",
        "Bà",
        "Bá",
        "Ba Bể",
        "Bạch Thông",
        "Bằng Thành",
        "Dương Quang",
        "Đồng Xá",
        "Oa",
        "Ông",
        "Ơn",
        "Uy",
        "Ưng",
    ]


def test_registry_sorts_with_d_before_dj(cat):
    names = f.sort_names(list(cat.children("064", "xa")["name"]))
    starts = [n.split()[-2][0] if len(n.split()) > 2 else n.split()[-1][0] for n in names]
    assert names == sorted(names, key=f.sort_key)
    assert "Xã Đại Sảo" in names and names.index("Xã Đại Sảo") > names.index("Xã Bản Thi")
    assert starts

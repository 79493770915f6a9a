"""Vietnamese text repair and number/date reading."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pandas as pd
import pytest

from qptd_tools.intake.parse import ParseAmbiguous, Parsed, ParseFailed, parse_date, parse_number
from qptd_tools.intake.text import clean_text, fold


@pytest.mark.parametrize(
    ("raw", "text", "encoding"),
    [
        ("B¾c K¹n", "Bắc Kạn", "TCVN3"),
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam", "TCVN3"),
        ("Ng\xadêi d©n téc Tµy", "Người dân tộc Tày", "TCVN3"),
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam", "VNI"),
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc", "VNI"),
        ("Daân quaân töï veä", "Dân quân tự vệ", "VNI"),
        # VNI without its telltale letters: only letters correct Vietnamese also uses
        ("Nguyeãn Vaên An", "Nguyễn Văn An", "VNI"),
        ("Traàn Thò Hoa", "Trần Thị Hoa", "VNI"),
        ("Leâ Vaên Nam", "Lê Văn Nam", "VNI"),
        ("Nguyeãn Thò Lan", "Nguyễn Thị Lan", "VNI"),
        ("Hoàng Văn Thò", "Hoàng Văn Thò", None),
        ("Nguyễn Văn Hùng", "Nguyễn Văn Hùng", None),
        ("Thị trấn Chợ Rã", "Thị trấn Chợ Rã", None),
        ("café", "café", None),
        ("  Hà  Nội\u00a0", "Hà  Nội", None),
    ],
)
def test_clean_text(raw, text, encoding):
    assert clean_text(raw) == (text, encoding)


def test_nfd_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "Huyện Ba Bể")
    assert decomposed != "Huyện Ba Bể"
    assert clean_text(decomposed) == ("Huyện Ba Bể", None)


def test_registry_names_are_left_alone(cat):
    for name in cat.units["name"]:
        assert clean_text(name) == (name, None)


def test_fold():
    assert fold("Nguyễn  Văn Hùng") == fold("nguyen van hung") == "nguyen van hung"
    assert fold("Đàm Thị Đào") == "dam thi dao"


@pytest.mark.parametrize(
    ("raw", "value", "ambiguous"),
    [
        (1234, 1234.0, False), (12.5, 12.5, False), ("1.234", 1234.0, False),
        ("1.234.567", 1234567.0, False), ("12,5", 12.5, False), ("12,5%", 12.5, False),
        ("1.234,5", 1234.5, False), ("1 234", 1234.0, False), ("0", 0.0, False),
        ("1.5", 1.5, True), ("1,234,567", 1234567.0, True), ("0,500", 0.5, False),
        ("1234,5", 1234.5, False), ("-3", -3.0, False), (None, None, False), ("", None, False),
        (float("nan"), None, False), (pd.NaT, None, False), (pd.NA, None, False),
    ],
)  # fmt: skip
def test_parse_number(raw, value, ambiguous):
    parsed = parse_number(raw)
    assert parsed.value == value
    assert bool(parsed.note) is ambiguous
    assert not parsed.marker and parsed.percent == str(raw).endswith("%")


@pytest.mark.parametrize("raw", ["1,500", "12,345", "-999,999"])
def test_a_number_that_reads_two_ways_is_refused(raw):
    with pytest.raises(ParseAmbiguous) as caught:
        parse_number(raw)
    low, high = caught.value.readings
    assert high == 1000 * low


def test_dash_and_x_are_said_and_percent_is_reported():
    assert parse_number("-") == Parsed(None, marker="-")
    assert parse_number(" x ") == Parsed(None, marker="x")
    assert parse_number("12,5 %") == Parsed(12.5, percent=True)


@pytest.mark.parametrize("raw", ["nhiều", "1.2.3", "12a", True, "1,2,3"])
def test_parse_number_rejects(raw):
    with pytest.raises(ParseFailed):
        parse_number(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("25/8/2019", dt.date(2019, 8, 25)), ("05/09/2019", dt.date(2019, 9, 5)),
        ("5-9-2019", dt.date(2019, 9, 5)), ("2019-09-05", dt.date(2019, 9, 5)),
        ("ngày 05 tháng 9 năm 2019", dt.date(2019, 9, 5)), ("25.8.2019", dt.date(2019, 8, 25)),
        (dt.datetime(2019, 8, 25, 10, 0), dt.date(2019, 8, 25)), (43702, dt.date(2019, 8, 25)),
        ("25/8/19", dt.date(2019, 8, 25)), (None, None), (float("nan"), None), (pd.NaT, None),
    ],
)  # fmt: skip
def test_parse_date(raw, value):
    assert parse_date(raw).value == value


@pytest.mark.parametrize("raw", ["31/02/2019", "hôm qua", "2019", 12])
def test_parse_date_rejects(raw):
    with pytest.raises(ParseFailed):
        parse_date(raw)

"""Inputs that are read correctly after a repair: each case names its code (when the repair is
listed) and cell or row, stores exactly the intended value, and leaves the submitted file
unchanged. Legacy encodings, Windows-1258 CSV, NFD text, a UTF-8 BOM and mixed date writings.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from qptd_tools.core.fsutil import sha256_file
from qptd_tools.intake import layout as L
from qptd_tools.intake.ingest import ingest

from .conftest import COMMUNE, good_filling, write_workbook
from .test_bad_inputs import INFO, award_cell

NAME = award_cell("recipient_name")
SECTION = "P1.I.1"
TEXT_COLUMN = get_column_letter([c.field for c in L.NARRATIVE_COLUMNS].index("text") + 1)
TEXT = "Dân quân tự vệ xã được huấn luyện đủ nội dung, đạt yêu cầu."


def _narrative_cell(path) -> str:
    ws = openpyxl.load_workbook(path)[L.SHEET_NARRATIVE]
    for row in ws.iter_rows(min_row=L.HEADER_ROW + 1):
        if row[0].value == SECTION:
            return f"{TEXT_COLUMN}{row[0].row}"
    raise AssertionError("no narrative row")


def _workbook(tmp_path, cat, change):
    filling = good_filling(cat)
    change(filling)
    return write_workbook(cat, tmp_path / "in" / f"{COMMUNE}.xlsx", filling=filling)


def _narrative(text):
    def make(tmp_path, cat):
        return _workbook(tmp_path, cat, lambda f: f.narrative.__setitem__(SECTION, text))

    return make


def _award_name(text):
    def make(tmp_path, cat):
        return _workbook(tmp_path, cat, lambda f: f.awards[0].__setitem__("recipient_name", text))

    return make


def _dates(conference, report):
    def change(filling):
        filling.info["conference_date"] = conference
        filling.info["report_submitted_date"] = report

    return lambda tmp_path, cat: _workbook(tmp_path, cat, change)


def windows_1258(text: str) -> bytes:
    """Encode as Windows-1258 does: letters precomposed, tone marks as combining characters."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out.append(base + "".join(p for p in parts if p in tones))
    return "".join(out).encode("cp1258")


def _csv(text: str, encoding: str, name: str = "bang.csv"):
    def make(tmp_path, cat):
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(windows_1258(text) if encoding == "cp1258" else text.encode(encoding))
        return path

    return make


def narrative_text(store) -> str:
    frame = store.read("narrative")
    return frame.loc[(frame["unit_code"] == COMMUNE) & (frame["section_id"] == SECTION), "text"].iloc[0]  # fmt: skip


def award_name(store) -> str:
    return store.read("awards").query(f"unit_code == '{COMMUNE}'")["recipient_name"].iloc[0]


def conference(store) -> tuple:
    row = store.read("conferences").query(f"unit_code == '{COMMUNE}'").iloc[0]
    return (row["conference_date"].date(), row["report_submitted_date"].date())


def value(store, indicator: str, year: int) -> float:
    frame = store.read("values")
    pick = (frame["unit_code"] == COMMUNE) & (frame["indicator"] == indicator) & (frame["year"] == year)  # fmt: skip
    return float(frame.loc[pick, "value"].iloc[0])


NARRATIVE_CSV = f'unit_code,section_id,text\n{COMMUNE},{SECTION},"{TEXT}"\n'

# name: (make, code listed or None, where (a cell, or "narrative" for the narrative cell),
#        what is stored, the value expected)
CASES = {
    "TCVN3 (ABC) text in a workbook": (
        _narrative("D©n qu©n tù vÖ x· ®­îc huÊn luyÖn ®ñ néi dung, ®¹t yªu cÇu."),
        "QPTD-W101", "narrative", narrative_text, TEXT,
    ),
    "VNI text in a workbook": (
        _award_name("Löông Thò Haèng"), "QPTD-W101", NAME, award_name, "Lương Thị Hằng",
    ),
    "NFD (decomposed) text": (
        _award_name(unicodedata.normalize("NFD", "Lương Thị Hằng")), None, NAME, award_name,
        "Lương Thị Hằng",
    ),
    "mixed date writings": (
        _dates("20.8.2019", "2019-08-25"), None, INFO["conference_date"], conference,
        (dt.date(2019, 8, 20), dt.date(2019, 8, 25)),
    ),
    "month and day swapped (US writing)": (
        _dates("08/20/2019", "25/8/2019"), "QPTD-W109", INFO["conference_date"], conference,
        (dt.date(2019, 8, 20), dt.date(2019, 8, 25)),
    ),
    "two-digit year": (
        _dates("20/8/19", "ngày 25 tháng 8 năm 2019"), "QPTD-W109", INFO["conference_date"],
        conference, (dt.date(2019, 8, 20), dt.date(2019, 8, 25)),
    ),
    "CSV in Windows-1258": (_csv(NARRATIVE_CSV, "cp1258"), "QPTD-W107", None, narrative_text, TEXT),
    "CSV with a UTF-8 BOM": (
        _csv(f"unit_code,year,indicator,value\n{COMMUNE},2015,DAN_SO,3.120\n", "utf-8-sig"),
        None, None, lambda store: value(store, "DAN_SO", 2015), 3120.0,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_repaired_input(name, tmp_path, cat, store):
    make, code, where, read, expected = CASES[name]
    # the commune's good workbook first, so a CSV adds to a unit that exists in the store
    base = write_workbook(cat, tmp_path / "good" / f"{COMMUNE}.xlsx")
    assert ingest([base], store, cat, progress=False).files[0].status == "accepted"
    path = make(tmp_path, cat)
    before = sha256_file(path)

    result = ingest([path], store, cat, progress=False).files[0]

    assert result.status == "accepted", [str(p) for p in result.problems]
    assert not result.errors
    stored = read(store)
    assert stored == expected
    if isinstance(stored, str):
        assert unicodedata.is_normalized("NFC", stored)
    codes = [p.code for p in result.problems]
    if code is None:
        assert not codes, [str(p) for p in result.problems]
    else:
        assert code in codes, [str(p) for p in result.problems]
        problem = next(p for p in result.problems if p.code == code)
        assert problem.file == path.name and problem.message and problem.hint
        cell = _narrative_cell(path) if where == "narrative" else where
        if cell is not None:
            assert problem.cell == cell, str(problem)
        elif path.suffix == ".csv" and code != "QPTD-W107":
            assert problem.row is not None
    assert sha256_file(path) == before

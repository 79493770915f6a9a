"""The bad-input corpus: each malformed input gives its stable code, names its cell or row,
and leaves both the store and the submitted file unchanged."""

from __future__ import annotations

import inspect
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from qptd_tools.core.config import Limits
from qptd_tools.core.fsutil import sha256_file
from qptd_tools.intake import guard
from qptd_tools.intake import layout as L
from qptd_tools.intake.ingest import ingest

from .conftest import COMMUNE, write_workbook


def value_cell(cat, code: str, year: int, level: str = "xa") -> str:
    codes = list(cat.indicators_for(level, inputs_only=True)["code"])
    row = L.HEADER_ROW + 1 + codes.index(code)
    col = len(L.VALUE_LEAD) + 1 + cat.years.index(year)
    return f"{get_column_letter(col)}{row}"


def award_cell(field: str, row: int = L.HEADER_ROW + 1) -> str:
    fields = [c.field for c in L.AWARD_COLUMNS]
    return f"{get_column_letter(fields.index(field) + 1)}{row}"


def mutate(path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def good(tmp_path, cat) -> Path:
    return write_workbook(cat, tmp_path / "in" / f"{COMMUNE}.xlsx")


def setter(sheet: str, cell: str, value):
    def change(wb):
        wb[sheet][cell] = value

    return change


def case_set(sheet: str, cell: str, value):
    return lambda tmp_path, cat: mutate(good(tmp_path, cat), setter(sheet, cell, value))


def case_value(code: str, year: int, value):
    def make(tmp_path, cat):
        return mutate(
            good(tmp_path, cat), setter(L.SHEET_VALUES, value_cell(cat, code, year), value)
        )

    return make


def case_bytes(name: str, data: bytes):
    def make(tmp_path, cat):
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return make


def case_csv(text: str, encoding: str = "utf-8"):
    return case_bytes("bang.csv", text.encode(encoding))


def _zip_bomb(tmp_path, cat):
    path = tmp_path / "in" / "bom.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    return path


def _corrupt(tmp_path, cat):
    path = good(tmp_path, cat)
    path.write_bytes(path.read_bytes()[:3000])
    return path


def _encrypted(tmp_path, cat):
    body = guard._OLE_MAGIC + b"\0" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512
    return case_bytes(f"{COMMUNE}.xlsx", body)(tmp_path, cat)


def _missing_sheet(tmp_path, cat):
    return mutate(good(tmp_path, cat), lambda wb: wb.remove(wb[L.SHEET_AWARDS]))


def _merged(tmp_path, cat):
    def change(wb):
        wb[L.SHEET_VALUES].merge_cells(
            f"{value_cell(cat, 'DAN_SO', 2009)}:{value_cell(cat, 'DAN_SO', 2010)}"
        )

    return mutate(good(tmp_path, cat), change)


def _formula(tmp_path, cat):
    return mutate(
        good(tmp_path, cat), setter(L.SHEET_VALUES, value_cell(cat, "TT_BUOI", 2012), "=1+1")
    )


def _extra_row(code: str, year: int = 2015, value=5, duplicate_of: str | None = None):
    def make(tmp_path, cat):
        def change(wb):
            ws = wb[L.SHEET_VALUES]
            row = ws.max_row + 1
            ws.cell(row=row, column=1, value=duplicate_of or code)
            ws.cell(row=row, column=len(L.VALUE_LEAD) + 1 + cat.years.index(year), value=value)

        return mutate(good(tmp_path, cat), change)

    return make


def _meta_mismatch(tmp_path, cat):
    return mutate(good(tmp_path, cat), setter(L.SHEET_META, "B2", "01852"))


def _award_dup_id(tmp_path, cat):
    def change(wb):
        ws = wb[L.SHEET_AWARDS]
        for col in range(1, len(L.AWARD_COLUMNS) + 1):
            ws.cell(row=6, column=col, value=ws.cell(row=5, column=col).value)
        ws["A5"] = ws["A6"] = "HS-01"

    return mutate(good(tmp_path, cat), change)


def _many_rows(tmp_path, cat, monkeypatch):
    monkeypatch.setattr("qptd_tools.intake.workbook.LIMITS", Limits(sheet_rows=100))
    return mutate(good(tmp_path, cat), setter(L.SHEET_AWARDS, "C150", "Nguyễn Văn A"))


def _million_rows(tmp_path, cat):
    """A real workbook whose award sheet has 1.048.576 rows (Excel's maximum), ~7 MB zipped."""
    path = good(tmp_path, cat)
    with zipfile.ZipFile(path) as zf:
        part = next(p for p, name in guard._sheet_names(zf).items() if name == A)
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    head, _, tail = parts[part].decode("utf-8").partition("<sheetData>")
    tail = tail.partition("</sheetData>")[2]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in parts.items():
            if name != part:
                zf.writestr(name, data)
        with zf.open(part, "w", force_zip64=True) as out:
            out.write(f"{head}<sheetData>".encode())
            for start in range(1, 1_048_577, 4096):
                out.write("".join(
                    f'<row r="{r}"><c r="A{r}" t="n"><v>{r * 7919 % 1_000_003}</v></c></row>'
                    for r in range(start, min(start + 4096, 1_048_577))
                ).encode())  # fmt: skip
            out.write(f"</sheetData>{tail}".encode())
    return path


def _empty_workbook(tmp_path, cat):
    path = tmp_path / "in" / f"{COMMUNE}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    openpyxl.Workbook().save(path)
    return path


def _oversized(tmp_path, cat, monkeypatch):
    monkeypatch.setattr("qptd_tools.intake.guard.LIMITS", Limits(workbook_bytes=1000))
    return good(tmp_path, cat)


INFO = {name: f"B{L.INFO_FIRST_ROW + i}" for i, (name, _) in enumerate(L.INFO_FIELDS)}
V = L.SHEET_VALUES
A = L.SHEET_AWARDS
ROW5 = L.HEADER_ROW + 1

# name: (make, expected code, expected location fields)
CASES = {
    "missing file": (lambda t, c: t / "khong-co.xlsx", "QPTD-E001", {}),
    "xls extension": (
        case_bytes("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
        "QPTD-E002",
        {},
    ),
    "xls renamed to xlsx": (case_bytes("a.xlsx", guard._OLE_MAGIC + b"\0" * 100), "QPTD-E002", {}),
    "unknown file type": (case_bytes("a.pptx", b"PK\x03\x04"), "QPTD-E003", {}),
    "oversized file": (_oversized, "QPTD-E004", {}),
    "corrupt zip": (_corrupt, "QPTD-E005", {}),
    "password protected": (_encrypted, "QPTD-E006", {}),
    "zip bomb": (_zip_bomb, "QPTD-E007", {}),
    "empty file": (case_bytes("a.xlsx", b""), "QPTD-E009", {}),
    "missing sheet": (_missing_sheet, "QPTD-E010", {"sheet": A}),
    "sheet with too many rows": (_many_rows, "QPTD-E011", {"sheet": A}),
    "sheet with a million rows": (_million_rows, "QPTD-E011", {"sheet": A}),
    "empty workbook (no sheets of the template)": (
        _empty_workbook,
        "QPTD-E010",
        {"sheet": L.SHEET_INFO},
    ),
    "renamed indicator header": (
        case_set(V, "B4", "Chỉ tiêu"),
        "QPTD-E012",
        {"sheet": V, "cell": "B4"},
    ),
    "renamed award header": (case_set(A, "E4", "Nhóm"), "QPTD-E012", {"sheet": A, "cell": "E4"}),
    "renamed info label": (
        case_set(L.SHEET_INFO, "A10", "Ngày"),
        "QPTD-E012",
        {"sheet": L.SHEET_INFO, "cell": "A10"},
    ),
    "year outside period in header": (
        case_set(V, f"{get_column_letter(len(L.VALUE_LEAD) + 1)}{L.HEADER_ROW}", 2008),
        "QPTD-E013",
        {"sheet": V},
    ),
    "merged cells": (_merged, "QPTD-E014", {"sheet": V}),
    "formula without cached value": (_formula, "QPTD-E015", {"sheet": V}),
    "missing unit code": (
        case_set(L.SHEET_INFO, INFO["unit_code"], None),
        "QPTD-E020",
        {"sheet": L.SHEET_INFO, "cell": "B4"},
    ),
    "unknown unit code": (
        case_set(L.SHEET_INFO, INFO["unit_code"], "99999"),
        "QPTD-E021",
        {"cell": "B4"},
    ),
    "unit code with path": (
        case_set(L.SHEET_INFO, INFO["unit_code"], "../061"),
        "QPTD-E023",
        {"cell": "B4"},
    ),
    "unit code differs from template": (_meta_mismatch, "QPTD-E022", {"cell": "B4"}),
    "text in number cell": (case_value("TT_BUOI", 2013, "nhiều"), "QPTD-E030", {"sheet": V}),
    "negative count": (case_value("TT_BUOI", 2013, -4), "QPTD-E031", {"sheet": V}),
    "fraction of people": (case_value("DQ_QUAN_SO", 2012, "12,5"), "QPTD-E032", {"sheet": V}),
    "flag not 0 or 1": (case_value("VM_CO_SO", 2014, 2), "QPTD-E033", {"sheet": V}),
    "unknown indicator": (_extra_row("KHONG_CO"), "QPTD-E034", {"sheet": V}),
    "indicator of another level": (_extra_row("TT_CHUYEN_MUC"), "QPTD-E035", {"sheet": V}),
    "duplicate indicator row": (_extra_row("DAN_SO", 2009, 3100), "QPTD-E036", {"sheet": V}),
    "part larger than whole": (case_value("DQ_DANG_VIEN", 2019, 80), "QPTD-E038", {"sheet": V}),
    "award missing name": (
        case_set(A, award_cell("recipient_name"), None),
        "QPTD-E040",
        {"sheet": A, "cell": award_cell("recipient_name")},
    ),
    "award unknown form": (
        case_set(A, award_cell("form"), "Huy chương vàng"),
        "QPTD-E041",
        {"sheet": A, "cell": award_cell("form")},
    ),
    "award unknown recipient type": (
        case_set(A, award_cell("recipient_type"), "Hộ gia đình"),
        "QPTD-E042",
        {"cell": award_cell("recipient_type")},
    ),
    "award group of collectives for a person": (
        case_set(A, award_cell("recipient_group"), "TT_CQ"),
        "QPTD-E044",
        {"cell": award_cell("recipient_group")},
    ),
    "award unknown status": (
        case_set(A, award_cell("status"), "Chờ"),
        "QPTD-E045",
        {"cell": award_cell("status")},
    ),
    "award bad gender": (
        case_set(A, award_cell("gender"), "X"),
        "QPTD-E046",
        {"cell": award_cell("gender")},
    ),
    "award bad decision date": (
        case_set(A, award_cell("decision_date"), "31/02/2019"),
        "QPTD-E047",
        {"cell": award_cell("decision_date")},
    ),
    "award duplicate record id": (
        _award_dup_id,
        "QPTD-E048",
        {"cell": award_cell("record_id", ROW5 + 1)},
    ),
    "bad conference date": (
        case_set(L.SHEET_INFO, INFO["conference_date"], "hôm qua"),
        "QPTD-E050",
        {"cell": INFO["conference_date"]},
    ),
    "bad participants": (
        case_set(L.SHEET_INFO, INFO["participants"], "-3"),
        "QPTD-E051",
        {"cell": INFO["participants"]},
    ),
    "unknown narrative section": (
        case_set(L.SHEET_NARRATIVE, "A5", "P9.X"),
        "QPTD-E060",
        {"sheet": L.SHEET_NARRATIVE},
    ),
    "csv with unknown columns": (case_csv("ma,nam,gia_tri\n061,2010,5\n"), "QPTD-E070", {}),
    "csv renamed column": (
        case_csv("unit_code,year,indicator,gia_tri\n061,2010,TT_BUOI,5\n"),
        "QPTD-E070",
        {},
    ),
    "csv year outside period": (
        case_csv("unit_code,year,indicator,value\n061,2020,TT_BUOI,5\n"),
        "QPTD-E037",
        {"row": 2},
    ),
    "csv derived ratio": (
        case_csv("unit_code,year,indicator,value\n061,2010,DQ_TL_DAN_SO,1\n"),
        "QPTD-E039",
        {"row": 2},
    ),
    "csv undecodable bytes": (
        case_bytes("a.csv", b"unit_code,year,indicator,value\n061,2010,TT_BUOI,\x81\xff\n"),
        "QPTD-E071",
        {},
    ),
    "csv unit code unknown": (
        case_csv("unit_code,year,indicator,value\n061,2010,TT_BUOI,5\n999,2010,TT_BUOI,5\n"),
        "QPTD-E021",
        {"row": 3},
    ),
}


@pytest.fixture
def baseline(tmp_path, cat, store):
    """A store holding a good submission of the commune (the state that must survive)."""
    path = write_workbook(cat, tmp_path / "good" / f"{COMMUNE}.xlsx")
    report = ingest([path], store, cat, progress=False)
    assert report.files[0].status == "accepted"
    return store


def state(store) -> tuple:
    tables = {
        name: store.read(name).to_csv(index=False)
        for name in ("values", "awards", "conferences", "narrative", "submissions")
    }
    return (store.path / "CURRENT").read_text(), tables


def test_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({code for _, code, _ in CASES.values()}) >= 35


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name, tmp_path, cat, baseline, monkeypatch):
    make, code, where = CASES[name]
    needs_patch = "monkeypatch" in inspect.signature(make).parameters
    path = make(tmp_path, cat, monkeypatch) if needs_patch else make(tmp_path, cat)
    before_file = sha256_file(path) if path.exists() else None
    before_store = state(baseline)

    report = ingest([path], baseline, cat, progress=False)

    result = report.files[0]
    assert result.status == "rejected"
    codes = [p.code for p in result.errors]
    assert code in codes, [str(p) for p in result.problems]
    problem = next(p for p in result.errors if p.code == code)
    assert problem.file == path.name
    for field, value in where.items():
        assert getattr(problem, field) == value, str(problem)
    assert problem.message and problem.hint  # Vietnamese message and what to do
    assert state(baseline) == before_store
    if before_file is not None:
        assert sha256_file(path) == before_file

"""Intake that clerks can trust (issue #11): what a unit sends is stored exactly as meant, or
refused clearly — never stored wrong. One test per defect found with real files, each failing on
the code before the fix."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from qptd_tools.cli import main
from qptd_tools.core.fsutil import sha256_file
from qptd_tools.intake import layout as L
from qptd_tools.intake.ingest import FileResult, check_name, ingest
from qptd_tools.intake.template import Filling
from qptd_tools.store import history as H
from qptd_tools.store.snapshots import Store

from .conftest import good_filling, write_workbook
from .test_bad_inputs import value_cell

UNIT, OTHER = "01858", "01861"  # Xã Bằng Thành, Xã Nhạn Môn (Huyện Pác Nặm)


def _ingest(store, cat, *paths, use=()):
    return ingest(list(paths), store, cat, progress=False, use=use)


def _state(store: Store) -> dict[str, str]:
    return {name: store.read(name).to_csv(index=False) for name in ("values", "submissions")}


def _codes(result: FileResult) -> list[str]:
    return [p.code for p in result.problems]


# --- 1. a file named after another unit -----------------------------------------------------
def test_a_file_named_after_another_unit_never_replaces_that_unit(tmp_path, cat, store):
    real = write_workbook(cat, tmp_path / "a" / f"{OTHER}.xlsx", OTHER)
    _ingest(store, cat, real)
    before = _state(store)
    # 01858's template, filled by the clerk of 01861 and saved under 01861's name
    wrong = write_workbook(cat, tmp_path / "b" / f"{OTHER}.xlsx", UNIT)
    result = _ingest(store, cat, wrong).files[0]
    assert result.status == "rejected"
    problem = next(p for p in result.problems if p.code == "QPTD-E024")
    assert OTHER in problem.message and UNIT in problem.message
    assert "Xã Nhạn Môn" in problem.message and "Xã Bằng Thành" in problem.message
    assert f"qptd template --unit {OTHER}" in problem.hint
    assert _state(store) == before


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        (f"{UNIT}.xlsx", True), (f"{UNIT}_sua_lan2.xlsx", True), (f"Bang Thanh {UNIT}.xlsx", True),
        (f"060_{UNIT}.xlsx", True), ("BangThanh.xlsx", True), (f"{OTHER}.xlsx", False),
        ("060.xlsx", False), (f"{UNIT}_{OTHER}.xlsx", False), (f"061_{UNIT}.xlsx", False),
    ],
)  # fmt: skip
def test_the_naming_rule(name, ok, cat):
    result = FileResult(path=Path(name), status="accepted", units=[UNIT])
    check_name(result, cat)
    assert (result.status == "accepted") is ok, [str(p) for p in result.problems]


def test_the_naming_rule_over_every_unit(cat):
    """Every unit's own code (with its parents' codes) passes; any other unit's code fails."""
    codes = list(cat.units["unit_code"])
    parents = dict(zip(codes, cat.units["parent_code"], strict=True))
    for i, unit in enumerate(codes):
        other = codes[(i + 1) % len(codes)]
        for name, ok in ((f"{unit}.xlsx", True), (f"{parents[unit]}_{unit}_v2.xlsx", True),
                         (f"{other}.xlsx", False)):  # fmt: skip
            result = FileResult(path=Path(name), status="accepted", units=[unit])
            check_name(result, cat)
            assert (result.status == "accepted") is ok, (unit, name)


# --- 2. a corrected resubmission next to the old file ---------------------------------------
def _corrected(cat, path: Path) -> Path:
    filling = good_filling(cat, UNIT)
    filling.values[("DAN_SO", 2015)] = 3170
    filling.values[("TT_BUOI", 2016)] = 14
    return write_workbook(cat, path, UNIT, filling)


def test_a_corrected_file_beside_the_old_one_never_flips(tmp_path, cat, store, capsys):
    raw = tmp_path / "raw"
    first = write_workbook(cat, raw / f"{UNIT}.xlsx", UNIT)
    assert _ingest(store, cat, raw).files[0].status == "accepted"
    old = store.read("submissions")["source_sha256"].iloc[0]
    second = _corrected(cat, raw / f"{UNIT}_sua_lan2.xlsx")
    for order in ([raw], [second, first], [first, second]):  # the same outcome, every time
        report = _ingest(store, cat, *order)
        assert {f.status for f in report.files} == {"rejected"}
        for result in report.files:
            messages = [p.message for p in result.problems if p.code == "QPTD-E025"]
            assert len(messages) == 1  # said once per file, naming both files
            assert f"{UNIT}.xlsx" in messages[0] and f"{UNIT}_sua_lan2.xlsx" in messages[0]
        assert set(store.read("submissions")["source_sha256"]) == {old}
    chosen = _ingest(store, cat, raw, use=[second.name])
    assert [f.status for f in chosen.files] == ["set_aside", "accepted"]
    assert set(store.read("submissions")["source_sha256"]) == {sha256_file(second)}
    for _ in range(2):  # the clerk's choice is remembered: nothing flips back
        again = _ingest(store, cat, raw)
        assert [f.status for f in again.files] == ["superseded", "unchanged"]
        assert not again.rejected and again.snapshot is None
    versions = H.versions(store.read("history"), store.read("submissions"), UNIT)
    assert versions["source_file"].tolist() == [f"{UNIT}.xlsx", f"{UNIT}_sua_lan2.xlsx"]
    assert versions["in_force"].map(len).tolist() == [0, 4]
    assert store.kept(sha256_file(first)) is not None  # nothing a unit sent is lost
    # `qptd history` shows the files, which one is in force and the cells that changed
    root = tmp_path / "ws"
    shutil.copytree(store.path, root / "data" / "processed")
    assert main(["--root", str(root), "history", "--unit", UNIT]) == 0
    text = capsys.readouterr().out
    assert "#1 01858.xlsx  [đã được thay]" in text and "#2 01858_sua_lan2.xlsx  [ĐANG DÙNG]" in text
    assert "Khác bản #1 ở 2 chỗ" in text
    assert "Dân số trung bình (DAN_SO) năm 2015" in text and "(trống) → 3.170" in text
    assert "Buổi tuyên truyền về quốc phòng (TT_BUOI) năm 2016" in text


# --- 4. every file of a folder is accounted for ----------------------------------------------
def test_every_file_in_a_folder_is_accounted_for(tmp_path, cat, store, capsys):
    raw = tmp_path / "raw"
    write_workbook(cat, raw / f"{UNIT}.xlsx", UNIT)
    refused = {"bao-cao.ods": "QPTD-E008", "cu.xls": "QPTD-E002", "bao-cao.docx": "QPTD-E005",
               "bao-cao.pdf": "QPTD-E003"}  # fmt: skip
    for name in refused:
        (raw / name).write_bytes(b"PK\x03\x04 not really")
    ignored = ["~$01858.xlsx", ".~lock.01858.xlsx#", ".an.xlsx", "ghi chu.txt", "Thumbs.db"]
    for name in ignored:
        (raw / name).write_bytes(b"x")
    report = _ingest(store, cat, raw)
    assert len(report.files) == 1 + len(refused) + len(ignored)
    by_name = {f.path.name: f for f in report.files}
    for name, code in refused.items():
        assert by_name[name].status == "rejected" and _codes(by_name[name]) == [code]
    for name in ignored:
        assert by_name[name].status == "ignored" and by_name[name].note
    assert by_name[f"{UNIT}.xlsx"].status == "accepted"
    assert report.summary() == "Kết quả (10 tệp): nhận 1, từ chối 4, bỏ qua 5."
    assert main(["--root", str(tmp_path), "ingest", str(raw)]) == 1
    out = capsys.readouterr().out
    assert "BỎ QUA" in out and "tệp khóa của Excel" in out and "QPTD-E008" in out


# --- 5. blank dates under pandas 3 ----------------------------------------------------------
def test_an_award_sheet_with_and_without_decision_dates(tmp_path, cat, store):
    filling = good_filling(cat, UNIT)
    decided = dict(filling.awards[0], status="Quyết định", decision_no="12/QĐ-UBND",
                   decision_date=dt.date(2019, 8, 20), recipient_name="Hà Văn Bình")  # fmt: skip
    filling.awards.append(decided)
    result = _ingest(store, cat, write_workbook(cat, tmp_path / f"{UNIT}.xlsx", UNIT, filling))
    assert result.files[0].status == "accepted", [str(p) for p in result.files[0].problems]
    dates = store.read("awards").set_index("recipient_name")["decision_date"]
    assert pd.isna(dates["Lương Thị Hằng"]) and dates["Hà Văn Bình"] == pd.Timestamp(2019, 8, 20)


# --- 6. a formula whose cached result is empty (LibreOffice) ----------------------------------
@pytest.mark.slow
def test_a_formula_with_an_empty_cached_result_is_an_empty_cell(tmp_path, cat, store):
    soffice = shutil.which("soffice")
    if soffice is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed")
    path = write_workbook(cat, tmp_path / "src" / f"{UNIT}.xlsx", UNIT)
    wb = openpyxl.load_workbook(path)
    ws = wb[L.SHEET_VALUES]
    ws[value_cell(cat, "TT_BUOI", 2012)] = '=IF(1>2,5,"")'
    ws[value_cell(cat, "TT_BUOI", 2013)] = "=2+3"
    wb.save(path)
    saved = _libreoffice(path, tmp_path / "lo")
    result = _ingest(store, cat, saved).files[0]
    assert result.status == "accepted", [str(p) for p in result.problems]
    values = store.read("values").query("indicator == 'TT_BUOI'").set_index("year")["value"]
    assert 2012 not in values.index and values[2013] == 5


def _libreoffice(path: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--calc",
                    "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    return out / path.name


# --- 7, 8, 9: columns inserted, total rows, deleted rows --------------------------------------
def _edited(tmp_path, cat, change) -> Path:
    path = write_workbook(cat, tmp_path / f"{UNIT}.xlsx", UNIT)
    wb = openpyxl.load_workbook(path)
    change(wb[L.SHEET_VALUES])
    wb.save(path)
    return path


def test_a_column_inserted_before_the_years_is_read_by_its_headers(tmp_path, cat, store):
    first_year = len(L.VALUE_LEAD) + 1
    path = _edited(tmp_path, cat, lambda ws: ws.insert_cols(first_year))
    result = _ingest(store, cat, path).files[0]
    assert result.status == "accepted", [str(p) for p in result.problems]
    shifted = next(p for p in result.problems if p.code == "QPTD-W110")
    moved, expected = get_column_letter(first_year + 1), get_column_letter(first_year)
    assert f"cột năm 2009 ở cột {moved} thay vì {expected}" in shifted.message
    values = store.read("values").set_index(["indicator", "year"])["value"]
    assert values[("DAN_SO", 2019)] == 3250 and values[("DAN_SO", 2009)] == 3000


def test_a_total_row_added_by_the_clerk_is_named_not_refused(tmp_path, cat, store):
    def add_total(ws):
        row = ws.max_row + 1
        ws.cell(row=row, column=2, value="Cộng")
        ws.cell(row=row, column=len(L.VALUE_LEAD) + 1, value=3050)

    result = _ingest(store, cat, _edited(tmp_path, cat, add_total)).files[0]
    assert result.status == "accepted", [str(p) for p in result.problems]
    total = next(p for p in result.problems if p.code == "QPTD-W111")
    assert total.row and f"Dòng {total.row} (“Cộng”)" in total.message


def test_a_deleted_indicator_row_is_said(tmp_path, cat, store):
    codes = list(cat.indicators_for("xa", inputs_only=True)["code"])
    row = L.HEADER_ROW + 1 + codes.index("TT_BUOI")
    result = _ingest(store, cat, _edited(tmp_path, cat, lambda ws: ws.delete_rows(row))).files[0]
    assert result.status == "accepted"
    missing = [p for p in result.problems if p.code == "QPTD-W105"]
    assert [p.indicator for p in missing] == ["TT_BUOI"]
    assert "Buổi tuyên truyền về quốc phòng (TT_BUOI)" in missing[0].message


# --- 10. commands on a unit with no data, and a closed pipe -----------------------------------
def test_indicators_of_a_unit_with_no_data_says_so(tmp_path, cat, capsys):
    write_workbook(cat, tmp_path / "raw" / f"{UNIT}.xlsx", UNIT)
    assert main(["--root", str(tmp_path), "--quiet", "ingest", str(tmp_path / "raw")]) == 0
    capsys.readouterr()
    for extra in ([], ["--series"]):
        assert main(["--root", str(tmp_path), "indicators", "--unit", OTHER, *extra]) == 2
        err = capsys.readouterr().err
        assert "QPTD-E094" in err and "Xã Nhạn Môn" in err and "qptd ingest" in err
        assert "E099" not in err and "KeyError" not in err


def test_a_closed_pipe_ends_output_quietly(workspace):
    pipeline = f"qptd --root {workspace} check --verbose | head -1"
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {pipeline}"], capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.stdout.startswith("ĐỘ ĐẦY ĐỦ SỐ LIỆU")
    assert "BrokenPipe" not in done.stderr and "E099" not in done.stderr, done.stderr


# --- 11. dashes, percent signs, numbers that read two ways -----------------------------------
@pytest.mark.parametrize(
    ("code", "writing", "expected"),
    [
        ("TT_BUOI", "-", ("QPTD-W112", None)),
        ("TT_BUOI", "x", ("QPTD-W112", None)),
        ("CS_KINH_PHI", "12,5 %", ("QPTD-E028", None)),
        ("CS_KINH_PHI", "1,500", ("QPTD-E027", None)),
        ("TT_BUOI", "1,500", ("QPTD-E027", None)),
        ("CS_KINH_PHI", "1.500", (None, 1500.0)),
        ("CS_KINH_PHI", "1,5", (None, 1.5)),
        ("CS_KINH_PHI", "0,500", (None, 0.5)),
    ],
)
def test_writings_a_clerk_might_use(tmp_path, cat, store, code, writing, expected):
    change = lambda ws: ws.__setitem__(value_cell(cat, code, 2015), writing)  # noqa: E731
    result = _ingest(store, cat, _edited(tmp_path, cat, change)).files[0]
    problem, value = expected
    if problem:
        found = [p for p in result.problems if p.code == problem]
        assert found and found[0].cell == value_cell(cat, code, 2015)
    if problem and problem.startswith("QPTD-E"):
        assert result.status == "rejected"
        return
    assert result.status == "accepted", [str(p) for p in result.problems]
    stored = store.read("values").query(f"indicator == '{code}' and year == 2015")["value"]
    assert stored.tolist() == ([] if value is None else [value])


# --- messages a clerk can read -----------------------------------------------------------------
PYTHONISH = re.compile(
    r"\b(True|False|None|nan|NaT)\b|\d\.0\b|\b(values|awards|conferences|narrative)\b"
)


def test_messages_read_the_vietnamese_way(tmp_path, cat, store):
    def change(ws):
        ws[value_cell(cat, "TT_BUOI", 2013)] = -5.0
        ws[value_cell(cat, "DQ_QUAN_SO", 2012)] = 12.5
        ws[value_cell(cat, "DQ_DANG_VIEN", 2019)] = 80

    result = _ingest(store, cat, _edited(tmp_path, cat, change)).files[0]
    text = {p.code: str(p) for p in result.problems}
    assert "Giá trị -5 là số âm" in text["QPTD-E031"]
    assert "Buổi tuyên truyền về quốc phòng (TT_BUOI), năm 2013" in text["QPTD-E031"]
    assert "phải là số nguyên (đơn vị tính: người)" in text["QPTD-E032"]
    assert "Giá trị năm 2019 (80) lớn hơn Quân số dân quân tự vệ (DQ_QUAN_SO)" in text["QPTD-E038"]
    for line in text.values():
        assert not PYTHONISH.search(line), line


def test_verbose_never_calls_a_skipped_file_loaded(tmp_path, cat, capsys):
    write_workbook(cat, tmp_path / "raw" / f"{UNIT}.xlsx", UNIT)
    args = ["--root", str(tmp_path), "--quiet", "ingest", str(tmp_path / "raw"), "--verbose"]
    assert main(args) == 0
    assert "ĐÃ NẠP" in capsys.readouterr().out
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "ĐÃ NẠP" not in out and "KHÔNG ĐỔI" in out and "QPTD-W108" in out


# --- found by a clerk's try-out (helper report): each stored wrong or said badly before ------
def test_a_blank_template_over_a_filled_unit_is_refused(tmp_path, cat, store, sample_dir):
    _ingest(store, cat, sample_dir / f"{UNIT}.xlsx")
    before = _state(store)
    blank = tmp_path / f"{UNIT}.xlsx"
    from qptd_tools.intake.template import build_workbook, save_workbook

    save_workbook(build_workbook(cat, UNIT), blank)
    result = _ingest(store, cat, blank).files[0]
    assert result.status == "rejected"
    problem = next(p for p in result.problems if p.code == "QPTD-E026")
    assert "còn 0/" in problem.message and "ô số liệu" in problem.message
    assert f"--use {UNIT}.xlsx" in problem.hint
    assert _state(store) == before
    chosen = _ingest(store, cat, blank, use=[blank.name]).files[0]  # the clerk says it is meant
    assert chosen.status == "accepted"


def test_a_half_filled_resubmission_is_refused(tmp_path, cat, store, sample_dir):
    _ingest(store, cat, sample_dir / f"{UNIT}.xlsx")
    before = _state(store)
    path = tmp_path / f"{UNIT}_bo_sung.xlsx"
    shutil.copy(sample_dir / f"{UNIT}.xlsx", path)
    wb = openpyxl.load_workbook(path)
    ws = wb[L.SHEET_VALUES]
    for row in ws.iter_rows(min_row=L.HEADER_ROW + 4, min_col=len(L.VALUE_LEAD) + 1):
        for cell in row:
            cell.value = None  # only the first three indicator rows stay filled
    wb.save(path)
    result = _ingest(store, cat, path).files[0]
    assert result.status == "rejected" and "QPTD-E026" in _codes(result)
    assert _state(store) == before


def test_a_misnamed_copy_is_refused_every_time(tmp_path, cat, store):
    raw = tmp_path / "raw"
    write_workbook(cat, raw / f"{UNIT}.xlsx", UNIT)
    shutil.copy(raw / f"{UNIT}.xlsx", raw / f"{OTHER}.xlsx")
    for _ in range(2):
        report = _ingest(store, cat, raw)
        by_name = {f.path.name: f for f in report.files}
        assert by_name[f"{OTHER}.xlsx"].status == "rejected"
        assert "QPTD-E024" in _codes(by_name[f"{OTHER}.xlsx"])


def test_a_mistyped_use_is_refused_before_anything_is_loaded(tmp_path, cat, store):
    raw = tmp_path / "raw"
    write_workbook(cat, raw / f"{UNIT}.xlsx", UNIT)
    write_workbook(cat, raw / "060.xlsx", "060", Filling(values={("DAN_SO", 2019): 40000}))
    from qptd_tools.core.errors import UsageInvalid

    with pytest.raises(UsageInvalid) as err:
        _ingest(store, cat, raw, use=[f"{UNIT}_sua_lan_2.xlsx"])
    assert "có thể là" in str(err.value) and f"{UNIT}.xlsx" in str(err.value)
    assert store.current() is None


def test_a_dash_in_a_narrative_section_is_not_a_text(tmp_path, cat, store):
    filling = good_filling(cat, UNIT)
    filling.narrative["P1.I.3"] = "-"
    result = _ingest(
        store, cat, write_workbook(cat, tmp_path / f"{UNIT}.xlsx", UNIT, filling)
    ).files[0]
    assert "QPTD-W113" in _codes(result)
    assert "P1.I.3" not in set(store.read("narrative")["section_id"])


@pytest.mark.parametrize(
    ("where", "value", "code"),
    [
        (("values", "TT_BUOI", 2015), 1e20, "QPTD-E018"),
        (("values", "TT_BUOI", 2015), "1.234.567.890.123", "QPTD-E018"),
        (("values", "TT_BUOI", 2015), dt.datetime(2019, 5, 12), "QPTD-E019"),
        (("values", "TT_BUOI", 2015), True, "QPTD-E019"),
        (("info", "conference_date"), "20/8/2109", "QPTD-E052"),
    ],
)
def test_values_no_unit_could_report_are_refused(tmp_path, cat, store, where, value, code):
    filling = good_filling(cat, UNIT)
    if where[0] == "info":
        filling.info[where[1]] = value
    path = write_workbook(cat, tmp_path / f"{UNIT}.xlsx", UNIT, filling)
    if where[0] == "values":  # typed into the cell, as Excel keeps it (a date keeps a date format)
        wb = openpyxl.load_workbook(path)
        wb[L.SHEET_VALUES][value_cell(cat, where[1], where[2])] = value
        wb.save(path)
    result = _ingest(store, cat, path).files[0]
    assert result.status == "rejected" and code in _codes(result), [str(p) for p in result.problems]
    assert not PYTHONISH.search(" ".join(str(p) for p in result.problems))


def test_inserted_rows_and_columns_are_named_as_such(tmp_path, cat, store):
    above = _ingest(store, cat, _edited(tmp_path / "r", cat, lambda ws: ws.insert_rows(2))).files[0]
    moved = next(p for p in above.problems if p.code == "QPTD-W110")
    assert "dòng phía trên tiêu đề (tiêu đề ở dòng 5 thay vì dòng 4)" in moved.message
    assert "cột" not in moved.message.split("dòng phía trên")[0]

    def number_column(wb_ws):
        wb_ws.insert_cols(1)
        wb_ws["A4"] = "STT"

    before = _ingest(
        Store(tmp_path / "s2"), cat, _edited(tmp_path / "c", cat, number_column)
    ).files[0]
    assert before.status == "accepted", [str(p) for p in before.problems]
    moved = next(p for p in before.problems if p.code == "QPTD-W110")
    assert "cột phía trước (cột “Mã chỉ tiêu” ở cột B thay vì A)" in moved.message


def test_award_and_contact_cells_a_clerk_mistypes(tmp_path, cat, store):
    filling = good_filling(cat, UNIT)
    filling.awards[0] = dict(filling.awards[0], status="Quyết định", decision_no="12/QĐ-UBND")
    filling.awards.append(dict(filling.awards[0], recipient_type="Tập thể",
                               recipient_name="Hội Phụ nữ xã", recipient_group="TT_CQ",
                               status="Đề nghị", decision_no="", decision_date=dt.date(2019, 9, 1)))  # fmt: skip
    filling.info["contact_phone"] = 912345678
    result = _ingest(
        store, cat, write_workbook(cat, tmp_path / f"{UNIT}.xlsx", UNIT, filling)
    ).files[0]
    assert result.status == "accepted", [str(p) for p in result.problems]
    by_code = {p.code: p for p in result.problems}
    assert by_code["QPTD-W106"].cell.startswith("L")  # the missing date, not the number given
    assert "ngày quyết định" in by_code["QPTD-W115"].message
    assert "giới tính" in by_code["QPTD-W114"].message
    assert by_code["QPTD-W116"].message.endswith("đã đọc là 0912345678.")
    awards = store.read("awards").set_index("recipient_name")
    assert pd.isna(awards.loc["Hội Phụ nữ xã", "gender"])
    assert store.read("conferences")["contact_phone"].tolist() == ["0912345678"]


def test_the_default_output_names_every_file(tmp_path, cat, capsys):
    raw = tmp_path / "raw"
    write_workbook(cat, raw / f"{UNIT}.xlsx", UNIT)
    write_workbook(cat, raw / "060.xlsx", "060", Filling(values={("DAN_SO", 2019): 40000}))
    main(["--root", str(tmp_path), "--quiet", "ingest", str(raw)])
    out = capsys.readouterr().out
    assert f"{UNIT}.xlsx" in out and "060.xlsx" in out

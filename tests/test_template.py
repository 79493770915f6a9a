"""The fill-in workbook: sheets, indicators of the level, validation, protection, metadata."""

from __future__ import annotations

import openpyxl
import pytest

from qptd_tools.core.config import SAMPLE_LABEL
from qptd_tools.core.fsutil import sha256_file
from qptd_tools.intake import layout as L
from qptd_tools.intake.template import build_workbook, save_workbook


@pytest.fixture(params=["01849", "061", "06", "06NG01", "06DV01"])
def blank(request, tmp_path, cat):
    path = tmp_path / f"{request.param}.xlsx"
    save_workbook(build_workbook(cat, request.param), path)
    return request.param, openpyxl.load_workbook(path)


def test_sheets_and_hidden_meta(blank, cat):
    code, wb = blank
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == [
        L.SHEET_GUIDE,
        L.SHEET_INFO,
        L.SHEET_VALUES,
        L.SHEET_AWARDS,
        L.SHEET_NARRATIVE,
    ]
    meta = wb[L.SHEET_META]
    assert meta.sheet_state == "hidden"
    assert meta["B1"].value == cat.review.template_version and meta["B2"].value == code
    assert wb[L.SHEET_INFO]["B4"].value == code
    assert wb[L.SHEET_INFO]["B5"].value == cat.unit(code)["name"]


def test_only_the_levels_indicators(blank, cat):
    code, wb = blank
    ws = wb[L.SHEET_VALUES]
    level = cat.unit(code)["level"]
    expected = list(cat.indicators_for(level, inputs_only=True)["code"])
    found = [ws.cell(row=r, column=1).value for r in range(L.HEADER_ROW + 1, ws.max_row + 1)]
    assert found == expected
    headers = [ws.cell(row=L.HEADER_ROW, column=c).value for c in range(1, ws.max_column + 1)]
    assert headers == ["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Phạm vi số liệu",
                       "Mục đề cương", *[str(y) for y in range(2009, 2020)], "Ghi chú"]  # fmt: skip
    units = [ws.cell(row=r, column=3).value for r in range(L.HEADER_ROW + 1, ws.max_row + 1)]
    assert units == list(cat.indicators_for(level, inputs_only=True)["unit"])
    scopes = [ws.cell(row=r, column=4).value for r in range(L.HEADER_ROW + 1, ws.max_row + 1)]
    assert scopes == [cat.scope_text(c, code) for c in expected]


def test_every_unit_is_told_the_scope_of_each_row(cat):
    """Each level reads in words whether a row counts its own activity or its whole area."""
    rules = cat.indicators.set_index("code")["rollup"]
    for unit in cat.units.itertuples():
        below = cat.rollup_children(unit.unit_code)
        for code in cat.indicators_for(unit.level, inputs_only=True)["code"]:
            text = cat.scope_text(code, unit.unit_code)
            if rules[code] == "flag":
                assert "1" in text and "0" in text
            elif below.empty:
                assert text.startswith("số của"), (unit.unit_code, code, text)
            elif rules[code] == "own":
                assert text.startswith(f"chỉ ghi số do cấp {unit.division_type}")
                assert "không gồm các" in text, (unit.unit_code, code, text)
            else:
                assert text == f"số toàn {unit.division_type}, gồm cả " + " và ".join(
                    cat.kinds(part) for _, part in below.groupby("level", sort=False)
                )
    assert cat.scope_text("TT_BUOI", "060") == (
        "chỉ ghi số do cấp huyện trực tiếp thực hiện, không gồm các xã"
    )  # Pác Nặm has only communes
    assert cat.scope_text("DQ_QUAN_SO", "058") == "số toàn thành phố, gồm cả các phường, xã"


def test_validation_and_protection(blank):
    _, wb = blank
    values = wb[L.SHEET_VALUES]
    assert values.protection.sheet
    rules = values.data_validations.dataValidation
    assert any(r.type == "decimal" and r.operator == "greaterThanOrEqual" for r in rules)
    assert values["A5"].protection.locked  # header/code cells stay locked
    first_year = chr(ord("A") + len(L.VALUE_LEAD))
    assert values.column_dimensions[first_year].protection.locked is False  # year columns open
    awards = wb[L.SHEET_AWARDS]
    lists = {
        str(r.sqref).split(":")[0][0]: r.formula1 for r in awards.data_validations.dataValidation
    }
    fields = [c.field for c in L.AWARD_COLUMNS]
    for field in ("recipient_type", "recipient_group", "form", "status", "gender"):
        letter = chr(ord("A") + fields.index(field))
        assert lists[letter].startswith(f"='{L.SHEET_LISTS}'!")


def test_guide_is_vietnamese(blank):
    _, wb = blank
    text = " ".join(str(c.value) for row in wb[L.SHEET_GUIDE].iter_rows() for c in row if c.value)
    assert "Cách điền" in text and "Hướng dẫn số 297/HD-UBND" in text


def test_same_inputs_same_bytes(tmp_path, cat):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    save_workbook(build_workbook(cat, "061"), a)
    save_workbook(build_workbook(cat, "061"), b)
    assert sha256_file(a) == sha256_file(b)


def test_sample_label(tmp_path, cat):
    path = tmp_path / "s.xlsx"
    save_workbook(build_workbook(cat, "061", sample=True), path)
    wb = openpyxl.load_workbook(path)
    for name in (L.SHEET_INFO, L.SHEET_VALUES, L.SHEET_AWARDS, L.SHEET_NARRATIVE):
        assert wb[name]["A3"].value == SAMPLE_LABEL
    assert wb[L.SHEET_META]["B4"].value == 1

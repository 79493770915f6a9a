"""Writing the fill-in workbook of a unit (DESIGN §4.6), blank or pre-filled.

Sheets: instructions, unit information, indicators (years as columns, only those of the
unit's level), award records (drop-downs), narrative per outline section, a hidden list
sheet feeding the drop-downs and a hidden sheet with the template version and unit code.
Header cells are protected; input cells are not.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from qptd_tools.catalog import Catalog
from qptd_tools.core.config import SAMPLE_LABEL
from qptd_tools.core.fsutil import atomic_write_bytes, normalize_zip
from qptd_tools.intake import layout as L

FONT = "Times New Roman"
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)


@dataclass
class Filling:
    """Values to pre-fill a workbook with (the sample generator and tests use it).

    Cell values are written as given: numbers, dates or strings such as ``"1.234"``.
    """

    values: dict[tuple[str, int], object] = field(default_factory=dict)
    info: dict[str, object] = field(default_factory=dict)
    awards: list[Mapping[str, object]] = field(default_factory=list)
    narrative: dict[str, object] = field(default_factory=dict)


def _font(bold: bool = False, size: float = 12, color: str = "000000") -> Font:
    return Font(name=FONT, bold=bold, size=size, color=color)


def _title(ws: Worksheet, text: str, subtitle: str, sample: bool) -> None:
    ws["A1"] = text
    ws["A1"].font = _font(bold=True, size=14)
    ws["A2"] = subtitle
    ws["A2"].font = _font(size=12)
    if sample:
        ws["A3"] = SAMPLE_LABEL
        ws["A3"].font = _font(bold=True, size=12, color="C00000")


def _header(ws: Worksheet, columns: Iterable[tuple[str, float]]) -> None:
    for index, (text, width) in enumerate(columns, start=1):
        cell = ws.cell(row=L.HEADER_ROW, column=index, value=text)
        cell.font = _font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=L.HEADER_ROW + 1, column=1)


def _protect(ws: Worksheet, *, allow_rows: bool = False) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    if allow_rows:
        ws.protection.insertRows = False
        ws.protection.deleteRows = False


def _unlock_columns(ws: Worksheet, first: int, last: int) -> None:
    for index in range(first, last + 1):
        ws.column_dimensions[get_column_letter(index)].protection = _UNLOCKED


def _guide(wb: Workbook, cat: Catalog, unit: Mapping[str, object], sample: bool) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = L.SHEET_GUIDE
    review = cat.review
    lines = [
        f"BIỂU MẪU SỐ LIỆU {review.title.upper()}",
        f"Đơn vị: {unit['name']} (mã {unit['unit_code']})",
        SAMPLE_LABEL if sample else "",
        "",
        "Cách điền:",
        f"1. Trang “{L.SHEET_INFO}”: điền người lập biểu, ngày tổ chức hội nghị sơ kết, "
        "ngày gửi báo cáo, người chủ trì và số đại biểu. Không sửa mã và tên đơn vị.",
        f"2. Trang “{L.SHEET_VALUES}”: mỗi dòng một chỉ tiêu, mỗi cột một năm "
        f"({review.period_start} - {review.period_end}). Nhập số; để trống nếu không có số liệu "
        "(ô ghi “-” hoặc “x” cũng được đọc là không có số liệu; số 0 thì ghi 0). "
        "Số viết kiểu Việt Nam: 1.234 (dấu chấm ngăn hàng nghìn), 12,5 (dấu phẩy thập phân); "
        "không ghi dấu %; cách viết đọc được hai nghĩa như 1,500 bị trả lại. "
        "Cột “Phạm vi số liệu” nói rõ ghi số của riêng cấp mình hay số toàn địa bàn: chỉ tiêu "
        "ghi “không gồm …” thì không cộng số của các đơn vị cấp dưới (bộ công cụ tự cộng). "
        "Không thêm dòng tổng cộng. "
        "Chỉ tiêu “Xã đạt cơ sở vững mạnh toàn diện” nhập 1 (đạt) hoặc 0 (không đạt).",
        f"3. Trang “{L.SHEET_AWARDS}”: mỗi dòng một tập thể hoặc cá nhân được đề nghị hoặc "
        "đã có quyết định khen thưởng; chọn loại đối tượng, nhóm, hình thức và tình trạng trong "
        "danh sách thả xuống. Cột có dấu (*) là bắt buộc.",
        f"4. Trang “{L.SHEET_NARRATIVE}”: viết nội dung thuyết minh cho từng mục của đề cương "
        "báo cáo (đặc điểm, hạn chế, nguyên nhân, bài học kinh nghiệm, phương hướng, đề xuất…).",
        "5. Không đổi tên, thêm hoặc xóa trang tính; không sửa dòng tiêu đề và cột mã.",
        "6. Lưu tệp dạng .xlsx, không đặt mật khẩu, gửi về cơ quan quân sự cấp trên. Tên tệp "
        f"có thể để nguyên ({unit['unit_code']}.xlsx) hoặc thêm chữ ({unit['unit_code']}_sua_lan2.xlsx), "
        "nhưng không được mang mã của đơn vị khác. Gửi lại bản sửa: gửi cả tệp, bản mới thay bản cũ.",
        "",
        f"Căn cứ: {cat.cite(review.source)}.",
        f"Phiên bản biểu mẫu: {review.template_version}.",
    ]
    for row, text in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text or None)
        cell.font = _font(bold=row == 1 or text == SAMPLE_LABEL, size=14 if row == 1 else 12)
        if text == SAMPLE_LABEL:
            cell.font = _font(bold=True, color="C00000")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 120
    _protect(ws)


def _info(
    wb: Workbook, cat: Catalog, unit: Mapping[str, object], filling: Filling, sample: bool
) -> None:
    ws = wb.create_sheet(L.SHEET_INFO)
    _title(ws, "THÔNG TIN ĐƠN VỊ VÀ HỘI NGHỊ SƠ KẾT", str(unit["name"]), sample)
    fixed = {
        "unit_code": unit["unit_code"],
        "unit_name": unit["name"],
        "level": cat.level_name(str(unit["level"])),
    }
    for offset, (name, label) in enumerate(L.INFO_FIELDS):
        row = L.INFO_FIRST_ROW + offset
        ws.cell(row=row, column=1, value=label).font = _font(bold=True)
        value = fixed.get(name, filling.info.get(name))
        cell = ws.cell(row=row, column=2, value=value)
        cell.font = _font()
        cell.border = _BOX
        if name in L.INFO_LOCKED:
            cell.fill = _LOCKED_FILL
        else:
            cell.protection = _UNLOCKED
        if name.endswith("_date"):
            cell.number_format = "DD/MM/YYYY"
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 48
    _protect(ws)


def _values(
    wb: Workbook, cat: Catalog, unit: Mapping[str, object], filling: Filling, sample: bool
) -> None:
    ws = wb.create_sheet(L.SHEET_VALUES)
    years = cat.years
    _title(ws, "SỐ LIỆU CHỈ TIÊU THEO NĂM", str(unit["name"]), sample)
    columns = [(c.header, c.width) for c in L.VALUE_LEAD]
    columns += [(str(y), 10) for y in years] + [(L.VALUE_NOTE.header, L.VALUE_NOTE.width)]
    _header(ws, columns)
    indicators = cat.indicators_for(str(unit["level"]), inputs_only=True)
    first_year_col = len(L.VALUE_LEAD) + 1
    last_year_col = first_year_col + len(years) - 1
    code = str(unit["unit_code"])
    for offset, ind in enumerate(indicators.itertuples()):
        row = L.HEADER_ROW + 1 + offset
        lead = {"indicator": ind.code, "name": ind.name, "unit": ind.unit,
                "scope": cat.scope_text(ind.code, code), "section_id": ind.section_id}  # fmt: skip
        for col, column in enumerate(L.VALUE_LEAD, start=1):
            cell = ws.cell(row=row, column=col, value=lead[column.field])
            cell.font = _font()
            cell.fill = _LOCKED_FILL
            cell.alignment = Alignment(wrap_text=column.field in ("name", "scope"), vertical="top")
        for col, year in enumerate(years, start=first_year_col):
            value = filling.values.get((ind.code, year))
            cell = ws.cell(row=row, column=col, value=value)
            cell.number_format = "#,##0.##"
            cell.border = _BOX
    last_row = L.HEADER_ROW + len(indicators)
    _unlock_columns(ws, first_year_col, last_year_col + 1)
    if len(indicators):
        numbers = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không hợp lệ",
            error="Nhập số không âm; để trống nếu không có số liệu.",
        )
        ws.add_data_validation(numbers)
        numbers.add(
            f"{get_column_letter(first_year_col)}{L.HEADER_ROW + 1}:"
            f"{get_column_letter(last_year_col)}{last_row}"
        )
    _protect(ws)


def _lists(wb: Workbook, cat: Catalog) -> dict[str, str]:
    ws = wb.create_sheet(L.SHEET_LISTS)
    lists = {
        "recipient_type": list(L.RECIPIENT_TYPES.values()),
        "recipient_group": [
            L.coded_label(r.code, r.name) for r in cat.recipient_groups.itertuples()
        ],
        "form": [L.coded_label(r.code, r.name) for r in cat.award_forms.itertuples()],
        "status": list(L.STATUSES.values()),
        "gender": list(L.GENDERS.values()),
        "collective_level": list(cat.collective_levels["name"]),
    }
    refs = {}
    for col, (name, items) in enumerate(lists.items(), start=1):
        ws.cell(row=1, column=col, value=name)
        for row, item in enumerate(items, start=2):
            ws.cell(row=row, column=col, value=item)
        letter = get_column_letter(col)
        refs[name] = f"'{L.SHEET_LISTS}'!${letter}$2:${letter}${len(items) + 1}"
    ws.sheet_state = "hidden"
    _protect(ws)
    return refs


def _awards(
    wb: Workbook, unit: Mapping[str, object], filling: Filling, refs: dict[str, str], sample: bool
) -> None:
    ws = wb.create_sheet(L.SHEET_AWARDS)
    _title(ws, "DANH SÁCH ĐỀ NGHỊ VÀ QUYẾT ĐỊNH KHEN THƯỞNG", str(unit["name"]), sample)
    _header(ws, [(c.header, c.width) for c in L.AWARD_COLUMNS])
    fields = [c.field for c in L.AWARD_COLUMNS]
    records = list(filling.awards)
    for offset, record in enumerate(records):
        for col, name in enumerate(fields, start=1):
            cell = ws.cell(row=L.HEADER_ROW + 1 + offset, column=col, value=record.get(name))
            if name == "decision_date":
                cell.number_format = "DD/MM/YYYY"
    _unlock_columns(ws, 1, len(fields))
    last = L.HEADER_ROW + max(L.AWARD_ROWS, len(records))
    for name, ref in refs.items():
        if name not in fields:
            continue
        letter = get_column_letter(fields.index(name) + 1)
        dv = DataValidation(
            type="list",
            formula1=f"={ref}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không có trong danh sách",
            error="Chọn một giá trị trong danh sách thả xuống.",
        )
        ws.add_data_validation(dv)
        dv.add(f"{letter}{L.HEADER_ROW + 1}:{letter}{last}")
    _protect(ws, allow_rows=True)


def _narrative(
    wb: Workbook, cat: Catalog, unit: Mapping[str, object], filling: Filling, sample: bool
) -> None:
    ws = wb.create_sheet(L.SHEET_NARRATIVE)
    _title(ws, "THUYẾT MINH THEO ĐỀ CƯƠNG BÁO CÁO", str(unit["name"]), sample)
    _header(ws, [(c.header, c.width) for c in L.NARRATIVE_COLUMNS])
    sections = cat.outline.loc[cat.outline["narrative"] != "none"]
    for offset, sec in enumerate(sections.itertuples()):
        row = L.HEADER_ROW + 1 + offset
        heading = f"{sec.label} {sec.title}" + (
            " (bắt buộc)" if sec.narrative == "required" else ""
        )
        for col, value in enumerate((sec.section_id, heading, sec.guidance), start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font = _font()
            cell.fill = _LOCKED_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell = ws.cell(row=row, column=4, value=filling.narrative.get(sec.section_id))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = _BOX
    _unlock_columns(ws, 4, 4)
    _protect(ws)


def _meta(wb: Workbook, cat: Catalog, unit: Mapping[str, object], sample: bool) -> None:
    ws = wb.create_sheet(L.SHEET_META)
    rows = (
        ("template_version", cat.review.template_version),
        ("unit_code", unit["unit_code"]),
        ("review_id", cat.review.id),
        ("sample", 1 if sample else 0),
    )
    for row, (key, value) in enumerate(rows, start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=value)
    ws.sheet_state = "hidden"
    _protect(ws)


def build_workbook(
    cat: Catalog, unit_code: str, filling: Filling | None = None, *, sample: bool = False
) -> Workbook:
    """Build the fill-in workbook of one unit.

    Parameters
    ----------
    cat
        The catalogues (registry, indicators, award lists, outline).
    unit_code
        The unit the workbook is for.
    filling
        Values to pre-fill; blank when omitted.
    sample
        Label every sheet as synthetic sample data.

    Returns
    -------
    openpyxl.Workbook
        The workbook, ready for :func:`save_workbook`.
    """
    unit = cat.unit(unit_code).to_dict()
    filling = filling or Filling()
    wb = Workbook()
    _guide(wb, cat, unit, sample)
    _info(wb, cat, unit, filling, sample)
    _values(wb, cat, unit, filling, sample)
    refs = _lists(wb, cat)
    _awards(wb, unit, filling, refs, sample)
    _narrative(wb, cat, unit, filling, sample)
    _meta(wb, cat, unit, sample)
    wb.move_sheet(L.SHEET_LISTS, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(L.SHEET_LISTS))
    wb.properties.creator = "qptd-toolkit"
    wb.properties.title = f"{cat.review.title} — {unit['name']}"
    return wb


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save a workbook atomically, with fixed timestamps (equal content, equal bytes)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(path, normalize_zip(buffer.getvalue()))


def template_name(unit_code: str) -> str:
    """Return the file name of a unit's workbook."""
    return f"{unit_code}.xlsx"

"""Tables as the terminal shows them: Vietnamese headers, values and numbers, fitted to its width.

The ``table`` format is for people: every column has a Vietnamese header, codes are shown by
their names ("ca_nhan" → "Cá nhân", "BK_UBT" → the form's short name), numbers are written the
Vietnamese way ("10.430.000", "28,2") and a table wider than the terminal is cut into blocks of
columns, each repeating the row's name. The ``csv`` and ``json`` formats stay for programs:
plain numbers and the stable English column names listed in the README.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil

import pandas as pd

from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat

HEADERS = {
    # units and places
    "unit_code": "Mã", "name": "Tên", "unit_name": "Đơn vị", "level": "Cấp", "parent_code": "Cấp trên",
    "district_code": "Huyện", "units": "Số đơn vị",
    # indicators
    "indicator": "Mã chỉ tiêu", "unit": "ĐVT", "section_id": "Mục",
    # awards
    "form": "Hình thức", "recipient_type": "Đối tượng", "recipient_group": "Nhóm",
    "deciding_level": "Cấp quyết định", "status": "Tình trạng", "count": "Số hồ sơ",
    "record_id": "Hồ sơ", "individuals": "Cá nhân", "women": "Nữ", "women_pct": "Nữ (%)",
    "minorities": "Dân tộc thiểu số", "minorities_pct": "DTTS (%)", "commune_level": "Cấp xã",
    "commune_level_pct": "Cấp xã (%)", "paid_by": "Cấp chi", "payer_code": "Mã đơn vị chi",
    "payer": "Đơn vị chi", "records": "Số hồ sơ", "amount": "Số tiền (đồng)",
    "unconfirmed_records": "Hồ sơ chưa xác nhận mức", "unconfirmed_amount": "Tiền chưa xác nhận (đồng)",
    "unknown_records": "Hồ sơ chưa có mức", "complete": "Đủ",
    # findings
    "code": "Mã phát hiện", "message": "Nội dung", "year": "Năm", "event": "Việc",
    # deadlines
    "conference_on_time": "Hội nghị đúng hạn", "conference_late": "Hội nghị trễ",
    "conference_missing": "Hội nghị chưa có", "conference_not_applicable": "Hội nghị không áp dụng",
    "report_on_time": "Báo cáo đúng hạn", "report_late": "Báo cáo trễ",
    "report_missing": "Báo cáo chưa có", "report_not_applicable": "Báo cáo không áp dụng",
}  # fmt: skip
KINDS = {"ca_nhan": "Cá nhân", "tap_the": "Tập thể"}
STATUSES = {"de_nghi": "Đề nghị", "quyet_dinh": "Quyết định"}
EVENTS = {"conference": "Hội nghị", "report": "Báo cáo"}


def value_names(cat: Catalog) -> dict[str, dict[str, str]]:
    """Return, per column, the Vietnamese name of each code it may hold."""
    forms = dict(zip(cat.award_forms["code"], cat.award_forms["short_name"], strict=True))
    groups = dict(zip(cat.recipient_groups["code"], cat.recipient_groups["name"], strict=True))
    authorities = dict(zip(cat.authorities["code"], cat.authorities["name"], strict=True))
    levels = {str(r.code): str(r.name) for r in cat.levels.itertuples()}
    return {
        "form": forms, "recipient_type": KINDS, "recipient_group": groups, "status": STATUSES,
        "deciding_level": authorities, "paid_by": authorities, "level": levels, "event": EVENTS,
    }  # fmt: skip


def _cell(value: object, decimals: int) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, pd.Timestamp | dt.date):
        return vnformat.date_short(value.date() if isinstance(value, pd.Timestamp) else value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return vnformat.number(value, decimals)
    return str(value)


def _decimals(column: pd.Series) -> int:
    """Whole numbers stay whole; a column of fractions shows one decimal (two below 1)."""
    numbers = pd.to_numeric(column, errors="coerce").dropna()
    if numbers.empty or (numbers == numbers.round()).all():
        return 0
    return 2 if numbers.abs().max() < 1 else 1


def show(
    frame: pd.DataFrame, cat: Catalog, *, keys: tuple[str, ...] = (), width: int | None = None
) -> str:
    """Render a frame for people: Vietnamese headers and values, fitted to the terminal.

    Parameters
    ----------
    frame
        What a command prints (English column names, codes, plain numbers).
    cat
        The catalogues, for the names of codes.
    keys
        Columns that name a row; repeated in each block when the table is cut by width.
    width
        The line width (default: the terminal's, at least 60).
    """
    if frame.empty:
        return "(không có)"
    names = value_names(cat)
    shown = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        mapping = names.get(str(column))
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if mapping is not None:
            cells = [mapping.get(str(v), str(v)) if pd.notna(v) else "–" for v in values]
        else:
            decimals = _decimals(values) if numeric else 0
            cells = [_cell(v.item() if hasattr(v, "item") else v, decimals) for v in values]
        if not numeric:  # text reads from the left (pandas right-aligns every column)
            longest = max(len(c) for c in cells)
            cells = [c.ljust(longest) for c in cells]
        shown[column] = cells
    shown.columns = [HEADERS.get(str(c), str(c)) for c in frame.columns]
    index = [HEADERS.get(k, k) for k in keys if k in frame.columns]
    if index:
        shown = shown.set_index(index)
    width = width or max(60, shutil.get_terminal_size((100, 24)).columns)
    text = shown.to_string(index=bool(index), line_width=width, max_colwidth=48, justify="left")
    return text

"""The layout of the fill-in workbook, shared by the writer and the reader.

Changing a header here changes both sides; the template version in the review catalogue
says which layout a workbook was made with.
"""

from __future__ import annotations

from dataclasses import dataclass

SHEET_GUIDE = "Hướng dẫn"
SHEET_INFO = "Thông tin"
SHEET_VALUES = "Chỉ tiêu"
SHEET_AWARDS = "Khen thưởng"
SHEET_NARRATIVE = "Thuyết minh"
SHEET_LISTS = "Danh mục"
SHEET_META = "_meta"
REQUIRED_SHEETS = (SHEET_INFO, SHEET_VALUES, SHEET_AWARDS, SHEET_NARRATIVE)

HEADER_ROW = 4  # header row of the three table sheets; data starts below it
INFO_FIRST_ROW = 4
AWARD_ROWS = 300  # prepared, unlocked rows in the awards sheet


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: canonical field, Vietnamese header, width."""

    field: str
    header: str
    width: float = 16
    required: bool = False
    optional: bool = False  # a workbook of an earlier template version may lack it


INFO_FIELDS: tuple[tuple[str, str], ...] = (
    ("unit_code", "Mã đơn vị"),
    ("unit_name", "Tên đơn vị"),
    ("level", "Cấp"),
    ("contact_name", "Người lập biểu"),
    ("contact_phone", "Điện thoại"),
    ("contact_email", "Thư điện tử"),
    ("conference_date", "Ngày tổ chức hội nghị sơ kết (ngày/tháng/năm)"),
    ("report_submitted_date", "Ngày gửi báo cáo (ngày/tháng/năm)"),
    ("chair", "Người chủ trì hội nghị"),
    ("participants", "Số đại biểu tham dự"),
    ("signer_name", "Người ký báo cáo (họ và tên)"),
    ("signer_title", "Chức vụ người ký (ví dụ: Chủ tịch, Phó Chủ tịch, Giám đốc)"),
)
INFO_LOCKED = ("unit_code", "unit_name", "level")
# labels a workbook of an earlier template version (2019.1) lacks
INFO_OPTIONAL: tuple[str, ...] = ("signer_name", "signer_title")

VALUE_LEAD = (
    Column("indicator", "Mã chỉ tiêu", 18),
    Column("name", "Tên chỉ tiêu", 60),
    Column("unit", "Đơn vị tính", 12),
    Column("scope", "Phạm vi số liệu", 34, optional=True),
    Column("section_id", "Mục đề cương", 12),
)
VALUE_NOTE = Column("note", "Ghi chú", 30)

AWARD_COLUMNS = (
    Column("record_id", "Mã hồ sơ", 14),
    Column("recipient_type", "Loại đối tượng (*)", 14, True),
    Column("recipient_name", "Tên tập thể / Họ và tên (*)", 32, True),
    Column("position", "Chức vụ, đơn vị công tác", 32),
    Column("recipient_group", "Nhóm đối tượng (*)", 30, True),
    Column("gender", "Giới tính", 10),
    Column("ethnicity", "Dân tộc", 12),
    Column("collective_level", "Cấp đơn vị quân đội", 18),
    Column("form", "Hình thức khen thưởng (*)", 40, True),
    Column("status", "Tình trạng (*)", 14, True),
    Column("decision_no", "Số quyết định", 16),
    Column("decision_date", "Ngày quyết định", 16),
)

NARRATIVE_COLUMNS = (
    Column("section_id", "Mã mục", 12),
    Column("heading", "Mục đề cương", 40),
    Column("guidance", "Gợi ý nội dung", 50),
    Column("text", "Nội dung thuyết minh", 90),
)

RECIPIENT_TYPES = {"tap_the": "Tập thể", "ca_nhan": "Cá nhân"}
STATUSES = {"de_nghi": "Đề nghị", "quyet_dinh": "Quyết định"}
GENDERS = {"nam": "Nam", "nu": "Nữ"}
CODE_SEPARATOR = " – "


def coded_label(code: str, name: str) -> str:
    """Return the drop-down text of a coded item, e.g. ``"TT_CQ – Cơ quan, …"``."""
    return f"{code}{CODE_SEPARATOR}{name}"

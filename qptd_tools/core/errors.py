"""One exception hierarchy and the table of user-facing problem codes.

Every problem a user can cause has a stable code (``QPTD-E…`` for errors that reject
a file, ``QPTD-W…`` for warnings that load but are listed), a Vietnamese message naming
where it is, and what to do about it. Codes are never reused or renumbered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# code: (message template, what to do). Templates use the Problem's fields and ``detail``.
PROBLEM_CODES: dict[str, tuple[str, str]] = {
    # --- files -------------------------------------------------------------------------
    "QPTD-E001": ("Không tìm thấy tệp hoặc thư mục.", "Kiểm tra lại đường dẫn."),
    "QPTD-E002": (
        "Tệp Excel 97-2003 (.xls) không được hỗ trợ.",
        "Mở tệp bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx (Excel Workbook).",
    ),
    "QPTD-E003": (
        "Loại tệp không được hỗ trợ ({detail}).",
        "Chỉ nhận tệp .xlsx (biểu mẫu), .docx (báo cáo bằng Word), .csv hoặc .parquet (bảng chuẩn); "
        "tệp PDF, ảnh không được đọc: nhập số liệu vào biểu mẫu của đơn vị.",
    ),
    "QPTD-E004": (
        "Tệp quá lớn ({detail}).",
        "Kiểm tra lại tệp; biểu mẫu của một đơn vị thường nhỏ hơn 1 MB.",
    ),
    "QPTD-E005": (
        "Tệp bị hỏng, không đọc được ({detail}).",
        "Mở lại tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại.",
    ),
    "QPTD-E006": (
        "Tệp được đặt mật khẩu hoặc mã hóa.",
        "Gỡ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) rồi gửi lại.",
    ),
    "QPTD-E007": (
        "Tệp nén bất thường, dung lượng giải nén vượt giới hạn ({detail}).",
        "Không mở tệp này; đề nghị đơn vị lập lại biểu mẫu từ mẫu gốc.",
    ),
    "QPTD-E008": (
        "Tệp OpenDocument ({detail}) không được hỗ trợ.",
        "Mở tệp bằng LibreOffice, chọn Tệp > Lưu thành…, kiểu tệp “Excel 2007-365 (.xlsx)” "
        "(văn bản: “Word 2007-365 (.docx)”) rồi gửi lại.",
    ),
    "QPTD-E009": ("Tệp rỗng.", "Đề nghị đơn vị gửi lại tệp có nội dung."),
    # --- Word documents (a unit's report, or an edited draft) ------------------------------
    "QPTD-E016": (
        "Tệp Word 97-2003 (.doc) không được hỗ trợ.",
        "Mở tệp bằng Word hoặc LibreOffice Writer, chọn Lưu thành…, kiểu “Word Document (.docx)” "
        "rồi gửi lại.",
    ),
    "QPTD-E017": (
        "Văn bản Word được đặt mật khẩu hoặc mã hóa.",
        "Gỡ mật khẩu (Word: Tệp > Thông tin > Bảo vệ tài liệu > Mã hóa bằng mật khẩu, xóa mật khẩu) "
        "rồi gửi lại.",
    ),
    "QPTD-E053": (
        "Không xác định được văn bản của đơn vị nào{detail}.",
        "Văn bản cần có tiêu đề cơ quan ở đầu trang (ví dụ “ỦY BAN NHÂN DÂN / XÃ BẰNG THÀNH”) hoặc "
        "tên tệp có mã đơn vị (ví dụ 01858_bao-cao.docx).",
    ),
    "QPTD-E054": (
        "Văn bản không có mục nào của đề cương báo cáo{detail}.",
        "Văn bản cần có các đề mục theo đề cương kèm Hướng dẫn 297 (ví dụ “1. Đặc điểm, tình hình”); "
        "kiểm tra đã gửi đúng tệp báo cáo.",
    ),
    # --- workbook structure ---------------------------------------------------------------
    "QPTD-E010": (
        "Thiếu trang tính “{sheet}”.",
        "Dùng biểu mẫu do lệnh `qptd template` tạo; không đổi tên hoặc xóa trang tính.",
    ),
    "QPTD-E011": (
        "Trang tính có quá nhiều dòng ({detail}).",
        "Xóa các dòng thừa ở cuối trang tính rồi gửi lại.",
    ),
    "QPTD-E012": (
        "Tiêu đề cột không đúng: {detail}.",
        "Không sửa, xóa hoặc đổi tên cột của biểu mẫu; dùng lại biểu mẫu gốc.",
    ),
    "QPTD-E013": (
        "Cột năm không đúng kỳ sơ kết: {detail}.",
        "Biểu mẫu phải có đủ các cột năm của kỳ sơ kết; dùng lại biểu mẫu gốc.",
    ),
    "QPTD-E014": (
        "Ô bị gộp (merge) trong vùng số liệu: {detail}.",
        "Bỏ gộp ô (Unmerge) và nhập mỗi giá trị vào một ô.",
    ),
    "QPTD-E015": (
        "Ô chứa công thức nhưng không có giá trị đã tính.",
        "Mở tệp bằng Excel, để Excel tính lại công thức, lưu rồi gửi lại; hoặc nhập giá trị số.",
    ),
    # --- unit ------------------------------------------------------------------------------
    "QPTD-E018": (
        "Giá trị {value} quá lớn để là số liệu thống kê của một đơn vị trong một năm.",
        "Kiểm tra lại số (thường do gõ thừa chữ số hoặc dán nhầm); số liệu lớn hơn "
        "1.000.000.000 không được nhận.",
    ),
    "QPTD-E019": (
        "Ô chứa {detail} “{value}”, không phải số.",
        "Excel có thể đã tự đổi số thành ngày hoặc ĐÚNG/SAI: định dạng lại ô thành Số "
        "(Định dạng ô > Số) rồi nhập lại số liệu.",
    ),
    "QPTD-E020": (
        "Thiếu mã đơn vị.",
        "Dùng biểu mẫu riêng của đơn vị (lệnh `qptd template --unit MÃ`); không xóa mã đơn vị.",
    ),
    "QPTD-E021": (
        "Mã đơn vị “{value}” không có trong danh mục đơn vị.",
        "Kiểm tra mã đơn vị theo danh mục (lệnh `qptd template --list`).",
    ),
    "QPTD-E022": (
        "Mã đơn vị không khớp: {detail}.",
        "Mỗi đơn vị dùng đúng biểu mẫu của mình; không sao chép biểu mẫu của đơn vị khác.",
    ),
    "QPTD-E024": (
        "Tên tệp mang mã đơn vị {value}, nhưng biểu mẫu là của đơn vị {unit_code} ({detail}).",
        "Nếu đây là số liệu của đơn vị {value}: chép sang biểu mẫu của đơn vị đó "
        "(lệnh `qptd template --unit {value}`); nếu đúng là của đơn vị {unit_code}: đổi tên "
        "tệp (tên tệp chỉ được mang mã của chính đơn vị, ví dụ {unit_code}.xlsx, "
        "{unit_code}_sua_lan2.xlsx).",
    ),
    "QPTD-E025": (
        "Đơn vị {value} có nhiều tệp khác nhau trong cùng lần nạp: {detail}.",
        "Giữ lại trong thư mục một tệp cho mỗi đơn vị (chuyển bản cũ đi chỗ khác), hoặc chỉ rõ "
        "tệp dùng: `qptd ingest … --use TÊN_TỆP`. Chưa tệp nào được nạp; số liệu đang dùng giữ nguyên.",
    ),
    "QPTD-E026": (
        "Bản mới của đơn vị {unit_code} làm mất phần lớn số liệu đang dùng: {detail}.",
        "Có thể đã gửi nhầm biểu mẫu trống hoặc bản chưa điền xong: chuyển tệp này đi chỗ "
        "khác. Nếu đúng là bản thay thế, nạp lại với `--use {file}`; số liệu đang dùng giữ nguyên.",
    ),
    "QPTD-E023": (
        "Mã đơn vị “{value}” không hợp lệ (chỉ gồm chữ cái không dấu, chữ số, “-”, “_”).",
        "Sửa mã đơn vị theo danh mục.",
    ),
    # --- indicator values ------------------------------------------------------------------
    "QPTD-E027": (
        "Cách viết “{value}” đọc được hai nghĩa: {detail}.",
        "Viết lại theo kiểu Việt Nam: dấu phẩy là dấu thập phân (1,5), dấu chấm ngăn hàng "
        "nghìn (1.500).",
    ),
    "QPTD-E028": (
        "Giá trị “{value}” có dấu %, nhưng chỉ tiêu này tính bằng {detail}.",
        "Nhập số theo đơn vị tính của chỉ tiêu, không ghi dấu %; tỷ lệ do bộ công cụ tự tính.",
    ),
    "QPTD-E029": (
        "Dòng {row} có số liệu nhưng không có mã chỉ tiêu.",
        "Ghi lại mã chỉ tiêu ở cột “Mã chỉ tiêu” (dùng lại biểu mẫu gốc); không thêm dòng mới.",
    ),
    "QPTD-E030": (
        "Giá trị “{value}” không phải là số.",
        "Nhập số (ví dụ 1.234 hoặc 12,5); để trống nếu không có số liệu.",
    ),
    "QPTD-E031": ("Giá trị {value} là số âm.", "Số liệu thống kê không được âm; kiểm tra lại."),
    "QPTD-E032": (
        "Giá trị {value} phải là số nguyên (đơn vị tính: {detail}).",
        "Nhập số nguyên; kiểm tra dấu phân cách hàng nghìn (dùng dấu chấm: 1.234).",
    ),
    "QPTD-E033": (
        "Giá trị {value} không hợp lệ; chỉ tiêu này chỉ nhận 1 (đạt) hoặc 0 (không đạt).",
        "Nhập 1 nếu đạt, 0 nếu không đạt trong năm đó.",
    ),
    "QPTD-E034": (
        "Mã chỉ tiêu “{value}” không có trong danh mục chỉ tiêu.",
        "Không sửa cột mã chỉ tiêu; dùng lại biểu mẫu gốc.",
    ),
    "QPTD-E035": (
        "Chỉ tiêu {indicator_label} không áp dụng cho {detail}.",
        "Xóa dòng này; chỉ nhập các chỉ tiêu có trong biểu mẫu của đơn vị.",
    ),
    "QPTD-E036": (
        "Dữ liệu bị trùng: {detail}.",
        "Giữ lại một dòng cho mỗi chỉ tiêu và năm; xóa dòng trùng.",
    ),
    "QPTD-E037": (
        "Năm {value} nằm ngoài kỳ sơ kết ({detail}).",
        "Chỉ nhập số liệu các năm trong kỳ sơ kết.",
    ),
    "QPTD-E038": (
        "Giá trị năm {year} ({value}) lớn hơn {detail}.",
        "Kiểm tra lại hai số liệu; số bộ phận không thể lớn hơn tổng số.",
    ),
    "QPTD-E039": (
        "Chỉ tiêu {indicator_label} là chỉ tiêu tính toán (tỷ lệ), không nhập trực tiếp.",
        "Xóa các dòng của chỉ tiêu này; bộ công cụ tự tính từ tử số và mẫu số.",
    ),
    # --- award records ---------------------------------------------------------------------
    "QPTD-E040": ("Thiếu thông tin bắt buộc: {detail}.", "Điền đủ các cột bắt buộc (có dấu *)."),
    "QPTD-E041": (
        "Hình thức khen thưởng “{value}” không có trong danh mục.",
        "Chọn hình thức khen thưởng trong danh sách thả xuống.",
    ),
    "QPTD-E042": (
        "Loại đối tượng “{value}” không hợp lệ.",
        "Chọn “Tập thể” hoặc “Cá nhân” trong danh sách thả xuống.",
    ),
    "QPTD-E043": (
        "Nhóm đối tượng “{value}” không có trong danh mục.",
        "Chọn nhóm đối tượng trong danh sách thả xuống.",
    ),
    "QPTD-E044": (
        "Nhóm đối tượng không phù hợp với loại đối tượng: {detail}.",
        "Tập thể chọn nhóm TT_…, cá nhân chọn nhóm CN_….",
    ),
    "QPTD-E045": (
        "Tình trạng “{value}” không hợp lệ.",
        "Chọn “Đề nghị” hoặc “Quyết định” trong danh sách thả xuống.",
    ),
    "QPTD-E046": ("Giới tính “{value}” không hợp lệ.", "Nhập “Nam” hoặc “Nữ”."),
    "QPTD-E047": (
        "Ngày “{value}” không đọc được.",
        "Nhập ngày dạng ngày/tháng/năm, ví dụ 25/8/2019.",
    ),
    "QPTD-E048": (
        "Mã hồ sơ khen thưởng “{value}” bị trùng.",
        "Mỗi dòng khen thưởng có một mã riêng, hoặc để trống để tự đánh mã.",
    ),
    "QPTD-E049": (
        "Cấp đơn vị quân đội “{value}” không có trong danh mục.",
        "Chọn cấp đơn vị trong danh sách thả xuống.",
    ),
    # --- conference and narrative ----------------------------------------------------------
    "QPTD-E050": (
        "Ngày “{value}” không đọc được ({detail}).",
        "Nhập ngày dạng ngày/tháng/năm, ví dụ 25/8/2019.",
    ),
    "QPTD-E052": (
        "Ngày {value} nằm ngoài khoảng thời gian của kỳ sơ kết ({detail}).",
        "Kiểm tra lại ngày, tháng, năm (thường do gõ nhầm năm).",
    ),
    "QPTD-E051": (
        "Số đại biểu “{value}” không hợp lệ.",
        "Nhập số nguyên không âm.",
    ),
    "QPTD-E060": (
        "Mục đề cương “{value}” không có trong đề cương báo cáo.",
        "Không sửa cột mã mục; dùng lại biểu mẫu gốc.",
    ),
    "QPTD-E061": (
        "Mục đề cương “{value}” xuất hiện nhiều lần.",
        "Gộp nội dung vào một dòng cho mỗi mục.",
    ),
    # --- canonical tables (CSV / Parquet) -----------------------------------------------------
    "QPTD-E070": (
        "Không nhận ra loại bảng: {detail}.",
        "Bảng chuẩn phải có đúng các cột của một trong các bảng: "
        "chỉ tiêu, khen thưởng, hội nghị, thuyết minh (xem README).",
    ),
    "QPTD-E071": (
        "Không giải mã được tệp CSV ({detail}).",
        "Lưu lại tệp CSV với mã hóa UTF-8 (Excel: CSV UTF-8).",
    ),
    # --- workspace, catalogue, store ----------------------------------------------------------
    "QPTD-E080": (
        "Danh mục “{file}” không hợp lệ: {detail}.",
        "Sửa tệp danh mục của thư mục làm việc hoặc xóa để dùng danh mục đi kèm.",
    ),
    "QPTD-E081": ("Không có đơn vị “{value}” trong danh mục.", "Kiểm tra lại mã đơn vị."),
    "QPTD-E082": (
        "Tham số không hợp lệ: {detail}.",
        "Xem `qptd --help` hoặc `qptd <lệnh> --help`.",
    ),
    "QPTD-E090": (
        "Kho dữ liệu đang được một lệnh nạp khác sử dụng.",
        "Chờ lệnh `qptd ingest` kia kết thúc rồi chạy lại.",
    ),
    "QPTD-E091": (
        "Kho dữ liệu không đọc được ({detail}).",
        "Nạp lại dữ liệu: xóa thư mục data/processed rồi chạy `qptd ingest`.",
    ),
    "QPTD-E092": (
        "Không ghi được vào {file} ({detail}).",
        "Kiểm tra quyền ghi và dung lượng ổ đĩa.",
    ),
    "QPTD-E093": (
        "Kho dữ liệu của thư mục làm việc {file} chưa có số liệu.",
        "Nạp số liệu bằng `qptd ingest data/raw`, hoặc chạy thử `qptd demo`.",
    ),
    "QPTD-E094": (
        "Đơn vị {value} ({detail}) chưa có số liệu trong kho.",
        "Nạp biểu mẫu của đơn vị bằng `qptd ingest THƯ_MỤC`; xem các đơn vị chưa gửi bằng `qptd check`.",
    ),
    "QPTD-E099": (
        "Lỗi nội bộ của bộ công cụ ({detail}).",
        "Chạy lại với --debug để xem chi tiết và báo cho nhóm phát triển.",
    ),
    # --- warnings (loaded, but listed) -------------------------------------------------------
    "QPTD-W101": (
        "Văn bản mã cũ {detail} đã được chuyển sang Unicode: “{value}”.",
        "Kiểm tra lại nội dung; lần sau gõ bằng bảng mã Unicode.",
    ),
    "QPTD-W102": (
        "Cách viết số “{value}” dễ nhầm; đã đọc là {detail}.",
        "Viết số theo kiểu Việt Nam: dấu chấm ngăn hàng nghìn, dấu phẩy thập phân.",
    ),
    "QPTD-W103": (
        "Tên đơn vị “{value}” khác tên trong danh mục ({detail}).",
        "Không cần sửa nếu mã đơn vị đúng; báo cáo dùng tên trong danh mục.",
    ),
    # QPTD-W104 (a date outside the review's window) is no longer raised: such a date is an
    # error now, QPTD-E052. Codes are never reused.
    "QPTD-W105": (
        "Thiếu dòng chỉ tiêu {indicator_label}; các năm của chỉ tiêu này được coi là chưa có số liệu.",
        "Dùng lại biểu mẫu gốc; không xóa dòng chỉ tiêu (để trống nếu không có số liệu).",
    ),
    "QPTD-W106": (
        "Khen thưởng đã quyết định nhưng thiếu {detail}.",
        "Bổ sung số và ngày quyết định khen thưởng.",
    ),
    "QPTD-W107": (
        "Tệp CSV không phải UTF-8; đã đọc theo bảng mã {detail}.",
        "Lần sau lưu tệp dạng CSV UTF-8.",
    ),
    "QPTD-W108": (
        "Tệp đã được nạp trước đó, nội dung không đổi; bỏ qua.",
        "Không cần làm gì.",
    ),
    "QPTD-W109": (
        "Ngày “{value}” viết chưa rõ; đã đọc là {detail}.",
        "Kiểm tra lại; viết ngày theo kiểu ngày/tháng/năm, năm đủ 4 chữ số (ví dụ 30/8/2019).",
    ),
    "QPTD-W110": (
        "Biểu mẫu đã bị chèn thêm {detail}; đã đọc theo tiêu đề cột.",
        "Không cần sửa nếu số liệu đúng cột, đúng dòng; lần sau không chèn dòng, cột vào biểu mẫu.",
    ),
    "QPTD-W111": (
        "Dòng {row} (“{value}”) là dòng tổng cộng do người điền thêm; dòng này không được đọc.",
        "Không cần dòng tổng: bộ công cụ tự cộng các năm và các đơn vị. Có thể xóa dòng này.",
    ),
    "QPTD-W113": (
        "Mục thuyết minh chỉ ghi “{value}”, được coi là chưa viết.",
        "Viết nội dung thuyết minh của mục này; báo cáo sẽ để chỗ trống chờ bổ sung.",
    ),
    "QPTD-W114": (
        "Khen thưởng tập thể có ghi {detail}; thông tin này chỉ dành cho cá nhân, không được lưu.",
        "Xóa giới tính, dân tộc ở dòng khen thưởng tập thể.",
    ),
    "QPTD-W115": (
        "Hồ sơ ghi tình trạng “Đề nghị” nhưng có {detail}.",
        "Nếu đã có quyết định khen thưởng, chọn tình trạng “Quyết định”; nếu chưa, xóa số và ngày quyết định.",
    ),
    "QPTD-W116": (
        "Số điện thoại “{value}” mất số 0 ở đầu (ô định dạng số); đã đọc là {detail}.",
        "Lần sau định dạng ô là Văn bản trước khi gõ số điện thoại.",
    ),
    "QPTD-W117": (
        "Đề mục “{value}” không khớp mục nào của đề cương; nội dung dưới đề mục này không được đọc.",
        "Sửa đề mục theo đúng đề cương (số thứ tự và tên mục), hoặc chuyển nội dung vào mục phù hợp.",
    ),
    "QPTD-W118": (
        "Văn bản thiếu các mục của đề cương: {detail}.",
        "Bổ sung các mục này; nếu mục đã có ở biểu mẫu số liệu (trang Thuyết minh) thì giữ nguyên.",
    ),
    "QPTD-W119": (
        "Có nội dung nằm ngoài các mục của đề cương ({detail}): “{value}”; không được đọc.",
        "Chuyển nội dung vào đúng mục của đề cương.",
    ),
    "QPTD-W120": (
        "Mục “{value}” có {detail}.",
        "Bảng được đọc thành các dòng văn bản; hình không được đọc — số liệu cần nhập vào biểu mẫu Excel.",
    ),
    "QPTD-W112": (
        "Ô ghi “{value}” được đọc là chưa có số liệu (để trống).",
        "Nếu số liệu là 0, ghi số 0; nếu chưa có số liệu, có thể để trống ô.",
    ),
}


def severity_of(code: str) -> str:
    """Return ``"error"`` or ``"warning"`` for a problem code."""
    return "warning" if code.startswith("QPTD-W") else "error"


@dataclass
class Problem:
    """One problem found in a user's input, with where it is and what to do."""

    code: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    row: int | None = None
    column: str = ""
    unit_code: str = ""
    indicator: str = ""
    indicator_name: str = ""
    year: int | None = None
    value: str = ""
    detail: str = ""
    message: str = field(default="", init=False)
    hint: str = field(default="", init=False)

    def __post_init__(self) -> None:
        template, hint = PROBLEM_CODES[self.code]
        fields = {k: v for k, v in asdict(self).items() if k not in ("message", "hint")}
        fields = {k: ("" if v is None else v) for k, v in fields.items()}
        fields["indicator_label"] = self.indicator_label
        self.message = template.format(**fields)
        self.hint = hint.format(**fields)

    @property
    def indicator_label(self) -> str:
        """The indicator as a clerk reads it: "Buổi tuyên truyền về quốc phòng (TT_BUOI)"."""
        if self.indicator_name:
            return f"{self.indicator_name} ({self.indicator})"
        return self.indicator

    @property
    def severity(self) -> str:
        """``"error"`` or ``"warning"``."""
        return severity_of(self.code)

    @property
    def location(self) -> str:
        """Where the problem is, in Vietnamese: file, sheet, cell or row."""
        parts = []
        if self.file:
            parts.append(f"tệp {self.file}")
        if self.sheet:
            parts.append(f"trang “{self.sheet}”")
        if self.cell:
            parts.append(f"ô {self.cell}")
        elif self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column and not self.cell:
            parts.append(f"cột {self.column}")
        if self.indicator and "{indicator" not in PROBLEM_CODES[self.code][0]:
            parts.append(f"chỉ tiêu {self.indicator_label}")
        if self.year is not None and "{year}" not in PROBLEM_CODES[self.code][0]:
            parts.append(f"năm {self.year}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Return the problem as plain data (for ``--format json``)."""
        data = asdict(self)
        data["severity"] = self.severity
        data["location"] = self.location
        return data

    def __str__(self) -> str:
        label = "LỖI" if self.severity == "error" else "CẢNH BÁO"
        where = f" [{self.location}]" if self.location else ""
        return f"{self.code} {label}{where}: {self.message} → {self.hint}"


class QptdError(Exception):
    """Base of every error the toolkit raises on purpose.

    Parameters
    ----------
    problem
        The problem that stops the operation; its code, message and hint are shown.
    """

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))

    @property
    def code(self) -> str:
        """The stable problem code."""
        return self.problem.code

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the error whole: raised in a worker, it is raised again in the batch."""
        return _rebuilt, (type(self), self.args, self.__dict__.copy())


def _rebuilt(kind: type[QptdError], args: tuple[Any, ...], state: dict[str, Any]) -> QptdError:
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


class InputRejected(QptdError, ValueError):
    """A user's file was rejected; ``problems`` holds everything found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = next(p for p in problems if p.severity == "error")
        super().__init__(first)


class CatalogInvalid(QptdError, ValueError):
    """A catalogue file (bundled or a workspace override) does not pass its schema."""


class UnitUnknown(QptdError, LookupError):
    """A unit code that is not in the registry."""


class UsageInvalid(QptdError, ValueError):
    """A command-line or API argument that cannot be used."""


class StoreLocked(QptdError, RuntimeError):
    """Another ingest holds the store's lock."""


class StoreUnreadable(QptdError, OSError):
    """The store on disk cannot be read."""


class StoreEmpty(QptdError, LookupError):
    """A command needs stored data and the store is empty."""


class WriteFailed(QptdError, OSError):
    """An output could not be written."""


def fail(exc_type: type[QptdError], code: str, **fields: Any) -> QptdError:
    """Build an exception of ``exc_type`` for one problem code (to ``raise``)."""
    return exc_type(Problem(code, **fields))

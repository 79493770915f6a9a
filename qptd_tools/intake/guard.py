"""File-level checks made before any parser opens a submitted file.

Refuses what must not be parsed: missing or empty files, ``.xls``, unknown types,
oversized files, password-protected (encrypted) workbooks, corrupt archives, zip bombs and
sheets too large to be a unit's workbook. Reads only; never modifies the file.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from qptd_tools.core.config import LIMITS
from qptd_tools.core.errors import InputRejected, Problem

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
DOCUMENT_SUFFIXES = {".docx"}
TABLE_SUFFIXES = {".csv", ".parquet"}
OPENDOCUMENT_SUFFIXES = {".ods", ".odt", ".fods", ".fodt"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
# What a clerk is told about a damaged file (the library's own words are English).
NOT_A_WORKBOOK = (
    "không phải tệp Excel .xlsx hợp lệ: tệp hỏng, bị cắt cụt, hoặc là loại tệp khác được đổi tên"
)
TRUNCATED = "tệp bị cắt cụt hoặc được nén theo cách không đọc được"
BROKEN_INSIDE = "cấu trúc bên trong tệp không đúng của một sổ tính Excel"
# A worksheet part this large holds far more rows than any unit's workbook.
_SHEET_XML_BYTES = 16 * 1024 * 1024


def _reject(path: Path, code: str, **fields: object) -> InputRejected:
    return InputRejected([Problem(code, file=path.name, **fields)])  # type: ignore[arg-type]


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map worksheet parts (``xl/worksheets/sheet1.xml``) to sheet names."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {
        r.get("Id"): posixpath.normpath(posixpath.join("xl", r.get("Target", "")))
        for r in rels.findall("rel:Relationship", _NS)
    }
    names = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        rid = sheet.get(f"{{{_NS['r']}}}id")
        if rid in targets:
            names[targets[rid].lstrip("/")] = sheet.get("name", "")
    return names


def _check_archive(path: Path, main: str = "xl/workbook.xml") -> None:
    """Refuse a corrupt archive, a zip bomb, or one without its ``main`` part."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            if total > LIMITS.unzipped_bytes or total / packed > LIMITS.zip_ratio:
                raise _reject(path, "QPTD-E007", detail=f"{_mib(total)} từ {_mib(packed)}")
            names = _sheet_names(archive)
            if main not in {i.filename for i in infos}:
                raise _reject(path, "QPTD-E005", detail=f"không có phần {main}")
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.file_size > _SHEET_XML_BYTES:
                    raise _reject(
                        path,
                        "QPTD-E011",
                        sheet=names.get(info.filename, info.filename),
                        detail=f"{_mib(info.file_size)} dữ liệu, vượt xa một biểu mẫu đơn vị",
                    )
            bad = archive.testzip()
            if bad is not None:
                raise _reject(path, "QPTD-E005", detail=f"phần {bad} bị hỏng")
    except zipfile.BadZipFile as exc:
        raise _reject(path, "QPTD-E005", detail=NOT_A_WORKBOOK) from exc
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise _reject(path, "QPTD-E005", detail=TRUNCATED) from exc


def check_file(path: Path) -> str:
    """Check a submitted file before parsing; return its kind: ``workbook``, ``table``, ``document``.

    Raises
    ------
    InputRejected
        With the one problem that makes the file unreadable.
    """
    if not path.is_file():
        raise _reject(path, "QPTD-E001")
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if suffix == ".xls":
        raise _reject(path, "QPTD-E002")
    if suffix == ".doc":
        raise _reject(path, "QPTD-E016")
    if suffix in OPENDOCUMENT_SUFFIXES:
        raise _reject(path, "QPTD-E008", detail=suffix)
    if suffix not in WORKBOOK_SUFFIXES | TABLE_SUFFIXES | DOCUMENT_SUFFIXES:
        raise _reject(path, "QPTD-E003", detail=suffix or "không có phần mở rộng")
    if size == 0:
        raise _reject(path, "QPTD-E009")
    limit = LIMITS.table_bytes if suffix in TABLE_SUFFIXES else LIMITS.workbook_bytes
    if size > limit:
        raise _reject(path, "QPTD-E004", detail=f"{_mib(size)}, giới hạn {_mib(limit)}")
    if suffix in TABLE_SUFFIXES:
        return "table"
    with path.open("rb") as handle:
        head = handle.read(8)
        if head == _OLE_MAGIC:
            handle.seek(0)
            body = handle.read(min(size, 4 * 1024 * 1024))
            if _ENCRYPTION_MARK in body:
                raise _reject(path, "QPTD-E017" if suffix in DOCUMENT_SUFFIXES else "QPTD-E006")
            raise _reject(path, "QPTD-E016" if suffix in DOCUMENT_SUFFIXES else "QPTD-E002")
    if suffix in DOCUMENT_SUFFIXES:
        _check_archive(path, "word/document.xml")
        return "document"
    _check_archive(path)
    return "workbook"

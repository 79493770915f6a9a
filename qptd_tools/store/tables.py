"""The canonical tables of the data contract (DESIGN §4.2–4.5) and their pandera schemas.

Every stored row carries its provenance: the file it came from, that file's SHA-256,
and the sheet and cell (workbooks) or row (CSV/Parquet) it was read from.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # imported when a table is first checked, never by a report's kernel
    import pandera.pandas as pa

PROVENANCE = ["source_file", "source_sha256", "sheet", "cell"]

VALUES = ["unit_code", "year", "indicator", "value"]
AWARDS = [
    "record_id",
    "unit_code",
    "recipient_type",
    "recipient_name",
    "position",
    "recipient_group",
    "gender",
    "ethnicity",
    "collective_level",
    "form",
    "status",
    "decision_no",
    "decision_date",
]
CONFERENCES = [
    "unit_code",
    "conference_date",
    "report_submitted_date",
    "chair",
    "participants",
    "contact_name",
    "contact_phone",
    "contact_email",
    "signer_name",
    "signer_title",
]
NARRATIVE = ["unit_code", "section_id", "text"]
# sections read from a unit's Word document (its own report, or an edited draft); ``sheet``
# holds the heading as written and ``cell`` the paragraphs ("đoạn 12-18")
DOCUMENTS = ["unit_code", "section_id", "text", "origin", "replaces"]
SUBMISSIONS = [
    "unit_code",
    "table",
    "source_file",
    "source_path",
    "source_sha256",
    "file_modified",
    "ingested_at",
    "is_sample",
]
# Vietnamese names of the fields a clerk fills in, for messages and the history.
FIELD_NAMES = {
    "value": "giá trị", "recipient_type": "loại đối tượng", "recipient_name": "tên",
    "position": "chức vụ, đơn vị công tác", "recipient_group": "nhóm đối tượng",
    "gender": "giới tính", "ethnicity": "dân tộc", "collective_level": "cấp đơn vị quân đội",
    "form": "hình thức khen thưởng", "status": "tình trạng", "decision_no": "số quyết định",
    "decision_date": "ngày quyết định", "conference_date": "ngày hội nghị",
    "report_submitted_date": "ngày gửi báo cáo", "chair": "người chủ trì",
    "participants": "số đại biểu", "contact_name": "người lập biểu", "contact_phone": "điện thoại",
    "contact_email": "thư điện tử", "text": "nội dung", "signer_name": "người ký",
    "signer_title": "chức vụ người ký",
}  # fmt: skip
# Personal data (Decree 13/2023/NĐ-CP): a change is said, its values are not shown.
PERSONAL = ("gender", "ethnicity")
# Vietnamese names of the tables, for messages and reports.
TABLE_NAMES = {
    "values": "số liệu chỉ tiêu",
    "awards": "khen thưởng",
    "conferences": "thông tin hội nghị",
    "narrative": "thuyết minh",
    "documents": "văn bản báo cáo (Word)",
}

COLUMNS = {
    "values": VALUES,
    "awards": AWARDS,
    "conferences": CONFERENCES,
    "narrative": NARRATIVE,
    "documents": DOCUMENTS,
}
# the tables a workbook (or a CSV/Parquet table) supplies; a Word document supplies "documents"
WORKBOOK_TABLES = ("values", "awards", "conferences", "narrative")
KEYS = {
    "values": ["unit_code", "year", "indicator"],
    "awards": ["unit_code", "record_id"],
    "conferences": ["unit_code"],
    "narrative": ["unit_code", "section_id"],
    "documents": ["unit_code", "section_id"],
}


@functools.cache
def schemas() -> dict[str, pa.DataFrameSchema]:
    """Return the tables' pandera schemas, built on first use.

    pandera (with pydantic and typeguard) costs 0,2 s of CPU to import; a report's kernel
    reads tables and never checks one, so it does not pay it at start-up (issue #16).
    """
    import pandera.pandas as pa

    _TEXT = pa.Column(str, nullable=False)
    _OPT_TEXT = pa.Column(str, nullable=True)
    _DATE = pa.Column("datetime64[ns]", nullable=True)
    _PROV = {c: pa.Column(str, nullable=True) for c in PROVENANCE}

    return {
        "values": pa.DataFrameSchema(
            {
                "unit_code": _TEXT,
                "year": pa.Column("int64"),
                "indicator": _TEXT,
                "value": pa.Column(float, pa.Check.ge(0)),
                **_PROV,
            },
            unique=KEYS["values"],
        ),
        "awards": pa.DataFrameSchema(
            {
                "record_id": _TEXT,
                "unit_code": _TEXT,
                "recipient_type": pa.Column(str, pa.Check.isin(["tap_the", "ca_nhan"])),
                "recipient_name": _TEXT,
                "position": _OPT_TEXT,
                "recipient_group": _TEXT,
                "gender": _OPT_TEXT,
                "ethnicity": _OPT_TEXT,
                "collective_level": _OPT_TEXT,
                "form": _TEXT,
                "status": pa.Column(str, pa.Check.isin(["de_nghi", "quyet_dinh"])),
                "decision_no": _OPT_TEXT,
                "decision_date": _DATE,
                **_PROV,
            },
            unique=KEYS["awards"],
        ),
        "conferences": pa.DataFrameSchema(
            {
                "unit_code": _TEXT,
                "conference_date": _DATE,
                "report_submitted_date": _DATE,
                "chair": _OPT_TEXT,
                "participants": pa.Column("Int64", nullable=True),
                "contact_name": _OPT_TEXT,
                "contact_phone": _OPT_TEXT,
                "contact_email": _OPT_TEXT,
                "signer_name": _OPT_TEXT,
                "signer_title": _OPT_TEXT,
                **_PROV,
            },
            unique=KEYS["conferences"],
        ),
        "narrative": pa.DataFrameSchema(
            {"unit_code": _TEXT, "section_id": _TEXT, "text": _TEXT, **_PROV},
            unique=KEYS["narrative"],
        ),
        "documents": pa.DataFrameSchema(
            {
                "unit_code": _TEXT,
                "section_id": _TEXT,
                "text": _TEXT,
                "origin": pa.Column(str, pa.Check.isin(["document", "draft"])),
                "replaces": _OPT_TEXT,  # digests of the generated paragraphs the unit's text edits
                **_PROV,
            },
            unique=KEYS["documents"],
        ),
    }


def empty_table(name: str) -> pd.DataFrame:
    """Return an empty canonical table with its columns and dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS[name] + PROVENANCE})
    return conform(name, frame)


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with the canonical columns, order and dtypes of table ``name``."""
    frame = frame.reindex(columns=COLUMNS[name] + PROVENANCE)
    for column, spec in schemas()[name].columns.items():
        dtype = str(spec.dtype)
        if dtype.startswith("datetime64"):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
        elif dtype == "int64":
            frame[column] = frame[column].astype("int64")
        elif dtype == "Int64":
            frame[column] = frame[column].astype("Int64")
        elif dtype == "float64":
            frame[column] = frame[column].astype("float64")
        else:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
            frame[column] = frame[column].astype(pd.StringDtype(na_value=float("nan")))
    return frame.reset_index(drop=True)


def validate(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Check a canonical table against its schema (raises ``pandera`` errors: a bug)."""
    return schemas()[name].validate(frame)

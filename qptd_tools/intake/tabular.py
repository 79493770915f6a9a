"""Reading canonical tables (CSV or Parquet) into raw tables (DESIGN §4.2–4.5).

The kind of table is recognised by its columns. CSV files may be UTF-8 (with or without
BOM) or Windows-1258; a comma or a semicolon may separate fields. Text typed in TCVN3 or
VNI is repaired field by field by the validator.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd

from qptd_tools.core.errors import InputRejected, Problem
from qptd_tools.intake.raw import RawTables
from qptd_tools.intake.text import repair_legacy, vietnamese_score
from qptd_tools.store import tables

REQUIRED = {
    "values": {"unit_code", "year", "indicator", "value"},
    "awards": {
        "unit_code",
        "recipient_type",
        "recipient_name",
        "recipient_group",
        "form",
        "status",
    },
    "conferences": {"unit_code", "conference_date", "report_submitted_date"},
    "narrative": {"unit_code", "section_id", "text"},
}
OPTIONAL = {name: set(tables.COLUMNS[name]) - REQUIRED[name] for name in REQUIRED}


def _decode(path: Path, data: bytes) -> tuple[str, list[Problem]]:
    """Decode CSV bytes: UTF-8, else the more Vietnamese of Windows-1258 and legacy fonts."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str, str]] = []
    sample = slice(0, 200_000)
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
        candidates.append((vietnamese_score(text[sample]), "Windows-1258", text))
    except UnicodeDecodeError:
        pass
    legacy = data.decode("latin-1")  # TCVN3 and VNI fonts: repaired field by field later
    score = vietnamese_score(repair_legacy(legacy[sample])[0])
    candidates.append((score, "TCVN3/VNI (bảng mã cũ)", legacy))
    score, name, text = max(candidates, key=lambda c: c[0])
    if score < 0.5:
        raise InputRejected([Problem("QPTD-E071", file=path.name, detail="không phải UTF-8")])
    return text, [Problem("QPTD-W107", file=path.name, detail=name)]


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    text, problems = _decode(path, path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        found = re.search(r"line (\d+)", str(exc))
        detail = "các dòng không cùng số cột" + (f" (dòng {found.group(1)})" if found else "")
        raise InputRejected([Problem("QPTD-E005", file=path.name, detail=detail)]) from exc
    return frame, problems


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for malformed files
        detail = "không phải tệp Parquet hợp lệ"
        raise InputRejected([Problem("QPTD-E005", file=path.name, detail=detail)]) from exc
    return frame.astype(object).where(frame.notna(), None)


def _kind(path: Path, columns: set[str]) -> str:
    for name, needed in REQUIRED.items():
        if needed <= columns:
            return name
    best = max(REQUIRED, key=lambda n: len(REQUIRED[n] & columns))
    missing = sorted(REQUIRED[best] - columns)
    detail = f"gần với bảng {best} nhưng thiếu cột {', '.join(missing)}"
    if not REQUIRED[best] & columns:
        detail = f"các cột {', '.join(sorted(columns)) or '(không có)'}"
    raise InputRejected([Problem("QPTD-E070", file=path.name, detail=detail)])


def read_table(path: Path) -> RawTables:
    """Read a canonical CSV or Parquet table into raw tables.

    Parameters
    ----------
    path
        The file (already passed :func:`qptd_tools.intake.guard.check_file`).

    Returns
    -------
    RawTables
        One raw table filled, ``row`` holding the line number (the header is line 1).
    """
    problems: list[Problem] = []
    if path.suffix.lower() == ".parquet":
        frame = _read_parquet(path)
    else:
        frame, problems = _read_csv(path)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if frame.empty and not len(frame.columns):
        raise InputRejected([Problem("QPTD-E009", file=path.name)])
    kind = _kind(path, set(frame.columns))
    raw = RawTables(file=path.name, tables=(kind,))
    raw.problems.extend(problems)
    frame = frame.copy()
    frame["row"] = range(2, len(frame) + 2)
    if kind == "values":
        frame = frame.rename(columns={"value": "raw"})
        frame["cell"] = ""
        raw.values = frame[["unit_code", "indicator", "year", "raw", "cell", "row"]]
    else:
        wanted = [c for c in tables.COLUMNS[kind] if c in frame.columns] + ["row"]
        if kind == "narrative":
            frame["cell"] = ""
            wanted.append("cell")
        setattr(raw, kind, frame[wanted])
    return raw

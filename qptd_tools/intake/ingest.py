"""Ingest: check submitted files, validate them and hand accepted tables to the store.

Every file named is accounted for: read and accepted, already in force, an earlier version
already replaced, the same content as another file, refused with a code, or ignored by a
stated rule (lock files, hidden files, notes). A file with any error is refused whole and its
units keep their data. What is in force never depends on the order files are listed in:

- a file belongs to the unit written inside it; its name may carry that unit's code and the
  codes of the units above it, never another unit's code (QPTD-E024);
- the same content twice is one submission;
- two different files of one unit (one table of it) in one call are refused together
  (QPTD-E025), unless ``use`` names the one to take, or all but one of them are versions the
  store has already replaced (the history remembers the clerk's choice);
- every accepted file is kept (a copy of its bytes in the store) and recorded in the
  submission history.

All accepted files of one call are committed to the store together, in one snapshot.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from qptd_tools.catalog import Catalog
from qptd_tools.core.errors import InputRejected, Problem, UsageInvalid, fail
from qptd_tools.core.fsutil import sha256_file
from qptd_tools.intake import layout as L
from qptd_tools.intake.document import read_document
from qptd_tools.intake.guard import WORKBOOK_SUFFIXES, check_file
from qptd_tools.intake.tabular import read_table
from qptd_tools.intake.validate import validate_raw
from qptd_tools.intake.workbook import read_workbook
from qptd_tools.store import tables as T
from qptd_tools.store.snapshots import Store

SHEETS = {
    "values": L.SHEET_VALUES,
    "awards": L.SHEET_AWARDS,
    "conferences": L.SHEET_INFO,
    "narrative": L.SHEET_NARRATIVE,
}
# Files that are never submissions, and why they are passed over (listed, never silently).
IGNORED = (
    (re.compile(r"^~\$"), "tệp khóa của Excel"),
    (re.compile(r"^\.~lock\..*#$"), "tệp khóa của LibreOffice"),
    (re.compile(r"^\."), "tệp ẩn"),
    (re.compile(r"^(thumbs\.db|desktop\.ini)$", re.IGNORECASE), "tệp hệ thống"),
    (re.compile(r"\.(md|txt|json)$", re.IGNORECASE), "ghi chú, không phải số liệu"),
)
STATUS_WORDS = {
    "accepted": "nhận",
    "unchanged": "không đổi",
    "superseded": "bản cũ đã được thay",
    "duplicate": "trùng nội dung",
    "set_aside": "không dùng (đã chọn tệp khác)",
    "rejected": "từ chối",
    "ignored": "bỏ qua",
}


@dataclass
class FileResult:
    """What became of one file."""

    path: Path
    sha256: str = ""
    status: str = "rejected"  # see STATUS_WORDS
    units: list[str] = field(default_factory=list)
    tables: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    is_sample: bool = False
    note: str = ""  # why a file was passed over (ignored, duplicate, superseded, set aside)

    @property
    def errors(self) -> list[Problem]:
        """The problems that reject the file."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are only listed."""
        return [p for p in self.problems if p.severity == "warning"]

    def reject(self, problem: Problem) -> None:
        """Refuse the file for ``problem`` (said once per file)."""
        self.status = "rejected"
        if all(p.code != problem.code for p in self.problems):
            self.problems.append(problem)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data (for ``--format json``)."""
        return {
            "file": str(self.path),
            "sha256": self.sha256,
            "status": self.status,
            "units": self.units,
            "tables": list(self.tables),
            "note": self.note,
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass
class IngestReport:
    """The results of one ingest call, one per file, in the order of their paths."""

    files: list[FileResult]
    snapshot: str | None = None

    @property
    def rejected(self) -> list[FileResult]:
        """Files refused whole."""
        return [f for f in self.files if f.status == "rejected"]

    def count(self, status: str) -> int:
        """Return how many files ended with ``status``."""
        return sum(f.status == status for f in self.files)

    def summary(self) -> str:
        """Return the Vietnamese one-line summary: every file is counted somewhere."""
        parts = [f"{STATUS_WORDS[s]} {self.count(s)}" for s in STATUS_WORDS if self.count(s)]
        return f"Kết quả ({len(self.files)} tệp): " + (", ".join(parts) or "không có tệp") + "."

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data."""
        counts = {status: self.count(status) for status in STATUS_WORDS}
        return {"snapshot": self.snapshot, **counts, "files": [f.to_dict() for f in self.files]}


def ignored_because(path: Path) -> str:
    """Return why a file is never a submission ("" when it may be one)."""
    for pattern, reason in IGNORED:
        if pattern.search(path.name):
            return reason
    return ""


def expand(paths: Iterable[Path]) -> list[Path]:
    """Return every file named by ``paths``; folders give all their files, recursively, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file())
        else:
            found.append(path)
    return found


def name_codes(name: str, cat: Catalog) -> list[str]:
    """Return the registry's unit codes a file name carries as separate words, in order.

    ``01858_sua_lan2.xlsx`` and ``Bang Thanh 01858.xlsx`` carry 01858; ``BangThanh.xlsx``
    carries none.
    """
    known = {code.upper(): code for code in cat.units["unit_code"]}
    words = re.split(r"[^0-9A-Za-z]+", Path(name).stem)
    return [known[w.upper()] for w in words if w.upper() in known]


def _ancestors(cat: Catalog, unit: str) -> set[str]:
    parents = dict(zip(cat.units["unit_code"], cat.units["parent_code"], strict=True))
    found, code = set(), parents.get(unit, "")
    while code:
        found.add(code)
        code = parents.get(code, "")
    return found


def check_name(result: FileResult, cat: Catalog) -> None:
    """Refuse a file whose name carries another unit's code (QPTD-E024).

    A name may carry its unit's own code, and with it the codes of the units above it
    (``060_01858.xlsx``); a name with no code is fine.
    """
    codes = name_codes(result.path.name, cat)
    if not codes or not result.units:
        return
    allowed: set[str] = set(result.units)
    for unit in result.units:
        allowed |= _ancestors(cat, unit)
    foreign = [c for c in codes if c not in allowed]
    if len(result.units) == 1 and result.units[0] not in codes:
        foreign = foreign or codes
    if foreign:
        unit = result.units[0] if len(result.units) == 1 else ", ".join(result.units)
        names = f"mã {foreign[0]} là {cat.unit(foreign[0])['name']}"
        if len(result.units) == 1:
            names += f", mã {unit} là {cat.unit(unit)['name']}"
        result.reject(Problem("QPTD-E024", file=result.path.name, value=foreign[0],
                              unit_code=unit, detail=names))  # fmt: skip


def read_submission(path: Path, cat: Catalog) -> FileResult:
    """Check and validate one file without touching the store.

    Parameters
    ----------
    path
        A workbook, CSV or Parquet file.
    cat
        The catalogues.

    Returns
    -------
    FileResult
        ``accepted`` with its canonical frames, or ``rejected`` with every problem found.
    """
    result = FileResult(path=path)
    try:
        kind = check_file(path)
        result.sha256 = sha256_file(path)
        if kind == "document":
            return _document(result, path, cat)
        if kind == "workbook":
            raw, shown = read_workbook(path, cat)
        else:
            raw, shown = read_table(path), ""
    except InputRejected as exc:
        result.problems = exc.problems
        return result
    result.is_sample = raw.is_sample
    result.tables = raw.tables
    frames = validate_raw(raw, cat, shown)
    result.problems = raw.problems
    units = set()
    for frame in frames.values():
        units.update(frame["unit_code"])
    if raw.unit_code:
        units.add(raw.unit_code)
    result.units = sorted(u for u in units if isinstance(u, str) and u)
    if result.errors:
        return result
    result.frames = frames
    result.status = "accepted"
    check_name(result, cat)
    return result


def _document(result: FileResult, path: Path, cat: Catalog) -> FileResult:
    """Read a Word report (:mod:`qptd_tools.intake.document`) into the ``documents`` table."""
    try:
        read = read_document(path, cat)
    except InputRejected as exc:
        result.problems = exc.problems
        return result
    result.units, result.tables, result.problems = [read.unit_code], ("documents",), read.problems
    result.frames = {"documents": read.frame}
    result.status = "accepted"
    check_name(result, cat)
    return result


def _known(path: Path, history: pd.DataFrame, subs: pd.DataFrame) -> FileResult | None:
    """Return a workbook whose exact bytes the store knows, without parsing it again.

    ``unchanged`` when they are one unit's data in force, ``superseded`` when they are a
    version the store has since replaced. A workbook holds one unit's four tables, so equal
    bytes mean equal content. Other files (and anything unreadable) go the full way.
    """
    if path.suffix.lower() not in WORKBOOK_SUFFIXES or history.empty:
        return None
    try:
        check_file(path)
    except InputRejected:
        return None
    sha = sha256_file(path)
    seen = history.loc[history["source_sha256"] == sha]
    if seen["unit_code"].nunique() != 1 or set(seen["table"]) != set(SHEETS):
        return None
    unit = str(seen["unit_code"].iloc[0])
    result = FileResult(path=path, sha256=sha, units=[unit], tables=tuple(SHEETS),
                        is_sample=bool(seen["is_sample"].iloc[0]))  # fmt: skip
    if _in_force(result, subs):
        result.status = "unchanged"
        result.problems.append(Problem("QPTD-W108", file=path.name))
    else:
        result.status = "superseded"
        result.note = "bản cũ của đơn vị, đã được thay bằng bản nhận sau (xem `qptd history`)"
    return result


def _in_force(res: FileResult, subs: pd.DataFrame) -> bool:
    current = set(zip(subs["unit_code"], subs["table"], subs["source_sha256"], strict=True))
    return all((u, t, res.sha256) in current for u in res.units for t in res.tables)


def _superseded(res: FileResult, history: pd.DataFrame, subs: pd.DataFrame) -> bool:
    """Whether every table of the file is a version the store held and has since replaced."""
    if history.empty:
        return False
    held = set(zip(history["unit_code"], history["table"], history["source_sha256"], strict=True))
    current = set(zip(subs["unit_code"], subs["table"], subs["source_sha256"], strict=True))
    keys = [(u, t, res.sha256) for u in res.units for t in res.tables]
    return bool(keys) and all(k in held and k not in current for k in keys)


def _when(path: Path) -> str:
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime)
    return f"{stamp:%d/%m/%Y %H:%M}"


def resolve(results: list[FileResult], history: pd.DataFrame, subs: pd.DataFrame,
            use: Sequence[str] = ()) -> None:  # fmt: skip
    """Decide which file supplies each unit's table (see the module's rules); in place."""
    # the same content twice is one submission: the file whose path sorts first stands for it
    live = sorted((r for r in results if r.status in ("accepted", "unchanged")),
                  key=lambda r: (r.status != "unchanged", str(r.path)))  # fmt: skip
    first_of: dict[str, FileResult] = {}
    for res in live:
        if res.sha256 in first_of:
            res.status = "duplicate"
            res.note = f"nội dung giống hệt tệp {first_of[res.sha256].path.name}; chỉ tính một lần"
            res.problems = []
        else:
            first_of[res.sha256] = res
    for res in live:
        if res.status == "accepted" and _superseded(res, history, subs):
            res.status = "superseded"
            res.note = "bản cũ của đơn vị, đã được thay bằng bản nhận sau (xem `qptd history`)"
    suppliers: dict[tuple[str, str], list[FileResult]] = {}
    for res in results:
        if res.status in ("accepted", "unchanged"):
            for unit in res.units:
                for table in res.tables:
                    suppliers.setdefault((unit, table), []).append(res)
    chosen = {Path(u).name for u in use}
    for (unit, _), files in sorted(suppliers.items()):
        if len(files) < 2:
            continue
        picked = [f for f in files if f.path.name in chosen]
        if len(picked) == 1:
            for other in files:
                if other is not picked[0] and other.status in ("accepted", "unchanged"):
                    other.status = "set_aside"
                    other.note = f"không dùng: đã chọn tệp {picked[0].path.name} (--use)"
                    other.problems = [p for p in other.problems if p.code != "QPTD-W108"]
            continue
        listed = "; ".join(
            f"{f.path.name} (sửa lúc {_when(f.path)}"
            + (", đang dùng" if f.status == "unchanged" else ", chưa nạp")
            + ")"
            for f in sorted(files, key=lambda f: f.path.name)
        )
        for res in files:
            res.reject(Problem("QPTD-E025", file=res.path.name, value=unit, detail=listed))


def check_use(use: Sequence[str], files: Sequence[Path]) -> None:
    """Refuse ``--use`` names that are not among the files, before anything is read (QPTD-E082)."""
    names = {p.name for p in files}
    unknown = sorted({Path(u).name for u in use} - names)
    if unknown:
        close = sorted({m for u in unknown for m in difflib.get_close_matches(u, names, n=3)})
        hint = f"; có thể là: {', '.join(close)}" if close else ""
        raise fail(UsageInvalid, "QPTD-E082", detail=f"--use {', '.join(unknown)}: không có tệp "
                   f"này trong các tệp được nạp{hint}")  # fmt: skip


def guard_emptying(results: list[FileResult], store: Store, use: Sequence[str]) -> None:
    """Refuse a new version that would drop most of what a unit has in force (QPTD-E026).

    A blank template or a half-filled file sent again replaces the unit's whole tables; unless
    the clerk names it with ``use``, a file that keeps less than half of the cells (or of the
    narrative sections) in force is refused, naming what it would lose.
    """
    chosen = {Path(u).name for u in use}
    counted = {
        name: store.read(name)["unit_code"].value_counts() for name in ("values", "narrative")
    }
    for res in results:
        if res.status != "accepted" or res.path.name in chosen:
            continue
        for unit in res.units:
            lost = []
            for name, least, word in (
                ("values", 20, "ô số liệu"),
                ("narrative", 5, "mục thuyết minh"),
            ):
                if name not in res.tables:
                    continue
                before = int(counted[name].get(unit, 0))
                frame = res.frames[name]
                after = int((frame["unit_code"] == unit).sum()) if len(frame) else 0
                if before >= least and after < before / 2:
                    lost.append(f"còn {after}/{before} {word}")
            if lost:
                res.reject(Problem("QPTD-E026", file=res.path.name, unit_code=unit,
                                   detail=", ".join(lost)))  # fmt: skip


def _provenance(res: FileResult, frame: pd.DataFrame, sheet: str) -> pd.DataFrame:
    out = frame.copy()
    out["source_file"] = res.path.name
    out["source_sha256"] = res.sha256
    if "sheet" in out and not sheet:  # a document: its heading and paragraphs
        return out
    out["sheet"] = sheet
    if "cell" not in out:
        out["cell"] = ""
    if not sheet:
        out["cell"] = [f"dòng {int(r)}" if r == r and r is not None else "" for r in out["row"]]
    return out.drop(columns=["row"], errors="ignore")


def _records(res: FileResult, now: str) -> list[dict[str, Any]]:
    """Rows of the submissions and history tables for an accepted file."""
    modified = dt.datetime.fromtimestamp(res.path.stat().st_mtime, dt.UTC)
    return [
        {"unit_code": unit, "table": table, "source_file": res.path.name,
         "source_path": str(res.path.resolve()), "source_sha256": res.sha256,
         "file_modified": modified.replace(microsecond=0).isoformat(), "ingested_at": now,
         "is_sample": res.is_sample}
        for unit in res.units for table in res.tables
    ]  # fmt: skip


def ingest(
    paths: Iterable[Path],
    store: Store,
    cat: Catalog,
    *,
    progress: bool = True,
    use: Sequence[str] = (),
) -> IngestReport:
    """Validate files and load the accepted ones into the store in one commit.

    Parameters
    ----------
    paths
        Files or folders of workbooks, CSV and Parquet tables.
    store
        The workspace's store.
    cat
        The catalogues.
    progress
        Show a progress bar over files.
    use
        File names that settle a conflict: of several different files of one unit, take this
        one (the others are set aside).

    Returns
    -------
    IngestReport
        One result per file; ``rejected`` files changed nothing.
    """
    files = expand(paths)
    check_use(use, files)
    with store.locked():
        subs, history = store.read("submissions"), store.read("history")
        results = []
        for path in tqdm(files, desc="Kiểm tra tệp", unit=" tệp", disable=not progress):
            reason = ignored_because(path)
            if reason:
                results.append(FileResult(path=path, status="ignored", note=reason))
                continue
            known = _known(path, history, subs)
            if known is not None:
                check_name(known, cat)  # a misnamed copy is refused however often it comes
            results.append(known or read_submission(path, cat))
        resolve(results, history, subs, use)
        guard_emptying(results, store, use)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        replacements: dict[str, tuple[set[str], list[pd.DataFrame]]] = {}
        sub_rows: list[dict[str, Any]] = []
        for res in results:
            if res.status == "accepted" and _in_force(res, subs):
                res.status = "unchanged"
                res.problems.append(Problem("QPTD-W108", file=res.path.name))
            if res.status != "accepted":
                continue
            store.keep(res.path, res.sha256)
            for name in res.tables:
                workbook = res.path.suffix.lower() in WORKBOOK_SUFFIXES
                sheet = SHEETS.get(name, "") if workbook else ""
                units, parts = replacements.setdefault(name, (set(), []))
                units.update(res.units)
                parts.append(_provenance(res, res.frames[name], sheet))
            sub_rows.extend(_records(res, now))
        snapshot = None
        if sub_rows:
            merged = {
                name: (units, pd.concat(parts, ignore_index=True))
                for name, (units, parts) in replacements.items()
            }
            received = pd.DataFrame(sub_rows, columns=T.SUBMISSIONS)
            snapshot = store.commit(merged, received).name
        store.log([
            {"at": now, "file": str(r.path), "sha256": r.sha256, "status": r.status,
             "units": r.units, "errors": len(r.errors), "warnings": len(r.warnings),
             "codes": sorted({p.code for p in r.errors}), "snapshot": snapshot}
            for r in results
        ])  # fmt: skip
    return IngestReport(files=results, snapshot=snapshot)

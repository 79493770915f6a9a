"""Ingest: check submitted files, validate them and hand accepted tables to the store.

A file with any error is rejected whole and its units keep their earlier data; warnings
load and are listed. A file whose content is already in force changes nothing. All
accepted files of one call are committed to the store together, in one snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from qptd_tools.catalog import Catalog
from qptd_tools.core.errors import InputRejected, Problem
from qptd_tools.core.fsutil import sha256_file
from qptd_tools.intake import layout as L
from qptd_tools.intake.guard import TABLE_SUFFIXES, WORKBOOK_SUFFIXES, check_file
from qptd_tools.intake.tabular import read_table
from qptd_tools.intake.validate import validate_raw
from qptd_tools.intake.workbook import read_workbook
from qptd_tools.store.snapshots import Store

SUFFIXES = WORKBOOK_SUFFIXES | TABLE_SUFFIXES | {".xls"}
_SHEETS = {
    "values": L.SHEET_VALUES,
    "awards": L.SHEET_AWARDS,
    "conferences": L.SHEET_INFO,
    "narrative": L.SHEET_NARRATIVE,
}


@dataclass
class FileResult:
    """What became of one file."""

    path: Path
    sha256: str = ""
    status: str = "rejected"  # accepted | unchanged | rejected
    units: list[str] = field(default_factory=list)
    tables: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    is_sample: bool = False

    @property
    def errors(self) -> list[Problem]:
        """The problems that reject the file."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are only listed."""
        return [p for p in self.problems if p.severity == "warning"]

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data (for ``--format json``)."""
        return {
            "file": str(self.path),
            "sha256": self.sha256,
            "status": self.status,
            "units": self.units,
            "tables": list(self.tables),
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass
class IngestReport:
    """The results of one ingest call."""

    files: list[FileResult]
    snapshot: str | None = None

    @property
    def rejected(self) -> list[FileResult]:
        """Files rejected whole."""
        return [f for f in self.files if f.status == "rejected"]

    def count(self, status: str) -> int:
        """Return how many files ended with ``status``."""
        return sum(f.status == status for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data."""
        return {
            "snapshot": self.snapshot,
            "accepted": self.count("accepted"),
            "unchanged": self.count("unchanged"),
            "rejected": self.count("rejected"),
            "files": [f.to_dict() for f in self.files],
        }


def expand(paths: Iterable[Path]) -> list[Path]:
    """Return the files named by ``paths``; folders give their submitted files, recursively."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not p.name.startswith(("~$", "."))
            )
        else:
            found.append(path)
    return found


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
    if result.errors:
        return result
    units = set()
    for frame in frames.values():
        units.update(frame["unit_code"])
    if raw.unit_code:
        units.add(raw.unit_code)
    result.units = sorted(units)
    result.frames = frames
    result.status = "accepted"
    return result


def _duplicates(results: list[FileResult]) -> None:
    """Reject files of one call that supply the same unit's same table."""
    owners: dict[tuple[str, str], list[FileResult]] = {}
    for res in results:
        if res.status == "accepted":
            for unit in res.units:
                for table in res.tables:
                    owners.setdefault((unit, table), []).append(res)
    for (unit, table), files in owners.items():
        if len(files) > 1:
            names = ", ".join(f.path.name for f in files)
            for res in files:
                res.status = "rejected"
                res.problems.append(
                    Problem("QPTD-E022", file=res.path.name, value=unit,
                            detail=f"đơn vị {unit} có nhiều tệp ({table}) trong cùng lần nạp: {names}")
                )  # fmt: skip


def _known_workbook(path: Path, subs: pd.DataFrame) -> FileResult | None:
    """Return ``unchanged`` for a workbook whose exact bytes are one unit's data in force.

    A workbook holds one unit's four tables, so equal bytes mean equal content; such a
    file is not parsed again. Other files (and anything unreadable) go the full way.
    """
    if path.suffix.lower() not in WORKBOOK_SUFFIXES or subs.empty:
        return None
    try:
        check_file(path)
    except InputRejected:
        return None
    sha = sha256_file(path)
    rows = subs.loc[subs["source_sha256"] == sha]
    if rows["unit_code"].nunique() != 1 or set(rows["table"]) != set(_SHEETS):
        return None
    return FileResult(
        path=path,
        sha256=sha,
        status="unchanged",
        units=[str(rows["unit_code"].iloc[0])],
        tables=tuple(_SHEETS),
        problems=[Problem("QPTD-W108", file=path.name)],
    )


def _unchanged(res: FileResult, subs: pd.DataFrame) -> bool:
    current = set(zip(subs["unit_code"], subs["table"], subs["source_sha256"], strict=True))
    return all((u, t, res.sha256) in current for u in res.units for t in res.tables)


def _provenance(res: FileResult, name: str, frame: pd.DataFrame, sheet: str) -> pd.DataFrame:
    out = frame.copy()
    out["source_file"] = res.path.name
    out["source_sha256"] = res.sha256
    out["sheet"] = sheet
    if "cell" not in out:
        out["cell"] = ""
    if not sheet:
        out["cell"] = [f"dòng {int(r)}" if r == r and r is not None else "" for r in out["row"]]
    return out.drop(columns=["row"], errors="ignore")


def ingest(
    paths: Iterable[Path], store: Store, cat: Catalog, *, progress: bool = True
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

    Returns
    -------
    IngestReport
        One result per file; ``rejected`` files changed nothing.
    """
    files = expand(paths)
    with store.locked():
        subs = store.read("submissions")
        results = [
            _known_workbook(p, subs) or read_submission(p, cat)
            for p in tqdm(files, desc="Kiểm tra tệp", unit="tệp", disable=not progress)
        ]
        _duplicates(results)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        replacements: dict[str, tuple[set[str], list[pd.DataFrame]]] = {}
        sub_rows = []
        for res in results:
            if res.status != "accepted":
                continue
            if _unchanged(res, subs):
                res.status = "unchanged"
                res.problems.append(Problem("QPTD-W108", file=res.path.name))
                continue
            for name in res.tables:
                frame = res.frames[name]
                sheet = (
                    _SHEETS.get(name, "") if res.path.suffix.lower() in WORKBOOK_SUFFIXES else ""
                )
                units, parts = replacements.setdefault(name, (set(), []))
                units.update(res.units)
                parts.append(_provenance(res, name, frame, sheet))
                for unit in res.units:
                    sub_rows.append({
                        "unit_code": unit, "table": name, "source_file": res.path.name,
                        "source_path": str(res.path.resolve()), "source_sha256": res.sha256,
                        "ingested_at": now, "is_sample": res.is_sample,
                    })  # fmt: skip
        snapshot = None
        if sub_rows:
            merged = {
                name: (units, pd.concat(parts, ignore_index=True))
                for name, (units, parts) in replacements.items()
            }
            snapshot = store.commit(merged, pd.DataFrame(sub_rows)).name
        store.log([
            {"at": now, "file": str(r.path), "sha256": r.sha256, "status": r.status,
             "units": r.units, "errors": len(r.errors), "warnings": len(r.warnings),
             "snapshot": snapshot}
            for r in results
        ])  # fmt: skip
    return IngestReport(files=results, snapshot=snapshot)

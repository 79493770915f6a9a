"""The store: canonical tables on disk as Parquet, with provenance and an ingest log.

Layout under ``data/processed/``::

    CURRENT                 name of the snapshot in force (replaced atomically)
    snapshots/<NNNNNN>/     values, awards, conferences, narrative, submissions, history (.parquet)
    received/<sha256>.<ext> a copy of every file ever accepted, named by its content
    ingest_log.jsonl        one line per file per ingest, refused files included
    .lock                   held by the one ingest that may write

A commit writes a whole new snapshot beside the current one and then swaps ``CURRENT``;
a crash at any point leaves the previous snapshot in force and readable. ``submissions``
says which file each unit's table comes from now; ``history`` has a row for every table of
every file ever accepted, so nothing a unit sent is lost from the record.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import filelock
import pandas as pd

from qptd_tools.core.errors import Problem, StoreLocked, StoreUnreadable, WriteFailed
from qptd_tools.core.fsutil import atomic_write_bytes
from qptd_tools.store import tables

TABLES = (*tables.COLUMNS, "submissions", "history")
KEEP_SNAPSHOTS = 2


def _empty(name: str) -> pd.DataFrame:
    if name in ("submissions", "history"):
        return pd.DataFrame({c: pd.Series(dtype="str") for c in tables.SUBMISSIONS}).astype(
            {"is_sample": bool}
        )
    return tables.empty_table(name)


class Store:
    """The canonical tables of one workspace.

    Parameters
    ----------
    path
        The store folder (``<root>/data/processed``).
    """

    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def snapshots(self) -> Path:
        """Folder of the snapshots."""
        return self.path / "snapshots"

    def current(self) -> Path | None:
        """Return the snapshot in force, or ``None`` for an empty store."""
        pointer = self.path / "CURRENT"
        if not pointer.is_file():
            return None
        name = pointer.read_text(encoding="utf-8").strip()
        snapshot = self.snapshots / name
        if not name or not snapshot.is_dir():
            raise StoreUnreadable(
                Problem("QPTD-E091", file=str(pointer), detail=f"không có bản {name!r}")
            )
        return snapshot

    @property
    def received(self) -> Path:
        """Folder of the copies of every accepted file."""
        return self.path / "received"

    def kept(self, sha256: str) -> Path | None:
        """Return the store's copy of an accepted file, by its SHA-256 (None if not kept)."""
        found = sorted(self.received.glob(f"{sha256}.*")) if self.received.is_dir() else []
        return found[0] if found else None

    def keep(self, path: Path, sha256: str) -> Path:
        """Keep a copy of an accepted file (once per content; atomic). Call under :meth:`locked`."""
        existing = self.kept(sha256)
        if existing is not None:
            return existing
        copy = self.received / f"{sha256}{path.suffix.lower()}"
        atomic_write_bytes(copy, path.read_bytes())
        return copy

    def read(self, name: str) -> pd.DataFrame:
        """Return one stored table by name (see :data:`TABLES`)."""
        snapshot = self.current()
        if snapshot is None or not (snapshot / f"{name}.parquet").is_file():
            return _empty(name)
        try:
            frame = pd.read_parquet(snapshot / f"{name}.parquet")
            if name in ("submissions", "history"):  # snapshots made before file_modified existed
                frame = frame.reindex(columns=tables.SUBMISSIONS)
            return frame
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise StoreUnreadable(
                Problem("QPTD-E091", file=str(snapshot / f"{name}.parquet"), detail=str(exc)[:120])
            ) from exc

    def read_all(self) -> dict[str, pd.DataFrame]:
        """Return every table."""
        return {name: self.read(name) for name in TABLES}

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's write lock, or raise :class:`StoreLocked` (QPTD-E090) at once."""
        self.path.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(self.path / ".lock"), timeout=0)
        try:
            lock.acquire()
        except filelock.Timeout as exc:
            raise StoreLocked(Problem("QPTD-E090", file=str(self.path))) from exc
        try:
            yield
        finally:
            lock.release()

    def commit(
        self,
        replacements: Mapping[str, tuple[set[str], pd.DataFrame]],
        submissions: pd.DataFrame,
    ) -> Path:
        """Write a new snapshot in which the given units' rows of each table are replaced.

        Parameters
        ----------
        replacements
            For each table: the units whose rows are replaced, and their new rows
            (canonical columns plus provenance).
        submissions
            One row per unit and table replaced, naming the file it now comes from; the
            same rows are added to the history.

        Returns
        -------
        Path
            The new snapshot folder. Call under :meth:`locked`.
        """
        current = self.read_all()
        new: dict[str, pd.DataFrame] = {}
        for name in tables.COLUMNS:
            frame = current[name]
            if name in replacements:
                units, rows = replacements[name]
                kept = frame.loc[~frame["unit_code"].isin(units)]
                fresh = tables.conform(name, rows)
                frame = pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh
                frame = frame.sort_values(tables.KEYS[name], kind="stable", ignore_index=True)
                frame = tables.validate(name, tables.conform(name, frame))
            new[name] = frame
        new["history"] = (
            pd.concat([current["history"], submissions], ignore_index=True)
            if len(current["history"])
            else submissions.reset_index(drop=True)
        )
        subs = current["submissions"]
        if len(submissions):
            replaced = set(zip(submissions["unit_code"], submissions["table"], strict=True))
            keep = [
                (u, t) not in replaced
                for u, t in zip(subs["unit_code"], subs["table"], strict=True)
            ]
            subs = pd.concat([subs.loc[keep], submissions], ignore_index=True)
            subs = subs.sort_values(["unit_code", "table"], ignore_index=True)
        new["submissions"] = subs
        return self._write_snapshot(new)

    def _write_snapshot(self, frames: Mapping[str, pd.DataFrame]) -> Path:
        self.snapshots.mkdir(parents=True, exist_ok=True)
        existing = sorted(p.name for p in self.snapshots.iterdir() if p.name.isdigit())
        number = int(existing[-1]) + 1 if existing else 1
        final = self.snapshots / f"{number:06d}"
        try:
            staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.snapshots))
            for name, frame in frames.items():
                frame.to_parquet(staging / f"{name}.parquet", index=False)
            staging.rename(final)
        except OSError as exc:
            raise WriteFailed(
                Problem("QPTD-E092", file=str(self.snapshots), detail=exc.strerror or str(exc))
            ) from exc
        atomic_write_bytes(self.path / "CURRENT", final.name.encode())
        self._prune(final.name)
        return final

    def _prune(self, keep_name: str) -> None:
        names = sorted(p.name for p in self.snapshots.iterdir() if p.name.isdigit())
        for name in names[:-KEEP_SNAPSHOTS]:
            if name != keep_name:
                shutil.rmtree(self.snapshots / name, ignore_errors=True)
        for stale in self.snapshots.glob(".staging-*"):
            shutil.rmtree(stale, ignore_errors=True)

    def log(self, entries: list[dict[str, Any]]) -> None:
        """Append entries to the ingest log (one JSON object per line)."""
        self.path.mkdir(parents=True, exist_ok=True)
        with (self.path / "ingest_log.jsonl").open("a", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

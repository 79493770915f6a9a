"""``qptd run``: the unit report notebook, executed with papermill for many units.

One batch computes every analytic once, writes each unit's context, then runs the notebook
per unit in parallel workers (or on a Dask cluster), each with a deadline. A failed unit
keeps its executed notebook with papermill's error banner; the batch goes on. Units whose
inputs are unchanged since their last successful run are skipped.

The manifest (``reports/manifest.json``) lists every unit's last run. Each unit's entry is
appended to ``reports/manifest.journal`` (one JSON line) as it ends, and the manifest itself
is rewritten at most every :data:`MANIFEST_EVERY` seconds and when the batch ends or is
stopped — so a unit costs the parent O(1), not a rewrite of all units (issue #16). A batch
killed outright leaves the journal; the next one reads it back.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import functools
import hashlib
import json
import os
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from qptd_tools.batch.paperwork import Paperwork
from qptd_tools.batch.pool import LocalPool, release, stop
from qptd_tools.batch.runner import Task, run_unit
from qptd_tools.batch.selection import default_notebook
from qptd_tools.core.config import VERSION
from qptd_tools.core.errors import StoreEmpty, fail
from qptd_tools.core.fsutil import atomic_write_bytes, sha256_file

if TYPE_CHECKING:  # the analytics are loaded by the batch, not by its workers
    from qptd_tools.store.workspace import WorkspaceData

MANIFEST = "manifest.json"
JOURNAL = "manifest.journal"
MANIFEST_EVERY = 5.0  # seconds between two rewrites of the manifest during a batch
DONE = ("ok", "skipped")


@dataclass
class BatchResult:
    """What a batch did: one manifest entry per selected unit."""

    entries: dict[str, dict[str, Any]]
    manifest: Path
    interrupted: bool = False
    documents: list[Path] | None = None  # the documents written (None: not asked, or current)

    def count(self, status: str) -> int:
        """Return how many units ended with ``status``."""
        return sum(e["status"] == status for e in self.entries.values())

    @property
    def failed(self) -> list[str]:
        """Units that failed or timed out."""
        return [u for u, e in self.entries.items() if e["status"] not in DONE]


@dataclass
class Batch:
    """A batch of unit reports.

    Parameters
    ----------
    data
        The workspace.
    units
        The units to run (see :func:`select_units`).
    workers
        Parallel workers (default: the number of cores).
    timeout
        Seconds one unit may take before its kernel is stopped.
    force
        Run units even when their inputs are unchanged.
    notebook
        The notebook to run (default: ``notebooks/unit_report.ipynb``).
    scheduler
        The address of a Dask scheduler (``tcp://host:port``) to send the units to.
    progress
        Show a progress bar over units.
    formats
        Exports written beside each executed notebook (``html``, ``docx``).
    warm
        Run units in one warm kernel per worker (:mod:`qptd_tools.batch.warm`); ``False`` starts a
        fresh kernel for every unit.
    documents
        Also write the units' documents (plans, award paperwork, budgets, reminders) in the
        formats, in the workers ahead of the units (:mod:`qptd_tools.batch.paperwork`).
    """

    data: WorkspaceData
    units: list[str]
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float = 600.0
    force: bool = False
    notebook: Path | None = None
    scheduler: str | None = None
    progress: bool = True
    formats: tuple[str, ...] = ("html", "docx")
    warm: bool = True
    documents: bool = False

    @property
    def writes_documents(self) -> bool:
        """Whether the batch writes its units' documents (asked, and in some format)."""
        return self.documents and bool(self.formats)

    @property
    def reports(self) -> Path:
        """The reports folder."""
        return self.data.paths.reports

    @property
    def manifest_path(self) -> Path:
        """``reports/manifest.json``."""
        return self.reports / MANIFEST

    def read_manifest(self) -> dict[str, Any]:
        """Return the manifest of earlier runs, with the entries of a batch that was killed.

        Empty when there is none or it is unreadable; a journal line cut short is ignored.
        """
        try:
            manifest = dict(json.loads(self.manifest_path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            manifest = {"units": {}}
        units = manifest.setdefault("units", {})
        for entry in _journal(self.reports / JOURNAL):
            units[entry["unit_code"]] = entry
        return manifest

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest atomically; the journal it now holds is removed."""
        manifest["updated"] = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        atomic_write_bytes(self.manifest_path, text.encode("utf-8"))
        (self.reports / JOURNAL).unlink(missing_ok=True)
        self._written = time.monotonic()

    def _record(self, manifest: dict[str, Any], entry: dict[str, Any]) -> None:
        """Record a unit's entry: a journal line now, the manifest when it is due."""
        manifest["units"][entry["unit_code"]] = entry
        if time.monotonic() - getattr(self, "_written", 0.0) >= MANIFEST_EVERY:
            self.write_manifest(manifest)
            return
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        with (self.reports / JOURNAL).open("a", encoding="utf-8") as handle:
            handle.write(line)

    def inputs_key(self) -> str:
        """Return a digest of everything the batch's reports depend on.

        The stored snapshot's files, the workspace's catalogue overrides, the toolkit's own
        files (code, templates, bundled catalogues), the notebook, the formats and the
        folders. Units whose last run had the same key are skipped without computing anything.
        """
        snapshot = self.data.store.current()
        if snapshot is None:
            raise fail(StoreEmpty, "QPTD-E093", file=str(self.data.paths.root))
        digest = hashlib.sha256(_toolkit_digest().encode())
        overrides = self.data.paths.catalog_overrides
        files = sorted(snapshot.glob("*.parquet")) + (
            sorted(p for p in overrides.rglob("*") if p.is_file()) if overrides.is_dir() else []
        )
        for path in files:
            digest.update(f"{path.name}:{sha256_file(path)};".encode())
        notebook = self.notebook or default_notebook(self.data.paths.root)
        digest.update(f"{notebook}:{sha256_file(notebook)};{','.join(self.formats)};".encode())
        digest.update(f"{self.data.paths.root};{self.reports}".encode())
        return digest.hexdigest()

    def prepare(self) -> list[Task]:
        """Compute every analytic once and write each unit's context; return the tasks."""
        return list(self._plan(self.units, self.inputs_key(), {}, []))

    def _plan(
        self, units: Iterable[str], inputs: str, previous: dict[str, Any], fresh: list[str]
    ) -> Iterator[Task]:
        """Compute every analytic once; write the context of each unit that must run.

        Yields each task to run as soon as its context is written; the units whose data did
        not change since their last run (``previous``: the manifest's entries) go to
        ``fresh``. Per unit the cost is the unit's own rows
        (:class:`~qptd_tools.report.context.Slicer`) and one pass over its pickle, which is
        both the fingerprint and the file written; no context is held after its unit.
        """
        from qptd_tools.report import context

        notebook = self.notebook or default_notebook(self.data.paths.root)
        shared = context.compute_all(self.data)
        self._shared = shared  # the board (reports/index.html) shows its findings
        recipe = hashlib.sha256()
        recipe.update(sha256_file(notebook).encode())
        recipe.update(_toolkit_digest().encode())
        for unit in units:
            blob = context.dumps(context.unit_context(shared, unit))
            path = self.reports / ".contexts" / f"{unit}.pkl"
            parameters = {
                "unit_code": unit,
                "root": str(self.data.paths.root),
                "context_path": str(path),
                "output_dir": str(self.reports / unit),
            }
            digest = hashlib.sha256(recipe.digest())
            digest.update(hashlib.sha256(blob).hexdigest().encode())
            digest.update(
                json.dumps(
                    {k: v for k, v in parameters.items() if k != "context_path"}, sort_keys=True
                ).encode()
            )
            digest.update(",".join(self.formats).encode())
            task = Task(
                unit,
                str(notebook),
                str(self.reports / unit),
                parameters,
                self.timeout,
                digest.hexdigest(),
                tuple(self.formats),
                "qptd_warm" if self.warm else "nbclient",
                inputs,
            )
            if self._unchanged(unit, previous, "fingerprint", task.fingerprint):
                fresh.append(unit)  # other units changed, not this one's data
            else:
                context.write(blob, path)
                yield task
        # the board's page template, compiled while the units run: not in the batch's tail
        import qptd_tools.export.index  # noqa: F401

    def _unchanged(self, unit: str, previous: dict[str, Any], field: str, value: str) -> bool:
        """Whether a unit's last run succeeded with the same ``field`` and left its outputs."""
        entry = previous.get(unit)
        if self.force or not entry or entry.get("status") not in DONE:
            return False
        if entry.get(field) != value:
            return False
        return all((self.reports / p).is_file() for p in entry.get("outputs", []))

    def _pool(self, workers: int) -> LocalPool:
        engine = "qptd_warm" if self.warm else "nbclient"
        return LocalPool(workers, engine, tuple(self.formats), str(self.reports / ".logs"))

    def _dispatch_local(
        self, tasks: Iterable[Task], pool: cf.ProcessPoolExecutor | None = None
    ) -> Iterator[dict[str, Any]]:
        if pool is None:  # one worker, or one unit: in this process
            for task in tasks:
                yield run_unit(task)
            return
        yield from self._pool(self.workers).run(tasks, pool)

    def _dispatch_dask(
        self, tasks: Iterable[Task], paperwork: Paperwork | None
    ) -> Iterator[dict[str, Any]]:
        from qptd_tools.batch.dask import dispatch

        yield from dispatch(str(self.scheduler), tasks, paperwork)

    def run(self) -> BatchResult:
        """Run the batch; return every selected unit's manifest entry.

        A KeyboardInterrupt stops the workers; the units not finished are recorded as
        ``interrupted`` and the exception propagates after the manifest is written.
        """
        clock = (time.time(), time.process_time())
        manifest = self.read_manifest()
        manifest.pop("batch", None)  # the last batch's figures, written again at the end
        units = manifest.setdefault("units", {})
        manifest["notebook"] = str(self.notebook or default_notebook(self.data.paths.root))
        inputs = self.inputs_key()
        # nothing they depend on changed: skipped without computing anything
        fresh = [u for u in self.units if self._unchanged(u, units, "inputs", inputs)]
        rest = [u for u in self.units if u not in fresh]
        paperwork = None
        if self.writes_documents:
            paperwork = Paperwork.due(self.data.paths.root, self.reports, self.units,
                                      self.formats, inputs, self.workers, self.force)  # fmt: skip
        pool = None
        if rest and not self.scheduler and self.workers > 1 and len(rest) > 1:
            # the workers start their kernels while the analytics are computed here
            pool = self._pool(self.workers).start(min(self.workers, len(rest)))
            if paperwork is not None:  # the documents first, one part per worker
                paperwork.send(pool.submit)
        # planned in a thread: a unit is sent to a worker as soon as its context is written,
        # while the next ones are planned (the serial part of a batch, issue #16)
        same: list[str] = []
        planner = Planner(
            self._plan(rest, inputs, dict(units), same) if rest else iter(()),
            ahead=None if self.scheduler else max(2, self.workers),  # a cluster: all at once
        )
        self.write_manifest(manifest)
        bar = tqdm(
            total=len(rest),
            desc="Chạy báo cáo",
            unit=" đơn vị",
            disable=not self.progress or not rest,
        )
        pending = set(rest)
        interrupted = False
        try:
            tasks = planner.tasks()
            dispatch = (
                self._dispatch_dask(tasks, paperwork)
                if self.scheduler
                else self._dispatch_local(tasks, pool)
            )
            for entry in dispatch:
                pending.discard(entry["unit_code"])
                self._record(manifest, entry)
                bar.update(1)
                bar.set_postfix_str(f"{entry['unit_code']} {entry['status']}")
            if paperwork is not None and pool is not None:
                paperwork.collect()
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            planner.stop()
            for code in [*fresh, *same]:  # nothing they depend on changed
                units[code] = {**units[code], "status": "skipped", "seconds": 0.0, "inputs": inputs}
                pending.discard(code)
            bar.update(len(same))
            bar.close()
            if pool is not None:
                if pending:  # stopped or failed: the workers are stopped now
                    stop(pool, finished=False)
                    release()
                else:  # done: the workers exit while the board is written
                    pool.shutdown(wait=False)
            for code in pending:
                units[code] = {**units.get(code, {}), "unit_code": code, "status": "interrupted",
                               "error": "Đã dừng trước khi chạy xong"}  # fmt: skip
            self.write_manifest(manifest)
            self._cleanup_temp()
        written = paperwork.finish() if paperwork is not None else None
        try:
            self._write_index(units, documents=written is not None)
        finally:
            if pool is not None and not pending:
                stop(pool, finished=True)
                release()
        # what the batch cost its own process: the serial part (``python -m benchmarks``)
        manifest["batch"] = {
            "start": round(clock[0], 3), "end": round(time.time(), 3),
            "parent_cpu_s": round(time.process_time() - clock[1], 3),
            "workers": 0 if self.scheduler else self.workers, "scheduler": bool(self.scheduler),
            "units_run": len(rest) - len(same),
            "documents": paperwork.timings() if paperwork is not None else [],
        }  # fmt: skip
        self.write_manifest(manifest)
        return BatchResult({u: units[u] for u in self.units}, self.manifest_path, interrupted,
                           written)  # fmt: skip

    def _write_index(self, entries: dict[str, dict[str, Any]], documents: bool = False) -> None:
        """Write the coordinator's board, unless nothing changed since it was written."""
        shared = getattr(self, "_shared", None)
        index = self.reports / "index.html"
        if shared is None and index.is_file() and not documents:  # nothing new to link
            return
        write_board(self.data, entries, shared)

    def _cleanup_temp(self) -> None:
        """Remove what a unit killed mid-write left: its temporary notebook and files."""
        for unit in self.units:
            folder = self.reports / unit
            for leftover in [
                *folder.glob(".*.tmp.ipynb"),
                *folder.glob(".*.tmp"),
                *folder.glob("figures/.*.tmp"),
                *folder.glob(".hinh-cache/.*.tmp"),
            ]:
                leftover.unlink(missing_ok=True)


def write_board(data: WorkspaceData, entries: dict[str, dict[str, Any]] | None = None,
                shared: Any = None) -> Path | None:  # fmt: skip
    """Write ``reports/index.html`` (the coordinator's board) from the batch's entries.

    Without ``entries``, from ``reports/manifest.json`` — as after ``qptd documents`` adds
    files the board links to; nothing is written when no batch has run yet.
    """
    from qptd_tools.export.index import write_index
    from qptd_tools.report import context

    reports = data.paths.reports
    if entries is None:
        manifest = reports / "manifest.json"
        if not manifest.is_file():
            return None
        entries = json.loads(manifest.read_text(encoding="utf-8")).get("units", {})
        entries.update({e["unit_code"]: e for e in _journal(reports / JOURNAL)})
    shared = shared or context.compute_all(data)
    result, subs = shared.result, data.submissions
    sample = bool(subs["is_sample"].any()) if len(subs) else False
    submitted = set(result.completeness.loc[result.completeness["submitted"], "unit_code"])
    return write_index(reports, entries, data.catalog, result.board, sample,
                       findings=result.findings, submitted=submitted)  # fmt: skip


@functools.cache
def _toolkit_digest() -> str:
    """Digest of the toolkit's own files (code, templates, bundled catalogues), once per process.

    A change to any of them can change a report, so it makes every unit run again.
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(VERSION.encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"{path.relative_to(package)}:".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def summary_line(result: BatchResult) -> str:
    """Return the Vietnamese one-line summary of a batch."""
    return (
        f"Kết quả: chạy xong {result.count('ok')}, bỏ qua (không đổi) {result.count('skipped')}, "
        f"lỗi {result.count('failed')}, quá thời gian {result.count('timeout')}, "
        f"dừng giữa chừng {result.count('interrupted')}. Danh sách: {result.manifest}"
    )


class Planner:
    """Plan a batch's units in a thread; :meth:`tasks` yields them as they are ready.

    At most ``ahead`` tasks wait planned and not yet taken (``None``: no limit). A local
    batch plans just ahead of its workers: planned all at once, the units' contexts (15 ms of
    CPU each, 2,5 s for a province) took a core from the workers while they started their
    kernels, and so lengthened the batch's serial start (issue #16).

    An error while planning (a bad catalogue, a full disk) is raised by :meth:`tasks` in the
    batch's thread, as if planned there.
    """

    _END = object()

    def __init__(self, plan: Iterator[Task], ahead: int | None = None):
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=ahead or 0)
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(plan,), name="qptd-plan", daemon=True
        )
        self._thread.start()

    def _put(self, item: Any) -> bool:
        """Queue an item, waiting for room; False when the batch stopped meanwhile."""
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, plan: Iterator[Task]) -> None:
        try:
            for task in plan:
                if not self._put(task):
                    return
        except BaseException as exc:  # raised again in the batch's thread
            self._put(_Failure(exc))
        finally:
            self._put(self._END)

    def tasks(self) -> Iterator[Task]:
        """Yield the planned tasks, in the units' order, until all are planned."""
        while (item := self._queue.get()) is not self._END:
            if isinstance(item, _Failure):
                raise item.error
            yield item

    def stop(self) -> None:
        """Stop planning (the batch ended or was interrupted) and wait for the thread."""
        self._stopped.set()
        self._thread.join()


@dataclass
class _Failure:
    error: BaseException


def _journal(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the entries of a manifest journal (none when there is none)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:  # the last line of a batch killed while writing it
            continue
        if isinstance(entry, dict) and "unit_code" in entry:
            yield entry

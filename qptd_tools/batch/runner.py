"""One unit's run in a worker: the notebook executed with papermill, then exported.

Everything here runs in a worker process (or in the batch's own process with one worker); it
imports papermill and the exporters, never the analytics, so a worker starts fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qptd_tools.core.fsutil import atomic_write_bytes


@dataclass
class Task:
    """One unit's run, as sent to a worker (plain data, picklable)."""

    unit_code: str
    notebook: str
    output_dir: str
    parameters: dict[str, Any]
    timeout: float
    fingerprint: str
    formats: tuple[str, ...] = ("html", "docx")
    engine: str = "qptd_warm"
    inputs: str = ""


def _deadline_timeout(deadline: float) -> Callable[[Any], int]:
    def timeout_for(_cell: Any) -> int:
        return max(1, int(deadline - time.monotonic()))

    return timeout_for


def run_unit(task: Task) -> dict[str, Any]:
    """Execute the notebook for one unit (in a worker); never raises for a unit's failure.

    The executed notebook is written to a temporary name and renamed when papermill is
    done, failed or not, so a reader never sees a half-written notebook.
    """
    start = time.monotonic()
    clock = _Clock.begin(task.engine)
    out = Path(task.output_dir)
    final = out / f"{task.unit_code}.ipynb"
    tmp = out / f".{task.unit_code}.tmp.ipynb"
    try:
        out.mkdir(parents=True, exist_ok=True)
        clear_outputs(out)  # nothing of an earlier run may pass for this run's output
        log = out.parent / ".logs" / f"{task.unit_code}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with stderr_to(log):
            status, error, executed = _execute(task, tmp, out, start)
        if tmp.exists():
            os.replace(tmp, final)
        if status == "ok" and task.formats:
            export(final, out, task.formats, executed)
    except Exception as exc:  # a write or export failure fails the unit, never the batch
        status, error = "failed", f"{type(exc).__name__}: {exc}"[:500]
        if tmp.exists():
            tmp.unlink()
    return entry(task, status, error, time.monotonic() - start, clock.end())


@dataclass
class _Clock:
    """When a unit ran and the CPU seconds it cost the worker and the kernel (issue #16)."""

    engine: str
    start: float
    worker: float
    kernel: tuple[int, float] | None

    @classmethod
    def begin(cls, engine: str) -> _Clock:
        return cls(engine, time.time(), time.process_time(), _kernel_cpu(engine))

    def end(self) -> dict[str, Any]:
        after = _kernel_cpu(self.engine)
        same = self.kernel is not None and after is not None and after[0] == self.kernel[0]
        return {
            "pid": os.getpid(),  # the worker process (a Dask worker's, on a cluster)
            "start": round(self.start, 3),
            "end": round(time.time(), 3),
            "worker_cpu_s": round(time.process_time() - self.worker, 3),
            # the warm kernel's share; unknown when the kernel was started or lost meanwhile
            "kernel_cpu_s": round(after[1] - self.kernel[1], 3)
            if same and after and self.kernel
            else None,
        }


def _kernel_cpu(engine: str) -> tuple[int, float] | None:
    if engine != "qptd_warm" or "qptd_tools.batch.warm" not in sys.modules:
        return None
    from qptd_tools.batch import warm

    return warm.kernel_cpu()


# what a unit's run writes; removed before it runs again, so a failed or partial run leaves
# no earlier report looking current (and the manifest lists only this run's files)
PRODUCTS = (
    "bao-cao.html",
    "bao-cao.docx",
    "nguon-so-lieu.xlsx",
    "tong-hop-bao-cao.xlsx",
    "figures",
)


def clear_outputs(out: Path) -> None:
    """Remove the files an earlier run of the unit wrote (its executed notebook is replaced)."""
    for name in PRODUCTS:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def entry(task: Task, status: str, error: str | None, seconds: float,
          timing: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """Return a unit's manifest entry, listing the files its folder now holds."""
    out = Path(task.output_dir)
    outputs = sorted(
        str(p.relative_to(out.parent))
        for p in (out.rglob("*") if out.is_dir() else ())
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    )  # not the temporary files, not the figure cache (``.hinh-cache``)
    return {
        "unit_code": task.unit_code,
        "status": status,
        "seconds": round(seconds, 2),
        "outputs": outputs,
        "error": error,
        "fingerprint": task.fingerprint,
        "inputs": task.inputs,
        "finished_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "timing": timing or {},
    }


WORKER_LOST = (
    "Tiến trình chạy đơn vị bị dừng đột ngột (hết bộ nhớ hoặc bị tắt); chạy lại để tiếp tục"
)


REPORT_NAME = "bao-cao"
_EXPORTERS: dict[str, Any] = {}
_EXPORTERS_LOCK = threading.Lock()  # the worker makes them in a thread at start-up


def exporter(fmt: str) -> Any:
    """Return this process's exporter for a format, created once and reused (thread-safe)."""
    with _EXPORTERS_LOCK:
        if fmt not in _EXPORTERS:
            from qptd_tools.export import QptdDocxExporter, QptdHTMLExporter

            _EXPORTERS[fmt] = {"html": QptdHTMLExporter, "docx": QptdDocxExporter}[fmt]()
        return _EXPORTERS[fmt]


def export(notebook: Path, out: Path, formats: Iterable[str], nb: Any = None) -> list[Path]:
    """Export an executed report notebook to ``bao-cao.html`` / ``bao-cao.docx`` (atomically).

    ``nb`` is the executed notebook papermill returned (read from ``notebook`` otherwise).
    """
    import nbformat

    if nb is None:
        nb = nbformat.read(notebook, as_version=4)
    written = []
    for fmt in formats:
        body, _ = exporter(fmt).from_notebook_node(nb)
        path = out / f"{REPORT_NAME}.{fmt}"
        atomic_write_bytes(path, body if isinstance(body, bytes) else body.encode("utf-8"))
        written.append(path)
    return written


@contextlib.contextmanager
def stderr_to(path: Path) -> Iterator[None]:
    """Send this process's stderr (and so the kernel's) to a log file for the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    with path.open("ab") as handle:
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _execute(task: Task, tmp: Path, out: Path, start: float) -> tuple[str, str | None, Any]:
    import papermill as pm

    if task.engine == "qptd_warm":
        import qptd_tools.batch.warm  # noqa: F401  (registers the engine)
    try:
        executed = pm.execute_notebook(
            task.notebook,
            str(tmp),
            parameters=task.parameters,
            progress_bar=False,
            log_output=False,
            kernel_name="python3",
            start_timeout=120,
            timeout_func=_deadline_timeout(start + task.timeout),
            cwd=str(out),
            engine_name=task.engine,
        )
    except Exception as exc:  # the unit failed; the batch goes on
        name = type(exc).__name__
        if "Timeout" in name or "timed out" in str(exc).lower():
            cell = _failed_cell(tmp)
            where = (
                f"ô lệnh thứ {cell} của sổ tay {Path(task.notebook).name}"
                if cell
                else f"sổ tay {Path(task.notebook).name}"
            )
            return "timeout", (f"Quá thời gian: {where} chưa chạy xong sau {time.monotonic() - start:.0f} giây "
                               f"(giới hạn {task.timeout:g} giây cho một đơn vị; đổi bằng --timeout)."), None  # fmt: skip
        lines = [line for line in str(exc).strip().splitlines() if line.strip("- ")]
        return "failed", f"{name}: {lines[-1] if lines else name}"[:500], None
    return "ok", None, executed


def _failed_cell(notebook: Path) -> int | None:
    """Return the number (1, 2, … as in the source notebook) of the code cell that stopped.

    papermill marks a failed cell; a cell that ran out of time is marked completed like the
    ones before it, so it is the last cell that started (the cells after it stay pending).
    The cell papermill injects for the parameters is not counted: the user never wrote it.
    """
    try:
        import nbformat

        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # no notebook written yet: the cell is unknown
        return None
    code = [
        c
        for c in nb.cells
        if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    started = None
    for number, cell in enumerate(code, start=1):
        state = cell.get("metadata", {}).get("papermill", {})
        if state.get("exception") or state.get("status") in ("failed", "running"):
            return number
        if state.get("status") not in (None, "pending"):
            started = number
    return started

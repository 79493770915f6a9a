"""The documents of a batch's units (plans, award paperwork, budgets, reminders), in its workers.

``qptd run`` writes them beside the reports. They used to be written in the batch's own
process before the first unit (55 s for the sample province, serial whatever the number of
workers: issue #16). Now the units are split into one part per worker and each part goes to
the workers ahead of the units (:func:`write_part`); the documents
of a part do not depend on the other parts, so the files are those ``qptd documents`` writes in
one process, byte for byte. A part whose worker died is written again in the batch's process.
``qptd documents`` uses the same parts in a pool of its own (:func:`write_in_parts`).

``reports/van-ban.json`` keeps the key (the batch's inputs, the units, the formats) and the
files written: when the key is the same and every file is there, nothing is written.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qptd_tools.core.fsutil import atomic_write_bytes

RECORD = "van-ban.json"
# a worker costs a process and its imports (about 2,5 CPU-s), a part the shared tables: parts
# of 20 units or more (documents take 0,25 CPU-s per unit on average)
UNITS_PER_PART = 20


@dataclass
class Paperwork:
    """The documents a batch must write: its parts, sent to workers, and what came back."""

    root: str
    reports: Path
    formats: tuple[str, ...]
    key: str
    parts: list[list[str]]
    options: dict[str, Any] = field(default_factory=dict)  # write_all's kinds, day, signer
    sent: list[tuple[list[str], Any]] = field(default_factory=list)  # (part, future)
    done: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def due(cls, root: Path, reports: Path, units: Sequence[str], formats: Sequence[str],
            inputs: str, workers: int, force: bool = False) -> Paperwork | None:  # fmt: skip
        """Return the documents to write, or None when those written last are current.

        ``force`` (``qptd run --force``) writes them whatever was written before.
        """
        key = hashlib.sha256(
            f"{inputs};{','.join(sorted(units))};{','.join(formats)}".encode()
        ).hexdigest()
        try:
            previous = json.loads((reports / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        files = previous.get("files", [])
        if not force and previous.get("key") == key and all((reports / p).is_file() for p in files):
            return None
        return cls(str(root), reports, tuple(formats), key, split(units, workers))

    def send(self, submit: Callable[..., Any]) -> None:
        """Hand every part to ``submit(function, *args)`` (a pool's or a cluster's), in order."""
        for part in self.parts:
            self.sent.append(
                (part, submit(write_part, self.root, part, self.formats, self.options))
            )

    def collect(self, done: Callable[[int], Any] | None = None) -> None:
        """Wait for the parts sent; keep what each returned, or the part when its worker was lost.

        A user's error (a file that cannot be written) is raised; a part lost with its worker
        (a dead process, a cancelled or failed cluster task) is written here by :meth:`finish`.
        ``done(n)`` is told the number of units of each part written.
        """
        from qptd_tools.core.errors import QptdError

        lost: list[list[str]] = []
        for part, future in self.sent:
            try:
                self.done.append(future.result())
                if done is not None:
                    done(len(part))
            except QptdError:
                raise
            except (Exception, cf.CancelledError):  # the worker died, or the cluster lost it
                lost.append(part)
        self.parts, self.sent = lost, []  # every part was sent: what is left is what was lost

    def finish(self, record: bool = True) -> list[Path]:
        """Write here the parts not written by a worker; record the files; return them all.

        ``record=False`` (``qptd documents``, whose kinds and dates a user chooses) leaves
        ``van-ban.json`` as the last batch wrote it.
        """
        if self.parts:  # never sent (one worker, nothing else to run) or lost: in one go
            units = [u for part in self.parts for u in part]
            self.done.append(write_part(self.root, units, self.formats, self.options))
            self.parts = []
        paths = sorted({Path(f) for d in self.done for f in d["files"]})
        if not record:
            return paths
        files = sorted(str(p.relative_to(self.reports)) for p in paths)
        text = json.dumps({"key": self.key, "files": files}, ensure_ascii=False, indent=1)
        atomic_write_bytes(self.reports / RECORD, text.encode())
        return paths

    def timings(self) -> list[dict[str, Any]]:
        """When each part ran and its CPU seconds (for the manifest's batch figures)."""
        keep = ("start", "end", "cpu_s", "units", "pid")
        return [{k: round(d[k], 3) for k in keep} for d in self.done]


def split(units: Sequence[str], parts: int) -> list[list[str]]:
    """Split the units into ``parts`` parts (at most one per unit), round robin.

    The province and the districts, whose documents are the largest, spread over the parts.
    """
    count = max(1, min(parts, len(units)))
    return [list(units[i::count]) for i in range(count)]


def write_in_parts(root: Path, reports: Path, units: Sequence[str], workers: int,
                   options: dict[str, Any], formats: Sequence[str],
                   per_part: int = UNITS_PER_PART, done: Callable[[int], Any] | None = None,
                   ) -> list[Path]:  # fmt: skip
    """``qptd documents``: write the units' documents in up to ``workers`` processes.

    Up to four parts per worker, of at least ``per_part`` units each (fewer units, or one
    worker: in this process): the progress moves part by part, and a worker that finished
    a small part takes the next. The files are those of one process, byte for byte; a part
    whose process died is written here.
    """
    count = 1 if workers < 2 else max(1, min(4 * workers, len(units) // max(1, per_part)))
    work = Paperwork(str(root), reports, tuple(formats), "", split(units, count), dict(options))
    if count > 1:
        context = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=min(workers, count), mp_context=context) as pool:
            work.send(pool.submit)
            work.collect(done)
    left = sum(len(part) for part in work.parts)  # one process, or the parts a dead one lost
    paths = work.finish(record=False)
    if left and done is not None:
        done(left)
    return paths


def write_part(root: str, units: list[str], formats: tuple[str, ...],
               options: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """Write one part's documents (in a worker); return the files, when it ran, its CPU seconds.

    ``options`` are :func:`~qptd_tools.export.documents.write_all`'s ``kinds``, ``day`` and
    ``signer`` (``qptd documents``); a batch writes every kind with the workbooks' signers.

    The writer is imported here, inside the part's time: a worker imports pandas and the
    analytics only when it writes documents.
    """
    start, cpu = time.time(), time.process_time()
    from qptd_tools.export.documents import write_all
    from qptd_tools.store.workspace import WorkspaceData

    files = [
        str(p)
        for p in write_all(WorkspaceData(root), only=set(units), formats=formats, **(options or {}))
    ]
    return {"files": files, "start": start, "end": time.time(),
            "cpu_s": time.process_time() - cpu, "units": len(units), "pid": os.getpid()}  # fmt: skip

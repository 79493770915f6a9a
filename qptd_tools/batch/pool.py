"""Worker processes for a batch on this machine, and what happens when one dies.

Workers are spawned (not forked) and start their warm kernel and exporters as soon as they
exist; the kernels are forks of the batch's zygote (:mod:`qptd_tools.batch.zygote`). At most
``workers`` units are in flight at a time, so when a worker process dies (as the
out-of-memory killer would kill it) only those are lost: the pool is replaced, the rest goes
on, and each lost unit runs again alone, so that only the cause fails.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qptd_tools.batch import zygote
from qptd_tools.batch.runner import WORKER_LOST, Task, entry, exporter, run_unit, stderr_to
from qptd_tools.core.lazy import defer_slow_imports


@dataclass
class LocalPool:
    """Process pools running units: ``engine`` and ``formats`` as the tasks', logs folder."""

    workers: int
    engine: str
    formats: tuple[str, ...]
    logs: str

    def start(self, workers: int) -> cf.ProcessPoolExecutor:
        """Start ``workers`` worker processes now; each starts its kernel and exporters.

        Their warm kernels are forked by the batch's zygote, started here once (it imports
        the toolkit while the workers import papermill); :func:`release` stops it.
        """
        forks = None
        if self.engine == "qptd_warm":
            Path(self.logs).mkdir(parents=True, exist_ok=True)
            forks = zygote.start(Path(self.logs) / "zygote.log")
        pool = cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.engine, self.formats, self.logs, forks),
        )
        for _ in range(workers):  # a process is spawned per task submitted while none is idle
            pool.submit(_ready)
        return pool

    def run(
        self, tasks: Iterable[Task], pool: cf.ProcessPoolExecutor | None = None
    ) -> Iterator[dict[str, Any]]:
        """Run the tasks, yielding each unit's manifest entry as it finishes.

        ``tasks`` may be a generator still planning: a task is taken when a worker is free.
        ``pool`` is one :meth:`start` gave earlier (its workers may be warm already).
        """
        queue = Feed(iter(tasks))
        lost: list[Task] = []
        barren = 0  # pools in a row that broke before finishing any unit
        while queue:  # a new pool after a worker process dies
            finished = 0
            for done in self._round(queue, lost, self.workers, pool=pool):
                finished += 1
                yield done
            pool = None
            barren = 0 if finished else barren + 1
            if barren >= 3:  # workers die whatever they run: give up on what is left
                lost.extend(queue.drain())
        # the units in flight when a worker died: each again alone, so only the cause fails
        for task in lost:
            yield from self._round(collections.deque([task]), [], 1, last_try=True)

    def _round(
        self,
        queue: Feed | collections.deque[Task],
        lost: list[Task],
        workers: int,
        last_try: bool = False,
        pool: cf.ProcessPoolExecutor | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Run queued tasks in one process pool, at most ``workers`` at a time.

        Ends when the queue is empty or a worker process has died; the units that were in
        flight then go to ``lost`` (or fail, on the ``last_try``), those never started stay
        in the queue for the next pool.
        """
        given = pool is not None  # the batch's own pool: it joins it after writing the board
        pool = pool or self.start(min(workers, max(1, len(queue))))
        inflight: dict[cf.Future[dict[str, Any]], Task] = {}
        broken = finished = False
        try:
            while inflight or (not broken and queue):
                while len(inflight) < workers and not broken and queue:
                    task = queue.popleft()
                    try:
                        inflight[pool.submit(run_unit, task)] = task
                    except cf.process.BrokenProcessPool:  # a worker died meanwhile
                        queue.appendleft(task)
                        broken = True
                if not inflight:
                    break
                done, _ = cf.wait(inflight, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    task = inflight.pop(future)
                    try:
                        yield future.result()
                    except cf.process.BrokenProcessPool:
                        broken = True
                        if last_try:
                            yield entry(task, "failed", WORKER_LOST, 0.0)
                        else:
                            lost.append(task)
            finished = True
        finally:
            if finished and given:  # the workers exit (and stop their kernels) meanwhile
                pool.shutdown(wait=False)
            else:
                stop(pool, finished)


class Feed:
    """The tasks still to run: those handed back (a worker died) first, then the source's.

    Used like a deque by :meth:`LocalPool._round`; asking whether it is empty waits for the
    source's next task (a planner still planning) or its end.
    """

    def __init__(self, source: Iterator[Task]):
        self._back: collections.deque[Task] = collections.deque()
        self._source: Iterator[Task] | None = source

    def __bool__(self) -> bool:
        if not self._back and self._source is not None:
            task = next(self._source, None)
            if task is None:
                self._source = None
            else:
                self._back.append(task)
        return bool(self._back)

    def __len__(self) -> int:
        """Tasks known now (the source may hold more)."""
        return len(self._back) + (self._source is not None)

    def popleft(self) -> Task:
        """Return the next task (after a true ``bool``)."""
        if not self:
            raise IndexError("no task left")
        return self._back.popleft()

    def appendleft(self, task: Task) -> None:
        """Hand a task back, to be taken first."""
        self._back.appendleft(task)

    def drain(self) -> list[Task]:
        """Return every task left, the source's included."""
        out = list(self._back)
        self._back.clear()
        if self._source is not None:
            out.extend(self._source)
            self._source = None
        return out


def stop(pool: cf.ProcessPoolExecutor, finished: bool) -> None:
    """Shut a pool down: wait for it when its work is done, else stop its workers now."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=finished, cancel_futures=True)
    if not finished:
        for process in processes:
            process.terminate()


def release() -> None:
    """Stop what the pools of this process share: the kernels' zygote (after the workers)."""
    zygote.stop()


def _ready() -> None:
    """Do nothing: submitting it makes the pool spawn a worker."""


def _start_worker(
    engine: str, formats: tuple[str, ...], logs: str, forks: str | None = None
) -> None:
    """Worker start-up: the warm kernel (its output to a worker log), then the exporters.

    The exporters (nbconvert: 0,35 s of CPU) are made in a thread while the first unit runs
    in the kernel, not before it: the batch's serial start-up is shorter (issue #16).
    Never raises: a unit that needs what failed here reports the failure itself.
    """
    try:
        Path(logs).mkdir(parents=True, exist_ok=True)
        defer_slow_imports(worker=True)  # pyarrow.fs, which papermill imports: never used here
        import papermill  # noqa: F401  (first: importing it loads qptd_tools.batch.warm's engine)

        if engine == "qptd_warm":
            from qptd_tools.batch import warm

            warm.ZYGOTE = forks
            with stderr_to(Path(logs) / f"worker-{os.getpid()}.log"):
                warm.kernel("python3", start_timeout=120)
        threading.Thread(target=_exporters, args=(formats,), daemon=True).start()
    except Exception:  # the unit reports it
        pass


def _exporters(formats: tuple[str, ...]) -> None:
    """Make the exporters (a unit that needs one first makes it, or waits for its import)."""
    try:
        for fmt in formats:
            exporter(fmt)
    except Exception:  # the unit reports it
        pass

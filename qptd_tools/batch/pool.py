"""Worker processes for a batch on this machine, and what happens when one dies.

Workers are spawned (not forked) and start their warm kernel and exporters as soon as they
exist. At most ``workers`` units are in flight at a time, so when a worker process dies (as
the out-of-memory killer would kill it) only those are lost: the pool is replaced, the rest
goes on, and each lost unit runs again alone, so that only the cause fails.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qptd_tools.batch.runner import WORKER_LOST, Task, entry, exporter, run_unit, stderr_to


@dataclass
class LocalPool:
    """Process pools running units: ``engine`` and ``formats`` as the tasks', logs folder."""

    workers: int
    engine: str
    formats: tuple[str, ...]
    logs: str

    def start(self, workers: int) -> cf.ProcessPoolExecutor:
        """Start ``workers`` worker processes now; each starts its kernel and exporters."""
        pool = cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.engine, self.formats, self.logs),
        )
        for _ in range(workers):  # a process is spawned per task submitted while none is idle
            pool.submit(_ready)
        return pool

    def run(
        self, tasks: list[Task], pool: cf.ProcessPoolExecutor | None = None
    ) -> Iterator[dict[str, Any]]:
        """Run the tasks, yielding each unit's manifest entry as it finishes.

        ``pool`` is one :meth:`start` gave earlier (its workers may be warm already).
        """
        queue = collections.deque(tasks)
        lost: list[Task] = []
        barren = 0  # pools in a row that broke before finishing any unit
        while queue:  # a new pool after a worker process dies
            before = len(queue) + len(lost)
            yield from self._round(queue, lost, self.workers, pool=pool)
            pool = None
            barren = barren + 1 if len(queue) + len(lost) >= before else 0
            if barren >= 3:  # workers die whatever they run: give up on what is left
                lost.extend(queue)
                queue.clear()
        # the units in flight when a worker died: each again alone, so only the cause fails
        for task in lost:
            yield from self._round(collections.deque([task]), [], 1, last_try=True)

    def _round(
        self,
        queue: collections.deque[Task],
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
        pool = pool or self.start(min(workers, len(queue)))
        inflight: dict[cf.Future[dict[str, Any]], Task] = {}
        broken = finished = False
        try:
            while (queue and not broken) or inflight:
                while queue and not broken and len(inflight) < workers:
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
            stop(pool, finished)


def stop(pool: cf.ProcessPoolExecutor, finished: bool) -> None:
    """Shut a pool down: wait for it when its work is done, else stop its workers now."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=finished, cancel_futures=True)
    if not finished:
        for process in processes:
            process.terminate()


def _ready() -> None:
    """Do nothing: submitting it makes the pool spawn a worker."""


def _start_worker(engine: str, formats: tuple[str, ...], logs: str) -> None:
    """Worker start-up: the warm kernel (its output to a worker log) and the exporters.

    Never raises: a unit that needs what failed here reports the failure itself.
    """
    try:
        Path(logs).mkdir(parents=True, exist_ok=True)
        import papermill  # noqa: F401  (first: importing it loads qptd_tools.batch.warm's engine)

        if engine == "qptd_warm":
            from qptd_tools.batch import warm

            with stderr_to(Path(logs) / f"worker-{os.getpid()}.log"):
                warm.kernel("python3", start_timeout=120)
        for fmt in formats:
            exporter(fmt)
    except Exception:  # the unit reports it
        pass

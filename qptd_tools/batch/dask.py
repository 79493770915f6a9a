"""Sending a batch's units to an existing Dask cluster (``qptd run --scheduler ADDRESS``).

The same tasks as the local pool, run by :func:`qptd_tools.batch.runner.run_unit` on the
cluster's workers; every worker must see the same workspace folder. A worker that dies has
its units run again elsewhere by the scheduler; a unit whose runs keep killing workers (the
scheduler gives up after ``distributed.scheduler.allowed-failures``), or any other error of
the cluster, ends ``failed`` with a Vietnamese reason: no unit is lost from the manifest.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from qptd_tools.batch.runner import WORKER_LOST, Task, entry, run_unit
from qptd_tools.core.errors import UsageInvalid, fail

if TYPE_CHECKING:
    from qptd_tools.batch.paperwork import Paperwork


def dispatch(
    scheduler: str, tasks: Iterable[Task], paperwork: Paperwork | None = None
) -> Iterator[dict[str, Any]]:
    """Run the tasks on the cluster at ``scheduler``, yielding each unit's entry as it ends.

    The ``paperwork``'s parts (the units' documents) are sent first; a part the cluster lost
    is left to the batch (:meth:`~qptd_tools.batch.paperwork.Paperwork.finish`).
    """
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise fail(
            UsageInvalid, "QPTD-E082", detail="chưa cài dask: pip install 'qptd-toolkit[dask]'"
        ) from exc
    pending = iter(tasks)
    first = next(pending, None)
    if first is None:  # nothing to run: the cluster is not even contacted
        return
    with Client(scheduler, timeout="30s") as client:
        if paperwork is not None:
            paperwork.send(lambda function, *args: client.submit(function, *args, pure=False))
        running = as_completed()
        tasks_of = {}
        for task in itertools.chain([first], pending):  # each sent as soon as it is planned
            future = client.submit(run_unit, task, pure=False,
                                   key=f"qptd-{task.unit_code}-{task.fingerprint[:8]}")  # fmt: skip
            tasks_of[future.key] = task
            running.add(future)
        for future in running:
            try:
                yield future.result()
            except Exception as exc:  # the cluster lost the unit: it fails, the batch goes on
                reason = f"{WORKER_LOST} (cụm Dask: {type(exc).__name__})"
                yield entry(tasks_of[future.key], "failed", reason, 0.0)
        if paperwork is not None:
            paperwork.collect()

"""Sending a batch's units to an existing Dask cluster (``qptd run --scheduler ADDRESS``).

The same tasks as the local pool, run by :func:`qptd_tools.batch.runner.run_unit` on the
cluster's workers; every worker must see the same workspace folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qptd_tools.batch.runner import Task, run_unit
from qptd_tools.core.errors import UsageInvalid, fail


def dispatch(scheduler: str, tasks: list[Task]) -> Iterator[dict[str, Any]]:
    """Run the tasks on the cluster at ``scheduler``, yielding each unit's entry as it ends."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise fail(
            UsageInvalid, "QPTD-E082", detail="chưa cài dask: pip install 'qptd-toolkit[dask]'"
        ) from exc
    if not tasks:
        return
    with Client(scheduler, timeout="30s") as client:
        futures = client.map(
            run_unit,
            tasks,
            pure=False,
            key=[f"qptd-{t.unit_code}-{t.fingerprint[:8]}" for t in tasks],
        )
        for future in as_completed(futures):
            yield future.result()

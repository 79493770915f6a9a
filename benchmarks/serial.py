"""The serial part of a batch and what a unit costs each process (issue #16).

Read from the manifest a batch wrote: the batch's own start, end and CPU seconds
(``manifest["batch"]``), and each unit's start, end and the CPU seconds of its worker and of
its warm kernel (``entry["timing"]``). From them:

- the wall time during which no unit ran (before the first, gaps, after the last): the part
  of the batch that more workers cannot shorten; the parts of the units' documents that the
  workers wrote (``batch["documents"]``) count as work, like units;
- the Amdahl projection of the batch's wall time for ``n`` workers:
  ``serial + work / n``, with ``work`` the units' CPU seconds (worker + kernel), which is
  what a core has to do per unit on any machine (the units' wall time at 2 workers on 2 cores
  also holds time spent waiting for a core).
"""

from __future__ import annotations

import statistics
from typing import Any

PROJECTED = (4, 8, 16, 64)


def serial_part(manifest: dict[str, Any], units: list[str] | None = None) -> dict[str, Any]:
    """Return the serial part, per-unit CPU seconds and the Amdahl projection of a batch."""
    batch = manifest["batch"]
    entries = [e for code, e in manifest["units"].items() if units is None or code in units]
    start, end = float(batch["start"]), float(batch["end"])
    # the units this batch ran (a skipped unit keeps the timing of the run that made it)
    timed = [e["timing"] for e in entries if e.get("timing", {}).get("start", 0) >= start]
    documents = batch.get("documents", [])
    spans = sorted((t["start"], t["end"]) for t in [*timed, *documents])
    busy, reach = 0.0, start
    for a, b in spans:  # the union of the units' intervals
        a = max(a, reach)
        if b > a:
            busy += b - a
            reach = b
    wall = end - start
    idle = wall - busy
    head = spans[0][0] - start if spans else wall
    tail = end - max(b for _, b in spans) if spans else 0.0
    worker = [t["worker_cpu_s"] for t in timed]
    kernel = [t["kernel_cpu_s"] for t in timed if t.get("kernel_cpu_s") is not None]
    work = sum(worker) + sum(kernel) + sum(d["cpu_s"] for d in documents)
    out: dict[str, Any] = {
        "units": len(timed),
        "workers": batch.get("workers"),
        "batch_wall_s": round(wall, 2),
        "no_unit_running_s": round(idle, 2),
        "no_unit_running_share": round(idle / wall, 4) if wall else None,
        "before_first_unit_s": round(head, 2),
        "after_last_unit_s": round(tail, 2),
        "gaps_s": round(idle - head - tail, 2),
        "parent_cpu_s": batch.get("parent_cpu_s"),
        "parent_cpu_per_unit_s": round(batch["parent_cpu_s"] / len(timed), 4) if timed else None,
        "worker_cpu_per_unit_s": round(statistics.mean(worker), 3) if worker else None,
        "kernel_cpu_per_unit_s": round(statistics.mean(kernel), 3) if kernel else None,
        "documents_cpu_s": round(sum(d["cpu_s"] for d in documents), 1),
        "documents_parts": len(documents),
        "unit_wall_per_unit_s": round(statistics.mean(t["end"] - t["start"] for t in timed), 3) if timed else None,
        "units_cpu_s": round(work, 1),
    }  # fmt: skip
    out["amdahl_wall_s"] = {str(n): round(idle + work / n, 1) for n in PROJECTED}
    return out

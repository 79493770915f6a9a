"""P1 on cores made slower by a CPU quota: the floor and ours, in the same run (issue #16).

    sudo python -m benchmarks.slowcores [--factor 2.5]

A machine whose cores are ``factor`` times slower is approximated on this one by a Linux
cgroup CPU quota (``cpu.cfs_quota_us``, cgroup v1 or v2, needs root): this process and its
children get ``cores / factor`` CPUs, in 10 ms periods. Work that waits (a kernel starting, a
message between processes) is not slowed, as on a real slower machine; a lone busy process is
slowed less than ``factor`` (it may use the whole quota), so on 2 cores it is an approximation.
Prints the floor's and our P1 seconds and their ratio (a first run: every figure drawn).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

from benchmarks.batch import floor_batch, our_batch
from qptd_tools.batch.selection import select_units
from qptd_tools.catalog import load_catalog
from qptd_tools.intake.ingest import ingest
from qptd_tools.sample.generate import write_sample
from qptd_tools.store.snapshots import Store

PERIOD_US = 10_000


def slow_down(factor: float) -> str:
    """Put this process (and its future children) in a cgroup of ``cores / factor`` CPUs."""
    quota = int(PERIOD_US * (os.cpu_count() or 1) / factor)
    v1 = Path("/sys/fs/cgroup/cpu")
    if v1.is_dir():
        group = v1 / "qptd-slow"
        group.mkdir(exist_ok=True)
        (group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
        (group / "cpu.cfs_quota_us").write_text(str(quota))
    else:
        group = Path("/sys/fs/cgroup/qptd-slow")
        group.mkdir(exist_ok=True)
        (group / "cpu.max").write_text(f"{quota} {PERIOD_US}")
    (group / "cgroup.procs").write_text(str(os.getpid()))
    return f"{group}: {quota} µs per {PERIOD_US} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=float, default=2.5)
    args = parser.parse_args()
    cat = load_catalog()
    work = Path(tempfile.mkdtemp(prefix="qptd-slow-"))
    try:
        write_sample(cat, work / "sample", progress=False)
        root = work / "ws"
        ingest([work / "sample"], Store(root / "data" / "processed"), cat, progress=False)
        province = select_units(load_catalog(root), all_units=True)
        (work / "floor").mkdir()
        quota = slow_down(args.factor)
        floor = floor_batch(work / "floor", len(province), 2)
        ours = our_batch(root, province, 2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"cgroup": quota, "factor": args.factor, "units": len(province),
                      "floor_s": round(floor, 1), "ours_s": round(ours, 1),
                      "ratio": round(ours / floor, 2)}, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()

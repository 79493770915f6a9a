"""The notebook batch against floors and peers measured in the same run (issue #6: P1–P4).

- P1: the whole province (every unit, HTML + DOCX) against a floor batch: as many papermill
  runs of a notebook that only imports pandas and matplotlib, with as many workers;
- P2: ``--district 061`` with 2 workers against 1 (and, for scale, the floor's own speed-up:
  as many floor runs with 2 workers against 1);
- P3: a rerun with nothing changed against the first run of the whole province;
- P4: our cost per unit against the stock route, one command per step per unit:
  ``papermill``, ``jupyter nbconvert --to html --no-input``,
  ``jupyter nbconvert --to markdown --no-input``, ``pandoc`` to DOCX.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from benchmarks.serial import serial_part
from qptd_tools.batch.job import Batch
from qptd_tools.batch.selection import default_notebook, select_units
from qptd_tools.catalog import Catalog
from qptd_tools.store.workspace import WorkspaceData

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
# P4 runs the stock route on one unit of every kind (the province, a district, communes, a
# department, a military command) to keep the benchmark short.
P4_UNITS = ("06", "061", "01858", "01861", "01864", "06NG02", "06DV061")


def floor_notebook(folder: Path) -> Path:
    """Write the floor notebook: it only imports pandas and matplotlib."""
    nb = new_notebook(cells=[new_code_cell("import pandas\nimport matplotlib")])
    nb.metadata["kernelspec"] = KERNELSPEC
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def _floor_run(args: tuple[str, str]) -> None:
    import papermill as pm

    source, out = args
    pm.execute_notebook(source, out, progress_bar=False, kernel_name="python3")


def floor_batch(folder: Path, runs: int, workers: int) -> float:
    """Seconds for ``runs`` papermill runs of the floor notebook on ``workers`` processes."""
    source = str(floor_notebook(folder))
    jobs = [(source, str(folder / f"floor-{i:03d}.ipynb")) for i in range(runs)]
    start = time.perf_counter()
    if workers <= 1:
        for job in jobs:
            _floor_run(job)
    else:
        ctx = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            list(pool.map(_floor_run, jobs))
    return time.perf_counter() - start


def our_batch(root: Path, units: list[str], workers: int, force: bool = True) -> float:
    """Seconds for ``qptd run`` over ``units`` (HTML + DOCX) with ``workers`` workers."""
    start = time.perf_counter()
    result = Batch(WorkspaceData(root), units, workers=workers, force=force, progress=False).run()
    seconds = time.perf_counter() - start
    assert not result.failed, result.failed
    if not force:
        assert result.count("skipped") == len(units)
    return seconds


def stock_unit(root: Path, unit: str, out: Path) -> float:
    """Seconds for one unit by hand with the stock tools (one command per step)."""
    notebook = default_notebook(root)
    out.mkdir(parents=True, exist_ok=True)
    executed = out / f"{unit}.ipynb"
    bindir = Path(sys.executable).parent
    commands = [
        [str(bindir / "papermill"), str(notebook), str(executed), "-p", "unit_code", unit,
         "-p", "root", str(root), "-p", "output_dir", str(out), "--no-progress-bar"],
        [str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
        [str(bindir / "jupyter"), "nbconvert", "--to", "markdown", "--no-input", str(executed)],
        ["pandoc", str(executed.with_suffix(".md")), "-o", str(executed.with_suffix(".docx"))],
    ]  # fmt: skip
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, capture_output=True, cwd=out)
    return time.perf_counter() - start


def measure(root: Path, cat: Catalog, work: Path) -> dict[str, Any]:
    """Run P1–P4 on a workspace holding the sample store; return the figures."""
    workers = 2
    province = select_units(cat, all_units=True)
    district = select_units(cat, district="061")
    floor_dir = work / "floor"
    floor_dir.mkdir()
    t_floor = floor_batch(floor_dir, len(province), workers)
    t_province = our_batch(root, province, workers)
    # the serial part and each unit's CPU seconds, from the manifest the batch wrote (#16)
    manifest = json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))
    serial = serial_part(manifest, province)
    t_rerun = our_batch(root, province, workers, force=False)
    one, two = our_batch(root, district, 1), our_batch(root, district, 2)
    # how well this machine runs two papermill processes at once: the same number of floor
    # runs with 1 and with 2 workers (P2's ceiling here)
    floor_one = floor_batch(floor_dir, len(district), 1)
    floor_two = floor_batch(floor_dir, len(district), 2)
    result: dict[str, Any] = {
        "workers": workers,
        "province_units": len(province),
        "P1_floor_batch_s": round(t_floor, 1),
        "P1_province_batch_s": round(t_province, 1),
        "P1_ratio": round(t_province / t_floor, 2),
        "P2_district_061_units": len(district),
        "P2_1_worker_s": round(one, 1),
        "P2_2_workers_s": round(two, 1),
        "P2_speedup": round(one / two, 2),
        "P2_floor_1_worker_s": round(floor_one, 1),
        "P2_floor_2_workers_s": round(floor_two, 1),
        "P2_floor_speedup": round(floor_one / floor_two, 2),
        "P3_rerun_unchanged_s": round(t_rerun, 2),
        "P3_speedup": round(t_province / t_rerun, 1),
        "serial": serial,
    }
    if shutil.which("pandoc"):
        units = [u for u in P4_UNITS if u in set(province)]
        stock = [stock_unit(root, u, work / "stock" / u) for u in units]
        ours = our_batch(root, units, 1)
        result.update(
            {
                "P4_units": units,
                "P4_stock_per_unit_s": round(sum(stock) / len(units), 2),
                "P4_ours_per_unit_s": round(ours / len(units), 2),
                "P4_speedup": round(sum(stock) / ours, 1),
            }
        )
    else:
        result["P4"] = "pandoc không có trên máy này (apt-get install pandoc)"
    return result

"""The notebook batch against floors and peers measured in the same run (issue #6: P1–P4).

- P1: the whole province (every unit, HTML + DOCX) against a floor batch: as many papermill
  runs of a notebook that only imports pandas and matplotlib, with as many workers; then the
  same with the units' documents, as ``qptd run --all`` writes them (#16); and the CPU seconds
  per unit of ours against the floor's per run, which is the ratio a machine with slower
  cores tends to (both CPU-bound there);
- P2: ``--district 061`` with 2 workers against 1 (and, for scale, the floor's own speed-up:
  as many floor runs with 2 workers against 1);
- P3: a rerun with nothing changed against the first run of the whole province;
- figure cache (#16): the province forced again with every figure kept (against P1, whose
  first run drew every figure), and one commune's value corrected: which units run again
  and how many of their figures are drawn (the others are taken from their cache);
- P4: our cost per unit against the stock route, one command per step per unit:
  ``papermill``, ``jupyter nbconvert --to html --no-input``,
  ``jupyter nbconvert --to markdown --no-input``, ``pandoc`` to DOCX.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
from nbformat.v4 import new_code_cell, new_notebook

from benchmarks.serial import serial_part
from qptd_tools.batch.job import Batch
from qptd_tools.batch.selection import default_notebook, select_units
from qptd_tools.catalog import Catalog, load_catalog
from qptd_tools.report.figure_cache import FOLDER as FIGURE_CACHE
from qptd_tools.store.snapshots import Store
from qptd_tools.store.workspace import WorkspaceData

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
# P4 runs the stock route on one unit of every kind (the province, a district, communes, a
# department, a military command) to keep the benchmark short.
P4_UNITS = ("06", "061", "01858", "01861", "01864", "06NG02", "06DV061")
CORRECTED_UNIT = "01861"  # a commune of district 060: the commune, 060 and the province rerun


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


def children_cpu() -> float:
    """CPU seconds of this process's ended children (and theirs: the floor's kernels)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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


def our_batch(root: Path, units: list[str], workers: int, force: bool = True,
              documents: bool = False) -> float:  # fmt: skip
    """Seconds for ``qptd run`` over ``units`` (HTML + DOCX) with ``workers`` workers."""
    start = time.perf_counter()
    result = Batch(WorkspaceData(root), units, workers=workers, force=force, progress=False,
                   documents=documents).run()  # fmt: skip
    seconds = time.perf_counter() - start
    assert not result.failed, result.failed
    if not force:
        assert result.count("skipped") == len(units)
    return seconds


def clear_figure_caches(root: Path) -> None:
    """Remove every unit's kept figures: the next run draws them all (a first run's cost)."""
    for folder in (root / "reports").glob(f"*/{FIGURE_CACHE}"):
        shutil.rmtree(folder)


def one_value_corrected(root: Path, workers: int) -> dict[str, Any]:
    """Correct one commune's 2015 propaganda sessions and run the province again.

    Returns the seconds, the units that ran again, and of their figures how many were drawn
    (a new file in the unit's figure cache) and how many were taken from the cache.
    """
    store = Store(root / "data" / "processed")
    values = store.read("values")
    mine = values["unit_code"] == CORRECTED_UNIT
    cell = mine & (values["indicator"] == "TT_BUOI") & (values["year"] == 2015)
    values.loc[cell, "value"] = values.loc[cell, "value"] + 7
    with store.locked():
        store.commit({"values": ({CORRECTED_UNIT}, values.loc[mine])}, pd.DataFrame())
    before = {p: p.stat().st_mtime_ns for p in (root / "reports").glob(f"*/{FIGURE_CACHE}/*")}
    province = select_units(load_catalog(root), all_units=True)
    start = time.perf_counter()
    result = Batch(WorkspaceData(root), province, workers=workers, progress=False).run()
    seconds = time.perf_counter() - start
    ran = sorted(u for u, e in result.entries.items() if e["status"] == "ok")
    figures = [p for u in ran for p in (root / "reports" / u / FIGURE_CACHE).glob("*.png")]
    drawn = [p for p in figures if p not in before]
    return {"seconds": round(seconds, 2), "units_run": ran, "figures": len(figures),
            "figures_drawn": len(drawn), "figures_from_cache": len(figures) - len(drawn)}  # fmt: skip


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
    cpu = children_cpu()
    t_floor = floor_batch(floor_dir, len(province), workers)
    floor_cpu = (children_cpu() - cpu) / len(province)
    t_province = our_batch(root, province, workers)
    # the serial part and each unit's CPU seconds, from the manifest the batch wrote (#16)
    manifest = json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))
    serial = serial_part(manifest, province)
    ours_cpu = (serial["units_cpu_s"] + serial["parent_cpu_s"]) / len(province)
    t_rerun = our_batch(root, province, workers, force=False)
    # every figure kept: the province forced again, drawing none (figure cache, #16)
    t_kept = our_batch(root, province, workers)
    manifest = json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))
    kept = serial_part(manifest, province)
    corrected = one_value_corrected(root, workers)
    # what ``qptd run --all`` does: the reports (a first run) and the units' documents
    clear_figure_caches(root)
    t_documents = our_batch(root, province, workers, documents=True)
    manifest = json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))
    with_documents = serial_part(manifest, province)
    clear_figure_caches(root)  # P2 compares first runs: every figure drawn
    one = our_batch(root, district, 1)
    clear_figure_caches(root)
    two = our_batch(root, district, 2)
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
        "P1_floor_cpu_per_run_s": round(floor_cpu, 3),
        "P1_ours_cpu_per_unit_s": round(ours_cpu, 3),
        "P1_cpu_ratio": round(ours_cpu / floor_cpu, 2),
        "P1_with_documents_s": round(t_documents, 1),
        "P1_with_documents_ratio": round(t_documents / t_floor, 2),
        "serial_with_documents": with_documents,
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
        "figures_kept_province_batch_s": round(t_kept, 1),
        "figures_kept_ratio_to_P1": round(t_kept / t_province, 2),
        "figures_kept_kernel_cpu_per_unit_s": kept.get("kernel_cpu_per_unit_s"),
        "figures_kept_worker_cpu_per_unit_s": kept.get("worker_cpu_per_unit_s"),
        "one_value_corrected": corrected,
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

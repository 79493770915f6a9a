"""Measure, in one run on this machine, the toolkit against a floor measured in the same run.

Prints a table and writes ``benchmarks/results/latest.json``. Not part of the test suite.

    python -m benchmarks [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import nbformat
import openpyxl
from nbformat.v4 import new_code_cell, new_notebook

from qptd_tools import batch, checks, indicators
from qptd_tools.catalog import load_catalog
from qptd_tools.intake.ingest import ingest
from qptd_tools.sample import write_sample
from qptd_tools.store import Store
from qptd_tools.workspace import WorkspaceData

RESULTS = Path(__file__).resolve().parent / "results"


def _timed(func, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _notebooks(work: Path, _unused: Path, sample: Path, cat, repeat: int) -> dict:
    """Per-unit notebook cost against the floor, and 1 vs 2 workers on district 061."""
    root = work / "ws"
    shutil.copytree(work / "store", root / "data" / "processed")
    floor_nb = work / "floor.ipynb"
    nb = new_notebook(cells=[new_code_cell("import pandas\nimport matplotlib")])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, floor_nb)

    def floor() -> None:
        import papermill as pm

        pm.execute_notebook(
            str(floor_nb), str(work / "floor-out.ipynb"), progress_bar=False, kernel_name="python3"
        )

    data = WorkspaceData(root)
    tasks = {t.unit_code: t for t in batch.Batch(data, ["061"], progress=False).prepare()}
    t_floor = _timed(floor, repeat)
    t_unit = _timed(lambda: batch.run_unit(tasks["061"]), repeat)
    units = batch.select_units(cat, district="061")

    def district(workers: int, warm: bool = True) -> float:
        start = time.perf_counter()
        result = batch.Batch(
            WorkspaceData(root), units, workers=workers, force=True, progress=False, warm=warm
        ).run()
        assert not result.failed
        return time.perf_counter() - start

    one, two, cold = district(1), district(2), district(2, warm=False)
    start = time.perf_counter()
    rerun = batch.Batch(WorkspaceData(root), units, workers=2, progress=False).run()
    assert rerun.count("skipped") == len(units)
    t_rerun = time.perf_counter() - start
    return {
        "floor_papermill_pandas_matplotlib_s": round(t_floor, 2),
        "unit_report_061_s": round(t_unit, 2),
        "unit_vs_floor": round(t_unit / t_floor, 2),
        "district_061_units": len(units),
        "district_061_1_worker_s": round(one, 1),
        "district_061_2_workers_s": round(two, 1),
        "district_061_speedup": round(one / two, 2),
        "district_061_2_workers_cold_kernels_s": round(cold, 1),
        "district_061_rerun_unchanged_s": round(t_rerun, 2),
        "district_061_rerun_speedup": round(two / t_rerun, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cat = load_catalog()
    work = Path(tempfile.mkdtemp(prefix="qptd-bench-"))
    try:
        sample = work / "sample"
        t_sample = _timed(lambda: write_sample(cat, sample, progress=False), 1)
        books = sorted(sample.glob("*.xlsx"))

        def floor() -> None:  # the irreducible part: opening every workbook with openpyxl
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for book in books:
                    openpyxl.load_workbook(book)

        def ingest_all() -> None:
            store_dir = work / "store"
            shutil.rmtree(store_dir, ignore_errors=True)
            report = ingest([sample], Store(store_dir), cat, progress=False)
            assert not report.rejected

        def reingest_unchanged() -> None:
            report = ingest([sample], Store(work / "store"), cat, progress=False)
            assert report.count("unchanged") == len(books)

        t_floor = _timed(floor, args.repeat)
        t_ingest = _timed(ingest_all, args.repeat)
        t_again = _timed(reingest_unchanged, args.repeat)
        store = Store(work / "store")
        tables = {
            name: store.read(name)
            for name in ("values", "awards", "conferences", "narrative", "submissions")
        }
        children = cat.review.rollup_children
        t_pivot = _timed(lambda: indicators.to_wide(tables["values"], cat.years), args.repeat)
        t_indicators = _timed(
            lambda: indicators.compute(
                tables["values"], cat.units, cat.indicators, cat.years, children
            ),
            args.repeat,
        )
        t_checks = _timed(lambda: checks.run(cat, *tables.values()), args.repeat)
        notebooks = _notebooks(work, work, sample, cat, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "units": len(books),
        "sample_write_s": round(t_sample, 2),
        "floor_open_all_workbooks_s": round(t_floor, 2),
        "ingest_all_s": round(t_ingest, 2),
        "ingest_vs_floor": round(t_ingest / t_floor, 2),
        "reingest_unchanged_s": round(t_again, 2),
        "sample_indicators_and_rollups_s": round(t_indicators, 3),
        "floor_pivot_values_s": round(t_pivot, 3),
        "indicators_vs_floor": round(t_indicators / t_pivot, 1),
        "sample_all_checks_s": round(t_checks, 3),
    }
    national = subprocess.run(
        [sys.executable, "-m", "benchmarks.national"], capture_output=True, text=True, check=True
    )
    result["national"] = json.loads(national.stdout)
    result.update(notebooks)
    result["issue_6"] = {
        "P1 province batch vs floor batch (goal ≤ 1,25×)": "not measured yet",
        "P2 2 workers vs 1 on --district 061 (goal ≥ 1,8×)": result["district_061_speedup"],
        "P3 rerun unchanged vs first run, district 061 (goal ≥ 50×)": result[
            "district_061_rerun_speedup"
        ],
        "P4 vs papermill + nbconvert + pandoc per unit (goal ≥ 4×)": "not measured yet (pandoc not installed)",
        "P5 national computation s / GiB (goal ≤ 10 s, ≤ 3 GiB)": [
            result["national"]["seconds"],
            result["national"]["peak_memory_gib"],
        ],
        "ingest of the whole sample s": result["ingest_all_s"],
    }
    result["goals"] = {
        "ingest < 15 s (#2)": t_ingest < 15,
        "sample indicators and roll-ups < 2 s (#3)": t_indicators < 2,
        "national ≤ 10 s (#3)": result["national"]["seconds"] <= 10,
        "national ≤ 3 GiB (#3)": result["national"]["peak_memory_gib"] <= 3,
        "2 workers vs 1 on --district 061 (#6: ≥ 1,8×)": result["district_061_speedup"] >= 1.8,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()

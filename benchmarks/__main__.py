"""Measure, in one run on this machine, the toolkit against floors measured in the same run.

Prints a table and writes ``benchmarks/results/latest.json`` (``latest-skip-batch.json`` with
``--skip-batch``). Not part of the test suite.

    python -m benchmarks [--repeat 3] [--skip-batch]

Issue #6's measures P1–P4 are in :mod:`benchmarks.batch`, P5 in :mod:`benchmarks.national`.
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

import openpyxl

from benchmarks import batch as batch_measures
from qptd_tools.analytics import checks, indicators
from qptd_tools.catalog import load_catalog
from qptd_tools.intake.ingest import ingest
from qptd_tools.sample.generate import write_sample
from qptd_tools.store.snapshots import Store

RESULTS = Path(__file__).resolve().parent / "results"


def _timed(func, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--skip-batch", action="store_true", help="skip P1–P4 (the notebook batches, ~8 min)"
    )
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
        notebooks: dict = {}
        root = work / "ws"
        shutil.copytree(work / "store", root / "data" / "processed")
        # batch planning for an 11.373-unit registry, in a child process for its peak memory
        planning = subprocess.run([sys.executable, "-m", "benchmarks.planning", str(root)],
                                  capture_output=True, text=True, check=True)  # fmt: skip
        if not args.skip_batch:
            notebooks = batch_measures.measure(root, cat, work)
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
    result["planning"] = json.loads(planning.stdout)
    result["batch"] = notebooks
    nat = result["national"]
    serial = notebooks.get("serial", {})
    documents = notebooks.get("serial_with_documents", {})
    result["issue_6"] = {
        "P1 province batch / floor batch (goal ≤ 1,25×, aim 0,5×)": notebooks.get("P1_ratio"),
        "P2 2 workers vs 1 on --district 061 (goal ≥ 1,8×)": notebooks.get("P2_speedup"),
        "P3 first run / rerun unchanged, province (goal ≥ 50×)": notebooks.get("P3_speedup"),
        "P4 stock route / ours per unit (goal ≥ 4×)": notebooks.get("P4_speedup", notebooks.get("P4")),
        "P5 national computation s, GiB (goal ≤ 10 s, ≤ 3 GiB)": [nat["seconds"], nat["peak_memory_gib"]],
        "ingest of the whole sample s (goal < 15 s)": result["ingest_all_s"],
    }  # fmt: skip
    result["issue_16"] = {
        "serial part of the 2-worker province batch: s no unit running / batch s (goal ≤ 3 %)": [
            serial.get("no_unit_running_s"), serial.get("batch_wall_s"), serial.get("no_unit_running_share")],
        "parent CPU s per unit": serial.get("parent_cpu_per_unit_s"),
        "CPU s per unit: worker, kernel": [serial.get("worker_cpu_per_unit_s"), serial.get("kernel_cpu_per_unit_s")],
        "Amdahl projection of the province batch, s, by workers": serial.get("amdahl_wall_s"),
        "P1 CPU s per unit, ours / floor's per run (the ratio on slower cores; goal ≤ 1,0×)": [
            notebooks.get("P1_ours_cpu_per_unit_s"), notebooks.get("P1_floor_cpu_per_run_s"), notebooks.get("P1_cpu_ratio")],
        "qptd run --all with the documents: s, / floor, documents' CPU s in the workers, serial share": [
            notebooks.get("P1_with_documents_s"), notebooks.get("P1_with_documents_ratio"),
            documents.get("documents_cpu_s"), documents.get("no_unit_running_share")],
        "P1 / floor with every figure kept (goal ≤ 1,0×, aim 0,5×; P1 itself is a first run)": round(
            notebooks.get("figures_kept_province_batch_s", 0) / notebooks.get("P1_floor_batch_s", 1), 2),
        "one value corrected: s, units run, figures drawn / of": [
            notebooks.get("one_value_corrected", {}).get(k) for k in ("seconds", "units_run", "figures_drawn", "figures")],
        "planning 11.373 units: s shared, s contexts, ms per unit, GiB peak, manifest MB": [
            result["planning"]["shared_analytics_s"], result["planning"]["contexts_s"],
            result["planning"]["per_unit_ms"], result["planning"]["peak_memory_gib"],
            result["planning"]["manifest_mb"]],
    }  # fmt: skip
    result["goals_met"] = {
        "P1": notebooks.get("P1_ratio", 99) <= 1.25,
        "P2": notebooks.get("P2_speedup", 0) >= 1.8,
        "P3": notebooks.get("P3_speedup", 0) >= 50,
        "P4": notebooks.get("P4_speedup", 0) >= 4,
        "P5": nat["seconds"] <= 10 and nat["peak_memory_gib"] <= 3,
        "ingest": t_ingest < 15,
        "sample indicators and roll-ups < 2 s (#3)": t_indicators < 2,
        "serial part ≤ 3 % (#16)": serial.get("no_unit_running_share", 1) <= 0.03,
        "P1 ≤ 1,0× the floor, a first run (#16)": notebooks.get("P1_ratio", 99) <= 1.0,
    }
    RESULTS.mkdir(exist_ok=True)
    # a run without the batches does not overwrite the last full run's figures
    name = "latest-skip-batch.json" if args.skip_batch else "latest.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    flat = {**{k: v for k, v in result.items() if k != "batch"}, **notebooks}
    flat.pop("serial", None)  # printed in issue_16, whole in latest.json
    flat.pop("serial_with_documents", None)
    width = max(map(len, flat))
    for key, value in flat.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()

"""Batch planning for a national-size registry in one process (issue #16, item 4).

A synthetic registry of 63 provinces, 710 districts and 10.600 communes (11.373 units), each
unit carrying the stored rows of a unit of its level of the sample (values, awards,
conference, narrative, submissions) under its own code. Measured: the selection, the shared
analytics (``context.compute_all``), then for every unit what ``qptd run`` does before a
worker gets it — slice its context, pickle it, digest it (the fingerprint) — and the size of
a manifest listing every unit.

Run as ``python -m benchmarks.planning STORE_ROOT``: prints JSON (seconds, peak memory of
this process, bytes).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from qptd_tools.batch.selection import select_units
from qptd_tools.report import context
from qptd_tools.store.workspace import WorkspaceData, with_data

PROVINCES, DISTRICTS, COMMUNES = 63, 710, 10_600
SCALE = 1.0  # ``python -m benchmarks.planning STORE 0.1``: a tenth of the registry
TABLES = ("values", "awards", "conferences", "narrative", "submissions")


def registry(template: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the synthetic registry and, per synthetic unit, the sample unit it copies."""
    rows, like = [], {}
    provinces, districts, communes = (
        max(1, round(n * SCALE)) for n in (PROVINCES, DISTRICTS, COMMUNES)
    )
    province = template.loc[template["level"] == "tinh"].iloc[0]
    district = template.loc[template["level"] == "huyen"].iloc[0]
    commune = template.loc[template["parent_code"] == district["unit_code"]].iloc[0]
    for p in range(provinces):
        code = f"P{p:02d}"
        rows.append((code, f"Tỉnh Thử {p}", "tinh", "", "tỉnh"))
        like[code] = province["unit_code"]
    for d in range(districts):
        code = f"D{d:03d}"
        rows.append((code, f"Huyện Thử {d}", "huyen", f"P{d % provinces:02d}", "huyện"))
        like[code] = district["unit_code"]
    for c in range(communes):
        code = f"C{c:05d}"
        rows.append((code, f"Xã Thử {c}", "xa", f"D{c % districts:03d}", "xã"))
        like[code] = commune["unit_code"]
    frame = pd.DataFrame(
        rows, columns=["unit_code", "name", "level", "parent_code", "division_type"]
    )
    for column in template.columns.difference(frame.columns):
        frame[column] = template[column].iloc[0] if column != "source" else "THU"
    return frame[list(template.columns)], like


def copies(table: pd.DataFrame, like: dict[str, str]) -> pd.DataFrame:
    """Give every synthetic unit the rows of the sample unit it copies, under its own code."""
    by_source: dict[str, list[str]] = {}
    for code, source in like.items():
        by_source.setdefault(source, []).append(code)
    parts = []
    for source, codes in by_source.items():
        rows = table.loc[table["unit_code"] == source]
        if rows.empty:
            continue
        part = rows.loc[rows.index.repeat(len(codes))].reset_index(drop=True)
        part["unit_code"] = np.tile(np.asarray(codes, dtype=object), len(rows))
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def main() -> None:
    global SCALE
    SCALE = float(sys.argv[2]) if len(sys.argv) > 2 else SCALE
    sample = with_data(WorkspaceData(Path(sys.argv[1])))
    units, like = registry(sample.catalog.units)
    cat = dataclasses.replace(sample.catalog, units=units)
    data = SimpleNamespace(
        catalog=cat,
        **{name: copies(getattr(sample, name), like) for name in TABLES},
        replaced_paragraphs=sample.replaced_paragraphs.iloc[0:0],
        narrative_conflicts=sample.narrative_conflicts.iloc[0:0],
    )
    values = len(data.values)
    start = time.perf_counter()
    selected = select_units(cat, all_units=True)
    t_select = time.perf_counter() - start
    shared = context.compute_all(data)  # type: ignore[arg-type]
    t_shared = time.perf_counter() - start - t_select
    pickled, slowest = 0, (0.0, "")
    begin = time.perf_counter()
    for unit in selected:
        one = time.perf_counter()
        blob = context.dumps(context.unit_context(shared, unit))
        hashlib.sha256(blob).hexdigest()
        pickled += len(blob)
        slowest = max(slowest, (time.perf_counter() - one, unit))
    t_units = time.perf_counter() - begin
    outputs = [f"X/bao-cao.{f}" for f in ("docx", "html")] + [f"X/figures/hinh-{i:02d}.{f}" for i in range(1, 8) for f in ("png", "svg")]  # fmt: skip
    entry = {"unit_code": "C00000", "status": "ok", "seconds": 1.23, "outputs": outputs, "error": None,
             "fingerprint": "f" * 64, "inputs": "i" * 64, "finished_at": "2019-08-30T00:00:00+00:00",
             "timing": {"pid": 1234, "start": 1.0, "end": 2.0, "worker_cpu_s": 0.4, "kernel_cpu_s": 1.0}}  # fmt: skip
    manifest = {"units": {u: {**entry, "unit_code": u} for u in selected}}
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    json.dump({
        "units": len(selected), "values": values,
        "selection_s": round(t_select, 2), "shared_analytics_s": round(t_shared, 1),
        "contexts_s": round(t_units, 1), "per_unit_ms": round(1000 * t_units / len(selected), 1),
        "slowest_unit": [slowest[1], round(slowest[0], 2)],
        "contexts_mb": round(pickled / 1e6, 1), "manifest_mb": round(len(text.encode()) / 1e6, 1),
        "manifest_entry_bytes": round(len(text.encode()) / len(selected)),
        "peak_memory_gib": round(peak / 2**30, 2),
    }, sys.stdout)  # fmt: skip


if __name__ == "__main__":
    main()

"""A synthetic national-size table: 63 provinces, ~710 districts, 10.600 communes,
11 years × the 40 input indicators (4,7 million values) plus the districts' own
totals of the area indicators, and its computation.

Run as ``python -m benchmarks.national``: prints seconds and the peak memory of this process.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np
import pandas as pd

from qptd_tools.analytics import indicators
from qptd_tools.catalog import load_catalog

COMMUNES, DISTRICTS, PROVINCES = 10_600, 710, 63


def registry() -> pd.DataFrame:
    rows = []
    for p in range(PROVINCES):
        rows.append((f"P{p:02d}", f"Tỉnh {p}", "tinh", "", "tỉnh"))
    for d in range(DISTRICTS):
        rows.append((f"D{d:03d}", f"Huyện {d}", "huyen", f"P{d % PROVINCES:02d}", "huyện"))
    for c in range(COMMUNES):
        rows.append((f"C{c:05d}", f"Xã {c}", "xa", f"D{c % DISTRICTS:03d}", "xã"))
    return pd.DataFrame(
        rows, columns=["unit_code", "name", "level", "parent_code", "division_type"]
    )


def values(units: pd.DataFrame, codes: list[str], years: list[int]) -> pd.DataFrame:
    rng = np.random.default_rng(2019)
    communes = units.loc[units["level"] == "xa", "unit_code"].to_numpy()
    n = len(communes) * len(codes) * len(years)
    frame = pd.DataFrame({
        "unit_code": np.repeat(communes, len(codes) * len(years)),
        "indicator": np.tile(np.repeat(codes, len(years)), len(communes)),
        "year": np.tile(years, len(communes) * len(codes)),
        "value": rng.integers(0, 500, n).astype(float),
    })  # fmt: skip
    area = set(
        CAT.indicators.loc[CAT.indicators["rollup"].isin(["area_equal", "area_min"]), "code"]
    )
    parent = units.set_index("unit_code")["parent_code"]
    part = frame.loc[frame["indicator"].isin(area)]
    district = (
        part.groupby([part["unit_code"].map(parent), "indicator", "year"])["value"]
        .sum()
        .reset_index()
    )
    return pd.concat([frame, district], ignore_index=True)


CAT = load_catalog()


def main() -> None:
    cat = CAT
    units = registry()
    codes = list(cat.indicators.loc[cat.indicators["kind"] != "ratio", "code"])
    table = values(units, codes, cat.years)
    start = time.perf_counter()
    out = indicators.compute(table, units, cat.indicators, cat.years, cat.review.rollup_children)
    comparison = indicators.area_comparison(out["reported"], out["values"], units, cat.indicators,
                                            cat.review.rollup_children)  # fmt: skip
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    json.dump({
        "values": len(table), "units": len(units), "summary_rows": len(out["summary"]),
        "comparison_rows": len(comparison), "seconds": round(seconds, 2),
        "peak_memory_gib": round(peak / 2**30, 2),
    }, sys.stdout)  # fmt: skip


if __name__ == "__main__":
    main()

"""Ten-year indicators: yearly series, roll-ups, derived ratios and period summaries.

Pure functions, DataFrame in, DataFrame out; no file I/O. The working shape is *wide*:
one row per ``(unit_code, indicator)``, one column per year, NaN where nothing was
reported. Rules (DESIGN §5):

- flows sum over years, stocks take the last year (with the first beside it), flags count
  communes; ratios are always ``100 × Σnumerator / Σdenominator``, recomputed from the
  components, never a mean of ratios;
- a parent's value follows the indicator's ``rollup`` rule: ``area_equal`` and ``area_min``
  use what the parent reported (its children's sum when it reported nothing), ``own``
  adds the parent's own activity to its children's totals, ``flag`` counts the children
  that reached the status. What the parent reported and what its children sum to are both
  kept (:func:`area_comparison`); a difference is a finding, never silently resolved.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qptd_tools.core import vnformat

if TYPE_CHECKING:
    import pandera.pandas as pa

KEY = ["unit_code", "indicator"]


@functools.cache
def summary_schema() -> pa.DataFrameSchema:
    """Return the summary's pandera schema, built on first use (pandera: 0,2 s to import)."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "unit_code": pa.Column(str),
            "indicator": pa.Column(str),
            "kind": pa.Column(str, pa.Check.isin(["flow", "stock", "flag", "ratio"])),
            "period_value": pa.Column(float, nullable=True),
            "first_year": pa.Column("Int64", nullable=True),
            "first_value": pa.Column(float, nullable=True),
            "last_year": pa.Column("Int64", nullable=True),
            "last_value": pa.Column(float, nullable=True),
            "change": pa.Column(float, nullable=True),
            "pct_change": pa.Column(float, nullable=True),
            "cagr_pct": pa.Column(float, nullable=True),
            "peak_year": pa.Column("Int64", nullable=True),
            "peak_value": pa.Column(float, nullable=True),
            "years_reported": pa.Column(int, pa.Check.ge(0)),
            "share_pct": pa.Column(float, nullable=True),
            "rank": pa.Column("Int64", nullable=True),
            "n_siblings": pa.Column("Int64", nullable=True),
        },
        unique=KEY,
    )


def to_wide(values: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Return values as a wide frame: index ``(unit_code, indicator)``, one column per year.

    Parameters
    ----------
    values
        Long values (``unit_code, year, indicator, value``).
    years
        The review period; years outside it are left out.
    """
    inside = values.loc[values["year"].isin(years), ["unit_code", "indicator", "year", "value"]]
    wide = inside.pivot_table(index=KEY, columns="year", values="value", aggfunc="first")
    wide = wide.reindex(columns=list(years))
    wide.columns = pd.Index(list(years), name="year")
    return wide.astype(float)


def rollup_tree(units: pd.DataFrame, children: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Return ``parent_code, unit_code`` pairs along which values roll up.

    Parameters
    ----------
    units
        The registry.
    children
        For each parent level, the child levels that roll into it, e.g.
        ``{"huyen": ["xa"], "tinh": ["huyen", "nganh"]}`` (``review.yaml``).
    """
    level = units.set_index("unit_code")["level"]
    kids = units.loc[units["parent_code"].isin(level.index), ["parent_code", "unit_code", "level"]]
    parent_level = kids["parent_code"].map(level)
    keep = [
        lv in children.get(plv, ()) for lv, plv in zip(kids["level"], parent_level, strict=True)
    ]
    return kids.loc[keep, ["parent_code", "unit_code"]].reset_index(drop=True)


def _depths(units: pd.DataFrame, tree: pd.DataFrame) -> dict[str, int]:
    parent = dict(zip(tree["unit_code"], tree["parent_code"], strict=True))
    depth = {}
    for code in units["unit_code"]:
        d, cur = 0, code
        while cur in parent:
            cur, d = parent[cur], d + 1
        depth[code] = d
    return depth


def _by_parent(frame: pd.DataFrame, parent_of: pd.Series) -> pd.DataFrame:
    """Sum rows of ``frame`` into their parents (NaN where no child has a value)."""
    parents = frame.index.get_level_values("unit_code").map(parent_of)
    summed = frame.groupby([parents, frame.index.get_level_values("indicator")]).sum(min_count=1)
    summed.index.names = KEY
    return summed


def effective(
    reported: pd.DataFrame,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    children: Mapping[str, Sequence[str]],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Compute every unit's values by the roll-up rules, bottom-up.

    Parameters
    ----------
    reported
        Wide reported values (:func:`to_wide`).
    units
        The registry.
    indicators
        The indicator catalogue.
    children
        Roll-up levels (see :func:`rollup_tree`).

    Returns
    -------
    tuple of DataFrame
        ``values`` (wide: every unit's value as used in its report), ``children_sum``
        (wide: for parents, the sum of their children's values) and ``flag_base`` (wide:
        for flags, how many communes had a value — the denominator of the share).
    """
    tree = rollup_tree(units, children)
    parent_of = tree.set_index("unit_code")["parent_code"]
    rule = indicators.set_index("code")["rollup"]
    inputs = set(indicators.loc[indicators["kind"] != "ratio", "code"])
    values = reported.loc[reported.index.get_level_values("indicator").isin(inputs)]
    is_flag = values.index.get_level_values("indicator").map(rule) == "flag"
    base = values.loc[is_flag].notna().astype(float).where(values.loc[is_flag].notna())
    depth = _depths(units, tree)
    sums = []
    for level in sorted({depth[c] for c in tree["unit_code"]}, reverse=True):
        codes = [c for c in tree["unit_code"] if depth[c] == level]
        kids = values.loc[values.index.get_level_values("unit_code").isin(codes)]
        if kids.empty:
            continue
        csum = _by_parent(kids, parent_of)
        sums.append(csum)
        kid_base = base.loc[base.index.get_level_values("unit_code").isin(codes)]
        if len(kid_base):
            base = pd.concat([base, _by_parent(kid_base, parent_of)])
        rows = csum.index.union(
            values.index[values.index.get_level_values("unit_code").isin(set(parent_of[codes]))]
        )
        own, cs = values.reindex(rows), csum.reindex(rows)
        how = np.asarray(rows.get_level_values("indicator").map(rule))
        new = own.copy()
        area = np.isin(how, ["area_equal", "area_min"])
        new[area] = own[area].combine_first(cs[area])
        add = how == "own"
        new[add] = (own[add].fillna(0) + cs[add].fillna(0)).where(
            own[add].notna() | cs[add].notna()
        )
        flag = how == "flag"
        new[flag] = cs[flag]
        values = pd.concat([values.drop(index=rows, errors="ignore"), new])
    children_sum = pd.concat(sums) if sums else values.iloc[:0]
    base = base.loc[base.index.get_level_values("unit_code").isin(set(tree["parent_code"]))]
    return values.sort_index(), children_sum.sort_index(), base.sort_index()


def with_ratios(wide: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Append the derived ratios: ``100 × numerator / denominator`` for each unit and year."""
    parts = [wide]
    present = set(wide.index.get_level_values("indicator"))
    for row in indicators.loc[indicators["kind"] == "ratio"].itertuples():
        if row.numerator not in present or row.denominator not in present:
            continue
        num = wide.xs(row.numerator, level="indicator", drop_level=True)
        den = wide.xs(row.denominator, level="indicator", drop_level=True)
        num, den = num.align(den, join="inner")
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = 100 * num / den.where(den != 0)
        ratio.index = pd.MultiIndex.from_arrays([ratio.index, [row.code] * len(ratio)], names=KEY)
        parts.append(ratio.dropna(how="all"))
    return pd.concat(parts).sort_index()


def _years_or_na(years: np.ndarray, idx: np.ndarray, any_: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(np.where(any_, years[idx], 0).astype("int64"), ~any_)


def _period(wide: pd.DataFrame, years: np.ndarray, kind: np.ndarray) -> pd.DataFrame:
    """Vectorised period statistics of each row of a wide frame."""
    data = wide.to_numpy(dtype=float)
    present = ~np.isnan(data)
    n = present.sum(axis=1)
    any_ = n > 0
    first_idx = np.where(any_, present.argmax(axis=1), 0)
    last_idx = np.where(any_, data.shape[1] - 1 - present[:, ::-1].argmax(axis=1), 0)
    rows = np.arange(len(data))
    first_value = np.where(any_, data[rows, first_idx], np.nan)
    last_value = np.where(any_, data[rows, last_idx], np.nan)
    peak_idx = np.where(present, data, -np.inf).argmax(axis=1)
    total = np.where(any_, np.where(present, data, 0.0).sum(axis=1), np.nan)
    period_value = np.where(np.isin(kind, ["stock", "flag"]), last_value, total)
    one_year = first_idx == last_idx
    change = np.where(one_year, np.nan, last_value - first_value)
    span = (years[last_idx] - years[first_idx]).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(first_value != 0, 100 * change / first_value, np.nan)
        growth = np.power(last_value / first_value, 1.0 / np.where(span > 0, span, 1.0))
    cagr = np.where((kind == "stock") & (span > 0) & (first_value > 0), 100 * (growth - 1), np.nan)
    return pd.DataFrame(
        {
            "period_value": period_value,
            "first_year": _years_or_na(years, first_idx, any_),
            "first_value": first_value,
            "last_year": _years_or_na(years, last_idx, any_),
            "last_value": last_value,
            "change": change,
            "pct_change": pct,
            "cagr_pct": cagr,
            "peak_year": _years_or_na(years, peak_idx, any_),
            "peak_value": np.where(any_, data[rows, peak_idx], np.nan),
            "years_reported": n.astype(int),
        },
        index=wide.index,
    )


def summarize(
    values: pd.DataFrame,
    flag_base: pd.DataFrame,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
) -> pd.DataFrame:
    """Return the period summary of every unit and indicator (DESIGN §5).

    Parameters
    ----------
    values
        Wide effective values with ratios (:func:`effective`, then :func:`with_ratios`).
    flag_base
        The flag denominators from :func:`effective`.
    units
        The registry (for ranks among siblings).
    indicators
        The indicator catalogue.

    Returns
    -------
    pandas.DataFrame
        One row per ``unit_code, indicator`` (see :func:`summary_schema`): period value by kind
        (flow: sum; stock and flag: last year; ratio: 100 × period numerator / period
        denominator), first and last year and value, change, percent change, compound
        annual growth (stocks), peak, years reported, share of communes (flags), rank
        among siblings (1 = highest) and how many siblings have a value.
    """
    catalog = indicators.set_index("code")
    years = np.asarray(values.columns, dtype=int)
    kind = np.asarray(values.index.get_level_values("indicator").map(catalog["kind"]))
    out = _period(values, years, kind)
    period = out["period_value"]
    for row in indicators.loc[indicators["kind"] == "ratio"].itertuples():
        mask = out.index.get_level_values("indicator") == row.code
        units_here = out.index[mask].get_level_values("unit_code")
        num = period.reindex(pd.MultiIndex.from_arrays([units_here, [row.numerator] * mask.sum()]))
        den = period.reindex(
            pd.MultiIndex.from_arrays([units_here, [row.denominator] * mask.sum()])
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = 100 * num.to_numpy() / np.where(den.to_numpy() != 0, den.to_numpy(), np.nan)
        out.loc[mask, "period_value"] = ratio
    out["share_pct"] = np.nan
    if len(flag_base):
        last = out.loc[out.index.isin(flag_base.index), "last_year"]
        base = flag_base.reindex(last.index)
        denom = np.array(
            [
                base.at[i, y] if pd.notna(y) else np.nan
                for i, y in zip(last.index, last, strict=True)
            ],
            dtype=float,
        )
        counts = out.loc[last.index, "last_value"].to_numpy()
        share = np.where(denom > 0, 100 * counts / np.where(denom > 0, denom, 1), np.nan)
        out.loc[last.index, "share_pct"] = share
    out.insert(0, "kind", pd.Series(kind, index=out.index, dtype=object).astype(str))
    out = out.reset_index()
    for column in KEY:
        out[column] = out[column].astype(str)
    reg = units.set_index("unit_code")
    out["_parent"] = out["unit_code"].map(reg["parent_code"]).fillna("")
    out["_level"] = out["unit_code"].map(reg["level"])
    groups = out.groupby(["_parent", "_level", "indicator"])["period_value"]
    out["rank"] = groups.rank(method="min", ascending=False).astype("Int64")
    out["n_siblings"] = groups.transform("count").astype("Int64")
    out = out.drop(columns=["_parent", "_level"])
    return summary_schema().validate(out)


def compute(
    values: pd.DataFrame,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    years: Sequence[int],
    children: Mapping[str, Sequence[str]],
) -> dict[str, pd.DataFrame]:
    """Compute all indicators of all units from the stored values.

    Returns
    -------
    dict
        ``reported`` (wide, as reported), ``values`` (wide, effective, with ratios),
        ``children_sum`` (wide), ``flag_base`` (wide) and ``summary`` (long, one row per
        unit and indicator).
    """
    reported = to_wide(values, years)
    eff, children_sum, base = effective(reported, units, indicators, children)
    full = with_ratios(eff, indicators)
    summary = summarize(full, base, units, indicators)
    return {
        "reported": reported,
        "values": full,
        "children_sum": children_sum,
        "flag_base": base,
        "summary": summary,
    }


def siblings(
    summary: pd.DataFrame, units: pd.DataFrame, parent_code: str, level: str | None = None
) -> pd.DataFrame:
    """Return the comparison table of a parent's sub-units: one row per unit, one column per indicator.

    Parameters
    ----------
    summary
        From :func:`summarize`.
    units
        The registry.
    parent_code
        The parent whose sub-units are compared (``06`` for the districts or departments,
        a district code for its communes).
    level
        Only sub-units of this level (e.g. ``huyen`` or ``nganh`` under the province).
    """
    kids = units.loc[units["parent_code"] == parent_code]
    if level is not None:
        kids = kids.loc[kids["level"] == level]
    part = summary.loc[summary["unit_code"].isin(kids["unit_code"])]
    table = part.pivot(index="unit_code", columns="indicator", values="period_value")
    table = table.reindex(kids["unit_code"]).dropna(axis=1, how="all")
    table.insert(0, "name", kids.set_index("unit_code")["name"])
    return table


FINDING_COLUMNS = ["code", "unit_code", "indicator", "year", "value", "expected", "message"]
COMPARISON_COLUMNS = [
    "unit_code", "indicator", "year", "reported", "children_sum", "children_reporting",
    "children_expected", "rule", "tolerance_pct", "difference", "pct_difference", "consistent",
]  # fmt: skip


def area_comparison(
    reported: pd.DataFrame,
    values: pd.DataFrame,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    children: Mapping[str, Sequence[str]],
) -> pd.DataFrame:
    """Compare what parents reported with what their children sum to (area indicators).

    Returns
    -------
    pandas.DataFrame
        ``unit_code, indicator, year, reported, children_sum, children_reporting,
        children_expected, difference, pct_difference, rule, tolerance_pct, consistent``;
        ``consistent`` is NA where not every child reported (completeness covers that).
    """
    tree = rollup_tree(units, children)
    parent_of = tree.set_index("unit_code")["parent_code"]
    catalog = indicators.set_index("code")
    area = catalog.index[catalog["rollup"].isin(["area_equal", "area_min"])]
    kids = values.loc[
        values.index.get_level_values("unit_code").isin(parent_of.index)
        & values.index.get_level_values("indicator").isin(area)
    ]
    if kids.empty:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    sums = _by_parent(kids, parent_of)
    counts = _by_parent(kids.notna().astype(float), parent_of)
    level = units.set_index("unit_code")["level"]
    applies = catalog["levels"]
    expected = {}
    for parent, group in tree.groupby("parent_code"):
        kid_levels = group["unit_code"].map(level)
        for code in area:
            expected[(parent, code)] = int(
                kid_levels.map(lambda lv, c=code: lv in applies[c]).sum()
            )
    long = pd.DataFrame({
        "reported": reported.reindex(sums.index).stack(future_stack=True),
        "children_sum": sums.stack(future_stack=True),
        "children_reporting": counts.stack(future_stack=True),
    }).reset_index()  # fmt: skip
    long = long.dropna(subset=["reported", "children_sum"])
    if long.empty:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    long["children_expected"] = [
        expected.get(k, 0) for k in zip(long["unit_code"], long["indicator"], strict=True)
    ]
    long["rule"] = long["indicator"].map(catalog["rollup"])
    long["tolerance_pct"] = long["indicator"].map(catalog["tolerance_pct"]).fillna(0.0)
    long["difference"] = long["reported"] - long["children_sum"]
    with np.errstate(divide="ignore", invalid="ignore"):
        long["pct_difference"] = (
            100 * long["difference"] / long["children_sum"].where(long["children_sum"] != 0)
        )
    allowed = long["tolerance_pct"] / 100 * long["children_sum"].abs()
    equal_ok = long["difference"].abs() <= allowed + 1e-9
    min_ok = long["difference"] >= -allowed - 1e-9
    ok = np.where(long["rule"] == "area_equal", equal_ok, min_ok)
    complete = long["children_reporting"] >= long["children_expected"]
    long["consistent"] = pd.array(np.where(complete, ok, False), dtype="boolean")
    long.loc[~complete, "consistent"] = pd.NA
    return long.reset_index(drop=True)


def consistency_findings(comparison: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Return ``QPTD-C101`` findings: a parent's reported total disagrees with its children."""
    bad = comparison.loc[comparison["consistent"].eq(False)] if len(comparison) else comparison
    names = indicators.set_index("code")["name"]
    rows = []
    for r in bad.itertuples():
        relation = "khác" if r.rule == "area_equal" else "nhỏ hơn"
        rows.append((
            "QPTD-C101", r.unit_code, r.indicator, int(r.year), r.reported, r.children_sum,
            f"{names[r.indicator]} năm {int(r.year)}: đơn vị báo cáo {vnformat.number(r.reported, 2)}, {relation} "
            f"tổng của các đơn vị cấp dưới {vnformat.number(r.children_sum, 2)} (chênh {vnformat.number(r.difference, 2)}).",
        ))  # fmt: skip
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def outlier_findings(
    reported: pd.DataFrame, indicators: pd.DataFrame, min_level: float = 20
) -> pd.DataFrame:
    """Return ``QPTD-C102`` findings: a year-on-year jump beyond the catalogue's factor.

    A jump counts when both years are positive, the larger is at least ``min_level`` and
    their ratio exceeds the indicator's ``yoy_factor``. A spike (a jump up followed at once
    by a jump down) is one finding, at the year of the spike.
    """
    factor = indicators.set_index("code")["yoy_factor"]
    rows_ind = reported.index.get_level_values("indicator")
    f = np.asarray(rows_ind.map(factor), dtype=float)
    data = reported.to_numpy(dtype=float)
    prev, cur = data[:, :-1], data[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        up = cur / prev
    big = np.maximum(prev, cur) >= min_level
    valid = (prev > 0) & (cur > 0) & big & ~np.isnan(f)[:, None]
    jump_up = valid & (up > f[:, None])
    jump_down = valid & (up < 1 / f[:, None])
    spike_end = np.zeros_like(jump_down)
    spike_end[:, 1:] = jump_up[:, :-1] & jump_down[:, 1:]
    hits = np.argwhere(jump_up | (jump_down & ~spike_end))
    names = indicators.set_index("code")["name"]
    years = list(reported.columns)
    rows = []
    for r, c in hits:
        unit, ind = reported.index[r]
        year = years[c + 1]
        word = "tăng" if jump_up[r, c] else "giảm"
        times = up[r, c] if jump_up[r, c] else 1 / up[r, c]
        rows.append((
            "QPTD-C102", unit, ind, int(year), cur[r, c], prev[r, c],
            f"{names[ind]} năm {year} ({vnformat.number(cur[r, c], 2)}) {word} {vnformat.number(times, 1)} lần so với "
            f"năm {years[c]} ({vnformat.number(prev[r, c], 2)}); kiểm tra lại số liệu.",
        ))  # fmt: skip
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def double_count_findings(
    reported: pd.DataFrame,
    children_sum: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    min_level: float,
    window: tuple[float, float],
    share: float,
) -> pd.DataFrame:
    """Return ``QPTD-C103`` findings: an own-level figure that is probably the whole area's.

    For an ``own`` indicator a parent reports only what its own level did; its sub-units'
    figures are added to it. A clerk who enters the whole district's figure instead counts the
    communes twice. The sign: in most years (at least ``share`` of the years in which the
    children's sum reaches ``min_level``, and at least three) the parent's figure lies within
    ``window`` times the children's sum — it equals or just exceeds it.
    """
    rule = indicators.set_index("code")["rollup"]
    names = indicators.set_index("code")["name"]
    own = [k for k in children_sum.index if rule.get(k[1]) == "own" and k in reported.index]
    if not own:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    index = pd.MultiIndex.from_tuples(own, names=KEY)
    mine = reported.reindex(index).to_numpy(dtype=float)
    kids = children_sum.reindex(index).to_numpy(dtype=float)
    years = list(reported.columns)
    counted = (mine > 0) & (kids >= min_level)
    with np.errstate(invalid="ignore"):
        close = counted & (mine >= window[0] * kids) & (mine <= window[1] * kids)
    hits = (close.sum(axis=1) >= 3) & (close.sum(axis=1) >= share * counted.sum(axis=1))
    rows = []
    for r in np.flatnonzero(hits):
        unit, code = own[r]
        when = [years[c] for c in np.flatnonzero(close[r])]
        shown = ", ".join(map(str, when))
        rows.append((
            "QPTD-C103", unit, code, int(when[0]), mine[r][close[r]][0], kids[r][close[r]][0],
            f"{names[code]} ({code}): đơn vị chỉ ghi phần do cấp mình trực tiếp thực hiện, nhưng số "
            f"ghi bằng hoặc gần bằng tổng các đơn vị cấp dưới trong {len(when)}/{int(counted[r].sum())} "
            f"năm ({shown}); có thể đã ghi số toàn địa bàn, làm tổng bị tính hai lần.",
        ))  # fmt: skip
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def target_attainment(summary: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Compare period values with the catalogue's targets (only targets with a source).

    Returns
    -------
    pandas.DataFrame
        ``unit_code, indicator, period_value, target, operator, met, source``.
    """
    merged = summary.merge(targets, on="indicator", how="inner")
    value = merged["period_value"]
    met = np.where(
        merged["operator"] == ">=",
        value >= merged["target"] - 1e-9,
        value <= merged["target"] + 1e-9,
    )
    merged["met"] = pd.array(np.where(value.isna(), False, met), dtype="boolean")
    merged.loc[value.isna(), "met"] = pd.NA
    return merged[["unit_code", "indicator", "period_value", "target", "operator", "met", "source"]]

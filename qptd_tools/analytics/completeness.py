"""Completeness of the submissions: who submitted, which indicator-years and sections are missing.

Pure functions over DataFrames (no file I/O): the caller loads the registry, the catalogue
and the store and passes them in.
"""

from __future__ import annotations

import pandas as pd

FINDING_COLUMNS = ["code", "unit_code", "unit_name", "indicator", "year", "section_id", "message"]


def submission_status(units: pd.DataFrame, submissions: pd.DataFrame) -> pd.DataFrame:
    """Return one row per unit: whether it submitted, from which file and when.

    Parameters
    ----------
    units
        The registry (``unit_code``, ``name``, ``level``, ``parent_code``).
    submissions
        The store's submissions table.

    Returns
    -------
    pandas.DataFrame
        ``unit_code, name, level, parent_code, submitted, source_file, ingested_at, is_sample``.
    """
    latest = submissions.sort_values("ingested_at").drop_duplicates("unit_code", keep="last")[
        ["unit_code", "source_file", "ingested_at", "is_sample"]
    ]
    out = units[["unit_code", "name", "level", "parent_code"]].merge(
        latest, on="unit_code", how="left"
    )
    out.insert(4, "submitted", out["source_file"].notna())
    return out


def missing_values(
    units: pd.DataFrame, indicators: pd.DataFrame, values: pd.DataFrame, years: list[int]
) -> pd.DataFrame:
    """Return the indicator-years that submitted units left blank.

    Parameters
    ----------
    units
        The units to check (those that submitted), with their ``level``.
    indicators
        The indicator catalogue (``code``, ``kind``, ``levels``).
    values
        The stored values.
    years
        The review period.

    Returns
    -------
    pandas.DataFrame
        ``unit_code, indicator, year``, one row per missing cell, sorted.
    """
    inputs = indicators.loc[indicators["kind"] != "ratio", ["code", "levels"]]
    pairs = units[["unit_code", "level"]].merge(
        inputs.explode("levels").rename(columns={"levels": "level", "code": "indicator"}),
        on="level",
    )
    expected = pairs.merge(pd.DataFrame({"year": years}), how="cross")[
        ["unit_code", "indicator", "year"]
    ]
    have = values[["unit_code", "indicator", "year"]].assign(_have=True)
    merged = expected.merge(have, on=["unit_code", "indicator", "year"], how="left")
    missing = merged.loc[merged["_have"].isna(), ["unit_code", "indicator", "year"]]
    return missing.sort_values(["unit_code", "indicator", "year"], ignore_index=True)


def missing_sections(
    units: pd.DataFrame, outline: pd.DataFrame, narrative: pd.DataFrame
) -> pd.DataFrame:
    """Return the required narrative sections that submitted units left empty.

    Returns
    -------
    pandas.DataFrame
        ``unit_code, section_id, title``.
    """
    required = outline.loc[outline["narrative"] == "required", ["section_id", "title", "order"]]
    expected = units[["unit_code"]].merge(required, how="cross")
    have = narrative[["unit_code", "section_id"]].assign(_have=True)
    merged = expected.merge(have, on=["unit_code", "section_id"], how="left")
    missing = merged.loc[merged["_have"].isna()].sort_values(["unit_code", "order"])
    return missing[["unit_code", "section_id", "title"]].reset_index(drop=True)


def summary(
    status: pd.DataFrame, missing: pd.DataFrame, sections: pd.DataFrame, expected_cells: pd.Series
) -> pd.DataFrame:
    """Return one row per unit: submitted, cells expected and missing, sections missing.

    Parameters
    ----------
    status
        From :func:`submission_status`.
    missing
        From :func:`missing_values`.
    sections
        From :func:`missing_sections`.
    expected_cells
        Number of indicator-year cells each unit's level expects, indexed by unit code.
    """
    out = status[["unit_code", "name", "level", "parent_code", "submitted"]].copy()
    out["cells_expected"] = out["unit_code"].map(expected_cells).fillna(0).astype(int)
    out["cells_missing"] = out["unit_code"].map(missing.groupby("unit_code").size())
    out["cells_missing"] = out["cells_missing"].fillna(0).astype(int)
    out.loc[~out["submitted"], "cells_missing"] = out["cells_expected"]
    out["sections_missing"] = out["unit_code"].map(sections.groupby("unit_code").size())
    out["sections_missing"] = out["sections_missing"].fillna(0).astype(int)
    filled = out["cells_expected"] - out["cells_missing"]
    out["pct_filled"] = (
        100 * filled / out["cells_expected"].where(out["cells_expected"] > 0)
    ).round(1)
    return out


def findings(status: pd.DataFrame, missing: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """Return completeness findings, one row each, with stable codes.

    ``QPTD-C001`` a unit has not submitted; ``QPTD-C002`` an indicator left blank for
    some years (one row per unit and indicator, ``year`` the first missing year);
    ``QPTD-C003`` a required narrative section is empty.
    """
    names = dict(zip(status["unit_code"], status["name"], strict=True))
    rows: list[tuple[str, str, str, str, int | None, str, str]] = []
    for unit in status.loc[~status["submitted"], "unit_code"]:
        rows.append(("QPTD-C001", unit, names[unit], "", None, "", "Đơn vị chưa gửi số liệu."))
    for (unit, indicator), part in missing.groupby(["unit_code", "indicator"], sort=True):
        years = ", ".join(str(y) for y in part["year"])
        rows.append((
            "QPTD-C002", unit, names.get(unit, unit), indicator, int(part["year"].min()), "",
            f"Chưa có số liệu {indicator} các năm {years}.",
        ))  # fmt: skip
    for row in sections.itertuples():
        rows.append((
            "QPTD-C003", row.unit_code, names.get(row.unit_code, row.unit_code), "", None,
            row.section_id, f"Chưa có nội dung mục “{row.title}”.",
        ))  # fmt: skip
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    return out

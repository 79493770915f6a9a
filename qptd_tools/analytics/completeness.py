"""Completeness of the submissions: who submitted, which indicator-years and sections are missing.

Pure functions over DataFrames (no file I/O): the caller loads the registry, the catalogue
and the store and passes them in.
"""

from __future__ import annotations

from collections.abc import Mapping

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


COVERAGE_COLUMNS = ["unit_code", "section_id", "title", "narrative", "drafted", "written",
                    "placeholder"]  # fmt: skip


def drafted_sections(summary: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Return the ``unit_code, section_id`` pairs that get an auto-drafted paragraph.

    A section is drafted for a unit when one of its input indicators has a period value for
    that unit (a zero included: the paragraph then says "chưa phát sinh"). The report's
    narrative drafts exactly these (:func:`qptd_tools.report.narrative.section_paragraph`).
    """
    inputs = indicators.loc[indicators["kind"] != "ratio", ["code", "section_id"]]
    known = summary.loc[summary["period_value"].notna(), ["unit_code", "indicator"]]
    pairs = known.merge(inputs, left_on="indicator", right_on="code")[["unit_code", "section_id"]]
    return pairs.drop_duplicates().reset_index(drop=True)


def coverage(
    units: pd.DataFrame,
    outline: pd.DataFrame,
    narrative: pd.DataFrame,
    drafted: pd.DataFrame,
) -> pd.DataFrame:
    """Return, for each unit and outline section that takes a narrative, what fills it.

    The single rule for placeholders, used by the report and by ``qptd check`` alike: a
    section shows the visible placeholder "[Nội dung do đơn vị bổ sung]" when the unit wrote
    nothing for it and it is either required or has no auto-drafted paragraph either.

    Parameters
    ----------
    units
        The units concerned (``unit_code``).
    outline
        The outline (``section_id, title, narrative, order``).
    narrative
        The units' texts (``unit_code, section_id, text``).
    drafted
        The drafted sections (:func:`drafted_sections`).

    Returns
    -------
    pandas.DataFrame
        ``unit_code, section_id, title, narrative, drafted, written, placeholder`` in the
        outline's order.
    """
    sections = outline.loc[
        outline["narrative"] != "none", ["section_id", "title", "narrative", "order"]
    ]
    grid = units[["unit_code"]].merge(sections, how="cross")
    texts = narrative.loc[
        narrative["text"].fillna("").str.strip() != "", ["unit_code", "section_id"]
    ]
    grid = grid.merge(texts.assign(written=True), on=["unit_code", "section_id"], how="left")
    grid = grid.merge(drafted.assign(drafted=True), on=["unit_code", "section_id"], how="left")
    grid["written"] = grid["written"].fillna(False).astype(bool)
    grid["drafted"] = grid["drafted"].fillna(False).astype(bool)
    grid["placeholder"] = ~grid["written"] & ((grid["narrative"] == "required") | ~grid["drafted"])
    grid = grid.sort_values(["unit_code", "order"], kind="stable")
    return grid[COVERAGE_COLUMNS].reset_index(drop=True)


def missing_sections(covered: pd.DataFrame) -> pd.DataFrame:
    """Return the sections that will show a placeholder: ``unit_code, section_id, title, narrative``."""
    missing = covered.loc[covered["placeholder"]]
    return missing[["unit_code", "section_id", "title", "narrative"]].reset_index(drop=True)


def missing_signers(
    units: pd.DataFrame, conferences: pd.DataFrame, chair_signs: set[str]
) -> pd.DataFrame:
    """Return the units whose report has no signer's name: ``unit_code, name``.

    The name comes from the workbook's "Người ký báo cáo", else, for the levels whose chair
    signs (``documents.yaml``: ``signer_from_chair``), from the conference's chair — the same
    rule the report's signature block follows.
    """
    conf = conferences.set_index("unit_code") if len(conferences) else conferences
    rows = []
    for unit in units.itertuples():
        signer = chair = None
        if len(conf) and unit.unit_code in conf.index:
            signer = conf.at[unit.unit_code, "signer_name"] if "signer_name" in conf else None
            chair = conf.at[unit.unit_code, "chair"]
        if not _text(signer) and not (unit.level in chair_signs and _text(chair)):
            rows.append((unit.unit_code, unit.name))
    return pd.DataFrame(rows, columns=["unit_code", "name"])


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


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


def findings(
    status: pd.DataFrame,
    missing: pd.DataFrame,
    sections: pd.DataFrame,
    indicator_names: Mapping[str, str] | None = None,
    signers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return completeness findings, one row each, with stable codes.

    ``QPTD-C001`` a unit has not submitted; ``QPTD-C002`` an indicator left blank for
    some years (one row per unit and indicator, ``year`` the first missing year);
    ``QPTD-C003`` a section whose report will show the placeholder (:func:`coverage`);
    ``QPTD-C004`` a report with no signer's name (:func:`missing_signers`).
    """
    names = dict(zip(status["unit_code"], status["name"], strict=True))
    labels = dict(indicator_names or {})
    rows: list[tuple[str, str, str, str, int | None, str, str]] = []
    for unit in status.loc[~status["submitted"], "unit_code"]:
        rows.append(("QPTD-C001", unit, names[unit], "", None, "", "Đơn vị chưa gửi số liệu."))
    for (unit, indicator), part in missing.groupby(["unit_code", "indicator"], sort=True):
        years = ", ".join(str(y) for y in part["year"])
        rows.append((
            "QPTD-C002", unit, names.get(unit, unit), indicator, int(part["year"].min()), "",
            f"Chưa có số liệu {labels.get(indicator, indicator)} ({indicator}) các năm {years}."
            if indicator in labels else f"Chưa có số liệu {indicator} các năm {years}.",
        ))  # fmt: skip
    for row in sections.itertuples():
        why = "mục bắt buộc" if row.narrative == "required" else "chưa có số liệu để tự soạn"
        rows.append((
            "QPTD-C003", row.unit_code, names.get(row.unit_code, row.unit_code), "", None,
            row.section_id, f"Chưa có nội dung mục “{row.title}” ({why}): báo cáo để chỗ trống "
            "“[Nội dung do đơn vị bổ sung]”; viết vào trang Thuyết minh.",
        ))  # fmt: skip
    for row in (
        signers if signers is not None else pd.DataFrame(columns=["unit_code"])
    ).itertuples():
        rows.append((
            "QPTD-C004", row.unit_code, names.get(row.unit_code, row.unit_code), "", None, "",
            "Chưa có tên người ký báo cáo: khối chữ ký để chỗ trống tô vàng “[Họ và tên người "
            "ký]”; ghi họ tên và chức vụ người ký vào trang Thông tin.",
        ))  # fmt: skip
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    return out


def conflict_findings(conflicts: pd.DataFrame, section_titles: dict[str, str]) -> pd.DataFrame:
    """Return ``QPTD-C005``: a section given different texts by a workbook and a Word document.

    ``conflicts`` has ``unit_code, section_id, kept, other`` (the file in force first); the
    rule that chose is the store's: the file received last that gives the section a text.
    """
    rows = [
        ("QPTD-C005", r.unit_code, "", "", None, r.section_id,
         f"Mục “{section_titles.get(r.section_id, r.section_id)}” có hai nội dung khác nhau: báo cáo dùng "
         f"nội dung của {r.kept} (nhận sau), không dùng nội dung của {r.other}. Nếu cần nội dung kia, "
         "gửi lại tệp đó (tệp nhận sau cùng được dùng).")
        for r in conflicts.itertuples()
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    return out

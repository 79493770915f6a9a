"""The submission history: every file a unit sent that was accepted, and what changed.

The store's ``history`` table has a row per table of every accepted file (``submissions``
says which of them is in force). :func:`versions` lists one unit's files in the order they
were received; :func:`differences` compares two versions' canonical tables cell by cell.
Pure functions over DataFrames; the caller reads the store and re-reads the kept files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from qptd_tools.core import vnformat
from qptd_tools.store import tables as T

VERSION_COLUMNS = ["version", "source_file", "source_sha256", "received_at", "file_modified",
                   "tables", "in_force"]  # fmt: skip
CHANGE_COLUMNS = ["table", "what", "old", "new", "where"]


def versions(history: pd.DataFrame, submissions: pd.DataFrame, unit_code: str) -> pd.DataFrame:
    """Return one row per file of a unit, oldest first, saying which tables of it are in force.

    Returns
    -------
    pandas.DataFrame
        ``version`` (1, 2, …), ``source_file``, ``source_sha256``, ``received_at``,
        ``file_modified``, ``tables`` (the unit's tables the file supplied), ``in_force``
        (those of them in force now).
    """
    mine = history.loc[history["unit_code"] == unit_code]
    if mine.empty:
        return pd.DataFrame(columns=VERSION_COLUMNS)
    current = submissions.loc[submissions["unit_code"] == unit_code]
    live = set(zip(current["table"], current["source_sha256"], strict=True))
    rows = []
    ordered = mine.sort_values(["ingested_at", "source_file"], kind="stable")
    for sha, part in ordered.groupby("source_sha256", sort=False):
        tables = [t for t in T.COLUMNS if t in set(part["table"])]
        rows.append({
            "source_file": str(part["source_file"].iloc[0]), "source_sha256": str(sha),
            "received_at": str(part["ingested_at"].min()),
            "file_modified": str(part["file_modified"].iloc[0] or ""),
            "tables": tables, "in_force": [t for t in tables if (t, sha) in live],
        })  # fmt: skip
    out = pd.DataFrame(rows).sort_values(["received_at", "source_file"], kind="stable")
    out.insert(0, "version", range(1, len(out) + 1))
    return out.reset_index(drop=True)[VERSION_COLUMNS]


def _shown(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return "(trống)"
    if isinstance(value, pd.Timestamp):
        return vnformat.date_short(value.date())
    if isinstance(value, int | float):
        return vnformat.number(value, 10)
    return str(value)


def _keyed(frame: pd.DataFrame, name: str, unit_code: str) -> pd.DataFrame:
    keys = T.KEYS[name]
    mine = frame.loc[frame["unit_code"] == unit_code] if len(frame) else frame
    return mine.set_index(keys)


def differences(
    old: Mapping[str, pd.DataFrame],
    new: Mapping[str, pd.DataFrame],
    unit_code: str,
    indicator_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Return what differs between two versions of a unit's tables, one row per cell or record.

    Parameters
    ----------
    old, new
        Canonical tables of the two versions (``values``, ``awards``, ``conferences``,
        ``narrative``, with their ``cell`` provenance); a table missing from either is skipped.
    unit_code
        The unit compared.
    indicator_names
        Indicator names by code (the changes name the indicator, with its code).

    Returns
    -------
    pandas.DataFrame
        ``table`` (Vietnamese name), ``what`` (indicator and year, record, field or section),
        ``old``, ``new`` (as a reader writes them) and ``where`` (the cell in the new file,
        or in the old one for something removed). A change of personal data (gender,
        ethnicity) is said without its values.
    """
    names = dict(indicator_names or {})
    rows: list[tuple[str, str, str, str, str]] = []
    for name in T.COLUMNS:
        if name not in old or name not in new:
            continue
        a, b = _keyed(old[name], name, unit_code), _keyed(new[name], name, unit_code)
        fields = [c for c in T.COLUMNS[name] if c not in T.KEYS[name]]
        for key in sorted(set(a.index) | set(b.index), key=str):
            label = _label(name, key, names)
            for column in fields:
                before = a.at[key, column] if key in a.index else None
                after = b.at[key, column] if key in b.index else None
                if _same(before, after):
                    continue
                where = b.at[key, "cell"] if key in b.index and "cell" in b else (
                    a.at[key, "cell"] if key in a.index and "cell" in a else "")  # fmt: skip
                what = (
                    label
                    if name in ("values", "narrative")
                    else f"{label}: {T.FIELD_NAMES[column]}"
                )
                if column in T.PERSONAL:
                    before, after = "…", "… (thông tin cá nhân, không hiển thị)"
                rows.append(
                    (T.TABLE_NAMES[name], what, _shown(before), _shown(after), str(where or ""))
                )
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _same(a: object, b: object) -> bool:
    blank_a = a is None or a is pd.NaT or (isinstance(a, float) and a != a)
    blank_b = b is None or b is pd.NaT or (isinstance(b, float) and b != b)
    if blank_a or blank_b:
        return blank_a and blank_b
    return bool(a == b)


def _label(name: str, key: Any, names: Mapping[str, str]) -> str:
    if name == "values":
        year, indicator = key[1], str(key[2])
        shown = f"{names[indicator]} ({indicator})" if indicator in names else indicator
        return f"{shown} năm {year}"
    if name == "awards":
        return f"hồ sơ {key[1]}"
    if name == "narrative":
        return f"mục {key[1]}"
    return "thông tin"

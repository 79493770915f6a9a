"""What every sub-command shares: output in text, CSV or JSON, the workspace, scopes."""

from __future__ import annotations

import argparse
import os
import sys

import pandas as pd

from qptd_tools.catalog import Catalog, load_catalog
from qptd_tools.cli import tables
from qptd_tools.core.config import Workspace
from qptd_tools.core.fsutil import safe_cell
from qptd_tools.store.workspace import WorkspaceData, with_data


def out(args: argparse.Namespace, text: str) -> None:
    """Print a result (standard output)."""
    print(text, file=sys.stdout)


def say(args: argparse.Namespace, text: str) -> None:
    """Print progress and notes (standard error), unless ``--quiet``."""
    if not args.quiet:
        print(text, file=sys.stderr)


def safe_csv(frame: pd.DataFrame) -> str:
    """Return CSV text in which no cell can run as a spreadsheet formula."""
    cleaned = frame.copy()
    for column in cleaned.columns:
        if cleaned[column].dtype == object or pd.api.types.is_string_dtype(cleaned[column]):
            cleaned[column] = cleaned[column].map(safe_cell)
    return cleaned.to_csv(index=False).rstrip("\n")


def table(
    frame: pd.DataFrame, fmt: str, cat: Catalog | None = None, keys: tuple[str, ...] = ()
) -> str:
    """Render a frame for programs (``json``, ``csv``) or people (``text``, ``table``).

    Programs get the English column names and plain numbers; people get
    :func:`qptd_tools.cli.tables.show` (Vietnamese headers, names and numbers).
    """
    if fmt == "json":
        return frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=2)
    if fmt == "csv":
        return safe_csv(frame)
    if cat is not None:
        return tables.show(frame, cat, keys=keys)
    return frame.to_string(index=False) if len(frame) else "(không có)"


def catalog(ws: Workspace) -> Catalog:
    """Return the workspace's catalogues."""
    return load_catalog(ws.root)


def workers(args: argparse.Namespace) -> int:
    """Return ``--workers``, or the number of CPU cores when it is not given (0)."""
    return args.workers or (os.cpu_count() or 1)


def loaded(args: argparse.Namespace) -> WorkspaceData:
    """Return the workspace, or raise QPTD-E093 when its store holds no data."""
    return with_data(WorkspaceData(args.root))


def scope(
    cat: Catalog, frame: pd.DataFrame, unit: str | None, district: str | None
) -> pd.DataFrame:
    """Keep the rows of one unit, or of a district and its communes (codes resolved)."""
    if unit:
        code = cat.resolve(unit)
        return frame.loc[frame["unit_code"] == code]
    if district:
        code = cat.resolve(district)
        codes = {code, *cat.children(code)["unit_code"]}
        return frame.loc[frame["unit_code"].isin(codes)]
    return frame

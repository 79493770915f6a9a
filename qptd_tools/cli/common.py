"""What every sub-command shares: the Vietnamese parser, output in text, CSV or JSON, scopes."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pandas as pd

from qptd_tools.catalog import Catalog, load_catalog
from qptd_tools.core.config import Workspace
from qptd_tools.core.errors import StoreEmpty, UsageInvalid, fail
from qptd_tools.core.fsutil import safe_cell
from qptd_tools.store.workspace import WorkspaceData


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Help text with a Vietnamese usage line."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        """Write the usage line as "Cách dùng: …"."""
        super().add_usage(usage, actions, groups, prefix or "Cách dùng: ")


class Parser(argparse.ArgumentParser):
    """An argument parser whose help and errors are Vietnamese (errors: QPTD-E082)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("formatter_class", Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Tham số"
        self._optionals.title = "Tùy chọn"
        self.add_argument("-h", "--help", action="help", help="In hướng dẫn này rồi thoát.")

    def error(self, message: str) -> Any:
        """Raise the usage error as a coded problem instead of printing and exiting."""
        raise fail(UsageInvalid, "QPTD-E082", detail=message)


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


def table(frame: pd.DataFrame, fmt: str) -> str:
    """Render a frame as ``json``, ``csv`` or plain text."""
    if fmt == "json":
        return frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=2)
    if fmt == "csv":
        return safe_csv(frame)
    return frame.to_string(index=False) if len(frame) else "(không có)"


def catalog(ws: Workspace) -> Catalog:
    """Return the workspace's catalogues."""
    return load_catalog(ws.root)


def loaded(args: argparse.Namespace) -> WorkspaceData:
    """Return the workspace, or raise QPTD-E093 when its store holds no data."""
    data = WorkspaceData(args.root)
    if data.store.current() is None:
        raise fail(StoreEmpty, "QPTD-E093", file=str(data.paths.root))
    return data


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

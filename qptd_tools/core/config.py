"""Paths of a workspace and the limits the toolkit enforces, defined once.

The repository is the default workspace; ``--root DIR`` or ``QPTD_ROOT`` names another.
Every path is relative to the workspace root.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ENV_ROOT = "QPTD_ROOT"
# The label on every sheet, page and document made from the synthetic sample.
SAMPLE_LABEL = "DỮ LIỆU MẪU — không phải số liệu thật"
# the levels of the registry (catalogue ``units.csv``), the synthetic sample's default seed and
# the columns award statistics group by: here, so the command line is built without them
LEVELS = ("tinh", "huyen", "xa", "nganh", "donvi")
SAMPLE_SEED = 2019
AWARD_GROUPS = ("form", "recipient_type", "recipient_group", "deciding_level", "status")

try:
    VERSION = version("qptd-toolkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    VERSION = "0.0.0"


@dataclass(frozen=True)
class Limits:
    """Bounds that protect the toolkit from malformed or hostile input files."""

    workbook_bytes: int = 20 * 1024 * 1024
    table_bytes: int = 1024 * 1024 * 1024
    unzipped_bytes: int = 200 * 1024 * 1024
    zip_ratio: float = 150.0
    sheet_rows: int = 5_000
    sheet_cols: int = 200
    text_chars: int = 20_000


LIMITS = Limits()


@dataclass(frozen=True)
class Workspace:
    """The folders of one workspace.

    Parameters
    ----------
    root
        The workspace root; the current directory (or ``QPTD_ROOT``) when omitted.
    """

    root: Path

    @classmethod
    def at(cls, root: str | os.PathLike[str] | None = None) -> Workspace:
        """Return the workspace at ``root``, found by the one rule of :func:`find_root`."""
        return cls(find_root(root))

    @property
    def raw(self) -> Path:
        """Submitted workbooks, never modified."""
        return self.root / "data" / "raw"

    @property
    def sample(self) -> Path:
        """The synthetic sample workbooks."""
        return self.root / "data" / "sample"

    @property
    def processed(self) -> Path:
        """The store: canonical Parquet tables and the ingest log."""
        return self.root / "data" / "processed"

    @property
    def templates(self) -> Path:
        """Blank fill-in workbooks written by ``qptd template``."""
        return self.root / "data" / "templates"

    @property
    def reports(self) -> Path:
        """Outputs: one folder per unit, plus the manifest."""
        return self.root / "reports"

    @property
    def notebooks(self) -> Path:
        """The parameterized notebooks."""
        return self.root / "notebooks"

    @property
    def catalog_overrides(self) -> Path:
        """Catalogue files here replace the bundled ones of the same name."""
        return self.root / "catalog"


def find_root(root: str | os.PathLike[str] | None = None) -> Path:
    """Return the workspace root.

    That is ``root``, else ``$QPTD_ROOT``, else the nearest folder up from the current one
    that holds a store (``data/processed``), else the current folder.
    """
    if root:
        return Path(root).expanduser().resolve()
    if os.environ.get(ENV_ROOT):
        return Path(os.environ[ENV_ROOT]).expanduser().resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "processed" / "CURRENT").is_file():
            return folder
    return here

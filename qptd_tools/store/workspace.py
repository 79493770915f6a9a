"""The public entry point for notebooks and JupyterLab: one workspace's catalogues and data.

>>> import qptd_tools
>>> ws = qptd_tools.open_workspace()          # the current folder, or $QPTD_ROOT
>>> ws.values.query("unit_code == '061'")     # canonical long table, with provenance
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pandas as pd

from qptd_tools.catalog import Catalog, load_catalog
from qptd_tools.core.config import Workspace
from qptd_tools.core.errors import StoreEmpty, fail
from qptd_tools.store import narrative
from qptd_tools.store.snapshots import Store


class WorkspaceData:
    """A workspace's paths, catalogues and stored tables (each read once, on first use).

    Parameters
    ----------
    root
        The workspace root; ``$QPTD_ROOT`` or the current folder when omitted.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None):
        self.paths = Workspace.at(root)
        self.catalog: Catalog = load_catalog(self.paths.root)
        self.store = Store(self.paths.processed)

    @property
    def units(self) -> pd.DataFrame:
        """The unit registry (``unit_code, name, level, parent_code, …``)."""
        return self.catalog.units

    @functools.cached_property
    def values(self) -> pd.DataFrame:
        """Indicator values: ``unit_code, year, indicator, value`` plus provenance."""
        return self.store.read("values")

    @functools.cached_property
    def awards(self) -> pd.DataFrame:
        """Award records (proposals and decisions) plus provenance."""
        return self.store.read("awards")

    @functools.cached_property
    def conferences(self) -> pd.DataFrame:
        """Conference and report dates per unit plus provenance."""
        return self.store.read("conferences")

    @functools.cached_property
    def narrative(self) -> pd.DataFrame:
        """Narrative text in force per unit and outline section, plus provenance.

        The workbooks' ``Thuyết minh`` and the units' Word documents merged: per section, the
        file received last that gives it a text (:mod:`qptd_tools.store.narrative`).
        """
        return narrative.effective(self.store.read("narrative"), self.documents, self.submissions)

    @functools.cached_property
    def documents(self) -> pd.DataFrame:
        """Sections read from the units' Word documents, with their heading and paragraphs."""
        return self.store.read("documents")

    @functools.cached_property
    def replaced_paragraphs(self) -> pd.DataFrame:
        """Generated paragraphs a unit's edited draft replaces (``unit_code, section_id, digest``)."""
        return narrative.replaced(self.narrative, self.documents)

    @functools.cached_property
    def narrative_conflicts(self) -> pd.DataFrame:
        """Sections given different texts by a workbook and a document (``qptd check``, C005)."""
        return narrative.conflicts(self.store.read("narrative"), self.documents, self.submissions)

    @functools.cached_property
    def submissions(self) -> pd.DataFrame:
        """Which file each unit's table comes from, its SHA-256 and ingest time."""
        return self.store.read("submissions")

    def __repr__(self) -> str:
        return f"WorkspaceData(root={str(self.paths.root)!r})"


def open_workspace(root: str | os.PathLike[str] | Path | None = None) -> WorkspaceData:
    """Open a workspace for analysis (see :class:`WorkspaceData`).

    The workspace is found as everywhere (:func:`qptd_tools.core.config.find_root`: ``root``,
    ``$QPTD_ROOT``, or the nearest folder up with a store, so a notebook in ``notebooks/``
    finds its workspace); one with no data raises QPTD-E093 rather than showing empty tables.
    """
    return with_data(WorkspaceData(root))


def with_data(data: WorkspaceData) -> WorkspaceData:
    """Return ``data``, or raise :class:`StoreEmpty` (QPTD-E093) when nothing is loaded."""
    if data.store.current() is None:
        raise fail(StoreEmpty, "QPTD-E093", file=str(data.paths.root))
    return data

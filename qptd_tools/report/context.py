"""What a unit's report needs, computed once per batch and sliced per unit.

:func:`compute_all` reads nothing: it takes the workspace's tables and runs every analytic
(indicators and roll-ups for all units, checks, award money, the deadline board).
:func:`unit_context` slices what one unit's notebook needs. The batch writes each unit's
slice to a pickle that the notebook loads in milliseconds; a notebook run on its own
(``papermill … -p unit_code 061``) computes the same slice itself.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qptd_tools.analytics import awards, checks, compilation
from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat
from qptd_tools.core.fsutil import atomic_write_bytes
from qptd_tools.store.workspace import WorkspaceData, with_data

# award columns about a person that never leave the store (Decree 13/2023/NĐ-CP)
PERSONAL = ["gender", "ethnicity"]


@dataclass
class AllContext:
    """The shared results of one batch."""

    catalog: Catalog
    tables: dict[str, pd.DataFrame]
    result: checks.CheckResult
    awards: pd.DataFrame
    money: pd.DataFrame
    years: list[int]

    @functools.cached_property
    def index(self) -> Slicer:
        """Each table's rows by unit and the registry's tree, built once for every unit."""
        return Slicer(self.catalog)


class Slicer:
    """Rows of the batch's tables by unit code, and the registry as a tree.

    Built once per batch (linear in the tables), so that slicing one unit's context costs
    in proportion to that unit's own rows, not to the whole province (issue #16).
    """

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        units = catalog.units
        self.units = units
        self._positions: dict[int, tuple[pd.DataFrame, dict[Any, np.ndarray]]] = {}
        self._kids = {
            str(k): list(v) for k, v in units.groupby("parent_code", sort=False)["unit_code"]
        }
        self._level = dict(zip(units["unit_code"], units["level"], strict=True))
        self._row = {code: i for i, code in enumerate(units["unit_code"])}

    def rows(self, frame: pd.DataFrame, codes: Iterable[str]) -> pd.DataFrame:
        """Return the rows of ``frame`` whose unit is in ``codes``, in the frame's order."""
        known = self._positions.get(id(frame))
        if known is None:
            keys = (frame.index.get_level_values("unit_code") if isinstance(frame.index, pd.MultiIndex)
                    else frame["unit_code"])  # fmt: skip
            found = pd.Series(np.arange(len(frame))).groupby(np.asarray(keys), sort=False).indices
            known = self._positions[id(frame)] = (_contiguous(frame), found)
        compact, found = known
        parts = [found[c] for c in set(codes) if c in found]
        return compact.iloc[np.sort(np.concatenate(parts)) if parts else []]

    def registry(self, codes: Iterable[str]) -> pd.DataFrame:
        """Return the registry rows of ``codes``, in the registry's order."""
        return self.units.iloc[sorted(self._row[c] for c in codes if c in self._row)]

    def children(self, code: str) -> list[str]:
        """Return the codes of the units directly below ``code``."""
        return self._kids.get(code, [])

    def descendants(self, code: str) -> set[str]:
        """Return the unit and every unit below it."""
        found, frontier = {code}, [code]
        while frontier:
            frontier = [k for c in frontier for k in self._kids.get(c, ()) if k not in found]
            found.update(frontier)
        return found

    def level(self, code: str) -> str:
        """Return a unit's level."""
        return str(self._level[code])

    def rollup(self, code: str) -> list[str]:
        """Return the units whose values roll up into ``code`` (``review.yaml``), as codes."""
        rolled = self.catalog.review.rollup_children.get(self.level(code), ())
        return [c for c in self.children(code) if self.level(c) in rolled]


@dataclass
class UnitContext:
    """Everything one unit's report shows, as small DataFrames (picklable)."""

    unit_code: str
    unit: dict
    parent: dict | None
    children: pd.DataFrame
    siblings: pd.DataFrame
    years: list[int]
    summary: pd.DataFrame  # period summary: the unit, its children and its siblings
    series: pd.DataFrame  # wide yearly values (effective, with ratios) of the unit and children
    reported: pd.DataFrame  # wide yearly values as reported by the unit itself
    comparison: pd.DataFrame
    findings: pd.DataFrame
    awards: pd.DataFrame  # records of the unit and everything below it, enriched
    money: pd.DataFrame
    board: pd.DataFrame  # the unit and its children
    conference: dict
    narrative: dict[str, str]
    sources: pd.DataFrame  # submissions of the unit and everything below it
    provenance: pd.DataFrame  # stored values (with sheet, cell, file) behind the report's figures
    compiled: pd.DataFrame  # what each sub-unit wrote, by section, full text with source (#15)
    is_sample: bool = False
    extra: dict = field(default_factory=dict)


def _contiguous(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with each Arrow-backed column in one chunk (same values, same dtype).

    Taking rows from an Arrow column of several chunks (a concatenation, a parquet file's
    row groups) joins every chunk first: a cost in the size of the whole table at every
    slice. Joined once here, a unit's slice costs its own rows (issue #16).
    """
    joined = {}
    for name, column in frame.items():
        array = column.array
        chunked = getattr(array, "_pa_array", None)
        if chunked is None or getattr(chunked, "num_chunks", 1) <= 1:
            continue
        import pyarrow as pa

        one = pa.chunked_array([chunked.combine_chunks()])
        try:
            joined[name] = pd.Series(
                type(array)(one, dtype=array.dtype), index=frame.index, name=name
            )
        except TypeError:  # an ArrowExtensionArray takes no dtype: it is the chunk's own
            joined[name] = pd.Series(type(array)(one), index=frame.index, name=name)
    if not joined:
        return frame
    out = frame.copy(deep=False)
    for name, column in joined.items():
        out[name] = column
    return out


def compute_all(data: WorkspaceData, years: list[int] | None = None) -> AllContext:
    """Run every analytic over a workspace's stored tables (once per batch).

    ``years`` restricts the analysis to part of the review period.
    """
    cat = data.catalog
    years = list(years or cat.years)
    tables = {
        "values": data.values,
        "awards": data.awards,
        "conferences": data.conferences,
        "narrative": data.narrative,
        "submissions": data.submissions,
        "replaced": data.replaced_paragraphs,
    }
    result = checks.run(
        cat,
        tables["values"],
        tables["awards"],
        tables["conferences"],
        tables["narrative"],
        tables["submissions"],
        years=years,
        conflicts=data.narrative_conflicts,
    )
    enriched = awards.enrich(tables["awards"], cat.units, cat.award_forms)
    money = awards.money_of(enriched, cat)
    return AllContext(cat, tables, result, enriched, money, years)


def unit_context(all_: AllContext, unit_code: str) -> UnitContext:
    """Slice what one unit's report needs from the batch's shared results.

    Every lookup goes through the batch's :class:`Slicer`: the cost is that of the unit's own
    rows (a commune's are few, the province's are everything below it).
    """
    cat, ix = all_.catalog, all_.index
    _rows = ix.rows
    unit = cat.unit(unit_code).to_dict()
    parent_code = unit["parent_code"]
    parent = cat.unit(parent_code).to_dict() if parent_code else None
    children = ix.registry(ix.children(unit_code))
    siblings = ix.registry(
        c for c in ix.children(str(parent_code or "")) if ix.level(c) == unit["level"]
    ) if parent_code else ix.registry([unit_code])  # fmt: skip
    below = ix.descendants(unit_code)
    military = {c for c in below if ix.level(c) == "donvi"}
    near = {unit_code} | set(children["unit_code"]) | set(siblings["unit_code"]) | military
    behind = {unit_code} | set(ix.rollup(unit_code))
    res = all_.result
    conference = all_.tables["conferences"]
    conf_row = _rows(conference, [unit_code])
    narrative = all_.tables["narrative"]
    mine = _rows(narrative, [unit_code])
    subs = _rows(all_.tables["submissions"], below)
    # each file's unit's own report date: the date a reader of the report expects beside it
    reported = (
        _rows(conference, set(subs["unit_code"]))
        .drop_duplicates("unit_code")
        .set_index("unit_code")["report_submitted_date"]
    )
    subs = subs.assign(report_date=pd.to_datetime(subs["unit_code"].map(reported), errors="coerce"))
    return UnitContext(
        unit_code=unit_code,
        unit=unit,
        parent=parent,
        children=children.reset_index(drop=True),
        siblings=siblings.reset_index(drop=True),
        years=list(all_.years),
        summary=_rows(res.indicators["summary"], near).reset_index(drop=True),
        series=_rows(res.indicators["values"], {unit_code} | set(children["unit_code"])),
        reported=_rows(res.indicators["reported"], {unit_code}),
        comparison=_rows(res.comparison, {unit_code}).reset_index(drop=True)
        if len(res.comparison)
        else res.comparison,
        findings=_rows(res.findings, {unit_code} | set(children["unit_code"])).reset_index(
            drop=True
        ),
        # no individual's gender or ethnicity in a context file (Decree 13/2023/NĐ-CP): the
        # report counts records; shares are computed from the store by the awards view
        awards=_rows(all_.awards, below).drop(columns=PERSONAL).reset_index(drop=True),
        money=_rows(all_.money, below).reset_index(drop=True),
        board=_rows(res.board, {unit_code} | set(children["unit_code"])).reset_index(drop=True),
        conference=conf_row.iloc[0].to_dict() if len(conf_row) else {},
        narrative=dict(zip(mine["section_id"], mine["text"], strict=True)),
        sources=subs.reset_index(drop=True),
        provenance=_rows(all_.tables["values"], behind).reset_index(drop=True),
        compiled=compilation.by_section(
            _rows(narrative, below), compiled_units(cat, unit_code, ix), cat.outline, full=True
        ),
        is_sample=bool(subs["is_sample"].any()) if len(subs) else False,
        extra={"replaced": _replaced(all_.tables.get("replaced"), unit_code, ix)},
    )


def compiled_units(cat: Catalog, unit_code: str, ix: Slicer | None = None) -> pd.DataFrame:
    """Return the sub-units whose reports a unit compiles, by group, each sorted by name.

    The units that roll up into it (a district's communes; the province's districts and
    departments) and the military agencies below it — the groups of the appendix's comparison.
    """
    ix = ix or Slicer(cat)
    military = [c for c in ix.descendants(unit_code) - {unit_code} if ix.level(c) == "donvi"]
    members = ix.registry({*ix.rollup(unit_code), *military})
    order = cat.levels.set_index("code")["order"]
    keys = [
        (order.get(lv, 99), vnformat.sort_key(name))
        for lv, name in zip(members["level"], members["name"], strict=True)
    ]
    return members.iloc[sorted(range(len(members)), key=keys.__getitem__)].reset_index(drop=True)


def _replaced(frame: pd.DataFrame | None, unit_code: str, ix: Slicer) -> dict[str, list[str]]:
    """Return the digests of the generated paragraphs the unit's edits replace, by section."""
    if frame is None or frame.empty:
        return {}
    mine = ix.rows(frame, [unit_code])
    return {str(s): sorted(map(str, part["digest"])) for s, part in mine.groupby("section_id")}


def dumps(context: UnitContext) -> bytes:
    """Return a unit's context as the bytes :func:`write` writes.

    The batch's fingerprint of a unit's data is the digest of these bytes: equal data give
    equal bytes (same code and library versions); a new pandas may change them, and then the
    units simply run again (issue #16).
    """
    return pickle.dumps(context, protocol=pickle.HIGHEST_PROTOCOL)


def write(context: UnitContext | bytes, path: Path) -> None:
    """Write a unit's context (or its :func:`dumps`) for its notebook (atomically)."""
    # a cache, rebuilt by every batch: atomic, but not flushed to disk
    data = context if isinstance(context, bytes) else dumps(context)
    atomic_write_bytes(path, data, durable=False)


def read(path: Path) -> UnitContext:
    """Read a unit's context written by :func:`write`."""
    with path.open("rb") as handle:
        context = pickle.load(handle)
    if not isinstance(context, UnitContext):
        raise TypeError(f"{path} is not a unit context")
    return context


def load(
    unit_code: str,
    root: str | Path | None = None,
    context_path: str | Path | None = None,
    years: list[int] | None = None,
) -> UnitContext:
    """Return a unit's context: from the batch's file when given, else computed now."""
    if context_path:
        context = read(Path(context_path))
        if years is None or context.years == list(years):
            return context
    return unit_context(compute_all(with_data(WorkspaceData(root)), years), unit_code)

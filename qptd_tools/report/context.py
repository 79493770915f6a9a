"""What a unit's report needs, computed once per batch and sliced per unit.

:func:`compute_all` reads nothing: it takes the workspace's tables and runs every analytic
(indicators and roll-ups for all units, checks, award money, the deadline board).
:func:`unit_context` slices what one unit's notebook needs. The batch writes each unit's
slice to a pickle that the notebook loads in milliseconds; a notebook run on its own
(``papermill … -p unit_code 061``) computes the same slice itself.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qptd_tools.analytics import awards, checks
from qptd_tools.catalog import Catalog
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
    is_sample: bool = False
    extra: dict = field(default_factory=dict)

    def fingerprint(self) -> str:
        """Return a digest of the data this context holds (stable across runs)."""
        digest = hashlib.sha256()
        for name in ("summary", "series", "reported", "comparison", "findings", "awards", "money",
                     "board", "sources", "children", "siblings", "provenance"):  # fmt: skip
            frame = getattr(self, name)
            digest.update(name.encode())
            digest.update(
                pd.util.hash_pandas_object(frame.reset_index(), index=False).to_numpy().tobytes()
            )
            digest.update(",".join(map(str, frame.columns)).encode())
        digest.update(repr(sorted(self.narrative.items())).encode())
        digest.update(repr(sorted(self.extra.get("replaced", {}).items())).encode())
        digest.update(repr(sorted((k, str(v)) for k, v in self.conference.items())).encode())
        digest.update(repr((self.unit, self.parent, self.years)).encode())
        return digest.hexdigest()


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


def _rows(frame: pd.DataFrame, codes: set[str]) -> pd.DataFrame:
    if isinstance(frame.index, pd.MultiIndex):
        return frame.loc[frame.index.get_level_values("unit_code").isin(codes)]
    return frame.loc[frame["unit_code"].isin(codes)]


def unit_context(all_: AllContext, unit_code: str) -> UnitContext:
    """Slice what one unit's report needs from the batch's shared results."""
    cat = all_.catalog
    units = cat.units
    unit = cat.unit(unit_code).to_dict()
    parent_code = unit["parent_code"]
    parent = cat.unit(parent_code).to_dict() if parent_code else None
    children = units.loc[units["parent_code"] == unit_code]
    siblings = units.loc[(units["parent_code"] == parent_code) & (units["level"] == unit["level"])]
    below = cat.descendants(unit_code)
    military = set(
        units.loc[units["unit_code"].isin(below) & (units["level"] == "donvi"), "unit_code"]
    )
    near = {unit_code} | set(children["unit_code"]) | set(siblings["unit_code"]) | military
    behind = {unit_code} | set(cat.rollup_children(unit_code)["unit_code"])
    res = all_.result
    conference = all_.tables["conferences"]
    conf_row = conference.loc[conference["unit_code"] == unit_code]
    narrative = all_.tables["narrative"]
    mine = narrative.loc[narrative["unit_code"] == unit_code]
    subs = _rows(all_.tables["submissions"], below)
    # each file's unit's own report date: the date a reader of the report expects beside it
    reported = conference.drop_duplicates("unit_code").set_index("unit_code")[
        "report_submitted_date"
    ]
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
        is_sample=bool(subs["is_sample"].any()) if len(subs) else False,
        extra={"replaced": _replaced(all_.tables.get("replaced"), unit_code)},
    )


def _replaced(frame: pd.DataFrame | None, unit_code: str) -> dict[str, list[str]]:
    """Return the digests of the generated paragraphs the unit's edits replace, by section."""
    if frame is None or frame.empty:
        return {}
    mine = frame.loc[frame["unit_code"] == unit_code]
    return {str(s): sorted(map(str, part["digest"])) for s, part in mine.groupby("section_id")}


def write(context: UnitContext, path: Path) -> None:
    """Write a unit's context for its notebook (atomically)."""
    # a cache, rebuilt by every batch: atomic, but not flushed to disk
    data = pickle.dumps(context, protocol=pickle.HIGHEST_PROTOCOL)
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

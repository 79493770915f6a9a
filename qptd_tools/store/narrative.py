"""The narrative in force: the workbook's ``Thuyết minh`` and the units' Word documents, merged.

A section's text can come from a workbook's ``Thuyết minh`` sheet (table ``narrative``) or
from a Word document — a unit's own report or an edited draft (table ``documents``). The rule,
one for every section: **the file received last that gives the section a text wins**. Each
table keeps the text of the file that supplied it, so nothing is lost: the other text stays
in the store, `qptd history` lists both files, and a section whose two texts differ is a
conflict :func:`conflicts` lists for ``qptd check`` (QPTD-C005).
"""

from __future__ import annotations

import pandas as pd

KEY = ["unit_code", "section_id"]


def _received(submissions: pd.DataFrame, table: str) -> pd.Series:
    rows = submissions.loc[submissions["table"] == table]
    return pd.to_datetime(rows.set_index("unit_code")["ingested_at"], utc=True)


def _candidates(
    narrative: pd.DataFrame, documents: pd.DataFrame, submissions: pd.DataFrame
) -> pd.DataFrame:
    parts = []
    for table, frame in (("narrative", narrative), ("documents", documents)):
        if len(frame):
            part = frame.loc[frame["text"].fillna("").str.strip() != ""].copy()
            part["_from"] = table
            part["_at"] = part["unit_code"].map(_received(submissions, table))
            parts.append(part)
    if not parts:
        return narrative.iloc[:0].assign(_from="", _at=pd.NaT)
    return pd.concat(parts, ignore_index=True)


def effective(
    narrative: pd.DataFrame, documents: pd.DataFrame, submissions: pd.DataFrame
) -> pd.DataFrame:
    """Return the narrative in force: per unit and section, the text received last.

    The columns are those of the ``narrative`` table (with its provenance: a section from a
    document names the document, its heading and its paragraphs).
    """
    if documents.empty:
        return narrative
    both = _candidates(narrative, documents, submissions)
    both = both.sort_values([*KEY, "_at"], na_position="first", kind="stable")
    chosen = both.drop_duplicates(KEY, keep="last")
    return chosen.reindex(columns=narrative.columns).sort_values(KEY, ignore_index=True)


def conflicts(
    narrative: pd.DataFrame, documents: pd.DataFrame, submissions: pd.DataFrame
) -> pd.DataFrame:
    """Return the sections given two different texts: ``unit_code, section_id, kept, other``.

    ``kept`` and ``other`` name the files (the one in force first) so that a clerk can see
    which text a report uses and which it does not.
    """
    columns = [*KEY, "kept", "other"]
    if documents.empty or narrative.empty:
        return pd.DataFrame(columns=columns)
    both = _candidates(narrative, documents, submissions)
    rows = []
    for (unit, section), part in both.groupby(KEY, sort=True):
        if part["_from"].nunique() < 2:
            continue
        texts = {" ".join(str(t).split()) for t in part["text"]}
        if len(texts) < 2:
            continue
        ordered = part.sort_values("_at", na_position="first")
        rows.append(
            (
                unit,
                section,
                str(ordered["source_file"].iloc[-1]),
                str(ordered["source_file"].iloc[0]),
            )
        )
    return pd.DataFrame(rows, columns=columns)


def replaced(in_force: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Return the generated paragraphs a unit's edits replace: ``unit_code, section_id, digest``.

    Only for a section whose text in force is the document's (an older edit that a newer
    workbook text replaced no longer hides anything). A generated paragraph is hidden while
    its text is the one the unit edited (same digest); once its numbers change it shows again.
    """
    columns = ["unit_code", "section_id", "digest"]
    if documents.empty or "replaces" not in documents:
        return pd.DataFrame(columns=columns)
    edits = documents.loc[documents["replaces"].fillna("").str.strip() != ""]
    live = edits.merge(in_force[[*KEY, "source_sha256"]], on=[*KEY, "source_sha256"])
    rows = [
        (r.unit_code, r.section_id, digest)
        for r in live.itertuples()
        for digest in str(r.replaces).split()
    ]
    return pd.DataFrame(rows, columns=columns)

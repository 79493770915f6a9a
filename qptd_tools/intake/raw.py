"""Raw tables: what a reader extracted from a file, before validation.

Both readers (workbooks and canonical CSV/Parquet tables) produce this shape, so that one
validator checks both. Values are still as written; locations say where each one came
from so that every problem can name its sheet and cell, or its row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from qptd_tools.core.errors import Problem
from qptd_tools.intake import layout as L
from qptd_tools.store import tables

VALUE_COLUMNS = ["unit_code", "indicator", "year", "raw", "cell", "row"]
AWARD_FIELDS = [c.field for c in L.AWARD_COLUMNS]
CONFERENCE_FIELDS = [c for c in tables.CONFERENCES if c != "unit_code"]
NARRATIVE_COLUMNS = [*tables.NARRATIVE, "cell", "row"]


def empty(columns: list[str]) -> pd.DataFrame:
    """Return an empty frame of object columns."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


@dataclass
class RawTables:
    """What one file supplies.

    Attributes
    ----------
    file
        The file's name as shown to users.
    sheet
        For a workbook, the sheet of each table; empty for a CSV or Parquet file.
    tables
        The canonical tables this file replaces for its units.
    columns
        For each table, the spreadsheet letter of each field (workbooks only), so a
        problem in row ``r`` of field ``f`` names cell ``letter + r``.
    """

    file: str
    values: pd.DataFrame = field(default_factory=lambda: empty(VALUE_COLUMNS))
    awards: pd.DataFrame = field(default_factory=lambda: empty(["unit_code", *AWARD_FIELDS, "row"]))
    conferences: pd.DataFrame = field(
        default_factory=lambda: empty(["unit_code", *CONFERENCE_FIELDS, "row"])
    )
    narrative: pd.DataFrame = field(default_factory=lambda: empty(NARRATIVE_COLUMNS))
    sheet: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    tables: tuple[str, ...] = ()
    info_cells: dict[str, str] = field(default_factory=dict)
    unit_code: str | None = None
    template_unit: str | None = None  # the unit the template was made for (hidden sheet)
    complete: set[str] = field(default_factory=set)  # sheets whose structure was read whole
    problems: list[Problem] = field(default_factory=list)
    is_sample: bool = False

    def where(self, table: str, row: int | None, column: str = "") -> dict[str, object]:
        """Return the location fields of a problem in ``table`` at ``row`` and ``column``."""
        if table == "conferences" and column in self.info_cells:
            return {"sheet": self.sheet[table], "cell": self.info_cells[column]}
        letters = self.columns.get(table, {})
        if table in self.sheet and column in letters and row is not None:
            return {"sheet": self.sheet[table], "cell": f"{letters[column]}{row}"}
        if table in self.sheet:
            return {"sheet": self.sheet[table], "row": row}
        return {"row": row, "column": column}

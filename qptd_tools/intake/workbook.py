"""Reading a unit's filled workbook into raw tables (validation happens afterwards).

Checks the workbook's structure: required sheets, header texts, year columns, merged
cells in data areas, formulas without cached values, sheet sizes. Every structural problem
is collected; a table whose structure is broken is not read further.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qptd_tools.catalog import Catalog
from qptd_tools.core.config import LIMITS
from qptd_tools.core.errors import InputRejected, Problem
from qptd_tools.intake import layout as L
from qptd_tools.intake.raw import AWARD_FIELDS, CONFERENCE_FIELDS, RawTables
from qptd_tools.intake.text import clean_text

_FORMULA = object()  # marks a formula cell whose cached value is missing


class _Reader:
    def __init__(self, path: Path, cat: Catalog):
        self.path = path
        self.cat = cat
        self.raw = RawTables(
            file=path.name, tables=("values", "awards", "conferences", "narrative")
        )
        self.problems = self.raw.problems

    def problem(self, code: str, **fields: Any) -> None:
        self.problems.append(Problem(code, file=self.path.name, **fields))

    # --- opening --------------------------------------------------------------------------
    def open(self) -> tuple[Any, Any]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                formulas = openpyxl.load_workbook(self.path, data_only=False)
                cached = None
                if any(
                    c.data_type == "f"
                    for ws in formulas.worksheets
                    for r in ws.iter_rows()
                    for c in r
                ):
                    cached = openpyxl.load_workbook(self.path, data_only=True)
        except Exception as exc:  # openpyxl raises many types on malformed parts
            raise InputRejected(
                [Problem("QPTD-E005", file=self.path.name, detail=type(exc).__name__)]
            ) from exc
        return formulas, cached

    def cell_value(self, ws: Worksheet, cached: Any, row: int, col: int) -> Any:
        cell = ws.cell(row=row, column=col)
        if cell.data_type != "f":
            return cell.value
        value = cached[ws.title].cell(row=row, column=col).value if cached is not None else None
        return _FORMULA if value is None else value

    def text(self, value: Any, sheet: str, cell: str) -> str:
        if value is _FORMULA:
            self.problem("QPTD-E015", sheet=sheet, cell=cell)
            return ""
        text, encoding = clean_text(value)
        if encoding:
            self.problem("QPTD-W101", sheet=sheet, cell=cell, value=text[:80], detail=encoding)
        return text

    def check_size(self, ws: Worksheet) -> bool:
        if ws.max_row > LIMITS.sheet_rows or ws.max_column > LIMITS.sheet_cols:
            self.problem(
                "QPTD-E011", sheet=ws.title, detail=f"{ws.max_row} dòng × {ws.max_column} cột"
            )
            return False
        return True

    def check_merged(self, ws: Worksheet, first_row: int) -> bool:
        bad = [str(r) for r in ws.merged_cells.ranges if r.max_row >= first_row]
        if bad:
            self.problem("QPTD-E014", sheet=ws.title, cell=bad[0].split(":")[0], detail=bad[0])
        return not bad

    def check_headers(self, ws: Worksheet, expected: list[str]) -> bool:
        ok = True
        for col, header in enumerate(expected, start=1):
            found, _ = clean_text(ws.cell(row=L.HEADER_ROW, column=col).value)
            if found != header:
                ref = f"{get_column_letter(col)}{L.HEADER_ROW}"
                self.problem(
                    "QPTD-E012",
                    sheet=ws.title,
                    cell=ref,
                    value=found,
                    detail=f"ô {ref} là “{found}”, cần “{header}”",
                )
                ok = False
        return ok

    # --- sheets ---------------------------------------------------------------------------
    def read_meta(self, wb: Any) -> str | None:
        if L.SHEET_META not in wb.sheetnames:
            return None
        ws = wb[L.SHEET_META]
        meta = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, 6)}
        self.raw.is_sample = str(meta.get("sample")) == "1"
        code = meta.get("unit_code")
        return None if code is None else str(code).strip()

    def read_info(self, ws: Worksheet, cached: Any) -> None:
        self.raw.sheet["conferences"] = ws.title
        record: dict[str, Any] = {}
        for offset, (name, label) in enumerate(L.INFO_FIELDS):
            row = L.INFO_FIRST_ROW + offset
            found, _ = clean_text(ws.cell(row=row, column=1).value)
            if found != label:
                self.problem(
                    "QPTD-E012",
                    sheet=ws.title,
                    cell=f"A{row}",
                    value=found,
                    detail=f"ô A{row} là “{found}”, cần “{label}”",
                )
                continue
            self.raw.info_cells[name] = f"B{row}"
            value = self.cell_value(ws, cached, row, 2)
            if name.endswith("_date") or name == "participants":
                if value is _FORMULA:
                    self.problem("QPTD-E015", sheet=ws.title, cell=f"B{row}")
                    value = None
                record[name] = value
            else:
                record[name] = self.text(value, ws.title, f"B{row}")
        code = record.pop("unit_code", "")
        name = record.pop("unit_name", "")
        record.pop("level", None)
        self.raw.unit_code = code or None
        self.unit_name = name
        if code:
            frame = {"unit_code": code, **{f: record.get(f) for f in CONFERENCE_FIELDS}}
            self.raw.conferences = pd.DataFrame([{**frame, "row": None}])

    def read_values(self, ws: Worksheet, cached: Any) -> None:
        self.raw.sheet["values"] = ws.title
        lead = [c.header for c in L.VALUE_LEAD]
        if not self.check_headers(ws, lead) or not self.check_merged(ws, L.HEADER_ROW + 1):
            return
        years: dict[int, int] = {}
        col = len(lead) + 1
        while col <= ws.max_column:
            head, _ = clean_text(ws.cell(row=L.HEADER_ROW, column=col).value)
            if head == L.VALUE_NOTE.header or head == "":
                break
            ref = f"{get_column_letter(col)}{L.HEADER_ROW}"
            if not head.isdigit() or int(head) in years.values():
                self.problem("QPTD-E013", sheet=ws.title, cell=ref, value=head, detail=f"“{head}”")
                return
            years[col] = int(head)
            col += 1
        expected = self.cat.years
        if sorted(years.values()) != expected:
            missing = sorted(set(expected) - set(years.values()))
            extra = sorted(set(years.values()) - set(expected))
            detail = "; ".join(
                part
                for part in (
                    f"thiếu năm {', '.join(map(str, missing))}" if missing else "",
                    f"thừa năm {', '.join(map(str, extra))}" if extra else "",
                )
                if part
            )
            self.problem("QPTD-E013", sheet=ws.title, cell=f"E{L.HEADER_ROW}", detail=detail)
            return
        rows = []
        for row in range(L.HEADER_ROW + 1, ws.max_row + 1):
            code = self.text(self.cell_value(ws, cached, row, 1), ws.title, f"A{row}")
            cells = {c: self.cell_value(ws, cached, row, c) for c in years}
            if not code:
                if any(v not in (None, "") for v in cells.values()):
                    self.problem("QPTD-E034", sheet=ws.title, cell=f"A{row}", value="")
                continue
            for c, year in years.items():
                ref = f"{get_column_letter(c)}{row}"
                value = cells[c]
                if value is _FORMULA:
                    self.problem("QPTD-E015", sheet=ws.title, cell=ref, indicator=code, year=year)
                    continue
                rows.append((self.raw.unit_code, code, year, value, ref, row))
        self.raw.values = pd.DataFrame(
            rows, columns=["unit_code", "indicator", "year", "raw", "cell", "row"]
        )

    def read_awards(self, ws: Worksheet, cached: Any) -> None:
        self.raw.sheet["awards"] = ws.title
        self.raw.columns["awards"] = {
            f: get_column_letter(i) for i, f in enumerate(AWARD_FIELDS, start=1)
        }
        headers = [c.header for c in L.AWARD_COLUMNS]
        if not self.check_headers(ws, headers) or not self.check_merged(ws, L.HEADER_ROW + 1):
            return
        records = []
        for row in range(L.HEADER_ROW + 1, ws.max_row + 1):
            values = {
                f: self.cell_value(ws, cached, row, i) for i, f in enumerate(AWARD_FIELDS, start=1)
            }
            if all(v is None or str(v).strip() == "" for v in values.values()):
                continue
            record: dict[str, Any] = {"unit_code": self.raw.unit_code, "row": row}
            for i, f in enumerate(AWARD_FIELDS, start=1):
                ref = f"{get_column_letter(i)}{row}"
                value = values[f]
                if f == "decision_date" and value is not _FORMULA:
                    record[f] = value
                else:
                    record[f] = self.text(value, ws.title, ref)
            records.append(record)
        if records:
            self.raw.awards = pd.DataFrame(records)

    def read_narrative(self, ws: Worksheet, cached: Any) -> None:
        self.raw.sheet["narrative"] = ws.title
        headers = [c.header for c in L.NARRATIVE_COLUMNS]
        if not self.check_headers(ws, headers) or not self.check_merged(ws, L.HEADER_ROW + 1):
            return
        rows = []
        for row in range(L.HEADER_ROW + 1, ws.max_row + 1):
            section = self.text(self.cell_value(ws, cached, row, 1), ws.title, f"A{row}")
            text = self.text(self.cell_value(ws, cached, row, 4), ws.title, f"D{row}")
            if section or text:
                rows.append((self.raw.unit_code, section, text, f"D{row}", row))
        self.raw.narrative = pd.DataFrame(
            rows, columns=["unit_code", "section_id", "text", "cell", "row"]
        )

    def read(self) -> RawTables:
        wb, cached = self.open()
        missing = [s for s in L.REQUIRED_SHEETS if s not in wb.sheetnames]
        for sheet in missing:
            self.problem("QPTD-E010", sheet=sheet)
        if missing:
            return self.raw
        sheets = {name: wb[name] for name in L.REQUIRED_SHEETS}
        if not all(self.check_size(ws) for ws in sheets.values()):
            return self.raw
        meta_code = self.read_meta(wb)
        self.read_info(sheets[L.SHEET_INFO], cached)
        code = self.raw.unit_code
        if not code:
            self.problem(
                "QPTD-E020", sheet=L.SHEET_INFO, cell=self.raw.info_cells.get("unit_code", "B4")
            )
            return self.raw
        if meta_code and meta_code != code:
            self.problem(
                "QPTD-E022",
                sheet=L.SHEET_INFO,
                cell=self.raw.info_cells["unit_code"],
                value=code,
                detail=f"trang “{L.SHEET_INFO}” ghi {code}, biểu mẫu được lập cho {meta_code}",
            )
        self.read_values(sheets[L.SHEET_VALUES], cached)
        self.read_awards(sheets[L.SHEET_AWARDS], cached)
        self.read_narrative(sheets[L.SHEET_NARRATIVE], cached)
        return self.raw


def read_workbook(path: Path, cat: Catalog) -> tuple[RawTables, str]:
    """Read a unit's workbook into raw tables.

    Parameters
    ----------
    path
        The ``.xlsx`` file (already passed :func:`qptd_tools.intake.guard.check_file`).
    cat
        The catalogues (for the review period).

    Returns
    -------
    tuple
        The raw tables (with their structural problems) and the unit name the workbook shows.
    """
    reader = _Reader(path, cat)
    raw = reader.read()
    return raw, getattr(reader, "unit_name", "")

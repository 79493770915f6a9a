"""Reading a unit's filled workbook into raw tables (validation happens afterwards).

Every sheet is read by its headers, not by fixed positions: a clerk who inserts a column or a
row keeps a readable workbook, and is told where the columns were found. Checks the
structure: required sheets, header texts, year columns, merged cells in data areas, formulas
without a cached value (a formula whose cached result is an empty string is an empty cell),
sheet sizes, total rows added by hand. Every structural problem is collected; a table whose
structure is broken is not read further.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qptd_tools.catalog import Catalog
from qptd_tools.core.config import LIMITS
from qptd_tools.core.errors import InputRejected, Problem
from qptd_tools.core.vnformat import fold
from qptd_tools.intake import layout as L
from qptd_tools.intake.guard import BROKEN_INSIDE
from qptd_tools.intake.raw import AWARD_FIELDS, CONFERENCE_FIELDS, RawTables
from qptd_tools.intake.text import clean_text

_FORMULA = object()  # marks a formula cell whose cached value is missing
_SCAN_ROWS = 30  # headers and labels are looked for in the first rows and columns
_SCAN_COLS = 40
_TOTAL_WORDS = ("cong", "tong")  # "Cộng", "Tổng", "Tổng cộng", "TỔNG SỐ": a total row


def _is_total(text: str) -> bool:
    words = fold(text).replace(":", " ").split()
    return bool(words) and words[0] in _TOTAL_WORDS


@dataclass
class _Header:
    """Where a table's header row is and which column holds each field (1-based).

    ``shifts`` says in words how the clerk's inserted rows or columns moved it.
    """

    row: int
    columns: dict[str, int]
    shifts: list[str]


class _Reader:
    def __init__(self, path: Path, cat: Catalog):
        self.path = path
        self.cat = cat
        self.raw = RawTables(
            file=path.name, tables=("values", "awards", "conferences", "narrative")
        )
        self.problems = self.raw.problems
        self.unit_name = ""

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
                [Problem("QPTD-E005", file=self.path.name, detail=BROKEN_INSIDE)]
            ) from exc
        return formulas, cached

    def cell_value(self, ws: Worksheet, cached: Any, row: int, col: int) -> Any:
        cell = ws.cell(row=row, column=col)
        if cell.data_type != "f":
            return cell.value
        if cached is None:
            return _FORMULA
        result = cached[ws.title].cell(row=row, column=col)
        if result.value is None:
            # LibreOffice and Excel store a formula's empty text result as t="str" with an
            # empty value: an empty cell. A formula never calculated has no type of result.
            return "" if result.data_type in ("s", "str") else _FORMULA
        return result.value

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

    # --- headers --------------------------------------------------------------------------
    def header(self, ws: Worksheet, expected: list[L.Column]) -> _Header | None:
        """Find the header row (by its first header) and the column of every expected field.

        A header that is missing is reported at the cell where the template put it, shifted
        as the clerk's inserted columns or rows shifted the first one.
        """
        first = fold(expected[0].header)
        rows = min(ws.max_row, _SCAN_ROWS)
        cols = min(ws.max_column, _SCAN_COLS)
        found = None
        for r in range(1, rows + 1):
            for c in range(1, cols + 1):
                if fold(clean_text(ws.cell(row=r, column=c).value)[0]) == first:
                    found = (r, c)
                    break
            if found:
                break
        if found is None:
            ref = f"A{L.HEADER_ROW}"
            shown = clean_text(ws[ref].value)[0]
            self.problem("QPTD-E012", sheet=ws.title, cell=ref, value=shown,
                         detail=f"ô {ref} là “{shown}”, cần “{expected[0].header}”")  # fmt: skip
            return None
        row, start = found
        shifts = []
        if row != L.HEADER_ROW:
            shifts.append(
                f"dòng phía trên tiêu đề (tiêu đề ở dòng {row} thay vì dòng {L.HEADER_ROW})"
            )
        if start != 1:
            shifts.append(f"cột phía trước (cột “{expected[0].header}” ở cột "
                          f"{get_column_letter(start)} thay vì A)")  # fmt: skip
        texts = {
            fold(clean_text(ws.cell(row=row, column=c).value)[0]): c
            for c in range(1, ws.max_column + 1)
        }
        columns: dict[str, int] = {}
        ok = True
        for index, column in enumerate(expected):
            where = texts.get(fold(column.header))
            if where is not None:
                columns[column.field] = where
                continue
            if column.optional:
                continue
            ref = f"{get_column_letter(start + index)}{row}"
            shown = clean_text(ws[ref].value)[0]
            self.problem("QPTD-E012", sheet=ws.title, cell=ref, value=shown,
                         detail=f"ô {ref} là “{shown}”, cần “{column.header}”")  # fmt: skip
            ok = False
        return _Header(row, columns, shifts) if ok else None

    def say_shifts(self, ws: Worksheet, head: _Header) -> None:
        """Tell once per sheet how inserted rows or columns moved the table (QPTD-W110)."""
        if head.shifts:
            first = min(head.columns.values())
            self.problem("QPTD-W110", sheet=ws.title, cell=f"{get_column_letter(first)}{head.row}",
                         detail="; ".join(head.shifts))  # fmt: skip

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
        labels = {
            fold(clean_text(ws.cell(row=r, column=1).value)[0]): r
            for r in range(1, min(ws.max_row, _SCAN_ROWS + len(L.INFO_FIELDS)) + 1)
        }
        record: dict[str, Any] = {}
        for offset, (name, label) in enumerate(L.INFO_FIELDS):
            row = labels.get(fold(label))
            if row is None:
                if name in L.INFO_OPTIONAL:
                    continue
                ref = f"A{L.INFO_FIRST_ROW + offset}"
                found = clean_text(ws[ref].value)[0]
                self.problem("QPTD-E012", sheet=ws.title, cell=ref, value=found,
                             detail=f"ô {ref} là “{found}”, cần “{label}”")  # fmt: skip
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
        self.unit_name = record.pop("unit_name", "")
        record.pop("level", None)
        self.raw.unit_code = code or None
        if code:
            frame = {"unit_code": code, **{f: record.get(f) for f in CONFERENCE_FIELDS}}
            self.raw.conferences = pd.DataFrame([{**frame, "row": None}])

    def year_columns(self, ws: Worksheet, head: _Header) -> dict[int, int] | None:
        """Return ``{column: year}`` of the values sheet, or None after reporting what is wrong."""
        years: dict[int, int] = {}
        for col in range(1, ws.max_column + 1):
            value = ws.cell(row=head.row, column=col).value
            text = clean_text(value)[0]
            if not (text.isdigit() and len(text) == 4):
                continue
            ref = f"{get_column_letter(col)}{head.row}"
            if int(text) in years.values():
                self.problem("QPTD-E013", sheet=ws.title, cell=ref, value=text,
                             detail=f"năm {text} có hai cột")  # fmt: skip
                return None
            years[col] = int(text)
        expected = self.cat.years
        missing = sorted(set(expected) - set(years.values()))
        extra = sorted(set(years.values()) - set(expected))
        if missing or extra:
            parts = [f"thiếu cột năm {', '.join(map(str, missing))}" if missing else "",
                     f"có cột năm ngoài kỳ sơ kết {', '.join(map(str, extra))}" if extra else ""]  # fmt: skip
            ref = f"{get_column_letter(min(years) if years else 1)}{head.row}"
            self.problem("QPTD-E013", sheet=ws.title, cell=ref,
                         detail="; ".join(p for p in parts if p))  # fmt: skip
            return None
        first_col = min(years)
        template_col = max(head.columns.values()) + 1  # right after the lead columns
        if first_col != template_col:
            head.shifts.append(
                f"cột trước các cột năm (cột năm {expected[0]} ở cột {get_column_letter(first_col)} "
                f"thay vì {get_column_letter(template_col)})"
            )
        return years

    def total_label(self, ws: Worksheet, row: int, code: str, name_col: int | None) -> str | None:
        """Return the words of a total row a clerk added ("Cộng", "Tổng cộng"), else None."""
        if _is_total(code):
            return code
        name = clean_text(ws.cell(row=row, column=name_col).value)[0] if name_col else ""
        return name if not code and _is_total(name) else None

    def read_values(self, ws: Worksheet, cached: Any) -> None:
        self.raw.sheet["values"] = ws.title
        head = self.header(ws, list(L.VALUE_LEAD))
        if head is None or not self.check_merged(ws, head.row + 1):
            return
        years = self.year_columns(ws, head)
        if years is None:
            return
        self.say_shifts(ws, head)
        code_col, name_col = head.columns["indicator"], head.columns.get("name")
        known = set(self.cat.indicators["code"])
        names = dict(zip(self.cat.indicators["code"], self.cat.indicators["name"], strict=True))
        rows = []
        for row in range(head.row + 1, ws.max_row + 1):
            code_ref = f"{get_column_letter(code_col)}{row}"
            code = self.text(self.cell_value(ws, cached, row, code_col), ws.title, code_ref)
            cells = {c: self.cell_value(ws, cached, row, c) for c in years}
            filled = any(v not in (None, "") for v in cells.values())
            if code in known:
                pass
            elif (total := self.total_label(ws, row, code, name_col)) is not None:
                where = code_ref if code else f"{get_column_letter(name_col or code_col)}{row}"
                self.problem("QPTD-W111", sheet=ws.title, cell=where, row=row, value=total)
                continue
            elif not code:
                if filled:
                    self.problem("QPTD-E029", sheet=ws.title, cell=code_ref, row=row)
                continue
            for c, year in years.items():
                ref = f"{get_column_letter(c)}{row}"
                value = cells[c]
                if value is _FORMULA:
                    self.problem("QPTD-E015", sheet=ws.title, cell=ref, indicator=code, year=year,
                                 indicator_name=names.get(code, ""))  # fmt: skip
                    continue
                rows.append((self.raw.unit_code, code, year, value, ref, row))
        self.raw.values = pd.DataFrame(
            rows, columns=["unit_code", "indicator", "year", "raw", "cell", "row"]
        )
        self.raw.complete.add("values")

    def read_awards(self, ws: Worksheet, cached: Any) -> None:
        self.raw.sheet["awards"] = ws.title
        head = self.header(ws, list(L.AWARD_COLUMNS))
        if head is None or not self.check_merged(ws, head.row + 1):
            return
        self.say_shifts(ws, head)
        where = head.columns
        self.raw.columns["awards"] = {f: get_column_letter(where[f]) for f in AWARD_FIELDS}
        records = []
        for row in range(head.row + 1, ws.max_row + 1):
            values = {f: self.cell_value(ws, cached, row, where[f]) for f in AWARD_FIELDS}
            if all(v is None or str(v).strip() == "" for v in values.values()):
                continue
            record: dict[str, Any] = {"unit_code": self.raw.unit_code, "row": row}
            for f in AWARD_FIELDS:
                ref = f"{get_column_letter(where[f])}{row}"
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
        head = self.header(ws, list(L.NARRATIVE_COLUMNS))
        if head is None or not self.check_merged(ws, head.row + 1):
            return
        self.say_shifts(ws, head)
        section_col, text_col = head.columns["section_id"], head.columns["text"]
        letter = get_column_letter(text_col)
        rows = []
        for row in range(head.row + 1, ws.max_row + 1):
            section = self.text(
                self.cell_value(ws, cached, row, section_col), ws.title,
                f"{get_column_letter(section_col)}{row}",
            )  # fmt: skip
            text = self.text(self.cell_value(ws, cached, row, text_col), ws.title, f"{letter}{row}")
            if section or text:
                rows.append((self.raw.unit_code, section, text, f"{letter}{row}", row))
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
        self.raw.template_unit = meta_code
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
        The catalogues (for the review period and the indicator codes).

    Returns
    -------
    tuple
        The raw tables (with their structural problems) and the unit name the workbook shows.
    """
    reader = _Reader(path, cat)
    raw = reader.read()
    return raw, reader.unit_name

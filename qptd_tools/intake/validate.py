"""Validating raw tables against the catalogues; producing canonical tables.

Every problem of a file is collected in one pass (never raised one at a time). Rows with
errors are left out of the canonical tables, but since a file with any error is rejected
whole, that only matters for listing further problems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from qptd_tools.catalog import Catalog
from qptd_tools.catalog.schemas import UNIT_CODE_RE
from qptd_tools.core import vnformat
from qptd_tools.core.errors import Problem
from qptd_tools.intake import layout as L
from qptd_tools.intake.parse import ParseAmbiguous, ParseFailed, parse_date, parse_number
from qptd_tools.intake.raw import RawTables
from qptd_tools.intake.text import clean_text, fold
from qptd_tools.store import tables

MAX_VALUE = 1e9  # no unit's yearly figure comes near: a larger one is a typing error
MARKERS = {"-", "–", "—", "x", "X", ".", "…", "...", "không", "chưa", "chưa có"}


def _plain(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _shown(value: Any) -> str:
    """Return a cell's value as a Vietnamese reader writes it: "-5", "2", "14,5"."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        return vnformat.number(value, 10)
    return _plain(value)


def _lookup(value: str, names: dict[str, str]) -> str | None:
    """Return the code of a drop-down value given as code, "code – name" or name."""
    if not value:
        return None
    head = value.split(L.CODE_SEPARATOR)[0].strip()
    for candidate in (value, head):
        if candidate in names:
            return candidate
        key = fold(candidate)
        for code, name in names.items():
            if key in (fold(code), fold(name)):
                return code
    return None


@dataclass(frozen=True)
class _Lookups:
    """The catalogue as the validator looks it up, built once per catalogue."""

    units: pd.DataFrame
    indicators: pd.DataFrame
    ind: dict[str, dict[str, Any]]
    level: dict[str, str]
    inputs: dict[str, list[tuple[str, str]]]  # level: (code, name) of its input indicators


_LOOKUPS: dict[int, tuple[Catalog, _Lookups]] = {}


def _lookups(cat: Catalog) -> _Lookups:
    held = _LOOKUPS.get(id(cat))
    if held is not None and held[0] is cat:
        return held[1]
    indicators = cat.indicators.set_index("code")
    found = _Lookups(
        units=cat.units.set_index("unit_code"),
        indicators=indicators,
        ind=indicators.to_dict("index"),
        level=dict(zip(cat.units["unit_code"], cat.units["level"], strict=True)),
        inputs={
            str(lv): list(zip(part["code"], part["name"], strict=True))
            for lv in cat.levels["code"]
            for part in [cat.indicators_for(str(lv), inputs_only=True)]
        },
    )
    _LOOKUPS.clear()  # one catalogue in use at a time; keep no others alive
    _LOOKUPS[id(cat)] = (cat, found)
    return found


class _Validator:
    def __init__(self, raw: RawTables, cat: Catalog, shown_name: str):
        self.raw = raw
        self.cat = cat
        self.shown_name = shown_name
        self.look = _lookups(cat)
        self.units = self.look.units
        self.indicators = self.look.indicators
        self.ind = self.look.ind
        self.level = self.look.level
        self.bad_units: set[str] = set()

    def problem(self, code: str, table: str, row: Any = None, column: str = "", **kw: Any) -> None:
        where = self.raw.where(table, None if row is None or pd.isna(row) else int(row), column)
        self.raw.problems.append(Problem(code, file=self.raw.file, **{**where, **kw}))

    def clean(self, value: Any, table: str, row: Any, column: str) -> str:
        """Return clean text; a legacy-encoding repair is listed (QPTD-W101)."""
        text, encoding = clean_text(_plain(value))
        if encoding:
            self.problem("QPTD-W101", table, row, column, value=text[:80], detail=encoding)
        return text

    def date(self, value: Any, table: str, row: Any, column: str) -> dt.date | None:
        """Return a date; an ambiguous writing is listed (QPTD-W109). Raises ParseFailed."""
        parsed = parse_date(value)
        if parsed.note and parsed.value is not None:
            detail = f"{parsed.value:%d/%m/%Y} ({parsed.note})"
            self.problem("QPTD-W109", table, row, column, value=_plain(value), detail=detail)
        return parsed.value

    # --- units ---------------------------------------------------------------------------
    def check_units(self) -> None:
        seen: dict[str, tuple[str, Any]] = {}
        if self.raw.unit_code:
            seen[self.raw.unit_code] = ("conferences", None)
        for table in tables.WORKBOOK_TABLES:
            frame = getattr(self.raw, table)
            for code, row in zip(frame["unit_code"], frame["row"], strict=True):
                text = _plain(code).strip()
                seen.setdefault(text, (table, row))
        for code, (table, row) in seen.items():
            column = "unit_code"
            if not code:
                self.problem("QPTD-E020", table, row, column)
            elif not UNIT_CODE_RE.match(code):
                self.problem("QPTD-E023", table, row, column, value=code)
            elif code not in self.units.index:
                self.problem("QPTD-E021", table, row, column, value=code)
            else:
                continue
            self.bad_units.add(code)
        code = self.raw.unit_code
        if code and code not in self.bad_units and self.shown_name:
            official = str(self.units.at[code, "name"])
            if fold(self.shown_name) != fold(official):
                self.problem(
                    "QPTD-W103", "conferences", None, "unit_name", value=self.shown_name,
                    detail=f"danh mục: {official}",
                )  # fmt: skip

    # --- indicator values ------------------------------------------------------------------
    def values(self) -> pd.DataFrame:
        raw = self.raw.values
        out: list[tuple[str, int, str, float, str, Any]] = []
        reported: set[tuple[str, str, Any]] = set()
        seen: set[tuple[str, int, str]] = set()
        years = set(self.cat.years)
        for rec in raw.itertuples(index=False):
            unit = _plain(rec.unit_code).strip()
            if unit in self.bad_units:
                continue
            code, _ = clean_text(rec.indicator)
            key = (unit, code, rec.row if self.raw.sheet else id(rec))
            first = key not in reported
            reported.add(key)

            def report(problem: str, row: Any = rec.row, first: bool = first, **kw: Any) -> None:
                if first:
                    self.problem(problem, "values", row, "indicator", **kw)

            ind = self.ind.get(code)
            if ind is None:
                report("QPTD-E034", value=code)
                continue
            named: dict[str, Any] = {"indicator": code, "indicator_name": str(ind["name"])}
            if ind["kind"] == "ratio":
                report("QPTD-E039", **named)
                continue
            level = self.level[unit]
            if level not in ind["levels"]:
                report("QPTD-E035", **named, detail=self.cat.level_name(level).lower())
                continue
            cell = {"cell": rec.cell} if rec.cell else {}
            loc = dict(table="values", row=rec.row, column="year" if not rec.cell else "")
            try:
                year = int(float(_plain(rec.year)))
            except ValueError:
                self.problem("QPTD-E037", **loc, value=_plain(rec.year), detail="không phải năm")
                continue
            if year not in years:
                period = self.cat.period_text
                self.problem("QPTD-E037", **loc, value=str(year), detail=period)
                continue
            vloc = dict(table="values", row=rec.row, column="value", year=year, **named)
            vloc.update(cell)
            if isinstance(rec.raw, dt.date | dt.datetime | bool):
                kind = "ngày" if not isinstance(rec.raw, bool) else "giá trị đúng/sai"
                shown = (vnformat.date_prose(rec.raw) if not isinstance(rec.raw, bool)
                         else ("TRUE" if rec.raw else "FALSE"))  # fmt: skip
                self.problem("QPTD-E019", **vloc, value=shown, detail=kind)
                continue
            try:
                parsed = parse_number(rec.raw)
            except ParseAmbiguous as exc:
                low, high = (vnformat.number(v, 10) for v in exc.readings)
                self.problem(
                    "QPTD-E027", **vloc, value=_shown(rec.raw), detail=f"{low} hoặc {high}"
                )
                continue
            except ParseFailed:
                self.problem("QPTD-E030", **vloc, value=_shown(rec.raw)[:60])
                continue
            if parsed.marker:
                self.problem("QPTD-W112", **vloc, value=parsed.marker)
            if parsed.value is None:
                continue
            value = parsed.value
            if abs(value) > MAX_VALUE:
                self.problem("QPTD-E018", **vloc, value=_shown(rec.raw)[:40])
                continue
            if parsed.percent and ind["unit"] != "%":
                self.problem("QPTD-E028", **vloc, value=_shown(rec.raw), detail=str(ind["unit"]))
                continue
            if parsed.note:
                self.problem("QPTD-W102", **vloc, value=_shown(rec.raw), detail=parsed.note)
            if value < 0:
                self.problem("QPTD-E031", **vloc, value=_shown(rec.raw))
                continue
            if ind["kind"] == "flag" and value not in (0, 1):
                self.problem("QPTD-E033", **vloc, value=_shown(rec.raw))
                continue
            if ind["integer"] and not float(value).is_integer():
                self.problem("QPTD-E032", **vloc, value=_shown(rec.raw), detail=str(ind["unit"]))
                continue
            if (unit, year, code) in seen:
                place = self.cat.place(unit) if unit in self.units.index else unit
                self.problem(
                    "QPTD-E036", **vloc, detail=f"chỉ tiêu này, năm {year}, của {place} có hai dòng"
                )
                continue
            seen.add((unit, year, code))
            out.append((unit, year, code, value, rec.cell or "", rec.row))
        frame = pd.DataFrame(
            out, columns=["unit_code", "year", "indicator", "value", "cell", "row"]
        )
        self.check_bounds(frame)
        self.check_rows(raw)
        return frame

    def check_rows(self, raw: pd.DataFrame) -> None:
        """Say which indicator rows a workbook lost (a deleted row: QPTD-W105)."""
        unit = self.raw.unit_code
        if "values" not in self.raw.complete or not unit or unit in self.bad_units:
            return
        if unit not in self.units.index:
            return
        present = {clean_text(v)[0] for v in raw["indicator"].unique()}
        for code, name in self.look.inputs[self.level[unit]]:
            if code not in present:
                self.problem("QPTD-W105", "values", None, "indicator", indicator=code,
                             indicator_name=name)  # fmt: skip

    def check_bounds(self, frame: pd.DataFrame) -> None:
        bounded = self.indicators.loc[self.indicators["max_of"] != ""]
        if frame.empty or bounded.empty:
            return
        by_key = frame.set_index(["unit_code", "year", "indicator"])["value"]
        for part in frame.loc[frame["indicator"].isin(bounded.index)].itertuples(index=False):
            whole = str(bounded.at[part.indicator, "max_of"])
            total = by_key.get((part.unit_code, part.year, whole))
            if total is not None and part.value > total:
                loc = {"cell": part.cell} if part.cell else {}
                self.problem(
                    "QPTD-E038", "values", part.row, "value", indicator=part.indicator,
                    indicator_name=str(self.ind[part.indicator]["name"]), year=int(part.year),
                    value=vnformat.number(part.value, 10),
                    detail=f"{self.ind[whole]['name']} ({whole}) cùng năm ({vnformat.number(total, 10)})",
                    **loc,
                )  # fmt: skip

    # --- award records ---------------------------------------------------------------------
    def awards(self) -> pd.DataFrame:
        groups = dict(
            zip(self.cat.recipient_groups["code"], self.cat.recipient_groups["name"], strict=True)
        )
        group_type = dict(
            zip(
                self.cat.recipient_groups["code"],
                self.cat.recipient_groups["recipient_type"],
                strict=True,
            )
        )
        forms = dict(zip(self.cat.award_forms["code"], self.cat.award_forms["name"], strict=True))
        levels = dict(
            zip(self.cat.collective_levels["code"], self.cat.collective_levels["name"], strict=True)
        )
        headers = {c.field: c.header for c in L.AWARD_COLUMNS}
        out = []
        ids: set[tuple[str, str]] = set()
        for rec in self.raw.awards.to_dict("records"):
            unit = _plain(rec["unit_code"]).strip()
            if unit in self.bad_units:
                continue
            row = rec.get("row")
            text = {
                f: self.clean(rec.get(f), "awards", row, f)
                for f in tables.AWARDS
                if f != "decision_date"
            }
            missing = [
                f
                for f in ("recipient_type", "recipient_name", "recipient_group", "form", "status")
                if not text[f]
            ]
            if missing:
                self.problem(
                    "QPTD-E040",
                    "awards",
                    row,
                    missing[0],
                    detail=", ".join(headers[f] for f in missing),
                )
                continue
            rtype = _lookup(text["recipient_type"], L.RECIPIENT_TYPES)
            group = _lookup(text["recipient_group"], groups)
            form = _lookup(text["form"], forms)
            status = _lookup(text["status"], L.STATUSES)
            ok = True
            for value, found, code, column in (
                (text["recipient_type"], rtype, "QPTD-E042", "recipient_type"),
                (text["recipient_group"], group, "QPTD-E043", "recipient_group"),
                (text["form"], form, "QPTD-E041", "form"),
                (text["status"], status, "QPTD-E045", "status"),
            ):
                if found is None:
                    self.problem(code, "awards", row, column, value=value)
                    ok = False
            if ok and group_type[group] != rtype:
                detail = f"{text['recipient_type']} nhưng nhóm {group}"
                self.problem("QPTD-E044", "awards", row, "recipient_group", detail=detail)
                ok = False
            gender = None
            if text["gender"]:
                gender = _lookup(text["gender"], L.GENDERS)
                if gender is None:
                    self.problem("QPTD-E046", "awards", row, "gender", value=text["gender"])
                    ok = False
            level = None
            if text["collective_level"]:
                level = _lookup(text["collective_level"], levels)
                if level is None:
                    self.problem(
                        "QPTD-E049",
                        "awards",
                        row,
                        "collective_level",
                        value=text["collective_level"],
                    )
                    ok = False
            try:
                decided = self.date(rec.get("decision_date"), "awards", row, "decision_date")
            except ParseFailed:
                self.problem(
                    "QPTD-E047",
                    "awards",
                    row,
                    "decision_date",
                    value=_plain(rec.get("decision_date")),
                )
                ok = False
                decided = None
            record_id = text["record_id"] or f"{unit}-{int(row):04d}"
            if (unit, record_id) in ids:
                self.problem("QPTD-E048", "awards", row, "record_id", value=record_id)
                ok = False
            ids.add((unit, record_id))
            if not ok:
                continue
            if status == "quyet_dinh" and not (text["decision_no"] and decided):
                lacking = " và ".join(
                    w
                    for w, have in (
                        ("số quyết định", text["decision_no"]),
                        ("ngày quyết định", decided),
                    )
                    if not have
                )
                where = "decision_no" if not text["decision_no"] else "decision_date"
                self.problem("QPTD-W106", "awards", row, where, detail=lacking)
            if status == "de_nghi" and (text["decision_no"] or decided):
                shown = " và ".join(w for w, have in (("số quyết định", text["decision_no"]),
                                                       ("ngày quyết định", decided)) if have)  # fmt: skip
                self.problem("QPTD-W115", "awards", row, "status", detail=shown)
            if rtype == "tap_the" and (gender or text["ethnicity"]):
                shown = " và ".join(w for w, have in (("giới tính", gender), ("dân tộc", text["ethnicity"]))
                                    if have)  # fmt: skip
                self.problem("QPTD-W114", "awards", row, "gender" if gender else "ethnicity",
                             detail=shown)  # fmt: skip
                gender, text["ethnicity"] = None, ""
            letters = self.raw.columns.get("awards", {})
            cell = f"A{row}:{letters.get('decision_date', 'L')}{row}" if letters else ""
            out.append({
                **text, "unit_code": unit, "record_id": record_id, "recipient_type": rtype,
                "recipient_group": group, "form": form, "status": status, "gender": gender,
                "collective_level": level, "decision_date": decided, "cell": cell, "row": row,
            })  # fmt: skip
        return pd.DataFrame(out, columns=[*tables.AWARDS, "cell", "row"])

    # --- conference and report dates -------------------------------------------------------
    def conferences(self) -> pd.DataFrame:
        low, high = self.cat.review.date_window
        out = []
        for rec in self.raw.conferences.to_dict("records"):
            unit = _plain(rec["unit_code"]).strip()
            if unit in self.bad_units:
                continue
            row = rec.get("row")
            cells = self.raw.info_cells
            span = ""
            if "conference_date" in cells and "participants" in cells:
                span = f"{cells['conference_date']}:{cells['participants']}"
            record: dict[str, Any] = {"unit_code": unit, "row": row, "cell": span}
            ok = True
            for name in ("conference_date", "report_submitted_date"):
                try:
                    day = self.date(rec.get(name), "conferences", row, name)
                except ParseFailed:
                    label = dict(L.INFO_FIELDS).get(name, name)
                    self.problem(
                        "QPTD-E050",
                        "conferences",
                        row,
                        name,
                        value=_plain(rec.get(name)),
                        detail=label,
                    )
                    ok = False
                    continue
                if day and not low <= day <= high:
                    window = f"từ {vnformat.date_prose(low)} đến {vnformat.date_prose(high)}"
                    self.problem("QPTD-E052", "conferences", row, name,
                                 value=vnformat.date_prose(day), detail=window)  # fmt: skip
                    ok = False
                record[name] = day
            people = rec.get("participants")
            try:
                count = parse_number(people).value
                if count is not None and (count < 0 or not float(count).is_integer()):
                    raise ParseFailed(str(people))
                record["participants"] = None if count is None else int(count)
            except ParseFailed:
                self.problem("QPTD-E051", "conferences", row, "participants", value=_plain(people))
                ok = False
            for name in ("chair", "contact_name", "contact_phone", "contact_email", "signer_name",
                         "signer_title"):  # fmt: skip
                record[name] = self.clean(rec.get(name), "conferences", row, name) or None
            digits = str(record["contact_phone"] or "").removesuffix(".0")
            if digits.isdigit() and len(digits) == 9 and not digits.startswith("0"):
                record["contact_phone"] = "0" + digits  # a number cell lost the leading zero
                self.problem("QPTD-W116", "conferences", row, "contact_phone", value=digits,
                             detail="0" + digits)  # fmt: skip
            if ok:
                out.append(record)
        return pd.DataFrame(out, columns=[*tables.CONFERENCES, "cell", "row"])

    # --- narrative -------------------------------------------------------------------------
    def narrative(self) -> pd.DataFrame:
        outline = self.cat.outline
        allowed = set(outline.loc[outline["narrative"] != "none", "section_id"])
        out = []
        seen: set[tuple[str, str]] = set()
        for rec in self.raw.narrative.to_dict("records"):
            unit = _plain(rec["unit_code"]).strip()
            if unit in self.bad_units:
                continue
            row = rec.get("row")
            section = clean_text(_plain(rec.get("section_id")))[0]
            text = self.clean(rec.get("text"), "narrative", row, "text")
            if text.strip().lower() in MARKERS:
                self.problem("QPTD-W113", "narrative", row, "text", value=text.strip())
                text = ""
            if section not in allowed:
                self.problem("QPTD-E060", "narrative", row, "section_id", value=section)
                continue
            if (unit, section) in seen:
                self.problem("QPTD-E061", "narrative", row, "section_id", value=section)
                continue
            seen.add((unit, section))
            if text:
                out.append(
                    {
                        "unit_code": unit,
                        "section_id": section,
                        "text": text,
                        "cell": rec.get("cell") or "",
                        "row": row,
                    }
                )
        return pd.DataFrame(out, columns=[*tables.NARRATIVE, "cell", "row"])


def validate_raw(raw: RawTables, cat: Catalog, shown_name: str = "") -> dict[str, pd.DataFrame]:
    """Validate raw tables; return canonical tables (problems go to ``raw.problems``).

    Parameters
    ----------
    raw
        What a reader extracted from one file.
    cat
        The catalogues to validate against.
    shown_name
        The unit name the workbook shows (compared with the registry).

    Returns
    -------
    dict
        For each table the file supplies, its rows in canonical form plus ``cell``/``row``.
    """
    checker = _Validator(raw, cat, shown_name)
    checker.check_units()
    return {name: getattr(checker, name)() for name in raw.tables}

"""The appendix of a unit report: numbered tables and figures, each with its source line.

A mixin of :class:`qptd_tools.report.unit.UnitReport` (it uses the report's context, catalogue
and emitter). Bảng 1 summarises every indicator (a percentage's change in points, a note that
says how each kind's period value is computed); Bảng 2 gives the key indicators year by year
with their unit of measure (printed on a landscape page: a number never wraps); the sub-units
are compared by group (the sub-units that roll up, the departments, the armed forces), each
group with its subtotal and a note on how it enters the unit's total. Cell-level provenance
goes to ``nguon-so-lieu.xlsx`` beside the report; the document keeps one line per source.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from qptd_tools.core import vnformat
from qptd_tools.core.fsutil import atomic_write_bytes, normalize_zip, safe_cell
from qptd_tools.report import figures, narrative
from qptd_tools.report.emitter import shown_together

if TYPE_CHECKING:
    from qptd_tools.catalog import Catalog
    from qptd_tools.report.context import UnitContext

SOURCES_FILE = "nguon-so-lieu.xlsx"
LIST_LIMIT = 20  # source files listed one per line up to this many; above, counted by kind


class Appendix:
    """The appendix parts of a unit report."""

    ctx: UnitContext
    cat: Catalog
    out: Path
    emit: Any
    document: Any
    table: Any
    figure: Any
    prune_figure_cache: Any
    paragraph: Any
    compilation_table: Any  # report.compiled
    indicators: pd.DataFrame  # the indicator catalogue worded for the unit's level
    _mine: pd.DataFrame  # the unit's own period summary

    # --- shared ---------------------------------------------------------------------------
    @functools.cached_property
    def _meta(self) -> dict[str, dict[str, Any]]:
        """The indicator catalogue as ``{code: row}`` (looked up once per cell otherwise)."""
        return dict(self.indicators.set_index("code").to_dict("index"))

    def _label(self, code: str) -> tuple[str, str]:
        meta = self._meta[code]
        return str(meta["name"]), str(meta["unit"])

    @property
    def _period(self) -> str:
        return f"{self.ctx.years[0]} - {self.ctx.years[-1]}"

    def _number(self, value: Any, unit: str) -> str:
        return vnformat.number(value, 1, fixed=True) if unit == "%" else vnformat.number(value, 1)

    @functools.cached_property
    def _source_line(self) -> str:
        """Where the unit's own figures come from, in one line."""
        kids = self.cat.rollup_children(self.ctx.unit_code)
        own = f"biểu mẫu số liệu sơ kết của {self.cat.place(self.ctx.unit_code)}"
        if kids.empty:
            return f"Nguồn: {own}."
        groups = []
        for level in self.cat.levels.sort_values("order").itertuples():
            part = kids.loc[kids["level"] == level.code]
            if len(part):
                kind = self.cat.kinds(part) if level.territorial else f"các {level.plural}"
                groups.append(f"{len(part)} {kind.removeprefix('các ')}")
        return f"Nguồn: {own} và của {' và '.join(groups)} trực thuộc; tổng hợp theo quy tắc tại Bảng 1."

    def _plain(self, code: str) -> str:
        """Return an indicator's short label as a sentence says it: "dân số", "DQTV so với dân số"."""
        label = re.sub(r"\s*\([^)]*\)$", "", str(self._meta[code]["short_label"]))
        return label if label[1:2].isupper() else label[:1].lower() + label[1:]

    # --- the appendix ---------------------------------------------------------------------
    @shown_together
    def appendix(self) -> None:
        """Emit the appendix: its heading, what it is attached to, tables, figures, sources."""
        self.emit({"kind": "marker", "name": "appendix"})
        self.emit({"kind": "heading", "section_id": "PL", "level": "part", "label": "PHỤ LỤC",
                   "title": "SỐ LIỆU, BIỂU ĐỒ MINH HỌA"})  # fmt: skip
        self.paragraph(self.attached_to(), "attached")
        self.summary_table()
        self.series_table()
        self.trend_figures()
        self.children_table()
        self.children_figure()
        self.compilation_table()
        self.award_tables()
        self.deadline_figure()
        self.sources()
        self.prune_figure_cache()

    def attached_to(self) -> str:
        """Return "(Kèm theo Báo cáo số …/BC-UBND ngày … của UBND huyện Ba Bể)"."""
        meta = self.document()
        number = meta.get("number") or "\u00a0" * 6
        issuer = self.cat.place(self.ctx.unit_code)
        body = (
            f"Ủy ban nhân dân {issuer}"
            if meta["level"] in ("tinh", "huyen", "xa")
            else str(self.ctx.unit["name"])
        )
        return f"(Kèm theo Báo cáo số {number}/{meta['symbol']} {meta['date_text']} của {body})"

    def summary_table(self) -> None:
        """Bảng: the period summary of every indicator, its change, how each is computed."""
        mine = self._mine.set_index("indicator")
        order = [c for c in self.indicators["code"] if c in mine.index]
        first, last = self.ctx.years[0], self.ctx.years[-1]
        rows, sources = [], []
        for code in order:
            r = mine.loc[code]
            name, unit = self._label(code)
            rows.append([name, unit, self._number(r["first_value"], unit), self._number(r["last_value"], unit),
                         self._number(r["period_value"], unit), _change_cell(r, unit)])  # fmt: skip
            sources.append(["", "", *self._sources(code, r)])
        estimated = " (ước)" if last in self.cat.review.estimated_years else ""
        columns = ["Chỉ tiêu", "Đơn vị tính", f"Năm {first}", f"Năm {last}{estimated}", "Cả giai đoạn",
                   f"Tăng (+), giảm (−) năm {last} so với năm {first}"]  # fmt: skip
        self.table(f"Kết quả thực hiện các chỉ tiêu chủ yếu giai đoạn {self._period}", pd.DataFrame(rows, columns=columns),
                   ["left", "center", "right", "right", "right", "right"], sources, note=self._summary_note(order),
                   source=self._source_line)  # fmt: skip

    def _summary_note(self, order: list[str]) -> str:
        """Say truthfully how the period value of each kind of row in Bảng 1 is computed."""
        n, last, meta = len(self.ctx.years), self.ctx.years[-1], self._meta
        ratios = [c for c in order if meta[c]["kind"] == "ratio"]

        def of(kind: tuple[str, ...]) -> list[str]:
            return [c for c in ratios if meta.get(meta[c]["numerator"], {}).get("kind") in kind]

        text = (f"Cả giai đoạn: chỉ tiêu lũy kế (số buổi, số lượt, số người, kinh phí…) là tổng {n} năm; "
                f"chỉ tiêu thời điểm (dân số, quân số…) là số năm {last}.")  # fmt: skip
        if last in self.cat.review.estimated_years:
            text += f" Số liệu năm {last} là số ước thực hiện cả năm."
        if ratios:
            text += " Tỷ lệ tính bằng 100 × tử số / mẫu số, không lấy trung bình các tỷ lệ"
            kinds = [
                (of(("flow",)), f"tỷ lệ của tổng {n} năm"),
                (of(("stock", "flag")), f"tỷ lệ năm {last}"),
            ]
            said = [
                f"{', '.join(self._plain(c) for c in codes)}: {how}"
                for codes, how in kinds
                if codes
            ]
            text += (
                ": " + "; ".join(said) if said else ""
            ) + ". Tăng, giảm của một tỷ lệ tính bằng điểm phần trăm."
        return text

    def _sources(self, code: str, row: pd.Series) -> list[str]:
        """Return the sources of a summary row: first year, last year, the two computed columns."""
        years = [
            self._year_source(code, int(y)) if pd.notna(y) else ""
            for y in (row["first_year"], row["last_year"])
        ]
        period = "tổng các năm" if row["kind"] == "flow" else "số năm cuối kỳ"
        return [*years, f"tính toán: {period}", "tính toán: so sánh năm cuối với năm đầu"]

    @functools.cached_property
    def _values_file(self) -> str:
        subs = self.ctx.sources
        mine = subs.loc[(subs["unit_code"] == self.ctx.unit_code) & (subs["table"] == "values")]
        return str(mine["source_file"].iloc[0]) if len(mine) else "?"

    @functools.cached_property
    def _reported_years(self) -> dict[str, set[int]]:
        """``{indicator: years the unit itself reported}``."""
        reported = self.ctx.reported
        if self.ctx.unit_code not in reported.index.get_level_values(0):
            return {}
        present = reported.xs(self.ctx.unit_code, level=0).notna()
        return {str(code): {int(y) for y in row.index[row.to_numpy()]} for code, row in present.iterrows()}  # fmt: skip

    def _year_source(self, code: str, year: int) -> str:
        """Where one yearly value comes from: the unit's workbook, or how it was computed."""
        meta = self._meta[code]
        if meta["kind"] == "ratio":
            return f"tính toán: 100 × {meta['numerator']} / {meta['denominator']} năm {year}"
        if year in self._reported_years.get(code, ()):
            return f"{self._values_file}, trang Chỉ tiêu, {code} năm {year}"
        return f"tính toán: tổng các đơn vị cấp dưới, năm {year}"

    def series_table(self) -> None:
        """Bảng: yearly values of the key indicators, with their unit of measure (a wide page)."""
        keys = list(self.indicators.loc[self.indicators["key"], "code"])
        series = self.ctx.series
        rows, sources = [], []
        for code in keys:
            key = (self.ctx.unit_code, code)
            if key not in series.index:
                continue
            name, unit = self._label(code)
            rows.append([name, unit, *[self._number(v, unit) for v in series.loc[key]]])
            sources.append(["", "", *[self._year_source(code, year) for year in self.ctx.years]])
        if rows:
            frame = pd.DataFrame(
                rows, columns=["Chỉ tiêu", "Đơn vị tính", *[str(y) for y in self.ctx.years]]
            )
            self.table("Số liệu một số chỉ tiêu chủ yếu theo năm", frame,
                       ["left", "center", *["right"] * len(self.ctx.years)], sources,
                       source=self._source_line, wide=True)  # fmt: skip

    def trend_figures(self) -> None:
        """Hình: trends of a key indicator of each main outline section."""
        series = self.ctx.series
        ind = self.indicators
        picked = []
        for section in self.cat.views.report.trend_sections:
            keys = ind.loc[
                (ind["section_id"] == section) & ind["key"] & (ind["kind"] != "ratio"), "code"
            ]
            for code in keys:
                key = (self.ctx.unit_code, code)
                if (
                    key in series.index
                    and series.loc[key].notna().any()
                    and series.loc[key].sum() > 0
                ):
                    picked.append(code)
                    break
        for code in picked:
            name, unit = self._label(code)
            values = series.loc[(self.ctx.unit_code, code)]
            self.figure(f"{name} giai đoạn {self._period}",
                        figures.trend, {"series": values, "title": name, "unit": unit,
                                        "kind": self._meta[code]["kind"]},
                        source=self._source_line)  # fmt: skip

    # --- the sub-units --------------------------------------------------------------------
    def _groups(self) -> list[tuple[str, str, pd.DataFrame, bool]]:
        """Return the unit's sub-units by group: (level, title, units, rolls up into the unit)."""
        units = self.cat.units
        below = self.cat.descendants(self.ctx.unit_code) - {self.ctx.unit_code}
        rolled = set(self.cat.review.rollup_children.get(str(self.ctx.unit["level"]), ()))
        children = set(self.ctx.children["unit_code"])
        levels = self.cat.levels.sort_values("order")
        out = []
        for level in levels.itertuples():
            if level.code in rolled:
                part = units.loc[units["unit_code"].isin(children) & (units["level"] == level.code)]
            elif level.code == "donvi":
                part = units.loc[units["unit_code"].isin(below) & (units["level"] == "donvi")]
            else:
                continue
            if part.empty:
                continue
            title = self.cat.kinds(part) if level.territorial else str(level.group_title)
            out.append((str(level.code), title[:1].upper() + title[1:], part, level.code in rolled))
        return out

    def children_table(self) -> None:
        """Bảng: the sub-units by group, each group with its subtotal, and how it enters the total."""
        groups = self._groups()
        summary = self.ctx.summary.set_index(["unit_code", "indicator"])["period_value"]
        present = set(self.ctx.summary["indicator"])
        codes = [c for c in self.cat.views.report.children_table if c in present]
        if not groups or not codes:
            return
        rows: list[list[str]] = []
        tips: list[list[str]] = []
        styles: list[str] = []
        for _, title, part, _ in groups:
            members = sorted(part.itertuples(), key=lambda u: vnformat.sort_key(u.name))
            have = [
                u for u in members if any(pd.notna(summary.get((u.unit_code, c))) for c in codes)
            ]
            if not have:
                continue
            rows.append([title, *[""] * len(codes)])
            tips.append([""] * (len(codes) + 1))
            styles.append("group")
            for unit in have:
                rows.append(
                    [
                        unit.name,
                        *[
                            self._number(summary.get((unit.unit_code, c)), self._meta[c]["unit"])
                            for c in codes
                        ],
                    ]
                )
                tip = f"tính toán từ số liệu của {unit.name} ({self._unit_file(unit.unit_code)})"
                tips.append(["", *[tip] * len(codes)])
                styles.append("")
            rows.append([f"Cộng {title[:1].lower() + title[1:]}",
                         *[self._number(self._subtotal(c, [u.unit_code for u in have]), self._meta[c]["unit"]) for c in codes]])  # fmt: skip
            tips.append(
                [
                    "",
                    *["tính toán: cộng các đơn vị của nhóm (tỷ lệ: 100 × tổng tử số / tổng mẫu số)"]
                    * len(codes),
                ]
            )
            styles.append("subtotal")
        if not rows:
            return
        columns = ["Đơn vị", *[self._meta[c]["short_label"] for c in codes]]
        plural = self.cat.levels.set_index("code")["plural"]
        counts = ", ".join(
            f"{len(part)} {self.cat.kinds(part).removeprefix('các ') if level in ('huyen', 'xa') else plural[level]}"
            for level, _, part, _ in groups
        )
        self.table("So sánh các đơn vị trực thuộc", pd.DataFrame(rows, columns=columns),
                   ["left", *["right"] * len(codes)], tips, note=self._children_note(groups, codes),
                   source=f"Nguồn: biểu mẫu số liệu sơ kết của {self.cat.place(self.ctx.unit_code)} "
                          f"và của {counts}.", row_styles=styles)  # fmt: skip

    def _subtotal(self, code: str, units: list[str]) -> float | None:
        summary = self.ctx.summary.set_index(["unit_code", "indicator"])["period_value"]
        meta = self._meta[code]
        if meta["kind"] == "ratio":
            num = sum(v for u in units if pd.notna(v := summary.get((u, meta["numerator"]))))
            den = sum(v for u in units if pd.notna(v := summary.get((u, meta["denominator"]))))
            return 100 * num / den if den else None
        values = [v for u in units if pd.notna(v := summary.get((u, code)))]
        return float(sum(values)) if values else None

    def _children_note(
        self, groups: list[tuple[str, str, pd.DataFrame, bool]], codes: list[str]
    ) -> str:
        """Say how each column is counted and how each group enters the unit's own total."""
        place = self.cat.place(self.ctx.unit_code)
        rolled = " và ".join(title[:1].lower() + title[1:] for _, title, _, up in groups if up)
        apart = [title for _, title, _, up in groups if not up]
        meta = self._meta

        def said(picked: list[str]) -> str:
            return ", ".join(self._plain(c) for c in picked)

        standing = [c for c in codes if meta[c]["kind"] in ("stock", "flag")]
        ratios = [c for c in codes if meta[c]["kind"] == "ratio"]
        flows = [c for c in codes if meta[c]["kind"] == "flow"]
        parts = []
        if standing:
            parts.append(f"{said(standing)[:1].upper() + said(standing)[1:]}: năm {self.ctx.years[-1]}"
                         + (f"; {said(flows)}: tổng cả giai đoạn {self._period}." if flows else "."))  # fmt: skip
        elif flows:
            parts.append(f"Số liệu: tổng cả giai đoạn {self._period}.")
        if ratios:
            parts.append(
                f"Tỷ lệ ({said(ratios)}) của mỗi dòng, kể cả dòng cộng: 100 × tổng tử số / tổng mẫu số."
            )
        if rolled:
            own = [c for c in codes if meta[c]["rollup"] == "own"]
            area = [c for c in codes if str(meta[c]["rollup"]).startswith("area")]
            if own:
                parts.append(f"Số của {place} về {said(own)} bằng số do cấp {self.ctx.unit['division_type']} trực tiếp "
                             f"thực hiện cộng tổng {rolled}.")  # fmt: skip
            if area:
                parts.append(f"Số của {place} về {said(area)} là số toàn địa bàn do {place} báo cáo, "
                             f"được đối chiếu với tổng {rolled}.")  # fmt: skip
        if apart:
            parts.append(f"{'; '.join(apart)} báo cáo riêng, không cộng vào số của {place}.")
        return " ".join(parts)

    def _unit_file(self, unit_code: str) -> str:
        subs = self.ctx.sources
        mine = subs.loc[
            (subs["unit_code"] == unit_code) & (subs["table"] == "values"), "source_file"
        ]
        return f"tệp {mine.iloc[0]}" if len(mine) else "chưa có tệp"

    def children_figure(self) -> None:
        """Hình: the sub-units compared on one indicator."""
        code = self.cat.views.report.compare_code(str(self.ctx.unit["level"]))
        part = self.ctx.summary.loc[
            self.ctx.summary["unit_code"].isin(self.ctx.children["unit_code"])
            & (self.ctx.summary["indicator"] == code)
        ]
        if part.empty:
            return
        names = self.ctx.children.set_index("unit_code")["name"]
        values = {names[u]: v for u, v in zip(part["unit_code"], part["period_value"], strict=True)}
        name, unit = self._label(code)
        when = (
            f"năm {self.ctx.years[-1]}"
            if self._meta[code]["kind"] in ("stock", "ratio")
            else f"giai đoạn {self._period}"
        )
        height = max(2.4, 0.22 * len(values) + 0.8)
        self.figure(f"{name} của các đơn vị trực thuộc {when}",
                    figures.compare, {"values": values, "title": name, "unit": unit}, size=(6.3, height),
                    source=self._source_line)  # fmt: skip

    # --- awards, deadlines, sources -------------------------------------------------------
    def award_tables(self) -> None:
        """Bảng and Hình: awards by form and recipient type; award money by paying level."""
        records = self.ctx.awards
        if records.empty:
            self.paragraph("Chưa có hồ sơ đề nghị khen thưởng.")
            return
        forms = self.cat.award_forms.sort_values("order")
        stats = (records.groupby(["form", "status", "recipient_type"]).size().rename("count")
                 .reset_index())  # fmt: skip
        rows, totals = [], []
        # decided awards and proposals are never added up under one heading (issue #12)
        for status, said in (("quyet_dinh", "Đã có quyết định"), ("de_nghi", "Đang đề nghị")):
            for form in forms.itertuples():
                part = stats.loc[(stats["form"] == form.code) & (stats["status"] == status)]
                if part.empty:
                    continue
                tt = int(part.loc[part["recipient_type"] == "tap_the", "count"].sum())
                cn = int(part.loc[part["recipient_type"] == "ca_nhan", "count"].sum())
                rows.append(
                    [
                        form.name,
                        said,
                        vnformat.number(tt),
                        vnformat.number(cn),
                        vnformat.number(tt + cn),
                    ]
                )
                totals.append((str(form.short_name), tt, cn))
        frame = pd.DataFrame(
            rows, columns=["Hình thức khen thưởng", "Tình trạng", "Tập thể", "Cá nhân", "Cộng"]
        )
        tip = "tính toán: đếm hồ sơ trang Khen thưởng của đơn vị và các đơn vị cấp dưới"
        source = (
            f"Nguồn: hồ sơ khen thưởng do {self.cat.place(self.ctx.unit_code)}"
            f"{' và các đơn vị trực thuộc' if len(self.ctx.children) else ''} báo cáo."
        )
        self.table("Khen thưởng theo hình thức: đã có quyết định và đang đề nghị", frame,
                   ["left", "left", "right", "right", "right"], [["", "", tip, tip, tip] for _ in rows],
                   source=source)  # fmt: skip
        by_form: dict[str, list[float]] = {}
        for name, tt, cn in totals:
            by_form.setdefault(name, [0.0, 0.0])
            by_form[name][0] += tt
            by_form[name][1] += cn
        counts = pd.DataFrame(by_form, index=["Tập thể", "Cá nhân"]).T
        counts = counts.loc[
            [str(n) for n in forms["short_name"] if str(n) in counts.index]
        ]  # catalogue order
        self.figure("Khen thưởng theo hình thức và đối tượng",
                    figures.awards_by_form, {"counts": counts, "title": "Số hồ sơ khen thưởng theo hình thức"},
                    size=(6.3, max(2.4, 0.35 * len(rows) + 0.9)), source=source)  # fmt: skip
        money = self.ctx.money
        if len(money):
            mine = money.loc[money["payer_code"] == self.ctx.unit_code]
            total = float(mine["amount"].sum()) if len(mine) else 0.0
            complete = (
                bool(mine["rate_confirmed"].all() and mine["amount"].notna().all())
                if len(mine)
                else True
            )
            self.paragraph(narrative.award_paragraph(stats, self.cat.award_forms, total, complete,
                                                     payer=self.cat.place(self.ctx.unit_code)))  # fmt: skip

    def deadline_figure(self) -> None:
        """Hình: the sub-units' conference dates against their deadline."""
        board = self.ctx.board
        kids = board.loc[
            (board["unit_code"] != self.ctx.unit_code) & board["conference_deadline"].notna()
        ]
        if kids.empty:
            return
        deadline = kids["conference_deadline"].dropna().iloc[0]
        dates = dict(zip(kids["name"], kids["conference_date"], strict=True))
        self.figure(f"Ngày tổ chức hội nghị sơ kết của các đơn vị trực thuộc (hạn {vnformat.date_prose(deadline.date())})",
                    figures.timeline, {"dates": dates, "deadline": deadline, "title": "Ngày tổ chức hội nghị sơ kết"},
                    size=(6.3, max(2.4, 0.24 * len(dates) + 1.0)),
                    source="Nguồn: ngày hội nghị do các đơn vị báo cáo; hạn theo Hướng dẫn số 297/HD-UBND, mục II.3.")  # fmt: skip

    def sources(self) -> None:
        """Name the files the figures come from: one line each here, every value in a file."""
        subs = self.ctx.sources
        if subs.empty:
            return
        self.write_sources()
        files = subs.sort_values("ingested_at").drop_duplicates(
            ["unit_code", "source_sha256"], keep="last"
        )
        names = self.cat.units.set_index("unit_code")
        # The date a reader of a 2019 report expects is the unit's own report date (its
        # workbook's "Thông tin", see context); the moment of loading is in nguon-so-lieu.xlsx.
        files = files.rename(columns={"report_date": "day"})
        self.emit({"kind": "heading", "section_id": "PL.NGUON", "level": "roman", "label": "",
                   "title": "NGUỒN SỐ LIỆU"})  # fmt: skip
        if len(files) <= LIST_LIMIT:
            for row in files.sort_values("unit_code").itertuples():
                when = (f"báo cáo ngày {vnformat.date_prose(pd.Timestamp(row.day).date())}"
                        if pd.notna(row.day) else "chưa ghi ngày báo cáo")  # fmt: skip
                self.paragraph(
                    f"- {names.at[row.unit_code, 'name']}: tệp {row.source_file}, {when}.", "list"
                )
        else:
            files = files.assign(level=files["unit_code"].map(names["level"]))
            for level in self.cat.levels.sort_values("order").itertuples():
                part = files.loc[files["level"] == level.code]
                if part.empty:
                    continue
                units = names.loc[part["unit_code"].unique()].reset_index()
                kind = self.cat.kinds(units) if level.territorial else f"các {level.plural}"
                days = pd.to_datetime(part["day"]).dropna().dt.date
                if days.empty:
                    span = "chưa ghi ngày báo cáo"
                elif days.max() != days.min():
                    span = (f"báo cáo từ ngày {vnformat.date_prose(days.min())} "
                            f"đến ngày {vnformat.date_prose(days.max())}")  # fmt: skip
                else:
                    span = f"báo cáo ngày {vnformat.date_prose(days.min())}"
                self.paragraph(
                    f"- {len(units)} {kind.removeprefix('các ')}: {len(part)} tệp biểu mẫu, {span}.",
                    "list",
                )
        self.paragraph(f"Nguồn của từng số liệu (tệp, trang, ô, mã kiểm tra SHA-256, thời điểm nhận): "
                       f"tệp {SOURCES_FILE} kèm theo báo cáo này.", "note-small")  # fmt: skip

    def write_sources(self) -> Path:
        """Write ``nguon-so-lieu.xlsx``: one row per stored value behind the report's figures."""
        rows = self.ctx.provenance
        names = self.cat.units.set_index("unit_code")["name"]
        indicators = self.indicators.set_index("code")["name"]
        times = self.ctx.sources.drop_duplicates("source_sha256").set_index("source_sha256")[
            "ingested_at"
        ]
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Nguồn số liệu")
        ws.append([f"NGUỒN SỐ LIỆU — {self.ctx.unit['name']} — {self.cat.review.title}"])
        if self.ctx.is_sample:
            ws.append(["DỮ LIỆU MẪU — không phải số liệu thật"])
        header = ["Mã đơn vị", "Đơn vị", "Mã chỉ tiêu", "Chỉ tiêu", "Năm", "Giá trị", "Tệp", "Trang", "Ô",
                  "Mã kiểm tra SHA-256", "Thời điểm nhận (UTC)"]  # fmt: skip
        cells = []
        for text in header:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = Font(bold=True)
            cells.append(cell)
        ws.append(cells)
        ordered = rows.sort_values(["unit_code", "indicator", "year"]) if len(rows) else rows
        # whole columns at once (a district's file has thousands of rows: issue #16)
        units, codes, shas = (
            ordered[c].tolist() for c in ("unit_code", "indicator", "source_sha256")
        )
        received = {sha: str(times.get(sha, "")).replace("T", " ")[:19] for sha in set(shas)}
        columns = zip(units, [names.get(u, u) for u in units], codes,
                      [indicators.get(c, "") for c in codes], ordered["year"].astype(int).tolist(),
                      ordered["value"].astype(float).tolist(), ordered["source_file"].tolist(),
                      ordered["sheet"].tolist(), ordered["cell"].tolist(), shas,
                      [received[sha] for sha in shas], strict=True)  # fmt: skip
        for row in columns:
            ws.append([safe_cell(v) for v in row])
        buffer = io.BytesIO()
        wb.save(buffer)
        path = self.out / SOURCES_FILE
        atomic_write_bytes(path, normalize_zip(buffer.getvalue()))
        return path


def _change_cell(row: pd.Series, unit: str) -> str:
    """Return the change column of Bảng 1: "+5,2%", "−3,0%", "+2,3 điểm %", "–"."""
    if row["first_year"] == row["last_year"]:
        return "–"
    if unit == "%":  # from the values as printed, as the text says it
        value = narrative.points(row)
        suffix = "\u00a0điểm\u00a0%"  # one unbreakable cell: "+2,3 điểm %"
    else:
        value = None if pd.isna(row["pct_change"]) else float(row["pct_change"])
        suffix = "%"
    if value is None or pd.isna(value):
        return "–"
    sign = "+" if value > 0.05 else ("−" if value < -0.05 else "")
    return f"{sign}{vnformat.number(abs(value), 1, fixed=True)}{suffix}"

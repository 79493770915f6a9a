"""Assembling a unit's report in a notebook, emitted as blocks the exporters place.

The outline's parts come in order, with numbered tables and figures; every part is a block
(:mod:`qptd_tools.report.blocks`).

A notebook cell only calls one method here; everything it shows is computed by the library.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pandas as pd

from qptd_tools.catalog import Catalog, load_catalog
from qptd_tools.core import vnformat
from qptd_tools.core.config import Workspace, find_root
from qptd_tools.core.errors import UsageInvalid, fail
from qptd_tools.report import docmeta, figures, narrative
from qptd_tools.report.context import UnitContext, load
from qptd_tools.report.emitter import Display, Emitter


def period_years(catalog: Catalog, period: tuple[int, int] | None) -> list[int]:
    """Return the years of ``period`` (default: the catalogue's), checked against the catalogue."""
    if period is None:
        return list(catalog.years)
    start, end = int(period[0]), int(period[1])
    if start > end or start < catalog.years[0] or end > catalog.years[-1]:
        raise fail(UsageInvalid, "QPTD-E082",
                   detail=f"kỳ {start}–{end} nằm ngoài kỳ sơ kết {catalog.years[0]}–{catalog.years[-1]}")  # fmt: skip
    return list(range(start, end + 1))


class UnitReport(Emitter):
    """The report of one unit, emitted block by block, in the outline's order.

    Parameters
    ----------
    ctx
        The unit's context (:mod:`qptd_tools.report.context`).
    catalog
        The catalogues.
    output_dir
        Where figures are written (``reports/<unit_code>``).
    display
        Where blocks go.
    """

    def __init__(
        self,
        ctx: UnitContext,
        catalog: Catalog,
        output_dir: Path,
        display: Display | None = None,
        root: Path | None = None,
        **options: Any,
    ):
        super().__init__(output_dir, display)
        self.ctx = ctx
        self.cat = catalog
        self.root = root
        self.options = options

    @classmethod
    def open(
        cls,
        unit_code: str | int,
        root: str | None = None,
        context_path: str | None = None,
        output_dir: str | None = None,
        period: tuple[int, int] | None = None,
        display: Display | None = None,
        document_date: str = "",
        doc_number: str = "",
        signer: str = "",
        format_profile: str = "auto",
    ) -> UnitReport:
        """Open a unit's report: its context from the batch, or computed from the store.

        Parameters
        ----------
        unit_code
            The unit.
        root
            The workspace ("" or None: ``$QPTD_ROOT`` or the nearest workspace up).
        context_path
            The context file written by ``qptd run`` (computed here when empty).
        output_dir
            Where figures go (default ``reports/<unit_code>``).
        period
            First and last year; part of the catalogue's period may be chosen.
        display
            Where blocks go (default: the notebook).
        document_date, doc_number, signer, format_profile
            The document's date (ISO; default: the unit's report date), number, signer's
            name and format profile (``auto``, ``tt01``, ``nd30``).
        """
        workspace = Workspace(find_root(root))
        catalog = load_catalog(workspace.root)
        years = period_years(catalog, period)
        unit_code = catalog.resolve(unit_code)
        ctx = load(unit_code, workspace.root, context_path or None, years)
        out = Path(output_dir) if output_dir else workspace.reports / unit_code
        options: dict[str, Any] = {
            "number": doc_number,
            "signer": signer,
            "profile": format_profile,
        }
        if document_date:
            options["date"] = dt.date.fromisoformat(str(document_date))
        return cls(ctx, catalog, out, display, workspace.root, **options)

    # --- the document ---------------------------------------------------------------------
    def document(self) -> dict[str, Any]:
        """Return the document's metadata, from the registry and the run's parameters."""
        conf = self.ctx.conference
        day = self.options.get("date")
        if day is None:
            reported = conf.get("report_submitted_date")
            day = (
                pd.Timestamp(reported).date()
                if reported is not None and pd.notna(reported)
                else None
            )
        chair = (
            conf.get("chair")
            if conf.get("chair") is not None and pd.notna(conf.get("chair"))
            else None
        )
        return docmeta.document(
            self.cat,
            self.ctx.unit_code,
            chair=chair,
            day=day,
            number=self.options.get("number", ""),
            signer=self.options.get("signer", ""),
            format_profile=self.options.get("profile", "auto"),
            sample=self.ctx.is_sample,
            root=self.root,
        )

    def header(self) -> None:
        """Emit the document's metadata and, for sample data, the sample label."""
        self.emit({"kind": "meta", "document": self.document()})

    def _mine(self) -> pd.DataFrame:
        return self.ctx.summary.loc[self.ctx.summary["unit_code"] == self.ctx.unit_code]

    def _children_of(self, section_id: str) -> list[str]:
        outline = self.cat.outline
        return list(outline.loc[outline["parent_id"] == section_id, "section_id"])

    def section(self, section_id: str) -> None:
        """Emit a section of the outline with all its subsections, in the outline's order."""
        row = self.cat.outline.set_index("section_id").loc[section_id]
        self.emit({"kind": "heading", "section_id": section_id, "level": row["level"],
                   "label": row["label"], "title": row["title"]})  # fmt: skip
        text = narrative.section_paragraph(
            self._mine(), self.cat.indicators, self.ctx.unit, section_id, self.ctx.years,
            siblings=len(self.ctx.siblings),
            siblings_word=self.cat.level_name(str(self.ctx.unit["level"]), "plural"),
        )  # fmt: skip
        self.paragraph(text)
        if row["narrative"] == "required" or (
            row["narrative"] == "optional" and section_id in self.ctx.narrative
        ):
            own = narrative.qualitative(self.ctx.narrative, section_id)
            self.paragraph(own, "placeholder" if own == narrative.PLACEHOLDER else "body")
        elif row["narrative"] == "optional" and not text:
            self.paragraph(narrative.PLACEHOLDER, "placeholder")
        for child in self._children_of(section_id):
            self.section(child)

    # --- the appendix ---------------------------------------------------------------------
    def appendix(self) -> None:
        """Emit the appendix: numbered tables and figures."""
        self.emit({"kind": "marker", "name": "appendix"})
        self.emit({"kind": "heading", "section_id": "PL", "level": "part", "label": "PHỤ LỤC",
                   "title": "SỐ LIỆU, BIỂU ĐỒ MINH HỌA"})  # fmt: skip
        self.summary_table()
        self.series_table()
        self.trend_figures()
        if len(self.ctx.children):
            self.children_table()
            self.children_figure()
        self.award_tables()
        self.deadline_content()
        self.sources_table()

    def sources_table(self) -> None:
        """Bảng: the files the figures come from, with their SHA-256 and ingest time."""
        subs = self.ctx.sources
        if subs.empty:
            return
        files = subs.sort_values("ingested_at").drop_duplicates("source_sha256", keep="last")
        names = self.cat.units.set_index("unit_code")["name"]
        rows = [[names.get(r.unit_code, r.unit_code), r.source_file, r.source_sha256, str(r.ingested_at).replace("T", " ")[:19]]
                for r in files.sort_values(["unit_code"]).itertuples()]  # fmt: skip
        frame = pd.DataFrame(
            rows, columns=["Đơn vị", "Tệp số liệu", "Mã kiểm tra SHA-256", "Thời điểm nạp (UTC)"]
        )
        self.table("Nguồn số liệu", frame, ["left", "center", "sha", "center"], role="sources")

    @functools.cached_property
    def _meta(self) -> dict[str, dict[str, Any]]:
        """The indicator catalogue as ``{code: row}`` (looked up once per cell otherwise)."""
        return dict(self.cat.indicators.set_index("code").to_dict("index"))

    def _label(self, code: str) -> tuple[str, str]:
        meta = self._meta[code]
        return str(meta["name"]), str(meta["unit"])

    def summary_table(self) -> None:
        """Bảng: the period summary of every indicator."""
        mine = self._mine().set_index("indicator")
        order = [c for c in self.cat.indicators["code"] if c in mine.index]
        rows, sources = [], []
        for code in order:
            r = mine.loc[code]
            name, unit = self._label(code)
            pct = unit == "%"
            rows.append([name, unit, vnformat.number(r["first_value"], 1, fixed=pct),
                         vnformat.number(r["last_value"], 1, fixed=pct), vnformat.number(r["period_value"], 1, fixed=pct),
                         vnformat.number(r["pct_change"], 1, fixed=True)])  # fmt: skip
            sources.append(["", "", *self._sources(code, r)])
        frame = pd.DataFrame(rows, columns=["Chỉ tiêu", "Đơn vị tính", f"Năm {self.ctx.years[0]}",
                                            f"Năm {self.ctx.years[-1]}", "Cả giai đoạn", "Tăng, giảm (%)"])  # fmt: skip
        self.table(f"Kết quả thực hiện các chỉ tiêu chủ yếu giai đoạn {self.ctx.years[0]}–{self.ctx.years[-1]}",
                   frame, ["left", "center", "right", "right", "right", "right"], sources,
                   note="Cả giai đoạn: chỉ tiêu lũy kế là tổng các năm; chỉ tiêu thời điểm và tỷ lệ là số năm cuối kỳ.")  # fmt: skip

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

    def _cell_source(self, code: str, year: int) -> str:
        return f"{self._values_file}, trang Chỉ tiêu, {code} năm {year}"

    def series_table(self) -> None:
        """Bảng: yearly values of the key indicators."""
        keys = [c for c in self.cat.indicators.loc[self.cat.indicators["key"], "code"]]
        series = self.ctx.series
        rows, sources = [], []
        for code in keys:
            key = (self.ctx.unit_code, code)
            if key not in series.index:
                continue
            name, unit = self._label(code)
            decimals = 1 if unit == "%" else 0
            rows.append(
                [name, *[vnformat.number(v, decimals, fixed=unit == "%") for v in series.loc[key]]]
            )
            sources.append(["", *[self._year_source(code, year) for year in self.ctx.years]])
        if rows:
            frame = pd.DataFrame(rows, columns=["Chỉ tiêu", *[str(y) for y in self.ctx.years]])
            self.table("Số liệu một số chỉ tiêu chủ yếu theo năm", frame,
                       ["left", *["right"] * len(self.ctx.years)], sources)  # fmt: skip

    def _year_source(self, code: str, year: int) -> str:
        """Where one yearly value comes from: the unit's workbook, or how it was computed."""
        meta = self._meta[code]
        if meta["kind"] == "ratio":
            return f"tính toán: 100 × {meta['numerator']} / {meta['denominator']} năm {year}"
        if year in self._reported_years.get(code, ()):
            return self._cell_source(code, year)
        return f"tính toán: tổng các đơn vị cấp dưới, năm {year}"

    def trend_figures(self) -> None:
        """Hình: trends of a key indicator of each main outline section."""
        series = self.ctx.series
        picked = []
        for section in self.cat.views.report.trend_sections:
            ind = self.cat.indicators
            keys = ind.loc[
                (ind["section_id"] == section) & ind["key"] & (ind["kind"] != "ratio"), "code"
            ]
            for code in keys:
                if (self.ctx.unit_code, code) in series.index and series.loc[
                    (self.ctx.unit_code, code)
                ].notna().any():
                    picked.append(code)
                    break
        for code in picked:
            name, unit = self._label(code)
            values = series.loc[(self.ctx.unit_code, code)]
            self.figure(f"{name} giai đoạn {self.ctx.years[0]}–{self.ctx.years[-1]}",
                        functools.partial(figures.trend, series=values, title=name, unit=unit, kind=self._meta[code]["kind"]))  # fmt: skip

    def children_table(self) -> None:
        """Bảng: the sub-units that roll up into this unit, compared on a few key indicators."""
        present = set(self.ctx.summary["indicator"])
        codes = [c for c in self.cat.views.report.children_table if c in present]
        rolled = self.cat.review.rollup_children.get(str(self.ctx.unit["level"]), ())
        kids = self.ctx.children.loc[self.ctx.children["level"].isin(rolled)]
        summary = self.ctx.summary.set_index(["unit_code", "indicator"])["period_value"]
        rows = []
        for unit in kids.itertuples():
            values = [summary.get((unit.unit_code, c)) for c in codes]
            if all(v is None or pd.isna(v) for v in values):
                continue
            cells = [
                vnformat.number(v, 2 if "_TL_" in c else 0, fixed="_TL_" in c)
                for v, c in zip(values, codes, strict=True)
            ]
            tip = f"tính toán từ số liệu của {unit.name} ({self._unit_file(unit.unit_code)})"
            rows.append(([unit.name, *cells], ["", *[tip] * len(codes)]))
        if rows:
            rows.sort(key=lambda r: vnformat.sort_key(r[0][0]))
            frame = pd.DataFrame(
                [r for r, _ in rows],
                columns=["Đơn vị", *[self._meta[c]["short_label"] for c in codes]],
            )
            self.table("So sánh các đơn vị trực thuộc (dân số, dân quân: năm cuối kỳ; tỷ lệ, tuyên truyền: cả giai đoạn)",
                       frame, ["left", *["right"] * len(codes)], [t for _, t in rows])  # fmt: skip

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
        height = max(2.4, 0.22 * len(values) + 0.8)
        self.figure(f"{name} của các đơn vị trực thuộc năm {self.ctx.years[-1]}",
                    lambda ax: figures.compare(ax, values, name, unit), size=(6.3, height))  # fmt: skip

    def award_tables(self) -> None:
        """Bảng and Hình: awards by form and recipient type; award money by paying level."""
        records = self.ctx.awards
        if records.empty:
            self.paragraph("Chưa có hồ sơ đề nghị khen thưởng.")
            return
        forms = self.cat.award_forms.sort_values("order")
        stats = records.groupby(["form", "recipient_type"]).size().rename("count").reset_index()
        rows = []
        for form in forms.itertuples():
            part = stats.loc[stats["form"] == form.code]
            if part.empty:
                continue
            tt = int(part.loc[part["recipient_type"] == "tap_the", "count"].sum())
            cn = int(part.loc[part["recipient_type"] == "ca_nhan", "count"].sum())
            rows.append(
                [form.name, vnformat.number(tt), vnformat.number(cn), vnformat.number(tt + cn)]
            )
        frame = pd.DataFrame(rows, columns=["Hình thức khen thưởng", "Tập thể", "Cá nhân", "Cộng"])
        tip = "tính toán: đếm hồ sơ trang Khen thưởng của đơn vị và các đơn vị cấp dưới"
        self.table(
            "Đề nghị và quyết định khen thưởng theo hình thức",
            frame,
            ["left", "right", "right", "right"],
            [["", tip, tip, tip] for _ in rows],
        )
        counts = pd.DataFrame({"Tập thể": [float(r[1].replace(".", "")) for r in rows],
                               "Cá nhân": [float(r[2].replace(".", "")) for r in rows]},
                              index=[forms.set_index("name").loc[r[0], "short_name"] for r in rows])  # fmt: skip
        self.figure("Khen thưởng theo hình thức và đối tượng",
                    lambda ax: figures.awards_by_form(ax, counts, "Số hồ sơ khen thưởng theo hình thức"),
                    size=(6.3, max(2.4, 0.35 * len(rows) + 0.9)))  # fmt: skip
        money = self.ctx.money
        if len(money):
            mine = money.loc[money["payer_code"] == self.ctx.unit_code]
            total = float(mine["amount"].sum()) if len(mine) else 0.0
            complete = (
                bool(mine["rate_confirmed"].all() and mine["amount"].notna().all())
                if len(mine)
                else True
            )
            stats_mine = (
                records.groupby(["form", "recipient_type"]).size().rename("count").reset_index()
            )
            self.paragraph(
                narrative.award_paragraph(stats_mine, self.cat.award_forms, total, complete)
            )

    def deadline_content(self) -> None:
        """Hình: the sub-units' conference dates against the deadline; the conference sentence."""
        self.paragraph(
            narrative.conference_paragraph(self.ctx.conference, self.cat.review.conference_title)
        )
        board = self.ctx.board
        kids = board.loc[
            (board["unit_code"] != self.ctx.unit_code) & board["conference_deadline"].notna()
        ]
        if kids.empty:
            return
        deadline = kids["conference_deadline"].dropna().iloc[0]
        dates = dict(zip(kids["name"], kids["conference_date"], strict=True))
        self.figure(f"Ngày tổ chức hội nghị sơ kết của các đơn vị trực thuộc (hạn {vnformat.date_short(deadline.date())})",
                    lambda ax: figures.timeline(ax, dates, deadline, "Ngày tổ chức hội nghị sơ kết"),
                    size=(6.3, max(2.4, 0.2 * len(dates) + 1.0)))  # fmt: skip

    def full(self) -> None:
        """Emit the whole report: header, every part of the outline, the appendix."""
        self.header()
        for part in self._children_of(""):
            self.section(part)
        self.appendix()

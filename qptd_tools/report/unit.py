"""Assembling a unit's report in a notebook, emitted as blocks the exporters place.

The outline's parts come in order, with headings worded for the unit's level, auto-drafted
paragraphs, the unit's own narrative and visible placeholders where something is missing
(decided by :func:`qptd_tools.analytics.completeness.coverage`, the same rule ``qptd check``
uses); then the closing and the appendix (:mod:`qptd_tools.report.appendix`). Every part is a
block (:mod:`qptd_tools.report.blocks`).

A notebook cell only calls one method here; everything it shows is computed by the library.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pandas as pd

from qptd_tools.analytics import completeness
from qptd_tools.catalog import Catalog, load_catalog
from qptd_tools.core.config import Workspace, find_root
from qptd_tools.core.draft import text_digest
from qptd_tools.core.errors import UsageInvalid, fail
from qptd_tools.report import docmeta, narrative
from qptd_tools.report.appendix import Appendix
from qptd_tools.report.compiled import Compiled
from qptd_tools.report.context import UnitContext, load
from qptd_tools.report.emitter import Display, Emitter, shown_together

# the fields of a block that hold drafted text (``blocks``): worded for the unit's level
TEXT_FIELDS = ("text", "title", "caption", "note", "source", "columns", "rows")


def period_years(catalog: Catalog, period: tuple[int, int] | None) -> list[int]:
    """Return the years of ``period`` (default: the catalogue's), checked against the catalogue."""
    if period is None:
        return list(catalog.years)
    start, end = int(period[0]), int(period[1])
    if start > end or start < catalog.years[0] or end > catalog.years[-1]:
        raise fail(UsageInvalid, "QPTD-E082",
                   detail=f"kỳ {start} - {end} nằm ngoài kỳ sơ kết {catalog.period_text}")  # fmt: skip
    return list(range(start, end + 1))


class UnitReport(Appendix, Compiled, Emitter):
    """The report of one unit, emitted block by block, in the outline's order.

    Parameters
    ----------
    ctx
        The unit's context (:mod:`qptd_tools.report.context`).
    catalog
        The catalogues.
    output_dir
        Where figures and the source file are written (``reports/<unit_code>``).
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
        self.use_figure_cache()  # a rerun draws only the figures whose data changed (#16)
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
    @functools.cached_property
    def meta(self) -> dict[str, Any]:
        """The document's metadata, from the registry, the unit's workbook and the parameters."""
        conf = self.ctx.conference
        day = self.options.get("date")
        if day is None:
            reported = conf.get("report_submitted_date")
            day = pd.Timestamp(reported).date() if _known(reported) else None
        return docmeta.document(
            self.cat,
            self.ctx.unit_code,
            chair=conf.get("chair") if _known(conf.get("chair")) else None,
            day=day,
            number=self.options.get("number", ""),
            signer=self.options.get("signer", "")
            or (str(conf["signer_name"]) if _known(conf.get("signer_name")) else ""),
            signer_title=str(conf["signer_title"]) if _known(conf.get("signer_title")) else "",
            format_profile=self.options.get("profile", "auto"),
            sample=self.ctx.is_sample,
        )

    def document(self) -> dict[str, Any]:
        """Return the document's metadata (see :attr:`meta`)."""
        return dict(self.meta)

    @shown_together
    def header(self) -> None:
        """Emit the document's metadata and, for sample data, the sample label."""
        self.emit({"kind": "meta", "document": self.document()})

    # --- the body -------------------------------------------------------------------------
    # --- wording for the unit's level -----------------------------------------------------
    @functools.cached_property
    def indicators(self) -> pd.DataFrame:
        """The indicator catalogue worded for the unit's level ("tự vệ" for an agency)."""
        level = str(self.ctx.unit["level"])
        frame = self.cat.indicators.copy()
        for column in ("name", "short_label", "phrase"):
            if column in frame:
                frame[column] = frame[column].map(lambda t: self.cat.reword(str(t), level))
        return frame

    def _reword(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.cat.reword(value, str(self.ctx.unit["level"]))
        if isinstance(value, list):
            return [self._reword(v) for v in value]
        return value

    def emit(self, block: dict[str, Any]) -> dict[str, Any]:
        """Show a block, its drafted text worded for the unit's level (``wording.csv``).

        The unit's own text (``verbatim``) and the letterhead are shown as they are.
        """
        if (
            block.get("verbatim") or block.get("literal") or block["kind"] == "meta"
        ):  # kept: the DOCX marks what it generated (the unit's own text, ``verbatim``)
            return super().emit(block)
        worded = {
            key: self._reword(block[key]) if key in TEXT_FIELDS else block[key] for key in block
        }
        return super().emit(worded)

    @functools.cached_property
    def _mine(self) -> pd.DataFrame:
        """The unit's own period summary (one row per indicator)."""
        return self.ctx.summary.loc[self.ctx.summary["unit_code"] == self.ctx.unit_code]

    @functools.cached_property
    def _drafter(self) -> narrative.Drafter:
        """The unit's summary and the indicators as lookups, for drafting each section."""
        return narrative.Drafter(self._mine, self.indicators)

    @functools.cached_property
    def _outline(self) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
        """The outline's rows by section id, and each section's children in order."""
        outline = self.cat.outline
        rows = {str(r["section_id"]): r for r in outline.to_dict("records")}
        children: dict[str, list[str]] = {}
        for r in rows.values():
            children.setdefault(str(r["parent_id"]), []).append(str(r["section_id"]))
        return rows, children

    def _children_of(self, section_id: str) -> list[str]:
        return list(self._outline[1].get(section_id, []))

    @functools.cached_property
    def coverage(self) -> pd.DataFrame:
        """What fills each narrative section (the rule ``qptd check`` uses), by section id."""
        unit = pd.DataFrame({"unit_code": [self.ctx.unit_code]})
        drafted = completeness.drafted_sections(self._mine, self.indicators)
        texts = pd.DataFrame(
            [(self.ctx.unit_code, s, t) for s, t in self.ctx.narrative.items()],
            columns=["unit_code", "section_id", "text"],
        )
        covered = completeness.coverage(unit, self.cat.outline, texts, drafted)
        return covered.set_index("section_id")

    @functools.cached_property
    def _coverage_of(self) -> dict[str, dict[str, Any]]:
        return {str(k): v for k, v in self.coverage.to_dict("index").items()}

    @functools.cached_property
    def placeholders(self) -> list[str]:
        """The sections this report shows the placeholder in (``qptd check``'s QPTD-C003)."""
        return list(self.coverage.index[self.coverage["placeholder"]])

    @functools.cached_property
    def _siblings_word(self) -> str:
        """What the unit is ranked among: "huyện, thành phố", "xã", "phường, xã" ("" alone)."""
        if len(self.ctx.siblings) < 2:
            return ""
        level = self.cat.levels.set_index("code").loc[str(self.ctx.unit["level"])]
        if not level["territorial"]:  # "sở, ban, ngành, đoàn thể", whatever the registry says
            return str(level["plural"])
        return self.cat.kinds(self.ctx.siblings).removeprefix("các ")

    @shown_together
    def section(self, section_id: str) -> None:
        """Emit a section of the outline with all its subsections, in the outline's order."""
        row = self._outline[0][section_id]
        title = self.cat.section_title(section_id, self.ctx.unit_code)
        self.emit({"kind": "heading", "section_id": section_id, "level": row["level"],
                   "label": row["label"], "title": title})  # fmt: skip
        text = self._drafter.paragraph(
            self.ctx.unit, section_id, self._period,
            who=self.cat.place(self.ctx.unit_code), siblings=self._siblings_word,
        )  # fmt: skip
        # a sentence the unit edited in its draft gives way to its edit while its numbers stand
        hidden = set(self.ctx.extra.get("replaced", {}).get(section_id, ()))
        if not (text and text_digest(str(self._reword(text))) in hidden):
            self.paragraph(text)
        state = self._coverage_of.get(section_id)
        if state is not None:
            if state["written"]:  # the unit's own words, as it wrote them
                self.emit({"kind": "paragraph", "text": self.ctx.narrative[section_id],
                           "style": "body", "verbatim": True})  # fmt: skip
            elif state["placeholder"]:
                self.paragraph(narrative.PLACEHOLDER, "placeholder")
        cited = self.cited_points(section_id)
        if cited:  # the sub-units' words: generated (recomputed each run), never reworded
            self.emit({"kind": "paragraph", "text": cited, "style": "body", "literal": True})
        if section_id == "P1.II":
            self.paragraph(
                f"Kết quả thực hiện các chỉ tiêu chủ yếu giai đoạn {self._period} được "
                f"tổng hợp tại Phụ lục kèm theo Báo cáo này{self._estimated('; số liệu năm {years} là số ước thực hiện cả năm')}."
            )
        for child in self._children_of(section_id):
            self.section(child)

    def _estimated(self, text: str) -> str:
        """Say which of the report's years are estimates ("" when none is)."""
        years = [y for y in self.cat.review.estimated_years if y in self.ctx.years]
        return text.format(years=", ".join(map(str, years))) if years else ""

    @shown_together
    def closing(self) -> None:
        """Emit the closing paragraph of the body (it carries the administrative "./.")."""
        level = str(self.ctx.unit["level"])
        levels = self.cat.levels.set_index("code")
        title = self.cat.review.conference_title
        if bool(levels.at[level, "holds_conference"]):
            self.paragraph(narrative.conference_paragraph(self.ctx.conference, title))
            self.paragraph(f"Trên đây là báo cáo sơ kết xây dựng nền quốc phòng toàn dân giai "
                           f"đoạn {self._period} của Ủy ban nhân dân "
                           f"{self.cat.place(self.ctx.unit_code)}.")  # fmt: skip
            return
        parent = self.ctx.parent or {}
        military = self.cat.military_agency(str(self.ctx.unit_code))
        authority = (
            f"Ủy ban nhân dân {self.cat.place(str(parent['unit_code']))}" if parent else "cấp trên"
        )
        text = str(levels.at[level, "closing"]).format(
            name=self.ctx.unit["name"], military=military, authority=authority,
            conference=title[:1].lower() + title[1:],
        )  # fmt: skip
        self.paragraph(text)

    @shown_together
    def full(self) -> None:
        """Emit the whole report: header, every part of the outline, the closing, the appendix."""
        self.header()
        for part in self._children_of(""):
            self.section(part)
        self.closing()
        self.appendix()


def _known(value: object) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and pd.isna(value))
        and value is not pd.NaT
    )


__all__ = ["UnitReport", "period_years"]

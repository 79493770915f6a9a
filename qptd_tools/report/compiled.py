"""The compiling report's view of its sub-units' reports (Guidance 297, II.2; issue #15).

A mixin of :class:`qptd_tools.report.unit.UnitReport`. A district compiles its communes' and
its military agency's reports; the province its districts', departments' and agencies'. For
the sections ``views.yaml`` names (``report.compiled_sections``) the report quotes the
sub-units' points in the section itself (generated text, recomputed each run), and tabulates
them in the appendix: one row per distinct point, with the units that make it. Every section,
full text and source (file, sheet or heading, cell or paragraphs), goes to
``tong-hop-bao-cao.xlsx`` beside the report.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from qptd_tools.analytics import compilation
from qptd_tools.core.fsutil import atomic_write_bytes, normalize_zip, safe_cell
from qptd_tools.report.context import UnitContext, compiled_units

if TYPE_CHECKING:
    from qptd_tools.catalog import Catalog

COMPILED_FILE = "tong-hop-bao-cao.xlsx"
POINT_LIMIT = 200  # characters of a point's key sentences in the report
CITED_POINTS = 3  # points quoted in a section; the others are in the appendix
NAMED_UNITS = 8  # units named in full up to this many per group; above, the first six and a count


class Compiled:
    """What the sub-units wrote, quoted in the sections and tabulated in the appendix."""

    ctx: UnitContext
    cat: Catalog
    out: Path
    emit: Any
    table: Any

    @functools.cached_property
    def _members(self) -> pd.DataFrame:
        """The sub-units compiled, in their listed order (registry rows)."""
        return compiled_units(self.cat, self.ctx.unit_code)

    @functools.cached_property
    def _compiled_sections(self) -> list[str]:
        """The sections quoted and tabulated: those of ``views.yaml`` some sub-unit wrote."""
        written = set(self.ctx.compiled["section_id"]) if len(self.ctx.compiled) else set()
        return [s for s in self.cat.views.report.compiled_sections if s in written]

    def _group_word(self, part: pd.DataFrame) -> str:
        """Return how a group of units is called: "xã", "huyện, thành phố", "sở, ban, ngành…"."""
        level = self.cat.levels.set_index("code").loc[str(part["level"].iloc[0])]
        if level["territorial"]:
            return self.cat.kinds(part).removeprefix("các ")
        return str(level["plural"])

    def who(self, codes: list[str]) -> str:
        """Name the units that make a point, group by group.

        "tất cả 27 sở, ban, ngành, đoàn thể" when every unit of a group does; the names up to
        :data:`NAMED_UNITS`; above, the first six names and how many more.
        """
        chosen = set(codes)
        said = []
        for _, part in self._members.groupby("level", sort=False):
            mine = part.loc[part["unit_code"].isin(chosen)]
            if mine.empty:
                continue
            word = self._group_word(part)
            names = list(mine["name"])
            if len(mine) == len(part) and len(part) > 1:
                said.append(f"tất cả {len(part)} {word}")
            elif len(names) <= NAMED_UNITS:
                said.append(", ".join(names))
            else:
                said.append(
                    f"{len(names)} {word}: {', '.join(names[:6])} và {len(names) - 6} đơn vị khác"
                )
        return "; ".join(said)

    def cited_points(self, section_id: str) -> str:
        """Return the paragraph quoting the sub-units' points in a section ("" when none)."""
        if section_id not in self._compiled_sections:
            return ""
        found = compilation.points(self.ctx.compiled, section_id, POINT_LIMIT)
        quoted = [f"{self.who(codes)} nêu: “{text}”" for text, codes in found[:CITED_POINTS]]
        more = len(found) - CITED_POINTS
        tail = f"; ngoài ra còn {more} ý kiến khác" if more > 0 else ""
        text = ("Tổng hợp báo cáo của các đơn vị trực thuộc về nội dung này (chi tiết tại Phụ lục): "
                + "; ".join(quoted) + tail)  # fmt: skip
        return text if text.endswith((".”", "…”", "!”", "?”")) else text + "."

    def compilation_table(self) -> None:
        """Bảng: per compiled section, each distinct point with its units; and the full file."""
        if self.ctx.compiled.empty:
            return
        path = self.write_compilation()
        rows: list[list[str]] = []
        styles: list[str] = []
        for section_id in self._compiled_sections:
            rows.append([self.cat.section_title(section_id, self.ctx.unit_code), ""])
            styles.append("group")
            for text, codes in compilation.points(self.ctx.compiled, section_id, POINT_LIMIT):
                rows.append([text, _capital(self.who(codes))])
                styles.append("")
            wrote = set(
                self.ctx.compiled.loc[self.ctx.compiled["section_id"] == section_id, "unit_code"]
            )
            missing = [c for c in self._members["unit_code"] if c not in wrote]
            if missing:
                rows.append(["(Chưa báo cáo nội dung này)", _capital(self.who(missing))])
                styles.append("")
        if not rows:
            return
        n = self.ctx.compiled["unit_code"].nunique()
        self.table(
            "Tổng hợp nội dung báo cáo của các đơn vị trực thuộc",
            pd.DataFrame(rows, columns=["Nội dung chính (trích báo cáo của đơn vị)", "Đơn vị báo cáo"]),
            ["left", "left"],
            note=(f"Mỗi dòng là một ý: các câu đầu của phần đơn vị viết, đến khoảng {POINT_LIMIT} ký tự; "
                  "các đơn vị viết giống nhau được gộp một dòng. Toàn văn mọi mục của từng đơn vị, kèm "
                  f"nguồn (tệp, trang hoặc đề mục, ô hoặc đoạn): tệp {path.name} kèm theo báo cáo."),
            source=f"Nguồn: báo cáo của {n} đơn vị trực thuộc (biểu mẫu số liệu, trang Thuyết minh; văn bản Word).",
            row_styles=styles,
        )  # fmt: skip

    def write_compilation(self) -> Path:
        """Write every section each sub-unit wrote, full text and source, beside the report."""
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Tổng hợp báo cáo")
        ws.column_dimensions["B"].width = 40
        ws.column_dimensions["D"].width = 30
        ws.column_dimensions["E"].width = 100
        ws.append([f"TỔNG HỢP BÁO CÁO CỦA CÁC ĐƠN VỊ TRỰC THUỘC — {self.ctx.unit['name']} — "
                   f"{self.cat.review.title}"])  # fmt: skip
        if self.ctx.is_sample:
            ws.append(["DỮ LIỆU MẪU — không phải số liệu thật"])
        head = []
        for text in ["Mã mục", "Mục đề cương", "Mã đơn vị", "Đơn vị", "Nội dung", "Nguồn"]:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = Font(bold=True)
            head.append(cell)
        ws.append(head)
        wrap = Alignment(wrap_text=True, vertical="top")
        for r in self.ctx.compiled.itertuples():
            title = self.cat.section_title(str(r.section_id), self.ctx.unit_code)
            row = []
            for value in (r.section_id, title, r.unit_code, r.unit, r.text, r.source):
                cell = WriteOnlyCell(ws, value=safe_cell(value))
                cell.alignment = wrap
                row.append(cell)
            ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        path = self.out / COMPILED_FILE
        atomic_write_bytes(path, normalize_zip(buffer.getvalue()))
        return path


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]

"""Notebook views beyond the unit report: the overview of sub-units, and awards.

The awards view gives statistics, checks and money per level. Each cell of those notebooks
calls one method here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qptd_tools.analytics import awards, compilation, deadlines
from qptd_tools.catalog import Catalog, load_catalog
from qptd_tools.core import vnformat
from qptd_tools.core.config import Workspace, find_root
from qptd_tools.report import figures
from qptd_tools.report.context import AllContext, compute_all
from qptd_tools.report.emitter import Display, Emitter
from qptd_tools.store.workspace import WorkspaceData, with_data


def _open_all(root: str | None) -> tuple[Workspace, Catalog, AllContext]:
    workspace = Workspace(find_root(root))
    data = with_data(WorkspaceData(workspace.root))
    return workspace, load_catalog(workspace.root), compute_all(data)


class Overview(Emitter):
    """Compare sub-units: a district's communes, or the province's districts or departments."""

    def __init__(
        self,
        all_: AllContext,
        parent_code: str | int,
        level: str,
        output_dir: Path,
        display: Display | None = None,
    ):
        super().__init__(output_dir, display)
        self.all = all_
        self.cat = all_.catalog
        parent_code = self.cat.resolve(parent_code)
        self.parent = self.cat.unit(parent_code)
        self.level = level or None
        kids = self.cat.children(parent_code, self.level)
        self.kids = kids.iloc[
            sorted(range(len(kids)), key=lambda i: vnformat.sort_key(kids["name"].iloc[i]))
        ]

    @classmethod
    def open(cls, parent_code: str, level: str = "", root: str | None = None, output_dir: str = "",
             display: Display | None = None) -> Overview:  # fmt: skip
        """Open the overview of ``parent_code``'s sub-units (of ``level`` when given)."""
        workspace, _, all_ = _open_all(root)
        out = Path(output_dir) if output_dir else workspace.reports / f"tong-quan-{parent_code}"
        return cls(all_, parent_code, level, out, display)

    def indicators_table(self) -> None:
        """Bảng: the sub-units' period values of the main indicators."""
        summary = self.all.result.indicators["summary"].set_index(["unit_code", "indicator"])[
            "period_value"
        ]
        meta = self.cat.indicators.set_index("code")
        codes = [
            c
            for c in self.cat.views.overview.table
            if any((u, c) in summary.index for u in self.kids["unit_code"])
        ]
        rows = []
        for unit in self.kids.itertuples():
            rows.append([unit.name, *[vnformat.number(summary.get((unit.unit_code, c)), 2 if meta.at[c, "unit"] == "%" else 0)
                                      for c in codes]])  # fmt: skip
        headers = [f"{meta.at[c, 'name']} ({meta.at[c, 'unit']})" for c in codes]
        frame = pd.DataFrame(rows, columns=["Đơn vị", *headers])
        self.table(f"Các chỉ tiêu chủ yếu của các đơn vị trực thuộc {self.parent['name']}", frame,
                   ["left", *["right"] * len(codes)])  # fmt: skip

    def comparisons(self, codes: tuple[str, ...] = ()) -> None:
        """Hình: the sub-units side by side, one figure per indicator (default: ``views.yaml``)."""
        summary = self.all.result.indicators["summary"]
        names = self.kids.set_index("unit_code")["name"]
        for code in codes or self.cat.views.overview.figures:
            part = summary.loc[
                summary["unit_code"].isin(names.index) & (summary["indicator"] == code)
            ]
            if part.empty:
                continue
            name, unit = self.cat.indicators.set_index("code").loc[code, ["name", "unit"]]
            values = {
                names[u]: v for u, v in zip(part["unit_code"], part["period_value"], strict=True)
            }
            height = max(2.4, 0.22 * len(values) + 0.8)
            self.figure(f"{name} — so sánh các đơn vị trực thuộc {self.parent['name']}",
                        figures.compare, {"values": values, "title": name, "unit": unit},
                        size=(6.3, height))  # fmt: skip

    def narratives(self, section: str = "", full: bool = False) -> pd.DataFrame:
        """Bảng: what each sub-unit wrote, section by section, with its source (issue #15).

        The narrative in force (workbooks and Word documents); ``section`` keeps one outline
        section (its id, e.g. ``P1.I.3``, or words of its title); ``full`` the whole texts
        instead of their key sentences. Returns the table shown (plain columns, English names).
        """
        parent = str(self.parent["unit_code"])
        titles = {s: self.cat.section_title(s, parent).format(start=self.cat.review.period_start,
                                                                end=self.cat.review.period_end)
                  for s in self.cat.outline["section_id"]}  # fmt: skip
        found = compilation.by_section(
            self.all.tables["narrative"], self.kids, self.cat.outline, titles, full=full
        )
        if section:
            wanted = vnformat.fold(section)
            found = found.loc[
                (found["section_id"] == section)
                | found["section"].map(vnformat.fold).str.contains(wanted, regex=False)
            ]
        shown = found.rename(columns={"section": "Mục", "unit": "Đơn vị", "text": "Nội dung" if full else "Ý chính",
                                      "source": "Nguồn"})[["Mục", "Đơn vị", "Nội dung" if full else "Ý chính", "Nguồn"]]  # fmt: skip
        self.table(f"Nội dung báo cáo của các đơn vị trực thuộc {self.parent['name']}, theo mục đề cương",
                   shown, ["left", "left", "left", "left"])  # fmt: skip
        return found

    def deadlines(self) -> None:
        """Bảng: the sub-units' conference and report dates against the deadlines."""
        board = (
            self.all.result.board.set_index("unit_code")
            .reindex(self.kids["unit_code"])
            .reset_index()
        )
        frame = pd.DataFrame({
            "Đơn vị": board["name"],
            "Ngày hội nghị": [vnformat.date_short(d.date()) if pd.notna(d) else "–" for d in board["conference_date"]],
            "Hội nghị": board["conference_status"].map(deadlines.STATUS),
            "Ngày gửi báo cáo": [vnformat.date_short(d.date()) if pd.notna(d) else "–" for d in board["report_date"]],
            "Báo cáo": board["report_status"].map(deadlines.STATUS),
        })  # fmt: skip
        self.table("Theo dõi thời hạn tổ chức hội nghị và gửi báo cáo", frame)


class AwardsView(Emitter):
    """Award statistics, checks and money for a unit and everything below it."""

    def __init__(
        self,
        all_: AllContext,
        unit_code: str | int,
        output_dir: Path,
        display: Display | None = None,
    ):
        super().__init__(output_dir, display)
        self.cat = all_.catalog
        unit_code = self.cat.resolve(unit_code)
        self.unit = self.cat.unit(unit_code)
        below = self.cat.descendants(unit_code)
        self.records = all_.awards.loc[all_.awards["unit_code"].isin(below)]
        self.money = all_.money.loc[all_.money["unit_code"].isin(below)]

    @classmethod
    def open(cls, unit_code: str, root: str | None = None, output_dir: str = "",
             display: Display | None = None) -> AwardsView:  # fmt: skip
        """Open the awards view of ``unit_code`` (the unit and every unit below it)."""
        workspace, _, all_ = _open_all(root)
        out = Path(output_dir) if output_dir else workspace.reports / f"khen-thuong-{unit_code}"
        return cls(all_, unit_code, out, display)

    def _names(self, frame: pd.DataFrame) -> pd.DataFrame:
        forms = self.cat.award_forms.set_index("code")["name"]
        groups = self.cat.recipient_groups.set_index("code")["name"]
        out = frame.copy()
        if "form" in out:
            out["form"] = out["form"].map(forms)
        if "recipient_group" in out:
            out["recipient_group"] = out["recipient_group"].map(groups)
        if "recipient_type" in out:
            out["recipient_type"] = out["recipient_type"].map(
                {"tap_the": "Tập thể", "ca_nhan": "Cá nhân"}
            )
        if "status" in out:
            out["status"] = out["status"].map({"de_nghi": "Đề nghị", "quyet_dinh": "Quyết định"})
        return out

    def by_form(self) -> None:
        """Bảng and Hình: records by form and recipient type, proposed and decided."""
        if self.records.empty:
            self.paragraph("Chưa có hồ sơ khen thưởng.")
            return
        table = awards.decided_vs_proposed(self.records)
        table = table.assign(
            _o=table["form"].map(self.cat.award_forms.set_index("code")["order"])
        ).sort_values(["_o", "recipient_type"])
        shown = self._names(table.drop(columns="_o"))
        shown.columns = ["Hình thức", "Đối tượng", "Đề nghị", "Quyết định", "Cộng"]
        self.table(f"Khen thưởng theo hình thức — {self.unit['name']} và các đơn vị trực thuộc", shown,
                   ["left", "left", "right", "right", "right"])  # fmt: skip
        pivot = table.pivot_table(
            index="form", columns="recipient_type", values="total", aggfunc="sum", fill_value=0
        )
        order = [f for f in self.cat.award_forms.sort_values("order")["code"] if f in pivot.index]
        short = self.cat.award_forms.set_index("code")["short_name"]
        counts = pd.DataFrame({"Tập thể": pivot.reindex(order).get("tap_the", 0),
                               "Cá nhân": pivot.reindex(order).get("ca_nhan", 0)}).set_axis([short[f] for f in order])  # fmt: skip
        self.figure("Khen thưởng theo hình thức và đối tượng",
                    figures.awards_by_form, {"counts": counts, "title": "Số hồ sơ theo hình thức"},
                    size=(6.3, max(2.4, 0.35 * len(order) + 0.9)))  # fmt: skip

    def by_group(self) -> None:
        """Bảng: records by recipient group and status."""
        stats = awards.statistics(self.records, ["recipient_group", "status"])
        if stats.empty:
            return
        shown = self._names(stats)
        shown.columns = ["Nhóm đối tượng", "Tình trạng", "Số hồ sơ"]
        self.table("Khen thưởng theo nhóm đối tượng", shown, ["left", "left", "right"])

    def shares(self) -> None:
        """Bảng: shares of women, ethnic minorities and commune-level recipients (aggregates only)."""
        share = awards.shares(self.records)
        if share.empty or not share["individuals"].iloc[0]:
            return
        row = share.iloc[0]
        frame = pd.DataFrame([
            ["Cá nhân được đề nghị, khen thưởng", vnformat.number(row["individuals"]), "100%"],
            ["Trong đó: nữ", vnformat.number(row["women"]), vnformat.percent(row["women_pct"])],
            ["Người dân tộc thiểu số", vnformat.number(row["minorities"]), vnformat.percent(row["minorities_pct"])],
            ["Cá nhân ở cấp xã", vnformat.number(row["commune_level"]), vnformat.percent(row["commune_level_pct"])],
        ], columns=["Chỉ tiêu", "Số người", "Tỷ lệ"])  # fmt: skip
        self.table("Cơ cấu cá nhân được đề nghị, khen thưởng", frame, ["left", "right", "right"])

    def checks(self) -> None:
        """Bảng: what the award checks found."""
        found = awards.checks(self.records, self.cat.units, self.cat.award_forms, self.cat.recipient_groups,
                              self.cat.collective_levels, self.cat.award_quotas, self.cat.level_words)  # fmt: skip
        if found.empty:
            self.paragraph("Kiểm tra khen thưởng: không phát hiện vấn đề.")
            return
        frame = found[["code", "unit_code", "message"]].rename(
            columns={"code": "Mã", "unit_code": "Đơn vị", "message": "Nội dung"}
        )
        self.table("Kết quả kiểm tra hồ sơ khen thưởng", frame, ["code", "code", "left"])

    def money_by_payer(self) -> None:
        """Bảng: award money by paying level (unconfirmed rates marked)."""
        if self.money.empty:
            return
        summary = awards.money_summary(self.money)
        frame = pd.DataFrame({
            "Cấp chi trả": summary["payer"],
            "Số hồ sơ": [vnformat.number(v) for v in summary["records"]],
            "Kinh phí (đồng)": [vnformat.number(v) for v in summary["amount"]],
            "Ghi chú": ["" if ok else "có mức thưởng chưa xác nhận" for ok in summary["complete"]],
        })  # fmt: skip
        self.table("Dự kiến kinh phí khen thưởng theo cấp chi trả", frame, ["left", "right", "right", "left"],
                   note="Mức thưởng theo Nghị định 91/2017/NĐ-CP; tập thể gấp 2 lần cá nhân; làm tròn lên hàng chục nghìn đồng.")  # fmt: skip

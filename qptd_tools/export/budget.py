"""Budget estimates (dự toán kinh phí) of each conference-holding unit (Guidance 297, IV).

"Cấp nào tổ chức sơ kết và khen thưởng do cấp đó cân đối trong ngân sách thường xuyên": a
commune, a district and the province each estimate what their own budget pays — the award
money of the awards it pays (Decree 91/2017/NĐ-CP, from the award records: decided ones at the
base salary of their decision date, proposals at the review's reference date), and the costs
of its half-day conference from the rates of ``conference_costs.csv`` (per conference, per
participant — the number of delegates from the workbook — or per award it presents). A rate
the catalogue marks unconfirmed is said so in the document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat
from qptd_tools.export.collect import Document
from qptd_tools.export.save import FORMATS, save
from qptd_tools.report import docmeta

HOLDERS = ("xa", "huyen", "tinh")
KINDS = {"tap_the": "tập thể", "ca_nhan": "cá nhân"}
STEM = "du-toan"


@dataclass(frozen=True)
class Line:
    """One line of an estimate: what, unit of measure, quantity, rate, amount, confirmed."""

    part: str  # "awards" or "conference"
    item: str
    unit: str
    quantity: int | None
    rate: float | None
    confirmed: bool

    @property
    def amount(self) -> float | None:
        """Quantity × rate, or None where either is unknown."""
        if self.quantity is None or self.rate is None or pd.isna(self.rate):
            return None
        return float(self.quantity) * float(self.rate)


def award_lines(money: pd.DataFrame, cat: Catalog, unit_code: str) -> list[Line]:
    """Return the awards this unit pays, by form, recipient type and amount (decided, proposed)."""
    mine = money.loc[money["payer_code"] == unit_code]
    forms = cat.award_forms.set_index("code")
    lines = []
    for (_, form, kind, amount), part in mine.assign(
        _order=mine["form"].map(forms["order"]), _amount=mine["amount"].fillna(-1)
    ).groupby(["_order", "form", "recipient_type", "_amount"], sort=True):
        state = "đã quyết định" if (part["status"] == "quyet_dinh").all() else (
            "đề nghị" if (part["status"] == "de_nghi").all() else "đã quyết định và đề nghị")  # fmt: skip
        lines.append(Line("awards", f"{forms.at[form, 'short_name']}, {KINDS[str(kind)]} ({state})",
                          "người" if kind == "ca_nhan" else "tập thể", len(part),
                          None if amount < 0 else float(amount), bool(part["rate_confirmed"].all())))  # fmt: skip
    return lines


def conference_lines(
    cat: Catalog, unit_code: str, participants: int | None, presented: int
) -> list[Line]:
    """Return the half-day conference's costs at the catalogue's rates of this unit's level."""
    level = str(cat.unit(unit_code)["level"])
    rows = cat.conference_costs.loc[cat.conference_costs["level"] == level].sort_values("order")
    quantity = {"conference": 1, "participant": participants, "award": presented}
    return [Line("conference", str(r.item), str(r.unit), quantity[str(r.basis)], float(r.rate), bool(r.confirmed))
            for r in rows.itertuples()]  # fmt: skip


def _number(value: float | int | None) -> str:
    return "…" if value is None else vnformat.number(value)


def _document(cat: Catalog, unit_code: str, lines: list[Line], signer: tuple[str, str],
              sample: bool, day: dt.date | None = None) -> Document:  # fmt: skip
    meta = docmeta.document(
        cat, unit_code, day=day, signer=signer[0], signer_title=signer[1], sample=sample
    )
    meta.update({"title": "DỰ TOÁN KINH PHÍ", "keep_with_signature": 1, "symbol": "",
                 "subject": f"Tổ chức {cat.review.conference_title[0].lower()}{cat.review.conference_title[1:]} "
                            "và khen thưởng", "recipients": list(cat.documents["budget"]["recipients"][str(cat.unit(unit_code)["level"])])})  # fmt: skip
    rows: list[list[str]] = []
    styles: list[str] = []
    total = 0.0
    unknown = False
    for roman, part, title in (("I", "awards", "Tiền thưởng (Nghị định số 91/2017/NĐ-CP)"),
                               ("II", "conference", "Tổ chức hội nghị (nửa ngày)")):  # fmt: skip
        chosen = [line for line in lines if line.part == part]
        amounts = [line.amount for line in chosen]
        subtotal = sum(a for a in amounts if a is not None)
        unknown |= any(a is None for a in amounts)
        total += subtotal
        rows.append([roman, title, "", "", "", vnformat.number(subtotal)])
        styles.append("subtotal")
        for i, line in enumerate(chosen, start=1):
            mark = "" if line.confirmed else " (*)"
            rows.append([str(i), line.item + mark, line.unit, _number(line.quantity), _number(line.rate),
                         _number(line.amount)])  # fmt: skip
            styles.append("")
    rows.append(["", "Tổng cộng", "", "", "", vnformat.number(total)])
    styles.append("subtotal")
    place = cat.place(unit_code)
    notes = [f"Kinh phí do ngân sách {place} bảo đảm (Hướng dẫn số 297/HD-UBND, mục IV); tiền thưởng của "
             "hình thức cấp trên quyết định do cấp chi trả theo quy định."]  # fmt: skip
    if any(not line.confirmed for line in lines):
        notes.append("(*) Mức chưa được xác nhận bằng văn bản (conference_costs.csv, award_rates.csv): "
                     "kiểm tra, điều chỉnh trước khi trình.")  # fmt: skip
    if unknown:
        notes.append("“…”: chưa có số liệu (số đại biểu ghi ở trang Thông tin của biểu mẫu; mức tiền thưởng "
                     "chưa có trong danh mục): chưa cộng vào tổng.")  # fmt: skip
    body: list[dict[str, Any]] = [
        {"kind": "table", "number": 1, "caption": "", "rows": rows, "row_styles": styles,
         "columns": ["STT", "Nội dung", "ĐVT", "Số lượng", "Đơn giá (đồng)", "Thành tiền (đồng)"],
         "align": ["center", "left", "center", "right", "right", "right"]},
        *({"kind": "paragraph", "style": "note-small", "text": n} for n in notes),
        {"kind": "paragraph", "style": "body",
         "text": f"Tổng dự toán: {vnformat.number(total)} đồng./."},
    ]  # fmt: skip
    return Document(meta=meta, body=body)


def write_budgets(money: pd.DataFrame, cat: Catalog, conferences: pd.DataFrame, out_dir: Path,
                  signers: dict[str, tuple[str, str]], only: Collection[str] | None = None,
                  sample: bool = False, formats: Sequence[str] = FORMATS,
                  dates: Mapping[str, dt.date] | None = None, number: str = "") -> list[Path]:  # fmt: skip
    """Write ``<out_dir>/<unit>/du-toan.docx`` and ``.html`` for each conference-holding unit.

    ``money`` is :func:`qptd_tools.analytics.awards.money` of every award record, with the
    deciding unit of each in a ``scope`` column (the awards a unit presents at its conference).
    ``dates`` dates each unit's estimate (the date of the plan it goes with); ``number`` is
    the document number the user gives (one unit).
    """
    people = conferences.dropna(subset=["participants"]).set_index("unit_code")["participants"]
    written = []
    for unit in cat.units.loc[cat.units["level"].isin(HOLDERS), "unit_code"]:
        if only is not None and unit not in only:
            continue
        presented = int((money["scope"] == unit).sum())
        count = people.get(unit)
        lines = award_lines(money, cat, unit) + conference_lines(
            cat, unit, int(count) if count is not None else None, presented
        )
        doc = _document(
            cat, unit, lines, signers.get(unit, ("", "")), sample, (dates or {}).get(unit)
        )
        doc.meta["number"] = number or doc.meta["number"]
        written += save(doc, out_dir / unit, STEM, formats)
    return written

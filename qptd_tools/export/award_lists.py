"""Award lists to attach to each deciding level's decision, as DOCX and XLSX.

One list per deciding authority (a commune's chair for Giấy khen cấp xã, a district's chair
for Giấy khen cấp huyện, the province for its Bằng khen and for the proposals it sends up),
grouped by form, collectives then individuals: name, position or description, proposing
unit. Gender and ethnicity never appear in a list (personal data; Decree 13/2023/NĐ-CP).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qptd_tools.analytics import awards
from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat
from qptd_tools.core.fsutil import atomic_write_bytes, normalize_zip, safe_cell
from qptd_tools.export.collect import Document
from qptd_tools.export.docx_build import build
from qptd_tools.report import docmeta

LIST_COLUMNS = ["STT", "Hình thức khen thưởng", "Đối tượng", "Tên tập thể / Họ và tên",
                "Chức vụ, đơn vị công tác", "Đơn vị đề nghị", "Tình trạng", "Số quyết định", "Ngày quyết định"]  # fmt: skip


def _records(enriched: pd.DataFrame, cat: Catalog) -> pd.DataFrame:
    names = cat.units.set_index("unit_code")["name"]
    forms = cat.award_forms.set_index("code")
    out = enriched.assign(
        scope=awards.deciding_unit(enriched, cat.units),
        form_name=enriched["form"].map(forms["name"]),
        form_order=enriched["form"].map(forms["order"]),
        proposer=enriched["unit_code"].map(names),
    )
    out["_name_key"] = out["recipient_name"].map(vnformat.sort_key)
    return out.sort_values(
        ["scope", "form_order", "recipient_type", "_name_key"], ascending=[True, True, False, True]
    )


def _docx(cat: Catalog, scope: str, part: pd.DataFrame, root: Path | None, sample: bool) -> bytes:
    meta = docmeta.document(cat, scope, root=root)
    meta.update({
        "title": "DANH SÁCH",
        "subject": f"Tập thể, cá nhân đề nghị khen thưởng thành tích trong {cat.review.title.lower()}",
        "recipients": ["Như trên;", "Lưu: VT."], "signer": "", "sample": sample,
    })  # fmt: skip
    body: list[dict] = []
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    number = 0
    for i, (_, form_part) in enumerate(part.groupby("form_order", sort=True)):
        body.append(
            {
                "kind": "heading",
                "level": "roman",
                "label": f"{roman[i]}.",
                "title": form_part["form_name"].iloc[0].upper(),
            }
        )
        for j, (kind, label) in enumerate(
            (("tap_the", "Tập thể"), ("ca_nhan", "Cá nhân")), start=1
        ):
            people = form_part.loc[form_part["recipient_type"] == kind]
            if people.empty:
                continue
            number += 1
            rows = [
                [str(k), r.recipient_name, r.position or "", r.proposer]
                for k, r in enumerate(people.itertuples(), start=1)
            ]
            body.append(
                {
                    "kind": "heading",
                    "level": "arabic",
                    "label": f"{j}.",
                    "title": f"{label} ({len(rows)})",
                }
            )
            body.append({"kind": "table", "number": number, "caption": f"{label} — {form_part['form_name'].iloc[0]}",
                         "columns": ["STT", "Tên tập thể / Họ và tên", "Chức vụ, đơn vị công tác", "Đơn vị đề nghị"],
                         "rows": rows, "align": ["center", "left", "left", "left"]})  # fmt: skip
    return build(Document(meta=meta, body=body))


def _xlsx(cat: Catalog, scope: str, part: pd.DataFrame, sample: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Danh sách"
    ws.append([f"DANH SÁCH KHEN THƯỞNG — {cat.unit(scope)['name']}"])
    ws.append([cat.review.title + (" — DỮ LIỆU MẪU, không phải số liệu thật" if sample else "")])
    ws.append(LIST_COLUMNS)
    status = {"de_nghi": "Đề nghị", "quyet_dinh": "Quyết định"}
    kinds = {"tap_the": "Tập thể", "ca_nhan": "Cá nhân"}
    for k, r in enumerate(part.itertuples(), start=1):
        day = vnformat.date_short(r.decision_date.date()) if pd.notna(r.decision_date) else ""
        ws.append([safe_cell(v) for v in (k, r.form_name, kinds[r.recipient_type], r.recipient_name,
                                          r.position or "", r.proposer, status[r.status], r.decision_no or "", day)])  # fmt: skip
    ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
    for cell in ws[3]:
        cell.font = Font(name="Times New Roman", bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for letter, width in zip("ABCDEFGHI", (6, 40, 10, 32, 36, 28, 12, 16, 14), strict=True):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalize_zip(buffer.getvalue())


def write_lists(enriched: pd.DataFrame, cat: Catalog, out_dir: Path, root: Path | None = None,
                only: str | None = None, sample: bool = False) -> list[Path]:  # fmt: skip
    """Write ``<out_dir>/<scope>/danh-sach-khen-thuong.docx`` and ``.xlsx`` for each deciding unit.

    Parameters
    ----------
    enriched
        Award records (:func:`qptd_tools.analytics.awards.enrich`).
    cat
        The catalogues.
    out_dir
        ``reports/khen-thuong``.
    root
        The workspace (for catalogue overrides).
    only
        Only the list of this deciding unit.
    sample
        Label the lists as synthetic sample data.
    """
    records = _records(enriched, cat)
    written = []
    for scope, part in records.groupby("scope", sort=True):
        if only and scope != only:
            continue
        folder = out_dir / str(scope)
        for suffix, data in (
            ("docx", _docx(cat, str(scope), part, root, sample)),
            ("xlsx", _xlsx(cat, str(scope), part, sample)),
        ):
            path = folder / f"danh-sach-khen-thuong.{suffix}"
            atomic_write_bytes(path, data)
            written.append(path)
    return written

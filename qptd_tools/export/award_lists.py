"""Award lists, each attached to one decision or one submission, as DOCX and XLSX.

A list is always attached to a document (DESIGN §8): decided awards to the decision that
granted them ("Kèm theo Quyết định số … ngày … của Chủ tịch UBND …", the number and date from
the records), proposals to the submission that asks for them ("Kèm theo Tờ trình số … của
…"), one per proposing unit and receiving authority. Decided and proposed awards are never in
the same list. Within a list, forms in catalogue order, collectives then individuals, each
group numbered from 1: name, position or description, proposing unit. Gender and ethnicity
never appear (personal data; Decree 13/2023/NĐ-CP).
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qptd_tools.analytics import awards
from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat
from qptd_tools.core.config import SAMPLE_LABEL
from qptd_tools.core.fsutil import atomic_write_bytes, normalize_zip, safe_cell
from qptd_tools.export.collect import Document
from qptd_tools.export.docx_build import build
from qptd_tools.report import docmeta

LIST_COLUMNS = ["STT", "Hình thức khen thưởng", "Đối tượng", "Tên tập thể / Họ và tên",
                "Chức vụ, đơn vị công tác", "Đơn vị đề nghị", "Tình trạng", "Số quyết định", "Ngày quyết định"]  # fmt: skip
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
STATUS = {"de_nghi": "Đề nghị", "quyet_dinh": "Quyết định"}
KINDS = {"tap_the": "Tập thể", "ca_nhan": "Cá nhân"}
LOCAL = ("xa", "huyen", "tinh")  # the chairs of People's Committees, who decide in their name


@dataclass(frozen=True)
class AwardList:
    """One list: whose it is, what it is attached to, and its records."""

    issuer: str  # the unit whose letterhead the list carries
    decided: bool
    authority: str  # the authority that decides (authorities.csv code)
    decision_no: str  # for a decided list
    decision_date: pd.Timestamp | None
    records: pd.DataFrame
    draft: bool = False  # the list of a decision still to be signed (proposals awaiting it)

    @property
    def stem(self) -> str:
        """The file name without extension, saying what the list is."""
        if self.draft:
            return f"danh-sach-kem-du-thao-quyet-dinh-{self.authority.replace('_', '-')}"
        if self.decided:
            return f"danh-sach-kem-quyet-dinh-{slug(self.decision_no) or 'chua-co-so'}"
        return f"danh-sach-de-nghi-{self.authority.replace('_', '-')}"


def slug(text: str) -> str:
    """Return a file-name part of a text: "205/QĐ-UBND" → "205-qd-ubnd"."""
    return re.sub(r"[^a-z0-9]+", "-", vnformat.fold(text)).strip("-")


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
        ["form_order", "recipient_type", "_name_key"], ascending=[True, False, True]
    )


def lists(enriched: pd.DataFrame, cat: Catalog) -> list[AwardList]:
    """Split award records into the lists attached to decisions and to submissions."""
    records = _records(enriched, cat)
    out = []
    decided = records.loc[records["status"] == "quyet_dinh"]
    for (scope, number), part in decided.groupby(
        ["scope", decided["decision_no"].fillna("")], sort=True
    ):
        day = part["decision_date"].dropna()
        out.append(AwardList(str(scope), True, str(part["deciding_level"].iloc[0]), str(number),
                             day.iloc[0] if len(day) else None, part))  # fmt: skip
    proposed = records.loc[records["status"] == "de_nghi"]
    for (unit, authority), part in proposed.groupby(["unit_code", "deciding_level"], sort=True):
        out.append(AwardList(str(unit), False, str(authority), "", None, part))
    return out


def drafts(enriched: pd.DataFrame, cat: Catalog, conferences: pd.DataFrame) -> list[AwardList]:
    """Return, per chair of a People's Committee, the list of the proposals awaiting that chair.

    The chair decides them and presents them at the conference of the level (Guidance 297,
    V.3): the draft decision is dated by that conference when it is known.
    """
    records = _records(enriched, cat)
    waiting = records.loc[(records["status"] == "de_nghi") & records["deciding_level"].isin(LOCAL)]
    held = conferences.dropna(subset=["conference_date"]).set_index("unit_code")["conference_date"]
    out = []
    for (scope, authority), part in waiting.groupby(["scope", "deciding_level"], sort=True):
        day = held.get(scope)
        out.append(AwardList(str(scope), True, str(authority), "", pd.Timestamp(day) if day is not None else None,
                             part, draft=True))  # fmt: skip
    return out


def authority_name(cat: Catalog, award_list: AwardList) -> str:
    """Name who decides: "Chủ tịch UBND huyện Pác Nặm", "Bộ trưởng Bộ Quốc phòng"."""
    scope = str(award_list.records["scope"].iloc[0])
    if award_list.authority in ("xa", "huyen", "tinh"):
        return f"Chủ tịch Ủy ban nhân dân {cat.place(scope)}"
    return str(cat.authorities.set_index("code").at[award_list.authority, "name"])


def own_council(cat: Catalog, award_list: AwardList) -> bool:
    """Whether a proposal goes to the issuer's own chair: its emulation council submits it."""
    return (not award_list.decided and award_list.authority in ("xa", "huyen", "tinh")
            and str(award_list.records["scope"].iloc[0]) == award_list.issuer)  # fmt: skip


def _subject(cat: Catalog, award_list: AwardList) -> tuple[str, str]:
    """Return the list's subject and the line saying what it is attached to."""
    review = cat.review.title[:1].lower() + cat.review.title[1:]
    issuer = docmeta.body_name(cat, award_list.issuer)
    decider = authority_name(cat, award_list)
    if award_list.decided:
        day = award_list.decision_date
        when = vnformat.date_long(day.date()) if day is not None else "ngày … tháng … năm …"
        number = award_list.decision_no or "\u00a0" * 6
        return (f"Tập thể, cá nhân được khen thưởng thành tích trong {review}",
                f"(Kèm theo Quyết định số {number} {when} của {decider})")  # fmt: skip
    if own_council(cat, award_list):
        issuer = f"Hội đồng Thi đua - Khen thưởng {cat.place(award_list.issuer)}"
    return (f"Tập thể, cá nhân đề nghị {decider} khen thưởng thành tích trong {review}",
            f"(Kèm theo Tờ trình số {chr(160) * 6}/TTr-… ngày … tháng … năm {cat.review.period_end} của {issuer})")  # fmt: skip


def _docx(
    cat: Catalog, award_list: AwardList, signers: Mapping[str, tuple[str, str]], sample: bool
) -> bytes:
    signer, title = signers.get(award_list.issuer, ("", ""))
    day = award_list.decision_date.date() if award_list.decision_date is not None else None
    meta = docmeta.document(cat, award_list.issuer, day=day, signer=signer, signer_title=title)
    subject, attached = _subject(cat, award_list)
    meta.update({"title": "DANH SÁCH", "subject": subject, "attached": attached, "symbol": "",
                 "recipients": [], "sample": sample})  # fmt: skip
    if award_list.decided and award_list.authority in ("xa", "huyen", "tinh"):
        meta["authority"] = ""  # the chair decides in his own name: no "TM. ỦY BAN NHÂN DÂN"
    elif own_council(cat, award_list):  # the chair of the People's Committee chairs it
        meta["authority"] = "TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"
    body: list[dict] = []
    number = 0
    parts = list(award_list.records.groupby("form_order", sort=True))
    for i, (_, form_part) in enumerate(parts):
        # a heading is numbered only among others: one form, or one group, stands unnumbered
        body.append({"kind": "heading", "level": "roman", "label": f"{ROMAN[i]}." if len(parts) > 1 else "",
                     "title": str(form_part["form_name"].iloc[0]).upper()})  # fmt: skip
        kinds = [k for k in ("tap_the", "ca_nhan") if (form_part["recipient_type"] == k).any()]
        for group, kind in enumerate(kinds, start=1):
            people = form_part.loc[form_part["recipient_type"] == kind]
            number += 1
            body.append({"kind": "heading", "level": "arabic", "label": f"{group}." if len(kinds) > 1 else "",
                         "title": f"{KINDS[kind]} ({len(people)})"})  # fmt: skip
            if kind == "tap_the":  # a collective has no position
                rows = [
                    [str(k), r.recipient_name, r.proposer]
                    for k, r in enumerate(people.itertuples(), start=1)
                ]
                columns, align = (
                    ["STT", "Tên tập thể", "Đơn vị đề nghị"],
                    ["center", "left", "left"],
                )
            else:
                rows = [[str(k), r.recipient_name, r.position or "", r.proposer]
                        for k, r in enumerate(people.itertuples(), start=1)]  # fmt: skip
                columns = ["STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Đơn vị đề nghị"]
                align = ["center", "left", "left", "left"]
            body.append({"kind": "table", "number": number, "caption": "", "columns": columns,
                         "rows": rows, "align": align})  # fmt: skip
    body.append(
        {
            "kind": "paragraph",
            "style": "list",
            "text": f"Tổng số: {total_text(award_list.records)}.",
        }
    )
    return build(Document(meta=meta, body=body))


def total_text(records: pd.DataFrame) -> str:
    """Say how many: "3 tập thể và 9 cá nhân", "4 cá nhân"."""
    counts = records["recipient_type"].value_counts()
    said = [
        f"{vnformat.number(counts[k])} {KINDS[k].lower()}"
        for k in ("tap_the", "ca_nhan")
        if k in counts
    ]
    return " và ".join(said)


def _xlsx(cat: Catalog, award_list: AwardList, sample: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Danh sách"
    subject, attached = _subject(cat, award_list)
    ws.append([f"DANH SÁCH — {subject}"])
    ws.append([attached + (f" — {SAMPLE_LABEL}" if sample else "")])
    ws.append(LIST_COLUMNS)
    for k, r in enumerate(award_list.records.itertuples(), start=1):
        day = vnformat.date_short(r.decision_date.date()) if pd.notna(r.decision_date) else ""
        ws.append([safe_cell(v) for v in (k, r.form_name, KINDS[r.recipient_type], r.recipient_name,
                                          r.position or "", r.proposer, STATUS[r.status], r.decision_no or "", day)])  # fmt: skip
    ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
    for cell in ws[3]:
        cell.font = Font(name="Times New Roman", bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for letter, width in zip("ABCDEFGHI", (6, 40, 10, 32, 36, 28, 12, 16, 14), strict=True):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalize_zip(buffer.getvalue())


def write_lists(enriched: pd.DataFrame, cat: Catalog, out_dir: Path, only: str | Collection[str] | None = None,
                sample: bool = False, signers: Mapping[str, tuple[str, str]] | None = None) -> list[Path]:  # fmt: skip
    """Write each list as ``<out_dir>/<issuer>/<what it is>.docx`` and ``.xlsx``.

    Parameters
    ----------
    enriched
        Award records (:func:`qptd_tools.analytics.awards.enrich`).
    cat
        The catalogues.
    out_dir
        ``reports/khen-thuong``.
    only
        Only the lists whose letterhead is this unit's (or one of these units').
    sample
        Label the lists as synthetic sample data.
    signers
        Each unit's signer (name, title), from its workbook's ``Thông tin`` sheet.
    """
    written = []
    chosen = chosen_units(only)
    for award_list in lists(enriched, cat):
        if chosen is not None and award_list.issuer not in chosen:
            continue
        written += write_list(cat, award_list, out_dir, signers or {}, sample)
    return written


def chosen_units(only: str | Collection[str] | None) -> set[str] | None:
    """Read a choice of units: one code, several, or ``None`` for all."""
    if only is None:
        return None
    return {only} if isinstance(only, str) else set(only)


def write_list(cat: Catalog, award_list: AwardList, out_dir: Path,
               signers: Mapping[str, tuple[str, str]], sample: bool) -> list[Path]:  # fmt: skip
    """Write one list as ``<out_dir>/<issuer>/<what it is>.docx`` and ``.xlsx``."""
    written = []
    for suffix, data in (("docx", _docx(cat, award_list, signers, sample)),
                         ("xlsx", _xlsx(cat, award_list, sample))):  # fmt: skip
        path = out_dir / award_list.issuer / f"{award_list.stem}.{suffix}"
        atomic_write_bytes(path, data)
        written.append(path)
    return written


def signers_of(conferences: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Return each unit's signer (name, title) from the stored conference table."""
    known = (
        conferences.dropna(subset=["signer_name"])
        if "signer_name" in conferences
        else conferences.iloc[:0]
    )
    return {
        str(r.unit_code): (
            str(r.signer_name),
            str(r.signer_title) if pd.notna(r.signer_title) else "",
        )
        for r in known.itertuples()
    }

"""Award decisions and submissions (Guidance 297, III and V.3), built from the award records.

Each level decides the forms its chair decides and presents them at its conference; the forms
it cannot decide it proposes to the authority that can (DESIGN §8). So, from the same records
as the award lists (:mod:`qptd_tools.export.award_lists`):

* a **decision** (Quyết định) per decided list of a People's Committee chair — the number and
  date from the records — and one **draft decision** per chair for the proposals still waiting
  for that chair, dated by the chair's own conference, where the awards are presented;
* a **submission** (Tờ trình) per proposal list: the proposing unit to the deciding authority,
  through the channel ``authorities.csv`` names (civil through the provincial People's
  Committee, military through the provincial military command and Military Region 1).

Each document carries its list (the list's own file beside it), the legal bases in force on its
date (``legal_bases.csv``), the award money per Decree 91/2017/NĐ-CP and who pays it (seed IV),
in the same administrative format and with the same DOCX builder as the report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from qptd_tools.analytics import awards
from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat
from qptd_tools.export import award_lists as L
from qptd_tools.export.collect import Document
from qptd_tools.export.save import FORMATS, save
from qptd_tools.report import docmeta

LOCAL = L.LOCAL
KINDS = {"tap_the": "tập thể", "ca_nhan": "cá nhân"}


@dataclass(frozen=True)
class AwardDocument:
    """One document: its kind, the list it carries, and the file stem both are written under."""

    kind: str  # "decision" or "submission"
    award_list: L.AwardList

    @property
    def stem(self) -> str:
        """The file name without extension: what the document is, and for whom."""
        authority = self.award_list.authority.replace("_", "-")
        if self.kind == "submission":
            return f"to-trinh-{authority}"
        if self.award_list.draft:
            return f"quyet-dinh-khen-thuong-{authority}-du-thao"
        number = L.slug(self.award_list.decision_no) or "chua-co-so"
        return f"quyet-dinh-khen-thuong-{authority}-{number}"


def documents(
    enriched: pd.DataFrame, cat: Catalog, conferences: pd.DataFrame
) -> list[AwardDocument]:
    """Return every decision and submission the award records call for."""
    out = []
    for award_list in L.lists(enriched, cat):
        if award_list.decided and award_list.authority in LOCAL:
            out.append(AwardDocument("decision", award_list))
        elif not award_list.decided:
            out.append(AwardDocument("submission", award_list))
    out += [AwardDocument("decision", d) for d in L.drafts(enriched, cat, conferences)]
    return out


def bases(cat: Catalog, kind: str, day: dt.date | None) -> list[str]:
    """Return the legal bases of a document of ``kind`` in force on its date (all when unknown)."""
    rows = cat.legal_bases.sort_values("order")
    out = []
    for r in rows.itertuples():
        ends = r.valid_to if isinstance(r.valid_to, dt.date) else None
        if kind not in r.documents or (
            day is not None and (r.valid_from > day or (ends and ends < day))
        ):
            continue
        out.append(str(r.text))
    return out


def _number(decision_no: str) -> tuple[str, str]:
    """Split "205/QĐ-UBND" into the number and the symbol."""
    number, _, symbol = decision_no.partition("/")
    return number.strip(), symbol.strip()


def _amounts(cat: Catalog, award_list: L.AwardList) -> pd.DataFrame:
    day = award_list.decision_date
    return awards.money_of(award_list.records, cat, day.date() if day is not None else None)


def _money_sentence(cat: Catalog, award_list: L.AwardList) -> tuple[str, float]:
    """Say the award money of each form and recipient type, the total, and who pays it."""
    money = _amounts(cat, award_list)
    said = []
    for form, part in money.groupby("form", sort=False):
        each = []
        for kind in ("tap_the", "ca_nhan"):
            rows = part.loc[part["recipient_type"] == kind]
            if rows.empty:
                continue
            amount = rows["amount"].iloc[0]
            value = (
                "[mức tiền thưởng chưa xác định]"
                if pd.isna(amount)
                else f"{vnformat.number(amount)} đồng"
            )
            each.append((KINDS[kind], value))
        gift = str(cat.award_forms.set_index("code").at[form, "name"]).split(" của ")[0]
        text = f"Mỗi {each[0][0]} được tặng {gift} kèm theo tiền thưởng {each[0][1]}"
        text += "".join(f", mỗi {who} {value}" for who, value in each[1:])
        if not bool(part["rate_confirmed"].all()):
            text += " (mức chưa được xác nhận, cần kiểm tra trước khi ký)"
        said.append(text)
    total = float(money["amount"].sum(min_count=1) or 0.0)
    code = str(money["payer_code"].iloc[0])
    payer = f"ngân sách {cat.place(code)}" if code else f"kinh phí của {money['payer'].iloc[0]}"
    return (f"{'; '.join(said)} (Nghị định số 91/2017/NĐ-CP). Tổng số tiền thưởng: "
            f"{vnformat.number(total)} đồng, từ {payer} (Hướng dẫn số 297/HD-UBND, mục IV)."), total  # fmt: skip


def _form_name(cat: Catalog, form: str, scope: str) -> str:
    """Name a form as its decision does: the chair of this People's Committee, not "cấp xã"."""
    name = str(cat.award_forms.set_index("code").at[form, "name"])
    return re.sub(
        r"Ủy ban nhân dân (cấp xã|cấp huyện|tỉnh)$", f"Ủy ban nhân dân {cat.place(scope)}", name
    )


def _words(cat: Catalog, unit_code: str) -> dict[str, object]:
    unit = cat.unit(unit_code)
    parent = str(unit["parent_code"]) if unit["parent_code"] else ""
    return {"unit": cat.place(unit_code), "parent": cat.place(parent) if parent else "",
            "start": cat.review.period_start, "end": cat.review.period_end}  # fmt: skip


def _decision(cat: Catalog, award_list: L.AwardList, signers: Mapping[str, tuple[str, str]],
              sample: bool) -> Document:  # fmt: skip
    frame = cat.documents["decision"]
    scope = award_list.issuer
    level = str(cat.unit(scope)["level"])
    rules = frame["levels"][level]
    words = _words(cat, scope)
    day = award_list.decision_date.date() if award_list.decision_date is not None else None
    number, symbol = _number(award_list.decision_no)
    signer, title = signers.get(scope, ("", ""))
    meta = docmeta.document(cat, scope, day=day, number=number, signer=signer, signer_title=title,
                            sample=sample)  # fmt: skip
    meta.update({"title": frame["title"], "subject": str(frame["subject"]).format(**words),
                 "symbol": symbol or frame["symbol"], "authority": "", "kind": "decision",
                 "keep_with_signature": 1,
                 "recipients": [r.format(**words) for r in rules["recipients"]]})  # fmt: skip
    chair = f"CHỦ TỊCH ỦY BAN NHÂN DÂN {str(words['unit']).upper()}"
    given = "; ".join(f"{_form_name(cat, str(part['form'].iloc[0]), scope)} cho {L.total_text(part)}"
                      for _, part in award_list.records.groupby("form_order", sort=True))  # fmt: skip
    money, _ = _money_sentence(cat, award_list)
    draft = [
        {"kind": "paragraph", "style": "note", "text": "DỰ THẢO — trình ký tại hội nghị sơ kết"}
    ]
    body: list[dict[str, Any]] = [
        *(draft if award_list.draft else []),
        {"kind": "paragraph", "style": "center", "text": chair},
        *({"kind": "paragraph", "style": "basis", "text": b} for b in bases(cat, "decision", day)),
        {"kind": "paragraph", "style": "basis", "text": str(rules["proposal"]).format(**words)},
        {"kind": "paragraph", "style": "center", "text": "QUYẾT ĐỊNH:"},
        {"kind": "paragraph", "style": "body", "lead": "Điều 1.",
         "text": f"Tặng {given} (có danh sách kèm theo) đã có thành tích xuất sắc trong xây dựng "
                 f"nền quốc phòng toàn dân giai đoạn {words['start']} - {words['end']}."},
        {"kind": "paragraph", "style": "body", "lead": "Điều 2.", "text": money},
        {"kind": "paragraph", "style": "body", "lead": "Điều 3.",
         "text": f"Quyết định này có hiệu lực kể từ ngày ký. {str(rules['executors']).format(**words)} "
                 "và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."},
    ]  # fmt: skip
    return Document(meta=meta, body=body)


def _submission(cat: Catalog, award_list: L.AwardList, signers: Mapping[str, tuple[str, str]],
                day: dt.date | None, sample: bool) -> Document:  # fmt: skip
    frame = cat.documents["submission"]
    issuer = award_list.issuer
    level = str(cat.unit(issuer)["level"])
    words = _words(cat, issuer)
    authority = cat.authorities.set_index("code").loc[award_list.authority]
    decider = L.authority_name(cat, award_list)
    scope = str(award_list.records["scope"].iloc[0])
    addressee = decider if award_list.authority in LOCAL else str(authority["addressee"])
    via = str(authority["via"] or "")
    council = L.own_council(cat, award_list)
    signer, title = signers.get(issuer, ("", ""))
    meta = docmeta.document(cat, issuer, day=day, signer=signer, signer_title=title, sample=sample)
    symbols = frame["symbols"]
    symbol = str(symbols["council" if council else level]).format(
        abbr=docmeta.abbreviation(str(cat.unit(issuer)["name"]))
    )
    meta.update({"title": frame["title"], "subject": str(frame["subject"]).format(decider=decider, **words),
                 "symbol": symbol, "kind": "submission", "keep_with_signature": 1, "addressee": addressee + (f" ({via})" if via and via.lower() not in meta["issuer"][-1].lower() else ""),
                 "recipients": list(frame["recipients"])})  # fmt: skip
    if council:
        meta["issuer"] = ["HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", str(words["unit"]).upper()]
        meta["authority"] = "TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"
        meta["signer_title"] = "CHỦ TỊCH"
    who = (
        f"Hội đồng Thi đua - Khen thưởng {words['unit']}"
        if council
        else docmeta.body_name(cat, issuer)
    )
    counts = (
        award_list.records.groupby(["form_order", "form"])["recipient_type"]
        .value_counts()
        .unstack(fill_value=0)
    )
    rows: list[list[str]] = []
    for (_, form), row in counts.iterrows():
        collective, person = int(row.get("tap_the", 0)), int(row.get("ca_nhan", 0))
        rows.append(
            [
                str(len(rows) + 1),
                _form_name(cat, str(form), scope),
                vnformat.number(collective),
                vnformat.number(person),
                vnformat.number(collective + person),
            ]
        )
    total = award_list.records["recipient_type"].value_counts()
    rows.append(
        [
            "",
            "Cộng",
            vnformat.number(int(total.get("tap_the", 0))),
            vnformat.number(int(total.get("ca_nhan", 0))),
            vnformat.number(len(award_list.records)),
        ]
    )
    cited = bases(cat, "submission", day)
    body: list[dict[str, Any]] = [
        *({"kind": "paragraph", "style": "basis", "text": b} for b in cited),
        {"kind": "paragraph", "style": "body",
         "text": f"Căn cứ thành tích của các tập thể, cá nhân trong xây dựng nền quốc phòng toàn dân giai đoạn "
                 f"{words['start']} - {words['end']}, {who} kính trình {decider} xem xét, khen thưởng "
                 f"{L.total_text(award_list.records)} (có danh sách và hồ sơ kèm theo), cụ thể như sau:"},
        {"kind": "table", "number": 1, "caption": "", "columns": ["STT", "Hình thức khen thưởng", "Tập thể", "Cá nhân", "Cộng"],
         "rows": rows, "align": ["center", "left", "right", "right", "right"]},
        {"kind": "paragraph", "style": "body", "text": f"Kính trình {decider} xem xét, quyết định./."},
    ]  # fmt: skip
    return Document(meta=meta, body=body)


def _dates(conferences: pd.DataFrame, column: str) -> dict[str, dt.date]:
    known = conferences.dropna(subset=[column]) if column in conferences else conferences.iloc[:0]
    return {str(r.unit_code): pd.Timestamp(getattr(r, column)).date() for r in known.itertuples()}


def write_documents(enriched: pd.DataFrame, cat: Catalog, conferences: pd.DataFrame, out_dir: Path,
                    only: str | Collection[str] | None = None, sample: bool = False,
                    kinds: tuple[str, ...] = ("decision", "submission"),
                    formats: Sequence[str] = FORMATS, day: dt.date | None = None) -> list[Path]:  # fmt: skip
    """Write each decision and submission as DOCX and HTML beside the list it carries.

    ``enriched``, ``cat``, ``out_dir``, ``only`` and ``sample`` are those of
    :func:`qptd_tools.export.award_lists.write_lists`: a document goes to the folder of the
    unit whose letterhead it carries, beside its list. ``conferences`` is the stored table of
    conference and report dates and signers; ``kinds`` chooses ``decision``, ``submission``;
    ``formats`` ``docx`` and/or ``html``; ``day`` dates the submissions instead of the report
    date (decisions keep the recorded dates; a draft, its conference's).
    """
    signers = L.signers_of(conferences)
    reported = _dates(conferences, "report_submitted_date")
    written = []
    chosen = L.chosen_units(only)
    for item in documents(enriched, cat, conferences):
        if item.kind not in kinds or (chosen is not None and item.award_list.issuer not in chosen):
            continue
        if item.kind == "decision":
            doc = _decision(cat, item.award_list, signers, sample)
        else:
            doc = _submission(
                cat, item.award_list, signers, day or reported.get(item.award_list.issuer), sample
            )
        folder = out_dir / item.award_list.issuer
        written += save(doc, folder, item.stem, formats)
        if item.award_list.draft:  # the draft decision's list is written with it
            written += L.write_list(cat, item.award_list, out_dir, signers, sample)
    return written

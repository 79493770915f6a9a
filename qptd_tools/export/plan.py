"""Conference plans (kế hoạch tổ chức hội nghị sơ kết, Guidance 297, I, II and V.1).

Each conference-holding unit (commune, district, province) plans a half-day conference chaired
by the chair of its People's Committee. Everything the plan says comes from the data: the
participants by the seed's categories (II.2) named from the registry, the date (the one the
workbook gives, else one proposed before the level's deadline) and the plan's own date
(:func:`qptd_tools.analytics.checks.plan_dates`), the programme (``conference_programme.csv``)
with contributions from the units directly below that did best and worst on a key indicator,
the awards the level decides and proposes (the award records), the money (the budget
estimate, :mod:`qptd_tools.export.budget`) and the assignments counted back from the
conference (``plan_tasks.csv``). What is not known stays a visible placeholder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from qptd_tools.analytics import deadlines
from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat
from qptd_tools.export import budget
from qptd_tools.export.collect import Document
from qptd_tools.export.save import FORMATS, save
from qptd_tools.report import docmeta

HOLDERS = budget.HOLDERS
STEM = "ke-hoach-hoi-nghi"
LOCAL = ("xa", "huyen", "tinh")
KINDS = {"tap_the": "tập thể", "ca_nhan": "cá nhân"}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


@dataclass(frozen=True)
class Plan:
    """What one unit's plan says, before it is laid out (the tests read these facts)."""

    unit_code: str
    conference_date: dt.date
    proposed: bool  # the workbook gave no conference date: this one is proposed
    plan_date: dt.date
    participants: list[tuple[str, list[str]]]  # the seed's categories, each with its names
    below: list[str]  # codes of the units directly below, invited as leaders (category 4)
    speakers: list[str]
    programme: list[tuple[str, str, str]]  # "07h30 - 08h00", item, who
    decides: pd.DataFrame  # form, recipient_type, count: the awards this level's chair decides
    proposes: pd.DataFrame  # authority, form, recipient_type, count: what it proposes above
    budget_total: float
    budget_complete: bool
    tasks: list[tuple[str, str, dt.date]]  # task, owner, due date
    participants_count: int | None


def _words(cat: Catalog, unit_code: str) -> dict[str, Any]:
    unit = cat.unit(unit_code)
    parent = str(unit["parent_code"] or "")
    return {"unit": cat.place(unit_code), "parent": cat.place(parent) if parent else "",
            "children": docmeta.children_words(cat, unit_code), "start": cat.review.period_start,
            "end": cat.review.period_end, "conference": cat.review.conference_title}  # fmt: skip


def _children(cat: Catalog, unit_code: str, levels: Collection[str]) -> pd.DataFrame:
    kids = cat.children(unit_code)
    return kids.loc[kids["level"].isin(levels)]


def speakers(cat: Catalog, unit_code: str, summary: pd.DataFrame) -> list[str]:
    """Return who contributes: the units below with the highest and lowest key indicator.

    A province also hears its department with the highest value. A commune's sub-units are
    not in the registry: its speakers are the catalogue's (``documents.yaml``, plan.speakers).
    """
    rule = cat.documents["plan"]["speakers"]
    level = str(cat.unit(unit_code)["level"])
    words = _words(cat, unit_code)
    if level in rule:
        return [str(s).format(**words) for s in rule[level]]
    code = str(rule["indicator"])
    label = str(cat.indicators.set_index("code").at[code, "name"]).lower()
    values = summary.loc[summary["indicator"] == code].set_index("unit_code")["period_value"]
    out = []

    def pick(kids: pd.DataFrame, ends: tuple[str, ...]) -> None:
        known = values.reindex(kids["unit_code"]).dropna()
        if known.empty:
            return
        chosen = {"cao nhất": known.idxmax(), "thấp nhất": known.idxmin()}
        for end in ends:
            unit = chosen[end]
            why = "kinh nghiệm" if end == "cao nhất" else "khó khăn, giải pháp khắc phục"
            out.append(f"{docmeta.body_name(cat, str(unit))}: {why} ({label} {end}, "
                       f"{vnformat.percent(float(known[unit]))})")  # fmt: skip

    pick(_children(cat, unit_code, ("huyen", "xa")), ("cao nhất", "thấp nhất"))
    pick(_children(cat, unit_code, ("nganh",)), ("cao nhất",))
    return out


def participants(cat: Catalog, unit_code: str, presented: pd.DataFrame, militia: float | None
                 ) -> list[tuple[str, list[str]]]:  # fmt: skip
    """Return the seed's participant categories (II.2), each named from the registry and data."""
    frame = cat.documents["plan"]
    level = str(cat.unit(unit_code)["level"])
    words = _words(cat, unit_code)
    own = _children(cat, unit_code, ("donvi",))["name"].tolist() or [
        str(frame["own_military"][level]).format(**words)
    ]
    departments = _children(cat, unit_code, ("nganh",))["name"].tolist() or [
        str(frame["departments"][level]).format(**words)
    ]
    kids = _children(cat, unit_code, ("huyen", "xa"))
    below = [f"Lãnh đạo Ủy ban nhân dân {cat.kinds(kids)}: {', '.join(_names(cat, kids))}"] if len(kids) \
        else [str(frame["below"][level])]  # fmt: skip
    militia_text = str(frame["militia"])
    if militia is not None and not pd.isna(militia):
        militia_text += f" (trong tổng số {vnformat.number(militia)} cán bộ, chiến sĩ năm {cat.review.period_end})"
    kinds = presented["recipient_type"].value_counts()
    given = ", ".join(f"{vnformat.number(int(kinds[k]))} {KINDS[k]}" for k in KINDS if kinds.get(k))
    awarded = (
        f"Đại diện {given} được khen thưởng tại hội nghị"
        if given
        else "Đại diện các tập thể, cá nhân được khen thưởng (chưa có hồ sơ khen thưởng trong dữ liệu)"
    )
    return [
        ("Đại biểu cấp trên, cơ quan quân sự cấp trên", [str(frame["upper"][level]).format(**words)]),
        ("Cơ quan quân sự cùng cấp", own),
        ("Đại biểu các sở, ban, ngành, đoàn thể cùng cấp" if level == "tinh"
         else "Đại biểu các ban, ngành, đoàn thể cùng cấp", departments),
        ("Lãnh đạo địa phương cấp dưới trực tiếp", below),
        ("Dân quân tự vệ", [militia_text]),
        ("Tập thể, cá nhân được khen thưởng", [awarded]),
    ]  # fmt: skip


def _names(cat: Catalog, kids: pd.DataFrame) -> list[str]:
    """Name units of one kind by their names alone ("Bằng Thành"), of several kinds in full."""
    places = [cat.place(str(c)) for c in kids["unit_code"]]
    if kids["division_type"].nunique() == 1:
        kind = str(kids["division_type"].iloc[0])
        return [p[len(kind) + 1 :] if p.startswith(kind + " ") else p for p in places]
    return places


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}h{minutes % 60:02d}"


def programme(cat: Catalog, unit_code: str, fill: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """Return the half day's items with their times, from ``conference_programme.csv``."""
    level = str(cat.unit(unit_code)["level"])
    start = str(cat.documents["plan"]["start"][level])
    at = int(start[:2]) * 60 + int(start[3:5])
    rows = cat.conference_programme.loc[cat.conference_programme["level"] == level]
    out = []
    for r in rows.sort_values("order").itertuples():
        end = at + int(r.minutes)
        out.append(
            (f"{_clock(at)} - {_clock(end)}", str(r.item).format(**fill), str(r.by).format(**fill))
        )
        at = end
    return out


def _counts(records: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    if records.empty:
        return pd.DataFrame(columns=[*by, "recipient_type", "count"])
    return records.groupby([*by, "recipient_type"]).size().rename("count").reset_index()


def award_work(enriched: pd.DataFrame, unit_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the awards this level's chair decides, and those it proposes to others.

    Decides: every record whose deciding authority is this unit's chair (its own and its
    sub-units' proposals, decided or waiting). Proposes: this unit's own records that another
    authority decides, by authority.
    """
    mine = enriched["scope"] == unit_code
    local = enriched["deciding_level"].isin(LOCAL)
    decides = _counts(enriched.loc[mine & local], ["form_order", "form"])
    proposes = _counts(enriched.loc[(enriched["unit_code"] == unit_code) & ~(mine & local)],
                       ["deciding_level", "scope", "form_order", "form"])  # fmt: skip
    return decides, proposes


def _due(day: pd.Timestamp, plan_day: dt.date) -> dt.date:
    """Return a task's due date: a working day, not before the plan that sets it."""
    return max(deadlines.working_day_on_or_before(day).date(), plan_day)


def facts(cat: Catalog, unit_code: str, enriched: pd.DataFrame, money: pd.DataFrame,
          summary: pd.DataFrame, conferences: pd.DataFrame, dates: pd.DataFrame) -> Plan:  # fmt: skip
    """Gather what one unit's plan says from the registry, the records and the catalogue.

    ``enriched`` has a ``scope`` column (:func:`qptd_tools.analytics.awards.deciding_unit`);
    ``money`` is :func:`qptd_tools.analytics.awards.money` of it with the same ``scope``;
    ``summary`` the indicators' period summary; ``dates`` :func:`checks.plan_dates`.
    """
    level = str(cat.unit(unit_code)["level"])
    words = _words(cat, unit_code)
    when = dates.set_index("unit_code").loc[unit_code]
    held, plan_day = pd.Timestamp(when["conference_date"]), pd.Timestamp(when["plan_date"]).date()
    conference = conferences.set_index("unit_code").reindex([unit_code]).iloc[0]
    count = conference.get("participants")
    count = None if count is None or pd.isna(count) else int(count)
    frame = cat.documents["plan"]
    militia = summary.loc[
        (summary["unit_code"] == unit_code) & (summary["indicator"] == frame["militia_indicator"]),
        "last_value",
    ]
    presented = enriched.loc[enriched["scope"] == unit_code]
    chosen = speakers(cat, unit_code, summary)
    chair = conference.get("chair")
    chair_text = f"Đồng chí {chair}, Chủ tịch Ủy ban nhân dân {words['unit']}" if chair and not pd.isna(chair) \
        else f"Chủ tịch Ủy ban nhân dân {words['unit']}"  # fmt: skip
    kinds = presented["recipient_type"].value_counts()
    fill = {**{k: str(v) for k, v in words.items()}, "chair": chair_text,
            "office": str(frame["office"][level]).format(**words),
            "commander": str(frame["commander"][level]).format(**words),
            "upper": str(frame["upper"][level]).format(**words),
            "speakers": "; ".join(chosen),
            "awards": f"{chair_text} ({', '.join(f'{vnformat.number(int(kinds[k]))} {KINDS[k]}' for k in KINDS if kinds.get(k)) or 'chưa có hồ sơ'})"}  # fmt: skip
    decides, proposes = award_work(enriched, unit_code)
    lines = budget.award_lines(money, cat, unit_code) + budget.conference_lines(
        cat, unit_code, count, len(presented)
    )
    amounts = [line.amount for line in lines]
    tasks = cat.plan_tasks.loc[cat.plan_tasks["level"] == level].sort_values("order")
    owners = {**fill, "speakers": ", ".join(s.split(":")[0] for s in chosen)}
    return Plan(
        unit_code=unit_code,
        conference_date=held.date(),
        proposed=bool(when["proposed"]),
        plan_date=plan_day,
        participants=participants(cat, unit_code, presented, float(militia.iloc[0]) if len(militia) else None),
        below=_children(cat, unit_code, ("huyen", "xa"))["unit_code"].tolist(),
        speakers=chosen,
        programme=programme(cat, unit_code, fill),
        decides=decides,
        proposes=proposes,
        budget_total=float(sum(a for a in amounts if a is not None)),
        budget_complete=all(a is not None for a in amounts) and all(line.confirmed for line in lines),
        tasks=[(str(t.task).format(**owners), str(t.owner).format(**owners),
                _due(held - pd.Timedelta(days=int(t.days_before)), plan_day)) for t in tasks.itertuples()],
        participants_count=count,
    )  # fmt: skip


def _award_rows(cat: Catalog, plan: Plan, words: Mapping[str, Any]) -> list[dict[str, Any]]:
    forms = cat.award_forms.set_index("code")
    authorities = cat.authorities.set_index("code")

    def said(part: pd.DataFrame) -> str:
        out = []
        for (_, form), rows in part.groupby(["form_order", "form"], sort=True):
            each = rows.set_index("recipient_type")["count"]
            counted = ", ".join(
                f"{vnformat.number(int(each[k]))} {KINDS[k]}" for k in KINDS if k in each
            )
            out.append(f"{forms.at[form, 'short_name']}: {counted}")
        return "; ".join(out)

    blocks: list[dict[str, Any]] = []
    if len(plan.decides):
        blocks.append(_p(f"- Chủ tịch Ủy ban nhân dân {words['unit']} xét, quyết định khen thưởng và trao "
                         f"tại hội nghị (Hướng dẫn 297, mục V.3): {said(plan.decides)}."))  # fmt: skip
    else:
        blocks.append(_p(f"- Chủ tịch Ủy ban nhân dân {words['unit']} xét, quyết định khen thưởng và trao tại "
                         "hội nghị: chưa có hồ sơ trong dữ liệu.", "placeholder"))  # fmt: skip
    for (authority, scope), part in plan.proposes.groupby(["deciding_level", "scope"], sort=False):
        name = f"Chủ tịch Ủy ban nhân dân {cat.place(str(scope))}" if authority in LOCAL \
            else str(authorities.at[authority, "name"])  # fmt: skip
        blocks.append(_p(f"- Đề nghị {name} khen thưởng: {said(part)}."))
    quotas = cat.award_quotas
    if quotas.empty:
        blocks.append(_p("- Số lượng, tiêu chuẩn khen thưởng: theo văn bản riêng của Ủy ban nhân dân tỉnh "
                         "(Hướng dẫn 297, mục III.C), chưa có trong dữ liệu.", "placeholder"))  # fmt: skip
    else:
        for q in quotas.itertuples():
            who = KINDS.get(str(q.recipient_type), "tập thể, cá nhân")
            blocks.append(_p(f"- {forms.at[q.form, 'short_name']}: tối đa {vnformat.number(int(q.max_count))} "
                             f"{who} mỗi {cat.level_name(str(q.level)).lower()}"
                             f"{'; ' + str(q.criteria) if q.criteria else ''} (số lượng tỉnh giao)."))  # fmt: skip
    return blocks


def _p(text: str, style: str = "body") -> dict[str, Any]:
    return {"kind": "paragraph", "style": style, "text": text}


def _h(number: int, title: str) -> dict[str, Any]:
    return {"kind": "heading", "level": "roman", "label": f"{ROMAN[number]}.", "title": title}


def _a(number: int, title: str) -> dict[str, Any]:
    return {"kind": "heading", "level": "arabic", "label": f"{number}.", "title": title}


def document(cat: Catalog, plan: Plan, signer: tuple[str, str], sample: bool) -> Document:
    """Lay one plan out as a document (the report's DOCX builder and HTML template)."""
    frame = cat.documents["plan"]
    unit = plan.unit_code
    level = str(cat.unit(unit)["level"])
    words = _words(cat, unit)
    meta = docmeta.document(cat, unit, day=plan.plan_date, signer=signer[0], signer_title=signer[1],
                            sample=sample)  # fmt: skip
    meta.update({"title": frame["title"], "subject": str(frame["subject"]).format(**words),
                 "symbol": frame["symbol"], "kind": "plan", "keep_with_signature": 1,
                 "recipients": [str(r).format(**words) for r in frame["recipients"][level]]})  # fmt: skip
    from qptd_tools.export.award_docs import bases

    day = vnformat.date_prose(plan.conference_date)
    when = f"Buổi sáng {vnformat.weekday(plan.conference_date)}, ngày {day}"
    body: list[dict[str, Any]] = [
        *({"kind": "paragraph", "style": "basis", "text": b} for b in bases(cat, "plan", plan.plan_date)),
        _p(str(frame["intro"]).format(**words)),
        _h(0, "MỤC ĐÍCH, YÊU CẦU"),
        *(_p(f"{i}. {str(t).format(**words)}") for i, t in enumerate(frame["purpose"], start=1)),
        _h(1, "NỘI DUNG SƠ KẾT"),
        *(_p(f"- {str(t).format(**words)}") for t in frame["content"]),
        _p("(Báo cáo theo đề cương kèm theo Hướng dẫn số 297/HD-UBND.)"),
        _h(2, "HÌNH THỨC, THÀNH PHẦN, THỜI GIAN, ĐỊA ĐIỂM"),
        _a(1, "Hình thức, chủ trì"),
        _p(str(frame["form"]).format(**words) + f" Chủ trì: Chủ tịch Ủy ban nhân dân {words['unit']}."),
        _a(2, "Thành phần"),
    ]  # fmt: skip
    for title, names in plan.participants:
        body.append(_p(f"- {title}: {', '.join(names)}."))
    count = plan.participants_count
    body.append(_p(f"Tổng số khoảng {vnformat.number(count)} đại biểu." if count is not None
                   else "Tổng số đại biểu: […] (chưa có số đại biểu trong biểu mẫu).",
                   "body" if count is not None else "placeholder"))  # fmt: skip
    body += [
        _a(3, "Thời gian"),
        _p(f"{when} (½ ngày), từ {plan.programme[0][0].split(' - ')[0]}."
           if not plan.proposed else
           f"Dự kiến {when[0].lower()}{when[1:]} (½ ngày) — biểu mẫu chưa có ngày hội nghị; "
           f"hạn hoàn thành hội nghị của cấp: trước ngày {vnformat.date_short(_deadline(cat, level))}.",
           "placeholder" if plan.proposed else "body"),
        _a(4, "Địa điểm"),
        _p(f"{str(frame['place'][level]).format(**words)}."),
        _h(3, "CHƯƠNG TRÌNH HỘI NGHỊ"),
        {"kind": "table", "number": 1, "caption": "", "columns": ["Thời gian", "Nội dung", "Người thực hiện"],
         "rows": [list(r) for r in plan.programme], "align": ["center", "left", "left"]},
        _h(4, "CÔNG TÁC KHEN THƯỞNG"),
        *_award_rows(cat, plan, words),
        _h(5, "KINH PHÍ"),
        _p(f"Kinh phí tổ chức hội nghị và khen thưởng do ngân sách {words['unit']} bảo đảm (Hướng dẫn 297, "
           f"mục IV); dự toán: {vnformat.number(plan.budget_total)} đồng (dự toán kinh phí kèm theo"
           f"{'; có mức chưa được xác nhận hoặc chưa có số liệu, xem dự toán' if not plan.budget_complete else ''})."),
        _h(6, "TỔ CHỨC THỰC HIỆN"),
        {"kind": "table", "number": 2, "caption": "", "columns": ["STT", "Nội dung công việc", "Cơ quan thực hiện", "Thời hạn"],
         "rows": [[str(i), task, owner, vnformat.date_prose(due)] for i, (task, owner, due) in enumerate(plan.tasks, start=1)],
         "align": ["center", "left", "left", "center"]},
        _p(f"Trên đây là Kế hoạch tổ chức Hội nghị sơ kết xây dựng nền quốc phòng toàn dân giai đoạn "
           f"{words['start']} - {words['end']} của Ủy ban nhân dân {words['unit']}; các cơ quan, đơn vị có tên "
           "trên tổ chức thực hiện./."),
    ]  # fmt: skip
    return Document(meta=meta, body=body)


def _deadline(cat: Catalog, level: str) -> dt.date:
    rule = cat.deadlines.loc[
        (cat.deadlines["level"] == level) & (cat.deadlines["event"] == "conference")
    ]
    return pd.Timestamp(rule["deadline"].iloc[0]).date()


def write_plans(cat: Catalog, enriched: pd.DataFrame, money: pd.DataFrame, summary: pd.DataFrame,
                conferences: pd.DataFrame, dates: pd.DataFrame, out_dir: Path,
                signers: Mapping[str, tuple[str, str]], only: Collection[str] | None = None,
                sample: bool = False, formats: Sequence[str] = FORMATS, number: str = "") -> list[Path]:  # fmt: skip
    """Write ``<out_dir>/<unit>/ke-hoach-hoi-nghi.docx`` and ``.html`` per conference-holding unit.

    ``dates`` is :func:`qptd_tools.analytics.checks.plan_dates` (a user's ``--date`` already in
    its ``plan_date``); ``number`` the document number the user gives (one unit).
    """
    written = []
    for unit in dates["unit_code"]:
        if only is not None and unit not in only:
            continue
        plan = facts(cat, unit, enriched, money, summary, conferences, dates)
        doc = document(cat, plan, signers.get(unit, ("", "")), sample)
        doc.meta["number"] = number or doc.meta["number"]
        written += save(doc, out_dir / unit, STEM, formats)
    return written

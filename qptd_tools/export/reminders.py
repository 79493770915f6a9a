"""Reminders (công văn đôn đốc): each level to its units that are late or have sent nothing.

Guidance 297, V.2 gives the provincial military command the task to "theo dõi, đôn đốc" the
departments and districts on behalf of the provincial People's Committee; each district does
the same for its communes. From the deadline board (:func:`qptd_tools.analytics.deadlines.board`)
one letter per issuing unit lists, for each unit below it that the board shows late or missing,
what is missing (the data workbook, the conference, the report) and the deadline; a unit with
nothing late or missing is not written to.
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

LATE = ("late", "missing")
EVENTS = {"conference": "tổ chức hội nghị sơ kết", "report": "gửi báo cáo sơ kết"}
STEM = "cong-van-don-doc"


@dataclass(frozen=True)
class Reminder:
    """One letter: who sends it, on which date, and each unit written to with what it lacks."""

    issuer: str
    day: dt.date | None
    units: tuple[tuple[str, tuple[str, ...]], ...]  # (unit code, what is missing or late)


def _day(value: Any) -> str:
    return vnformat.date_prose(pd.Timestamp(value).date())


def _items(row: Any, submitted: bool, day: dt.date) -> tuple[str, ...]:
    """Say what a unit lacks on the letter's date ("Chưa gửi biểu mẫu số liệu.", …).

    What happened after that date was not yet known to the sender: a late event dated after
    the letter is written as missing.
    """
    said = [] if submitted else ["Chưa gửi biểu mẫu số liệu."]
    for event, words in EVENTS.items():
        status = getattr(row, f"{event}_status")
        due = _day(getattr(row, f"{event}_deadline"))
        when = getattr(row, f"{event}_date")
        if status == "late" and pd.Timestamp(when).date() > day:
            status = "missing"
        if status == "missing":
            said.append(f"Chưa {words} (hạn {due}).")
        elif status == "late":
            days = int(getattr(row, f"{event}_days_late"))
            said.append(f"{words.capitalize()} ngày {_day(getattr(row, f'{event}_date'))}, trễ {days} ngày "
                        f"so với hạn {due}: đề nghị báo cáo lý do.")  # fmt: skip
    return tuple(said)


def issuer_of(cat: Catalog, unit_code: str) -> str:
    """Return who reminds a unit: its district for a commune, else the province."""
    unit = cat.unit(unit_code)
    parent = str(unit["parent_code"])
    if unit["level"] == "xa" and parent:
        return parent
    return str(cat.units.loc[cat.units["level"] == "tinh", "unit_code"].iloc[0])


def reminders(board: pd.DataFrame, cat: Catalog, submitted: Collection[str],
              day: dt.date | None = None) -> list[Reminder]:  # fmt: skip
    """Return one reminder per issuing unit, for the units the board shows late or missing.

    ``day`` dates every letter; by default each is dated the day after the last deadline of
    the units it is written to (the day a reminder goes out).
    """
    late = board.loc[board["conference_status"].isin(LATE) | board["report_status"].isin(LATE)]
    grouped: dict[str, list[Any]] = {}
    for row in late.itertuples():
        grouped.setdefault(issuer_of(cat, str(row.unit_code)), []).append(row)
    order = {code: i for i, code in enumerate(cat.units["unit_code"])}
    out = []
    for issuer, rows in sorted(grouped.items(), key=lambda kv: order[kv[0]]):
        # by default, the day after the last deadline of the units written to
        last = max(
            pd.Timestamp(d)
            for r in rows
            for d in (r.conference_deadline, r.report_deadline)
            if pd.notna(d)
        )
        sent = day or (last + pd.Timedelta(days=1)).date()
        units = tuple(
            (str(r.unit_code), _items(r, str(r.unit_code) in submitted, sent)) for r in rows
        )
        out.append(Reminder(issuer, sent, units))
    return out


def _document(
    cat: Catalog, reminder: Reminder, signers: Mapping[str, tuple[str, str]], sample: bool
) -> Document:
    frame = cat.documents["reminder"]
    level = str(cat.unit(reminder.issuer)["level"])
    words = {
        "start": cat.review.period_start,
        "end": cat.review.period_end,
        "unit": cat.place(reminder.issuer),
    }
    words["via"] = str(frame["via"][level]).format(**words)
    words["via_short"] = str(frame["via_short"][level]).format(**words)
    signer, title = signers.get(reminder.issuer, ("", ""))
    meta = docmeta.document(cat, reminder.issuer, day=reminder.day, signer=signer, signer_title=title,
                            sample=sample)  # fmt: skip
    addressees = [docmeta.body_name(cat, code) for code, _ in reminder.units]
    meta.update({"title": "", "subject": "", "abstract": str(frame["abstract"]).format(**words),
                 "symbol": frame["symbol"], "kind": "reminder", "keep_with_signature": 1,
                 "addressees": addressees,
                 "recipients": ["Như trên;", *(str(r).format(**words) for r in frame["recipients"])]})  # fmt: skip
    rows = [[str(i), docmeta.body_name(cat, code), " ".join(items)]
            for i, (code, items) in enumerate(reminder.units, start=1)]  # fmt: skip
    when = vnformat.date_prose(reminder.day) if reminder.day else "nay"
    body: list[dict[str, Any]] = [
        {"kind": "paragraph", "style": "body",
         "text": f"Thực hiện Hướng dẫn số 297/HD-UBND ngày 27/5/2019 của Ủy ban nhân dân tỉnh Bắc Kạn về tổ chức "
                 f"sơ kết xây dựng nền quốc phòng toàn dân giai đoạn {words['start']} - {words['end']}, đến "
                 f"ngày {when}, các cơ quan, đơn vị, địa phương sau chưa hoàn thành hoặc hoàn thành chậm so "
                 "với thời hạn:"},
        {"kind": "table", "number": 1, "caption": "", "columns": ["STT", "Cơ quan, đơn vị", "Nội dung còn thiếu hoặc chậm"],
         "rows": rows, "align": ["center", "left", "left"]},
        {"kind": "paragraph", "style": "body", "text": str(frame["request"]).format(**words)},
    ]  # fmt: skip
    return Document(meta=meta, body=body)


def write_reminders(board: pd.DataFrame, cat: Catalog, submitted: Collection[str], out_dir: Path,
                    signers: Mapping[str, tuple[str, str]], sample: bool = False,
                    day: dt.date | None = None, formats: Sequence[str] = FORMATS, number: str = "") -> list[Path]:  # fmt: skip
    """Write each reminder as ``<out_dir>/<issuer>/cong-van-don-doc.docx`` and ``.html``."""
    written = []
    for reminder in reminders(board, cat, submitted, day):
        doc = _document(cat, reminder, signers, sample)
        doc.meta["number"] = number or doc.meta["number"]
        written += save(doc, out_dir / reminder.issuer, STEM, formats)
    return written

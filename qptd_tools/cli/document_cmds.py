"""``qptd documents``: the review's award paperwork, written from the award records."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
from collections.abc import Collection, Sequence
from pathlib import Path

import pandas as pd

from qptd_tools.analytics import awards, deadlines
from qptd_tools.catalog import Catalog
from qptd_tools.cli.common import loaded, out, say
from qptd_tools.core import vnformat
from qptd_tools.core.errors import UsageInvalid, fail
from qptd_tools.core.fsutil import atomic_write_bytes
from qptd_tools.export.save import FORMATS
from qptd_tools.store.workspace import WorkspaceData

KINDS = ("plan", "list", "decision", "submission", "budget", "reminder")
NAMES = {"plan": "kế hoạch hội nghị", "list": "danh sách", "decision": "quyết định", "submission": "tờ trình",
         "budget": "dự toán kinh phí", "reminder": "công văn đôn đốc"}  # fmt: skip


def kinds_of(text: str) -> tuple[str, ...]:
    """Read ``--kind decision,submission``; refuse an unknown kind with the known ones."""
    chosen = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in chosen if k not in KINDS]
    if unknown or not chosen:
        raise fail(UsageInvalid, "QPTD-E082",
                   detail=f"--kind: không có loại “{', '.join(unknown)}”; chọn trong {', '.join(KINDS)}")  # fmt: skip
    return chosen


def cmd_documents(args: argparse.Namespace) -> int:
    """Write the award lists, decisions and submissions (DOCX, and HTML or XLSX)."""
    kinds = kinds_of(args.kind)
    data = loaded(args)
    only = (
        {data.catalog.resolve(c) for c in args.unit.split(",") if c.strip()} if args.unit else None
    )
    stamp(args, kinds, only)
    signer = (args.signer, "") if args.signer else None
    paths = write_all(data, kinds, only, day=args.date, number=args.number or "", signer=signer)
    for path in paths:
        out(args, str(path))
    from qptd_tools.batch.job import write_board

    board = write_board(data)  # the board links to them (when reports were made already)
    if board is not None:
        say(args, f"Đã cập nhật bảng theo dõi {board}")
    counted = {
        k: sum(1 for p in paths if p.suffix == ".docx" and _kind(p.stem) == k) for k in kinds
    }
    said = ", ".join(f"{n} {NAMES[k]}" for k, n in counted.items())
    say(args, f"Đã ghi {said} (DOCX, kèm HTML hoặc XLSX) tại {data.paths.reports}")
    return 0


NUMBERED = ("plan", "budget", "reminder")  # one document per unit: a number the user gives fits


def stamp(args: argparse.Namespace, kinds: tuple[str, ...], only: set[str] | None) -> None:
    """Refuse ``--number`` and ``--signer`` unless they can name one document's (QPTD-E082)."""
    if args.number and (
        only is None or len(only) != 1 or len(kinds) != 1 or kinds[0] not in NUMBERED
    ):
        raise fail(UsageInvalid, "QPTD-E082",
                   detail="--number: chỉ dùng với một --unit và một --kind trong "
                          f"{', '.join(NUMBERED)} (số của quyết định lấy từ hồ sơ khen thưởng)")  # fmt: skip
    if args.signer and only is None:
        raise fail(
            UsageInvalid, "QPTD-E082", detail="--signer: cần --unit (người ký của đơn vị nào)"
        )


def write_all(data: WorkspaceData, kinds: tuple[str, ...] = KINDS,
              only: str | Collection[str] | None = None, day: dt.date | None = None,
              formats: Sequence[str] = FORMATS, number: str = "",
              signer: tuple[str, str] | None = None) -> list[Path]:  # fmt: skip
    """Write the review's documents of the chosen kinds (of some units only) under reports/.

    ``formats`` (``docx``, ``html``) applies to every kind but the award lists, which are
    always DOCX with their XLSX (an attachment and its data). ``day`` dates the plans, budget
    estimates, submissions and reminders (decisions keep their recorded dates; a plan dated
    on or after its conference is refused, QPTD-E082); ``number`` numbers the one document
    chosen; ``signer`` signs the chosen units' documents instead of the workbook's signer.
    """
    from qptd_tools.export.award_docs import write_documents
    from qptd_tools.export.award_lists import chosen_units, signers_of, write_lists
    from qptd_tools.export.reminders import issuer_of

    cat = data.catalog
    subs = data.submissions
    sample = bool(subs["is_sample"].any()) if len(subs) else False
    folder = data.paths.reports / "khen-thuong"
    enriched = awards.enrich(data.awards, cat.units, cat.award_forms)
    signers = signers_of(data.conferences)
    chosen = chosen_units(only)
    if signer is not None and chosen is not None:
        signers.update({u: (signer[0], signer[1] or signers.get(u, ("", ""))[1]) for u in chosen})
    paths: list[Path] = []
    if "list" in kinds:
        paths += write_lists(enriched, cat, folder, only=only, sample=sample,
                             signers=signers)  # fmt: skip
    paths += write_documents(enriched, cat, data.conferences, folder, only=only, sample=sample,
                             kinds=tuple(k for k in kinds if k in ("decision", "submission")), formats=formats,
                             day=day)  # fmt: skip
    board = deadlines.board(
        cat.units, data.conferences, cat.deadlines, awards.district_of(cat.units)
    )
    dates = _plan_dates(cat, board, chosen, day, plans="plan" in kinds)
    money = awards.money_of(enriched, cat) if {"budget", "plan"} & set(kinds) else None
    if "budget" in kinds:
        from qptd_tools.export.budget import write_budgets

        paths += write_budgets(money, cat, data.conferences, data.paths.reports / "du-toan", signers, only=chosen,
                               sample=sample, formats=formats, number=number,
                               dates={str(u): d.date() for u, d in zip(dates["unit_code"], dates["plan_date"], strict=True)})  # fmt: skip
    if "plan" in kinds:
        from qptd_tools.analytics import indicators
        from qptd_tools.export.plan import write_plans

        summary = indicators.compute(data.values, cat.units, cat.indicators, cat.years,
                                     cat.review.rollup_children)["summary"]  # fmt: skip
        scoped = enriched.assign(scope=awards.deciding_unit(enriched, cat.units))
        paths += write_plans(cat, scoped, money, summary, data.conferences, dates, data.paths.reports / "ke-hoach",
                             signers, only=chosen, sample=sample, formats=formats, number=number)  # fmt: skip
    if "reminder" in kinds:
        from qptd_tools.export.reminders import write_reminders

        if chosen is not None:
            board = board.loc[board["unit_code"].map(lambda c: issuer_of(cat, c) in chosen)]
        paths += write_reminders(board, cat, set(data.submissions["unit_code"]), data.paths.reports / "don-doc",
                                 signers, sample=sample, day=day, formats=formats, number=number)  # fmt: skip
    return paths


def _plan_dates(
    cat: Catalog, board: pd.DataFrame, chosen: set[str] | None, day: dt.date | None, plans: bool
) -> pd.DataFrame:
    """Date the plans by the review's rules, or on the user's ``--date``.

    A plan is never dated on or after its conference: when ``plans`` are written, such a
    ``--date`` is refused (a budget estimate or a reminder may well be dated later).
    """
    from qptd_tools.analytics import checks

    dates = checks.plan_dates(cat, board)
    if day is None:
        return dates
    mine = (
        dates["unit_code"].isin(chosen)
        if chosen is not None
        else pd.Series(True, index=dates.index)
    )
    late = dates.loc[mine & (dates["conference_date"] <= pd.Timestamp(day))]
    if plans and len(late):
        said = ", ".join(
            f"{r.unit_code} ({vnformat.date_prose(r.conference_date.date())})"
            for r in late.head(5).itertuples()
        )
        raise fail(UsageInvalid, "QPTD-E082",
                   detail=f"--date {vnformat.date_prose(day)}: kế hoạch phải có trước hội nghị sơ kết, nhưng "
                          f"{len(late)} đơn vị họp trước hoặc đúng ngày đó: {said}; chọn ngày sớm hơn, hoặc "
                          "chọn --kind không có plan")  # fmt: skip
    dates.loc[mine, "plan_date"] = pd.Timestamp(day)
    return dates


def _kind(stem: str) -> str:
    if stem.startswith("cong-van-"):
        return "reminder"
    if stem.startswith("ke-hoach"):
        return "plan"
    if stem.startswith("du-toan"):
        return "budget"
    if stem.startswith("quyet-dinh-"):
        return "decision"
    return "submission" if stem.startswith("to-trinh-") else "list"


def write_for_batch(data: WorkspaceData, units: Collection[str], formats: Sequence[str], inputs: str
                    ) -> list[Path] | None:  # fmt: skip
    """Write the documents of a batch's units, unless nothing they depend on changed.

    ``inputs`` is the batch's key (:meth:`qptd_tools.batch.job.Batch.inputs_key`: stored data,
    catalogue, toolkit, formats). The key, the units and the files written are kept in
    ``reports/van-ban.json``; when they match and every file is there, nothing is written
    (returns None).
    """
    record = data.paths.reports / "van-ban.json"
    key = hashlib.sha256(
        f"{inputs};{','.join(sorted(units))};{','.join(formats)}".encode()
    ).hexdigest()
    try:
        previous = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    root = data.paths.reports
    if previous.get("key") == key and all((root / p).is_file() for p in previous.get("files", [])):
        return None
    paths = write_all(data, only=set(units), formats=formats)
    files = sorted(str(p.relative_to(root)) for p in paths)
    atomic_write_bytes(
        record, json.dumps({"key": key, "files": files}, ensure_ascii=False, indent=1).encode()
    )
    return paths

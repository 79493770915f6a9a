"""``qptd documents``: the review's award paperwork, written from the award records."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Collection
from pathlib import Path

from qptd_tools.analytics import awards, deadlines
from qptd_tools.cli.common import loaded, out, say
from qptd_tools.core.errors import UsageInvalid, fail
from qptd_tools.store.workspace import WorkspaceData

KINDS = ("list", "decision", "submission", "budget", "reminder")
NAMES = {"list": "danh sách", "decision": "quyết định", "submission": "tờ trình",
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
    only = data.catalog.resolve(args.unit) if args.unit else None
    paths = write_all(data, kinds, only, day=args.date)
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


def write_all(data: WorkspaceData, kinds: tuple[str, ...] = KINDS,
              only: str | Collection[str] | None = None, day: dt.date | None = None) -> list[Path]:  # fmt: skip
    """Write the award documents of the chosen kinds (of some units only) to reports/khen-thuong."""
    from qptd_tools.export.award_docs import write_documents
    from qptd_tools.export.award_lists import chosen_units, signers_of, write_lists
    from qptd_tools.export.reminders import issuer_of

    cat = data.catalog
    subs = data.submissions
    sample = bool(subs["is_sample"].any()) if len(subs) else False
    folder = data.paths.reports / "khen-thuong"
    enriched = awards.enrich(data.awards, cat.units, cat.award_forms)
    signers = signers_of(data.conferences)
    paths: list[Path] = []
    if "list" in kinds:
        paths += write_lists(enriched, cat, folder, only=only, sample=sample,
                             signers=signers)  # fmt: skip
    paths += write_documents(enriched, cat, data.conferences, folder, only=only, sample=sample,
                             kinds=tuple(k for k in kinds if k in ("decision", "submission")))  # fmt: skip
    if "budget" in kinds:
        from qptd_tools.export.budget import write_budgets

        money = awards.money(enriched, cat.units, cat.award_rates, cat.base_salary,
                             rounding=cat.review.award_rounding_dong,
                             reference_date=cat.review.award_reference_date, authorities=cat.authorities)  # fmt: skip
        money["scope"] = awards.deciding_unit(enriched, cat.units).to_numpy()
        paths += write_budgets(money, cat, data.conferences, data.paths.reports / "du-toan",
                               signers, only=chosen_units(only), sample=sample)  # fmt: skip
    if "reminder" in kinds:
        from qptd_tools.export.reminders import write_reminders

        board = deadlines.board(
            cat.units, data.conferences, cat.deadlines, awards.district_of(cat.units)
        )
        chosen = chosen_units(only)
        if chosen is not None:
            board = board.loc[board["unit_code"].map(lambda c: issuer_of(cat, c) in chosen)]
        paths += write_reminders(board, cat, set(data.submissions["unit_code"]), data.paths.reports / "don-doc",
                                 signers, sample=sample, day=day)  # fmt: skip
    return paths


def _kind(stem: str) -> str:
    if stem.startswith("cong-van-"):
        return "reminder"
    if stem.startswith("du-toan"):
        return "budget"
    if stem.startswith("quyet-dinh-"):
        return "decision"
    return "submission" if stem.startswith("to-trinh-") else "list"

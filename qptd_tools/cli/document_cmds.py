"""``qptd documents``: the review's award paperwork, written from the award records."""

from __future__ import annotations

import argparse
from pathlib import Path

from qptd_tools.cli.common import loaded, out, say, workers
from qptd_tools.core.errors import UsageInvalid, fail
from qptd_tools.export.documents import KINDS, check_day, write_all
from qptd_tools.store.workspace import WorkspaceData

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
    if args.number:  # one unit's one document
        paths = write_all(data, kinds, only, day=args.date, number=args.number, signer=signer)
    else:
        paths = _in_parts(args, data, kinds, only, signer)
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


def _in_parts(args: argparse.Namespace, data: WorkspaceData, kinds: tuple[str, ...],
              only: set[str] | None, signer: tuple[str, str] | None) -> list[Path]:  # fmt: skip
    """Write the documents in ``--workers`` processes, a progress bar counting the units."""
    from tqdm.auto import tqdm

    from qptd_tools.batch.paperwork import write_in_parts
    from qptd_tools.batch.selection import select_units
    from qptd_tools.export.save import FORMATS

    check_day(data, kinds, only, args.date)  # before any part: a refusal names every unit
    chosen = select_units(data.catalog, all_units=True)
    units = [u for u in chosen if only is None or u in only]
    options = {"kinds": kinds, "day": args.date, "signer": signer}
    with tqdm(total=len(units), desc="Ghi văn bản", unit=" đơn vị", disable=args.quiet) as bar:
        return write_in_parts(data.paths.root, data.paths.reports, units, workers(args), options,
                              FORMATS, done=bar.update)  # fmt: skip


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
